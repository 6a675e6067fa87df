"""Comparing takes: each measure side by side, every change judged by that measure's good direction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .library import StoredTake, shared_language
from .measure import noisy_room
from .norms import NORMS, is_hesitant
from .questions import DIMENSIONS, Question
from .text import say

SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Row:
    name: str
    label: str  # the text catalogs' key for its name in a table
    values: tuple[float | None, ...]  # one per take, in the order given
    deltas: tuple[float | None, ...]  # against the first take
    verdicts: tuple[str | None, ...]  # "better", "worse", "same", or None without a value


@dataclass(frozen=True)
class Comparison:
    take_ids: tuple[int, ...]
    rows: tuple[Row, ...]
    tips_resolved: tuple[str, ...]  # tips of the first take that the last one no longer gets
    tips_new: tuple[str, ...]  # tips the last take gets that the first did not
    language: str = "en"  # the takes' language when they share one, for showing the comparison
    warnings: tuple[str, ...] = ()  # why the takes may not compare like for like (questions, languages)


@dataclass(frozen=True)
class Measure:
    """One measure compared: how a take gives it, which way is better, and how small a change it can tell."""

    name: str  # the id of its evidence in `feedback` (scores: the score), as the JSON names it
    label: str  # the text catalogs' key for its name in a table
    value: Callable[[StoredTake], float | None]
    badness: Callable[[float], float]  # lower is better: the measure's good direction
    tolerance: float  # a change smaller than this is within the measure's error: "same"
    decimals: int  # shown to this many decimals: no finer than the measure can tell
    relative: bool = False  # the tolerance is a share of the first take's value


def _higher(value: float) -> float:
    return -value


def _lower(value: float) -> float:
    return value


def _into(low: float, high: float) -> Callable[[float], float]:
    """Distance from a band: shorter is better only down to the band, faster only up to it."""
    return lambda value: max(0.0, low - value, value - high)


def _score(name: str) -> Callable[[StoredTake], float | None]:
    return lambda take: take.feedback.scores.get(name)


def measures(question: Question) -> list[Measure]:
    """Every measure compared, each with its good direction and the accuracy measured for it, named by
    the id of the evidence `feedback.assess` scores it with (hedges are compared as a count, their
    evidence is per 100 words). The accuracies are bench/accuracy.py's on real speech (bench/README.md,
    README's measure table)."""
    wpm = NORMS["wpm"]
    return [
        # Scores are whole points from the measures below; any change of a point is a change.
        Measure("conciseness", "score.conciseness", _score("conciseness"), _higher, 0, 0),
        Measure("enthusiasm", "score.enthusiasm", _score("enthusiasm"), _higher, 0, 0),
        Measure("assertiveness", "score.assertiveness", _score("assertiveness"), _higher, 0, 0),
        Measure("clarity", "score.clarity", _score("clarity"), _higher, 0, 0),
        # Speaking span: Silero VAD's edges, within 2.3% of the MFA monologues' truth (bench/README.md,
        # words per minute row), pause edges within 40 ms median; 0.5 s covers a breath or a click at an edge.
        Measure(
            "duration", "compare.speaking_time", lambda t: t.metrics.speaking_span_s, _into(*question.target_s), 0.5, 1
        ),
        # Pace: −1.2% (jfk), −1.0% (sonnet), +2.4%, +2.0%, −5.6% (MFA monologues) against hand counts.
        Measure(
            "pace",
            "compare.words_per_minute",
            lambda t: t.metrics.words_per_minute,
            _into(wpm.low, wpm.high),
            0.03,
            0,
            relative=True,
        ),
        # Counts: a filler, hedge or long pause more or less is a real difference in what was said.
        Measure(
            "fillers_per_100_words",
            "compare.fillers_per_100_words",
            lambda t: t.metrics.fillers.per_100_words,
            _lower,
            0,
            1,
        ),
        Measure("hedges", "metric.hedges", lambda t: t.metrics.hedges.count, _lower, 0, 0),
        # Pitch variation: median error 0.13 st against laryngograph references, within 0.3 st in 73% of files.
        Measure("pitch_variation", "compare.pitch_variation", lambda t: t.metrics.pitch.sd_semitones, _higher, 0.3, 1),
        # Loudness variation: no reference exists; rumble louder than the voice moves it by < 0.5 dB
        # (tests/test_measure.py), so a smaller change is not told apart from the room.
        Measure(
            "loudness_variation", "compare.loudness_variation", lambda t: t.metrics.loudness.sd_db, _higher, 0.5, 1
        ),
        Measure(
            "long_mid_sentence_pauses",
            "compare.mid_sentence_pauses",
            lambda t: sum(is_hesitant(p.kind, p.duration_s) for p in t.metrics.pauses.items),
            _lower,
            0,
            0,
        ),
    ]


