"""Export: stored takes written to a file, as CSV (one row per take, for a spreadsheet) or as the JSON
documents `show --json` prints (`mockmic.schema`). Never over an existing file unless told to."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from . import schema
from .errors import MockmicError
from .library import StoredTake
from .questions import DIMENSIONS

# The CSV's columns: the history's, then the main measures, the model and the words.
CSV_COLUMNS = (
    "id",
    "created_at",
    "question",
    "language",
    "duration_s",
    *DIMENSIONS,
    "words_per_minute",
    "fillers_per_100_words",
    "hedges",
    "pitch_sd_semitones",
    "pauses",
    "model",
    "app_version",
    "text",
)


def takes_csv(takes: list[StoredTake]) -> str:
    """One row per take: the history columns plus the main measures."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for t in takes:
        m = t.metrics
        writer.writerow(
            [
                t.id,
                t.created_at,
                t.question_id,
                t.language,
                round(t.duration_s, 2),
                *(t.feedback.scores.get(name) for name in DIMENSIONS),
                m.words_per_minute,
                m.fillers.per_100_words,
                m.hedges.count,
                m.pitch.sd_semitones,
                m.pauses.count,
                t.model,
                t.app_version,
                t.transcript.text,
            ]
        )
    return out.getvalue()


def target_format(out: str, form: str | None, *, force: bool) -> str:
    """The format to write `out` in (given, else by its extension: .csv, else JSON), refusing an existing
    file without `force` before any take is read."""
    if Path(out).exists() and not force:
        raise MockmicError(f"{out} already exists; give --force to overwrite it, or choose another --out.")
    return form or ("csv" if Path(out).suffix.lower() == ".csv" else "json")


def write(takes: list[StoredTake], out: str, form: str, *, force: bool) -> None:
    """Write the takes to `out` in `form` ("csv" or "json"); the file is created exclusively without
    `force`, so one made meanwhile is not overwritten either."""
    text = takes_csv(takes) if form == "csv" else schema.to_json([schema.take_document(t) for t in takes])
    try:
        with open(out, "w" if force else "x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError as e:
        raise MockmicError(f"{out} already exists; give --force to overwrite it, or choose another --out.") from e
    except OSError as e:
        raise MockmicError(f"Cannot write {out} ({e.strerror}); choose another path.") from e
