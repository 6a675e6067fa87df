"""Terminal rendering into a fixed-width console, and the JSON documents."""

from __future__ import annotations

import io
import json

import numpy as np
from rich.console import Console

from mockmic import report
from mockmic.audio import Audio
from mockmic.transcribe import Transcript, Word


def render(renderable: object, width: int = 80) -> str:
    console = Console(width=width, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


AUDIO = Audio(np.zeros(16_000 * 3, dtype=np.float32), 44_100, 2, "answer.wav")
TRANSCRIPT = Transcript(
    words=(Word("Hello,", 0.12, 0.5, 0.98), Word("um", 0.9, 1.1, 0.31), Word("world.", 1.3, 1.8, 0.9)),
    language="en",
    model="tiny.en",
)


def test_transcript_renders_text_and_every_word_timing() -> None:
    text = render(report.transcript_renderable(AUDIO, TRANSCRIPT))
    lines = text.splitlines()
    assert lines[0] == "answer.wav  3.0 s · tiny.en · en"
    assert "Hello, um world." in text
    assert "0.12–0.50" in text and "Hello," in text
    assert "0.90–1.10" in text and "1.30–1.80" in text
    assert all(len(line) <= 80 for line in lines)


def test_empty_transcript_says_so() -> None:
    text = render(report.transcript_renderable(AUDIO, Transcript((), "en", "tiny.en")))
    assert "No speech was recognised" in text


def test_transcript_document_round_trips() -> None:
    document = json.loads(report.to_json(report.transcript_document(AUDIO, TRANSCRIPT)))
    assert document["audio"] == {"path": "answer.wav", "duration_s": 3.0, "sample_rate": 44_100, "channels": 2}
    assert document["transcript"]["text"] == "Hello, um world."
    assert document["transcript"]["words"][1] == {"text": "um", "start": 0.9, "end": 1.1, "probability": 0.31}
