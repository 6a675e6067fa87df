"""A take analysed while it is recorded, so that its feedback is on screen the moment it ends.

The recorder gives every block to `Live.feed` once it is in the file, and never waits: the queue is
bounded, and a block that finds it full is counted and read back from the file instead. A worker
thread keeps the take so far and, after every `every_s` of new audio, runs the pipeline's own steps on
it: the voice map (Silero goes on from where it stopped, silero.py), the language once the detector's
30 s window has been said, each stretch of speech that can no longer grow (`transcribe`'s
`still_recording`), and measuring once there are new words. Each step remembers its work by its
input (memo.py). When the candidate stops, `Live.finish` runs the very analysis `mockmic analyze`
runs on the saved file and finds all but the last stretch done, so the words and measures are the
ones an analysis of the file gives; if the worker fell behind, the rest is done then.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import constants, engine, lexicon, pipeline, recorder, vad
from .audio import Audio, from_samples
from .measure import Metrics, measure, warm_up
from .models import choose_model
from .questions import Question
from .transcribe import Progress, TranscribeOptions, Transcript, transcribe

# The detector hears the first 30 s after the voice starts (transcribe.language_probabilities); a
# little more is waited for, so that where the voice starts is settled too.
DETECTION_WINDOW_S = 30.0
DETECTION_MARGIN_S = 2.0


RECENT_S = 15.0  # the live line's pace is over this much of the take (issue "Feedback the moment you stop")


@dataclass(frozen=True)
class SoFar:
    """The take as far as it is transcribed, for the live line (`practice --live`)."""

    as_of_s: float  # where the last word transcribed so far ends
    recent_wpm: float | None  # words a minute over the RECENT_S before that; None before RECENT_S of take
    fillers: int  # fillers so far


def so_far(transcript: Transcript, metrics: Metrics) -> SoFar | None:
    """What the live line shows of a take's beginning: its words as `measure` counts them (doubtful
    words and fillers left out), None before any."""
    if not transcript.words:
        return None
    as_of = transcript.words[-1].end
    in_filler = {i for f in metrics.fillers.items for i in range(f.first_word, f.last_word + 1)}
    recent = [
        w
        for i, w in enumerate(transcript.words)
        if i not in in_filler and not w.doubtful and lexicon.is_word(w.text) and w.start >= as_of - RECENT_S
    ]
    wpm = len(recent) * 60 / RECENT_S if as_of >= RECENT_S else None
    return SoFar(as_of, wpm, metrics.fillers.count)


@dataclass(frozen=True, kw_only=True)
class LiveOptions:
    """How often the take so far is analysed, and how much audio waits for the worker."""

    every_s: float = 2.0  # the take so far is analysed again after this much more audio
    queue_s: float = 30.0  # audio the queue holds for the worker at most; more is read back from the file


class Live:
    """One take's analysis, run while it is recorded: `load` before the question is shown, `feed` from
    the recorder, `finish` after the stop. Use it as a context manager: both models stay loaded inside."""

    def __init__(
        self,
        path: Path,
        question: Question,
        *,
        language: str,
        model: str | None,
        engine_name: str,
        models_dir: Path,
        earlier: Sequence[Metrics] = (),
        options: LiveOptions = LiveOptions(),
    ) -> None:
        self.path, self.question, self.language, self.model = path, question, language, model
        self.engine_name, self.models_dir, self.earlier, self.options = engine_name, models_dir, earlier, options
        self.overflows = 0  # blocks that found the queue full (read back from the file: none is lost)
        self.analysed_s = 0.0  # how much of the take the worker has analysed so far
        self.busy_s = 0.0  # how long its analyses took, all told
        self.so_far: SoFar | None = None  # the take as far as it is transcribed (the live line)
        self._queue: queue.Queue[tuple[np.ndarray, int, int]] = queue.Queue(
            maxsize=max(1, round(options.queue_s / recorder.RecordOptions().block_s))
        )
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._run, name="mockmic-live", daemon=True)
        self._frames = np.zeros((0, 1), dtype=np.int16)  # the take so far as recorded: half float32's memory
        self._length = 0  # frames of the take so far in _frames
        self._rate = self._channels = 0
        self._decoder: engine.Engine | None = None
        self._found: tuple[str, str | None] | None = None  # (language to transcribe in, heard)
        self._words = -1  # words of the last transcript measured
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Live:
        self._stack.enter_context(engine.keep_loaded(2))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop_worker()
        self._stack.close()

    def _stop_worker(self) -> None:
        """Stop the worker after the step it is in, and wait for it."""
        self._stop.set()
        if self._worker.is_alive():
            self._worker.join()

    def load(self) -> None:
        """Load the models and measuring's libraries now, before the question is shown: the detector,
        and the decoder (English's when the language is to be found: a Spanish answer is decoded by the
        detector's model, `models.choose_model`)."""
        engine.load_engine(self.engine_name, pipeline.detector_model(self.model), self.models_dir)
        likely = "en" if self.language == "auto" else self.language
        decoder = engine.load_engine(self.engine_name, choose_model(likely, self.model), self.models_dir)
        if self.language != "auto":
            self._decoder = decoder
        warm_up()
        self._worker.start()

    def feed(self, frames: np.ndarray, first_frame: int, rate: int) -> None:
        """A block of the take (int16, frames x channels) as the recorder wrote it: queued, never waited for."""
        try:
            self._queue.put_nowait((frames, first_frame, rate))
        except queue.Full:
            self.overflows += 1

    def behind(self, seconds: float) -> tuple[float, float]:
        """(how much of a take of `seconds` the worker has not reached, about how long the rest takes
        at the worker's pace so far)."""
        left = max(0.0, seconds - self.analysed_s)
        return left, left * self.busy_s / self.analysed_s if self.analysed_s else left

    def finish(self, progress: Progress | None = None) -> pipeline.Analysis:
        """The take's analysis, as `mockmic analyze` gives it for the saved file: the worker is stopped
        after the step it is in, and what it did not reach is done now."""
        self._stop_worker()
        return pipeline.analyze(
            self.path,
            self.question,
            language=self.language,
            model=self.model,
            engine=self.engine_name,
            models_dir=self.models_dir,
            earlier=self.earlier,
            progress=progress,
        )

    # --- the worker ---------------------------------------------------------------------------------

    def _run(self) -> None:
        analysed, failed = 0, False
        while not self._stop.is_set():
            self._take_blocks()
            if not failed and self._rate and self._length - analysed >= self.options.every_s * self._rate:
                analysed, started = self._length, time.monotonic()
                try:
                    self._analyse(self._audio())
                except Exception:  # any: this is work ahead of time; the analysis after the stop meets it again
                    failed = True
                engine.hand_back_freed_memory(collect=False)  # the pass's copies of the take, freed
                self.analysed_s, self.busy_s = analysed / self._rate, self.busy_s + time.monotonic() - started

    def _take_blocks(self) -> None:
        """Move queued blocks into the take so far (waiting a little for the first); a block beyond its
        end means blocks were left out of a full queue, and those frames are read from the file."""
        try:
            item = self._queue.get(timeout=0.1)
        except queue.Empty:
            return
        while True:
            frames, first, rate = item
            self._rate, self._channels = rate, frames.reshape(len(frames), -1).shape[1]
            if first > self._length:
                self._append(self._from_file(self._length, first))
            if first + len(frames) > self._length:
                self._append(frames[self._length - first :])
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return

    def _from_file(self, start: int, end: int) -> np.ndarray:
        size = 2 * self._channels  # bytes a frame: int16 samples, channels interleaved (recorder.WavAppender)
        with open(self.path, "rb") as f:
            f.seek(recorder.WavAppender.HEADER.size + size * start)
            return np.frombuffer(f.read(size * (end - start)), dtype="<i2").reshape(-1, self._channels)

    def _append(self, frames: np.ndarray) -> None:
        """int16 frames (frames x channels) added to the take so far, kept as int16 (a 10-minute take at
        16 kHz holds 19 MB, not float32's 38: bench/README.md, "Session 6")."""
        frames = frames.reshape(len(frames), -1)
        end = self._length + len(frames)
        if end > len(self._frames) or frames.shape[1] != self._frames.shape[1]:
            grown = np.zeros((max(end, len(self._frames) + 60 * max(self._rate, 1)), frames.shape[1]), dtype=np.int16)
            grown[: self._length] = self._frames[: self._length]
            self._frames = grown
        self._frames[self._length : end] = frames
        self._length = end

    def _audio(self) -> Audio:
        """The take so far, as `audio.load_audio` reads the file's first frames: soundfile's x / 32768 as
        float32, then the channels' mean (one channel: itself)."""
        samples = self._frames[: self._length].astype(np.float32)
        samples /= np.float32(32768)
        samples = (
            np.ascontiguousarray(samples[:, 0]) if samples.shape[1] == 1 else samples.mean(axis=1, dtype=np.float32)
        )
        if self._rate == constants.SAMPLE_RATE:
            return Audio(samples, self._rate, 1, str(self.path))
        return from_samples(samples, self._rate, path=str(self.path))  # resampled: the end may differ a little

    def _analyse(self, audio: Audio) -> None:
        """The pipeline's steps on the take so far, each remembering its work for the final analysis."""
        voice_map = vad.voice_map(audio.samples)
        said = voice_map.speech
        if self._found is None and said and audio.duration_s >= said[0][0] + DETECTION_WINDOW_S + DETECTION_MARGIN_S:
            self._found = pipeline.find_language(
                audio,
                self.language,
                engine=self.engine_name,
                model=self.model,
                models_dir=self.models_dir,
                voice_map=voice_map,
            )
            self._decoder = engine.load_engine(
                self.engine_name, choose_model(self._found[0], self.model), self.models_dir
            )
        # a language given is transcribed in at once; the detector only checks it (the words do not
        # depend on what it hears)
        language = self._found[0] if self._found else None if self.language == "auto" else self.language
        if self._stop.is_set() or self._decoder is None or language is None:
            return
        transcript = transcribe(
            audio, self._decoder, TranscribeOptions(language=language), voice_map=voice_map, still_recording=True
        )
        if len(transcript.words) != self._words and not self._stop.is_set():
            self._words = len(transcript.words)
            self.so_far = so_far(transcript, measure(audio, transcript, voice_map=voice_map))
