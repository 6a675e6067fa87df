"""Pitch of the voice with librosa's pYIN, searched in a range adapted to the speaker.

A first coarse pass finds the speaker's median pitch; the second, fine pass searches an octave either
side of it. Both run only on the stretches of speech the VAD found, at 8 kHz: that is what keeps pitch
under a second for a minute of speech (pYIN's Viterbi costs frames × pitch bins²).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import constants
from .vad import padded


@dataclass(frozen=True, kw_only=True)
class PitchOptions:
    """How pitch is tracked."""

    sample_rate: int = 8000  # speech F0 is far below 4 kHz, and half the samples halve pYIN's work
    hop_s: float = 0.01  # one pitch value every 10 ms
    frame_s: float = 0.042  # pYIN frame: over two periods of a 50 Hz voice; longer frames smear voicing edges
    search_fmin_hz: float = 50.0  # first pass: the range of adult speaking voices...
    search_fmax_hz: float = 600.0  # ...from low male creak to high female excursions
    coarse_resolution: float = 1.0  # first pass pitch bins, in semitones
    fine_resolution: float = 0.25  # second pass pitch bins, in semitones (0.1 doubled the time, no gain)
    around_median_semitones: float = constants.PITCH_OUTLIER_SEMITONES  # second pass range either side
    region_pad_s: float = 0.05  # speech regions are padded by this before tracking
    median_sample_s: float = 10.0  # the first pass reads this much speech to find the median
    voicing_switch_probability: float = 0.1  # pYIN's voiced/unvoiced switch prior (librosa: 0.01)
    # pYIN's Beta prior over YIN thresholds; mean 0.18 against librosa's (2, 18), mean 0.1. Chosen on
    # the laryngograph references of bench/accuracy.py (voicing F1 0.86 -> 0.905; no held-out set).
    threshold_beta: tuple[float, float] = (4.0, 18.0)
    coarse_hop_s: float = 0.01  # the first pass reads every frame too: at 30 ms its median moved enough to cost 0.01 of voicing F1


@dataclass(frozen=True, eq=False)
class PitchTrack:
    """Pitch every hop: NaN where the voice is silent or unvoiced."""

    times: np.ndarray  # seconds, frame centres
    f0_hz: np.ndarray  # pitch in Hz, NaN when unvoiced
    speech: np.ndarray  # True where the frame lies in a stretch of speech the VAD found

    @property
    def voiced(self) -> np.ndarray:
        return np.isfinite(self.f0_hz)


def track_pitch(
    samples: np.ndarray,
    speech_regions: list[tuple[float, float]],
    sample_rate: int = constants.SAMPLE_RATE,
    options: PitchOptions = PitchOptions(),
) -> PitchTrack:
    """Pitch of every 10 ms frame; frames outside speech are unvoiced without being analysed."""
    import librosa

    y = librosa.resample(samples, orig_sr=sample_rate, target_sr=options.sample_rate, res_type="soxr_hq")
    hop = int(round(options.hop_s * options.sample_rate))
    n_frames = 1 + len(y) // hop
    times = np.arange(n_frames) * hop / options.sample_rate
    regions = padded(speech_regions, options.region_pad_s, len(y) / options.sample_rate, join_within=2 * options.region_pad_s)
    speech = np.zeros(n_frames, dtype=bool)
    for start, end in regions:
        speech[int(start / options.hop_s) : int(np.ceil(end / options.hop_s)) + 1] = True
    speech = speech[:n_frames]
    sample = _first_seconds(regions, options.median_sample_s)
    coarse_hop = int(round(options.coarse_hop_s * options.sample_rate))
    coarse = _track(
        y, sample, 1 + len(y) // coarse_hop, options.search_fmin_hz, options.search_fmax_hz,
        options.coarse_resolution, coarse_hop, options,
    )  # fmt: skip
    if not np.isfinite(coarse).any():
        return PitchTrack(times=times, f0_hz=np.full(n_frames, np.nan), speech=speech)
    median = float(np.nanmedian(coarse))
    span = 2 ** (options.around_median_semitones / 12)
    fmin = max(options.search_fmin_hz, median / span)
    fmax = min(options.sample_rate / 4, median * span)
    fine = _track(y, regions, n_frames, fmin, fmax, options.fine_resolution, hop, options)
    return PitchTrack(times=times, f0_hz=fine, speech=speech)


def _first_seconds(regions: list[tuple[float, float]], seconds: float) -> list[tuple[float, float]]:
    """The first regions holding about `seconds` of speech: enough to find the speaker's median."""
    chosen, total = [], 0.0
    for start, end in regions:
        if total >= seconds:
            break
        chosen.append((start, end))
        total += end - start
    return chosen


def _track(
    y: np.ndarray,
    regions: list[tuple[float, float]],
    n_frames: int,
    fmin: float,
    fmax: float,
    resolution: float,
    hop: int,
    options: PitchOptions,
) -> np.ndarray:
    """pYIN over each region, stitched into one array of frames (every `hop` samples) of the signal."""
    import librosa

    sr = options.sample_rate
    frame = int(round(options.frame_s * sr))
    f0 = np.full(n_frames, np.nan)
    for start, end in regions:
        first = int(round(start * sr / hop))  # region start snapped to the frame grid
        segment = y[first * hop : int(end * sr)]
        if len(segment) < frame:
            continue
        values, voiced, _ = librosa.pyin(
            segment, fmin=fmin, fmax=fmax, sr=sr, frame_length=frame, hop_length=hop,
            resolution=resolution, center=True, switch_prob=options.voicing_switch_probability,
            beta_parameters=options.threshold_beta,
        )  # fmt: skip
        values = np.where(voiced, values, np.nan)
        count = min(len(values), n_frames - first)
        f0[first : first + count] = values[:count]
    return f0


def semitones(f0_hz: np.ndarray, reference_hz: float) -> np.ndarray:
    """Pitch in semitones relative to a reference (the speaker's own median)."""
    return 12 * np.log2(f0_hz / reference_hz)


def without_octave_jumps(f0_hz: np.ndarray) -> tuple[np.ndarray, float | None]:
    """The voiced values within an octave of their median, and that median (None if none voiced)."""
    voiced = f0_hz[np.isfinite(f0_hz)]
    if not len(voiced):
        return voiced, None
    median = float(np.median(voiced))
    kept = voiced[np.abs(semitones(voiced, median)) <= constants.PITCH_OUTLIER_SEMITONES]
    return kept, float(np.median(kept)) if len(kept) else None
