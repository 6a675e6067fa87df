"""Pitch tracking on signals whose pitch is known exactly (after librosa's pyin chirp tests)."""

from __future__ import annotations

import numpy as np
import pytest

from mockmic.audio import load_audio
from mockmic.pitch import pyin, semitones, track_pitch, without_octave_jumps
from tests.helpers import SAMPLES

RATE = 16_000


def in_silence(signal: np.ndarray, before: float = 0.5, after: float = 0.5) -> np.ndarray:
    return np.concatenate([np.zeros(int(before * RATE)), signal, np.zeros(int(after * RATE))]).astype(np.float32)


def harmonic_tone(frequency: np.ndarray) -> np.ndarray:
    """A voice-like tone (three harmonics) following the given instantaneous frequency per sample."""
    phase = 2 * np.pi * np.cumsum(frequency) / RATE
    return 0.3 * (np.sin(phase) + 0.5 * np.sin(2 * phase) + 0.25 * np.sin(3 * phase))


@pytest.mark.parametrize("hz", [90.0, 150.0, 230.0])
def test_steady_tone_in_silence(hz: float) -> None:
    samples = in_silence(harmonic_tone(np.full(2 * RATE, hz)))
    track = track_pitch(samples, [(0.5, 2.5)])
    inside = (track.times > 0.6) & (track.times < 2.4)
    outside = (track.times < 0.4) | (track.times > 2.6)
    assert np.nanmedian(track.f0_hz[inside]) == pytest.approx(hz, rel=0.01)
    assert track.voiced[inside].mean() > 0.95
    assert not track.voiced[outside].any()


def test_chirp_over_an_octave_has_the_spread_of_a_uniform_glide() -> None:
    # A glide 110 -> 220 Hz, exponential in time, is uniform in semitones over 12 st: SD = 12 / sqrt(12).
    glide = 110 * 2 ** np.linspace(0, 1, 3 * RATE)
    track = track_pitch(in_silence(harmonic_tone(glide)), [(0.5, 3.5)])
    kept, median = without_octave_jumps(track.f0_hz)
    assert median == pytest.approx(110 * 2**0.5, rel=0.03)
    assert np.std(semitones(kept, median)) == pytest.approx(12 / np.sqrt(12), abs=0.15)
    assert kept.min() == pytest.approx(110, rel=0.05) and kept.max() == pytest.approx(220, rel=0.05)


def test_octave_errors_are_dropped() -> None:
    f0 = np.array([100.0] * 50 + [440.0] * 5 + [np.nan] * 10 + [25.0] * 3)
    kept, median = without_octave_jumps(f0)
    assert median == 100.0 and len(kept) == 50


def test_noise_has_no_pitch() -> None:
    noise = np.random.default_rng(0).normal(0, 0.1, 2 * RATE).astype(np.float32)
    track = track_pitch(in_silence(noise), [(0.5, 2.5)])
    assert track.voiced.mean() < 0.02


def test_frames_outside_speech_are_not_analysed() -> None:
    samples = in_silence(harmonic_tone(np.full(2 * RATE, 150.0)))
    track = track_pitch(samples, [(0.5, 1.0)])
    assert not track.voiced[track.times > 1.2].any()
    assert track.speech[(track.times > 0.6) & (track.times < 0.9)].all()


def test_pyin_gives_librosas_track_on_real_speech() -> None:
    import librosa

    speech = load_audio(SAMPLES / "concise_lively.flac").samples[: 12 * RATE]
    y = librosa.resample(speech, orig_sr=RATE, target_sr=8000, res_type="soxr_hq")
    settings = dict(fmin=60.0, fmax=400.0, sr=8000, frame_length=336, hop_length=80, resolution=0.25, switch_prob=0.1)
    expected, voiced, _ = librosa.pyin(y, **settings)
    ours = pyin(y, **settings)
    assert voiced.mean() > 0.3
    np.testing.assert_array_equal(np.isnan(ours), ~voiced)
    np.testing.assert_allclose(ours[voiced], expected[voiced], rtol=1e-9)
