"""Rendering results: rich renderables for the terminal and JSON documents. Nothing here prints."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich import box
from rich.columns import Columns
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from . import constants
from .audio import Audio
from .compare import Comparison, sparkline
from .feedback import (
    NORM_TEXT,
    NORMS,
    Feedback,
    against,
    band,
    clock,
    hesitant_pauses,
    is_hesitant,
    judged,
    localised,
    reason_in,
)
from .library import StoredTake, shared_language
from .measure import Metrics
from .models import ModelInfo
from .questions import DIMENSIONS, Question
from .recorder import InputDevice
from .transcribe import Transcript, Word, language_name

TRANSCRIPT_SCHEMA = "mockmic.transcript/1"
ANALYSIS_SCHEMA = "mockmic.analysis/1"


def audio_dict(audio: Audio) -> dict[str, Any]:
    return {
        "path": audio.path,
        "duration_s": round(audio.duration_s, 3),
        "sample_rate": audio.original_sample_rate,
        "channels": audio.original_channels,
        "clipped_share": round(audio.clipped_share, 5),
    }


def transcript_document(audio: Audio, transcript: Transcript) -> dict[str, Any]:
    """The `mockmic transcribe --json` document."""
    return {"schema": TRANSCRIPT_SCHEMA, "audio": audio_dict(audio), "transcript": transcript.as_dict()}


def analysis_document(
    audio: Audio, transcript: Transcript, metrics: Metrics, feedback: Feedback | None = None
) -> dict[str, Any]:
    """The `mockmic analyze --json` document."""
    document = {
        "schema": ANALYSIS_SCHEMA,
        "audio": audio_dict(audio),
        "transcript": transcript.as_dict(),
        "metrics": metrics.as_dict(),
    }
    if feedback is not None:
        document["feedback"] = feedback.as_dict()
    return document


def to_json(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)


PROGRESS_STEPS = {
    "reading": "Reading the audio",
    "language": "Finding the language",
    "transcribing": "Transcribing",
    "measuring": "Measuring the delivery",
}


def progress_step(step: str) -> str:
    """What the progress line says while the pipeline is at a step."""
    return PROGRESS_STEPS.get(step, step)


def language_notice(transcript: Transcript) -> str | None:
    """One line when the audio sounds like another language than the one it was forced into."""
    heard, forced = transcript.heard_language, transcript.language
    if not heard or not forced or heard == forced:
        return None
    return (
        f"This answer sounds like {language_name(heard)}, not {language_name(forced)}; it was analysed as "
        f"{language_name(forced)} as asked (leave out --language to have it detected)."
    )


def _word_timing(word: Word) -> Text:
    text = Text(f"{word.start:.2f}–{word.end:.2f} ", style="dim")
    text.append(word.text, style="dim strike" if word.doubtful else "bold" if word.probability >= 0.5 else "yellow")
    return text


def transcript_renderable(audio: Audio, transcript: Transcript) -> RenderableType:
    """The transcript as text, then every word with its start and end time in seconds."""
    header = Text.assemble(
        (audio.path or "recording", "bold"),
        f"  {audio.duration_s:.1f} s · {transcript.model} · {transcript.language or 'language unknown'}",
    )
    if not transcript.words:
        return Group(header, Text("No speech was recognised in this audio.", style="yellow"))
    timings = Columns([_word_timing(word) for word in transcript.words], padding=(0, 2))
    return Group(
        header,
        Text(""),
        Text(transcript.text),
        Text(""),
        Text("Word timings (s); low-confidence words in yellow, doubtful ones (not counted) struck through", style="dim"),
        timings,
    )


def models_renderable(rows: list[ModelInfo], models_dir: str) -> RenderableType:
    table = Table(title=f"Whisper models in {models_dir}", title_justify="left")
    table.add_column("model")
    table.add_column("state")
    table.add_column("languages")
    table.add_column("size", justify="right")
    for row in rows:
        table.add_row(
            row.name,
            row.state,
            "99" if row.multilingual else "English",
            f"{row.size_mb:,.0f} MB" if row.size_mb else "?",
        )
    return table


def analysis_renderable(
    audio: Audio, transcript: Transcript, metrics: Metrics, feedback: Feedback | None = None
) -> RenderableType:
    """The transcript with fillers, hedges and pauses marked, the metrics beside their targets, then
    the scores with their evidence, the tips and what went well."""
    header = Text.assemble(
        (audio.path or "recording", "bold"),
        f"  {_num(metrics.duration_s, '.1f', metrics.language)} s · {transcript.model} · {transcript.language or 'language unknown'}",
    )
    lang = metrics.language
    t = _words(lang)
    if audio.clipped_share >= constants.CLIPPING_NOTICE_SHARE:
        header.append("\n" + t["clipping"].format(localised("{:.1%}", lang, audio.clipped_share)), style="yellow")
    if not transcript.words:
        return Group(header, Text(t["no speech"], style="yellow"))
    legend = Text.assemble(
        (t["filler"], "yellow"), "  ", (t["hedge"], "magenta underline"), "  ", (_pause_mark(0.4, lang), "dim"),
        f" {t['pause']}  ", (_pause_mark(1.8, lang), "bold red"), f" {t['hesitant pause']}",
    )
    # The table's length target is the question's, as the conciseness score judged it, once there is feedback.
    length_target = next((e.norm for e in feedback.evidence if e.id == "duration"), None) if feedback else None
    table = metrics_table(metrics, length_target)
    parts = [header, Text(""), marked_transcript(transcript, metrics), Text(""), legend, Text(""), table]
    if feedback is not None:
        parts += [Text(""), feedback_renderable(feedback)]
    return Group(*parts)


def stored_line(take_id: int | None, lang: str, *, hint: bool = False) -> Text:
    """What became of the take: its id in the library, or why it was not stored."""
    t = _words(lang)
    if take_id is None:
        return Text(t["not stored"], style="yellow")
    return Text(t["stored"].format(take_id) + (t["history hint"] if hint else "."))


def feedback_renderable(feedback: Feedback) -> RenderableType:
    t = _words(feedback.language)
    table = Table(title=t["Scores"], title_justify="left")
    table.add_column("")
    table.add_column(t["score"], justify="right")
    table.add_column(t["what moved it"])
    for name, score in feedback.scores.items():
        if score is None:
            unmeasured = [e.note for e in feedback.evidence if e.score == name and e.value is None]
            reason = f": {'; '.join(unmeasured)}" if unmeasured else ""  # no words at all: nothing more to say
            table.add_row(t[name], Text("—", style="dim"), Text(t["not scored"] + reason))
            continue
        costs = [e for e in feedback.evidence if e.score == name and e.points >= 0.5]
        why = "; ".join(f"−{e.points:.0f}: {e.note} ({t['norm']}: {e.norm})" for e in costs) or t["nothing to take off"]
        compared = feedback.comparisons.get(name, NORM_TEXT["norms"][feedback.language])
        table.add_row(t[name], Text(str(score), style=_score_style(score)), Text(f"{why} [{t['compared with']} {compared}]"))
    parts: list[RenderableType] = [table]
    if feedback.tips:
        parts.append(Text("\n" + t["What to change"], style="bold"))
        parts += [Text(f"{n}. {tip.message}") for n, tip in enumerate(feedback.tips, start=1)]
    if feedback.went_well:
        parts.append(Text("\n" + t["What went well"], style="bold"))
        parts += [Text(f"✓ {line}", style="green") for line in feedback.went_well]
    return Group(*parts)


def _score_style(score: int) -> str:
    return "green" if score >= 80 else "yellow" if score >= 60 else "red"


def question_line(text: str, low: float, high: float, language: str | None) -> Text:
    """The question `practice` asks and its target length, labelled in the answer's language."""
    t = _words("es" if language == "es" else "en")
    return Text.assemble((f"{t['Question:']} ", "bold"), text, f"  {t['aim for'].format(clock(low), clock(high))}")


