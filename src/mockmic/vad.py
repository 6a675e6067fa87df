"""Voice activity from the audio itself: where the signal rises above the room's noise floor.

Whisper's word timestamps absorb silence, so anything that needs to know where speech really is
(checking a transcript's coverage, measuring pauses) asks this module, not the words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .constants import SAMPLE_RATE


@dataclass(frozen=True, kw_only=True)
class VadOptions:
    """How speech is told from silence in frame energies."""

    frame_s: float = 0.025  # analysis window, the usual 25 ms speech frame
    hop_s: float = 0.010  # frame step, 10 ms
    above_floor_db: float = 12.0  # speech is at least this far above the noise floor...
    below_peak_db: float = 40.0  # ...and no further than this below the loudest frames
    min_speech_s: float = 0.06  # shorter bursts (clicks) are not speech
    bridge_s: float = 0.05  # gaps shorter than this inside speech are not silences


def frame_db(samples: np.ndarray, frame: int, hop: int) -> np.ndarray:
    """RMS level of each frame in dB relative to full scale (silence is -120 dB, not -inf)."""
    if len(samples) < frame:
        samples = np.pad(samples, (0, frame - len(samples)))
    frames = np.lib.stride_tricks.sliding_window_view(samples, frame)[::hop]
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-6))


def speech_threshold_db(levels: np.ndarray, options: VadOptions) -> float:
    """The level that separates speech from background in this recording."""
    floor = float(np.percentile(levels, 10))
    peak = float(np.percentile(levels, 99))
    return max(floor + options.above_floor_db, peak - options.below_peak_db)


def speech_regions(
    samples: np.ndarray, sample_rate: int = SAMPLE_RATE, options: VadOptions = VadOptions()
) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of speech, in order."""
    frame = int(options.frame_s * sample_rate)
    hop = int(options.hop_s * sample_rate)
    levels = frame_db(samples, frame, hop)
    active = levels > speech_threshold_db(levels, options)
    regions = _runs(active, hop / sample_rate, offset=frame / 2 / sample_rate)
    regions = bridge(regions, options.bridge_s)
    return [(start, end) for start, end in regions if end - start >= options.min_speech_s]


def _runs(active: np.ndarray, step: float, offset: float) -> list[tuple[float, float]]:
    """Start and end times of each run of True frames, frames centred at offset + i * step."""
    edges = np.diff(np.concatenate(([0], active.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    half = step / 2
    return [(max(0.0, offset + s * step - half), offset + (e - 1) * step + half) for s, e in zip(starts, ends)]


def bridge(regions: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """Join sorted (start, end) spans separated by less than `gap` seconds."""
    merged: list[tuple[float, float]] = []
    for start, end in regions:
        if merged and start - merged[-1][1] < gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
