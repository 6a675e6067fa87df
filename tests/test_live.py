"""A take analysed while it is recorded gives exactly what `analyze` gives for its file.

The takes here are "recorded" in-process: a bundled answer's int16 frames appended to a WAV file with
the recorder's own WavAppender and handed to `Live.feed` block by block, as `recorder.record` does
(tests/test_recorder.py runs the same through the virtual microphone)."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic import memo, pipeline, questions, report, transcribe
from mockmic.audio import load_audio
from mockmic.live import Live, LiveOptions, SoFar, so_far
from mockmic.recorder import WavAppender
from mockmic.transcribe import Transcript
from tests import fixtures
from tests.helpers import MODELS_DIR, SAMPLES

BLOCK_S = 0.05  # the recorder's block (recorder.RecordOptions.block_s)


def frames_of(name: str) -> tuple[np.ndarray, int]:
    """A bundled answer as the int16 frames a 16 kHz microphone take of it would hold."""
    frames, rate = sf.read(SAMPLES / name, dtype="int16")
    return frames, rate


def record(session: Live, frames: np.ndarray, rate: int, path: Path, *, speed: float) -> None:
    """Append the frames to `path` a block at a time, `speed` times faster than they were said, each
    block given to the session once it is in the file."""
    block = int(BLOCK_S * rate)
    started = time.monotonic()
    with WavAppender(path, rate, 1) as wav:
        for first in range(0, len(frames), block):
            part = frames[first : first + block, None]  # frames x channels, as the recorder writes them
            wav.append(part)
            session.feed(part, first, rate)
            time.sleep(max(0.0, first / rate / speed - (time.monotonic() - started)))


@pytest.mark.slow
def test_a_live_take_gives_the_words_and_measures_of_its_file(tmp_path: Path) -> None:
    frames, rate = frames_of("concise_lively.flac")  # 63 s: the language is found while it is recorded
    question = questions.get_question(None, None)
    path = tmp_path / "take.wav"
    memo.forget_all()
    chosen = {"language": "auto", "model": None, "models_dir": MODELS_DIR}
    with Live(path, question, engine_name="faster-whisper", **chosen) as session:
        session.load()
        record(session, frames, rate, path, speed=2.0)
        assert session.analysed_s > 40  # the worker kept up, to within a few seconds
        decoded_before = transcribe.STRETCHES.misses
        streamed = session.finish()
        decoded_after_stop = transcribe.STRETCHES.misses - decoded_before
        memo.forget_all()
        analysed = pipeline.analyze(path, question, engine="faster-whisper", **chosen)
    assert decoded_before > 0 and decoded_after_stop <= 1  # at most the stretch still being said was left
    assert streamed.transcript == analysed.transcript
    assert streamed.metrics == analysed.metrics
    assert streamed.feedback == analysed.feedback
    assert "six years of experience" in streamed.transcript.text.lower()


def test_the_take_so_far_is_the_file_as_analyze_reads_it_even_past_a_full_queue(tmp_path: Path) -> None:
    """Blocks that find the queue full are counted, not lost: the worker reads them back from the file."""
    frames, rate = frames_of("concise_lively.flac")
    frames = frames[: 5 * rate]
    path = tmp_path / "take.wav"
    session = Live(
        path, questions.get_question(None, None), language="en", model=None, engine_name="faster-whisper",
        models_dir=MODELS_DIR, options=LiveOptions(queue_s=0.1),  # two blocks
    )  # fmt: skip
    block = int(BLOCK_S * rate)
    firsts = range(0, len(frames), block)
    with WavAppender(path, rate, 1) as wav:
        for first in firsts:  # no worker takes them: the queue is full after two, until the last block
            wav.append(frames[first : first + block, None])
            if first == firsts[-1]:
                session._take_blocks()  # what the worker does with the queue
            session.feed(frames[first : first + block, None], first, rate)
    assert session.overflows == len(firsts) - 3
    session._take_blocks()  # the last block is beyond the take so far: the blocks between are read from the file
    np.testing.assert_array_equal(session._audio().samples, load_audio(path).samples)


def test_a_take_at_another_rate_is_resampled_as_analyze_resamples_it(tmp_path: Path) -> None:
    rate = 44_100
    t = np.arange(3 * rate) / rate
    frames = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")[:, None]
    path = tmp_path / "take.wav"
    session = Live(
        path, questions.get_question(None, None), language="en", model=None, engine_name="faster-whisper",
        models_dir=MODELS_DIR,
    )  # fmt: skip
    with WavAppender(path, rate, 1) as wav:
        wav.append(frames)
        session.feed(frames, 0, rate)
    session._take_blocks()
    heard, analysed = session._audio().samples, load_audio(path).samples
    assert len(heard) == len(analysed) == 3 * 16_000
    np.testing.assert_allclose(heard, analysed, atol=1e-6)


def test_the_live_line_counts_the_last_15_s_as_measure_counts_words() -> None:
    # 40 words 0.5 s apart (0.5-20.3 s): the last 15 s (5.3-20.3 s) hold 30 words; one is an "um", one
    # doubtful: 28 counted, 112 words a minute
    said = list(fixtures.words(" ".join(["word"] * 40), step=0.5))
    said[35] = fixtures.word("um", said[35].start, said[35].end)
    said[36] = fixtures.word("mm", said[36].start, said[36].end, 0.05, doubtful=True)
    transcript = Transcript(words=tuple(said), language="en", model="tiny.en")
    measured = fixtures.metrics(fillers=fixtures.fillers(fixtures.marked("um", said[35].start, said[35].end, 35)))
    figures = so_far(transcript, measured)
    assert figures == SoFar(as_of_s=20.3, recent_wpm=112.0, fillers=1)
    assert report.live_line(figures) == "pace 112 wpm · fillers 1 (to 0:20)"
    assert so_far(replace(transcript, words=transcript.words[:10]), measured).recent_wpm is None  # under 15 s
    assert report.live_line(None) == "transcribing…"
