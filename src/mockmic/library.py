"""The library of takes: SQLite (WAL) plus the takes' audio, named by content hash.

Saving copies the audio and inserts the row inside one write transaction (BEGIN IMMEDIATE), so a take
is stored whole or not at all. Several processes can save at once: each waits for the write lock (busy
timeout) instead of failing.

The library never deletes audio on its own: audio without a row (a crash between copy and insert, or a
database that was damaged, repaired or moved away) is kept and listed by `check`, and `mockmic library
adopt` analyses it into a take again. A damaged database is copied once per damaged content, never
edited; `mockmic.repair` reads what SQLite still can, row by row, into a new database beside that copy.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__, config, schema
from .audio import Audio, load_audio
from .errors import LibraryError, MockmicError, TakeNotFound
from .feedback import Feedback
from .measure import Metrics
from .migrations import MIGRATIONS
from .transcribe import Transcript

DB_NAME = "library.db"
AUDIO_DIR = "audio"
RECORDINGS_DIR = "recordings"  # where `practice` keeps every take it records, beside the library
BUSY_TIMEOUT_MS = 30_000  # a saving process waits this long for another's write to finish
SHA256 = re.compile(r"^[0-9a-f]{64}$")
AUDIO_SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")
AUDIO_NAME = re.compile(r"^(?P<digest>[0-9a-f]{64})(?P<suffix>\.[a-z0-9]{1,5})$")  # as _copy_in names a copy
PART_NAME = re.compile(r"^\.(?P<name>[0-9a-f]{64}\.[a-z0-9]{1,5})\.\d+\.part$")  # a copy _copy_in had not finished
PRACTICE_NAME = re.compile(r"^(?P<stamp>\d{8}-\d{6})-(?P<question>.+)\.wav$")  # practice_path: local time, question


@dataclass(frozen=True)
class StoredTake:
    """A take as the library holds it: its analysis as the objects `pipeline.analyze` made, revived from
    their JSON columns by `mockmic.schema` (which also writes a take's JSON documents)."""

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
    transcript: Transcript
    metrics: Metrics
    feedback: Feedback


def stored_audio(take: StoredTake) -> Audio | None:
    """A take's audio as `load_audio` reads it, or None when the library no longer has it (or cannot read it)."""
    try:
        return load_audio(take.audio_path)
    except MockmicError:
        return None


def shared_language(takes: list[StoredTake]) -> str:
    """The language to show a list of takes in: Spanish when every take is Spanish, else English."""
    return "es" if takes and all(take.language == "es" for take in takes) else "en"


def practice_path(question_id: str) -> Path:
    """Where `practice` records a take: `recordings/` beside the library, named by the local time and the
    question (PRACTICE_NAME reads both back when the take's audio is adopted). A second take of the
    question begun within the same second (two browser tabs of `mockmic serve`) is named a second later:
    no take overwrites another."""
    folder = config.user_data_dir() / RECORDINGS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    moment = time.time()
    while (path := folder / f"{time.strftime('%Y%m%d-%H%M%S', time.localtime(moment))}-{question_id}.wav").exists():
        moment += 1
    return path


@dataclass(frozen=True)
class LooseAudio:
    """Audio in the library that no take refers to. Kept: the user decides, or adopts it into a take."""

    path: Path
    size: int
    copied_at: str  # when it was copied in (UTC, as takes' times are written): when its take was saved
    whole: bool  # its content hashes to its name; an unfinished copy (.part) may not
    recording: Path | None = None  # the practice recording with the same content, when one is kept
    question_id: str | None = None  # the question that recording answered (from its name)
    recorded_at: str | None = None  # when that recording was made (UTC)


@dataclass(frozen=True)
class Check:
    """What `mockmic library check` reports: nothing here is changed by looking."""

    takes: int
    loose: tuple[LooseAudio, ...]
    missing_audio: tuple[int, ...]  # ids of takes whose audio file is gone


class Library:
    """Open with `Library.open()`; every method is one short transaction."""

    def __init__(self, root: Path, db: sqlite3.Connection) -> None:
        self.root = root
        self.db = db

    @classmethod
    def open(cls, root: Path | None = None) -> Library:
        root = root or config.user_data_dir()
        path = root / DB_NAME
        try:
            (root / AUDIO_DIR).mkdir(parents=True, exist_ok=True)
            db = _connect(path)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            library = cls(root, db)
            library._migrate()
        except sqlite3.DatabaseError as e:
            raise _damaged(path, e) from e
        except OSError as e:
            raise LibraryError(
                f"The library in {root} cannot be opened ({e.strerror}); check that folder's permissions."
            ) from e
        return library

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that holds the database's write lock from its first statement."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            raise _damaged(self.root / DB_NAME, e) from e

    def _migrate(self) -> None:
        with self._writing() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                step(db)
                db.execute(f"PRAGMA user_version = {number}")

    # --- audio without a take: listed and adopted, never removed --------------------------------

    def loose_names(self) -> list[str]:
        """Names of the files in the audio folder that no take refers to (cheap: nothing is hashed)."""
        known = {row[0] + row[1] for row in self._query("SELECT audio_sha256, audio_suffix FROM takes", ())}
        return sorted(p.name for p in self._audio_files() if p.name not in known)

    def check(self) -> Check:
        """The takes, the audio no take refers to, and takes whose audio is gone. Looks under the write
        lock, so a save halfway between copy and insert is never taken for loose audio."""
        with self._writing() as db:
            problems = [row[0] for row in db.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                lines = [
                    line
                    for p in problems
                    for line in str(p).splitlines()
                    if line.strip() and not line.startswith("***")
                ]
                raise _damaged(self.root / DB_NAME, sqlite3.DatabaseError(lines[0] if lines else "quick_check failed"))
            rows = db.execute("SELECT id, audio_sha256, audio_suffix FROM takes ORDER BY id").fetchall()
            files = self._audio_files()
        known = {row[1] + row[2] for row in rows}
        on_disk = {p.name for p in files}
        recordings = _recordings_by_size(self.root / RECORDINGS_DIR)
        loose = tuple(_loose(p, recordings) for p in files if p.name not in known)
        missing = tuple(row[0] for row in rows if row[1] + row[2] not in on_disk)
        return Check(takes=len(rows), loose=loose, missing_audio=missing)

    def finish_copies(self) -> int:
        """Put whole copies that a crash left under their temporary name (.part) in place; returns how
        many. A copy that is not whole, or whose place is taken, stays as it is for the user to see."""
        finished = 0
        with self._writing():  # no save is copying while this looks: saves copy under this lock
            for path in self._audio_files():
                match = PART_NAME.match(path.name)
                target = path.with_name(match["name"]) if match else None
                try:
                    if target and not target.exists() and _sha256(path) == match["name"][:64]:
                        os.replace(path, target)
                        finished += 1
                except OSError:
                    continue  # it stays as it is, and `check` lists it
        return finished

    def adopt(
        self,
        audio: LooseAudio,
        *,
        question_id: str,
        created_at: str,
        duration_s: float,
        transcript: Transcript,
        metrics: Metrics,
        feedback: Feedback,
    ) -> int:
        """Make loose audio a take again, with a new analysis of it; returns the take's id."""
        match = AUDIO_NAME.match(audio.path.name)
        if not match or audio.path.parent != self.root / AUDIO_DIR:
            raise LibraryError(
                f"{audio.path} is not audio of the library {self.root}; store it with `mockmic analyze FILE --save`."
            )
        digest, suffix = match["digest"], match["suffix"]
        with self._writing() as db:
            taken = db.execute(
                "SELECT id FROM takes WHERE audio_sha256 = ? AND audio_suffix = ?", (digest, suffix)
            ).fetchone()
            if taken:
                raise LibraryError(f"{audio.path.name} is already take {taken[0]}; `mockmic show {taken[0]}` shows it.")
            if not audio.path.is_file() or _sha256(audio.path) != digest:
                raise LibraryError(
                    f"{audio.path} is missing or does not match its name; `mockmic library check` lists what there is."
                )
            return self._insert(
                db,
                digest,
                suffix,
                created_at,
                _now(),
                question_id=question_id,
                duration_s=duration_s,
                transcript=transcript,
                metrics=metrics,
                feedback=feedback,
            )

    def _audio_files(self) -> list[Path]:
        return sorted(p for p in (self.root / AUDIO_DIR).iterdir() if p.is_file())

    # --- writing -------------------------------------------------------------------------------

    def save(
        self,
        audio_file: Path,
        *,
        question_id: str,
        duration_s: float,
        transcript: Transcript,
        metrics: Metrics,
        feedback: Feedback,
    ) -> int:
        """Store a take (its audio copied in, named by content hash) and return its id."""
        digest = _sha256(audio_file)
        suffix = audio_file.suffix.lower() if AUDIO_SUFFIX.match(audio_file.suffix.lower()) else ".audio"
        now = _now()
        with self._writing() as db:
            self._copy_in(audio_file, digest + suffix)
            return self._insert(
                db,
                digest,
                suffix,
                now,
                now,
                question_id=question_id,
                duration_s=duration_s,
                transcript=transcript,
                metrics=metrics,
                feedback=feedback,
            )

    @staticmethod
    def _insert(
        db: sqlite3.Connection,
        digest: str,
        suffix: str,
        created_at: str,
        analysed_at: str,
        *,
        question_id: str,
        duration_s: float,
        transcript: Transcript,
        metrics: Metrics,
        feedback: Feedback,
    ) -> int:
        cursor = db.execute(
            """INSERT INTO takes (question_id, created_at, analysed_at, audio_sha256, audio_suffix,
               duration_s, language, model, engine, app_version, transcript, metrics, feedback)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                question_id,
                created_at,
                analysed_at,
                digest,
                suffix,
                duration_s,
                transcript.language,
                transcript.model,
                transcript.engine,
                __version__,
                schema.to_column(transcript),
                schema.to_column(metrics),
                schema.to_column(feedback),
            ),
        )
        return int(cursor.lastrowid)

    def _copy_in(self, source: Path, name: str) -> None:
        target = self.root / AUDIO_DIR / name
        if target.exists():
            return  # the same audio again: content-addressed, one copy serves every take
        try:
            _copy_whole(source, target)
        except OSError as e:
            raise LibraryError(
                f"Cannot copy {source} into the library ({e.strerror}); check free space in {self.root}."
            ) from e

    def replace_analysis(self, take_id: int, *, transcript: Transcript, metrics: Metrics, feedback: Feedback) -> None:
        """Swap in a new analysis; the old one stays until this single UPDATE commits."""
        with self._writing() as db:
            db.execute(
                "UPDATE takes SET transcript = ?, metrics = ?, feedback = ?, model = ?, engine = ?, app_version = ?,"
                " analysed_at = ? WHERE id = ?",
                (
                    schema.to_column(transcript),
                    schema.to_column(metrics),
                    schema.to_column(feedback),
                    transcript.model,
                    transcript.engine,
                    __version__,
                    _now(),
                    take_id,
                ),
            )

    def delete(self, take_id: int) -> tuple[Path, ...]:
        """Delete a take and, when no other take uses the same audio, every copy of that audio mockmic
        made: the library's and the practice recording in recordings/ (a file stored with `analyze
        --save` stays where the user keeps it). Returns the files removed."""
        take = self.get(take_id)
        removed: list[Path] = []
        with self._writing() as db:
            db.execute("DELETE FROM takes WHERE id = ?", (take_id,))
            still_used = db.execute(
                "SELECT 1 FROM takes WHERE audio_sha256 = ? AND audio_suffix = ?",
                (take.audio_path.stem, take.audio_path.suffix),
            ).fetchone()
            if not still_used:
                size = take.audio_path.stat().st_size if take.audio_path.is_file() else None
                # the practice copy first: a failure then leaves the take whole, its library audio in place
                copies = [*_recordings_with(self.root / RECORDINGS_DIR, take.audio_path.stem, size), take.audio_path]
                try:
                    for path in copies:
                        if path.is_file():
                            path.unlink()
                            removed.append(path)
                except OSError as e:
                    raise LibraryError(
                        f"Take {take_id} was not deleted: {e.filename} cannot be removed ({e.strerror}); "
                        "check that folder's permissions."
                    ) from e
        return tuple(removed)

    # --- reading -------------------------------------------------------------------------------

    def get(self, take_id: int) -> StoredTake:
        row = self._query("SELECT * FROM takes WHERE id = ?", (int(take_id),))
        if not row:
            raise TakeNotFound(f"There is no take {take_id}; `mockmic history` lists the takes there are.")
        return self._take(row[0])

    def takes(self, question_id: str | None = None) -> list[StoredTake]:
        """Newest first."""
        if question_id:
            rows = self._query(
                "SELECT * FROM takes WHERE question_id = ? ORDER BY created_at DESC, id DESC", (question_id,)
            )
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
        if (
            not isinstance(digest, str)
            or not isinstance(suffix, str)
            or not SHA256.match(digest)
            or not AUDIO_SUFFIX.match(suffix)
        ):
            raise LibraryError(
                f"Take {row['id']} names an invalid audio file, so the library {self.root} was edited by hand or "
                f"damaged; `mockmic library repair` rebuilds it from the takes that are whole."
            )
        try:
            return StoredTake(
                id=row["id"],
                question_id=row["question_id"],
                created_at=row["created_at"],
                analysed_at=row["analysed_at"],
                audio_path=self.root / AUDIO_DIR / f"{digest}{suffix}",
                duration_s=float(row["duration_s"]),
                language=row["language"],
                model=row["model"],
                engine=row["engine"],
                app_version=row["app_version"],
                **_analysis(row),
            )
        except (ValueError, TypeError) as e:  # garbage that SQLite reads as text: a damaged page
            raise _damaged(self.root / DB_NAME, e) from e


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return db


def _damaged(path: Path, error: Exception) -> LibraryError:
    """Keep a copy of a damaged database (one per damaged content) and say what to do in one sentence."""
    reason = _reason(error)
    try:
        backup = _backup(path)
    except OSError:
        return LibraryError(
            f"The library database {path} is damaged ({reason}) and no copy of it could be made; copy it "
            "somewhere safe, then run `mockmic library repair`."
        )
    return LibraryError(
        f"The library database {path} is damaged ({reason}); run `mockmic library repair` to rescue what it "
        f"still holds into a new one (the damaged file is kept as {backup.name})."
    )


def _reason(error: Exception) -> str:
    """SQLite's words without the row text it may quote (a damaged row can quote kilobytes)."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    text = text.split(" with text ")[0]
    return text if len(text) <= 80 else text[:79] + "…"


def _backup(path: Path) -> Path:
    """Copy a damaged database and its write-ahead log beside it, named by their content's hash: the
    same damage is copied once, however many commands meet it. Returns the copy's path."""
    wal = path.with_name(path.name + "-wal")
    digest = hashlib.sha256()
    for part in (path, wal) if wal.is_file() else (path,):
        _hash_into(digest, part)
    backup = path.with_name(f"{path.name}.damaged-{digest.hexdigest()[:16]}")
    if not backup.exists():  # the log first: the database file's arrival marks the copy whole
        if wal.is_file() and wal.stat().st_size:
            _copy_whole(wal, backup.with_name(backup.name + "-wal"))
        _copy_whole(path, backup)
    return backup


def _copy_whole(source: Path, target: Path) -> None:
    """Copy under a temporary name, sync, then rename: `target` is whole or absent. Raises OSError."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        shutil.copyfile(source, temporary)
        with open(temporary, "rb") as f:
            os.fsync(f.fileno())
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def _analysis(row: Any) -> dict[str, Any]:
    """A row's transcript, metrics and feedback, revived; ValueError or TypeError for any that is not what
    the library writes (not JSON, or JSON that is not that result): one test for reading and `repair`."""
    return {
        "transcript": schema.from_column(Transcript, row["transcript"]),
        "metrics": schema.from_column(Metrics, row["metrics"]),
        "feedback": schema.from_column(Feedback, row["feedback"]),
    }


def _loose(path: Path, recordings: dict[int, list[Path]]) -> LooseAudio:
    stat = path.stat()
    named = AUDIO_NAME.match(path.name) or PART_NAME.match(path.name)
    digest = _sha256(path)
    whole = bool(named) and digest == (named.groupdict().get("digest") or named["name"][:64])
    recording = next((r for r in recordings.get(stat.st_size, ()) if _sha256(r) == digest), None)
    practice = PRACTICE_NAME.match(recording.name) if recording else None
    recorded_at = _stamp(time.mktime(time.strptime(practice["stamp"], "%Y%m%d-%H%M%S"))) if practice else None
    return LooseAudio(
        path=path,
        size=stat.st_size,
        copied_at=_stamp(stat.st_mtime),
        whole=whole,
        recording=recording,
        question_id=practice["question"] if practice else None,
        recorded_at=recorded_at,
    )


def _recordings_by_size(folder: Path) -> dict[int, list[Path]]:
    """The practice recordings, by size: a cheap first test before hashing."""
    by_size: dict[int, list[Path]] = {}
    for path in sorted(folder.glob("*.wav")) if folder.is_dir() else ():
        if path.is_file():
            by_size.setdefault(path.stat().st_size, []).append(path)
    return by_size


def _recordings_with(folder: Path, digest: str, size: int | None) -> list[Path]:
    """The practice recordings whose content hashes to `digest` (only those of `size`, when known)."""
    candidates = _recordings_by_size(folder)
    paths = candidates.get(size, []) if size is not None else [p for group in candidates.values() for p in group]
    return [p for p in paths if _sha256(p) == digest]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    _hash_into(digest, path)
    return digest.hexdigest()


def _hash_into(digest: Any, path: Path) -> None:
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)


def _now() -> str:
    return _stamp(time.time())  # read once: seconds and microseconds from two reads could straddle a second


def _stamp(seconds: float) -> str:
    """A moment as takes' times are written: UTC, to the microsecond."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds * 1e6) % 1_000_000:06d}Z"