def questions_renderable(questions: list[Question]) -> RenderableType:
    table = Table(title="Questions (mockmic practice --question ID)", title_justify="left")
    for column in ("id", "question", "target", "assesses"):
        table.add_column(column)
    for q in questions:
        target = f"{q.target_s[0]:g}–{q.target_s[1]:g} s" + (f" (cap {q.hard_cap_s:g})" if q.hard_cap_s else "")
        table.add_row(q.id, Text(q.text), target, ", ".join(q.assesses))  # the user's text, never read as markup
    return table


def marked_transcript(transcript: Transcript, metrics: Metrics) -> RenderableType:
    """The words in order, with each pause inserted where it happened. Voice without words
    (`Fillers.probable_untranscribed`) is not shown: on long answers only a quarter of it was a filler
    (bench/long_answers.py), and a coach must not point at faults that were not there."""
    styles = {}
    for item in metrics.hedges.items:
        styles.update(dict.fromkeys(range(item.first_word, item.last_word + 1), "magenta underline"))
    for item in metrics.fillers.items:
        styles.update(dict.fromkeys(range(item.first_word, item.last_word + 1), "yellow"))
    events = [(w.start, 1, w, i) for i, w in enumerate(transcript.words)]
    events += [(p.start, 0, p, None) for p in metrics.pauses.items]
    pieces = []
    for _, _, event, index in sorted(events, key=lambda e: (e[0], e[1])):
        if index is not None:
            pieces.append(Text(event.text, style="dim strike" if event.doubtful else styles.get(index, "")))
        else:
            mark = _pause_mark(event.duration_s, metrics.language, _pause_limits(metrics))
            pieces.append(Text(mark, style=_pause_style(event.duration_s, event.kind)))
    return Unbroken(tuple(pieces))


