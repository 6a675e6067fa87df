"""load_audio: every format, rate and channel count becomes 16 kHz mono; bad input is one sentence."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic.audio import from_samples, high_passed, load_audio, without_rumble
from mockmic.constants import RUMBLE_CUTOFF_HZ, SAMPLE_RATE
from mockmic.errors import AudioError
from tests.helpers import write_tone


def dominant_frequency(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


@pytest.mark.parametrize(
    ("suffix", "rate", "channels", "subtype"),
    [
        (".wav", 16_000, 1, "PCM_16"),
        (".wav", 44_100, 2, "PCM_24"),
        (".wav", 8_000, 1, "PCM_16"),
        (".flac", 48_000, 2, "PCM_16"),
        (".ogg", 22_050, 1, "VORBIS"),
        (".mp3", 44_100, 2, "MPEG_LAYER_III"),
    ],
)
def test_soundfile_formats_become_16k_mono(tmp_path: Path, suffix: str, rate: int, channels: int, subtype: str) -> None:
    path = tmp_path / f"tone{suffix}"
    write_tone(path, seconds=2.0, rate=rate, channels=channels, frequency=440.0, subtype=subtype)

    audio = load_audio(path)

    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert audio.sample_rate == SAMPLE_RATE
    assert audio.original_sample_rate == rate
    assert audio.original_channels == channels
    assert audio.duration_s == pytest.approx(2.0, abs=0.06)  # mp3 encoders pad a frame
    assert dominant_frequency(audio.samples) == pytest.approx(440.0, abs=2.0)
    assert np.sqrt(np.mean(audio.samples**2)) == pytest.approx(0.3 / np.sqrt(2), rel=0.05)


@pytest.mark.parametrize(("suffix", "codec"), [(".m4a", "aac"), (".webm", "libopus"), (".mp4", "aac")])
def test_other_containers_go_through_ffmpeg(tmp_path: Path, suffix: str, codec: str) -> None:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    source = tmp_path / "tone.wav"
    write_tone(source, seconds=3.0, rate=48_000, channels=2, frequency=330.0)
    target = tmp_path / f"tone{suffix}"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(source), "-c:a", codec, str(target)], check=True)

    audio = load_audio(target)

    assert audio.original_sample_rate == 48_000
    assert audio.original_channels == 2
    assert audio.duration_s == pytest.approx(3.0, abs=0.05)
    assert dominant_frequency(audio.samples) == pytest.approx(330.0, abs=2.0)


def test_resampling_keeps_a_chirp_in_time(tmp_path: Path) -> None:
    """A 0.5 s burst placed at 1.0 s in 44.1 kHz audio is found at 1.0 s in the 16 kHz samples."""
    rate = 44_100
    signal = np.zeros(3 * rate, dtype=np.float32)
    t = np.arange(rate // 2) / rate
    signal[rate : rate + rate // 2] = 0.5 * np.sin(2 * np.pi * (200 + 800 * t) * t)
    sf.write(tmp_path / "chirp.wav", signal, rate)

    audio = load_audio(tmp_path / "chirp.wav")

    loud = np.flatnonzero(np.abs(audio.samples) > 0.05)
    assert loud[0] / SAMPLE_RATE == pytest.approx(1.0, abs=0.002)
    assert loud[-1] / SAMPLE_RATE == pytest.approx(1.5, abs=0.002)


def test_from_samples_downmixes_and_resamples() -> None:
    stereo = np.zeros((48_000, 2), dtype=np.float32)
    stereo[:, 0] = 0.4
    audio = from_samples(stereo, 48_000)
    assert audio.duration_s == pytest.approx(1.0, abs=1e-3)
    assert float(np.median(audio.samples)) == pytest.approx(0.2, abs=1e-3)


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Each bad input and a phrase its message must contain."""
    (tmp_path / "empty.wav").touch()
    (tmp_path / "notes.wav").write_text("these are my interview notes, not audio\n" * 50)
    (tmp_path / "notes.m4a").write_text("not audio either\n" * 50)
    (tmp_path / "folder.wav").mkdir()
    write_tone(tmp_path / "whole.wav", seconds=2.0)
    (tmp_path / "truncated.wav").write_bytes((tmp_path / "whole.wav").read_bytes()[:30])
    (tmp_path / "cut_off.wav").write_bytes((tmp_path / "whole.wav").read_bytes()[: 44 + 16_000 * 2])  # 1 s of 2
    (tmp_path / "one_frame_short.wav").write_bytes((tmp_path / "whole.wav").read_bytes()[:-2])  # not refused for that
    write_tone(tmp_path / "short.wav", seconds=0.3)
    sf.write(tmp_path / "silence.wav", np.zeros(32_000, dtype=np.float32), 16_000)
    return {
        "missing": (tmp_path / "nope.wav", "does not exist"),
        "directory": (tmp_path / "folder.wav", "is a directory"),
        "zero bytes": (tmp_path / "empty.wav", "is empty"),
        "text as wav": (tmp_path / "notes.wav", "not a readable wav"),
        "text as m4a": (tmp_path / "notes.m4a", "not an audio file"),
        "truncated header": (tmp_path / "truncated.wav", "not a readable wav"),
        "audio cut off": (tmp_path / "cut_off.wav", "ends early: its header promises 2.0 s but only 1.0 s is there"),
        "too short": (tmp_path / "short.wav", "only 0.30 s long"),
        "digital silence": (tmp_path / "silence.wav", "pure digital silence"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "directory",
        "zero bytes",
        "text as wav",
        "text as m4a",
        "truncated header",
        "audio cut off",
        "too short",
        "digital silence",
    ],
)
def test_bad_input_is_one_sentence(tmp_path: Path, case: str) -> None:
    path, phrase = _bad_inputs(tmp_path)[case]
    with pytest.raises(AudioError) as raised:
        load_audio(path)
    message = str(raised.value)
    assert phrase in message
    assert "\n" not in message and message.endswith(".")


