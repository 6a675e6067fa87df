"""The pipeline's steps joined end to end, for the commands that run them in a row."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import constants, vad
from .audio import Audio, load_audio
from .engine import DEFAULT_ENGINE, ENGINES, load_engine
from .errors import LanguageError, MockmicError, ModelError
from .feedback import Feedback, assess, baseline_from
from .library import Library, LooseAudio
from .measure import Metrics, measure, warm_up
from .models import choose_model, default_model, is_multilingual
from .questions import Question, question_of_take
from .transcribe import (
    Progress,
    TranscribeOptions,
    Transcript,
    language_name,
    language_probabilities,
    transcribe,
)
from .vad import VoiceMap

COACHED = ("en", "es")  # the languages mockmic has lexicons, norms and text for


def load_and_transcribe(
    path: Path,
    *,
    language: str = "auto",
    model: str | None = None,
    engine: str = DEFAULT_ENGINE,
    models_dir: Path,
    progress: Progress | None = None,
) -> tuple[Audio, Transcript]:
    """Validate the audio first (fast, before loading a model), find its language, then transcribe it
    with the best bundled model for that language (or the one asked for)."""
    audio, _, transcript = _heard(path, language, model, engine, models_dir, progress, warm_measuring=False)
    return audio, transcript


def _heard(
    path: Path,
    language: str,
    model: str | None,
    engine: str,
    models_dir: Path,
    progress: Progress | None,
    *,
    warm_measuring: bool,
) -> tuple[Audio, VoiceMap, Transcript]:
    """The audio, its voice map (made once, for language detection, transcribing and measuring) and
    its transcript. The detector loads while the voice map is made; with `warm_measuring`, measuring's
    libraries load on the second thread once it has nothing left to decode (faster-whisper only)."""
    tell = progress or (lambda step, done, total: None)
    tell("reading", 0, 0)
    audio = load_audio(path)
    if language != "auto":
        choose_model(language, model)  # a model that cannot do the language fails before any decoding
    tell("language", 0, 0)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mockmic-detector") as early:
        loading = early.submit(load_engine, engine, detector_model(model), models_dir)
        voice_map = vad.voice_map(audio.samples)
        with contextlib.suppress(MockmicError):  # find_language meets the failure again, and says it
            loading.result()
    language, heard = find_language(
        audio, language, engine=engine, model=model, models_dir=models_dir, voice_map=voice_map
    )
    name = choose_model(language, model)
    decoder = load_engine(engine, name, models_dir)  # after the detector is let go: one model in memory
    transcript = transcribe(
        audio,
        decoder,
        TranscribeOptions(language=language),
        heard_language=heard,
        progress=progress,
        voice_map=voice_map,
        beside=_warm_up_quietly if warm_measuring and engine == "faster-whisper" else None,
    )
    return audio, voice_map, transcript


def detector_model(model: str | None) -> str:
    """The model that finds an answer's language: the one asked for when it knows many languages,
    else the bundled multilingual one."""
    return model if model and is_multilingual(model) else default_model("auto")


def find_language(
    audio: Audio,
    requested: str,
    *,
    engine: str,
    model: str | None,
    models_dir: Path,
    voice_map: VoiceMap | None = None,
) -> tuple[str, str | None]:
    """(the language to transcribe in, the language detection heard). "auto" becomes what is heard;
    a forced language stands, and the heard one tells the report whether the audio contradicts it.
    `voice_map` is `vad.voice_map` of the audio when the caller has it already."""
    voice_map = vad.voice_map(audio.samples) if voice_map is None else voice_map
    if sum(end - start for start, end in voice_map.speech) < constants.MIN_SPEECH_S:
        return ("en" if requested == "auto" else requested), None  # nothing said: nothing to detect
    try:
        probabilities = language_probabilities(audio, load_engine(engine, detector_model(model), models_dir), voice_map)
    except ModelError:
        if requested == "auto":
            raise
        return requested, None  # no multilingual model to ask: the forced language stands unchecked
    heard = max(probabilities, key=probabilities.get)
    if requested != "auto":
        contradicted = probabilities.get(requested, 0.0) < constants.CONTRADICTED_LANGUAGE_PROBABILITY
        return requested, heard if contradicted else requested
    coached = max(COACHED, key=lambda code: probabilities.get(code, 0.0))
    if heard not in COACHED and probabilities.get(coached, 0.0) < constants.CONTRADICTED_LANGUAGE_PROBABILITY:
        raise LanguageError(
            f"This answer sounds like {language_name(heard)}; mockmic coaches answers in English and Spanish, "
            f"so record it in one of them (or force one with --language en or --language es)."
        )
    return coached, heard


@dataclass(frozen=True)
class Analysis:
    """One answer, from its audio to the coaching."""

    audio: Audio
    transcript: Transcript
    metrics: Metrics
    feedback: Feedback


def analyze(
    path: Path,
    question: Question,
    *,
    language: str = "auto",
    model: str | None = None,
    engine: str = DEFAULT_ENGINE,
    models_dir: Path,
    earlier: Sequence[Metrics] = (),
    progress: Progress | None = None,
) -> Analysis:
    """Load, transcribe, measure and assess one recorded answer to a question, against the speaker's
    own earlier takes in its language once there are enough of them; `progress` hears of each step."""
    audio, voice_map, transcript = _heard(path, language, model, engine, models_dir, progress, warm_measuring=True)
    if progress:
        progress("measuring", 0, 0)
    metrics = measure(audio, transcript, voice_map=voice_map)
    baseline = baseline_from(list(earlier), metrics.language)
    return Analysis(audio, transcript, metrics, assess(metrics, question, transcript.words, baseline))


def _warm_up_quietly() -> None:
    """`measure.warm_up` (scipy.signal and SwiftF0's ONNX session: ~1.5 s of a cold analyze), whose
    failure is left for `measure()` to raise again in the main thread. Not beside openai-whisper, whose
    PyTorch threads keep both cores busy: there it was slower (bench/README.md)."""
    try:
        warm_up()
    except Exception:  # any: measure() meets it again on the real audio
        return


def earlier_takes(library: Library) -> list[Metrics]:
    """The metrics of every stored take: the speaker's own (one user per library)."""
    return [take.metrics for take in library.takes()]


def save(library: Library, path: Path, analysis: Analysis) -> int | None:
    """Store an analysed take, its audio copied into the library; returns the take's id, or None when
    no words were recognised (fillers aside): a take with nothing scored would sit in the history as a blank."""
    if not analysis.metrics.word_count:
        return None
    return library.save(
        path,
        question_id=analysis.feedback.question_id,
        duration_s=analysis.audio.duration_s,
        transcript=analysis.transcript,
        metrics=analysis.metrics,
        feedback=analysis.feedback,
    )


def adopt(
    library: Library, audio: LooseAudio, question: Question, *, language: str, model: str | None, models_dir: Path
) -> int | None:
    """Analyse audio the library holds without a take and store it as a take again, dated when its
    practice recording was made (else when it was copied in); None when no words were recognised."""
    analysis = analyze(
        audio.path, question, language=language, model=model, models_dir=models_dir, earlier=earlier_takes(library)
    )
    if not analysis.metrics.word_count:
        return None
    return library.adopt(
        audio,
        question_id=analysis.feedback.question_id,
        created_at=audio.recorded_at or audio.copied_at,
        duration_s=analysis.audio.duration_s,
        transcript=analysis.transcript,
        metrics=analysis.metrics,
        feedback=analysis.feedback,
    )


def reanalyze(library: Library, take_id: int, *, models_dir: Path, questions_file: Path | None = None) -> None:
    """Analyse a stored take again with this version; its old results stay until the new are written."""
    take = library.get(take_id)
    question = question_of_take(take.question_id, questions_file)
    language = take.language if take.language in COACHED else "auto"  # in the language it was stored with
    analysis = analyze(
        take.audio_path,
        question,
        language=language,
        model=take.model or None,
        engine=take.engine if take.engine in ENGINES else DEFAULT_ENGINE,
        models_dir=models_dir,
    )
    library.replace_analysis(
        take_id, transcript=analysis.transcript, metrics=analysis.metrics, feedback=analysis.feedback
    )
