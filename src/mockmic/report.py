"""Rendering results: rich renderables for the terminal, and a CSV of takes (JSON documents are
`mockmic.schema`'s). Nothing here prints; every word shown comes from the text catalogs (`mockmic.text`),
in the answer's language where it has one."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
from rich import box
from rich.columns import Columns
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from . import constants
from .audio import Audio
from .compare import Comparison, sparkline
from .feedback import Feedback
from .norms import NORMS, against, band, hesitant_pauses, is_hesitant
from .library import StoredTake, shared_language
from .measure import Metrics
from .models import ModelInfo
from .questions import DIMENSIONS, Question
from .recorder import InputDevice
from .text import clock, has, judged, number, reason, say
from .transcribe import Transcript, Word, language_name

def progress_step(step: str) -> str:
    """What the progress line says while the pipeline is at a step (in English: before the language is known);
    a step the catalogs do not name is shown by its name."""
    return say(f"step.{step}", "en") if has(f"step.{step}") else step


def language_notice(transcript: Transcript) -> str | None:
    """One line when the audio sounds like another language than the one it was forced into."""
    heard, forced = transcript.heard_language, transcript.language
    if not heard or not forced or heard == forced:
        return None
    return say("report.language_notice", "en", heard=language_name(heard), forced=language_name(forced))


def _word_timing(word: Word) -> Text:
    text = Text(f"{word.start:.2f}–{word.end:.2f} ", style="dim")
    text.append(word.text, style="dim strike" if word.doubtful else "bold" if word.probability >= 0.5 else "yellow")
    return text


def transcript_renderable(audio: Audio, transcript: Transcript) -> RenderableType:
    """The transcript as text, then every word with its start and end time in seconds."""
    header = Text.assemble(
        (audio.path or say("report.recording", "en"), "bold"),
        f"  {audio.duration_s:.1f} s · {transcript.model} · "
        f"{transcript.language or say('report.language_unknown', 'en')}",
    )
    if not transcript.words:
        return Group(header, Text(say("transcript.no_speech", "en"), style="yellow"))
    timings = Columns([_word_timing(word) for word in transcript.words], padding=(0, 2))
    return Group(
        header,
        Text(""),
        Text(transcript.text),
        Text(""),
        Text(say("transcript.timings", "en"), style="dim"),
        timings,
    )


def models_renderable(rows: list[ModelInfo], models_dir: str) -> RenderableType:
    table = Table(title=say("models.title", "en", directory=models_dir), title_justify="left")
    table.add_column(say("models.model", "en"))
    table.add_column(say("models.state", "en"))
    table.add_column(say("models.languages", "en"))
    table.add_column(say("models.size", "en"), justify="right")
    for row in rows:
        table.add_row(
            row.name,
            row.state,
            "99" if row.multilingual else say("models.english", "en"),
            f"{row.size_mb:,.0f} MB" if row.size_mb else "?",
        )
    return table


def analysis_renderable(
    audio: Audio, transcript: Transcript, metrics: Metrics, feedback: Feedback | None = None
) -> RenderableType:
    """The transcript with fillers, hedges and pauses marked, the metrics beside their targets, then
    the scores with their evidence, the tips and what went well."""
    lang = metrics.language
    header = Text.assemble(
        (audio.path or say("report.recording", "en"), "bold"),
        f"  {number(metrics.duration_s, '.1f', lang)} s · {transcript.model} · "
        f"{transcript.language or say('report.language_unknown', 'en')}",
    )
    if audio.clipped_share >= constants.CLIPPING_NOTICE_SHARE:
        header.append("\n" + say("report.clipping", lang, share=audio.clipped_share), style="yellow")
    if not transcript.words:
        return Group(header, Text(say("report.no_speech", lang), style="yellow"))
    legend = Text.assemble(
        (say("report.filler", lang), "yellow"), "  ", (say("report.hedge", lang), "magenta underline"), "  ",
        (_pause_mark(0.4, lang), "dim"), f" {say('report.pause', lang)}  ", (_pause_mark(1.8, lang), "bold red"),
        f" {say('report.hesitant_pause', lang)}",
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
    if take_id is None:
        return Text(say("report.not_stored", lang), style="yellow")
    return Text(say("report.stored", lang, take=take_id) + (say("report.history_hint", lang) if hint else "."))


def feedback_renderable(feedback: Feedback) -> RenderableType:
    lang = feedback.language
    table = Table(title=say("report.scores", lang), title_justify="left")
    table.add_column("")
    table.add_column(say("report.score", lang), justify="right")
    table.add_column(say("report.what_moved_it", lang))
    for name, score in feedback.scores.items():
        if score is None:
            unmeasured = [e.note for e in feedback.evidence if e.score == name and e.value is None]
            why = f": {'; '.join(unmeasured)}" if unmeasured else ""  # no words at all: nothing more to say
            not_scored = Text(say("report.not_scored", lang) + why)
            table.add_row(say(f"score.{name}", lang), Text("—", style="dim"), not_scored)
            continue
        costs = [e for e in feedback.evidence if e.score == name and e.points >= 0.5]
        norm = say("report.norm", lang)
        why = "; ".join(f"−{e.points:.0f}: {e.note} ({norm}: {e.norm})" for e in costs)
        why = why or say("report.nothing_to_take_off", lang)
        compared = feedback.comparisons.get(name, say("norm.norms", lang))
        table.add_row(say(f"score.{name}", lang), Text(str(score), style=_score_style(score)),
                      Text(f"{why} [{say('report.compared_with', lang)} {compared}]"))
    parts: list[RenderableType] = [table]
    if feedback.tips:
        parts.append(Text("\n" + say("report.what_to_change", lang), style="bold"))
        parts += [Text(f"{n}. {tip.message}") for n, tip in enumerate(feedback.tips, start=1)]
    if feedback.went_well:
        parts.append(Text("\n" + say("report.what_went_well", lang), style="bold"))
        parts += [Text(f"✓ {line}", style="green") for line in feedback.went_well]
    return Group(*parts)


def _score_style(score: int) -> str:
    return "green" if score >= 80 else "yellow" if score >= 60 else "red"


def question_line(text: str, low: float, high: float, language: str | None) -> Text:
    """The question `practice` asks and its target length, labelled in the answer's language."""
    lang = "es" if language == "es" else "en"
    return Text.assemble((f"{say('report.question', lang)} ", "bold"), text,
                         f"  {say('report.aim_for', lang, low=clock(low), high=clock(high))}")


