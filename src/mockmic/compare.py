"""Comparing takes: each measure side by side, every change judged by that measure's good direction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .feedback import NORMS, is_hesitant
from .library import StoredTake, shared_language
from .questions import Question

SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Row:
    name: str
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "takes": list(self.take_ids),
            "measures": [
                {"name": r.name, "values": list(r.values), "deltas": list(r.deltas), "verdicts": list(r.verdicts)}
                for r in self.rows
            ],
            "tips": {"resolved": list(self.tips_resolved), "new": list(self.tips_new)},
        }


def _higher(value: float) -> float:
    return -value


def _lower(value: float) -> float:
    return value


def _into(low: float, high: float) -> Callable[[float], float]:
    """Distance from a band: shorter is better only down to the band, faster only up to it."""
    return lambda value: max(0.0, low - value, value - high)


def _score(name: str) -> Callable[[StoredTake], float | None]:
    return lambda take: take.feedback.get("scores", {}).get(name)


def measures(question: Question) -> list[tuple[str, Callable[[StoredTake], float | None], Callable[[float], float]]]:
    """(name, value of a take, badness of a value): lower badness is better."""
    wpm = NORMS["wpm"]
    return [
        ("conciseness", _score("conciseness"), _higher),
        ("enthusiasm", _score("enthusiasm"), _higher),
        ("assertiveness", _score("assertiveness"), _higher),
        ("clarity", _score("clarity"), _higher),
        ("speaking time s", lambda t: t.metrics.get("speaking_span_s"), _into(*question.target_s)),
        ("words per minute", lambda t: t.metrics.get("words_per_minute"), _into(wpm.low, wpm.high)),
        ("fillers per 100 words", lambda t: t.metrics["fillers"].get("per_100_words"), _lower),
        ("hedges", lambda t: t.metrics["hedges"].get("count"), _lower),
        ("pitch variation st", lambda t: t.metrics["pitch"].get("sd_semitones"), _higher),
        ("loudness variation dB", lambda t: t.metrics["loudness"].get("sd_db"), _higher),
        ("mid-sentence pauses > 1.2 s",
         lambda t: sum(is_hesitant(p["kind"], p["duration_s"]) for p in t.metrics["pauses"]["items"]),
         _lower),
    ]  # fmt: skip


def compare(takes: list[StoredTake], question: Question) -> Comparison:
    rows = []
    for name, value_of, badness in measures(question):
        values = tuple(_round(value_of(t)) for t in takes)
        first = values[0]
        deltas = tuple(None if v is None or first is None else _round(v - first) for v in values)
        verdicts = tuple(_verdict(first, v, badness) for v in values)
        rows.append(Row(name, values, deltas, verdicts))
    first_tips = {t["id"] for t in takes[0].feedback.get("tips", [])}
    last_tips = {t["id"] for t in takes[-1].feedback.get("tips", [])}
    return Comparison(
        take_ids=tuple(t.id for t in takes),
        rows=tuple(rows),
        tips_resolved=tuple(sorted(first_tips - last_tips)),
        tips_new=tuple(sorted(last_tips - first_tips)),
        language=shared_language(takes),
    )


def _verdict(first: float | None, value: float | None, badness: Callable[[float], float]) -> str | None:
    if first is None or value is None:
        return None
    change = badness(value) - badness(first)
    if abs(change) < 1e-9:
        return "same"
    return "better" if change < 0 else "worse"


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def sparkline(values: list[float | None], low: float = 0.0, high: float = 100.0) -> str:
    """One character per value between low and high; a space where there is none."""
    span = high - low or 1.0
    return "".join(
        " " if v is None else SPARKS[min(len(SPARKS) - 1, max(0, int((v - low) / span * (len(SPARKS) - 1) + 0.5)))]
        for v in values
    )
