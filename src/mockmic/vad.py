"""Voice activity from the audio itself, never from Whisper's word timestamps (they absorb silence).

Two detectors, each with one job:
- Silero's neural VAD (`voice_regions`) finds where a *voice* is: it tells a voice from a sniff, a cough
  or a breath and so finds the pauses of a real answer (35% precision on the MFA monologues' pauses for
  an energy gate, 93% for Silero). Measuring times the answer and its pauses on it; transcription looks
  for skipped sentences and lone hesitations in it.
- an energy gate (`speech_regions`) finds what is *loud*: anything above the room's level, whispering
  included, which Silero does not hear as a voice.
Together they are what was said (`VoiceMap.speech`): what language detection listens to and transcription
decodes. `voice_map` runs both once per answer, with the frame levels Silero's edges and the
transcription's cuts share (the gate keeps its own 25 ms frames), and the pipeline hands
that map to each step instead of each step running the detectors again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from . import silero
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


@dataclass(frozen=True, kw_only=True)
class VoiceOptions:
    """How Silero VAD's speech probabilities become regions (tuned on the MFA monologues' pauses)."""

    threshold: float = 0.6  # a 32 ms chunk is speech above this probability (Silero's default: 0.5)
    release: float = 0.6  # and stays speech until it falls below this (default: threshold - 0.15)
    min_silence_ms: int = 50  # shorter dips do not end a region; pauses are measured from 250 ms anyway
    min_speech_ms: int = 60  # shorter regions are dropped
    pad_ms: int = 0  # Silero's default pads 30 ms, which shortened every pause by 60 ms
    offset_search_s: float = 0.15  # Silero ends speech 60-90 ms late; the true offset is sought this far back
    onset_search_s: float = 0.1  # and starts it up to a chunk late; the true onset is sought this far back


Regions = tuple[tuple[float, float], ...]  # (start, end) seconds, in order


@dataclass(frozen=True)
class VoiceMap:
    """Where the voice is in one answer, found once and carried as data to language detection,
    transcription and measuring (each detector's job is in the module docstring)."""

    voice: Regions  # Silero's voice regions, edges sharpened: pauses, speaking span, hesitations
    loud: Regions  # the energy gate's: all louder than the room, whispering too (measuring's fallback)
    speech: Regions  # voice and loud joined: what was said, all that transcription decodes
    levels: np.ndarray = field(repr=False, compare=False)  # dB of 20 ms frames every 10 ms (`frame_levels`)
    options: VoiceOptions = VoiceOptions()  # how Silero's probabilities became `voice`


def voice_map(samples: np.ndarray, sample_rate: int = SAMPLE_RATE, options: VoiceOptions = VoiceOptions()) -> VoiceMap:
    """Both detectors over the samples, and the frame levels Silero's edges and the transcription's cuts share.

    `speech` joins both: the energy gate alone lost most of a real monologue under handling rumble (its
    floor sat above the voice); Silero alone loses whispering. Gaps where both hear nothing are silence.
    """
    levels = frame_levels(samples, sample_rate)
    levels.setflags(write=False)  # shared by every step that reads the map
    voice = voice_regions(samples, sample_rate, options, levels=levels)
    loud = [(float(start), float(end)) for start, end in speech_regions(samples, sample_rate)]
    speech = [(float(start), float(end)) for start, end in bridge(sorted(voice + loud), 0.0)]
    return VoiceMap(voice=tuple(voice), loud=tuple(loud), speech=tuple(speech), levels=levels, options=options)


def frame_levels(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """The level in dB of each 20 ms frame, every 10 ms: frame i covers [i, i + 2) * 10 ms."""
    hop = int(0.01 * sample_rate)
    return frame_db(samples, 2 * hop, hop)


def voice_regions(
    samples: np.ndarray,
    sample_rate: int = SAMPLE_RATE,
    options: VoiceOptions = VoiceOptions(),
    *,
    levels: np.ndarray | None = None,
) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of voice, by Silero VAD (the ONNX model its pip package ships);
    `levels` is `frame_levels` of the samples when the caller has them already.

    silero.py runs the model and silero_vad.get_speech_timestamps's rules without the package, which
    imports torch (~190 MB) to do the same.
    """
    if sample_rate != silero.SAMPLE_RATE:
        raise ValueError(f"Silero VAD is run on {silero.SAMPLE_RATE} Hz audio, not {sample_rate} Hz")
    levels = frame_levels(samples, sample_rate) if levels is None else levels
    stamps = silero.speech_timestamps(
        silero.speech_probs(samples, model_gain(levels)),  # at MODEL_SPEECH_DBFS, as below
        len(samples),
        threshold=options.threshold,
        neg_threshold=options.release,
        min_speech_duration_ms=options.min_speech_ms,
        min_silence_duration_ms=options.min_silence_ms,
        speech_pad_ms=options.pad_ms,
    )
    regions = [(start / sample_rate, end / sample_rate) for start, end in stamps]
    return _sharper_edges(samples, regions, sample_rate, options, levels)


# Silero hears quiet speech as less likely speech: an MFA monologue turned down 25 dB gained three pauses
# inside words and read a 1.25 s pause as 2.54 s; turned down 40 dB, 6.7 s "pauses" in running speech.
# So Silero (and SwiftF0, pitch.py) hears every answer at one speech level: a quiet microphone is not a
# paused speaker.
MODEL_SPEECH_DBFS = -20.0  # the level they are given: the MFA monologues' own (-21), where VoiceOptions were tuned
SPEECH_LEVEL_PERCENTILE = 95  # an answer's speech level: this percentile of its 20 ms frame levels
MODEL_GAIN_DB = (-30.0, 50.0)  # the gain stays within this: past +50 dB is only the recording's own noise
# The gain moves in steps of this: a take analysed while it is recorded (live.py) is then given the
# same gain by its first minute as by its end, so what was computed during the take is what an analysis
# of the finished file computes (Silero's probabilities, SwiftF0's frames); on three long answers the
# gain of the first minute was within 0.7 dB of the whole answer's, and within 0.05 dB late in the take.
# 2 dB steps (1 dB either way) moved one pause edge of tests/test_cli.py's level test by 90 ms at one
# level (its target: 50 ms); 1 dB steps hold it.
MODEL_GAIN_STEP_DB = 1.0


def speech_level_db(levels: np.ndarray) -> float:
    """An answer's speech level in dBFS, from its `frame_levels`: the level its louder frames reach."""
    return float(np.percentile(levels, SPEECH_LEVEL_PERCENTILE)) if len(levels) else -120.0


def model_gain(levels: np.ndarray) -> float:
    """The gain (a factor) that brings speech of these `frame_levels` to MODEL_SPEECH_DBFS, within
    MODEL_GAIN_STEP_DB / 2."""
    gain_db = float(np.clip(MODEL_SPEECH_DBFS - speech_level_db(levels), *MODEL_GAIN_DB))
    return 10 ** (round(gain_db / MODEL_GAIN_STEP_DB) * MODEL_GAIN_STEP_DB / 20)


@dataclass(frozen=True)
class CandidateVoice:
    """The candidate's voice told from a quieter one in the room (`candidate_voice`)."""

    regions: Regions  # the voice regions less what another voice or the room said between the words
    level_db: float | None  # the candidate's level: the 90th percentile of the frames in both voice and words
    # Once another voice is heard in the recording, its frames (`below_db` under level_db, and its louder
    # syllables between the words, on the grid of `frame_levels`): nowhere the candidate's. None when no
    # other voice is heard.
    others: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def other_voice(self) -> bool:
        """Whether another voice talks in the recording."""
        return self.others is not None


def candidate_voice(
    regions: list[tuple[float, float]],
    levels: np.ndarray,
    words: list[tuple[float, float]],
    *,
    below_db: float,
    min_s: float,
    min_voice_s: float,
    squeezed_s: float,
    in_word_min_s: float,
    heard_share: float,
    edge_db: float,
    island_db: float,
    fricative_levels: Callable[[], np.ndarray] | None,
    fricative_db: float,
    fricative_reach_s: float,
) -> CandidateVoice:
    """The voice regions less what another voice or the room said while the candidate was silent, the
    candidate's level, and whether another voice talks in the recording.

    Silero hears any voice: a TV or a flatmate 15 dB under the candidate filled 35% of the candidate's
    pauses (bench/room.py). The candidate is the loudest, nearest voice, so a run of `frame_levels` all
    `below_db` under the candidate's level (the 90th percentile of the frames both in a region and in a
    word: `words` are the transcribed words' (start, end) stamps, in order) is not the candidate speaking:
    - between two words, a run of at least `min_s`. Not inside a word's stamps: a word's own quiet frames
      (a stop's closure, a soft ending, a fricative) are the candidate's; nor beside a word stamped
      shorter than `squeezed_s`: Whisper could not place that word, which may lie in the gap (a soft "but
      who" of the MFA monologue turned down 30 dB: "who" dropped, "but" squeezed after the gap);
    - when those runs took at least `heard_share` of the regions' span, another voice is talking in this
      recording (`other_voice`; its frames are `others`), and Whisper's stamps stretched over the
      candidate's pauses hide the rest of them: then a run of at least `in_word_min_s` anywhere, inside
      words and beside squeezed ones too.
    Each run's edges move in to where the level comes within `edge_db` of the run's median (the other
    voice's or the room's level): the candidate's fading last syllable is still the candidate's. What is
    left of a region shorter than `min_voice_s` is dropped; a region with nothing cut is kept as it was.

    Once another voice is heard, more than a run's level tells the two apart:
    - between two words, a stretch of frames louder than `below_db` under the candidate whose loudest
      stays `island_db` under them is the other voice's too (its louder syllables): the candidate's own
      speech reaches their level;
    - each region's edges grow, up to `fricative_reach_s`, over the candidate's fricatives: frames near a
      word's stamps whose `fricative_levels` (`frame_levels` of the samples high-passed above the vowels,
      asked for only then; None: no growing) come within `fricative_db` of the candidate's. A final /s/
      15 dB under the candidate's vowels is as loud as the other voice's vowels, but 15 dB louder than it
      above 4 kHz.
    """
    frame = partial(_frame_at, count=len(levels))
    in_region, in_word, in_gap = (np.zeros(len(levels), bool) for _ in range(3))
    for start, end in regions:
        in_region[frame(start) : frame(end)] = True
    for start, end in words:
        in_word[frame(start) : frame(end)] = True
    for (before_start, end), (start, after_end) in zip(words, words[1:]):
        if end - before_start >= squeezed_s and after_end - start >= squeezed_s:
            in_gap[frame(end) : frame(start)] = True
    if not (in_region & in_word).any():
        return CandidateVoice(regions=tuple(regions), level_db=None)
    level = float(np.percentile(levels[in_region & in_word], 90))
    if len(words) < 2:  # no gap to look in
        return CandidateVoice(regions=tuple(regions), level_db=level)
    quiet = levels < level - below_db

    def cuts(where: np.ndarray, shortest: float) -> list[tuple[float, float]]:
        runs = [
            (frame(start), frame(end))
            for start, end in _runs(quiet & where, 0.01, offset=0.005)  # frame i: [i, i + 1) * 10 ms
            if end - start >= shortest - 1e-9 and regions[0][0] < start and end < regions[-1][1]
        ]  # what splits the voice, not what trims the answer's ends: a word in the silence after it is no gap
        inner = [np.flatnonzero(levels[a:b] < np.median(levels[a:b]) + edge_db) for a, b in runs]
        return [(float(a + i[0]) / 100, float(a + i[-1] + 1) / 100) for (a, _), i in zip(runs, inner) if len(i)]

    found = cuts(in_gap, min_s)
    taken = sum(max(0.0, min(b, end) - max(a, start)) for a, b in found for start, end in regions)
    other_voice = taken >= heard_share * (regions[-1][1] - regions[0][0])
    if other_voice:
        for start, end in _runs(~quiet & in_gap, 0.01, offset=0.005):  # its louder syllables between the words
            a, b = frame(start), frame(end)
            whole = (a == 0 or quiet[a - 1]) and (b == len(quiet) or quiet[b])  # not part of a word's frames
            if whole and levels[a:b].max() < level - island_db:
                quiet[a:b] = True
        found = cuts(in_gap, min_s) + cuts(np.ones(len(levels), bool), in_word_min_s)
    kept = []
    for region in regions:
        pieces = [region]
        for cut_start, cut_end in found:
            pieces = [
                part
                for a, b in pieces
                for part in ([(a, cut_start), (cut_end, b)] if cut_start < b and a < cut_end else [(a, b)])
            ]
        kept += pieces if pieces == [region] else [(a, b) for a, b in pieces if b - a >= min_voice_s]
    if other_voice and fricative_levels is not None:
        between = quiet & in_gap  # what is heard between the words: the other voice and the room
        kept = _with_fricatives(
            kept, fricative_levels(), in_region & in_word, between, in_word, fricative_db, fricative_reach_s
        )
    return CandidateVoice(regions=tuple(kept), level_db=level, others=quiet if other_voice else None)


FRICATIVE_NEAR_WORD_S = 0.1  # a fricative given back lies this close to a word's stamps (Whisper's are ~0.1 s off)
# and this far above the band's level between the words (its 90th percentile there, the other voice's and
# the room's): the espeak-ng voice of tests/test_measure.py's TV is bright, its band 8 dB under the
# candidate's where its whole level is 15 dB under, and without this its hiss closed 3 of 11 pauses; 3 to
# 9 dB keep them all and give the room bench the same figures (bench/README.md, "Session 8")
FRICATIVE_ABOVE_OTHERS_DB = 6.0


def _with_fricatives(
    regions: list[tuple[float, float]],
    fricative_levels: np.ndarray,
    candidate: np.ndarray,
    between: np.ndarray,
    in_word: np.ndarray,
    within_db: float,
    reach_s: float,
) -> list[tuple[float, float]]:
    """`regions` with each edge grown, up to `reach_s` beyond it and short of the next region, over the
    frames near a word (`in_word`, FRICATIVE_NEAR_WORD_S) whose `fricative_levels` are within `within_db`
    of the candidate's (their 90th percentile in the `candidate` frames) and FRICATIVE_ABOVE_OTHERS_DB
    above what is heard `between` the words."""
    threshold = float(np.percentile(fricative_levels[candidate], 90)) - within_db
    if between.any():
        threshold = max(threshold, float(np.percentile(fricative_levels[between], 90)) + FRICATIVE_ABOVE_OTHERS_DB)
    near = round(FRICATIVE_NEAR_WORD_S * 100)
    hiss = (fricative_levels >= threshold) & (np.convolve(in_word, np.ones(2 * near + 1), "same") > 0)
    frame = partial(_frame_at, count=len(hiss))
    reach = round(reach_s * 100)
    grown = []
    for k, (start, end) in enumerate(regions):
        a, b = frame(start), frame(end)
        first = max(a - reach, frame(grown[-1][1]) if grown else 0)
        last = min(b + reach, frame(regions[k + 1][0]) if k + 1 < len(regions) else len(hiss))
        before, after = np.flatnonzero(hiss[first:a]), np.flatnonzero(hiss[b:last])
        grown.append(
            (
                float(first + before[0]) / 100 if len(before) else start,
                float(b + after[-1] + 1) / 100 if len(after) else end,
            )
        )
    return grown


def _frame_at(t: float, count: int) -> int:
    """The frame of `frame_levels`' 10 ms grid (of `count`) that a time in seconds falls on."""
    return min(count, max(0, round(t * 100)))


NEAR_EDGE_FRAMES = 30


def _sharper_edges(
    samples: np.ndarray,
    regions: list[tuple[float, float]],
    sample_rate: int,
    options: VoiceOptions,
    levels: np.ndarray,
) -> list[tuple[float, float]]:
    """Move each region's edges to where the level (`frame_levels`) crosses halfway between the voice
    and the pause.

    Silero's recurrent state carries speech over for two or three 32 ms chunks after the voice stops
    (and starts a chunk late), which shortened every pause and hid 0.3 s ones on the samples.
    """
    bounds = [0.0] + [t for region in regions for t in region] + [len(samples) / sample_rate]
    frame = [int(round(t / 0.01)) for t in bounds]  # pause k lies between frame[2k] and frame[2k + 1]
    refined = []
    for k in range(len(regions)):
        near = NEAR_EDGE_FRAMES  # levels are compared near the edge, not over a long silence or answer
        pause_before = levels[max(frame[2 * k], frame[2 * k + 1] - near) : frame[2 * k + 1]]
        pause_after = levels[frame[2 * k + 2] : min(frame[2 * k + 3], frame[2 * k + 2] + near)]
        voice = levels[frame[2 * k + 1] : frame[2 * k + 2]][: near * 2]
        refined.append(
            (
                _onset(levels, frame[2 * k + 1], voice, pause_before, int(options.onset_search_s / 0.01)),
                _offset(levels, frame[2 * k + 2], voice, pause_after, int(options.offset_search_s / 0.01)),
            )
        )
    return [(float(a), float(max(a, b))) for a, b in refined]


def _halfway(voice: np.ndarray, pause: np.ndarray) -> float | None:
    if len(voice) < 5 or len(pause) < 5:
        return None
    return float(np.median(voice) + np.median(pause)) / 2


def _onset(levels: np.ndarray, at: int, voice: np.ndarray, pause: np.ndarray, search: int) -> float:
    threshold = _halfway(voice, pause)
    if threshold is None:
        return at * 0.01
    window = levels[max(0, at - search) : at + 1]
    quiet = np.flatnonzero(window < threshold)
    return (max(0, at - search) + quiet[-1] + 1) * 0.01 if len(quiet) else max(0, at - search) * 0.01


def _offset(levels: np.ndarray, at: int, voice: np.ndarray, pause: np.ndarray, search: int) -> float:
    threshold = _halfway(voice, pause)
    if threshold is None:
        return at * 0.01
    first = max(0, at - search)
    loud = np.flatnonzero(levels[first:at] >= threshold)
    return (first + loud[-1] + 2) * 0.01 if len(loud) else first * 0.01


def frame_db(samples: np.ndarray, frame: int, hop: int, block: int = 4096, *, pad: int = 0) -> np.ndarray:
    """RMS level of each frame in dB relative to full scale (silence is -120 dB, not -inf), of the samples
    with `pad` zeros either side (and as many more at the end as a single frame needs).

    Frames are taken `block` at a time, and the zeros added to each block alone, so memory stays flat for
    an answer of any length.
    """
    length = max(len(samples) + 2 * pad, frame)
    count = 1 + (length - frame) // hop
    levels = np.empty(count)
    for first in range(0, count, block):
        last = min(count, first + block)
        start, end = first * hop - pad, (last - 1) * hop + frame - pad  # where the block lies in the samples
        chunk = samples[max(0, start) : max(0, end)].astype(np.float64)
        chunk = np.pad(chunk, (max(0, -start), end - max(0, start) - len(chunk)))
        frames = np.lib.stride_tricks.sliding_window_view(chunk, frame)[::hop]
        levels[first:last] = np.sqrt(np.mean(frames**2, axis=1))
    return 20 * np.log10(np.maximum(levels, 1e-6))


def speech_threshold_db(levels: np.ndarray, options: VadOptions) -> float:
    """The level that separates speech from background in this recording, in steps of
    GATE_STEP_DB (as the models' gain moves in steps: MODEL_GAIN_STEP_DB)."""
    floor = float(np.percentile(levels, 10))
    peak = float(np.percentile(levels, 99))
    return round(max(floor + options.above_floor_db, peak - options.below_peak_db) / GATE_STEP_DB) * GATE_STEP_DB


# On three long answers the threshold of the first 20 s was within 0.2 dB of the whole answer's, and
# within 0.15 dB over the last minute (5 dB off where another speaker's clips followed): in steps of
# 2 dB, a take analysed while it is recorded has its final threshold long before it ends.
GATE_STEP_DB = 2.0


def speech_regions(
    samples: np.ndarray, sample_rate: int = SAMPLE_RATE, options: VadOptions = VadOptions()
) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch louder than the room (the energy gate), in order."""
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


def padded(
    regions: list[tuple[float, float]], pad: float, duration: float, join_within: float
) -> list[tuple[float, float]]:
    """Regions widened by `pad` on each side (inside [0, duration]), sorted, and joined when closer than
    `join_within`."""
    widened = [(max(0.0, start - pad), min(duration, end + pad)) for start, end in regions]
    return bridge(sorted(widened), join_within)


def bridge(regions: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """Join sorted (start, end) spans separated by less than `gap` seconds."""
    merged: list[tuple[float, float]] = []
    for start, end in regions:
        if merged and start - merged[-1][1] < gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
