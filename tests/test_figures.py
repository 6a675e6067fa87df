"""The visual report's pictures against known answers: a tone's level and pitch, a steady speaker's pace,
and where each plot's time axis lies (a click on it plays from that moment)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mockmic import figures
from mockmic.audio import from_samples
from mockmic.transcribe import Transcript
from tests import fixtures
from tests.test_pitch import harmonic_tone

RATE = 16_000


def tone_with_silence(seconds: tuple[float, float, float] = (1.0, 1.0, 1.0), hz: float = 150.0) -> np.ndarray:
    """A voice-like tone (tests/test_pitch.py's: three harmonics), a digital silence, the tone again."""
    tone = harmonic_tone(np.full(int(seconds[0] * RATE), hz), amplitude=0.1)
    again = harmonic_tone(np.full(int(seconds[2] * RATE), hz), amplitude=0.1)
    return np.concatenate([tone, np.zeros(int(seconds[1] * RATE)), again]).astype(np.float32)


def test_traces_read_a_tones_level_and_pitch_and_nothing_in_its_silence() -> None:
    audio = from_samples(tone_with_silence(), RATE)
    answer = fixtures.metrics(
        duration_s=3.0,
        speech_start=0.0,
        speech_end=3.0,
        pauses=fixtures.pauses(fixtures.pause(1.0, 1.0)),
        pitch=fixtures.pitch(median_hz=150.0),
    )
    trace = figures.traces(audio, answer)
    tone = (trace.times > 0.1) & (trace.times < 0.85)
    silence = (trace.times > 1.05) & (trace.times < 1.9)
    level = 20 * np.log10(np.sqrt(np.mean(np.square(audio.samples[RATE // 4 : 3 * RATE // 4], dtype=np.float64))))
    assert np.allclose(trace.level_db[tone], level, atol=0.1)
    assert np.all(trace.level_db[silence] <= -100)
    voiced = np.isfinite(trace.semitones[tone])
    assert voiced.mean() > 0.95
    assert np.allclose(trace.semitones[tone][voiced], 0.0, atol=0.1)  # the tone is the median
    assert not np.isfinite(trace.semitones[silence]).any()  # a pause is not tracked
    assert trace.duration_s == pytest.approx(3.0)


def test_said_regions_are_the_speaking_span_without_its_pauses() -> None:
    answer = fixtures.metrics(
        speech_start=0.5,
        speech_end=10.0,
        pauses=fixtures.pauses(fixtures.pause(2.0, 0.5), fixtures.pause(6.0, 1.5)),
    )
    assert figures.said_regions(answer) == [(0.5, 2.0), (2.5, 6.0), (7.5, 10.0)]
    assert figures.said_regions(fixtures.metrics(speech_start=None, speech_end=None)) == []


def test_pace_is_words_a_minute_around_each_moment_without_fillers() -> None:
    said = fixtures.words(" ".join(["word"] * 150), start=0.5, end=0.7, step=0.4)  # 150 words a minute
    answer = fixtures.metrics(speech_start=0.5, speech_end=60.5)
    times, wpm = figures.pace(Transcript(words=said, language="en", model="test"), answer)
    assert times[0] == pytest.approx(10.5) and times[-1] == pytest.approx(50.5)
    assert np.allclose(wpm, 150.0)
    # every other word of the first half a filler: 75 words a minute there
    halves = [fixtures.marked("um", w.start, w.end, i) for i, w in enumerate(said[:75]) if i % 2]
    times, wpm = figures.pace(
        Transcript(words=said, language="en", model="test"),
        fixtures.metrics(speech_start=0.5, speech_end=60.5, fillers=fixtures.fillers(*halves)),
    )
    assert wpm[times <= 20.0] == pytest.approx(np.full(np.count_nonzero(times <= 20.0), 78.0), abs=3.1)
    assert np.allclose(wpm[times >= 41.0], 150.0)


def test_a_plots_time_axis_is_where_the_page_maps_clicks() -> None:
    audio = from_samples(tone_with_silence(), RATE)
    answer = fixtures.metrics(duration_s=3.0, speech_start=0.0, speech_end=3.0, pitch=fixtures.pitch(median_hz=150.0))
    plot = figures.timeline(figures.traces(audio, answer), answer, (60.0, 90.0), "en")
    assert (plot.x0, plot.x1) == (figures.MARGINS["left"], figures.MARGINS["right"])
    assert (plot.t0, plot.t1) == (0.0, 90.0)  # to the end of the target: where the answer stands against it
    head = plot.svg[: plot.svg.index(">")]
    assert head.startswith("<svg") and "viewBox" in head
    assert not re.search(r"\s(width|height)=", head)  # sized by the page, to the screen's width
    assert "pause between sentences" in plot.svg  # text stays text


def test_the_same_answer_draws_the_same_picture() -> None:
    audio = from_samples(tone_with_silence(), RATE)
    answer = fixtures.metrics(duration_s=3.0, speech_start=0.0, speech_end=3.0, pitch=fixtures.pitch(median_hz=150.0))
    trace = figures.traces(audio, answer)
    assert figures.contour(trace, answer, "es").svg == figures.contour(trace, answer, "es").svg
