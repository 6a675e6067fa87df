"""The pipeline's steps joined end to end, for the commands that run them in a row."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .audio import Audio, load_audio
from .feedback import Feedback, assess
from .measure import Metrics, measure
from .questions import Question
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


@dataclass(frozen=True)
class Analysis:
    """One answer, from its audio to the coaching."""

    audio: Audio
    transcript: Transcript
    metrics: Metrics
    feedback: Feedback

    def __iter__(self):  # so that report functions take (audio, transcript, metrics, feedback)
        return iter((self.audio, self.transcript, self.metrics, self.feedback))


def analyze(
    path: Path, question: Question, *, language: str = "en", model: str | None = None, models_dir: Path
) -> Analysis:
    """Load, transcribe, measure and assess one recorded answer to a question."""
    audio, transcript = load_and_transcribe(path, language=language, model=model, models_dir=models_dir)
    metrics = measure(audio, transcript)
    return Analysis(audio, transcript, metrics, assess(metrics, question, transcript.words))
