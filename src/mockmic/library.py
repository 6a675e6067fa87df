"""The library of takes: SQLite (WAL) plus the takes' audio, named by content hash.

Saving copies the audio and inserts the row inside one write transaction (BEGIN IMMEDIATE), so a take
is stored whole or not at all: a crash after the copy leaves only an audio file without a row, which
the next start removes under the same lock (no save can be halfway while it looks). Several processes
can save at once: each waits for the write lock (busy timeout) instead of failing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, config
from .errors import LibraryError

DB_NAME = "library.db"
AUDIO_DIR = "audio"
BUSY_TIMEOUT_MS = 30_000  # a saving process waits this long for another's write to finish
SHA256 = re.compile(r"^[0-9a-f]{64}$")
AUDIO_SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []


def migration(step: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    """Register one small schema step; steps apply in the order they are defined, each once."""
    MIGRATIONS.append(step)
    return step


@migration
def m001_takes(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE takes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            question_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            audio_sha256 TEXT NOT NULL,
            audio_suffix TEXT NOT NULL,
            duration_s REAL NOT NULL,
            language TEXT,
            model TEXT NOT NULL,
            engine TEXT NOT NULL,
            app_version TEXT NOT NULL,
            transcript TEXT NOT NULL,
            metrics TEXT NOT NULL,
            feedback TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX takes_question ON takes (question_id, created_at)")


@migration
def m002_analysis_version(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE takes ADD COLUMN analysed_at TEXT")
    db.execute("UPDATE takes SET analysed_at = created_at")


@dataclass(frozen=True)
class StoredTake:
    """A take as the library holds it: the analysis as plain JSON-ready dictionaries."""

    id: int
    question_id: str
    created_at: str
    analysed_at: str
    audio_path: Path
    duration_s: float
    language: str | None
    model: str
    engine: str
    app_version: str
    transcript: dict[str, Any]
    metrics: dict[str, Any]
    feedback: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        scores = self.feedback.get("scores", {})
        return {
            "id": self.id, "created_at": self.created_at, "question": self.question_id,
            "duration_s": round(self.duration_s, 1), "scores": scores,
            "words_per_minute": self.metrics.get("words_per_minute"),
            "fillers_per_100_words": self.metrics.get("fillers", {}).get("per_100_words"),
        }  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {**self.summary(), "analysed_at": self.analysed_at, "audio": str(self.audio_path),
                "language": self.language, "model": self.model, "engine": self.engine,
                "app_version": self.app_version, "transcript": self.transcript, "metrics": self.metrics,
                "feedback": self.feedback}  # fmt: skip


def shared_language(takes: list[StoredTake]) -> str:
    """The language to show a list of takes in: Spanish when every take is Spanish, else English."""
    return "es" if takes and all(take.language == "es" for take in takes) else "en"


class Library:
    """Open with `Library.open()`; every method is one short transaction."""

    def __init__(self, root: Path, db: sqlite3.Connection) -> None:
        self.root = root
        self.db = db

    @classmethod
    def open(cls, root: Path | None = None) -> "Library":
        root = root or config.user_data_dir()
        path = root / DB_NAME
        try:
            (root / AUDIO_DIR).mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            library = cls(root, db)
            library._migrate()
            library._remove_orphan_audio()
        except sqlite3.DatabaseError as e:
            raise _damaged(path, e) from e
        except OSError as e:
            raise LibraryError(f"The library in {root} cannot be opened ({e.strerror}); check that folder's permissions.") from e
        return library

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that holds the database's write lock from its first statement."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._writing() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                step(db)
                db.execute(f"PRAGMA user_version = {number}")

    def _remove_orphan_audio(self) -> None:
        """Delete audio files no take refers to: what a crash between copy and insert left behind."""
        with self._writing() as db:
            known = {row[0] + row[1] for row in db.execute("SELECT audio_sha256, audio_suffix FROM takes")}
            for path in (self.root / AUDIO_DIR).iterdir():
                if path.name not in known:
                    path.unlink(missing_ok=True)

    # --- writing -------------------------------------------------------------------------------

    def save(self, audio_file: Path, *, question_id: str, duration_s: float, transcript: dict,
             metrics: dict, feedback: dict) -> int:  # fmt: skip
        """Store a take (its audio copied in, named by content hash) and return its id."""
        digest = _sha256(audio_file)
        suffix = audio_file.suffix.lower() if AUDIO_SUFFIX.match(audio_file.suffix.lower()) else ".audio"
        now = _now()
        with self._writing() as db:
            self._copy_in(audio_file, digest + suffix)
            cursor = db.execute(
                """INSERT INTO takes (question_id, created_at, analysed_at, audio_sha256, audio_suffix,
                   duration_s, language, model, engine, app_version, transcript, metrics, feedback)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (question_id, now, now, digest, suffix, duration_s, transcript.get("language"),
                 transcript.get("model", ""), transcript.get("engine", ""), __version__, _dump(transcript),
                 _dump(metrics), _dump(feedback)),
            )  # fmt: skip
            return int(cursor.lastrowid)

    def _copy_in(self, source: Path, name: str) -> None:
        target = self.root / AUDIO_DIR / name
        if target.exists():
            return  # the same audio again: content-addressed, one copy serves every take
        temporary = target.with_name(f".{name}.{os.getpid()}.part")
        try:
            shutil.copyfile(source, temporary)
            with open(temporary, "rb") as f:
                os.fsync(f.fileno())
            os.replace(temporary, target)
        except OSError as e:
            temporary.unlink(missing_ok=True)
            raise LibraryError(f"Cannot copy {source} into the library ({e.strerror}); check free space in {self.root}.") from e

    def replace_analysis(self, take_id: int, *, transcript: dict, metrics: dict, feedback: dict) -> None:
        """Swap in a new analysis; the old one stays until this single UPDATE commits."""
        with self._writing() as db:
            db.execute(
                "UPDATE takes SET transcript = ?, metrics = ?, feedback = ?, model = ?, engine = ?, app_version = ?,"
                " analysed_at = ? WHERE id = ?",
                (_dump(transcript), _dump(metrics), _dump(feedback), transcript.get("model", ""),
                 transcript.get("engine", ""), __version__, _now(), take_id),
            )  # fmt: skip

    def delete(self, take_id: int) -> None:
        take = self.get(take_id)
        with self._writing() as db:
            db.execute("DELETE FROM takes WHERE id = ?", (take_id,))
            still_used = db.execute(
                "SELECT 1 FROM takes WHERE audio_sha256 = ? AND audio_suffix = ?",
                (take.audio_path.stem, take.audio_path.suffix),
            ).fetchone()
            if not still_used:
                take.audio_path.unlink(missing_ok=True)

    # --- reading -------------------------------------------------------------------------------

    def get(self, take_id: int) -> StoredTake:
        row = self._query("SELECT * FROM takes WHERE id = ?", (int(take_id),))
        if not row:
            raise LibraryError(f"There is no take {take_id}; `mockmic history` lists the takes there are.")
        return self._take(row[0])

    def takes(self, question_id: str | None = None) -> list[StoredTake]:
        """Newest first."""
        if question_id:
            rows = self._query("SELECT * FROM takes WHERE question_id = ? ORDER BY created_at DESC, id DESC", (question_id,))
        else:
            rows = self._query("SELECT * FROM takes ORDER BY created_at DESC, id DESC", ())
        return [self._take(row) for row in rows]

    def _query(self, sql: str, parameters: tuple) -> list[sqlite3.Row]:
        try:
            return self.db.execute(sql, parameters).fetchall()
        except sqlite3.DatabaseError as e:
            raise _damaged(self.root / DB_NAME, e) from e

    def _take(self, row: sqlite3.Row) -> StoredTake:
        digest, suffix = row["audio_sha256"], row["audio_suffix"]
        if not SHA256.match(digest) or not AUDIO_SUFFIX.match(suffix) and suffix != ".audio":
            raise LibraryError(f"Take {row['id']} names an invalid audio file; the library {self.root} was edited by hand.")
        return StoredTake(
            id=row["id"], question_id=row["question_id"], created_at=row["created_at"],
            analysed_at=row["analysed_at"], audio_path=self.root / AUDIO_DIR / f"{digest}{suffix}",
            duration_s=row["duration_s"], language=row["language"], model=row["model"], engine=row["engine"],
            app_version=row["app_version"], transcript=json.loads(row["transcript"]),
            metrics=json.loads(row["metrics"]), feedback=json.loads(row["feedback"]),
        )  # fmt: skip


