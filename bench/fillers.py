"""Benchmark: how many spoken fillers Whisper writes down, per bundled model and transcription setting.

Run from the repository root (prints tables; it is not a test):

    .venv/bin/python bench/fillers.py [--models tiny.en,base] [--engine faster-whisper|openai-whisper]
                                      [--clips all|fillers] [--joined] [--only GLOB] [--quick]
                                      [--verbose] [--json FILE [--resume]]

A full run takes long on 2 cores (tiny.en ~1 h, base a few hours); with --json every transcript is saved
as soon as it is made, and --resume reuses those already saved there instead of decoding them again.

Method
------
Corpus: real speech of one speaker from ../shared/corpus/mfa-tests (see bench/_corpus.py): three ~25 s
semi-spontaneous monologues with TextGrid-derived filler counts, and the short clips of
reference_transcripts.json (the mfa_uh*/mfa_um* clips made for fillers, and by default all the others,
which show whether a prompt makes Whisper invent fillers or lose content words).

Transcription: each file goes through `mockmic.transcribe.transcribe()` on the engine chosen with
--engine (default: the package's), which cuts the audio into stretches of at most 28 s at its pauses and
decodes each without a prompt for the words and again with a filler prompt for the "um"s and "uh"s only
(kept where both decodings and the audio agree). A setting changes only that second decoding and the
beam size: "no prompt" skips it (`TranscribeOptions(verbatim=False)`: Whisper's own behaviour),
"default" is the package's (`TranscribeOptions()`: its verbatim prompt, beam 5), the alternatives give
another prompt (`prompt=`), and a last run decodes the best of them greedily (beam 1). Both engines seed
their fallback temperatures, so a rerun gives the same words. `--joined` adds the three monologues
played back to back (0.5 s apart, ~77 s), a file cut into several stretches.

Fillers: words are lowercased and stripped of punctuation, then mapped to a kind: um (um, umm, uhm, erm),
uh (uh, uhh, er), hm (hm, hmm, mm, mhm) or ah (ah, ahh); "'er" meaning "her" is not a filler. Matching
is by count per file: hits = sum over files of min(hyp fillers, ref fillers), all kinds together;
recall = hits / ref fillers; precision = hits / hyp fillers. The um and uh columns do the same per kind.

Content WER: fillers are removed from both sides, then both go through Whisper's EnglishTextNormalizer
(spellings, contractions, numbers); word edit distance summed over files / reference content words.
Reference text: lab/*.lab for monologues, reference_transcripts.json for clips, <...>/[...] tags removed.

Anomalies, per file: "short" when the hypothesis has < 0.7x the reference's spoken words (and >= 3 fewer),
"long" when > 1.5x (and >= 3 more), "loop" when a 1-4 word sequence repeats >= 3 times in a row and at
least 2 times more than the longest such repeat in the reference. Time: transcription wall-clock seconds
summed over the files (model loading excluded).
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _corpus as corpus  # noqa: E402  (a sibling module, not a package)
from _corpus import Item  # noqa: E402

# Candidates besides the package's current default (one equal to the default is skipped).
ALTERNATIVE_PROMPTS = {
    "first default": "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking.",
    "alt A": "Um, uh, so, uh, I mean, like, hmm.",
    "alt B": "Umm, uh, let me think, uh... hmm, okay, um, so.",
    "alt C": "So, uh, I was like, um, you know, uh, thinking, umm...",
}


@dataclass(frozen=True)
class Setting:
    """One way of asking Whisper to transcribe."""

    label: str
    prompt: str | None  # the prompt of the hesitation decoding; None: no such decoding
    beam_size: int = 5  # the package's default (constants.BEAM_SIZE); 1 decodes greedily

    def options(self):
        from mockmic.transcribe import VERBATIM_PROMPTS, TranscribeOptions

        return TranscribeOptions(
            language="en",
            verbatim=self.prompt is not None,
            prompt=None if self.prompt == VERBATIM_PROMPTS["en"] else self.prompt,  # the default: its own
            beam_size=self.beam_size,
        )


@dataclass(frozen=True)
class FileResult:
    item: Item
    hypothesis: str
    seconds: float


@dataclass(frozen=True)
class Score:
    """The numbers of one table row."""

    ref: int
    hyp: int
    hits: int
    kind_hits: Counter  # per filler kind: sum of min(hyp, ref)
    kind_ref: Counter
    content_errors: int
    content_words: int
    anomalies: list[str]  # "name:short", "name:long", "name:loop"
    seconds: float

    @property
    def recall(self) -> float:
        return self.hits / self.ref if self.ref else float("nan")

    @property
    def precision(self) -> float:
        return self.hits / self.hyp if self.hyp else float("nan")

    @property
    def f1(self) -> float:
        return 2 * self.hits / (self.ref + self.hyp) if self.ref + self.hyp else 0.0

    @property
    def wer(self) -> float:
        return self.content_errors / self.content_words if self.content_words else float("nan")


# --- settings ------------------------------------------------------------------------------------


def base_settings() -> list[Setting]:
    """No prompt, the package's default prompt, and the alternative prompts."""
    from mockmic.transcribe import VERBATIM_PROMPTS

    default = VERBATIM_PROMPTS["en"]
    return [
        Setting("no prompt", None),
        Setting("default", default),
        *(Setting(label, p) for label, p in ALTERNATIVE_PROMPTS.items() if p != default),
    ]


