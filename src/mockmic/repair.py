"""Repairing a damaged library database: every take SQLite can still read, read row by row and checked
(audio hash, times, JSON), written under its old id into a new database; the damaged file is kept beside
it (`library._backup`) and never written to. The sqlite3 shell's `.recover` is not used: Debian's build
lacks the `sqlite_dbpage` table it needs. No audio is touched: takes that were lost leave their audio to
`mockmic library adopt`."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import config
from .errors import LibraryError
from .library import AUDIO_SUFFIX, DB_NAME, SHA256, Library, _analysis, _backup, _connect
from .migrations import COLUMNS


@dataclass(frozen=True)
class Repair:
    """What `repair` did: a new database from the readable rows; the damaged one kept as `backup`."""

    damaged: bool
    backup: Path | None
    salvaged: int  # takes read whole from the damaged database
    unreadable: int  # rows SQLite could not read, or read as garbage
    loose: int  # audio files without a take afterwards (`mockmic library adopt` analyses them again)


TEXT_COLUMNS = tuple(c for c in COLUMNS if c not in ("duration_s", "language"))  # a row without one is not a take
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
MOST_IDS = 1_000_000  # a sequence number above this is garbage, not a count of takes


def repair(root: Path | None = None) -> Repair:
    """Read every take SQLite can still read whole from a damaged library database into a new one. The
    damaged file is kept (named by `_backup`) and never written to; no audio is touched."""
    root = root or config.user_data_dir()
    path = root / DB_NAME
    damaged, backup, rows, unreadable = False, None, [], 0
    if path.exists():
        try:
            with tempfile.TemporaryDirectory(dir=root, prefix=".repair-") as scratch:
                copy = Path(scratch) / DB_NAME  # SQLite may write to what it opens: never the damaged file
                shutil.copyfile(path, copy)
                if path.with_name(path.name + "-wal").is_file():
                    shutil.copyfile(path.with_name(path.name + "-wal"), copy.with_name(copy.name + "-wal"))
                rows, unreadable, sequence, healthy = _salvage(copy)
                if not healthy:
                    damaged, backup = True, _backup(path)
                    fresh = Path(scratch) / "new.db"
                    _build(fresh, rows, sequence)
                    for leftover in ("-wal", "-shm"):  # the damaged file's: copied with it, wrong for the new one
                        path.with_name(path.name + leftover).unlink(missing_ok=True)
                    os.replace(fresh, path)
        except OSError as e:
            raise LibraryError(
                f"The library in {root} could not be repaired ({e.strerror}); free some space there or check "
                "its permissions, then run `mockmic library repair` again."
            ) from e
    library = Library.open(root)
    try:
        loose = len(library.loose_names())
    finally:
        library.close()
    return Repair(damaged=damaged, backup=backup, salvaged=len(rows), unreadable=unreadable, loose=loose)


def _salvage(path: Path) -> tuple[list[tuple], int, int, bool]:
    """The takes SQLite can still read whole, each read on its own so a damaged page costs only the rows
    on it: (rows as INSERT values with their id, rows unreadable, the highest id given out, healthy)."""
    try:
        db = sqlite3.connect(path, isolation_level=None)
    except sqlite3.DatabaseError:
        return [], 0, 0, False
    db.text_factory = bytes  # checked as UTF-8 here: a damaged page can hold any bytes
    try:
        try:
            columns = [row[1].decode() for row in db.execute("PRAGMA table_info(takes)")]
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            return [], 0, 0, False
        try:
            healthy = [row[0] for row in db.execute("PRAGMA quick_check")] == [b"ok"]
        except sqlite3.DatabaseError:
            healthy = False
        if not columns:
            return [], 0, 0, healthy  # no takes table: empty (a new file), or its schema is lost
        ids: set[int] = set()
        for order in ("ASC", "DESC"):  # from both ends: a damaged page stops a scan, not the other one
            try:
                for (rowid,) in db.execute(f"SELECT rowid FROM takes ORDER BY rowid {order}"):
                    ids.add(rowid)
            except sqlite3.DatabaseError:
                healthy = False
        try:
            sequence = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'takes'").fetchone()
            sequence = sequence[0] if sequence and isinstance(sequence[0], int) and 0 <= sequence[0] <= MOST_IDS else 0
        except sqlite3.DatabaseError:
            sequence = 0
        wanted = [c for c in COLUMNS if c in columns]
        rows, unreadable = [], 0
        for rowid in range(1, max([sequence, *ids], default=0) + 1):
            try:
                row = db.execute(f"SELECT {', '.join(wanted)} FROM takes WHERE rowid = ?", (rowid,)).fetchone()
            except sqlite3.DatabaseError:
                unreadable += 1
                continue
            values = _whole(rowid, dict(zip(wanted, row))) if row else None
            if values:
                rows.append(values)
            elif row or rowid in ids:  # garbage, or listed by a scan and then not found
                unreadable += 1
        return rows, unreadable, max([sequence, *ids], default=0), healthy and not unreadable
    finally:
        db.close()


def _whole(rowid: int, raw: dict[str, Any]) -> tuple | None:
    """A salvaged row as INSERT values, or None when any of it is not what the library writes."""
    try:
        row = {k: v.decode("utf-8") if isinstance(v, bytes) else v for k, v in raw.items()}
        row["analysed_at"] = row.get("analysed_at") or row.get("created_at")  # a library before migration 2
        if not all(isinstance(row.get(name), str) for name in TEXT_COLUMNS):
            return None
        if not (
            SHA256.match(row["audio_sha256"])
            and AUDIO_SUFFIX.match(row["audio_suffix"])
            and TIMESTAMP.match(row["created_at"])
            and TIMESTAMP.match(row["analysed_at"])
        ):
            return None
        if row.get("language") is not None and not isinstance(row["language"], str):
            return None
        duration = row.get("duration_s")
        if isinstance(duration, bool) or not isinstance(duration, (int, float)) or not 0 <= duration < 1e6:
            return None
        _analysis(row)
    except (UnicodeDecodeError, ValueError, TypeError):
        return None
    return (rowid, *(row.get(name) for name in COLUMNS))


def _build(path: Path, rows: list[tuple], sequence: int) -> None:
    """A new library database holding `rows` under their old ids; new takes get ids above `sequence`
    (ids of takes that were lost are not given out again)."""
    db = _connect(path)
    try:
        library = Library(path.parent, db)
        library._migrate()
        with library._writing():
            db.executemany(
                f"INSERT INTO takes (id, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (len(COLUMNS) + 1))})", rows
            )
            db.execute("INSERT OR IGNORE INTO sqlite_sequence (name, seq) VALUES ('takes', 0)")
            db.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'takes'", (sequence,))
    finally:
        db.close()
