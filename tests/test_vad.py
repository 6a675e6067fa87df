"""speech_regions: tone bursts with inserted silences give exact boundaries; noise gives none."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mockmic.audio import load_audio
from mockmic.vad import speech_regions

RATE = 16_000


def bursts(layout: list[tuple[str, float]], noise_db: float = -70.0, seed: int = 0) -> np.ndarray:
    """Concatenate ("tone", seconds) and ("gap", seconds) over a constant noise floor."""
    rng = np.random.default_rng(seed)
    parts = []
    for kind, seconds in layout:
        n = int(seconds * RATE)
        t = np.arange(n) / RATE
        parts.append(0.3 * np.sin(2 * np.pi * 180 * t) if kind == "tone" else np.zeros(n))
    signal = np.concatenate(parts)
    return (signal + rng.normal(0, 10 ** (noise_db / 20), len(signal))).astype(np.float32)


def test_tone_bursts_are_found_to_within_a_frame() -> None:
    layout = [("gap", 0.5), ("tone", 1.0), ("gap", 0.3), ("tone", 0.4), ("gap", 1.2), ("tone", 0.8), ("gap", 0.5)]
    regions = speech_regions(bursts(layout))
    expected = [(0.5, 1.5), (1.8, 2.2), (3.4, 4.2)]
    assert len(regions) == len(expected)
    for (start, end), (true_start, true_end) in zip(regions, expected):
        assert start == pytest.approx(true_start, abs=0.02)
        assert end == pytest.approx(true_end, abs=0.02)


def test_short_gaps_are_bridged_and_clicks_ignored() -> None:
    signal = bursts([("gap", 0.5), ("tone", 0.5), ("gap", 0.03), ("tone", 0.5), ("gap", 1.0)])
    signal[int(1.9 * RATE) : int(1.9 * RATE) + 40] = 0.5  # a 2.5 ms click
    regions = speech_regions(signal)
    assert len(regions) == 1
    assert regions[0][0] == pytest.approx(0.5, abs=0.02) and regions[0][1] == pytest.approx(1.53, abs=0.02)


def test_stationary_noise_has_no_speech() -> None:
    rng = np.random.default_rng(3)
    assert speech_regions((0.05 * rng.normal(size=10 * RATE)).astype(np.float32)) == []


def test_whispered_speech_is_speech(corpus: Path) -> None:
    audio = load_audio(corpus / "mfa-tests" / "wav" / "mfa_whisper.flac")
    assert sum(end - start for start, end in speech_regions(audio.samples)) > 0.5
