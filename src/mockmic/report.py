"""Rendering results: rich renderables for the terminal and JSON documents. Nothing here prints."""

from __future__ import annotations

import json
from typing import Any

from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .audio import Audio
from .models import ModelInfo
from .transcribe import Transcript, Word

TRANSCRIPT_SCHEMA = "mockmic.transcript/1"


def audio_dict(audio: Audio) -> dict[str, Any]:
    return {
        "path": audio.path,
        "duration_s": round(audio.duration_s, 3),
        "sample_rate": audio.original_sample_rate,
        "channels": audio.original_channels,
    }


def transcript_document(audio: Audio, transcript: Transcript) -> dict[str, Any]:
    """The `mockmic transcribe --json` document."""
    return {"schema": TRANSCRIPT_SCHEMA, "audio": audio_dict(audio), "transcript": transcript.as_dict()}


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)


def _word_timing(word: Word) -> Text:
    text = Text(f"{word.start:.2f}–{word.end:.2f} ", style="dim")
    text.append(word.text, style="bold" if word.probability >= 0.5 else "yellow")
    return text


def transcript_renderable(audio: Audio, transcript: Transcript) -> RenderableType:
    """The transcript as text, then every word with its start and end time in seconds."""
    header = Text.assemble(
        (audio.path or "recording", "bold"),
        f"  {audio.duration_s:.1f} s · {transcript.model} · {transcript.language or 'language unknown'}",
    )
    if not transcript.words:
        return Group(header, Text("No speech was recognised in this audio.", style="yellow"))
    timings = Columns([_word_timing(word) for word in transcript.words], padding=(0, 2))
    return Group(
        header,
        Text(""),
        Text(transcript.text),
        Text(""),
        Text("Word timings (s); low-confidence words in yellow", style="dim"),
        timings,
    )


def models_renderable(rows: list[ModelInfo], models_dir: str) -> RenderableType:
    table = Table(title=f"Whisper models in {models_dir}", title_justify="left")
    table.add_column("model")
    table.add_column("state")
    table.add_column("languages")
    table.add_column("size", justify="right")
    for row in rows:
        table.add_row(
            row.name,
            row.state,
            "99" if row.multilingual else "English",
            f"{row.size_mb:,.0f} MB" if row.size_mb else "?",
        )
    return table
