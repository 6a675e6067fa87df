"""The takes table's schema: its ordered migrations (each a small step applied once, in order, as
`PRAGMA user_version` counts them; llm's style) and the columns they leave it with."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

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


COLUMNS = (
    "question_id",
    "created_at",
    "analysed_at",
    "audio_sha256",
    "audio_suffix",
    "duration_s",
    "language",
    "model",
    "engine",
    "app_version",
    "transcript",
    "metrics",
    "feedback",
)  # the takes table after every migration, id aside
