"""The `mockmic` command: parses options, calls the pipeline, prints. The only module that exits."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.text import Text

from . import __version__
from .engine import DEFAULT_ENGINE, ENGINES
from .errors import MockmicError
from .text import clock

if TYPE_CHECKING:
    from . import library, questions, recorder
    from .transcribe import Progress, Transcript

EXIT_USER_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockmic",
        description="A private, local coach for spoken interview answers.",
    )
    parser.add_argument("--version", action="version", version=f"mockmic {__version__}")
    parser.add_argument(
        "--models-dir", help="where Whisper models live (default: $MOCKMIC_MODELS, ./models, user data dir)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    transcribe = commands.add_parser("transcribe", help="transcribe an answer with word timestamps")
    transcribe.add_argument("file", help="audio file (wav, flac, ogg, mp3, m4a, webm, mp4)")
    _add_model_options(transcribe)
    transcribe.add_argument("--json", action="store_true", help="print one JSON document")

    analyze = commands.add_parser("analyze", help="transcribe an answer, measure how it was said, and coach")
    analyze.add_argument("file", help="audio file (wav, flac, ogg, mp3, m4a, webm, mp4)")
    _add_model_options(analyze)
    _add_question_options(analyze)
    analyze.add_argument("--json", action="store_true", help="print one JSON document")
    analyze.add_argument("--save", action="store_true", help="keep the take in the library")

    commands.add_parser("models", help="list Whisper models and whether they work offline")
    commands.add_parser("devices", help="list the microphones (input devices)")

    history = commands.add_parser("history", help="list stored takes, newest first")
    history.add_argument("--question", help="only takes of this question")
    history.add_argument("--json", action="store_true", help="print a JSON array")
    show = commands.add_parser("show", help="the full report of a stored take")
    show.add_argument("id", type=int, help="take id (see `mockmic history`)")
    show.add_argument("--json", action="store_true", help="print one JSON document")
    play = commands.add_parser("play", help="play a stored take from a moment through the speakers")
    play.add_argument("id", type=int, help="take id (see `mockmic history`)")
    play.add_argument("--at", default="0:00", metavar="M:SS", help="where to start, as the report writes moments (0:42)")
    play.add_argument("--seconds", type=float, help="stop after this many seconds (else at the end; Ctrl-C stops it)")
    play.add_argument("--device", help="output device index or part of its name")
    compare = commands.add_parser("compare", help="stored takes side by side, changes marked better or worse")
    compare.add_argument("ids", type=int, nargs="+", metavar="ID", help="two or more take ids, oldest first")
    compare.add_argument("--json", action="store_true", help="print one JSON document")
    progress = commands.add_parser("progress", help="each score over your takes, per question")
    progress.add_argument("--question", help="only takes of this question")
    progress.add_argument("--combined", action="store_true", help="one series over every question's takes")
    progress.add_argument("--json", action="store_true", help="print one JSON document")
    delete = commands.add_parser("delete", help="delete a stored take and every copy of its audio")
    delete.add_argument("id", type=int)
    delete.add_argument("--yes", action="store_true", help="delete without asking (needed without a terminal)")
    export = commands.add_parser("export", help="write stored takes to a JSON or CSV file")
    export.add_argument("id", type=int, nargs="?", help="take id (or --all)")
    export.add_argument("--all", action="store_true", help="every take")
    export.add_argument("--format", choices=("json", "csv"), help="default: from --out's extension (.csv, .json), else json")
    export.add_argument("--out", required=True, help="file to write")
    export.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    library = commands.add_parser("library", help="check the library, adopt audio without a take, repair a damaged one")
    actions = library.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="list audio without a take and takes without audio; changes nothing")
    check.add_argument("--json", action="store_true", help="print one JSON document")
    adopt = actions.add_parser("adopt", help="analyse each audio file without a take and store it as a take again")
    adopt.add_argument(
        "--question", help="question id (default: the one its practice recording answered, else intro)"
    )
    adopt.add_argument("--questions", dest="questions_file", metavar="FILE", help="your own questions (TOML)")
    adopt.add_argument("--language", choices=("auto", "en", "es"), default="auto", help="language (default: detected)")
    adopt.add_argument("--model", help="Whisper model (see `mockmic models`)")
    actions.add_parser("repair", help="rescue the takes a damaged database still holds into a new one, keeping the old")
    reanalyze = commands.add_parser("reanalyze", help="recompute a stored take's analysis with this version")
    reanalyze.add_argument("id", type=int, nargs="?", help="take id (or --all)")
    reanalyze.add_argument("--all", action="store_true", help="every take")
    reanalyze.add_argument("--questions", dest="questions_file", metavar="FILE", help="your own questions (TOML)")
    from .questions import TOML_FORMAT

    questions = commands.add_parser(
        "questions", help="list the interview questions to practise", epilog=TOML_FORMAT,
        description="List the interview questions to practise: the bank, then your own.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    questions.add_argument("--questions", dest="questions_file", metavar="FILE", help="your own questions (TOML)")

    record = commands.add_parser("record", help="record an answer from the microphone to a WAV file")
    record.add_argument("out", help="where to write the recording (WAV)")
    _add_recording_options(record)

    practice = commands.add_parser("practice", help="answer a question out loud, then get its analysis")
    _add_question_options(practice)
    practice.add_argument("--prep", type=float, default=0, metavar="SECONDS", help="preparation countdown first")
    _add_recording_options(practice)
    _add_model_options(practice)
    return parser


def _add_question_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--question", help="question id (default: intro, 'Tell me about yourself'; see `mockmic questions`)")
    command.add_argument(
        "--questions", dest="questions_file", metavar="FILE",
        help="your own questions (TOML; default: questions.toml in the user data directory)",
    )  # fmt: skip


def _question(args: argparse.Namespace) -> "questions.Question":
    from . import questions

    return questions.get_question(args.question, _questions_file(args))


def _questions_file(args: argparse.Namespace) -> Path | None:
    return Path(args.questions_file) if args.questions_file else None


def _add_recording_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--device", help="input device index or part of its name (see `mockmic devices`)")
    command.add_argument("--seconds", type=float, help="stop after this many seconds (else Enter or Ctrl-C)")
    command.add_argument("--samplerate", type=int, help="recording rate in Hz (default: the device's own)")


def _add_model_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--language", choices=("auto", "en", "es"), default="auto",
        help="language of the answer (default: auto, detected by the bundled multilingual model)",
    )  # fmt: skip
    command.add_argument(
        "--model", help="Whisper model (default: tiny.en for English, base for Spanish; see `mockmic models`)"
    )
    command.add_argument(
        "--engine", choices=ENGINES, default=DEFAULT_ENGINE,
        help=f"Whisper engine (default: {DEFAULT_ENGINE}, int8 on the CPU; openai-whisper runs PyTorch)",
    )  # fmt: skip


def _transcribe(args: argparse.Namespace, out: Console) -> None:
    from . import config, pipeline, report, schema

    with _analysis_progress(quiet=args.json) as progress:
        audio, transcript = pipeline.load_and_transcribe(
            Path(args.file), language=args.language, model=args.model, engine=args.engine,
            models_dir=config.models_dir(args.models_dir), progress=progress,
        )  # fmt: skip
    _language_notice(transcript)
    if args.json:
        _print_json(out, schema.transcript_document(audio, transcript))
    else:
        out.print(report.transcript_renderable(audio, transcript))


def _analyze(args: argparse.Namespace, out: Console) -> None:
    from . import config, pipeline, report, schema

    library = _library() if args.save else None
    with _analysis_progress(quiet=args.json) as progress:
        analysis = pipeline.analyze(
            Path(args.file), _question(args), language=args.language, model=args.model, engine=args.engine,
            models_dir=config.models_dir(args.models_dir), earlier=pipeline.earlier_takes(library) if library else (),
            progress=progress,
        )  # fmt: skip
    _language_notice(analysis.transcript)
    take_id = pipeline.save(library, Path(args.file), analysis) if library else None
    parts = analysis.audio, analysis.transcript, analysis.metrics, analysis.feedback
    if args.json:
        _print_json(out, schema.analysis_document(*parts) | ({"take_id": take_id} if take_id else {}))
    else:
        out.print(report.analysis_renderable(*parts))
        if library:
            out.print(report.stored_line(take_id, analysis.metrics.language), highlight=False)


@contextlib.contextmanager
def _analysis_progress(*, quiet: bool) -> Iterator["Progress | None"]:
    """A transient progress line on stderr while an answer is analysed: the step, elapsed time, and
    once transcription has begun an estimate of the rest. None with --json or when stderr is no terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich import progress as bars

    from . import report

    columns = (bars.SpinnerColumn(), bars.TextColumn("{task.description}"), bars.BarColumn(),
               bars.TimeElapsedColumn(), bars.TimeRemainingColumn())  # fmt: skip
    with bars.Progress(*columns, console=Console(stderr=True), transient=True) as display:
        task = display.add_task(report.progress_step("reading"), total=None)

        def update(step: str, done: float, total: float) -> None:
            display.update(task, description=report.progress_step(step), completed=done, total=total or None)

        yield update


