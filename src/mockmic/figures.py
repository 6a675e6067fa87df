"""The pictures of an answer, drawn by matplotlib as inline SVG for the visual report (page.py): its
timeline (level, pauses by kind, fillers and hedges, the target length), its pitch contour (flat
stretches, rising and fading sentence ends) and its pace against the band; and, for a comparison,
the scores over the takes.

matplotlib draws them (librosa.display speaks its language; issue "See and hear your answer"): SVG
with text left as text, so a page stays small (about 200 KB for a 2-minute answer's three plots),
sharp on a phone and legible in print. Each plot knows where its time axis lies in the picture
(`Plot.x0`, `Plot.x1`), so a click anywhere on it plays the answer from that moment.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import numpy as np

from . import constants, lexicon
from .audio import Audio, without_rumble
from .measure import Metrics
from .norms import NORMS, fading_statements, flat_windows, hesitant_pauses, rising_statements
from .pitch import semitones, track_pitch
from .text import clock, say
from .transcribe import Transcript
from .vad import frame_levels

HOP_S = 0.01  # the traces' step: vad.frame_levels's and the pitch track's
FLOOR_DB = -60.0  # the timeline's level axis starts here: quieter is silence to the eye
PACE_WINDOW_S = 20.0  # pace is counted over this much of the answer around each moment
PACE_STEP_S = 1.0
WIDTH_IN, HEIGHT_IN = 10.0, 2.4  # one plot; a phone shows it scaled to its width
MARGINS = {"left": 0.075, "right": 0.97, "bottom": 0.14, "top": 0.76}  # shares of the figure; legends above

# Colours (Okabe & Ito's colour-blind-safe palette, 2008), one per kind of mark, on every plot
LEVEL = "#0072B2"
PAUSE = {"between_sentences": "#999999", "mid_sentence": "#E69F00", "hesitant": "#D55E00"}
FILLER = "#E69F00"
HEDGE = "#CC79A7"
TARGET = "#009E73"
PITCH = "#0072B2"
FLAT = "#56B4E9"
SCORES = {"conciseness": "#0072B2", "enthusiasm": "#E69F00", "assertiveness": "#009E73", "clarity": "#CC79A7"}


@dataclass(frozen=True, eq=False)
class Traces:
    """What the pictures draw of an answer's sound, every HOP_S."""

    times: np.ndarray  # seconds
    level_db: np.ndarray  # dB full scale of a 20 ms frame starting there
    semitones: np.ndarray  # pitch around the speaker's median; NaN where unvoiced or outside speech
    duration_s: float


@dataclass(frozen=True)
class Plot:
    """One picture as inline SVG, and where its time axis lies in it, as shares of its width."""

    svg: str
    x0: float  # the share of the width where t0 is drawn
    x1: float
    t0: float  # seconds at the left end of the time axis
    t1: float


def said_regions(metrics: Metrics) -> list[tuple[float, float]]:
    """The speaking span without its pauses: where the candidate's voice is."""
    if metrics.speech_start is None or metrics.speech_end is None:
        return []
    regions, start = [], metrics.speech_start
    for pause in metrics.pauses.items:
        regions.append((start, pause.start))
        start = pause.end
    regions.append((start, metrics.speech_end))
    return [(a, b) for a, b in regions if b > a]


def traces(audio: Audio, metrics: Metrics) -> Traces:
    """The level and the pitch contour of an answer (16 kHz mono, as `audio.load_audio` reads it)."""
    levels = frame_levels(audio.samples, audio.sample_rate)
    times = np.arange(len(levels)) * HOP_S
    tones = np.full(len(levels), np.nan)
    regions = said_regions(metrics)
    if regions and metrics.pitch.median_hz:
        track = track_pitch(without_rumble(audio.samples, audio.sample_rate), regions, audio.sample_rate)
        n = min(len(tones), len(track.f0_hz))
        tones[:n] = semitones(track.f0_hz[:n], metrics.pitch.median_hz)
        tones[np.abs(tones) > constants.PITCH_OUTLIER_SEMITONES] = np.nan  # octave jumps, as measure drops them
    return Traces(times=times, level_db=levels, semitones=tones, duration_s=audio.duration_s)


