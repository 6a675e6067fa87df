"""Feedback after the stop: `mockmic practice` through the virtual microphone, transcribing while it records
against transcribing after the take (`--analyze-after`, what practice did before live.py).

Starts a private PulseAudio daemon (tests/virtual_mic.py) and, for each take, plays a real answer of
bench/long_answers.py (answer01 and answer06, cut where a sentence ends nearest 90 s and 180 s; built
by that script) into it while `mockmic practice --seconds N` runs in its own process, as a user runs
it, N ending the take --stop-after seconds (1.5) after the answer. The wait is the time from
the recorder's "Saved …" line (the take has ended) to the report's last line ("Saved as take N"),
read from the child's unbuffered stdout. Each take's stored transcript and measures are then
compared with `mockmic analyze` of its saved file in a new process: word error rate between the two
transcripts and the largest differences of the measures.

With --long, one `practice --seconds 600` instead: resident memory every 5 s, and input overflows.

    .venv/bin/python bench/live.py [--runs 5] [--stop-after 1.5] [--long [--minutes 10]]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jiwer
import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.record import SAMPLE_EVERY_S, rss_mb  # noqa: E402
from tests.virtual_mic import VirtualMic  # noqa: E402

ANSWERS = ROOT / "build" / "long_answers"
TAKES = {90: "answer01.wav", 180: "answer06.wav"}  # target length -> the answer it is cut from
TARGET_WAIT_S = {90: 2.0, 180: 3.0}
MODES = {"live": [], "after the take (before)": ["--analyze-after"]}
LEAD_S = 0.5  # the answer starts playing this long after the question is shown (and recording starts)
# The take stops this long after the answer ends: a candidate who has finished presses Enter (or the
# --seconds timer runs out) after a moment; --stop-after 0 stops on the last word.
STOP_AFTER_S = 1.5
MEASURES = {  # name -> where it is in the metrics document
    "words per minute": ("words_per_minute",),
    "articulation wpm": ("articulation_rate_wpm",),
    "pauses": ("pauses", "count"),
    "pause total s": ("pauses", "total_s"),
    "fillers": ("fillers", "count"),
    "hedges": ("hedges", "count"),
    "pitch sd st": ("pitch", "sd_semitones"),
    "loudness sd dB": ("loudness", "sd_db"),
}


def cut(seconds: int, directory: Path) -> tuple[Path, float]:
    """The answer cut where a sentence ends nearest `seconds` (the start of a pause of its truth, or
    its end), as a 16-bit WAV (paplay mis-plays FLAC); and its length."""
    source = ANSWERS / TAKES[seconds]
    truth = ANSWERS / "truth.json"
    if not source.is_file() or not truth.is_file():
        raise SystemExit(f"{source} is missing: build the answers first with bench/long_answers.py.")
    answer = next(a for a in json.loads(truth.read_text())["answers"] if a["name"] == source.stem)
    ends = [start for start, _ in answer["pauses"]] + [answer["duration_s"]]
    end = min(ends, key=lambda t: abs(t - seconds))
    samples, rate = sf.read(source, dtype="int16")
    path = directory / f"answer_{seconds}.wav"
    sf.write(path, samples[: int(end * rate)], rate, subtype="PCM_16")
    return path, end


def mockmic(env: dict, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "mockmic", *args], env=env, capture_output=True, text=True, cwd=ROOT, check=False
    )
    if result.returncode:
        raise SystemExit(f"mockmic {' '.join(args)} failed: {result.stderr}")
    return json.loads(result.stdout)


def practice(mic: VirtualMic, home: Path, seconds: float, *options: str) -> tuple[dict, subprocess.Popen]:
    """`mockmic practice --seconds S` in its own process with its own library, stdout unbuffered: its
    environment and the process."""
    env = {**mic.env, "MOCKMIC_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "mockmic", "practice", "--seconds", f"{seconds:.2f}", *options]
    pipes = {"stdin": subprocess.DEVNULL, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return env, subprocess.Popen(command, env=env, cwd=ROOT, text=True, **pipes)


def take(mic: VirtualMic, answer: Path, seconds: float, mode: list[str], home: Path, stop_after: float) -> dict:
    """One practice take of the answer, stopped `stop_after` s after it ends: the wait after the stop,
    and the stored take against analyze."""
    env, process = practice(mic, home, seconds + LEAD_S + stop_after, *mode)
    player = None
    stopped = shown = None
    assert process.stdout is not None
    for line in process.stdout:
        if player is None and "Tell me about yourself" in line:  # the question is shown: recording starts
            player = mic.play(answer, delay=LEAD_S)
        if line.startswith("Saved ") and " s to " in line:
            stopped = time.monotonic()
        if "Saved as take" in line:
            shown = time.monotonic()
    process.wait()
    if player:
        player.wait(timeout=60)
    if process.returncode or stopped is None or shown is None:
        raise SystemExit(f"practice failed: {process.stderr.read() if process.stderr else ''}")
    stored = mockmic(env, "history", "--json")[-1]
    document = mockmic(env, "show", str(stored["id"]), "--json")
    wav = next((home / "recordings").glob("*.wav"))
    analysed = mockmic(env, "analyze", str(wav), "--json")
    return {"wait": shown - stopped, "live": document, "analyze": analysed}


def words_of(document: dict) -> str:
    return " ".join(w["text"].lower().strip(".,?!") for w in document["transcript"]["words"]) or "<empty>"


def value(document: dict, path: tuple[str, ...]) -> float | None:
    node = document["metrics"]
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def latency(runs: int, stop_after: float) -> None:
    mic = VirtualMic()
    mic.start()
    waits: dict[tuple[int, str], list[float]] = {}
    errors: list[float] = []
    differences: dict[str, list[float]] = {name: [] for name in MEASURES}
    try:
        with tempfile.TemporaryDirectory() as directory:
            answers = {seconds: cut(seconds, Path(directory)) for seconds in TAKES}
            for run in range(runs):
                for seconds, (answer, length) in answers.items():
                    for mode_name, mode in MODES.items():  # interleaved: the machine's load falls on both
                        home = Path(directory) / f"home_{run}_{seconds}_{len(mode)}"
                        result = take(mic, answer, length, mode, home, stop_after)
                        waits.setdefault((seconds, mode_name), []).append(result["wait"])
                        line = f"  {seconds} s, {mode_name}: {result['wait']:.2f} s after the stop"
                        if not mode:
                            error = jiwer.wer(words_of(result["analyze"]), words_of(result["live"]))
                            errors.append(error)
                            for name, path in MEASURES.items():
                                a, b = value(result["live"], path), value(result["analyze"], path)
                                if a is not None and b is not None:
                                    differences[name].append(abs(a - b))
                            line += f"; WER against analyze {error:.1%}"
                        print(line, flush=True)
    finally:
        mic.stop()
    lengths = ", ".join(f"{length:.1f} s" for _, length in answers.values())
    print(
        f"\n## Feedback after the stop: practice through the virtual microphone, {runs} takes each "
        f"(answers of {lengths}, each take stopped {stop_after} s after the answer ends)\n"
    )
    print("| answer | mode | median wait s | min | max | target |")
    print("|---|---|---|---|---|---|")
    for (seconds, mode_name), seconds_list in waits.items():
        median = statistics.median(seconds_list)
        target = TARGET_WAIT_S[seconds]
        verdict = ("met" if median <= target else "MISSED") if mode_name == "live" else ""
        print(
            f"| {seconds} s | {mode_name} | {median:.2f} | {min(seconds_list):.2f} | {max(seconds_list):.2f} "
            f"| <= {target} {verdict} |"
        )
    print(
        f"\nWER between the live transcript and analyze of the saved file: mean {np.mean(errors):.2%}, "
        f"max {max(errors):.2%} over {len(errors)} takes (target <= 2%)\n"
    )
    print("| measure | largest difference, live vs analyze |")
    print("|---|---|")
    for name, found in differences.items():
        print(f"| {name} | {max(found) if found else float('nan'):.3f} |")


def long_take(minutes: float) -> None:
    mic = VirtualMic()
    mic.start()
    seconds = minutes * 60
    try:
        with tempfile.TemporaryDirectory() as directory:
            feed = Path(directory) / "feed.wav"
            sources = [str(ANSWERS / name) for name in ("answer11.wav", "answer12.wav", "answer09.wav")]
            subprocess.run(["sox", *sources, "-b", "16", str(feed)], check=True)
            _, process = practice(mic, Path(directory) / "home", seconds)
            player = mic.play(feed, delay=3.0)
            memory: list[tuple[float, float]] = []  # (seconds since practice started, MB), until it exits
            started = time.monotonic()
            while process.poll() is None:
                time.sleep(SAMPLE_EVERY_S)
                if (mb := rss_mb(process.pid)) is not None:
                    memory.append((time.monotonic() - started, mb))
            stdout, stderr = process.communicate()
            player.kill()
    finally:
        mic.stop()
    if process.returncode:
        raise SystemExit(f"practice failed: {stderr}")
    saved = next(line for line in stdout.splitlines() if line.startswith("Saved ") and " s to " in line)
    print(f"\n## practice --seconds {seconds:.0f}, transcribing while it records\n")
    print(saved)
    during = [mb for t, mb in memory if 60 <= t <= seconds]  # from the first minute to the end of the take
    print(
        f"resident memory while recording: {during[0]:.0f} MB at 1 min, {during[-1]:.0f} MB at {seconds / 60:.0f} min: "
        f"growth {during[-1] - during[0]:.0f} MB (target < 50), highest {max(during):.0f} MB; "
        f"highest with the analysis after the stop {max(mb for _, mb in memory):.0f} MB"
    )
    # A single sample can land on a pass's passing copies (a stretch decoding, a pitch piece: freed after it):
    # the lowest of the second minute against the lowest of the last is the memory that stays.
    second = [mb for t, mb in memory if 60 <= t < 120]
    last = [mb for t, mb in memory if seconds - 60 <= t <= seconds]
    print(
        f"lowest of the 2nd minute {min(second):.0f} MB, of the last minute {min(last):.0f} MB: "
        f"kept {min(last) - min(second):.0f} MB"
    )
    print(" ".join(f"{t / 60:.1f}m:{mb:.0f}" for t, mb in memory[::6]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--long", action="store_true", help="one 10-minute take: memory and overflows")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument(
        "--stop-after", type=float, default=STOP_AFTER_S, help="seconds of silence between the answer and the stop"
    )
    args = parser.parse_args()
    if args.long:
        long_take(args.minutes)
    else:
        latency(args.runs, args.stop_after)


if __name__ == "__main__":
    main()
