"""Helpers shared by the tests: paths, real transcription, synthetic signals with known answers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from mockmic.engine import DEFAULT_ENGINE
from mockmic.pipeline import load_and_transcribe
from mockmic.transcribe import Transcript

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLES = ROOT / "samples"
# The models are converted once into the checkout's models/ (as a user's first run does) and reused.
MODELS_DIR = ROOT / "models"


def run_transcription(
    path: Path | str, language: str = "auto", model: str | None = None, engine: str = DEFAULT_ENGINE
) -> Transcript:
    """The transcript `mockmic transcribe` gives: language found, best bundled model for it."""
    return load_and_transcribe(Path(path), language=language, model=model, engine=engine, models_dir=MODELS_DIR)[1]


def mockmic(*args: str, cwd: Path = ROOT, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The `mockmic` command in a child process, as a user runs it; `home` sets MOCKMIC_HOME."""
    env = {**os.environ, "MOCKMIC_HOME": str(home)} if home else None
    return subprocess.run(
        [sys.executable, "-m", "mockmic", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )


def write_tone(
    path: Path,
    *,
    seconds: float,
    rate: int = 16_000,
    channels: int = 1,
    frequency: float = 220.0,
    amplitude: float = 0.3,
    subtype: str | None = None,
) -> np.ndarray:
    """A sine tone on every channel, written with soundfile; returns the mono signal at its own rate."""
    t = np.arange(int(seconds * rate)) / rate
    tone = (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)
    sf.write(path, np.repeat(tone[:, None], channels, axis=1), rate, subtype=subtype)
    return tone


def words_only(text: str) -> list[str]:
    """Lowercase words without punctuation, to compare transcripts 'case and punctuation aside'."""
    return re.findall(r"[\w']+", text.lower())