def questions_renderable(questions: list[Question]) -> RenderableType:
    table = Table(title=say("questions.title", "en"), title_justify="left")
    for column in ("id", "question", "target", "assesses"):
        table.add_column(say(f"questions.{column}", "en"))
    for q in questions:
        low, high = q.target_s
        target = (say("questions.target_capped", "en", low=low, high=high, cap=q.hard_cap_s) if q.hard_cap_s
                  else say("questions.target_value", "en", low=low, high=high))
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
    lang = metrics.language
    table = Table(title=say("report.delivery", lang), title_justify="left")
    table.add_column(say("report.measure", lang))
    table.add_column(say("report.value", lang))
    table.add_column(say("report.target", lang))
    for row in _metric_rows(metrics, length_target or say("metric.duration.target", lang)):
        table.add_row(*row)
    return table


def _metric_rows(m: Metrics, length_target: str) -> list[tuple[str, str, str]]:
    p, pitch, f, lang = m.pauses, m.pitch, m.fillers, m.language
    num = lambda value, spec: number(value, spec, lang)  # noqa: E731
    near = lambda value, decimals, norm: "—" if value is None else against(norm, value, decimals, lang)  # noqa: E731
    text = lambda key, **values: say(f"metric.{key}", lang, **values)  # noqa: E731
    hedges = f": {', '.join(sorted({h.text for h in m.hedges.items}))}" if m.hedges.items else ""
    longest = p.longest_s is not None
    rows = [
        ("duration", text("duration.value", duration=num(m.duration_s, ".0f"), span=num(m.speaking_span_s, ".0f")),
         length_target),
        ("pace", text("pace.value", wpm=near(m.words_per_minute, 0, NORMS["wpm"])), band(NORMS["wpm"], lang)),
        ("articulation_rate", text("articulation_rate.value", wpm=num(m.articulation_rate_wpm, ".0f"),
                                   rate=num(m.syllables_per_second, ".1f")), text("articulation_rate.target")),
        ("pauses", text("pauses.value", count=p.count, per_minute=num(p.per_minute, ".1f"),
                        total=num(p.total_s, ".1f")),
         text("pauses.target", shortest=num(p.min_pause_s, "g"))),
        ("long_pauses", text("long_pauses.value", count=p.long_count, limit=num(p.long_pause_s, "g"),
                             longest=_longest(p.longest_s, m, lang)) if longest else text("long_pauses.none"),
         text("long_pauses.target", limit=num(NORMS["mid_pause"].high, "g"), count=len(hesitant_pauses(m)))),
        ("fillers", text("fillers.value", count=f.count, rate=near(f.per_100_words, 1, NORMS["fillers_per_100"])),
         band(NORMS["fillers_per_100"], lang)),
        ("hedges", f"{m.hedges.count}{hedges}", text("hedges.target")),
        ("pitch_variation", text("pitch_variation.value", sd=near(pitch.sd_semitones, 1, NORMS["pitch_sd"]))
         if pitch.reason is None else reason(pitch.reason, lang), band(NORMS["pitch_sd"], lang)),
        ("pitch", text("pitch.value", hz=num(pitch.median_hz, ".0f"), range=num(pitch.range_semitones, ".1f"))
         if pitch.median_hz else "—", text("pitch.target")),
        ("loudness_variation", text("loudness_variation.value", db=num(m.loudness.sd_db, ".1f"))
         if m.loudness.reason is None else reason(m.loudness.reason, lang), text("loudness_variation.target")),
        ("repeated", _repeats(m) or text("repeated.none"), text("repeated.target")),
    ]  # fmt: skip
    return [(text(name), value, target) for name, value, target in rows]


