"""A long take from the virtual microphone: resident memory of `mockmic record` over time, and overflows.

Starts a private PulseAudio daemon (tests/virtual_mic.py), plays speech into it for the whole take
(the jfk clip on repeat), and samples the recorder's VmRSS every few seconds.

    .venv/bin/python bench/record.py [--minutes 10]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.virtual_mic import VirtualMic  # noqa: E402

CLIP = ROOT.parent / "shared" / "corpus" / "openai-whisper" / "jfk.flac"
SAMPLE_EVERY_S = 5.0


def rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return None
    match = re.search(r"VmRSS:\s+(\d+) kB", status)  # absent once the process has exited
    return int(match.group(1)) / 1024 if match else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    seconds = args.minutes * 60
    mic = VirtualMic()
    mic.start()
    try:
        with tempfile.TemporaryDirectory() as directory:
            feed = Path(directory) / "feed.wav"
            repeats = int(seconds / 11) + 2
            subprocess.run(["sox", str(CLIP), "-b", "16", str(feed), "repeat", str(repeats)], check=True)
            player = mic.play(feed, delay=0)
            out = Path(directory) / "long.wav"
            process = mic.mockmic("record", str(out), "--seconds", str(seconds))
            samples: list[tuple[float, float]] = []
            started = time.monotonic()
            while process.poll() is None:
                time.sleep(SAMPLE_EVERY_S)
                if (mb := rss_mb(process.pid)) is not None:
                    samples.append((time.monotonic() - started, mb))
            stdout, stderr = process.communicate()
            player.kill()
            recorded_s = sf.info(out).duration if out.exists() else 0.0
    finally:
        mic.stop()
    if process.returncode != 0:
        raise SystemExit(f"mockmic record failed: {stderr}")
    settled = [mb for t, mb in samples if t >= 10]  # after imports and stream start-up
    overflows = re.search(r"input overflows: (\d+)", stdout).group(1)
    print(f"## `mockmic record --seconds {seconds:.0f}` from the virtual microphone\n")
    print(f"{'elapsed s':>10} {'RSS MB':>8}")
    for t, mb in samples[:: max(1, len(samples) // 12)]:
        print(f"{t:10.0f} {mb:8.1f}")
    print(f"\nrecorded {recorded_s:.1f} s; input overflows: {overflows}")
    growth = settled[-1] - settled[0]
    print(f"RSS growth from 10 s to the end: {growth:+.1f} MB (target < 20 MB); peak {max(settled):.1f} MB")


if __name__ == "__main__":
    main()
