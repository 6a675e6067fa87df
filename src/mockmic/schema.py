"""The JSON forms of mockmic's results, in one place: the schema ids, the documents `--json` prints, the
stored take's JSON columns and export, and turning `Transcript`, `Metrics` and `Feedback` into JSON and
back.

One generic pair does the work: `plain` writes a dataclass as a dict of its fields (nested dataclasses,
tuples, numpy scalars; floats rounded where `DIGITS` says, never NaN) and `revive` rebuilds it from its
type hints, so a field added to a result is printed, stored and read back without touching this file.
The few places where the JSON is not the dataclass as it stands are written once, below: a transcript's
key order and its `text`; metrics' `repetition` nesting; feedback's evidence grouped by score and its
renamed keys. Reading takes what earlier versions wrote: a field added since (with a default) may be
missing, and reasons stored as English sentences are read by `mockmic.text.reason`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .audio import Audio
from .feedback import Feedback
from .measure import Metrics
from .rules import Evidence, Tip
from .transcribe import Transcript

if TYPE_CHECKING:  # the library stores its takes through this module: imported here for the type only
    from .compare import Comparison, Progress
    from .library import Check, StoredTake

TRANSCRIPT_SCHEMA = "mockmic.transcript/1"  # `mockmic transcribe --json`
ANALYSIS_SCHEMA = "mockmic.analysis/1"  # `mockmic analyze --json`
TAKE_SCHEMA = "mockmic.take/1"  # `mockmic show --json`; export writes a list of such takes without it
COMPARISON_SCHEMA = "mockmic.comparison/1"  # `mockmic compare --json`
PROGRESS_SCHEMA = "mockmic.progress/1"  # `mockmic progress --json`
CHECK_SCHEMA = "mockmic.library-check/1"  # `mockmic library check --json`

# Decimals a stored number keeps, by the dataclass that holds it: what it can resolve. Metrics keep every
# float to the millisecond (METRICS_DIGITS); a score's evidence its value to 3 and its points to 1, as
# shown; a tip's points as its evidence's. Everything else is written as it is.
METRICS_DIGITS = 3
DIGITS: dict[type, dict[str, int]] = {Evidence: {"value": 3, "points": 1}, Tip: {"points": 1}}


# --- generic: a dataclass to a dict of its fields, and back by its type hints ---------------------


def plain(value: Any, digits: int | None = None) -> Any:
    """`value` as JSON-ready Python: dataclasses as dicts of their fields in order, tuples as lists, numpy
    scalars as Python's; floats rounded to `digits` (or as `DIGITS` says for a field), NaN and infinity
    as None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        own = DIGITS.get(type(value), {})
        names = [f.name for f in dataclasses.fields(value)]
        return {name: plain(getattr(value, name), own.get(name, digits)) for name in names}
    if isinstance(value, dict):
        return {key: plain(item, digits) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item, digits) for item in value]
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return None if not math.isfinite(number) else number if digits is None else round(number, digits)
    return value.item() if isinstance(value, np.generic) else value