def _longest(longest_s: float, m: Metrics, lang: str) -> str:
    return judged(longest_s, 1, *_pause_limits(m)[1:], lang=lang)


def _repeats(m: Metrics) -> str:
    return ", ".join(f"“{r.text}” ×{r.count}" for r in (*m.repeated_words, *m.repeated_phrases))


def devices_renderable(devices: list[InputDevice]) -> RenderableType:
    if not devices:
        return Text(say("devices.none", "en"), style="yellow")
    table = Table(title=say("devices.title", "en"), title_justify="left")
    table.add_column("")
    for column in ("index", "name", "channels", "rate"):
        table.add_column(say(f"devices.{column}", "en"))
    for d in devices:
        table.add_row("*" if d.is_default else "", str(d.index), d.name, str(d.channels), f"{d.default_samplerate:.0f} Hz")
    return table


SCORE_NAMES = DIMENSIONS


def reanalysed_line(before: StoredTake, after: StoredTake) -> str:
    """What reanalysing a take changed: each score and measure that moved, old -> new, or that nothing did."""
    changes = [
        f"{say(f'score.{name}', 'en')} {number(old, 'd')} → {number(new, 'd')}"
        for name in SCORE_NAMES
        if (old := before.feedback.scores.get(name)) != (new := after.feedback.scores.get(name))
    ]  # fmt: skip
    for key, spec, values in (
        ("words_per_minute", ".0f", [take.metrics.words_per_minute for take in (before, after)]),
        ("fillers_per_100_words", ".1f", [take.metrics.fillers.per_100_words for take in (before, after)]),
    ):
        old, new = (number(value, spec) for value in values)
        if old != new:
            changes.append(f"{say(f'reanalysed.{key}', 'en')} {old} → {new}")
    if (before.engine, before.model) != (after.engine, after.model):
        changes.append(say("reanalysed.engine", "en", engine=after.engine, model=after.model,
                           old_engine=before.engine or say("reanalysed.unknown_engine", "en"), old_model=before.model))
    return say("reanalysed.line", "en", take=after.id, changes="; ".join(changes) or say("reanalysed.nothing", "en"))