@dataclass(frozen=True)
class Unbroken:
    """Pieces of text a space apart, in lines as wide as the console, no piece split across two: Rich
    wraps at any space, so it would leave "[1.8" at the end of one line and "s]" at the start of the next."""

    pieces: tuple[Text, ...]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        line = Text()
        for piece in self.pieces:
            if line.plain and line.cell_len + 1 + piece.cell_len > options.max_width:
                yield line
                line = Text()
            if line.plain:
                line.append(" ")
            line.append_text(piece)
        yield line


def _pause_mark(duration_s: float, lang: str, limits: tuple[float, ...] = ()) -> str:
    return f"[{judged(duration_s, 1, *limits, lang=lang)} s]"


def _pause_limits(m: Metrics) -> tuple[float, ...]:
    """The lengths a pause is counted against: a pause at all, a long one, a hesitant one mid-sentence."""
    return m.pauses.min_pause_s, m.pauses.long_pause_s, NORMS["mid_pause"].high


def _pause_style(duration: float, kind: str) -> str:
    if is_hesitant(kind, duration):
        return "bold red"
    return "yellow" if duration >= constants.LONG_PAUSE_S else "dim"


def metrics_table(metrics: Metrics, length_target: str | None = None) -> Table:
    t = _words(metrics.language)
    table = Table(title=t["Delivery"], title_justify="left")
    table.add_column(t["measure"])
    table.add_column(t["value"])
    table.add_column(t["target"])
    for row in _metric_rows(metrics, t, length_target or t["duration_target"]):
        table.add_row(*row)
    return table


def _metric_rows(m: Metrics, t: dict[str, str], length_target: str) -> list[tuple[str, str, str]]:
    p, pitch, f, lang = m.pauses, m.pitch, m.fillers, m.language
    num = lambda value, spec: _num(value, spec, lang)  # noqa: E731
    near = lambda value, decimals, norm: "—" if value is None else against(norm, value, decimals, lang)  # noqa: E731
    hedges = f": {', '.join(sorted({h.text for h in m.hedges.items}))}" if m.hedges.items else ""
    rows = [
        ("duration", t["duration_value"].format(num(m.duration_s, ".0f"), num(m.speaking_span_s, ".0f")), length_target),
        ("pace", t["pace_value"].format(near(m.words_per_minute, 0, NORMS["wpm"])), band(NORMS["wpm"], lang)),
        ("articulation rate", t["articulation_value"].format(num(m.articulation_rate_wpm, ".0f"), num(m.syllables_per_second, ".1f")),
         t["articulation_target"]),
        ("pauses", t["pauses_value"].format(p.count, num(p.per_minute, ".1f"), num(p.total_s, ".1f")),
         t["pauses_target"].format(num(p.min_pause_s, "g"))),
        ("long pauses", t["long_value"].format(p.long_count, num(p.long_pause_s, "g"), _longest(p.longest_s, m, lang))
         if p.longest_s is not None else t["no pauses"],
         t["long_target"].format(num(NORMS["mid_pause"].high, "g"), len(hesitant_pauses(m)))),
        ("fillers", t["fillers_value"].format(f.count, near(f.per_100_words, 1, NORMS["fillers_per_100"])), band(NORMS["fillers_per_100"], lang)),
        ("hedges", f"{m.hedges.count}{hedges}", t["hedges_target"]),
        ("pitch variation", t["pitch_sd_value"].format(near(pitch.sd_semitones, 1, NORMS["pitch_sd"])) if pitch.reason is None
         else reason_in(pitch.reason, lang), band(NORMS["pitch_sd"], lang)),
        ("pitch", t["pitch_value"].format(num(pitch.median_hz, ".0f"), num(pitch.range_semitones, ".1f")) if pitch.median_hz
         else "—", t["pitch_target"]),
        ("loudness variation", t["loudness_value"].format(num(m.loudness.sd_db, ".1f")) if m.loudness.reason is None
         else reason_in(m.loudness.reason, lang), t["loudness_target"]),
        ("repeated", _repeats(m) or t["nothing notable"], t["repeated_target"]),
    ]  # fmt: skip
    return [(t[name], value, target) for name, value, target in rows]