def _language_notice(transcript: "Transcript") -> None:
    """One line on stderr when the audio contradicts the language it was forced into."""
    from . import report

    if line := report.language_notice(transcript):
        print(line, file=sys.stderr)


def _print_json(out: Console, document: object) -> None:
    from . import schema

    out.print(schema.to_json(document), markup=False, highlight=False, soft_wrap=True)


def _models(args: argparse.Namespace, out: Console) -> None:
    from . import config, models, report

    directory = config.models_dir(args.models_dir)
    out.print(report.models_renderable(models.list_models(directory), str(directory)))


def _library() -> "library.Library":
    from . import library

    return library.Library.open()


def _history(args: argparse.Namespace, out: Console) -> None:
    from . import report, schema

    library = _library()
    takes = library.takes(args.question)
    if args.json:
        _print_json(out, [schema.take_summary(t) for t in takes])
    else:
        out.print(report.history_renderable(takes))
    if loose := library.loose_names():
        Console(stderr=True).print(
            f"mockmic: {len(loose)} audio file(s) in the library have no take; `mockmic library check` lists them "
            f"and `mockmic library adopt` makes them takes again.", highlight=False, soft_wrap=True,
        )  # fmt: skip


def _show(args: argparse.Namespace, out: Console) -> None:
    from . import report, schema

    take = _library().get(args.id)
    if args.json:
        _print_json(out, {"schema": schema.TAKE_SCHEMA, **schema.take_document(take)})
    else:
        out.print(report.stored_take_renderable(take))


