"""The one-answer report: the transcript, the marked transcript, the metrics beside their targets, the
scores with their evidence, the tips and what went well, as rich renderables; and the lines around it
(the question asked, the progress step, where the take was stored, a language notice). Nothing here
prints; every word shown comes from the text catalogs (`mockmic.text`), in the answer's language. The
library's views (history, show, compare...) are `mockmic.views`; JSON documents are `mockmic.schema`'s."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.columns import Columns
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from . import constants
from .feedback import Feedback
from .measure import Metrics, Pause, noisy_room
from .norms import NORMS, against, band, hesitant_pauses
from .text import clock, has, judged, number, reason, say
from .transcribe import Transcript, Word, language_name

if TYPE_CHECKING:
    from .live import SoFar
    from .pipeline import Analysis


def progress_step(step: str) -> str:
    """What the progress line says while the pipeline is at a step (in English: before the language is known);
    a step the catalogs do not name is shown by its name."""
    return say(f"step.{step}", "en") if has(f"step.{step}") else step


def live_line(figures: SoFar | None) -> str:
    """The live line's part from the transcription (`practice --live`): pace over the last seconds
    transcribed and fillers so far, with the moment they reach (they trail the speaker)."""
    if figures is None:
        return say("live.waiting", "en")
    pace = say("live.pace", "en", wpm=round(figures.recent_wpm)) if figures.recent_wpm is not None else ""
    return say("live.line", "en", pace=pace, fillers=figures.fillers, at=clock(figures.as_of_s))


def live_notice(behind_s: float, estimate_s: float) -> str | None:
    """One line when a take's analysis while it was recorded (live.py) fell behind: how much is left
    and about how long it takes; None when it kept up."""
    if behind_s < LIVE_BEHIND_NOTICE_S:
        return None
    return say("report.live_behind", "en", behind=clock(behind_s), estimate=f"{max(1, round(estimate_s))}")


# Less than this left to analyse after a live take is what keeping up looks like: the last stretch
# (up to constants.STRETCH_MAX_S) is always left for after the stop.
LIVE_BEHIND_NOTICE_S = 30.0


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


def transcript_renderable(path: str | None, duration_s: float, transcript: Transcript) -> RenderableType:
    """The transcript as text, then every word with its start and end time in seconds. `path` heads it
    (None: a recording made here)."""
    header = Text.assemble(
        (path or say("report.recording", "en"), "bold"),
        f"  {duration_s:.1f} s · {transcript.model} · {transcript.language or say('report.language_unknown', 'en')}",
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


def analysis_renderable(
    path: str | None,
    transcript: Transcript,
    metrics: Metrics,
    feedback: Feedback | None = None,
    *,
    clipped_share: float = 0.0,
) -> RenderableType:
    """The transcript with fillers, hedges and pauses marked, the metrics beside their targets, then
    the scores with their evidence, the tips and what went well. `path` heads it (None: a recording made
    here); `clipped_share` (`Audio.clipped_share`, 0 for a stored take) warns of too high an input gain."""
    lang = metrics.language
    header = Text.assemble(
        (path or say("report.recording", "en"), "bold"),
        f"  {number(metrics.duration_s, '.1f', lang)} s · {transcript.model} · "
        f"{transcript.language or say('report.language_unknown', 'en')}",
    )
    for notice in recording_notices(metrics, clipped_share):
        header.append("\n" + notice, style="yellow")
    if not transcript.words:
        return Group(header, Text(say("report.no_speech", lang), style="yellow"))
    legend = Text.assemble(
        (say("report.filler", lang), "yellow"),
        "  ",
        (say("report.hedge", lang), "magenta underline"),
        "  ",
        (pause_mark(0.4, lang), "dim"),
        f" {say('report.pause', lang)}  ",
        (pause_mark(1.8, lang), "bold red"),
        f" {say('report.hesitant_pause', lang)}",
    )
    # The table's length target is the question's, as the conciseness score judged it, once there is feedback.
    length_target = next((e.norm for e in feedback.evidence if e.id == "duration"), None) if feedback else None
    hesitant = hesitant_pauses(metrics)  # judged once, by the clarity rule's own test: marked red and counted
    table = metrics_table(metrics, length_target, hesitant)
    parts = [header, Text(""), marked_transcript(transcript, metrics, hesitant), Text(""), legend, Text(""), table]
    if feedback is not None:
        parts += [Text(""), feedback_renderable(feedback)]
    return Group(*parts)


def recording_notices(metrics: Metrics, clipped_share: float = 0.0) -> list[str]:
    """What makes a take's measures less trustworthy, said before them: clipping (`Audio.clipped_share`),
    a very quiet voice, a loud room."""
    lang, loudness = metrics.language, metrics.loudness
    notices = []
    if clipped_share >= constants.CLIPPING_NOTICE_SHARE:
        notices.append(say("report.clipping", lang, share=clipped_share))
    if loudness.speech_dbfs is not None and loudness.speech_dbfs < constants.QUIET_SPEECH_DBFS:
        notices.append(say("report.quiet", lang, level=loudness.speech_dbfs))
    if noisy_room(loudness):
        notices.append(say("report.noisy", lang, snr=loudness.snr_db))
    return notices


def answer_renderable(analysis: Analysis) -> RenderableType:
    """The report of an answer just analysed, headed by its file and warning of clipping."""
    a = analysis
    return analysis_renderable(a.audio.path, a.transcript, a.metrics, a.feedback, clipped_share=a.audio.clipped_share)


def stored_line(take_id: int | None, lang: str, *, hint: bool = False) -> Text:
    """What became of the take: its id in the library, or why it was not stored."""
    if take_id is None:
        return Text(say("report.not_stored", lang), style="yellow")
    return Text(say("report.stored", lang, take=take_id) + (say("report.history_hint", lang) if hint else "."))


@dataclass(frozen=True)
class ScoreRow:
    """One score and what moved it, as the report (and the visual report, page.py) shows it."""

    name: str  # the dimension's id (conciseness, ...)
    score: int | None  # None: not scored
    reasons: tuple[str, ...]  # scored: each cost, "−5: note (norm: ...)"; not scored: why, when known
    compared: str  # what the score was compared with (the norms, or the speaker's own takes)


def score_rows(feedback: Feedback) -> list[ScoreRow]:
    lang, norm = feedback.language, say("report.norm", feedback.language)
    rows = []
    for name, score in feedback.scores.items():
        evidence = [e for e in feedback.evidence if e.score == name]
        if score is None:  # no words at all: nothing more to say
            reasons = tuple(e.note for e in evidence if e.value is None and e.note)
        else:
            reasons = tuple(f"−{e.points:.0f}: {e.note} ({norm}: {e.norm})" for e in evidence if e.points >= 0.5)
        rows.append(ScoreRow(name, score, reasons, feedback.comparisons.get(name, say("norm.norms", lang))))
    return rows


def feedback_renderable(feedback: Feedback) -> RenderableType:
    lang = feedback.language
    table = Table(title=say("report.scores", lang), title_justify="left")
    table.add_column("")
    table.add_column(say("report.score", lang), justify="right")
    table.add_column(say("report.what_moved_it", lang))
    for row in score_rows(feedback):
        if row.score is None:
            why = f": {'; '.join(row.reasons)}" if row.reasons else ""
            table.add_row(
                say(f"score.{row.name}", lang), Text("—", style="dim"), Text(say("report.not_scored", lang) + why)
            )
            continue
        why = "; ".join(row.reasons) or say("report.nothing_to_take_off", lang)
        table.add_row(
            say(f"score.{row.name}", lang),
            Text(str(row.score), style=_score_style(row.score)),
            Text(f"{why} [{say('report.compared_with', lang)} {row.compared}]"),
        )
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
    return Text.assemble(
        (f"{say('report.question', lang)} ", "bold"),
        text,
        f"  {say('report.aim_for', lang, low=clock(low), high=clock(high))}",
    )


@dataclass(frozen=True)
class Piece:
    """A word or a pause of the marked transcript, in the order said."""

    text: str  # the word, or the pause's mark ("[1.8 s]")
    at: float  # where it starts, seconds
    kind: str  # a word's: "" (plain), "filler", "hedge" or "doubtful" (not counted); a pause's: "pause"
    pause: Pause | None = None
    hesitant: bool = False  # a pause the clarity score took points for


def transcript_pieces(transcript: Transcript, metrics: Metrics, hesitant: list[Pause] | None = None) -> list[Piece]:
    """The words in order with each pause inserted where it happened, marked as `marked_transcript`
    shows them (and page.py)."""
    hesitant = hesitant_pauses(metrics) if hesitant is None else hesitant
    kinds: dict[int, str] = {}
    for item in metrics.hedges.items:
        kinds.update(dict.fromkeys(range(item.first_word, item.last_word + 1), "hedge"))
    for item in metrics.fillers.items:
        kinds.update(dict.fromkeys(range(item.first_word, item.last_word + 1), "filler"))
    events = [(w.start, 1, w, i) for i, w in enumerate(transcript.words)]
    events += [(p.start, 0, p, None) for p in metrics.pauses.items]
    pieces = []
    for _, _, event, index in sorted(events, key=lambda e: (e[0], e[1])):
        if index is not None:
            pieces.append(Piece(event.text, event.start, "doubtful" if event.doubtful else kinds.get(index, "")))
        else:
            mark = pause_mark(event.duration_s, metrics.language, _pause_limits(metrics))
            pieces.append(Piece(mark, event.start, "pause", event, event in hesitant))
    return pieces


WORD_STYLES = {"": "", "filler": "yellow", "hedge": "magenta underline", "doubtful": "dim strike"}


def marked_transcript(transcript: Transcript, metrics: Metrics, hesitant: list[Pause] | None = None) -> RenderableType:
    """The words in order, with each pause inserted where it happened, the `hesitant` ones (by default
    `norms.hesitant_pauses`, the pauses the clarity score took points for) in red. Voice without words
    (`Fillers.probable_untranscribed`) is not shown: on long answers only a quarter of it was a filler
    (bench/long_answers.py), and a coach must not point at faults that were not there."""
    return Unbroken(
        tuple(
            Text(
                piece.text, style=_pause_style(piece.pause, piece.hesitant) if piece.pause else WORD_STYLES[piece.kind]
            )
            for piece in transcript_pieces(transcript, metrics, hesitant)
        )
    )


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


def pause_mark(duration_s: float, lang: str, limits: tuple[float, ...] = ()) -> str:
    return f"[{judged(duration_s, 1, *limits, lang=lang)} s]"


def _pause_limits(m: Metrics) -> tuple[float, ...]:
    """The lengths a pause is counted against: a pause at all, a long one, a hesitant one mid-sentence."""
    return m.pauses.min_pause_s, m.pauses.long_pause_s, NORMS["mid_pause"].high


def _pause_style(pause: Pause, hesitant: bool) -> str:
    if hesitant:
        return "bold red"
    return "yellow" if pause.duration_s >= constants.LONG_PAUSE_S else "dim"


def metrics_table(metrics: Metrics, length_target: str | None = None, hesitant: list[Pause] | None = None) -> Table:
    """The measures beside their targets; `hesitant` as `marked_transcript` takes it."""
    lang = metrics.language
    hesitant = hesitant_pauses(metrics) if hesitant is None else hesitant
    table = Table(title=say("report.delivery", lang), title_justify="left")
    table.add_column(say("report.measure", lang))
    table.add_column(say("report.value", lang))
    table.add_column(say("report.target", lang))
    for row in _metric_rows(metrics, length_target or say("metric.duration.target", lang), len(hesitant)):
        table.add_row(*row)
    return table


def _metric_rows(m: Metrics, length_target: str, hesitant: int) -> list[tuple[str, str, str]]:
    p, pitch, f, lang = m.pauses, m.pitch, m.fillers, m.language
    num = lambda value, spec: number(value, spec, lang)  # noqa: E731
    near = lambda value, decimals, norm: "—" if value is None else against(norm, value, decimals, lang)  # noqa: E731
    text = lambda key, **values: say(f"metric.{key}", lang, **values)  # noqa: E731
    hedges = f": {', '.join(sorted({h.text for h in m.hedges.items}))}" if m.hedges.items else ""
    longest = p.longest_s is not None
    rows = [
        (
            "duration",
            text("duration.value", duration=num(m.duration_s, ".0f"), span=num(m.speaking_span_s, ".0f")),
            length_target,
        ),
        ("pace", text("pace.value", wpm=near(m.words_per_minute, 0, NORMS["wpm"])), band(NORMS["wpm"], lang)),
        (
            "articulation_rate",
            text(
                "articulation_rate.value",
                wpm=num(m.articulation_rate_wpm, ".0f"),
                rate=num(m.syllables_per_second, ".1f"),
            ),
            text("articulation_rate.target"),
        ),
        (
            "pauses",
            text("pauses.value", count=p.count, per_minute=num(p.per_minute, ".1f"), total=num(p.total_s, ".1f")),
            text("pauses.target", shortest=num(p.min_pause_s, "g")),
        ),
        (
            "long_pauses",
            text(
                "long_pauses.value",
                count=p.long_count,
                limit=num(p.long_pause_s, "g"),
                longest=_longest(p.longest_s, m, lang),
            )
            if longest
            else text("long_pauses.none"),
            text("long_pauses.target", limit=num(NORMS["mid_pause"].high, "g"), count=hesitant),
        ),
        (
            "fillers",
            text("fillers.value", count=f.count, rate=near(f.per_100_words, 1, NORMS["fillers_per_100"])),
            band(NORMS["fillers_per_100"], lang),
        ),
        ("hedges", f"{m.hedges.count}{hedges}", text("hedges.target")),
        (
            "pitch_variation",
            text("pitch_variation.value", sd=near(pitch.sd_semitones, 1, NORMS["pitch_sd"]))
            if pitch.reason is None
            else reason(pitch.reason, lang),
            band(NORMS["pitch_sd"], lang),
        ),
        (
            "pitch",
            text("pitch.value", hz=num(pitch.median_hz, ".0f"), range=num(pitch.range_semitones, ".1f"))
            if pitch.median_hz
            else "—",
            text("pitch.target"),
        ),
        (
            "loudness_variation",
            text("loudness_variation.value", db=num(m.loudness.sd_db, ".1f"))
            if m.loudness.reason is None
            else reason(m.loudness.reason, lang),
            text("loudness_variation.target"),
        ),
        ("repeated", _repeats(m) or text("repeated.none"), text("repeated.target")),
    ]
    return [(text(name), value, target) for name, value, target in rows]


def _longest(longest_s: float, m: Metrics, lang: str) -> str:
    return judged(longest_s, 1, *_pause_limits(m)[1:], lang=lang)


def _repeats(m: Metrics) -> str:
    return ", ".join(f"“{r.text}” ×{r.count}" for r in (*m.repeated_words, *m.repeated_phrases))
