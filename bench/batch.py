"""Batch throughput: `mockmic batch --jobs 2` against one `mockmic analyze` after another on the same
files, run here side by side (the machine otherwise idle), each in its own processes as a user runs them.

Default files: answer01-answer10 of bench/long_answers.py (real speech, 1-3 minutes each; build them first
with that script). Also prints the resident memory of the batch's workers (summed, at its highest).

    .venv/bin/python bench/batch.py [--files F ...] [--jobs 2]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = ROOT / "build" / "long_answers"


def mockmic(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mockmic", *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, MB."""
    total, stack = 0.0, [pid]
    while stack:
        p = stack.pop()
        try:
            total += int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{p}/status").read_text()).group(1)) / 1024
            stack += map(int, Path(f"/proc/{p}/task/{p}/children").read_text().split())
        except (FileNotFoundError, AttributeError, ProcessLookupError):
            continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="+", type=Path, default=[ANSWERS / f"answer{n:02d}.wav" for n in range(1, 11)])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    missing = [f for f in args.files if not f.is_file()]
    if missing:
        raise SystemExit(f"{missing[0]} is missing: build the answers first with bench/long_answers.py.")
    audio_s = sum(sf.info(f).duration for f in args.files)

    started = time.monotonic()
    for f in args.files:
        process = mockmic("analyze", str(f), "--json")
        if process.wait():
            raise SystemExit(f"analyze {f} failed: {process.stderr.read()}")
    sequential = time.monotonic() - started

    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory) / "cohort"
        folder.mkdir()
        for f in args.files:
            shutil.copy(f, folder / f.name)
        peak = [0.0]
        started = time.monotonic()
        process = mockmic("batch", str(folder), "--out", str(Path(directory) / "results.csv"), "--jobs", str(args.jobs))

        def sample() -> None:
            while process.poll() is None:
                peak[0] = max(peak[0], tree_rss_mb(process.pid))
                time.sleep(1)

        sampler = threading.Thread(target=sample)
        sampler.start()
        if process.wait():
            raise SystemExit(f"batch failed: {process.stderr.read()}")
        batched = time.monotonic() - started
        sampler.join()

    n = len(args.files)
    print(f"\n## Batch throughput: {n} answers, {audio_s / 60:.1f} min of real speech\n")
    print("| run | seconds | answers a minute | audio minutes a minute |")
    print("|---|---|---|---|")
    for name, seconds in (
        (f"`analyze` × {n}, one after another", sequential),
        (f"`batch --jobs {args.jobs}`", batched),
    ):
        print(f"| {name} | {seconds:.1f} | {60 * n / seconds:.2f} | {audio_s / seconds:.2f} |")
    print(f"\nbatch / one after another: {batched / sequential:.2f}; the batch's processes peaked at {peak[0]:.0f} MB")


if __name__ == "__main__":
    main()