def _play(args: argparse.Namespace, out: Console) -> None:
    from . import player

    take = _library().get(args.id)
    at = player.parse_moment(args.at)
    device = int(args.device) if args.device and args.device.isdigit() else args.device
    played = player.play(take.audio_path, at=at, seconds=args.seconds, device=device)
    out.print(f"Played take {take.id} from {args.at} ({played:.1f} s).", highlight=False)


def _compare(args: argparse.Namespace, out: Console) -> None:
    from . import compare, questions, report, schema

    if len(set(args.ids)) < len(args.ids) or len(args.ids) < 2:
        raise MockmicError("Give two or more different take ids to compare, e.g. `mockmic compare 1 4`.")
    library = _library()
    takes = [library.get(i) for i in args.ids]
    comparison = compare.compare(takes, questions.question_of_take(takes[-1].question_id))
    if args.json:
        _print_json(out, {"schema": schema.COMPARISON_SCHEMA, **comparison.as_dict()})
    else:
        for warning in comparison.warnings:
            out.print(Text(warning, style="yellow"), soft_wrap=True)
        out.print(report.comparison_renderable(comparison))


def _progress(args: argparse.Namespace, out: Console) -> None:
    from . import compare, questions, report, schema

    takes = list(reversed(_library().takes(args.question)))
    series = compare.progress(takes, per_question=not args.combined)
    if args.json:
        _print_json(out, {"schema": schema.PROGRESS_SCHEMA, "series": [s.as_dict() for s in series]})
        return
    if not series:
        out.print(report.progress_renderable([]))
    bank = questions.load_questions()
    for s in series:
        if s.question_id is not None:
            asked = bank.get(s.question_id)
            out.print(Text(f"{s.question_id}: {asked.text_in(s.language)}" if asked else s.question_id, style="bold"))
        ids = set(s.take_ids)
        out.print(report.progress_renderable([t for t in takes if t.id in ids]))