def best_prompt_setting(rows: list[tuple[Setting, Score]]) -> Setting:
    """The setting with the best filler F1, ties broken by the lower content WER."""
    setting, _ = max(rows, key=lambda row: (round(row[1].f1, 6), -row[1].wer))
    return setting


# --- running -------------------------------------------------------------------------------------


JOIN_GAP_S = 0.5  # silence between files played back to back


def load_audio(items: list[Item]) -> dict[str, object]:
    return {item.name: _item_audio(item) for item in items}


def _item_audio(item: Item):
    """The item's audio; several files are joined with JOIN_GAP_S of silence between them."""
    import numpy as np

    from mockmic.audio import from_samples
    from mockmic.audio import load_audio as load
    from mockmic.constants import SAMPLE_RATE

    parts = [load(path) for path in item.paths]
    if len(parts) == 1:
        return parts[0]
    gap = np.zeros(int(JOIN_GAP_S * SAMPLE_RATE), dtype=np.float32)
    samples = np.concatenate([piece for part in parts for piece in (part.samples, gap)][:-1])
    return from_samples(samples, SAMPLE_RATE, path=item.name)


def run_setting(
    engine, model_name: str, setting: Setting, items: list[Item], audio: dict, checkpoint: Checkpoint
) -> list[FileResult]:
    """Transcribe every file with one setting (`engine()` loads the engine once; it seeds its own
    fallback sampling, so reruns give the same words).

    Files the checkpoint already holds are not decoded again; every new one is saved at once."""
    from mockmic.transcribe import transcribe

    known = checkpoint.known(model_name, setting)
    results = []
    for item in items:
        if item.name not in known:
            loaded = engine()  # before the clock starts: loading is not transcribing
            start = time.perf_counter()
            transcript = transcribe(audio[item.name], loaded, setting.options())
            known[item.name] = FileResult(item, transcript.text, time.perf_counter() - start)
            checkpoint.save(model_name, setting, list(known.values()))
        results.append(known[item.name])
    return results


# --- scoring -------------------------------------------------------------------------------------


