"""The two Whisper engines behind one small interface: decode a clip of audio into timed words.

- faster-whisper (CTranslate2, int8 on the CPU) loads the bundled CTranslate2 weights as they ship;
- openai-whisper (PyTorch) runs the same weights converted by `convert.py` (kept by `models.py`).

Both are asked the same thing (the decoding rules in `DecodeOptions`) and answer with the same
`Segment`s, so `transcribe.py` never knows which one ran. One engine stays loaded at a time (`load_engine`).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from . import constants
from .errors import ModelError
from .models import DOWNLOAD_SIZES_MB, ct2_model_dir, is_multilingual, load_model

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
    temperatures: tuple[float, ...] = constants.TEMPERATURES  # tried in turn while Whisper's checks fail; > 0 samples


class Engine(Protocol):
    """What `transcribe.py` needs of a Whisper engine."""

    name: str  # one of ENGINES
    model: str  # the Whisper model's name
    multilingual: bool  # False for the English-only `.en` models
    workers: int  # decodings that run at once when called from that many threads

    def decode(self, samples: np.ndarray, options: DecodeOptions) -> list[Segment]:
        """The segments of a 16 kHz mono clip of at most 30 s."""
        ...

    def language_probabilities(self, samples: np.ndarray) -> dict[str, float]:
        """How likely each language is in the first 30 s of a clip (multilingual models only)."""
        ...


def cpu_threads() -> int:
    """Threads for an engine's inference: the cores this process may use that other processes kept
    busy for less than half of the time since the last call (`other_busy_cores`), at least 1 and at
    most 4.

    Both engines' OpenMP threads spin while they wait for each other: with as many threads as cores and
    one other busy process beside it, an openai-whisper decode here ran ~8x slower (bench/speed.py)."""
    if _FIXED_CORES:
        return _FIXED_CORES[0]
    return max(1, min(4, cores() - round(other_busy_cores())))


_FIXED_CORES: list[int] = []  # fix_cores's count, when set


def fix_cores(count: int) -> None:
    """Have the engines use `count` cores whatever the machine has or how busy it is: a batch runs one
    answer a worker, each on one core, and CTranslate2's int8 sums differ with the thread count, so a
    fixed count gives every worker, here or on a cluster, the same words (batch.py)."""
    _FIXED_CORES[:] = [count]


def cores() -> int:
    """The cores this process may run on (`fix_cores`'s count when set)."""
    if _FIXED_CORES:
        return _FIXED_CORES[0]
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _cpu_ticks() -> tuple[float, int, int] | None:
    """(now, CPU ticks not idle on the cores this process may use, ticks of this process), or None off
    Linux (/proc, proc(5))."""
    try:
        mine = {f"cpu{core}" for core in os.sched_getaffinity(0)}
        with open("/proc/stat") as f:
            busy = sum(
                sum(int(n) for n in fields[1:4] + fields[6:9])  # user nice system, irq softirq steal
                for fields in (line.split() for line in f)
                if fields and fields[0] in mine
            )
        with open("/proc/self/stat") as f:
            ours = f.read().rsplit(")", 1)[1].split()  # utime and stime, all threads: fields 14 and 15
    except (AttributeError, OSError, ValueError):
        return None
    return time.monotonic(), busy, int(ours[11]) + int(ours[12])


_since = _cpu_ticks()  # the first measure of other processes' load runs from here: mockmic's start
MIN_SAMPLE_S = 0.1  # at 100 ticks a second, fewer than 10 ticks a core say little


def other_busy_cores() -> float:
    """How many cores other processes kept busy since the last call (or since mockmic started): the
    load average counted mockmic's own last take too, which left a machine with nothing else running
    looking busy."""
    global _since
    before = _since
    if before is None:  # not Linux: the last minute's load average, ours included
        try:
            return os.getloadavg()[0]
        except OSError:
            return 0.0
    if time.monotonic() - before[0] < MIN_SAMPLE_S:
        time.sleep(MIN_SAMPLE_S - (time.monotonic() - before[0]))
    now = _cpu_ticks()
    if now is None:
        return 0.0
    _since = now
    ticks = os.sysconf("SC_CLK_TCK") * (now[0] - before[0])
    return max(0.0, ((now[1] - before[1]) - (now[2] - before[2])) / ticks)


_loaded: dict[tuple[str, str, Path], Engine] = {}  # the engines kept loaded, by what they were asked as, oldest first
_keep = 1  # how many: see load_engine and keep_loaded


def load_engine(engine: str, model: str, models_dir: Path) -> Engine:
    """The named engine with the named model, kept loaded until another is asked for: the language is
    found with `base` and most answers transcribed with `tiny.en`, and holding both cost the 150 MB that
    kept `analyze` over its 600 MiB budget (bench/speed.py). The memory of the one let go is handed
    back to the system before the next loads. Within `keep_loaded(2)` both stay."""
    key = (engine, model, models_dir)
    if key not in _loaded:
        if len(_loaded) >= _keep:
            del _loaded[next(iter(_loaded))]
            hand_back_freed_memory()
        if engine == "faster-whisper":
            _loaded[key] = FasterWhisper(model, models_dir)
        elif engine == "openai-whisper":
            _loaded[key] = OpenAIWhisper(model, models_dir)
        else:
            raise ModelError(f"Unknown engine {engine!r}; choose one of {', '.join(ENGINES)}.")
    return _loaded[key]


@contextlib.contextmanager
def keep_loaded(count: int) -> Iterator[None]:
    """Keep up to `count` engines loaded while inside: a take analysed while it is recorded (live.py)
    finds its language with one model and decodes with another, and neither may be loaded again
    after the take, when every second counts."""
    global _keep
    before, _keep = _keep, count
    try:
        yield
    finally:
        _keep = before
        while len(_loaded) > _keep:
            del _loaded[next(iter(_loaded))]
        hand_back_freed_memory()


# glibc's malloc (mallopt(3), malloc_trim(3)); neither exists elsewhere, where both steps are skipped.
M_ARENA_MAX = -8  # mallopt's parameter: how many arenas threads share
MALLOC_ARENAS = 2  # glibc's default is 8 a core: a cold analyze peaked at 720 MiB, with 2 at 606


def _fewer_malloc_arenas() -> None:
    """Fewer malloc arenas for this process: each thread that allocates at once gets its own arena,
    whose freed memory stays mapped, and analyze runs two decoding threads and the warm-up beside them."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)


def hand_back_freed_memory(*, collect: bool = True) -> None:
    """Return freed memory to the system: freed, it stays mapped otherwise. An engine just let go (after
    `collect`ing its cycles) held 40 MB of a cold analyze's peak; a take analysed while it is recorded
    (live.py) frees a copy of the take so far on every pass, and had 130 MB mapped but free after 10
    minutes. It takes about 1 ms."""
    if collect:
        import gc

        gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@lru_cache(maxsize=1)
def _glibc() -> Any:
    """The C library when it is glibc, else None: the process's own symbols (no library search, which
    runs `ldconfig -p` on every start of mockmic)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        libc.mallopt, libc.malloc_trim  # noqa: B018  (glibc has both)
    except (OSError, AttributeError):
        return None
    return libc