def history_renderable(takes: list[StoredTake]) -> RenderableType:
    if not takes:
        return Text(say("history.empty", "en"))
    lang = shared_language(takes)
    # no rules between columns: eleven fit in 66 characters
    table = Table(title=say("history.title", lang), title_justify="left", caption_justify="left",
                  caption=say("history.caption", lang), box=box.SIMPLE_HEAD, pad_edge=False)
    for key in ("id", "when", "question", "language", "length", *SCORE_NAMES, "wpm", "fillers"):
        text = key in ("when", "question")  # these wrap in a narrow terminal; ids and numbers stay whole
        table.add_column(say(f"history.{key}", lang), justify="left" if text else "right", no_wrap=not text,
                         min_width=5 if text else 2)
    for take in takes:
        table.add_row(
            str(take.id), take.created_at[5:16].replace("T", " "), take.question_id, take.language or "—",
            f"{take.duration_s:.0f} s",
            *(number(take.feedback.scores.get(name), "d") for name in SCORE_NAMES),
            number(take.metrics.words_per_minute, ".0f"), number(take.metrics.fillers.per_100_words, ".1f", lang),
        )  # fmt: skip
    return table


def stored_take_renderable(take: StoredTake) -> RenderableType:
    lang = shared_language([take])
    audio = Audio(np.zeros(0, dtype=np.float32), 0, 0, str(take.audio_path))
    details = say("show.details", lang, when=take.created_at[:19].replace("T", " "), question=take.question_id,
                  duration=number(take.duration_s, ".1f", lang), version=take.app_version)
    header = Text.assemble((say("show.take", lang, take=take.id), "bold"), f"  {details}")
    return Group(header, analysis_renderable(audio, take.transcript, take.metrics, take.feedback))


def comparison_renderable(comparison: Comparison) -> RenderableType:
    lang = comparison.language
    table = Table(title=say("compare.title", lang), title_justify="left")
    table.add_column(say("report.measure", lang))
    for take_id in comparison.take_ids:
        table.add_column(say("compare.take", lang, take=take_id), justify="right")
    for row in comparison.rows:
        cells = [Text(number(row.values[0], "g", lang))]
        for value, delta, verdict in zip(row.values[1:], row.deltas[1:], row.verdicts[1:]):
            cell = Text(number(value, "g", lang))
            if delta is not None and verdict:
                style = {"better": "green", "worse": "red"}.get(verdict, "dim")
                cell.append(f" ({number(delta, '+g', lang)}, {say(f'compare.{verdict}', lang)})", style=style)
            cells.append(cell)
        table.add_row(say(row.label, lang), *cells)
    lines: list[RenderableType] = [table]
    if comparison.tips_resolved:
        tips = _tip_names(comparison.tips_resolved, lang)
        lines.append(Text(say("compare.tips_resolved", lang, tips=tips), style="green"))
    if comparison.tips_new:
        lines.append(Text(say("compare.tips_new", lang, tips=_tip_names(comparison.tips_new, lang)), style="yellow"))
    return Group(*lines)


def _tip_names(ids: tuple[str, ...], lang: str) -> str:
    """Each tip in a word or two; a tip id this version no longer gives (in an older take) as it is."""
    return ", ".join(say(f"tip_name.{tip_id}", lang) if has(f"tip_name.{tip_id}") else tip_id for tip_id in ids)


def progress_renderable(takes_oldest_first: list[StoredTake]) -> RenderableType:
    if not takes_oldest_first:
        return Text(say("progress.empty", "en"))
    lang = shared_language(takes_oldest_first)
    count = len(takes_oldest_first)
    title = say("progress.title" if count > 1 else "progress.title.one", lang, count=count)
    table = Table(title=title, title_justify="left")
    for key in ("score", "trend", "first", "last", "best"):
        table.add_column(say(f"progress.{key}", lang))
    for name in SCORE_NAMES:
        values = [take.feedback.scores.get(name) for take in takes_oldest_first]
        known = [v for v in values if v is not None]
        first, last, best = (known[0], known[-1], max(known)) if known else (None, None, None)
        table.add_row(say(f"score.{name}", lang), sparkline(values), *(number(v, "d") for v in (first, last, best)))
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
            *(t.feedback.scores.get(name) for name in SCORE_NAMES),
            m.words_per_minute, m.fillers.per_100_words, m.hedges.count,
            m.pitch.sd_semitones, m.pauses.count, t.model, t.app_version, t.transcript.text,
        ])  # fmt: skip
    return out.getvalue()