def pace(transcript: Transcript, metrics: Metrics) -> tuple[np.ndarray, np.ndarray]:
    """Words a minute over PACE_WINDOW_S around each PACE_STEP_S of the speaking span, counting the words
    `measure` counts (no fillers, no words Whisper doubts): (times, wpm)."""
    if metrics.speech_start is None or metrics.speech_end is None:
        return np.zeros(0), np.zeros(0)
    in_filler = {i for f in metrics.fillers.items for i in range(f.first_word, f.last_word + 1)}
    starts = np.array(
        [
            w.start
            for i, w in enumerate(transcript.words)
            if i not in in_filler and not w.doubtful and lexicon.is_word(w.text)
        ]
    )
    half = PACE_WINDOW_S / 2
    first, last = metrics.speech_start, metrics.speech_end
    times = np.arange(first + min(half, (last - first) / 2), max(first, last - half) + 1e-9, PACE_STEP_S)
    if not len(times):
        times = np.array([(first + last) / 2])
    lows, highs = np.maximum(times - half, first), np.minimum(times + half, last)
    counts = np.array([np.count_nonzero((starts >= lo) & (starts < hi)) for lo, hi in zip(lows, highs)])
    return times, counts * 60 / np.maximum(highs - lows, 1e-9)


def timeline(
    trace: Traces, metrics: Metrics, target_s: tuple[float, float] | None, lang: str, *, until_s: float | None = None
) -> Plot:
    """The level over the answer, its pauses shaded by kind, fillers and hedges marked above it, and the
    question's target length; `until_s` sets the time axis's end (a comparison draws every take to one scale)."""
    fig, ax = _figure()
    step = max(1, int(round(0.05 / HOP_S)))  # 50 ms columns: enough for the eye, a tenth of the points
    shown = trace.level_db[: len(trace.level_db) // step * step].reshape(-1, step).max(axis=1)
    ax.fill_between(
        trace.times[::step][: len(shown)], FLOOR_DB, np.maximum(shown, FLOOR_DB), color=LEVEL, lw=0, alpha=0.7
    )
    hesitant = hesitant_pauses(metrics)
    for pause in metrics.pauses.items:
        kind = "hesitant" if pause in hesitant else pause.kind
        ax.axvspan(pause.start, pause.end, color=PAUSE[kind], alpha=0.6, lw=0, zorder=3)
    top = 0.0
    for items, colour, marker in ((metrics.fillers.items, FILLER, "v"), (metrics.hedges.items, HEDGE, "D")):
        ax.plot(
            [m.start for m in items], [top - 3] * len(items), marker, color=colour, ms=8, mec="black", mew=0.5, zorder=4
        )
    if target_s:
        ax.axvspan(*target_s, ymin=0, ymax=0.06, color=TARGET, lw=0)
        ax.axvline(target_s[1], color=TARGET, ls="--", lw=1)
    handles = [
        _patch(PAUSE["between_sentences"], say("page.pause_between", lang)),
        _patch(PAUSE["mid_sentence"], say("page.pause_mid", lang)),
        _patch(PAUSE["hesitant"], say("report.hesitant_pause", lang)),
        _marker("v", FILLER, say("report.filler", lang)),
        _marker("D", HEDGE, say("report.hedge", lang)),
    ]
    if target_s:
        handles.append(_patch(TARGET, say("page.target", lang)))
    ax.set_ylim(FLOOR_DB, top)
    ax.set_ylabel(say("page.level_db", lang))
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    return _plot(fig, ax, until_s or max(trace.duration_s, target_s[1] if target_s else 0.0))


def contour(trace: Traces, metrics: Metrics, lang: str, *, until_s: float | None = None) -> Plot:
    """Pitch in semitones around the speaker's median, flat 10 s stretches shaded, and the sentence
    ends that rose (↗) or faded (↘) marked where the sentence ends."""
    fig, ax = _figure()
    for window in flat_windows(metrics):
        ax.axvspan(window.start, window.end, color=FLAT, alpha=0.25, lw=0)
    ax.axhline(0, color="black", lw=0.5, alpha=0.5)
    ax.plot(trace.times[: len(trace.semitones)], trace.semitones, color=PITCH, lw=1.2)
    for sentences, arrow in ((rising_statements(metrics), "↗"), (fading_statements(metrics), "↘")):
        for sentence in sentences:
            ax.annotate(arrow, (sentence.end, 9), ha="center", fontsize=14, color=PAUSE["hesitant"])
    ax.set_ylim(-12, 12)
    ax.set_yticks([-12, -6, 0, 6, 12])
    ax.set_ylabel(say("page.semitones", lang))
    handles = [
        _patch(FLAT, say("page.flat", lang)),
        _text_handle("↗ " + say("page.rising", lang)),
        _text_handle("↘ " + say("page.fading", lang)),
    ]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    return _plot(fig, ax, until_s or trace.duration_s)


def pace_plot(transcript: Transcript, metrics: Metrics, until_s: float, lang: str) -> Plot:
    """Words a minute over the answer (`pace`) against the pace band (NORMS["wpm"]), on a time axis to `until_s`."""
    fig, ax = _figure()
    norm = NORMS["wpm"]
    ax.axhspan(norm.low, norm.high, color=TARGET, alpha=0.2, lw=0)
    times, wpm = pace(transcript, metrics)
    ax.plot(times, wpm, color=LEVEL, lw=1.5, marker="o" if len(times) == 1 else None)
    ax.set_ylim(0, max(220.0, float(wpm.max()) + 20 if len(wpm) else 0.0))
    ax.set_ylabel(say("page.wpm", lang))
    handles = [_patch(TARGET, say("page.band", lang, low=int(norm.low), high=int(norm.high)))]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=1, frameon=False)
    return _plot(fig, ax, until_s)