def score(results: list[FileResult]) -> Score:
    ref = hyp = hits = errors = n_content = 0
    kind_hits: Counter = Counter()
    kind_ref: Counter = Counter()
    anomalies = []
    for result in results:
        hyp_words = corpus.words(result.hypothesis)
        hyp_fillers = corpus.count_fillers(hyp_words)
        ref_fillers = result.item.fillers
        ref += sum(ref_fillers.values())
        hyp += sum(hyp_fillers.values())
        hits += min(sum(ref_fillers.values()), sum(hyp_fillers.values()))
        kind_hits += Counter({k: min(hyp_fillers[k], ref_fillers[k]) for k in corpus.FILLER_KINDS})
        kind_ref += ref_fillers
        ref_content = corpus.content_words(result.item.reference)
        errors += edit_distance(ref_content, corpus.content_words(result.hypothesis))
        n_content += len(ref_content)
        anomalies += [f"{result.item.name}:{flag}" for flag in anomaly_flags(result.item, hyp_words)]
    seconds = sum(result.seconds for result in results)
    return Score(ref, hyp, hits, kind_hits, kind_ref, errors, n_content, anomalies, seconds)


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Word substitutions + deletions + insertions (jiwer when installed, else a small Levenshtein)."""
    if not ref or not hyp:
        return len(ref) + len(hyp)
    try:
        import jiwer
    except ImportError:
        previous = list(range(len(hyp) + 1))
        for i, ref_word in enumerate(ref, 1):
            current = [i]
            for j, hyp_word in enumerate(hyp, 1):
                substitution = previous[j - 1] + (ref_word != hyp_word)
                current.append(min(previous[j] + 1, current[j - 1] + 1, substitution))
            previous = current
        return previous[-1]
    out = jiwer.process_words(" ".join(ref), " ".join(hyp))
    return out.substitutions + out.deletions + out.insertions


def anomaly_flags(item: Item, hyp_words: list[str]) -> list[str]:
    """ "short"/"long" for a hypothesis far shorter/longer than the reference, "loop" for repetition."""
    flags = []
    n_ref, n_hyp = item.spoken_words, len(hyp_words)
    if n_hyp < 0.7 * n_ref and n_ref - n_hyp >= 3:
        flags.append("short")
    if n_hyp > 1.5 * n_ref and n_hyp - n_ref >= 3:
        flags.append("long")
    hyp_repeat = longest_repeat(hyp_words)
    if hyp_repeat >= 3 and hyp_repeat >= longest_repeat(corpus.words(item.reference)) + 2:
        flags.append("loop")
    return flags


def longest_repeat(word_list: list[str], max_n: int = 4) -> int:
    """How many times in a row the most repeated 1..max_n word sequence occurs."""
    best = 1
    for n in range(1, max_n + 1):
        for start in range(len(word_list) - n + 1):
            gram, reps = word_list[start : start + n], 1
            while word_list[start + reps * n : start + (reps + 1) * n] == gram:
                reps += 1
            best = max(best, reps)
    return best


# --- output --------------------------------------------------------------------------------------


def _pct(value: float, decimals: int = 0) -> str:
    return "n/a" if value != value else f"{100 * value:.{decimals}f}%"


def _anomaly_text(anomalies: list[str]) -> str:
    if not anomalies:
        return "-"
    shown = ", ".join(anomalies[:4])
    return f"{len(anomalies)}: {shown}" + (", ..." if len(anomalies) > 4 else "")


def print_table(rows: list[tuple[str, Setting, Score]]) -> None:
    header = [
        "model",
        "setting",
        "prompt",
        "fillers ref",
        "fillers hyp",
        "hits",
        "recall",
        "precision",
        "um hits/ref",
        "uh hits/ref",
        "content WER",
        "anomalies",
        "time s",
    ]
    lines = [header]
    for model_name, setting, s in rows:
        lines.append(
            [
                model_name,
                setting.label,
                f'"{setting.prompt}"' if setting.prompt else "(none)",
                str(s.ref),
                str(s.hyp),
                str(s.hits),
                _pct(s.recall),
                _pct(s.precision),
                f"{s.kind_hits['um']}/{s.kind_ref['um']}",
                f"{s.kind_hits['uh']}/{s.kind_ref['uh']}",
                _pct(s.wer, 1),
                _anomaly_text(s.anomalies),
                f"{s.seconds:.0f}",
            ]
        )
    _print_markdown(lines)


def print_groups(rows: list[tuple[str, Setting, list[FileResult]]]) -> None:
    """Fillers (hits/ref/hyp) and content WER per part of the corpus."""
    groups = list(dict.fromkeys(result.item.group for result in rows[0][2]))
    lines = [["model", "setting"] + [f"{g}s hits/ref/hyp" for g in groups] + [f"{g}s WER" for g in groups]]
    for model_name, setting, results in rows:
        scores = [score([r for r in results if r.item.group == g]) for g in groups]
        lines.append(
            [model_name, setting.label]
            + [f"{s.hits}/{s.ref}/{s.hyp}" for s in scores]
            + [_pct(s.wer, 1) for s in scores]
        )
    _print_markdown(lines)


def _print_markdown(lines: list[list[str]]) -> None:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    fmt = lambda line: "| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths)) + " |"  # noqa: E731
    print(fmt(lines[0]))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines[1:]:
        print(fmt(line))
    print()


def print_details(model_name: str, setting: Setting, results: list[FileResult]) -> None:
    print(f"\n### {model_name} / {setting.label}", file=sys.stderr)
    for result in results:
        hyp_words = corpus.words(result.hypothesis)
        fillers = sum(corpus.count_fillers(hyp_words).values())
        flags = ",".join(anomaly_flags(result.item, hyp_words)) or "-"
        print(
            f"  {result.item.name:24} ref {sum(result.item.fillers.values())} hyp {fillers} {flags:6} "
            f"{result.hypothesis}",
            file=sys.stderr,
        )


# --- main ----------------------------------------------------------------------------------------


def benchmark_model(
    model_name: str,
    engine_name: str,
    items: list[Item],
    audio: dict,
    checkpoint: Checkpoint,
    verbose: bool,
    quick: bool = False,
):
    """All settings for one model, yielded one by one: the base settings, then greedy with the best.

    With `quick`, only no prompt against the package's default."""
    from mockmic import config
    from mockmic.engine import load_engine

    engine = lambda: load_engine(engine_name, model_name, config.models_dir())  # noqa: E731  (on first use)
    done: list[tuple[Setting, list[FileResult], Score]] = []

    def run(setting: Setting) -> tuple[Setting, list[FileResult], Score]:
        results = run_setting(engine, model_name, setting, items, audio, checkpoint)
        s = score(results)
        done.append((setting, results, s))
        print(
            f"[{model_name}] {setting.label}: {s.hits}/{s.ref} hits, {s.hyp} hyp, WER {100 * s.wer:.1f}%, "
            f"{s.seconds:.0f} s",
            file=sys.stderr,
        )
        if verbose:
            print_details(model_name, setting, results)
        return done[-1]

    for setting in base_settings():
        if not quick or setting.label in ("no prompt", "default"):
            yield run(setting)
    if quick:
        return
    best = best_prompt_setting([(setting, s) for setting, _, s in done])
    yield run(replace(best, label=f"greedy, {best.label}", beam_size=1))