_fewer_malloc_arenas()  # before any thread allocates: arenas made until then stay


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


ENCODINGS_KEPT = 8  # a stretch's and the next one's windows (plain and prompted), and a few probes'


def _remembering_encoder(model_class: type) -> type:
    """faster-whisper's WhisperModel that keeps its last few encoder outputs: `transcribe.py` decodes
    each stretch twice (plain, and with the filler prompt on a second thread) from the same log-mel
    features, and the encoder is a third of a decoding's time (0.4 s of each 30 s window of tiny.en
    here). Whichever decoding asks first encodes; the other waits for that encoding."""

    class RememberingEncoder(model_class):
        _guard = threading.Lock()  # over the kept encodings and their locks

        def encode(self, features: np.ndarray):
            key = hashlib.blake2b(np.ascontiguousarray(features).tobytes(), digest_size=16).digest()
            with self._guard:
                kept = self.__dict__.setdefault("_encodings", OrderedDict())  # key -> (lock, output)
                lock, _ = kept.setdefault(key, (threading.Lock(), None))
            with lock:
                with self._guard:
                    output = kept.get(key, (None, None))[1]
                if output is None:
                    output = super().encode(features)
                    with self._guard:
                        kept[key] = (lock, output)
                        while len(kept) > ENCODINGS_KEPT:
                            kept.popitem(last=False)
                return output

        def forget(self) -> None:
            """Drop the kept encodings."""
            with self._guard:
                self.__dict__.pop("_encodings", None)

    return RememberingEncoder


# A CTranslate2 decoding of tiny.en runs as fast on one core as on two here, so with two cores the
# plain and the prompted decoding of a stretch run side by side on two workers of one thread each:
# cold analyze of 79 s 11.2 -> 8.5 s (bench/speed.py). Two one-thread workers do not spin against each
# other as one two-thread worker's OpenMP threads do, so they run so on a busy machine too. A second
# worker's memory grows with the model: +50 MB for tiny.en, +150 MB for base (which stays at one worker,
# with all free cores, and keeps analyze under 600 MiB).
SECOND_WORKER_MAX_MB = 100  # models up to this size on disk (models.DOWNLOAD_SIZES_MB) get a second worker


class FasterWhisper:
    """faster-whisper on the bundled CTranslate2 weights as they ship, int8 on the CPU."""

    name = "faster-whisper"

    def __init__(self, model: str, models_dir: Path) -> None:
        from faster_whisper import WhisperModel

        self.model = model
        self.multilingual = is_multilingual(model)
        path = ct2_model_dir(model, models_dir)
        threads = cpu_threads()
        self.workers = 2 if cores() >= 2 and DOWNLOAD_SIZES_MB.get(model, 0) <= SECOND_WORKER_MAX_MB else 1
        try:
            self._model = _remembering_encoder(WhisperModel)(
                str(path),
                device="cpu",
                compute_type="int8",
                cpu_threads=max(1, threads // self.workers),
                num_workers=self.workers,
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
            temperature=list(options.temperatures),
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
    workers = 1  # PyTorch's own threads keep the cores busy already

    def __init__(self, model: str, models_dir: Path) -> None:
        import torch

        torch.set_num_threads(cpu_threads())
        self.model = model
        with torch.random.fork_rng(devices=[]):  # building the network draws its initial weights at random
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
        "temperature": options.temperatures,
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