def test_over_two_hours_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A 2 h 1 min file at 8 kHz, 8-bit, is refused from its header (reading it would take 116 MB)."""
    path = tmp_path / "long.wav"
    with sf.SoundFile(path, "w", samplerate=8_000, channels=1, subtype="PCM_U8") as file:
        block = np.full(8_000 * 60, 0.1, dtype=np.float32)
        for _ in range(121):
            file.write(block)
    with pytest.raises(AudioError, match=r"2\.0 hours long"):
        load_audio(path)


def test_rumble_is_removed_and_the_voice_band_kept() -> None:
    t = np.arange(10 * SAMPLE_RATE) / SAMPLE_RATE
    filtered = without_rumble((0.1 * np.sin(2 * np.pi * 120 * t) + 0.5 * np.sin(2 * np.pi * 5 * t)).astype(np.float32))
    settled = filtered[SAMPLE_RATE:]  # 9 s after the filter's first second: whole cycles of both tones
    amplitude = 2 * np.abs(np.fft.rfft(settled)) / len(settled)
    frequencies = np.fft.rfftfreq(len(settled), 1 / SAMPLE_RATE)
    assert amplitude[frequencies == 120][0] == pytest.approx(0.1, rel=0.01)
    assert amplitude[frequencies == 5][0] < 0.5 * 10 ** (-60 / 20)  # down by more than 60 dB


def test_high_pass_filter_is_the_same_in_blocks() -> None:
    noise = np.random.default_rng(0).normal(0, 0.1, 5 * SAMPLE_RATE).astype(np.float32)
    np.testing.assert_allclose(high_passed(noise, RUMBLE_CUTOFF_HZ, block_s=0.37), without_rumble(noise), atol=1e-6)


def test_the_fricative_band_keeps_a_hiss_and_drops_a_vowel() -> None:
    t = np.arange(2 * SAMPLE_RATE) / SAMPLE_RATE
    hiss, vowel = 0.1 * np.sin(2 * np.pi * 6000 * t), 0.5 * np.sin(2 * np.pi * 1000 * t)
    filtered = high_passed((hiss + vowel).astype(np.float32), 4000.0)[SAMPLE_RATE:]  # the second second
    amplitude = 2 * np.abs(np.fft.rfft(filtered)) / len(filtered)
    frequencies = np.fft.rfftfreq(len(filtered), 1 / SAMPLE_RATE)
    # a digital 4th-order Butterworth (bilinear): |H(f)| = 1 / sqrt(1 + (tan(pi fc / fs) / tan(pi f / fs)) ** 8)
    gain = lambda f: 1 / np.sqrt(1 + (np.tan(np.pi * 4000 / SAMPLE_RATE) / np.tan(np.pi * f / SAMPLE_RATE)) ** 8)  # noqa: E731
    assert amplitude[frequencies == 6000][0] == pytest.approx(0.1 * gain(6000), rel=0.01)  # 0.9996: kept
    assert amplitude[frequencies == 1000][0] == pytest.approx(0.5 * gain(1000), rel=0.05)  # 56 dB down


@pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")
def test_wav_of_gsm_telephone_audio_is_read_through_ffmpeg(tmp_path: Path) -> None:
    write_tone(tmp_path / "tone.wav", seconds=2.0, rate=8_000)
    subprocess.run(["sox", str(tmp_path / "tone.wav"), "-e", "gsm-full-rate", str(tmp_path / "gsm.wav")], check=True)
    audio = load_audio(tmp_path / "gsm.wav")  # libsndfile cannot read GSM 6.10 in a WAV
    assert audio.duration_s == pytest.approx(2.0, abs=0.05) and audio.original_sample_rate == 8_000


def test_clipping_is_measured_on_the_files_own_samples(tmp_path: Path) -> None:
    write_tone(tmp_path / "loud.wav", seconds=1.0, amplitude=1.5)  # the WAV's 16 bits clip it at full scale
    expected = 1 - 2 / np.pi * np.arcsin(0.999 / 1.5)  # the share of a sine's time spent above 0.999 / 1.5
    assert load_audio(tmp_path / "loud.wav").clipped_share == pytest.approx(expected, abs=0.01)
    write_tone(tmp_path / "fine.wav", seconds=1.0, amplitude=0.9)
    assert load_audio(tmp_path / "fine.wav").clipped_share == 0.0


def test_a_wav_a_frame_short_of_its_header_is_read(tmp_path: Path) -> None:
    _bad_inputs(tmp_path)
    assert load_audio(tmp_path / "one_frame_short.wav").duration_s == pytest.approx(2.0, abs=0.001)