# The report's own words, by key and language, as feedback.py's tables are; tips and evidence come
# from feedback.py in the answer's language.
TEXT = {
    "filler": {"en": "filler", "es": "muletilla"},
    "hedge": {"en": "hedge", "es": "rodeo"},
    "pause": {"en": "pause", "es": "pausa"},
    "hesitant pause": {"en": "long mid-sentence pause", "es": "pausa larga a mitad de frase"},
    "Delivery": {"en": "Delivery", "es": "Expresión"},
    "measure": {"en": "measure", "es": "medida"},
    "value": {"en": "value", "es": "valor"},
    "target": {"en": "target", "es": "objetivo"},
    "Scores": {"en": "Scores", "es": "Puntuación"},
    "score": {"en": "score", "es": "puntos"},
    "what moved it": {"en": "what moved it", "es": "qué restó puntos"},
    "not scored": {"en": "not scored", "es": "sin puntuar"},
    "norm": {"en": "norm", "es": "referencia"},
    "nothing to take off": {"en": "nothing to take off", "es": "nada que descontar"},
    "compared with": {"en": "compared with", "es": "comparado con"},
    "duration": {"en": "duration", "es": "duración"},
    "pace": {"en": "pace", "es": "ritmo"},
    "articulation rate": {"en": "articulation rate", "es": "velocidad de articulación"},
    "pauses": {"en": "pauses", "es": "pausas"},
    "long pauses": {"en": "long pauses", "es": "pausas largas"},
    "fillers": {"en": "fillers", "es": "muletillas"},
    "hedges": {"en": "hedges", "es": "rodeos"},
    "pitch variation": {"en": "pitch variation", "es": "variación del tono"},
    "pitch": {"en": "pitch", "es": "tono"},
    "loudness variation": {"en": "loudness variation", "es": "variación del volumen"},
    "repeated": {"en": "repeated", "es": "repeticiones"},
    "nothing notable": {"en": "nothing notable", "es": "nada destacable"},
    "duration_value": {"en": "{} s (speaking {} s)", "es": "{} s (hablando {} s)"},
    "duration_target": {"en": "60–90 s for a self-introduction", "es": "60–90 s para presentarte"},
    "pace_value": {"en": "{} words/min", "es": "{} palabras/min"},
    "articulation_value": {"en": "{} words/min, {} syll/s", "es": "{} palabras/min, {} síl/s"},
    "articulation_target": {"en": "pace without the pauses", "es": "el ritmo sin las pausas"},
    "pauses_value": {"en": "{} ({}/min), {} s in all", "es": "{} ({}/min), {} s en total"},
    "pauses_target": {"en": "pauses of {} s or more", "es": "pausas de {} s o más"},
    "long_value": {"en": "{} ≥ {} s, longest {} s", "es": "{} ≥ {} s, la más larga {} s"},
    "clipping": {"en": "{} of the samples are clipped at full scale: move back from the microphone or lower its input gain.",
                 "es": "El {} de las muestras está recortado a escala completa: aléjate del micrófono o baja su ganancia."},
    "no pauses": {"en": "no pauses", "es": "ninguna pausa"},
    "long_target": {"en": "none mid-sentence over {} s ({} now)", "es": "ninguna de más de {} s a mitad de frase (ahora {})"},
    "fillers_value": {"en": "{} ({} per 100 words)", "es": "{} ({} por cada 100 palabras)"},
    "hedges_target": {"en": "say what you know; ask when unsure", "es": "di lo que sabes; pregunta si no estás seguro"},
    "pitch_sd_value": {"en": "{} semitones SD", "es": "{} semitonos (desviación típica)"},
    "pitch_value": {"en": "median {} Hz, range {} st", "es": "mediana {} Hz, rango {} semitonos"},
    "pitch_target": {"en": "your own voice; no target", "es": "tu propia voz; sin objetivo"},
    "loudness_value": {"en": "{} dB SD", "es": "{} dB (desviación típica)"},
    "loudness_target": {"en": "no validated target", "es": "sin objetivo validado"},
    "repeated_target": {"en": "vary your words", "es": "varía tus palabras"},
    "no speech": {"en": "No speech was recognised in this audio, so there is nothing to measure.", "es": "No se reconoció habla en este audio, así que no hay nada que medir."},
    "conciseness": {"en": "conciseness", "es": "concisión"},
    "enthusiasm": {"en": "enthusiasm", "es": "entusiasmo"},
    "assertiveness": {"en": "assertiveness", "es": "asertividad"},
    "clarity": {"en": "clarity", "es": "claridad"},
    "What to change": {"en": "What to change", "es": "Qué cambiar"},
    "What went well": {"en": "What went well", "es": "Qué salió bien"},
    "stored": {"en": "Saved as take {}", "es": "Guardada como toma {}"},
    "Question:": {"en": "Question:", "es": "Pregunta:"},
    "aim for": {"en": "(aim for {}–{})", "es": "(objetivo: {}–{})"},
    "history hint": {"en": "; `mockmic history` lists your takes.", "es": "; `mockmic history` muestra tus tomas."},
    "not stored": {"en": "Not stored: with no speech recognised there is nothing to keep in your history.",
                   "es": "No se guardó: sin habla reconocida no hay nada que añadir a tu historial."},
    # history, show, compare and progress: in Spanish when every take listed is Spanish
    "Takes, newest first": {"en": "Takes, newest first", "es": "Tomas, la más reciente primero"},
    "history_caption": {"en": "scores: C conciseness, E enthusiasm, A assertiveness, Cl clarity; f/100 fillers per 100 words",
                        "es": "puntuación: C concisión, E entusiasmo, A asertividad, Cl claridad; m/100 muletillas por cada 100 palabras"},
    "id": {"en": "id", "es": "id"},
    "when (UTC)": {"en": "when (UTC)", "es": "fecha (UTC)"},
    "question": {"en": "question", "es": "pregunta"},
    "length": {"en": "length", "es": "duración"},
    "wpm": {"en": "wpm", "es": "ppm"},
    "f/100": {"en": "f/100", "es": "m/100"},
    "Take": {"en": "Take", "es": "Toma"},
    "take": {"en": "take", "es": "toma"},
    "Takes compared (change against the first)": {"en": "Takes compared (change against the first)",
                                                  "es": "Tomas comparadas (cambio respecto a la primera)"},
    "better": {"en": "better", "es": "mejor"},
    "worse": {"en": "worse", "es": "peor"},
    "same": {"en": "same", "es": "igual"},
    "speaking time s": {"en": "speaking time s", "es": "tiempo hablando (s)"},
    "words per minute": {"en": "words per minute", "es": "palabras por minuto"},
    "fillers per 100 words": {"en": "fillers per 100 words", "es": "muletillas por cada 100 palabras"},
    "pitch variation st": {"en": "pitch variation st", "es": "variación del tono (semitonos)"},
    "loudness variation dB": {"en": "loudness variation dB", "es": "variación del volumen (dB)"},
    "mid-sentence pauses > 1.2 s": {"en": "mid-sentence pauses > 1.2 s", "es": "pausas a mitad de frase > 1,2 s"},
    "Tips you no longer get": {"en": "Tips you no longer get", "es": "Consejos que ya no recibes"},
    "New tips": {"en": "New tips", "es": "Consejos nuevos"},
    "tip:mid_pause": {"en": "long mid-sentence pauses", "es": "pausas largas a mitad de frase"},
    "tip:too_long": {"en": "too long", "es": "demasiado larga"},
    "tip:too_short": {"en": "too short", "es": "demasiado corta"},
    "tip:fillers": {"en": "fillers", "es": "muletillas"},
    "tip:hedges": {"en": "hedges", "es": "rodeos"},
    "tip:monotone": {"en": "monotone voice", "es": "voz monótona"},
    "tip:flat": {"en": "flat stretches", "es": "tramos sin variación"},
    "tip:uptalk": {"en": "rising endings", "es": "finales en subida"},
    "tip:trail_off": {"en": "trailing off", "es": "finales que se apagan"},
    "tip:fast": {"en": "too fast", "es": "demasiado rápido"},
    "tip:slow": {"en": "too slow", "es": "demasiado lento"},
    "tip:long_sentence": {"en": "long sentences", "es": "frases largas"},
    "tip:repetition": {"en": "repeated words", "es": "palabras repetidas"},
    "Scores over {count} {takes}, oldest first": {"en": "Scores over {count} {takes}, oldest first",
                                                   "es": "Puntuación de {count} {takes}, la más antigua primero"},
    "takes": {"en": "takes", "es": "tomas"},
    "score name": {"en": "score", "es": "puntuación"},
    "trend": {"en": "trend", "es": "tendencia"},
    "first": {"en": "first", "es": "primera"},
    "last": {"en": "last", "es": "última"},
    "best": {"en": "best", "es": "mejor"},
}  # fmt: skip