def compare(takes: list[StoredTake], question: Question) -> Comparison:
    rows = []
    for measure in measures(question):
        raw = [_number(measure.value(t)) for t in takes]
        first = raw[0]
        values = tuple(_round(v, measure.decimals) for v in raw)
        deltas = tuple(None if v is None or first is None else _round(v - first, measure.decimals) for v in raw)
        verdicts = tuple(_verdict(first, v, measure) for v in raw)
        rows.append(Row(measure.name, measure.label, values, deltas, verdicts))
    first_tips = {t.id for t in takes[0].feedback.tips}
    last_tips = {t.id for t in takes[-1].feedback.tips}
    language = shared_language(takes)
    return Comparison(
        take_ids=tuple(t.id for t in takes),
        rows=tuple(rows),
        tips_resolved=tuple(sorted(first_tips - last_tips)),
        tips_new=tuple(sorted(last_tips - first_tips)),
        language=language,
        warnings=_warnings(takes, question, language),
    )


def _warnings(takes: list[StoredTake], question: Question, language: str) -> tuple[str, ...]:
    questions = list(dict.fromkeys(t.question_id for t in takes))
    languages = list(dict.fromkeys(t.language or "?" for t in takes))
    warnings = []
    if len(questions) > 1:
        warnings.append(say("compare.warning.questions", language, questions=", ".join(questions), target=question.id))
    if len(languages) > 1:
        # in English: takes in two languages are shown in English (library.shared_language)
        warnings.append(say("compare.warning.languages", "en", languages=", ".join(languages)))
    loud = [str(t.id) for t in takes if noisy_room(t.metrics.loudness)]
    if loud:  # their words, pauses and pitch came out wrong: their changes are not the candidate's
        warnings.append(say("compare.warning.loud_room", language, takes=", ".join(loud)))
    return tuple(warnings)


def _verdict(first: float | None, value: float | None, measure: Measure) -> str | None:
    if first is None or value is None:
        return None
    tolerance = measure.tolerance * abs(first) if measure.relative else measure.tolerance
    change = measure.badness(value) - measure.badness(first)
    if abs(value - first) < tolerance or abs(change) < 1e-9:
        return "same"  # within what the measure can tell, or no nearer its target
    return "better" if change < 0 else "worse"


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _round(value: float | None, decimals: int) -> float | None:
    if value is None:
        return None
    rounded = round(value, decimals)
    return int(rounded) if decimals == 0 else rounded + 0.0  # + 0.0: never -0.0


@dataclass(frozen=True)
class Progress:
    """Each score over a question's takes (or over every take), oldest first."""

    question_id: str | None  # None: every question together
    take_ids: tuple[int, ...]
    scores: tuple[tuple[str, tuple[int | None, ...]], ...]  # (score name, one value per take)
    language: str = "en"


def progress(takes_oldest_first: list[StoredTake], *, per_question: bool = True) -> list[Progress]:
    """The scores over the takes, one series per question (in the order each was first practised)."""
    groups: dict[str | None, list[StoredTake]] = {}
    for take in takes_oldest_first:
        groups.setdefault(take.question_id if per_question else None, []).append(take)
    return [
        Progress(
            question_id=question_id,
            take_ids=tuple(t.id for t in group),
            scores=tuple((name, tuple(t.feedback.scores.get(name) for t in group)) for name in DIMENSIONS),
            language=shared_language(group),
        )
        for question_id, group in groups.items()
    ]


def sparkline(values: list[float | None], low: float = 0.0, high: float = 100.0) -> str:
    """One character per value between low and high; a space where there is none."""
    span = high - low or 1.0
    return "".join(
        " " if v is None else SPARKS[min(len(SPARKS) - 1, max(0, int((v - low) / span * (len(SPARKS) - 1) + 0.5)))]
        for v in values
    )