def revive(kind: Any, value: Any) -> Any:
    """Rebuild a value of type `kind` (frozen dataclasses, tuples, optionals) from its `plain` form. Keys
    that are not fields (derived values such as a transcript's text) are ignored; fields missing from
    `value` take their defaults, so what an earlier version wrote before a field existed still reads."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        return revive(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        return tuple(revive(typing.get_args(kind)[0], item) for item in value)
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        given = [f.name for f in dataclasses.fields(kind) if f.name in value]
        return kind(**{name: revive(hints[name], value[name]) for name in given})
    return value


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


# --- the special cases, each written once ----------------------------------------------------------


def _transcript_dict(transcript: Transcript) -> dict[str, Any]:
    """In the order the JSON has always had: what made it first, the words last after the text they make."""
    data = plain(transcript)
    words = data.pop("words")
    head = {key: data.pop(key) for key in ("engine", "model", "language")}
    return {**head, **data, "text": transcript.text, "words": words}


def _metrics_dict(metrics: Metrics) -> dict[str, Any]:
    """Repeated words and phrases nested under `repetition`, last."""
    data = plain(metrics, METRICS_DIGITS)
    data["repetition"] = {"words": data.pop("repeated_words"), "phrases": data.pop("repeated_phrases")}
    return data


def _metrics(data: dict[str, Any]) -> Metrics:
    repetition = data.get("repetition", {})
    flat = {key: value for key, value in data.items() if key != "repetition"}
    flat |= {"repeated_words": repetition.get("words", ()), "repeated_phrases": repetition.get("phrases", ())}
    return revive(Metrics, flat)


def _feedback_dict(feedback: Feedback) -> dict[str, Any]:
    """The question first (`question_id` written `question`), evidence grouped under the score it moved
    (the score not repeated in each), then the comparisons (written `compared_with`) and the language."""
    data = plain(feedback)
    evidence: dict[str, list] = {name: [] for name in feedback.scores}
    for e in data.pop("evidence"):
        if e["score"] in evidence:
            evidence[e.pop("score")].append(e)
    head = {"question": data.pop("question_id"), "scores": data.pop("scores"), "evidence": evidence}
    tail = {"compared_with": data.pop("comparisons"), "language": data.pop("language")}
    return {**head, **data, **tail}


def _feedback(data: dict[str, Any]) -> Feedback:
    """A tip stored before tips kept their points (before issue 16) reads with 0 points: nothing shown
    depends on them, and the order they were stored in is their ranking."""
    return revive(
        Feedback,
        {
            **data,
            "question_id": data["question"],
            "comparisons": data.get("compared_with", {}),
            "evidence": [{**e, "score": score} for score, items in data["evidence"].items() for e in items],
            "tips": [{"points": 0.0, **tip} for tip in data["tips"]],
            "language": data.get("language", "en"),
        },
    )


WRITERS: dict[type, Callable[[Any], dict[str, Any]]] = {
    Transcript: _transcript_dict,
    Metrics: _metrics_dict,
    Feedback: _feedback_dict,
}
READERS: dict[type, Callable[[dict[str, Any]], Any]] = {Metrics: _metrics, Feedback: _feedback}


def as_dict(value: Any) -> dict[str, Any]:
    """A result as its JSON object: the form printed, stored and exported."""
    return WRITERS.get(type(value), plain)(value)


def from_dict(kind: type, data: Any) -> Any:
    """A result of type `kind` from its JSON object, as this or an earlier version wrote it. TypeError when
    `data` is no JSON object, ValueError when it is not that result (a hand-edited or damaged store)."""
    if not isinstance(data, dict):
        raise TypeError(f"a stored {kind.__name__} is a JSON object, not {type(data).__name__}")
    try:
        return READERS.get(kind, functools.partial(revive, kind))(data)
    except (KeyError, TypeError, AttributeError) as e:
        raise ValueError(f"not a stored {kind.__name__} ({type(e).__name__}: {e})") from e


# --- JSON text: what is printed, and the library's columns -------------------------------------------


def to_json(document: Any) -> str:
    """A document as printed by `--json` and written by export: indented, never NaN."""
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)


def to_column(value: Any) -> str:
    """A result as the library stores it in its JSON column: compact."""
    return json.dumps(as_dict(value), ensure_ascii=False, allow_nan=False)


def from_column(kind: type, text: Any) -> Any:
    """A result read back from the library's JSON column; ValueError or TypeError for anything else (not
    JSON, not an object, not that result), which the library takes for damage."""
    if not isinstance(text, str):
        raise TypeError(f"a stored {kind.__name__} is JSON text, not {type(text).__name__}")
    return from_dict(kind, json.loads(text))


# --- the documents ---------------------------------------------------------------------------------


def audio_dict(audio: Audio) -> dict[str, Any]:
    """The file as it was given (its own rate and channels), not the 16 kHz mono that was analysed."""
    return {
        "path": audio.path,
        "duration_s": round(audio.duration_s, 3),
        "sample_rate": audio.original_sample_rate,
        "channels": audio.original_channels,
        "clipped_share": round(audio.clipped_share, 5),
    }


def transcript_document(audio: Audio, transcript: Transcript) -> dict[str, Any]:
    """The `mockmic transcribe --json` document."""
    return {"schema": TRANSCRIPT_SCHEMA, "audio": audio_dict(audio), "transcript": as_dict(transcript)}


def analysis_document(
    audio: Audio, transcript: Transcript, metrics: Metrics, feedback: Feedback | None = None
) -> dict[str, Any]:
    """The `mockmic analyze --json` document."""
    document = {
        "schema": ANALYSIS_SCHEMA,
        "audio": audio_dict(audio),
        "transcript": as_dict(transcript),
        "metrics": as_dict(metrics),
    }
    if feedback is not None:
        document["feedback"] = as_dict(feedback)
    return document


def take_summary(take: StoredTake) -> dict[str, Any]:
    """One take as `mockmic history --json` lists it."""
    return {
        "id": take.id,
        "created_at": take.created_at,
        "question": take.question_id,
        "duration_s": round(take.duration_s, 1),
        "language": take.language,
        "scores": take.feedback.scores,
        "words_per_minute": take.metrics.words_per_minute,
        "fillers_per_100_words": take.metrics.fillers.per_100_words,
    }


def take_document(take: StoredTake) -> dict[str, Any]:
    """One take whole, as `mockmic show --json` prints it and export writes it."""
    return {
        **take_summary(take),
        "analysed_at": take.analysed_at,
        "audio": str(take.audio_path),
        "model": take.model,
        "engine": take.engine,
        "app_version": take.app_version,
        "transcript": as_dict(take.transcript),
        "metrics": as_dict(take.metrics),
        "feedback": as_dict(take.feedback),
    }


def check_document(check: Check) -> dict[str, Any]:
    """The `mockmic library check --json` document."""
    return {
        "schema": CHECK_SCHEMA,
        "takes": check.takes,
        "missing_audio": list(check.missing_audio),
        "loose_audio": [
            {
                "path": str(a.path),
                "size": a.size,
                "copied_at": a.copied_at,
                "whole": a.whole,
                "recording": str(a.recording) if a.recording else None,
                "question": a.question_id,
                "recorded_at": a.recorded_at,
            }
            for a in check.loose
        ],
    }


def comparison_document(comparison: Comparison) -> dict[str, Any]:
    """The `mockmic compare --json` document: each measure named by its evidence id, per take."""
    return {
        "schema": COMPARISON_SCHEMA,
        "takes": list(comparison.take_ids),
        "measures": [
            {"name": r.name, "values": list(r.values), "deltas": list(r.deltas), "verdicts": list(r.verdicts)}
            for r in comparison.rows
        ],
        "tips": {"resolved": list(comparison.tips_resolved), "new": list(comparison.tips_new)},
        "warnings": list(comparison.warnings),
    }


def progress_document(series: list[Progress]) -> dict[str, Any]:
    """The `mockmic progress --json` document: each score's values per question, first, last and best."""

    def summary(values: tuple[int | None, ...]) -> dict[str, Any]:
        known = [v for v in values if v is not None]
        return {
            "values": list(values),
            "first": known[0] if known else None,
            "last": known[-1] if known else None,
            "best": max(known) if known else None,
        }

    return {
        "schema": PROGRESS_SCHEMA,
        "series": [
            {
                "question": s.question_id,
                "takes": list(s.take_ids),
                "scores": {name: summary(values) for name, values in s.scores},
            }
            for s in series
        ],
    }
