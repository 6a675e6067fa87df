"""The real-speech corpus of bench/fillers.py: files, reference fillers and reference words.

The corpus lives outside the repository, in `../shared/corpus/mfa-tests` from the repository root
(see /work/shared/corpus/README.md). Two kinds of file are used:

- monologues (`wav/acoustic_corpus.wav`, `cold_corpus.wav`, `cold_corpus3.wav`): fillers come from
  `reference_stats_from_textgrids.json` (TextGrid-derived, because the README warns that the MFA
  `lab/*.lab` text differs from the TextGrids by one "uh" in two files); content words from the lab text.
- clips (`wav/mfa_*.flac`, plus the few non-mfa clips listed there): both from
  `reference_transcripts.json`.
- optionally the three monologues joined into one ~77 s file: every other file fits in Whisper's first
  30 s window, so only this one shows what carrying the prompt to later windows does.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus" / "mfa-tests"

MONOLOGUES = ("acoustic_corpus", "cold_corpus", "cold_corpus3")
FILLER_CLIP = re.compile(r"^mfa_u[hm]")  # mfa_uh, mfa_uhuh, mfa_uhum, mfa_um: the clips made for fillers

# Every spelling Whisper (or a transcriber) uses for a filler, by the kind it is counted as.
# "er" is the non-rhotic spelling of "uh" and "erm" that of "um".
FILLER_SPELLINGS = {
    "um": re.compile(r"^(u+h*m+|e+r+m+)$"),  # um, umm, uhm, erm
    "uh": re.compile(r"^(u+h+|e+r+)$"),  # uh, uhh, er, err
    "hm": re.compile(r"^(h+m+|mm+|m+h+m+)$"),  # hm, hmm, mm, mmm, mhm, mmhmm (a lone "m" is a letter)
    "ah": re.compile(r"^a+h+$"),  # ah, ahh
}
FILLER_KINDS = tuple(FILLER_SPELLINGS)

_TAG = re.compile(r"<[^>]*>|\[[^\]]*\]")  # <cutoff-...>, <hes-...>, <unk>, <VOCNOISE>, [laughter], [adif]
_SPOKEN_TAG = re.compile(r"<(cutoff|hes)-[^>]*>|<unk>")  # tags standing for a (partial) spoken word


@dataclass(frozen=True)
class Item:
    """One audio file with its ground truth."""

    name: str
    paths: tuple[Path, ...]  # one audio file, or several to play back to back
    group: str  # "monologue", "filler clip", "other clip" or "joined monologues"
    reference: str  # verbatim reference text, tags removed
    fillers: Counter  # filler kind -> count in the reference
    spoken_words: int  # words in the reference, counting fillers and cut-off/hesitated words


def require_corpus(corpus_dir: Path = CORPUS_DIR) -> Path:
    """The corpus directory, or exit with a message saying where it was expected."""
    if not (corpus_dir / "reference_transcripts.json").is_file():
        raise SystemExit(
            f"The speech corpus is missing: expected {corpus_dir} (../shared/corpus/mfa-tests from the "
            f"repository root) with reference_transcripts.json; nothing to benchmark."
        )
    return corpus_dir


def load_items(corpus_dir: Path, clips: str = "all", joined: bool = False) -> list[Item]:
    """Monologues first, then the clips: all of them, or ("fillers") only the mfa_uh*/mfa_um* ones;
    with `joined`, last the monologues back to back."""
    items = _monologues(corpus_dir)
    joined_item = [_joined(items)] if joined else []
    transcripts = json.loads((corpus_dir / "reference_transcripts.json").read_text(encoding="utf-8"))
    for name, text in transcripts.items():
        path = _audio_path(corpus_dir, name)
        is_filler_clip = bool(FILLER_CLIP.match(name))
        if path is None or (clips == "fillers" and not is_filler_clip):
            continue
        reference = strip_tags(text)
        items.append(
            Item(
                name=name,
                paths=(path,),
                group="filler clip" if is_filler_clip else "other clip",
                reference=reference,
                fillers=count_fillers(words(reference)),
                spoken_words=len(words(reference)) + len(_SPOKEN_TAG.findall(text)),
            )
        )
    return items + joined_item


def _monologues(corpus_dir: Path) -> list[Item]:
    stats = json.loads((corpus_dir / "reference_stats_from_textgrids.json").read_text(encoding="utf-8"))
    items = []
    for name in MONOLOGUES:
        lab = (corpus_dir / "lab" / f"{name}.lab").read_text(encoding="utf-8")
        tg_fillers = [entry.split("@")[0] for entry in stats[name]["fillers"]]  # "um@8.02" -> "um"
        items.append(
            Item(
                name=name,
                paths=(corpus_dir / "wav" / f"{name}.wav",),
                group="monologue",
                reference=strip_tags(lab),
                fillers=count_fillers(tg_fillers),
                spoken_words=stats[name]["n_words_incl_fillers"],
            )
        )
    return items


def _joined(monologues: list[Item]) -> Item:
    return Item(
        name="monologues_joined",
        paths=tuple(path for item in monologues for path in item.paths),
        group="joined monologues",
        reference=" ".join(item.reference for item in monologues),
        fillers=sum((item.fillers for item in monologues), Counter()),
        spoken_words=sum(item.spoken_words for item in monologues),
    )


def _audio_path(corpus_dir: Path, name: str) -> Path | None:
    for suffix in (".flac", ".wav"):
        if (path := corpus_dir / "wav" / f"{name}{suffix}").is_file():
            return path
    return None


# --- text normalisation -------------------------------------------------------------------------


def strip_tags(text: str) -> str:
    return " ".join(_TAG.sub(" ", text).split())


def words(text: str) -> list[str]:
    """Lowercase words without punctuation; "'er" (her) is kept apart from the filler "er"."""
    out = []
    for token in text.lower().replace("\u2019", "'").split():
        if re.fullmatch(r"\W*'er\W*", token):
            out.append("her")
            continue
        word = re.sub(r"[^\w']", "", token).strip("'")  # "Um," -> "um", "uh-" -> "uh", "mm-hmm" -> "mmhmm"
        if word:
            out.append(word)
    return out


def filler_kind(word: str) -> str | None:
    """The filler a normalised word is ("um", "uh", "hm", "ah"), or None for a content word."""
    return next((kind for kind, spelling in FILLER_SPELLINGS.items() if spelling.match(word)), None)


def count_fillers(word_list: list[str]) -> Counter:
    return Counter(kind for word in word_list if (kind := filler_kind(word)))


_EQUIVALENT = {"yknow": "you know", "y know": "you know", "ok": "okay", "all right": "alright"}


def content_words(text: str) -> list[str]:
    """Words for the content WER: fillers dropped, then Whisper's English normaliser (spellings,
    contractions, numbers) and a few equivalences; spelled-out letters ("m f a") join into one word."""
    from whisper.normalizers import EnglishTextNormalizer

    kept = " ".join(word for word in words(text) if not filler_kind(word))
    normalised = f" {EnglishTextNormalizer()(kept)} "
    for variant, canonical in _EQUIVALENT.items():
        normalised = normalised.replace(f" {variant} ", f" {canonical} ")
    return _join_letters(normalised.split())


def _join_letters(word_list: list[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for word in word_list + [""]:
        if len(word) == 1:
            run.append(word)
            continue
        out.extend(["".join(run)] if len(run) > 1 else run)
        run = []
        if word:
            out.append(word)
    return out


def textgrid_words(path: Path) -> list[tuple[float, float, str]]:
    """(start, end, label) of every interval of the first tier of a short-format Praat TextGrid."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    tier = lines.index('"IntervalTier"')
    count = int(lines[tier + 4])
    values = lines[tier + 5 : tier + 5 + 3 * count]
    return [(float(values[i]), float(values[i + 1]), values[i + 2].strip('"')) for i in range(0, len(values), 3)]


def textgrid_pauses(path: Path, min_pause: float = 0.25) -> list[tuple[float, float]]:
    """Silent intervals of at least min_pause between the first and the last word."""
    intervals = textgrid_words(path)
    spoken = [i for i, (_, _, label) in enumerate(intervals) if label]
    inside = intervals[spoken[0] : spoken[-1] + 1]
    return [(a, b) for a, b, label in inside if not label and b - a >= min_pause - 1e-9]