def _delete(args: argparse.Namespace, out: Console) -> None:
    library = _library()
    take = library.get(args.id)
    if not args.yes:
        if not sys.stdin.isatty():
            raise MockmicError("Give --yes to delete a take when stdin is not a terminal: there is no one to confirm it.")
        when = take.created_at[:16].replace("T", " ")
        try:
            answer = out.input(f"Delete take {take.id} ({take.question_id}, {when} UTC) and its audio? [y/N] ", markup=False)
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "s", "si", "sí"):
            out.print(f"Kept take {take.id}.", highlight=False)
            return
    removed = library.delete(take.id)
    files = f" and {len(removed)} audio file(s): " + ", ".join(str(p) for p in removed) if removed else ""
    out.print(f"Deleted take {take.id}{files}.", highlight=False, soft_wrap=True)


def _export(args: argparse.Namespace, out: Console) -> None:
    from . import report, schema

    path = Path(args.out)
    form = args.format or ("csv" if path.suffix.lower() == ".csv" else "json")
    if path.exists() and not args.force:
        raise MockmicError(f"{args.out} already exists; give --force to overwrite it, or choose another --out.")
    library = _library()
    takes = _chosen_takes(library, args)
    if form == "csv":
        text = report.takes_csv(takes)
    else:
        text = schema.to_json([schema.take_document(t) for t in takes])
    try:
        with open(path, "w" if args.force else "x", encoding="utf-8") as f:  # "x": never over a file made meanwhile
            f.write(text)
    except FileExistsError as e:
        raise MockmicError(f"{args.out} already exists; give --force to overwrite it, or choose another --out.") from e
    except OSError as e:
        raise MockmicError(f"Cannot write {args.out} ({e.strerror}); choose another path.") from e
    out.print(f"Exported {len(takes)} take(s) to {args.out} as {form.upper()}.", highlight=False)


def _reanalyze(args: argparse.Namespace, out: Console) -> None:
    from . import config, pipeline, report

    library = _library()
    takes = _chosen_takes(library, args)
    if not takes:
        out.print("No takes to reanalyse: `mockmic practice` records one.", highlight=False)
    for take in takes:
        pipeline.reanalyze(
            library, take.id, models_dir=config.models_dir(args.models_dir),
            questions_file=_questions_file(args),
        )  # fmt: skip
        out.print(report.reanalysed_line(take, library.get(take.id)), highlight=False)


def _library_command(args: argparse.Namespace, out: Console) -> None:
    {"check": _library_check, "adopt": _library_adopt, "repair": _library_repair}[args.action](args, out)


def _library_check(args: argparse.Namespace, out: Console) -> None:
    from . import schema

    check = _library().check()
    if args.json:
        _print_json(out, schema.check_document(check))
        return
    out.print(f"{check.takes} take(s); {len(check.loose)} audio file(s) without a take; "
              f"{len(check.missing_audio)} take(s) without audio.", highlight=False)  # fmt: skip
    for audio in check.loose:
        size = f"{audio.size / 1e6:.1f} MB" if audio.size >= 100_000 else f"{audio.size / 1e3:.0f} kB"
        line = f"  {audio.path}  {size}, copied in {audio.copied_at[:16].replace('T', ' ')} UTC"
        if audio.recording:
            line += f"; the practice recording {audio.recording.name} ({audio.question_id})"
        if not audio.whole:
            line += "; not a whole copy (its content does not match its name), so it cannot be adopted"
        out.print(line, highlight=False, soft_wrap=True, markup=False)
    if any(a.whole for a in check.loose):
        out.print("`mockmic library adopt` analyses them and stores them as takes again; nothing is removed unless "
                  "you remove it.", highlight=False, soft_wrap=True)  # fmt: skip
    for take_id in check.missing_audio:
        out.print(f"  take {take_id}: its audio file is gone; `mockmic delete {take_id}` removes the take.", highlight=False)


