"""Pitch of the voice with SwiftF0, run only on the stretches of speech the VAD found.

SwiftF0 (Nieradzik 2025, "SwiftF0: Fast and Accurate Monophonic Pitch Detection", arXiv:2508.18440;
swift-f0 0.3.0, MIT, https://github.com/lars76/swift-f0) is a small convolutional network run by ONNX
Runtime: a pitch and a confidence every 16 ms, 46.875-2093.75 Hz. It replaced a port of librosa's pYIN
(bench/README.md "Pitch trackers", bench/pitch.py): on the laryngograph references voicing F1 0.937
against 0.904 clean and 0.934 against 0.888 in pink noise at 10 dB, gross pitch error 0.49% against
0.51%, the jointly voiced sd within 0.3 st in 96% of files against 94%, the same time on speech
(0.56% of the audio), 44 MiB added instead of 131 (librosa, numba) and a cold first call of 0.39 s
instead of 1.66 s. As shipped here (one speech level, below), bench/accuracy.py reads GPE 0.51%, voicing
F1 0.940, the reported sd within 0.3 st in 80% of files (pYIN 73%), and F1 0.940 with rumble 6 dB above
the voice left unfiltered (pYIN 0.617).

The answer is run in pieces of at most `piece_s` with the model's context either side: the same
frames as one call on the whole file (bench/pitch.py checks it), less audio than the whole file, and
ONNX Runtime's arena only ever holds one piece's activations (about 50 MiB for 10 s, 110 MiB for
the 30 s windows `detect` cuts on its own).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import constants, memo
from .vad import frame_db, model_gain, padded


@dataclass(frozen=True, kw_only=True)
class PitchOptions:
    """How pitch is tracked."""

    hop_s: float = 0.01  # one pitch value every 10 ms (SwiftF0's own 16 ms frames are put on this grid)
    fmin_hz: float = 50.0  # the range of adult speaking voices, from low male creak...
    fmax_hz: float = 600.0  # ...to high female excursions
    voiced_confidence: float = 0.5  # swift-f0's documented threshold; 0.4-0.6 within 0.005 of F1 (bench/pitch.py)
    region_pad_s: float = 0.05  # speech regions are padded by this before tracking
    piece_s: float = 10.0  # speech is run in pieces of at most this (ONNX Runtime's arena grows with the piece)
    # Pitch variation leaves out this much of each voiced run's start and end: there the consonant next to
    # the vowel bends the pitch (microprosody) and the tracker's frame straddles the voicing edge. On an
    # answer resynthesised flat (bench/pitch.py) the frames more than 1 st off lay at run edges, and the
    # sd read 0.80 st with them, 0.53 without 20 ms, 0.49 without 30 ms; its x1.0 / x1.5 versions moved
    # 3.27 -> 3.21 and 4.58 -> 4.63 st.
    steady_edge_s: float = 0.03


# SwiftF0 does not normalise the level, and its authors ask for very quiet recordings (peak below about
# -35 dBFS) to be scaled (swift-f0 0.3.0 README); it gives confidence 0 to every 16 ms frame that peaks
# below 1e-3 (-60 dBFS, its digital-silence gate, core.py SILENCE_PEAK), so a voice at -45 dBFS loses
# its quieter frames. The answer is given to it at one speech level (vad.speech_level_db, as Silero is
# given its own: vad.model_gain), one gain for the whole answer so that the pieces are still one call on
# one signal. At -20 dBFS speech peaks reach -8 to -2 dBFS (11-18 dB above it on the corpus), around the
# -6 dBFS the README's example scales to; the corpus (-20 to -27 dBFS) moved by a few frames.
MODEL_RATE = 16_000  # SwiftF0 reads 16 kHz audio (swift_f0.SAMPLE_RATE), the rate measure() has
CONTEXT_FRAMES = 12  # frames either side of a piece: the model reads 2815 samples each way (11 frames, core.py)


@dataclass(frozen=True, eq=False)
class PitchTrack:
    """Pitch every hop: NaN where the voice is silent or unvoiced."""

    times: np.ndarray  # seconds, frame centres
    f0_hz: np.ndarray  # pitch in Hz, NaN when unvoiced
    speech: np.ndarray  # True where the frame lies in a stretch of speech the VAD found

    @property
    def voiced(self) -> np.ndarray:
        return np.isfinite(self.f0_hz)


@functools.lru_cache(maxsize=1)
def detector():
    """The SwiftF0 model, loaded once (its ONNX session; about 20 ms) and shared: `detect` is thread-safe.

    Its session is SwiftF0's own without ONNX Runtime's memory arena, which keeps the most any piece
    needed and grows in steps as pieces of other lengths fragment it: a take analysed while it is
    recorded (live.py) runs pieces of every length, and its arena held 60 MB more after 10 minutes.
    Without it a 3-minute answer's pitch takes 1.3 s against 1.0 s, and no frame changes.
    """
    import onnxruntime
    import swift_f0

    swift = swift_f0.SwiftF0(threads=1, spin=False)  # one core: Whisper has the other; no busy-waiting between calls
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False  # its plans are made for the arena
    model = Path(swift_f0.__file__).with_name("model.onnx")  # where SwiftF0.__init__ reads it (swift-f0 0.3.0)
    swift.session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    return swift


def track_pitch(
    samples: np.ndarray,
    speech_regions: list[tuple[float, float]],
    sample_rate: int = constants.SAMPLE_RATE,
    options: PitchOptions = PitchOptions(),
) -> PitchTrack:
    """Pitch of every 10 ms frame; frames outside speech are unvoiced without being analysed."""
    if sample_rate != MODEL_RATE:
        import soxr

        samples = soxr.resample(samples, sample_rate, MODEL_RATE)
    times, speech, regions = speech_grid(len(samples), speech_regions, options)
    pitch, confidence = swift_frames(samples, regions, options)
    f0 = on_grid(times, pitch, confidence >= options.voiced_confidence)
    return PitchTrack(times=times, f0_hz=np.where(speech, f0, np.nan), speech=speech)


def speech_grid(
    n_samples: int, speech_regions: list[tuple[float, float]], options: PitchOptions = PitchOptions()
) -> tuple[np.ndarray, np.ndarray, list[tuple[float, float]]]:
    """The 10 ms grid of an answer of n_samples at 16 kHz: frame times, which frames lie in speech, and the
    speech regions padded and joined, the only audio tracked."""
    hop = int(round(options.hop_s * MODEL_RATE))
    n_frames = 1 + n_samples // hop
    times = np.arange(n_frames) * hop / MODEL_RATE
    duration = n_samples / MODEL_RATE
    regions = padded(speech_regions, options.region_pad_s, duration, join_within=2 * options.region_pad_s)
    speech = np.zeros(n_frames, dtype=bool)
    for start, end in regions:
        speech[int(start / options.hop_s) : int(np.ceil(end / options.hop_s)) + 1] = True
    return times, speech, regions


def swift_frames(
    samples: np.ndarray, regions: list[tuple[float, float]], options: PitchOptions = PitchOptions()
) -> tuple[np.ndarray, np.ndarray]:
    """SwiftF0's pitch and confidence for every 16 ms frame of 16 kHz samples (frame i centred on i * 16 ms),
    run on the (already padded) regions only, at `speech_gain`, in pieces of at most `options.piece_s` with
    CONTEXT_FRAMES of audio either side: inside the regions the frames of one `detect` call on the whole
    signal (up to float rounding); outside them pitch and confidence 0."""
    from swift_f0 import FRAME_PERIOD

    hop = round(FRAME_PERIOD * MODEL_RATE)  # 256 samples
    n = max(1, len(samples) // hop)
    step = int(options.piece_s / FRAME_PERIOD)
    gain = np.float32(speech_gain(samples, regions, options))
    pitch, confidence = np.zeros(n), np.zeros(n)
    for start_s, end_s in regions:
        first, last = int(start_s / FRAME_PERIOD), min(n, int(np.ceil(end_s / FRAME_PERIOD)) + 1)
        for start in range(first, last, step):
            end = min(start + step, last)
            left, right = max(0, start - CONTEXT_FRAMES), end + CONTEXT_FRAMES
            window = samples[left * hop : right * hop] if right < n else samples[left * hop :]
            key = memo.digest(window, gain, options.fmin_hz, options.fmax_hz)
            if (frames := WINDOWS.get(key)) is None:
                result = detector().detect(window * gain, MODEL_RATE, fmin=options.fmin_hz, fmax=options.fmax_hz)
                WINDOWS.put(key, frames := (result.pitch_hz, result.confidence))
            pitch[start:end] = frames[0][start - left : end - left]
            confidence[start:end] = frames[1][start - left : end - left]
    return pitch, confidence


# SwiftF0's frames of the last windows run, by their audio and gain (memo.py): a take analysed while
# it is recorded (live.py) runs each window once. 256 windows of at most 10 s hold a 10 min answer.
WINDOWS = memo.Remembered(256)


def speech_gain(
    samples: np.ndarray, regions: list[tuple[float, float]], options: PitchOptions = PitchOptions()
) -> float:
    """The gain that brings the speech level of the samples inside the regions to the level the models
    are given (vad.model_gain): one for the whole answer, applied piece by piece (no second copy of it)."""
    # vad.frame_levels's 20 ms frames every 10 ms, 512 at a time: its 4096 held 20 MiB of float64 squares
    levels = frame_db(samples, 2 * MODEL_RATE // 100, MODEL_RATE // 100, block=512)
    inside = np.zeros(len(levels), dtype=bool)
    for start, end in regions:
        inside[int(start / 0.01) : int(np.ceil(end / 0.01))] = True
    return model_gain(levels[inside])


def on_grid(times: np.ndarray, pitch: np.ndarray, voiced: np.ndarray) -> np.ndarray:
    """SwiftF0's 16 ms frames read at `times` (NaN unvoiced): voicing from the nearest frame, pitch
    interpolated in log frequency between the two frames around the time when both are voiced (else the
    nearest frame's)."""
    from swift_f0 import FRAME_PERIOD

    last = len(pitch) - 1
    position = np.clip(times / FRAME_PERIOD, 0, last)
    before = np.floor(position).astype(int)
    after = np.minimum(before + 1, last)
    weight = position - before
    nearest = np.round(position).astype(int)
    log_f0 = np.log2(np.maximum(pitch, 1.0))
    between = 2 ** ((1 - weight) * log_f0[before] + weight * log_f0[after])
    f0 = np.where(voiced[before] & voiced[after], between, pitch[nearest])
    return np.where(voiced[nearest], f0, np.nan)


def steady(f0_hz: np.ndarray, edge_frames: int) -> np.ndarray:
    """The pitch without the first and last `edge_frames` of each voiced run (NaN there); a run shorter
    than twice that is left out whole."""
    voiced = np.isfinite(f0_hz)
    if edge_frames <= 0 or not voiced.any():
        return f0_hz
    edges = np.diff(np.concatenate(([0], voiced.astype(np.int8), [0])))
    out = f0_hz.copy()
    for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        out[start : min(end, start + edge_frames)] = np.nan
        out[max(start, end - edge_frames) : end] = np.nan
    return out


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
