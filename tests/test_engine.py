"""engine.py: thread counts from what the machine is doing, and two decodings at once on faster-whisper."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from mockmic import engine
from mockmic.audio import load_audio
from mockmic.engine import DecodeOptions, FasterWhisper, load_engine
from mockmic.transcribe import TranscribeOptions, transcribe
from tests.helpers import MODELS_DIR, SAMPLES

BUSY_LOOP = [sys.executable, "-c", "while True: pass"]


def test_another_busy_process_counts_as_a_busy_core() -> None:
    engine.other_busy_cores()
    time.sleep(1.0)
    before = engine.other_busy_cores()  # whatever else the machine is doing
    if before > engine.cores() - 1.5:
        pytest.skip("no idle core left on which to see one more busy process")
    busy = subprocess.Popen(BUSY_LOOP)
    try:
        time.sleep(1.0)
        seen = engine.other_busy_cores()
    finally:
        busy.kill()
        busy.wait()
    assert 0.7 < seen - before < 1.3


def test_our_own_work_is_not_counted_as_another_process() -> None:
    """The load average counted mockmic's own last take, so a second take on an idle machine ran on
    fewer threads than the first."""
    engine.other_busy_cores()
    time.sleep(0.5)
    before = engine.other_busy_cores()  # whatever else the machine is doing
    until = time.monotonic() + 0.5
    while time.monotonic() < until:  # one core kept busy by this very process
        pass
    assert engine.other_busy_cores() - before < 0.3


def test_the_first_sample_is_long_enough_to_mean_something() -> None:
    engine.other_busy_cores()
    started = time.monotonic()
    engine.other_busy_cores()  # asked again at once: it waits out MIN_SAMPLE_S rather than divide by ~0
    assert time.monotonic() - started >= engine.MIN_SAMPLE_S * 0.9


@pytest.mark.slow
def test_two_decodings_at_once_share_their_encodings_and_hear_what_one_at_a_time_hears() -> None:
    clip = load_audio(SAMPLES / "rambling_flat.flac").samples[: 28 * 16_000]
    model = load_engine("faster-whisper", "tiny.en", MODELS_DIR)
    if model.workers < 2:
        pytest.skip("one core: faster-whisper decodes one at a time here")
    plain, prompted = DecodeOptions(language="en"), DecodeOptions(language="en", prompt="Um, uh, so.", beam_size=1)
    whisper_model = type(model._model).__mro__[1]  # faster-whisper's own, under the remembering encoder
    original, encoded = whisper_model.encode, []

    def counted(self, features):
        encoded.append(features.shape)
        return original(self, features)

    whisper_model.encode = counted
    try:
        model._model.forget()
        one_at_a_time = [model.decode(clip, plain), model.decode(clip, prompted)]
        alone = len(encoded)
        model._model.forget()
        at_once: list = [None, None]
        threads = [
            threading.Thread(target=lambda i=i, o=o: at_once.__setitem__(i, model.decode(clip, o)))
            for i, o in enumerate((plain, prompted))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        whisper_model.encode = original
    assert len(encoded) - alone == alone  # each window encoded once, whichever decoding asked first
    assert at_once == one_at_a_time


@pytest.mark.slow
def test_an_answer_transcribed_on_two_workers_is_word_for_word_the_one_on_one(monkeypatch) -> None:
    audio = load_audio(SAMPLES / "rambling_flat.flac")  # 3 stretches, hesitations and a probe
    two = load_engine("faster-whisper", "tiny.en", MODELS_DIR)
    if two.workers < 2:
        pytest.skip("one core: faster-whisper decodes one at a time here")
    monkeypatch.setattr(engine, "SECOND_WORKER_MAX_MB", 0)
    one = FasterWhisper("tiny.en", MODELS_DIR)
    assert one.workers == 1
    options = TranscribeOptions(language="en")
    assert transcribe(audio, two, options).words == transcribe(audio, one, options).words