def _words(lang: str) -> dict[str, str]:
    return {key: texts[lang] for key, texts in TEXT.items()}


def _num(value: float | None, spec: str, lang: str = "en") -> str:
    """A number as the language writes it (2.5, or 2,5 in Spanish); a dash when there is none."""
    return "—" if value is None else localised(f"{{:{spec}}}", lang, value)


def _longest(longest_s: float, m: Metrics, lang: str) -> str:
    return judged(longest_s, 1, *_pause_limits(m)[1:], lang=lang)


def _repeats(m: Metrics) -> str:
    return ", ".join(f"“{r.text}” ×{r.count}" for r in (*m.repeated_words, *m.repeated_phrases))


def devices_renderable(devices: list[InputDevice]) -> RenderableType:
    if not devices:
        return Text("No input devices were found.", style="yellow")
    table = Table(title="Input devices (* default)", title_justify="left")
    for column in ("", "index", "name", "channels", "default rate"):
        table.add_column(column)
    for d in devices:
        table.add_row("*" if d.is_default else "", str(d.index), d.name, str(d.channels), f"{d.default_samplerate:.0f} Hz")
    return table


SCORE_NAMES = DIMENSIONS


def reanalysed_line(before: StoredTake, after: StoredTake) -> str:
    """What reanalysing a take changed: each score and measure that moved, old -> new, or that nothing did."""
    changes = [
        f"{name} {_num(old, 'd')} → {_num(new, 'd')}"
        for name in SCORE_NAMES
        if (old := before.summary()["scores"].get(name)) != (new := after.summary()["scores"].get(name))
    ]  # fmt: skip
    for name, key, spec in (("words/min", "words_per_minute", ".0f"), ("fillers/100 words", "fillers_per_100_words", ".1f")):
        old, new = (_num(take.summary()[key], spec) for take in (before, after))
        if old != new:
            changes.append(f"{name} {old} → {new}")
    if (before.engine, before.model) != (after.engine, after.model):
        changes.append(f"transcribed by {after.engine} {after.model} (was {before.engine or 'unknown'} {before.model})")
    return f"Reanalysed take {after.id}: " + ("; ".join(changes) if changes else "nothing changed") + "."