def trend(take_ids: list[int], scores: dict[str, list[int | None]], lang: str) -> str:
    """Each score over the takes, oldest first (inline SVG)."""
    import matplotlib.ticker as ticker

    fig, ax = _figure()
    x = np.arange(len(take_ids))
    for name, values in scores.items():
        y = np.array([np.nan if v is None else v for v in values], dtype=float)
        ax.plot(x, y, marker="o", color=SCORES.get(name), label=say(f"score.{name}", lang))
    ax.set_xticks(x, [f"#{i}" for i in take_ids])
    ax.xaxis.set_major_formatter(ticker.FixedFormatter([f"#{i}" for i in take_ids]))
    ax.set_xlim(-0.3, len(take_ids) - 0.7)
    ax.set_ylim(0, 105)
    ax.set_ylabel(say("page.score", lang))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(scores), frameon=False)
    return _svg(fig)


# --- matplotlib -----------------------------------------------------------------------------------------


STYLE = {
    "svg.fonttype": "none",  # text stays text: the page's font, searchable, a third of the size
    "svg.hashsalt": "mockmic",  # the same answer gives the same page, byte for byte
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@functools.cache
def _styled() -> None:
    """mockmic's style, set once for the process: rc_context would change the same global settings on
    every call, and `mockmic serve` draws pages on several threads."""
    import matplotlib

    matplotlib.rcParams.update(STYLE)


def _figure():
    """A figure of one plot (no pyplot: nothing global, no display needed)."""
    from matplotlib.figure import Figure

    _styled()
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN))
    fig.subplots_adjust(**MARGINS)  # the same on every plot: their time axes line up on the page
    return fig, fig.add_subplot()


def _plot(fig, ax, until_s: float) -> Plot:
    """The figure as SVG with a time axis in m:ss from 0 to `until_s`."""
    import matplotlib.ticker as ticker

    end = max(until_s, 1.0)
    ax.set_xlim(0, end)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda t, _: clock(max(0.0, t))))
    ax.xaxis.set_major_locator(ticker.MaxNLocator(nbins=10, steps=[1, 1.5, 3, 6, 10]))
    svg = _svg(fig)  # lays the figure out: the axes' place is known after
    box = ax.get_position()
    return Plot(svg=svg, x0=round(box.x0, 4), x1=round(box.x1, 4), t0=0.0, t1=end)


def _svg(fig) -> str:
    """The figure as an <svg> element to put inside HTML: no XML prolog, no fixed size (CSS sizes it)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    head, rest = svg.split(">", 1)
    head = " ".join(part for part in head.split(" ") if not part.startswith(("width=", "height=")))
    return f'{head} preserveAspectRatio="xMinYMin meet">{rest}'


def _patch(colour: str, label: str):
    from matplotlib.patches import Patch

    return Patch(color=colour, alpha=0.6, label=label)


def _marker(marker: str, colour: str, label: str):
    from matplotlib.lines import Line2D

    return Line2D([], [], ls="", marker=marker, color=colour, mec="black", mew=0.5, label=label)


def _text_handle(label: str):
    from matplotlib.lines import Line2D

    return Line2D([], [], ls="", label=label)
