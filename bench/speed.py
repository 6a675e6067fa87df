"""Speed of `mockmic analyze`: measuring against audio length (warm), and cold against bare whisper.

1. Warm: in one process with the engine loaded, the time of measure() (everything except
   transcription) as a share of the audio's duration, and its parts (VAD, pitch, the rest).
2. Cold: `mockmic analyze FILE --json` with each engine (faster-whisper, the default, and
   openai-whisper) against the bare `whisper` command line on the same file and the checkpoint of the
   same model (tiny.en, which analyze picks for English; `mockmic.models.ensure_bundled`), word
   timestamps on and its CLI defaults otherwise (beam search 5), runs interleaved: ratio of median wall
   times (target <= 0.5) and peak memory of each analyze (target <= 600 MiB). One untimed run of each
   analyze goes first, so on-disk caches (the joined faster-whisper model, numba's DTW) are filled.
3. Busy: the same analyze commands while one other CPU-bound process (`python -c "while True: pass"`,
   started before them and killed after them in every round) runs beside them, interleaved with the
   quiet runs: busy / quiet ratio of median wall times (target <= 1.6).
4. With --long: analyze 7.5, 15 and 30 minutes of speech (the answer repeated) and report time and
   peak memory, to show both grow linearly.

The default audio is a real answer of about 80 s: the three MFA monologues of ../shared/corpus
(acoustic_corpus, cold_corpus, cold_corpus3) joined with 1 s of silence into a temporary 16 kHz wav.

    .venv/bin/python bench/speed.py [--runs 3] [--audio FILE] [--model tiny.en]
                                    [--engine faster-whisper|openai-whisper] [--long | --only-long]
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
from mockmic import config, memo  # noqa: E402
from mockmic.audio import load_audio, without_rumble  # noqa: E402
from mockmic.constants import SAMPLE_RATE  # noqa: E402
from mockmic.engine import DEFAULT_ENGINE, ENGINES, load_engine  # noqa: E402
from mockmic.measure import measure  # noqa: E402
from mockmic.pitch import track_pitch  # noqa: E402
from mockmic.transcribe import TranscribeOptions, transcribe  # noqa: E402
from mockmic.vad import voice_regions  # noqa: E402
from transcribe import BIN, ROOT, commands, run  # noqa: E402

MONOLOGUES = [
    ROOT.parent / "shared" / "corpus" / "mfa-tests" / "wav" / f"{name}.wav"
    for name in ("acoustic_corpus", "cold_corpus", "cold_corpus3")
]
JOIN_GAP_S = 1.0
DEFAULT_MODEL = "tiny.en"  # what analyze picks for an English answer

# Targets of the cold comparison.
RATIO_TARGET = 0.5  # cold analyze / bare whisper, its CLI defaults
MEMORY_TARGET_MIB = 600  # peak resident memory of one cold analyze
BUSY_TARGET = 1.6  # cold analyze beside one busy process / alone
BUSY_LOOP = [sys.executable, "-c", "while True: pass"]


def joined_answer(directory: Path) -> Path:
    """The three MFA monologues back to back, 1 s of silence between them: one real ~80 s answer."""
    missing = [str(path) for path in MONOLOGUES if not path.is_file()]
    if missing:
        raise SystemExit(
            f"{', '.join(missing)} missing: the shared corpus must sit beside the repository (or give --audio)."
        )
    gap = np.zeros(int(JOIN_GAP_S * SAMPLE_RATE), dtype=np.float32)
    parts = [load_audio(path).samples for path in MONOLOGUES]
    samples = np.concatenate([piece for part in parts for piece in (part, gap)][:-1])
    path = directory / "monologues_joined.wav"
    sf.write(path, samples, SAMPLE_RATE)
    return path


def warm(audio_path: Path, model_name: str, engine_name: str, runs: int) -> None:
    audio = load_audio(audio_path)
    engine = load_engine(engine_name, model_name, config.models_dir())
    transcript = transcribe(audio, engine, TranscribeOptions(language="en"))
    measure(audio, transcript)  # first call compiles and caches numba code and loads Silero
    parts: dict[str, list[float]] = {"measure()": [], "  VAD (Silero)": [], "  pitch (SwiftF0)": []}
    for _ in range(runs):
        parts["measure()"].append(_timed(lambda: measure(audio, transcript)))
        parts["  VAD (Silero)"].append(_timed(lambda: voice_regions(audio.samples)))
        regions, above_rumble = voice_regions(audio.samples), without_rumble(audio.samples)
        parts["  pitch (SwiftF0)"].append(_timed(lambda r=regions, s=above_rumble: track_pitch(s, r)))
    transcribing = _timed(lambda: transcribe(audio, engine, TranscribeOptions(language="en")))
    print(
        f"## Warm process: {audio_path.name}, {audio.duration_s:.1f} s of audio, {model_name} on "
        f"{engine_name}, {runs} runs\n"
    )
    print(f"{'step':22} {'median s':>9} {'share of audio':>15}")
    for name, seconds in parts.items():
        median = statistics.median(seconds)
        print(f"{name:22} {median:9.3f} {median / audio.duration_s:15.2%}")
    print(f"{'(transcription)':22} {transcribing:9.3f} {transcribing / audio.duration_s:15.2%}")
    share = statistics.median(parts["measure()"]) / audio.duration_s
    print(f"\neverything except transcription: {share:.2%} of the audio's duration (target <= 2%)")


def _timed(step) -> float:
    """Seconds of one call, nothing remembered from earlier calls (memo.py)."""
    memo.forget_all()
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def cold(audio_path: Path, model_name: str | None, runs: int) -> None:
    chosen = ["--model", model_name] if model_name else []  # without it, analyze picks the model itself
    analyze = {  # label -> command, one per engine
        "mockmic analyze --json" + ("" if engine == DEFAULT_ENGINE else f" --engine {engine}"): [
            str(BIN / "mockmic"),
            "analyze",
            str(audio_path),
            "--json",
            *chosen,
        ]
        + ([] if engine == DEFAULT_ENGINE else ["--engine", engine])
        for engine in ENGINES
    }
    bare = "whisper, its CLI defaults (beam 5)"
    busy = ", beside a busy process"
    times: dict[str, list[float]] = {}
    memory: dict[str, list[float]] = {}

    def timed(name: str, command: list[str]) -> None:
        seconds, megabytes = run(command)
        times.setdefault(name, []).append(seconds)
        memory.setdefault(name, []).append(megabytes)

    with tempfile.TemporaryDirectory() as out_dir:
        whisper = commands(audio_path, model_name or DEFAULT_MODEL, out_dir)[bare]
        for command in analyze.values():  # untimed: fills the on-disk caches the first run would pay for
            run(command)
        for _ in range(runs):  # A B C, then A B beside a busy process; again
            for name, command in analyze.items():
                timed(name, command)
            timed(bare, whisper)
            loop = subprocess.Popen(BUSY_LOOP)
            try:
                for name, command in analyze.items():
                    timed(name + busy, command)
            finally:
                loop.kill()
                loop.wait()
    median = {name: statistics.median(seconds) for name, seconds in times.items()}
    duration = sf.info(str(audio_path)).duration
    print(
        f"\n## Cold processes: {audio_path.name} ({duration:.1f} s), bare whisper on "
        f"{model_name or DEFAULT_MODEL}, {runs} interleaved runs each\n"
    )
    width = max(map(len, times))
    print(f"{'command':{width}} {'median s':>9} {'min s':>7} {'peak MiB':>9}")
    for name, seconds in times.items():
        print(f"{name:{width}} {median[name]:9.2f} {min(seconds):7.2f} {max(memory[name]):9.0f}")
    targets = [  # (measure, target, its value for an analyze command)
        ("cold analyze / bare whisper (median wall time)", RATIO_TARGET, lambda name: median[name] / median[bare]),
        ("peak memory of cold analyze, MiB", MEMORY_TARGET_MIB, lambda name: max(memory[name])),
        (
            "beside one busy process / alone (median wall time)",
            BUSY_TARGET,
            lambda name: median[name + busy] / median[name],
        ),
    ]
    print(f"\n| measure | target | {' | '.join(f'`{name}`' for name in analyze)} |")
    print(f"|---|---|{'---|' * len(analyze)}")
    for measure_name, target, value in targets:
        cells = [
            f"{value(name):.{0 if target > 10 else 2}f} {'met' if value(name) <= target else 'MISSED'}"
            for name in analyze
        ]
        print(f"| {measure_name} | <= {target} | {' | '.join(cells)} |")


def long_audio(audio_path: Path, model_name: str | None, engine_name: str) -> None:
    audio = load_audio(audio_path)
    command = f"mockmic analyze --json --engine {engine_name}"
    print(f"\n## Long answers: {audio_path.name} repeated, one cold `{command}` each\n")
    print(f"{'minutes':>8} {'wall s':>8} {'s per audio min':>16} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as directory:
        for minutes in (7.5, 15, 30):
            repeats = int(np.ceil(minutes * 60 / audio.duration_s))
            samples = np.tile(audio.samples, repeats)[: int(minutes * 60 * audio.sample_rate)]
            path = Path(directory) / f"long_{minutes}.flac"
            sf.write(path, samples, audio.sample_rate)
            chosen = ["--model", model_name] if model_name else []
            command = [str(BIN / "mockmic"), "analyze", str(path), "--json", "--engine", engine_name, *chosen]
            seconds, megabytes = run(command)
            print(f"{minutes:8.1f} {seconds:8.1f} {seconds / minutes:16.1f} {megabytes:8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--audio", type=Path, help="default: the MFA monologues joined, ~80 s")
    parser.add_argument(
        "--model",
        help=f"Whisper model (default: the one analyze picks; {DEFAULT_MODEL} for "
        "the warm step and the bare whisper checkpoint)",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help="engine of the warm step and the long answers (the cold step runs both)",
    )
    parser.add_argument("--long", action="store_true", help="also analyze 7.5, 15 and 30 minutes of speech")
    parser.add_argument("--only-long", action="store_true", help="only the long answers")
    args = parser.parse_args()
    if args.audio and not args.audio.is_file():
        raise SystemExit(f"{args.audio} is missing.")
    subprocess.run([str(BIN / "mockmic"), "models"], check=True, capture_output=True)  # converts models once
    with tempfile.TemporaryDirectory() as directory:
        audio = args.audio.resolve() if args.audio else joined_answer(Path(directory))
        if not args.only_long:
            warm(audio, args.model or DEFAULT_MODEL, args.engine, args.runs)
            cold(audio, args.model, args.runs)
        if args.long or args.only_long:
            long_audio(audio, args.model, args.engine)


if __name__ == "__main__":
    main()