def history_renderable(takes: list[StoredTake]) -> RenderableType:
    if not takes:
        return Text("No takes yet: `mockmic practice` records one, `mockmic analyze FILE --save` stores one.")
    lang = shared_language(takes)
    t = _words(lang)
    table = Table(title=t["Takes, newest first"], title_justify="left", caption_justify="left", caption=t["history_caption"],
                  box=box.SIMPLE_HEAD, pad_edge=False)  # no rules between columns: eleven fit in 66 characters
    for key in ("id", "when (UTC)", "question", "lang", "length", "C", "E", "A", "Cl", "wpm", "f/100"):
        text = key in ("when (UTC)", "question")  # these wrap in a narrow terminal; ids and numbers stay whole
        table.add_column(t.get(key, key), justify="left" if text else "right", no_wrap=not text, min_width=5 if text else 2)
    for take in takes:
        row = take.summary()
        scores = row["scores"]
        table.add_row(
            str(take.id), take.created_at[5:16].replace("T", " "), take.question_id, take.language or "—",
            f"{take.duration_s:.0f} s",
            *(_num(scores.get(name), "d") for name in SCORE_NAMES),
            _num(row["words_per_minute"], ".0f"), _num(row["fillers_per_100_words"], ".1f", lang),
        )  # fmt: skip
    return table


