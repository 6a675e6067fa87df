"""Pitch tracking against known pitch: synthetic tones and glides in silence (after librosa's pyin chirp
tests, tests/test_core.py), and laryngograph references from the corpus (fda-ue-pitch, ptdb-tug, read
as bench/accuracy.py reads them)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mockmic.audio import load_audio, without_rumble
from mockmic.pitch import (
    PitchOptions,
    detector,
    semitones,
    speech_gain,
    speech_grid,
    steady,
    swift_frames,
    track_pitch,
    without_octave_jumps,
)
from mockmic.vad import voice_regions

RATE = 16_000


def in_silence(signal: np.ndarray, before: float = 0.5, after: float = 0.5) -> np.ndarray:
    return np.concatenate([np.zeros(int(before * RATE)), signal, np.zeros(int(after * RATE))]).astype(np.float32)


def harmonic_tone(frequency: np.ndarray, amplitude: float = 0.3) -> np.ndarray:
    """A voice-like tone (three harmonics) following the given instantaneous frequency per sample."""
    phase = 2 * np.pi * np.cumsum(frequency) / RATE
    return amplitude * (np.sin(phase) + 0.5 * np.sin(2 * phase) + 0.25 * np.sin(3 * phase))


def cents_off(track, truth_hz: np.ndarray, start_s: float = 0.5) -> np.ndarray:
    """How far each voiced frame of the track is from the true frequency at its time, in cents."""
    index = np.round((track.times - start_s) * RATE).astype(int)
    inside = (index >= 0) & (index < len(truth_hz)) & track.voiced
    return 100 * np.abs(semitones(track.f0_hz[inside], 1) - semitones(truth_hz[index[inside]], 1))


@pytest.mark.parametrize("hz", [60.0, 90.0, 150.0, 230.0, 400.0])
def test_steady_tone_in_silence(hz: float) -> None:
    samples = in_silence(harmonic_tone(np.full(2 * RATE, hz)))
    track = track_pitch(samples, [(0.5, 2.5)])
    inside = (track.times > 0.6) & (track.times < 2.4)
    outside = (track.times < 0.4) | (track.times > 2.6)
    assert track.voiced[inside].all()
    assert np.abs(semitones(track.f0_hz[inside], hz)).max() < 0.15  # every frame (measured: at most 9 cents)
    assert not track.voiced[outside].any()


def test_glide_is_followed_frame_by_frame() -> None:
    # A glide 80 -> 320 Hz over 4 s, exponential in time: 6 st a second, a fast intonation contour.
    truth = 80 * 2 ** np.linspace(0, 2, 4 * RATE)
    track = track_pitch(in_silence(harmonic_tone(truth)), [(0.5, 4.5)])
    inside = (track.times > 0.6) & (track.times < 4.4)
    assert track.voiced[inside].mean() > 0.98
    off = cents_off(track, truth)
    assert np.median(off) < 5 and np.percentile(off, 99) < 15  # measured: 2.3 and 8.5 cents


def test_chirp_over_an_octave_has_the_spread_of_a_uniform_glide() -> None:
    # A glide 110 -> 220 Hz, exponential in time, is uniform in semitones over 12 st: SD = 12 / sqrt(12).
    glide = 110 * 2 ** np.linspace(0, 1, 3 * RATE)
    track = track_pitch(in_silence(harmonic_tone(glide)), [(0.5, 3.5)])
    kept, median = without_octave_jumps(track.f0_hz)
    assert median == pytest.approx(110 * 2**0.5, rel=0.01)
    assert np.std(semitones(kept, median)) == pytest.approx(12 / np.sqrt(12), abs=0.05)
    assert kept.min() == pytest.approx(110, rel=0.02) and kept.max() == pytest.approx(220, rel=0.02)


def test_a_quiet_tone_gives_the_same_track() -> None:
    # -40 dB: peaks near -50 dBFS, which SwiftF0 alone reads with its quieter frames gated as silence.
    samples = in_silence(harmonic_tone(80 * 2 ** np.linspace(0, 2, 3 * RATE)))
    loud, quiet = track_pitch(samples, [(0.5, 3.5)]), track_pitch(samples * np.float32(0.01), [(0.5, 3.5)])
    np.testing.assert_array_equal(quiet.voiced, loud.voiced)
    # the two gains are 40 dB apart to float rounding, which moves frames at the onset by up to 0.015%
    np.testing.assert_allclose(quiet.f0_hz[loud.voiced], loud.f0_hz[loud.voiced], rtol=1e-3)


def test_pieces_give_the_frames_of_one_call_on_the_whole_answer() -> None:
    # 25 s of a slow vibrato: three pieces of at most 10 s, each with its 12 frames of context.
    t = np.arange(25 * RATE) / RATE
    samples = in_silence(harmonic_tone(150 * 2 ** (np.sin(2 * np.pi * 0.3 * t) / 3)), before=0.2, after=0.2)
    options = PitchOptions()
    regions = speech_grid(len(samples), [(0.2, 25.2)], options)[2]
    pitch, confidence = swift_frames(samples, regions, options)
    gain = np.float32(speech_gain(samples, regions, options))
    whole = detector().detect(samples * gain, RATE, fmin=options.fmin_hz, fmax=options.fmax_hz)
    ran = confidence > 0
    assert ran.mean() > 0.95
    np.testing.assert_allclose(confidence[ran], whole.confidence[ran], atol=1e-3)
    np.testing.assert_allclose(pitch[ran], whole.pitch_hz[ran], rtol=1e-4)


def test_8_khz_audio_gives_the_same_pitch() -> None:
    import soxr

    samples = in_silence(harmonic_tone(np.full(2 * RATE, 120.0)))
    phone = track_pitch(soxr.resample(samples, RATE, 8000), [(0.5, 2.5)], sample_rate=8000)
    inside = (phone.times > 0.6) & (phone.times < 2.4)
    assert len(phone.times) == len(track_pitch(samples, [(0.5, 2.5)]).times)
    assert np.abs(semitones(phone.f0_hz[inside], 120.0)).max() < 0.1


def test_octave_errors_are_dropped() -> None:
    f0 = np.array([100.0] * 50 + [440.0] * 5 + [np.nan] * 10 + [25.0] * 3)
    kept, median = without_octave_jumps(f0)
    assert median == 100.0 and len(kept) == 50


def test_steady_leaves_out_each_voiced_runs_edges() -> None:
    f0 = np.array([np.nan] * 2 + [200.0, 120, 120, 120, 120, 120, 90] + [np.nan] + [150.0] * 4 + [np.nan])
    held = steady(f0, 1)
    assert np.isnan(held[[0, 1, 2, 8, 9, 10, 13, 14]]).all()
    assert (held[3:8] == 120).all() and (held[11:13] == 150).all()
    assert np.isnan(steady(f0, 3)[10:14]).all()  # a run shorter than twice the edge goes whole


def test_a_flat_voice_bent_at_every_onset_reads_flat_on_its_steady_frames() -> None:
    # Twelve 0.25 s syllables at 120 Hz, each starting 30 ms higher (170 -> 120 Hz), as a vowel after a
    # voiceless stop does (microprosody): the bends are not intonation.
    bend = np.geomspace(170.0, 120.0, int(0.03 * RATE))
    syllable = harmonic_tone(np.concatenate([bend, np.full(int(0.22 * RATE), 120.0)]))
    samples = in_silence(np.concatenate([np.concatenate([syllable, np.zeros(int(0.08 * RATE))]) for _ in range(12)]))
    track = track_pitch(samples, [(0.5, len(samples) / RATE - 0.5)])
    kept, median = without_octave_jumps(track.f0_hz)
    held = steady(track.f0_hz, round(PitchOptions().steady_edge_s / PitchOptions().hop_s))
    assert np.std(semitones(kept, median)) > 0.3  # every voiced frame: bends and all
    assert np.std(semitones(held[np.isfinite(held)], median)) < 0.1


def test_noise_has_no_pitch() -> None:
    noise = np.random.default_rng(0).normal(0, 0.1, 2 * RATE).astype(np.float32)
    track = track_pitch(in_silence(noise), [(0.5, 2.5)])
    assert track.voiced.mean() < 0.02


def test_frames_outside_speech_are_not_analysed() -> None:
    samples = in_silence(harmonic_tone(np.full(2 * RATE, 150.0)))
    track = track_pitch(samples, [(0.5, 1.0)])
    assert not track.voiced[track.times > 1.2].any()
    assert track.speech[(track.times > 0.6) & (track.times < 0.9)].all()
    assert not track_pitch(samples, []).voiced.any()


# --- laryngograph references -------------------------------------------------------------------


def references(corpus: Path, every: int) -> list[tuple[Path, np.ndarray, np.ndarray]]:
    """(audio, frame times, reference F0 with 0 unvoiced): every `every`th fda-ue-pitch sentence (15 ms
    frames from 0) and both ptdb-tug ones (32 ms frames, 10 ms hop)."""
    refs = []
    for wav in sorted((corpus / "fda-ue-pitch").glob("*.wav"))[::every]:
        f0 = np.loadtxt(wav.with_suffix(".f0ref"))
        refs.append((wav, np.arange(len(f0)) * 0.015, f0))
    for wav in sorted((corpus / "ptdb-tug").glob("mic_*.wav")):
        f0 = np.loadtxt(wav.with_name(f"ref_{wav.stem[4:]}.f0"))[:, 0]
        refs.append((wav, 0.016 + np.arange(len(f0)) * 0.01, f0))
    return refs


def track_as_measure_does(samples: np.ndarray):
    return track_pitch(without_rumble(samples), voice_regions(samples))


def gpe_and_f1(refs, gain: float = 1.0) -> tuple[float, float]:
    """Gross pitch error (> 20% off, on frames both call voiced) and voicing F1, pooled over the frames."""
    both = gross = false_voiced = missed = 0
    for wav, times, f0 in refs:
        track = track_as_measure_does(load_audio(wav).samples * np.float32(gain))
        estimate = track.f0_hz[np.clip(np.round(times / 0.01).astype(int), 0, len(track.times) - 1)]
        ref_voiced, est_voiced = f0 > 0, np.isfinite(estimate)
        jointly = ref_voiced & est_voiced
        both += jointly.sum()
        gross += (np.abs(estimate[jointly] / f0[jointly] - 1) > 0.2).sum()
        false_voiced += (est_voiced & ~ref_voiced).sum()
        missed += (ref_voiced & ~est_voiced).sum()
    return gross / both, 2 * both / (2 * both + false_voiced + missed)


def test_laryngograph_references_a_sample(corpus: Path) -> None:
    # 12 files (measured 2026-11-30: GPE 0.67%, F1 0.932)
    gpe, f1 = gpe_and_f1(references(corpus, every=10))
    assert gpe < 0.01 and f1 > 0.92


@pytest.mark.slow
def test_laryngograph_references_all(corpus: Path) -> None:
    # the 102 files of bench/accuracy.py (measured 2026-11-30: GPE 0.51%, F1 0.940; pYIN had 0.51%, 0.904)
    gpe, f1 = gpe_and_f1(references(corpus, every=1))
    assert gpe < 0.007 and f1 > 0.93


def test_a_quiet_recording_gives_the_same_track(corpus: Path) -> None:
    samples = load_audio(corpus / "ptdb-tug" / "mic_F01_sa1.wav").samples
    loud, quiet = track_as_measure_does(samples), track_as_measure_does(samples * np.float32(0.01))  # -40 dB
    assert loud.voiced.sum() > 100
    np.testing.assert_array_equal(quiet.voiced, loud.voiced)
    np.testing.assert_allclose(quiet.f0_hz[loud.voiced], loud.f0_hz[loud.voiced], rtol=1e-3)