def _library_adopt(args: argparse.Namespace, out: Console) -> None:
    from . import config, pipeline, questions

    library = _library()
    library.finish_copies()
    loose = [a for a in library.check().loose if a.whole]
    if not loose:
        out.print("No audio without a take: nothing to adopt.", highlight=False)
        return
    asked = questions.get_question(args.question, _questions_file(args)) if args.question else None
    err = Console(stderr=True)
    failed = 0
    for audio in loose:
        try:
            question = asked or questions.question_of_take(audio.question_id or questions.DEFAULT_ID, _questions_file(args))
            analysis = pipeline.analyze(
                audio.path, question, language=args.language, model=args.model,
                models_dir=config.models_dir(args.models_dir), earlier=pipeline.earlier_takes(library),
            )  # fmt: skip
            if not analysis.metrics.word_count:
                out.print(f"{audio.path.name}: no speech was recognised, so it stays as it is (not a take).", highlight=False)
                continue
            created_at = audio.recorded_at or audio.copied_at
            take_id = library.adopt(
                audio, question_id=analysis.feedback.question_id, created_at=created_at,
                duration_s=analysis.audio.duration_s, transcript=analysis.transcript, metrics=analysis.metrics,
                feedback=analysis.feedback,
            )  # fmt: skip
        except MockmicError as e:
            failed += 1
            err.print(f"mockmic: {audio.path.name}: {e}", markup=False, highlight=False, soft_wrap=True)
            continue
        out.print(f"Adopted {audio.path.name} as take {take_id} ({question.id}, "
                  f"{created_at[:16].replace('T', ' ')} UTC).", highlight=False, soft_wrap=True)  # fmt: skip
    if failed:
        raise MockmicError(f"{failed} of {len(loose)} audio file(s) could not be adopted (why is said above); they stay "
                           f"in the library, and `mockmic library check` lists them.")  # fmt: skip


def _library_repair(args: argparse.Namespace, out: Console) -> None:
    from . import library

    result = library.repair()
    if result.damaged:
        out.print(f"Rescued {result.salvaged} take(s) into a new {library.DB_NAME}; {result.unreadable} could not be "
                  f"read. The damaged database is kept as {result.backup}.", highlight=False, soft_wrap=True)  # fmt: skip
    else:
        out.print(f"The library database is not damaged ({result.salvaged} take(s)): nothing to repair.", highlight=False)
    if result.loose:
        out.print(f"{result.loose} audio file(s) have no take: `mockmic library adopt` analyses them and stores them "
                  f"as takes again (`mockmic library check` lists them).", highlight=False, soft_wrap=True)  # fmt: skip


def _chosen_takes(library: "library.Library", args: argparse.Namespace) -> list:
    if args.all == (args.id is not None):
        raise MockmicError("Give one take id or --all.")
    return library.takes() if args.all else [library.get(args.id)]


def _questions(args: argparse.Namespace, out: Console) -> None:
    from . import questions, report

    bank = questions.load_questions(_questions_file(args))
    out.print(report.questions_renderable(list(bank.values())))


def _devices(args: argparse.Namespace, out: Console) -> None:
    from . import recorder, report

    out.print(report.devices_renderable(recorder.input_devices()))


def _record(args: argparse.Namespace, out: Console) -> None:
    recording = _take(args, Path(args.out), target=None)
    out.print(_saved_line(recording), highlight=False, soft_wrap=True)


def _practice(args: argparse.Namespace, out: Console) -> None:
    from . import config, pipeline, report

    question = _question(args)
    low, high = question.target_s
    text = question.text_in(args.language)
    out.print(report.question_line(text, low, high, args.language))  # "Pregunta:" for a Spanish answer
    _countdown(args.prep, out)
    takes = config.user_data_dir() / "recordings"
    takes.mkdir(parents=True, exist_ok=True)
    path = takes / f"{time.strftime('%Y%m%d-%H%M%S')}-{question.id}.wav"
    recording = _take(args, path, target=question.target_s)
    out.print(_saved_line(recording), highlight=False, soft_wrap=True)
    library = _library()
    with _analysis_progress(quiet=False) as progress:
        analysis = pipeline.analyze(
            path, question, language=args.language, model=args.model, engine=args.engine,
            models_dir=config.models_dir(args.models_dir), earlier=pipeline.earlier_takes(library),
            progress=progress,
        )  # fmt: skip
    _language_notice(analysis.transcript)
    take_id = pipeline.save(library, path, analysis)
    out.print(report.analysis_renderable(analysis.audio, analysis.transcript, analysis.metrics,
                                         analysis.feedback))  # fmt: skip
    out.print(report.stored_line(take_id, analysis.metrics.language, hint=True), highlight=False)


