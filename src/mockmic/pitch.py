"""Pitch of the voice with librosa's pYIN, searched in a range adapted to the speaker.

A first coarse pass finds the speaker's median pitch; the second, fine pass searches an octave either
side of it. Both run only on the stretches of speech the VAD found, at 8 kHz: that is what keeps pitch
under a second for a minute of speech (pYIN's Viterbi costs frames × pitch bins²).

`pyin` is librosa's pYIN (librosa/core/pitch.py, 0.10-0.11) with the per-frame Python loop that turns
YIN troughs into pitch probabilities replaced by array operations over all troughs at once: that loop
called scipy's Boltzmann pmf ~100 times a second of speech and was three quarters of pYIN's time. It
returns the same track as `librosa.pyin` (tests/test_pitch.py compares them on real speech).
"""

from __future__ import annotations

import functools
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
    coarse_hop_s: float = (
        0.01  # the first pass reads every frame too: at 30 ms its median moved enough to cost 0.01 of voicing F1
    )


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
    regions = padded(
        speech_regions, options.region_pad_s, len(y) / options.sample_rate, join_within=2 * options.region_pad_s
    )
    speech = np.zeros(n_frames, dtype=bool)
    for start, end in regions:
        speech[int(start / options.hop_s) : int(np.ceil(end / options.hop_s)) + 1] = True
    speech = speech[:n_frames]
    sample = _first_seconds(regions, options.median_sample_s)
    coarse_hop = int(round(options.coarse_hop_s * options.sample_rate))
    coarse = _track(
        y,
        sample,
        1 + len(y) // coarse_hop,
        options.search_fmin_hz,
        options.search_fmax_hz,
        options.coarse_resolution,
        coarse_hop,
        options,
    )
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
    sr = options.sample_rate
    frame = int(round(options.frame_s * sr))
    f0 = np.full(n_frames, np.nan)
    for start, end in regions:
        first = int(round(start * sr / hop))  # region start snapped to the frame grid
        segment = y[first * hop : int(end * sr)]
        if len(segment) < frame:
            continue
        values = pyin(
            segment,
            fmin=fmin,
            fmax=fmax,
            sr=sr,
            frame_length=frame,
            hop_length=hop,
            resolution=resolution,
            switch_prob=options.voicing_switch_probability,
            beta_parameters=options.threshold_beta,
        )
        count = min(len(values), n_frames - first)
        f0[first : first + count] = values[:count]
    return f0


