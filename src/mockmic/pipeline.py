"""The pipeline's steps joined end to end, for the commands that run them in a row."""

from __future__ import annotations

from pathlib import Path

from .audio import Audio, load_audio
from .measure import Metrics, measure
from .models import choose_model, load_model
from .transcribe import Transcript, TranscribeOptions, transcribe


def load_and_transcribe(
    path: Path, *, language: str = "en", model: str | None = None, models_dir: Path
) -> tuple[Audio, Transcript]:
    """Validate the audio first (fast, before loading a model), then transcribe it."""
    name = choose_model(language, model)
    audio = load_audio(path)
    whisper_model = load_model(name, models_dir)
    return audio, transcribe(audio, whisper_model, name, TranscribeOptions(language=language))


def analyze(
    path: Path, *, language: str = "en", model: str | None = None, models_dir: Path
) -> tuple[Audio, Transcript, Metrics]:
    """Load, transcribe and measure one recorded answer."""
    audio, transcript = load_and_transcribe(path, language=language, model=model, models_dir=models_dir)
    return audio, transcript, measure(audio, transcript)