def _take(args: argparse.Namespace, path: Path, target: tuple[float, float] | None) -> "recorder.Recording":
    from . import recorder

    interactive = sys.stdin.isatty()
    if not interactive and args.seconds is None:
        raise MockmicError("Give --seconds when stdin is not a terminal: there is no Enter key to stop the take.")
    stop = threading.Event()
    if interactive:
        threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
    options = recorder.RecordOptions(
        device=int(args.device) if args.device and args.device.isdigit() else args.device,
        samplerate=args.samplerate, seconds=args.seconds,
    )  # fmt: skip
    with _library_chatter_hidden() as stderr:
        err = Console(file=stderr, stderr=True, force_terminal=sys.stderr.isatty())
        meter = _Meter(err, target, live=sys.stderr.isatty())
        if interactive:
            err.print("Recording… press Enter to stop.", highlight=False)
        try:
            recording = recorder.record(path, options, on_level=meter.show, should_stop=stop.is_set)
        finally:
            meter.close()
    for note in recording.notes:
        Console(stderr=True).print(f"mockmic: {note}", highlight=False)
    return recording


@contextlib.contextmanager
def _library_chatter_hidden() -> "Iterator[TextIO]":
    """Silence what PortAudio, ALSA and libpulse print on stderr while a take runs; yield the real stderr.

    They write diagnostics such as "Expression 'alsa_snd_pcm_poll_descriptors_revents(...)' failed"
    straight to file descriptor 2, which would bury mockmic's own one-sentence messages.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    real = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8")
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield real
    finally:
        real.flush()
        os.dup2(saved, 2)
        os.close(saved)
        real.close()


class _Meter:
    """The live line: elapsed time (against the target), input level, clipping and silence warnings."""

    def __init__(self, console: Console, target: tuple[float, float] | None, live: bool) -> None:
        self.console, self.target, self.live = console, target, live
        self.last_draw = 0.0
        self.last_clip = -10.0

    def show(self, level: "recorder.Level") -> None:
        if level.clipped:
            self.last_clip = level.elapsed_s
        if not self.live or time.monotonic() - self.last_draw < 0.1:
            return
        self.last_draw = time.monotonic()
        self.console.file.write("\r" + self.line(level) + "\x1b[K")
        self.console.file.flush()

    def line(self, level: "recorder.Level") -> str:
        elapsed = clock(level.elapsed_s)
        if self.target:
            elapsed += f" / {clock(self.target[0])}–{clock(self.target[1])}"
        filled = int(max(0.0, min(1.0, (level.rms_dbfs + 60) / 60)) * 20)
        bar = "█" * filled + "·" * (20 - filled)
        warnings = []
        if level.elapsed_s - self.last_clip < 1.0:
            warnings.append("CLIPPING: move back or lower the input gain")
        if level.silent_for_s >= 3.0:
            warnings.append(f"no sound for {level.silent_for_s:.0f} s: is the microphone muted?")
        return f"● {elapsed}  {bar} {level.rms_dbfs:5.0f} dBFS  " + "  ".join(warnings)

    def close(self) -> None:
        if self.live:
            self.console.file.write("\n")
            self.console.file.flush()


def _saved_line(recording: "recorder.Recording") -> str:
    channels = "channel" if recording.channels == 1 else "channels"
    line = (
        f"Saved {recording.seconds:.1f} s to {recording.path} ({recording.samplerate} Hz, {recording.channels} "
        f"{channels}); input overflows: {recording.overflows}"
    )
    if recording.overflows:
        line += " (blocks were dropped: close other programs or use a larger --device buffer)"
    if recording.clipped_blocks:
        line += f"; clipped in {recording.clipped_blocks} blocks"
    return line + "."


def _countdown(seconds: float, out: Console) -> None:
    for remaining in range(int(seconds), 0, -1):
        out.print(f"Prepare… {remaining}", highlight=False)
        time.sleep(1)


COMMANDS = {
    "transcribe": _transcribe, "analyze": _analyze, "models": _models,
    "devices": _devices, "record": _record, "practice": _practice, "questions": _questions,
    "history": _history, "show": _show, "play": _play, "compare": _compare, "progress": _progress, "delete": _delete,
    "export": _export, "reanalyze": _reanalyze, "library": _library_command,
}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out = Console()
    err = Console(stderr=True)
    try:
        COMMANDS[args.command](args, out)
    except MockmicError as e:
        err.print(f"mockmic: {e}", markup=False, highlight=False, soft_wrap=True)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        err.print("mockmic: interrupted.", highlight=False)
        return 130
    return 0


def run() -> None:
    sys.exit(main())
