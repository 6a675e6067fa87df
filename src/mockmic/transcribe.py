"""Transcription with openai-whisper: verbatim words with timestamps, and no invented text."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from . import constants
from .audio import Audio
from .models import ENGINE

if TYPE_CHECKING:
    import whisper

LANGUAGES = ("en", "es", "auto")

# Whisper's training normaliser removed "um" and "uh", so it drops them unless a short prompt shows
# them. These prompts are the ones measured best in bench/fillers.py (numbers in models/README.md).
VERBATIM_PROMPTS = {
    "en": "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking.",
    "es": "Eh, mmm, bueno... este, o sea, pues, creo que, eh, tipo así.",
}


@dataclass(frozen=True)
class Word:
    """One spoken word as Whisper heard it."""

    text: str  # the word with its punctuation, without surrounding spaces
    start: float  # seconds from the start of the audio
    end: float  # seconds from the start of the audio
    probability: float  # Whisper's confidence in the word, 0..1


@dataclass(frozen=True)
class Transcript:
    """What was said, word by word."""

    words: tuple[Word, ...]  # in time order
    language: str  # ISO 639-1 code, detected or given
    model: str  # the Whisper model's name
    engine: str = ENGINE  # what produced the words

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "model": self.model,
            "language": self.language,
            "text": self.text,
            "words": [asdict(word) for word in self.words],
        }


@dataclass(frozen=True, kw_only=True)
class TranscribeOptions:
    """How Whisper is asked to transcribe; the defaults keep fillers and refuse to invent text."""

    language: str = "en"  # "en", "es", or "auto" to let Whisper detect it
    verbatim: bool = True  # prompt Whisper with fillers so it keeps "um" and "uh"
    carry_prompt: bool = True  # repeat the verbatim prompt in every 30 s window, not just the first
    prompt: str | None = None  # a prompt of your own instead of the verbatim one
    beam_size: int | None = None  # None decodes greedily, as whisper's transcribe() does by default


def whisper_arguments(options: TranscribeOptions, language: str | None) -> dict[str, Any]:
    """Keyword arguments for `whisper.transcribe` that keep Whisper honest for a delivery coach."""
    prompt = options.prompt
    if prompt is None and options.verbatim:
        prompt = VERBATIM_PROMPTS.get(language or "")
    return {
        "language": language,
        "word_timestamps": True,
        "condition_on_previous_text": False,  # a mistake in one window must not seed the next
        "initial_prompt": prompt,
        "carry_initial_prompt": bool(prompt) and options.carry_prompt,
        "no_speech_threshold": constants.NO_SPEECH_THRESHOLD,
        "logprob_threshold": constants.LOGPROB_THRESHOLD,
        "compression_ratio_threshold": constants.COMPRESSION_RATIO_THRESHOLD,
        "hallucination_silence_threshold": constants.HALLUCINATION_SILENCE_S,
        "beam_size": options.beam_size,
        "fp16": False,  # CPU inference; fp16 only warns and falls back
        "verbose": None,
    }


def transcribe(
    audio: Audio, model: "whisper.Whisper", model_name: str, options: TranscribeOptions = TranscribeOptions()
) -> Transcript:
    """Words with timestamps for the audio, or an empty transcript when nothing was said."""
    import whisper

    if not model.is_multilingual:
        language = "en"
    elif options.language == "auto":
        language = detect_language(audio, model)
    else:
        language = options.language
    result = whisper.transcribe(model, audio.samples, **whisper_arguments(options, language))
    words = tuple(
        word
        for segment in result["segments"]
        if _is_speech(segment)
        for word in _words(segment)
    )
    return Transcript(words=words, language=result.get("language") or language or "en", model=model_name)


def detect_language(audio: Audio, model: "whisper.Whisper") -> str:
    """The language of the first 30 s, detected up front so the verbatim prompt can match it.

    An English prompt in front of Spanish speech makes Whisper translate it into English.
    """
    import whisper

    window = whisper.pad_or_trim(audio.samples)
    mel = whisper.log_mel_spectrogram(window, model.dims.n_mels).to(model.device)
    _, probabilities = model.detect_language(mel)
    return max(probabilities, key=probabilities.get)


def _is_speech(segment: dict[str, Any]) -> bool:
    """False for a segment that is both probably not speech and badly decoded (see constants)."""
    return not (
        segment["no_speech_prob"] > constants.SILENT_SEGMENT_NO_SPEECH
        and segment["avg_logprob"] < constants.LOGPROB_THRESHOLD
    )


def _words(segment: dict[str, Any]) -> list[Word]:
    return [
        Word(
            text=word["word"].strip(),
            start=round(float(word["start"]), 3),
            end=round(float(word["end"]), 3),
            probability=round(float(word["probability"]), 4) if math.isfinite(word["probability"]) else 0.0,
        )
        for word in segment.get("words", [])
        if word["word"].strip()
    ]