def pyin(
    y: np.ndarray,
    *,
    fmin: float,
    fmax: float,
    sr: int,
    frame_length: int,
    hop_length: int,
    resolution: float = 0.1,
    switch_prob: float = 0.01,
    beta_parameters: tuple[float, float] = (2.0, 18.0),
    n_thresholds: int = 100,
    boltzmann_parameter: float = 2.0,
    no_trough_prob: float = 0.01,
    max_transition_rate: float = 35.92,
) -> np.ndarray:
    """Pitch of every centred frame in Hz, NaN when unvoiced: `librosa.pyin` with the same defaults."""
    import librosa
    import scipy.special

    padded_y = np.pad(y, (frame_length // 2, frame_length // 2))
    frames = librosa.util.frame(padded_y, frame_length=frame_length, hop_length=hop_length)
    min_period = int(np.floor(sr / fmax))
    max_period = min(int(np.ceil(sr / fmin)), frame_length - 1)
    yin = _cumulative_mean_normalized_difference(frames, min_period, max_period)
    thresholds = np.linspace(0, 1, n_thresholds + 1)
    beta_probs = np.diff(scipy.special.betainc(*beta_parameters, thresholds))  # the Beta prior's CDF
    trough_probs = _trough_probabilities(yin, thresholds[1:], beta_probs, boltzmann_parameter, no_trough_prob)

    bins_per_semitone = int(np.ceil(1.0 / resolution))
    n_bins = int(np.floor(12 * bins_per_semitone * np.log2(fmax / fmin))) + 1
    lag, frame = np.nonzero(trough_probs)
    periods = min_period + lag + _parabolic_shifts(yin)[lag, frame]
    bins = np.clip(np.round(12 * bins_per_semitone * np.log2(sr / periods / fmin)), 0, n_bins).astype(int)
    observations = np.zeros((2 * n_bins, yin.shape[1]))
    # As in librosa: a clash of bins keeps the longest period, and a bin clipped to n_bins lands on the
    # first unvoiced state (kept so the track stays librosa's).
    observations[bins, frame] = trough_probs[lag, frame]
    voiced_prob = np.clip(observations[:n_bins].sum(axis=0), 0, 1)
    observations[n_bins:] = (1 - voiced_prob) / n_bins

    steps = round(max_transition_rate * 12 * hop_length / sr) * bins_per_semitone + 1
    transition = _transition(n_bins, steps, switch_prob)
    states = librosa.sequence.viterbi(observations, transition, p_init=np.full(2 * n_bins, 1 / (2 * n_bins)))
    f0 = fmin * 2 ** ((states % n_bins) / (12 * bins_per_semitone))
    return np.where(states < n_bins, f0, np.nan)


@functools.lru_cache(maxsize=8)
def _transition(n_bins: int, steps: int, switch_prob: float) -> np.ndarray:
    """pYIN's transitions: pitch moves at most `steps` bins a frame; voicing switches with switch_prob."""
    import librosa

    within = librosa.sequence.transition_local(n_bins, steps, window="triangle", wrap=False)
    transition = np.kron(librosa.sequence.transition_loop(2, 1 - switch_prob), within)
    transition.flags.writeable = False  # shared between calls
    return transition


def _cumulative_mean_normalized_difference(frames: np.ndarray, min_period: int, max_period: int) -> np.ndarray:
    """YIN's d'(τ) for τ in [min_period, max_period], one column per frame (de Cheveigné & Kawahara 2002, eq. 8)."""
    import librosa

    acf = librosa.autocorrelate(frames, max_size=max_period + 1, axis=-2)
    energy = np.cumsum(np.square(frames), axis=-2)
    difference = np.zeros((max_period + 1, frames.shape[1]), dtype=acf.dtype)
    difference[1:] = 2 * (acf[0:1] - acf[1 : max_period + 1]) - energy[:max_period]
    lags = np.arange(1, max_period + 1)[:, None]
    cumulative_mean = np.cumsum(difference[1:], axis=0) / lags
    denominator = cumulative_mean[min_period - 1 : max_period]
    return difference[min_period:] / (denominator + np.finfo(denominator.dtype).tiny)


def _parabolic_shifts(yin: np.ndarray) -> np.ndarray:
    """Where the parabola through each lag and its neighbours bottoms out, relative to the lag (0 at the edges)."""
    shifts = np.zeros_like(yin)
    before, here, after = yin[:-2], yin[1:-1], yin[2:]
    a = after + before - 2 * here
    b = (after - before) / 2
    inside = np.abs(b) < np.abs(a)
    shifts[1:-1] = np.where(inside, -b / np.where(inside, a, 1), 0)
    return shifts


def _trough_probabilities(
    yin: np.ndarray, thresholds: np.ndarray, beta_probs: np.ndarray, boltzmann: float, no_trough_prob: float
) -> np.ndarray:
    """pYIN's probability that each trough of d'(τ) is the period, summed over the thresholds' Beta prior.

    For each threshold, the troughs under it get a Boltzmann prior favouring shorter periods (their rank
    among the troughs under it); a frame with no trough under a threshold gives that threshold's weight,
    scaled by no_trough_prob, to its lowest trough.
    """
    troughs = np.zeros_like(yin, dtype=bool)
    troughs[1:-1] = (yin[1:-1] < yin[:-2]) & (yin[1:-1] <= yin[2:])
    troughs[0] = yin[0] < yin[1]
    troughs[-1] = yin[-1] < yin[-2]
    frame, lag = np.nonzero(troughs.T)  # grouped by frame, shortest period first
    heights = yin[lag, frame]
    n_frames = yin.shape[1]
    first_of_frame = np.searchsorted(frame, np.arange(n_frames))

    probs = np.zeros(len(heights))
    scale = 1 - np.exp(-boltzmann)
    for threshold, weight in zip(thresholds, beta_probs):
        under = heights < threshold
        running = np.cumsum(under)
        before_frame = np.concatenate([[0], running])[first_of_frame]
        rank = running - before_frame[frame] - 1
        count = np.bincount(frame, weights=under, minlength=n_frames)[frame]
        with np.errstate(divide="ignore", invalid="ignore"):
            prior = scale * np.exp(-boltzmann * rank) / (1 - np.exp(-boltzmann * count))
        probs += weight * np.where(under, prior, 0.0)

    by_height = np.lexsort((heights, frame))  # stable: ties keep the shorter period, as np.argmin does
    lowest = by_height[first_of_frame[np.bincount(frame, minlength=n_frames) > 0]]
    thresholds_not_reached = np.searchsorted(thresholds, heights[lowest], side="right")
    probs[lowest] += no_trough_prob * np.concatenate([[0], np.cumsum(beta_probs)])[thresholds_not_reached]

    result = np.zeros_like(yin)
    result[lag, frame] = probs
    return result


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
