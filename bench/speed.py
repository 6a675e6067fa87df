"""Speed of `mockmic analyze`: measuring against audio length (warm), and cold against bare whisper.

1. Warm: in one process with the model loaded, the time of measure() (everything except
   transcription) as a share of the audio's duration, and its parts (VAD, pitch, the rest).
2. Cold: `mockmic analyze FILE --json` against the bare `whisper` command line with word timestamps
   on the same file and checkpoint, interleaved runs, as a ratio of wall times.
3. With --long: analyze 7.5, 15 and 30 minutes of speech (the sample repeated) and report time and
   peak memory, to show both grow linearly.

    .venv/bin/python bench/speed.py [--runs 3] [--audio samples/concise_lively.flac] [--long]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from transcribe import BIN, ROOT, commands, interleaved, run  # noqa: E402

from mockmic import config  # noqa: E402
from mockmic.audio import load_audio, without_rumble  # noqa: E402
from mockmic.measure import measure  # noqa: E402
from mockmic.models import load_model  # noqa: E402
from mockmic.pitch import track_pitch  # noqa: E402
from mockmic.transcribe import TranscribeOptions, transcribe  # noqa: E402
from mockmic.vad import voice_regions  # noqa: E402

DEFAULT_AUDIO = ROOT / "samples" / "concise_lively.flac"


def warm(audio_path: Path, model_name: str, runs: int) -> None:
    audio = load_audio(audio_path)
    model = load_model(model_name, config.models_dir())
    transcript = transcribe(audio, model, model_name, TranscribeOptions(language="en"))
    measure(audio, transcript)  # first call compiles and caches numba code and loads Silero
    parts: dict[str, list[float]] = {"measure()": [], "  VAD (Silero)": [], "  pitch (pYIN)": []}
    for _ in range(runs):
        parts["measure()"].append(_timed(lambda: measure(audio, transcript)))
        parts["  VAD (Silero)"].append(_timed(lambda: voice_regions(audio.samples)))
        regions, above_rumble = voice_regions(audio.samples), without_rumble(audio.samples)
        parts["  pitch (pYIN)"].append(_timed(lambda r=regions, s=above_rumble: track_pitch(s, r)))
    transcribing = _timed(lambda: transcribe(audio, model, model_name, TranscribeOptions(language="en")))
    print(f"## Warm process: {audio_path.name}, {audio.duration_s:.1f} s of audio, {runs} runs\n")
    print(f"{'step':22} {'median s':>9} {'share of audio':>15}")
    for name, seconds in parts.items():
        median = statistics.median(seconds)
        print(f"{name:22} {median:9.3f} {median / audio.duration_s:15.2%}")
    print(f"{'(transcription)':22} {transcribing:9.3f} {transcribing / audio.duration_s:15.2%}")
    share = statistics.median(parts["measure()"]) / audio.duration_s
    print(f"\neverything except transcription: {share:.2%} of the audio's duration (target <= 2%)")


def _timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def cold(audio_path: Path, model_name: str, runs: int) -> None:
    with tempfile.TemporaryDirectory() as out_dir:
        whisper_commands = commands(audio_path, model_name, out_dir)
        named = {
            "mockmic analyze --json": [str(BIN / "mockmic"), "analyze", str(audio_path), "--json", "--model", model_name],
            # the same words without measuring: what analyze adds on top of its own transcription
            "mockmic transcribe": whisper_commands["mockmic transcribe"],
            "whisper, same decoding options": whisper_commands["whisper, same decoding options"],
            "whisper, its CLI defaults (beam 5)": whisper_commands["whisper, its CLI defaults (beam 5)"],
            # whisper.transcribe()'s own defaults: greedy, no prompt (it transcribes every window)
            "whisper, greedy, no prompt": whisper_commands["whisper, its CLI defaults (beam 5)"]
            + ["--beam_size", "None", "--best_of", "None"],
        }
        times, memory = interleaved(named, runs)
    reference = statistics.median(times["whisper, same decoding options"])
    print(f"\n## Cold processes: {audio_path.name}, model {model_name}, {runs} interleaved runs each\n")
    print(f"{'command':36} {'median s':>9} {'min s':>7} {'ratio':>6} {'peak MB':>8}")
    for name in named:
        median = statistics.median(times[name])
        print(f"{name:36} {median:9.2f} {min(times[name]):7.2f} {median / reference:6.2f} {max(memory[name]):8.0f}")
    ratio = statistics.median(times["mockmic analyze --json"]) / reference
    print(f"\ncold analyze / bare whisper transcription: {ratio:.2f} (target <= 1.15)")
    own = statistics.median(times["mockmic analyze --json"]) / statistics.median(times["mockmic transcribe"])
    print(f"cold analyze / mockmic transcribe (measuring's own cost, imports included): {own:.2f}")


def long_audio(audio_path: Path, model_name: str) -> None:
    audio = load_audio(audio_path)
    print("\n## Long answers: the sample repeated, one cold `mockmic analyze --json` each\n")
    print(f"{'minutes':>8} {'wall s':>8} {'s per audio min':>16} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as directory:
        for minutes in (7.5, 15, 30):
            repeats = int(np.ceil(minutes * 60 / audio.duration_s))
            samples = np.tile(audio.samples, repeats)[: int(minutes * 60 * audio.sample_rate)]
            path = Path(directory) / f"long_{minutes}.flac"
            sf.write(path, samples, audio.sample_rate)
            seconds, megabytes = run([str(BIN / "mockmic"), "analyze", str(path), "--json", "--model", model_name])
            print(f"{minutes:8.1f} {seconds:8.1f} {seconds / minutes:16.1f} {megabytes:8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--audio", type=Path, default=DEFAULT_AUDIO)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--long", action="store_true", help="also analyze 7.5, 15 and 30 minutes of speech")
    parser.add_argument("--only-long", action="store_true", help="only the long answers")
    args = parser.parse_args()
    subprocess.run([str(BIN / "mockmic"), "models"], check=True, capture_output=True)  # converts models once
    if not args.only_long:
        warm(args.audio, args.model, args.runs)
        cold(args.audio, args.model, args.runs)
    if args.long or args.only_long:
        long_audio(args.audio, args.model)


if __name__ == "__main__":
    main()
