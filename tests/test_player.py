"""player: a stored take played from a moment, heard back through the virtual microphone."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic.errors import AudioError
from mockmic.library import Library
from mockmic.player import parse_moment
from tests.test_library import analysis_parts
from tests.virtual_mic import SINK, VirtualMic


@pytest.mark.parametrize(("text", "seconds"), [("0:42", 42.0), ("1:02.5", 62.5), ("42", 42.0), (" 2:00 ", 120.0)])
def test_moments_are_read_as_the_report_writes_them(text: str, seconds: float) -> None:
    assert parse_moment(text) == seconds


@pytest.mark.parametrize("text", ["0:75", "abc", "-3", "1:2:3", ""])
def test_a_moment_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(AudioError, match="e.g. 0:42"):
        parse_moment(text)


@pytest.fixture(scope="module")
def speakers() -> Iterator[VirtualMic]:
    if subprocess.run(["which", "pulseaudio"], capture_output=True).returncode != 0:
        pytest.skip("pulseaudio is not installed")
    virtual = VirtualMic()
    virtual.start()
    subprocess.run(["pactl", "set-default-sink", SINK], env=virtual.env, check=True)
    yield virtual
    virtual.stop()


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


@pytest.mark.slow
def test_play_starts_at_the_moment_asked(speakers: VirtualMic, tmp_path: Path, isolated_user_dir: Path) -> None:
    """A take of 440 Hz for 2 s, then 880 Hz for 2 s: played from 0:02, the speakers carry 880 Hz only."""
    rate = 16_000
    t = np.arange(2 * rate) / rate
    tone = np.concatenate([0.3 * np.sin(2 * np.pi * 440 * t), 0.3 * np.sin(2 * np.pi * 880 * t)]).astype(np.float32)
    sf.write(tmp_path / "take.wav", tone, rate)
    take_id = Library.open(isolated_user_dir).save(
        tmp_path / "take.wav", question_id="intro", duration_s=4.0, **analysis_parts()
    )
    heard = tmp_path / "heard.wav"
    listener = subprocess.Popen(
        ["parecord", "--device=mockmic_test_mic", "--file-format=wav", "--rate=16000", "--channels=1", str(heard)],
        env=speakers.env,
    )
    time.sleep(0.5)
    result = speakers.run(
        "play", str(take_id), "--at", "0:02", env=speakers.env | {"MOCKMIC_HOME": str(isolated_user_dir)}
    )
    time.sleep(0.3)
    listener.terminate()
    listener.wait(timeout=10)
    assert result.returncode == 0, result.stderr
    assert f"Played take {take_id} from 0:02 (2.0 s)." in result.stdout
    samples, got_rate = sf.read(heard, dtype="float32")
    loud = np.flatnonzero(np.abs(samples) > 0.05)
    assert (loud[-1] - loud[0]) / got_rate == pytest.approx(2.0, abs=0.25)  # two seconds were played, not four
    assert dominant_hz(samples[loud[0] : loud[-1]], got_rate) == pytest.approx(880, abs=10)


@pytest.mark.slow
def test_play_past_the_end_says_so(speakers: VirtualMic, tmp_path: Path, isolated_user_dir: Path) -> None:
    sf.write(tmp_path / "take.wav", np.zeros(16_000, dtype=np.float32) + 0.1, 16_000)
    take_id = Library.open(isolated_user_dir).save(
        tmp_path / "take.wav", question_id="intro", duration_s=1.0, **analysis_parts()
    )
    result = speakers.run(
        "play", str(take_id), "--at", "0:05", env=speakers.env | {"MOCKMIC_HOME": str(isolated_user_dir)}
    )
    assert result.returncode == 2 and result.stderr.strip() == (
        "mockmic: The take is only 0:01.0 long; choose a moment before its end."
    )
