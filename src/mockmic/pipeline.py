"""The pipeline's steps joined end to end, for the commands that run them in a row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import constants
from .audio import Audio, load_audio
from .errors import LanguageError, ModelError
from .feedback import Feedback, assess, baseline_from
from .library import Library
from .measure import Metrics, measure
from .models import choose_model, default_model, load_model
from .questions import Question, question_of_take
from .transcribe import (
    TranscribeOptions,
    Transcript,
    language_name,
    language_probabilities,
    looks_misheard,
    transcribe,
)

if TYPE_CHECKING:
    import whisper


def load_and_transcribe(
    path: Path, *, language: str = "en", model: str | None = None, models_dir: Path, check_language: bool = True
) -> tuple[Audio, Transcript]:
    """Validate the audio first (fast, before loading a model), then transcribe it."""
    name = choose_model(language, model)
    audio = load_audio(path)
    whisper_model = load_model(name, models_dir)
    transcript = transcribe(audio, whisper_model, name, TranscribeOptions(language=language))
    if check_language and language == "en" and looks_misheard(transcript):
        _check_it_is_english(audio, whisper_model if whisper_model.is_multilingual else None, models_dir)
    return audio, transcript


def _check_it_is_english(audio: Audio, multilingual: "whisper.Whisper | None", models_dir: Path) -> None:
    """Ask a multilingual model which language this is, and stop if it is not English."""
    try:
        model = multilingual or load_model(default_model("auto"), models_dir)
    except ModelError:
        return  # no multilingual model to ask: the transcript stands as it is
    probabilities = language_probabilities(audio, model)
    spoken = max(probabilities, key=probabilities.get)
    if spoken == "en" or probabilities.get("en", 0.0) >= constants.NOT_ENGLISH_PROBABILITY:
        return
    name = language_name(spoken)
    if spoken == "es":
        raise LanguageError(f"This answer sounds like {name}, not English; run it again with --language es (or --language auto).")
    raise LanguageError(f"This answer sounds like {name}, not English; mockmic coaches answers in English and Spanish, so record it in one of them.")


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
    path: Path, question: Question, *, language: str = "en", model: str | None = None, models_dir: Path,
    earlier: Sequence[Metrics] = (), check_language: bool = True,
) -> Analysis:
    """Load, transcribe, measure and assess one recorded answer to a question, against the speaker's
    own earlier takes in its language once there are enough of them."""
    audio, transcript = load_and_transcribe(
        path, language=language, model=model, models_dir=models_dir, check_language=check_language
    )
    metrics = measure(audio, transcript)
    baseline = baseline_from(list(earlier), metrics.language)
    return Analysis(audio, transcript, metrics, assess(metrics, question, transcript.words, baseline))


def earlier_takes(library: Library) -> list[Metrics]:
    """The metrics of every stored take: the speaker's own (one user per library)."""
    return [Metrics.from_dict(take.metrics) for take in library.takes()]


def save(library: Library, path: Path, analysis: Analysis) -> int | None:
    """Store an analysed take, its audio copied into the library; returns the take's id, or None when
    no words were recognised (fillers aside): a take with nothing scored would sit in the history as a blank."""
    if not analysis.metrics.word_count:
        return None
    return library.save(
        path, question_id=analysis.feedback.question_id, duration_s=analysis.audio.duration_s,
        transcript=analysis.transcript.as_dict(), metrics=analysis.metrics.as_dict(),
        feedback=analysis.feedback.as_dict(),
    )  # fmt: skip


def reanalyze(library: Library, take_id: int, *, models_dir: Path, questions_file: Path | None = None) -> None:
    """Analyse a stored take again with this version; its old results stay until the new are written."""
    take = library.get(take_id)
    question = question_of_take(take.question_id, questions_file)
    language = take.language if take.language in ("en", "es") else "auto"
    analysis = analyze(  # in the language it was stored with: the check belongs to a new answer
        take.audio_path, question, language=language, model=take.model or None, models_dir=models_dir,
        check_language=False,
    )
    library.replace_analysis(
        take_id, transcript=analysis.transcript.as_dict(), metrics=analysis.metrics.as_dict(),
        feedback=analysis.feedback.as_dict(),
    )  # fmt: skip