def stored_take_renderable(take: StoredTake) -> RenderableType:
    t = _words(shared_language([take]))
    audio = Audio(np.zeros(0, dtype=np.float32), 0, 0, str(take.audio_path))
    header = Text.assemble((f"{t['Take']} {take.id}", "bold"), f"  {take.created_at[:19].replace('T', ' ')} UTC · "
                           f"{t['question']} {take.question_id} · {_num(take.duration_s, '.1f', take.language or 'en')} s"
                           f" · mockmic {take.app_version}")  # fmt: skip
    body = analysis_renderable(
        audio, Transcript.from_dict(take.transcript), Metrics.from_dict(take.metrics), Feedback.from_dict(take.feedback)
    )
    return Group(header, body)


def comparison_renderable(comparison: Comparison) -> RenderableType:
    lang = comparison.language
    t = _words(lang)
    table = Table(title=t["Takes compared (change against the first)"], title_justify="left")
    table.add_column(t["measure"])
    for take_id in comparison.take_ids:
        table.add_column(f"{t['take']} {take_id}", justify="right")
    for row in comparison.rows:
        cells = [Text(_num(row.values[0], "g", lang))]
        for value, delta, verdict in zip(row.values[1:], row.deltas[1:], row.verdicts[1:]):
            cell = Text(_num(value, "g", lang))
            if delta is not None and verdict:
                style = {"better": "green", "worse": "red"}.get(verdict, "dim")
                cell.append(f" ({_num(delta, '+g', lang)}, {t[verdict]})", style=style)
            cells.append(cell)
        table.add_row(t[row.name], *cells)
    lines: list[RenderableType] = [table]
    if comparison.tips_resolved:
        lines.append(Text(f"{t['Tips you no longer get']}: " + _tip_names(comparison.tips_resolved, t), style="green"))
    if comparison.tips_new:
        lines.append(Text(f"{t['New tips']}: " + _tip_names(comparison.tips_new, t), style="yellow"))
    return Group(*lines)


def _tip_names(ids: tuple[str, ...], t: dict[str, str]) -> str:
    return ", ".join(t.get(f"tip:{tip_id}", tip_id) for tip_id in ids)


def progress_renderable(takes_oldest_first: list[StoredTake]) -> RenderableType:
    if not takes_oldest_first:
        return Text("No takes yet: practise a few times to see your progress.")
    t = _words(shared_language(takes_oldest_first))
    count = len(takes_oldest_first)
    title = t["Scores over {count} {takes}, oldest first"].format(count=count, takes=t["takes"] if count > 1 else t["take"])
    table = Table(title=title, title_justify="left")
    for key in ("score name", "trend", "first", "last", "best"):
        table.add_column(t[key])
    for name in SCORE_NAMES:
        values = [take.feedback.get("scores", {}).get(name) for take in takes_oldest_first]
        known = [v for v in values if v is not None]
        table.add_row(t[name], sparkline(values), _num(known[0] if known else None, "d"),
                      _num(known[-1] if known else None, "d"), _num(max(known) if known else None, "d"))  # fmt: skip
    return table


def takes_csv(takes: list[StoredTake]) -> str:
    """One row per take: the history columns plus the main measures."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "created_at", "question", "language", "duration_s", *SCORE_NAMES, "words_per_minute",
                     "fillers_per_100_words", "hedges", "pitch_sd_semitones", "pauses", "model", "app_version", "text"])  # fmt: skip
    for t in takes:
        m = t.metrics
        writer.writerow([
            t.id, t.created_at, t.question_id, t.language, round(t.duration_s, 2),
            *(t.feedback.get("scores", {}).get(name) for name in SCORE_NAMES),
            m.get("words_per_minute"), m["fillers"].get("per_100_words"), m["hedges"].get("count"),
            m["pitch"].get("sd_semitones"), m["pauses"].get("count"), t.model, t.app_version, t.transcript.get("text"),
        ])  # fmt: skip
    return out.getvalue()