def _damaged(path: Path, error: Exception) -> LibraryError:
    """Back up a damaged database file and say so in one sentence."""
    backup = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        shutil.copyfile(path, backup)
    except OSError:
        return LibraryError(f"The library database {path} is damaged ({error}) and could not be backed up; copy it somewhere safe before removing it.")
    return LibraryError(f"The library database {path} is damaged ({error}); a copy is in {backup}, so move {path.name} away to start a new library.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=False)


def _now() -> str:
    now = time.time()  # read once: seconds and microseconds from two reads could straddle a second
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1e6) % 1_000_000:06d}Z"


def revive(cls: type, data: Any) -> Any:
    """Rebuild a frozen dataclass (nested dataclasses, tuples, optionals) from its JSON form."""
    import dataclasses
    import types
    import typing

    def build(kind: Any, value: Any) -> Any:
        if value is None:
            return None
        origin = typing.get_origin(kind)
        if origin in (typing.Union, types.UnionType):
            options = [k for k in typing.get_args(kind) if k is not type(None)]
            return build(options[0], value) if len(options) == 1 else value
        if origin is tuple:
            item = typing.get_args(kind)[0]
            return tuple(build(item, v) for v in value)
        if dataclasses.is_dataclass(kind):
            hints = typing.get_type_hints(kind)
            return kind(**{f.name: build(hints[f.name], value[f.name]) for f in dataclasses.fields(kind) if f.name in value})
        return value

    return build(cls, data)
