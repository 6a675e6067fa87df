"""The two Whisper engines behind one small interface: decode a clip of audio into timed words.

- faster-whisper (CTranslate2, int8 on the CPU) loads the bundled CTranslate2 weights as they ship;
- openai-whisper (PyTorch) runs the same weights converted by `convert.py` (kept by `models.py`).

Both are asked the same thing (the decoding rules in `DecodeOptions`) and answer with the same
`Segment`s, so `transcribe.py` never knows which one ran. One engine stays loaded at a time (`load_engine`).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from . import constants
from .errors import ModelError
from .models import ct2_model_dir, is_multilingual, load_model

ENGINES = ("faster-whisper", "openai-whisper")
# faster-whisper won the long-answer benchmark (bench/long_answers.py; numbers in bench/README.md).
DEFAULT_ENGINE = "faster-whisper"


@dataclass(frozen=True)
class Word:
    """One spoken word as Whisper heard it."""

    text: str  # the word with its punctuation, without surrounding spaces ("$200,000", "self-made")
    start: float  # seconds from the start of the audio
    end: float  # seconds from the start of the audio
    probability: float  # Whisper's confidence in the word, 0..1
    doubtful: bool = False  # shown but not counted: Whisper itself doubts it (see transcribe.doubted)


@dataclass(frozen=True)
class Segment:
    """One stretch Whisper decoded in one go, with the figures its guards judge it by."""

    words: tuple[Word, ...]  # timed from the start of the decoded clip
    no_speech_prob: float  # Whisper's probability that the window holds no speech
    avg_logprob: float  # mean log-probability of the decoded tokens


@dataclass(frozen=True, kw_only=True)
class DecodeOptions:
    """One decoding of one clip; the defaults are the rules that keep both engines honest."""

    language: str  # ISO 639-1 code; never None here: the language is found before decoding
    prompt: str | None = None  # text shown to Whisper as if said before the clip (the filler prompt)
    beam_size: int = constants.BEAM_SIZE  # 1 decodes greedily


class Engine(Protocol):
    """What `transcribe.py` needs of a Whisper engine."""

    name: str  # one of ENGINES
    model: str  # the Whisper model's name
    multilingual: bool  # False for the English-only `.en` models

    def decode(self, samples: np.ndarray, options: DecodeOptions) -> list[Segment]:
        """The segments of a 16 kHz mono clip of at most 30 s."""
        ...

    def language_probabilities(self, samples: np.ndarray) -> dict[str, float]:
        """How likely each language is in the first 30 s of a clip (multilingual models only)."""
        ...


def cpu_threads() -> int:
    """Threads for an engine's inference: the cores this process may use that other processes are not
    already keeping busy (the last minute's load average), at least 1 and at most 4.

    Both engines' OpenMP threads spin while they wait for each other: with as many threads as cores and
    one other busy process beside it, an openai-whisper decode here ran ~8x slower (bench/speed.py)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    try:
        busy = round(os.getloadavg()[0])
    except OSError:  # no load average on this system
        busy = 0
    return max(1, min(4, cores - busy))


@lru_cache(maxsize=1)
def load_engine(engine: str, model: str, models_dir: Path) -> Engine:
    """The named engine with the named model, kept loaded until another is asked for: the language is
    found with `base` and most answers transcribed with `tiny.en`, and holding both cost the 150 MB that
    kept `analyze` over its 600 MiB budget (bench/speed.py)."""
    if engine == "faster-whisper":
        return FasterWhisper(model, models_dir)
    if engine == "openai-whisper":
        return OpenAIWhisper(model, models_dir)
    raise ModelError(f"Unknown engine {engine!r}; choose one of {', '.join(ENGINES)}.")


def joined_words(raw: Iterable[tuple[str, float, float, float]], offset: float = 0.0) -> list[Word]:
    """Whisper's word pieces as written words: a piece without a leading space continues the word
    before it ("$200" + ",000", "self" + "-made"), which Whisper's word splitting cuts apart.
    Times are shifted by `offset` seconds and rounded to the millisecond."""
    words: list[Word] = []
    for text, start, end, probability in raw:
        if not text.strip():
            continue
        probability = float(probability) if math.isfinite(probability) else 0.0
        start, end = round(float(start) + offset, 3), round(float(end) + offset, 3)
        if words and not text[:1].isspace():
            last = words[-1]
            words[-1] = Word(
                last.text + text.strip(), last.start, max(last.end, end), min(last.probability, probability)
            )
        else:
            words.append(Word(text.strip(), start, end, round(probability, 4)))
    return words


ENCODINGS_KEPT = 4  # a stretch's window and its tail window, for the plain and the prompted decoding


def _remembering_encoder(model_class: type) -> type:
    """faster-whisper's WhisperModel that keeps its last few encoder outputs: `transcribe.py` decodes
    each stretch twice (plain, then with the filler prompt) from the same log-mel features, and the
    encoder is a third of a decoding's time (0.4 s of each 30 s window of tiny.en here)."""

    class RememberingEncoder(model_class):
        def encode(self, features: np.ndarray):
            key = hashlib.blake2b(np.ascontiguousarray(features).tobytes(), digest_size=16).digest()
            kept = self.__dict__.setdefault("_encodings", OrderedDict())
            if key not in kept:
                kept[key] = super().encode(features)
                while len(kept) > ENCODINGS_KEPT:
                    kept.popitem(last=False)
            return kept[key]

    return RememberingEncoder


class FasterWhisper:
    """faster-whisper on the bundled CTranslate2 weights as they ship, int8 on the CPU."""

    name = "faster-whisper"

    def __init__(self, model: str, models_dir: Path) -> None:
        from faster_whisper import WhisperModel

        self.model = model
        self.multilingual = is_multilingual(model)
        path = ct2_model_dir(model, models_dir)
        try:
            self._model = _remembering_encoder(WhisperModel)(
                str(path), device="cpu", compute_type="int8", cpu_threads=cpu_threads()
            )
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelError(
                f"faster-whisper cannot load the model in {path} ({e}); reinstall mockmic with `make demo`."
            ) from e

    def decode(self, samples: np.ndarray, options: DecodeOptions) -> list[Segment]:
        import ctranslate2

        ctranslate2.set_random_seed(constants.SAMPLING_SEED)  # fallback temperatures sample: same audio, same words
        segments, _ = self._model.transcribe(
            samples,
            language=options.language,
            beam_size=options.beam_size,
            best_of=5,
            temperature=list(constants.TEMPERATURES),
            word_timestamps=True,
            condition_on_previous_text=False,  # a mistake in one window must not seed the next
            initial_prompt=options.prompt,
            vad_filter=False,  # where the voice is, mockmic finds itself
            no_speech_threshold=constants.NO_SPEECH_THRESHOLD,
            log_prob_threshold=constants.LOGPROB_THRESHOLD,
            compression_ratio_threshold=constants.COMPRESSION_RATIO_THRESHOLD,
        )
        return [
            Segment(
                words=tuple(joined_words((w.word, w.start, w.end, w.probability) for w in s.words or ())),
                no_speech_prob=s.no_speech_prob,
                avg_logprob=s.avg_logprob,
            )
            for s in segments
        ]

    def language_probabilities(self, samples: np.ndarray) -> dict[str, float]:
        _, _, ranked = self._model.detect_language(samples[: 30 * constants.SAMPLE_RATE])
        return dict(ranked)


class OpenAIWhisper:
    """openai-whisper (PyTorch) on the bundled weights converted to its checkpoint format."""

    name = "openai-whisper"

    def __init__(self, model: str, models_dir: Path) -> None:
        import torch

        torch.set_num_threads(cpu_threads())
        self.model = model
        self._model = load_model(model, models_dir)
        self.multilingual = self._model.is_multilingual

    def decode(self, samples: np.ndarray, options: DecodeOptions) -> list[Segment]:
        import torch
        import whisper

        _compile_word_alignment_once()
        with torch.random.fork_rng(devices=[]):  # fallback temperatures sample: same audio, same words
            torch.manual_seed(constants.SAMPLING_SEED)
            result = whisper.transcribe(self._model, samples, **whisper_arguments(options))
        return [
            Segment(
                words=tuple(
                    joined_words((w["word"], w["start"], w["end"], w["probability"]) for w in s.get("words", []))
                ),
                no_speech_prob=s["no_speech_prob"],
                avg_logprob=s["avg_logprob"],
            )
            for s in result["segments"]
        ]

    def language_probabilities(self, samples: np.ndarray) -> dict[str, float]:
        import whisper

        window = whisper.pad_or_trim(samples)
        mel = whisper.log_mel_spectrogram(window, self._model.dims.n_mels).to(self._model.device)
        _, probabilities = self._model.detect_language(mel)
        return probabilities


def whisper_arguments(options: DecodeOptions) -> dict[str, Any]:
    """Keyword arguments for `whisper.transcribe`: the same rules faster-whisper is given above."""
    return {
        "language": options.language,
        "word_timestamps": True,
        "condition_on_previous_text": False,
        "initial_prompt": options.prompt,
        "no_speech_threshold": constants.NO_SPEECH_THRESHOLD,
        "logprob_threshold": constants.LOGPROB_THRESHOLD,
        "compression_ratio_threshold": constants.COMPRESSION_RATIO_THRESHOLD,
        "beam_size": options.beam_size if options.beam_size > 1 else None,  # whisper's greedy is None
        "temperature": constants.TEMPERATURES,
        "fp16": False,  # CPU inference; fp16 only warns and falls back
        "verbose": None,
    }


@lru_cache(maxsize=1)
def _compile_word_alignment_once() -> None:
    """openai-whisper times words with a numba DTW that it compiles afresh in every process: 1.7 s of
    each cold run here. The same two functions are compiled with numba's on-disk cache instead, so only
    the first run pays. The code is Whisper's own, so the words do not change; only its
    `parallel=True` is left out, which spread no more than the arrays' set-up over threads."""
    import numba
    from whisper import timing

    try:
        backtrace = numba.njit(cache=True)(timing.backtrace.py_func)
        dtw = numba.njit(cache=True)(timing.dtw_cpu.py_func)  # finds backtrace among timing's globals
    except (AttributeError, RuntimeError):  # another whisper version, or nowhere writable to cache: as it was
        return
    timing.backtrace, timing.dtw_cpu = backtrace, dtw