def main(argv: list[str] | None = None) -> None:
    from mockmic.engine import DEFAULT_ENGINE, ENGINES

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="tiny.en,base", help="comma-separated bundled models")
    parser.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help=f"default {DEFAULT_ENGINE}")
    parser.add_argument(
        "--clips", choices=("all", "fillers"), default="all", help="all clips, or only the mfa_uh*/mfa_um* filler clips"
    )
    parser.add_argument(
        "--joined", action="store_true", help="add the monologues joined into one ~77 s file (several stretches)"
    )
    parser.add_argument("--only", help="comma-separated name patterns of the files to run, e.g. 'mono*'")
    parser.add_argument("--verbose", action="store_true", help="print every transcript to stderr")
    parser.add_argument("--quick", action="store_true", help="only no prompt against the package default")
    parser.add_argument("--json", type=Path, help="save every transcript to this file as it is made")
    parser.add_argument("--resume", action="store_true", help="reuse the transcripts already saved in --json")
    args = parser.parse_args(argv)
    import mockmic.transcribe  # noqa: F401  (the code measured; imported before fingerprinting it)

    code_version()
    items = corpus.load_items(corpus.require_corpus(), args.clips, args.joined)
    if args.only:
        patterns = args.only.split(",")
        items = [item for item in items if any(fnmatch.fnmatch(item.name, p) for p in patterns)]
    audio = load_audio(items)
    groups = Counter(item.group for item in items)
    print(
        f"Corpus: {corpus.CORPUS_DIR} - {len(items)} files ({dict(groups)}), "
        f"{sum(sum(i.fillers.values()) for i in items)} reference fillers."
    )
    print(f"Code: mockmic {code_version()}; engine {args.engine}\n")

    checkpoint = Checkpoint(args.json, items, args.resume, args.engine)
    table, per_file = [], []
    for model_name in args.models.split(","):
        runs = benchmark_model(model_name, args.engine, items, audio, checkpoint, args.verbose, args.quick)
        for setting, results, s in runs:
            table.append((model_name, setting, s))
            per_file.append((model_name, setting, results))

    print_table(table)
    print_groups(per_file)


# --- saving and resuming ------------------------------------------------------------------------


class Checkpoint:
    """The --json file: every transcript with its time, per engine, model and setting, rewritten after
    each file so that an interrupted run loses nothing; with --resume its transcripts are reused,
    provided they were made by the same code (see `code_version`)."""

    def __init__(self, path: Path | None, items: list[Item], resume: bool, engine: str):
        self.path = path
        self.engine = engine
        self.rows: dict[tuple, dict] = {}
        if path and resume and path.is_file():
            self.rows = {_key_of(row): row for row in json.loads(path.read_text(encoding="utf-8"))}
        self.items = {item.name: item for item in items}

    def _files(self, model_name: str, setting: Setting) -> dict[str, dict]:
        """Saved transcripts of this model and setting made by the code measured now."""
        row = self.rows.get(_key(self.engine, model_name, setting))
        same_code = row and row["code"].endswith(source_digest())  # commits that leave src/ alone count
        return row["files"] if same_code else {}

    def known(self, model_name: str, setting: Setting) -> dict[str, FileResult]:
        files = self._files(model_name, setting).items()
        return {n: FileResult(self.items[n], f["text"], f["seconds"]) for n, f in files if n in self.items}

    def save(self, model_name: str, setting: Setting, results: list[FileResult]) -> None:
        if not self.path:
            return
        files = self._files(model_name, setting)  # keeps files of other runs with other --clips/--only
        files |= {r.item.name: {"text": r.hypothesis, "seconds": round(r.seconds, 2)} for r in results}
        self.rows[_key(self.engine, model_name, setting)] = {
            "code": code_version(),
            "engine": self.engine,
            "model": model_name,
            "setting": setting.label,
            "prompt": setting.prompt,
            "beam_size": setting.beam_size,
            "files": files,
        }
        temp = self.path.with_suffix(".part")
        temp.write_text(json.dumps(list(self.rows.values()), indent=1), encoding="utf-8")
        temp.replace(self.path)


def _key(engine: str, model_name: str, setting: Setting) -> tuple:
    return engine, model_name, setting.prompt, setting.beam_size


def _key_of(row: dict) -> tuple:
    """Rows saved before the engines came (no "engine", prompt carrying and guard options) keep keys of
    their own, so they are kept in the file but never reused."""
    if "engine" not in row:
        return None, row["model"], row["prompt"], row.get("carry"), row.get("guard"), row["beam_size"]
    return row["engine"], row["model"], row["prompt"], row["beam_size"]


@lru_cache(maxsize=1)  # computed when the run starts (main prints it), as the code was imported then
def code_version() -> str:
    """The git commit plus a digest of src/mockmic: results hold only for that code."""
    git = ["git", "-C", str(corpus.REPO_ROOT), "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, capture_output=True, text=True, check=False).stdout.strip() or "no git"
    return f"{commit}, src/mockmic sha256 {source_digest()}"


@lru_cache(maxsize=1)
def source_digest() -> str:
    src = corpus.REPO_ROOT / "src" / "mockmic"
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(src.glob("*.py")))).hexdigest()[:10]


if __name__ == "__main__":
    main()
