"""The `mockmic` command: parses options, calls the pipeline, prints. The only module that exits."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from . import options
from .errors import MockmicError

if TYPE_CHECKING:
    from . import library, live, page, questions, recorder
    from .transcribe import Progress, Transcript

EXIT_USER_ERROR = 2


def _question(args: argparse.Namespace) -> questions.Question:
    from . import questions

    return questions.get_question(args.question, _questions_file(args))


def _questions_file(args: argparse.Namespace) -> Path | None:
    return Path(args.questions_file) if args.questions_file else None


def _transcribe(args: argparse.Namespace, out: Console) -> None:
    from . import config, pipeline, report, schema

    with _analysis_progress(quiet=args.json) as progress:
        audio, transcript = pipeline.load_and_transcribe(
            Path(args.file),
            language=args.language,
            model=args.model,
            engine=args.engine,
            models_dir=config.models_dir(args.models_dir),
            progress=progress,
        )
    _language_notice(transcript)
    if args.json:
        _print_json(out, schema.transcript_document(audio, transcript))
    else:
        out.print(report.transcript_renderable(audio.path, audio.duration_s, transcript))


def _analyze(args: argparse.Namespace, out: Console) -> None:
    from . import config, page, pipeline, report, schema

    _check_html(args)
    library = _library() if args.save else None
    question = _question(args)
    with _analysis_progress(quiet=args.json) as progress:
        analysis = pipeline.analyze(
            Path(args.file),
            question,
            language=args.language,
            model=args.model,
            engine=args.engine,
            models_dir=config.models_dir(args.models_dir),
            earlier=pipeline.earlier_takes(library) if library else (),
            progress=progress,
        )
    _language_notice(analysis.transcript)
    take_id = pipeline.save(library, Path(args.file), analysis) if library else None
    if args.json:
        document = schema.analysis_document(analysis.audio, analysis.transcript, analysis.metrics, analysis.feedback)
        _print_json(out, document | ({"take_id": take_id} if take_id else {}))
    else:
        out.print(report.answer_renderable(analysis))
        if library:
            out.print(report.stored_line(take_id, analysis.metrics.language), highlight=False)
    _write_page(args, lambda: page.answer_page(page.analysed(analysis, question)))


@contextlib.contextmanager
def _analysis_progress(*, quiet: bool) -> Iterator[Progress | None]:
    """A transient progress line on stderr while an answer is analysed: the step, elapsed time, and
    once transcription has begun an estimate of the rest. None with --json or when stderr is no terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich import progress as bars

    from . import report

    columns = (
        bars.SpinnerColumn(),
        bars.TextColumn("{task.description}"),
        bars.BarColumn(),
        bars.TimeElapsedColumn(),
        bars.TimeRemainingColumn(),
    )
    with bars.Progress(*columns, console=Console(stderr=True), transient=True) as display:
        task = display.add_task(report.progress_step("reading"), total=None)

        def update(step: str, done: float, total: float) -> None:
            display.update(task, description=report.progress_step(step), completed=done, total=total or None)

        yield update


def _language_notice(transcript: Transcript) -> None:
    """One line on stderr when the audio contradicts the language it was forced into."""
    from . import report

    if line := report.language_notice(transcript):
        print(line, file=sys.stderr)


def _print_json(out: Console, document: object) -> None:
    from . import schema

    out.print(schema.to_json(document), markup=False, highlight=False, soft_wrap=True)


def _models(args: argparse.Namespace, out: Console) -> None:
    from . import config, models, views

    directory = config.models_dir(args.models_dir)
    out.print(views.models_renderable(models.list_models(directory), str(directory)))


def _library() -> library.Library:
    from . import library

    return library.Library.open()


def _history(args: argparse.Namespace, out: Console) -> None:
    from . import schema, views

    library = _library()
    takes = library.takes(args.question)
    if args.json:
        _print_json(out, [schema.take_summary(t) for t in takes])
    else:
        out.print(views.history_renderable(takes))
    if loose := library.loose_names():
        Console(stderr=True).print(f"mockmic: {views.loose_notice(len(loose))}", highlight=False, soft_wrap=True)


def _show(args: argparse.Namespace, out: Console) -> None:
    from . import page, schema, views

    _check_html(args)
    take = _library().get(args.id)
    if args.json:
        _print_json(out, {"schema": schema.TAKE_SCHEMA, **schema.take_document(take)})
    else:
        out.print(views.stored_take_renderable(take))
    _write_page(args, lambda: page.answer_page(_stored_answer(take)))


def _play(args: argparse.Namespace, out: Console) -> None:
    from . import player

    take = _library().get(args.id)
    at = player.parse_moment(args.at)
    device = int(args.device) if args.device and args.device.isdigit() else args.device
    played = player.play(take.audio_path, at=at, seconds=args.seconds, device=device)
    out.print(f"Played take {take.id} from {args.at} ({played:.1f} s).", highlight=False)


def _compare(args: argparse.Namespace, out: Console) -> None:
    from . import compare, page, questions, schema, views

    if len(set(args.ids)) < len(args.ids) or len(args.ids) < 2:
        raise MockmicError("Give two or more different take ids to compare, e.g. `mockmic compare 1 4`.")
    _check_html(args)
    library = _library()
    takes = [library.get(i) for i in args.ids]
    question = questions.question_of_take(takes[-1].question_id)
    comparison = compare.compare(takes, question)
    if args.json:
        _print_json(out, schema.comparison_document(comparison))
    else:
        for warning in comparison.warnings:
            out.print(Text(warning, style="yellow"), soft_wrap=True)
        out.print(views.comparison_renderable(comparison))
    _write_page(args, lambda: page.compare_page([_stored_answer(t) for t in takes], comparison, question))


def _stored_answer(take: library.StoredTake) -> page.Answer:
    """A stored take for the visual report, with its audio when the library still has it (else the page
    says so, and shows the rest)."""
    from . import library, page, questions

    return page.stored(take, questions.question_of_take(take.question_id), library.stored_audio(take))


def _check_html(args: argparse.Namespace) -> None:
    """Refuse --open without --html, and an --html path that cannot be written, before any work is done."""
    if args.open and not args.html:
        raise MockmicError("--open opens the visual report: give it a file to write with --html OUT.")
    if args.html and not Path(args.html).parent.is_dir():
        raise MockmicError(f"{Path(args.html).parent} is not a folder; give --html a path in an existing folder.")


def _write_page(args: argparse.Namespace, make: Callable[[], str]) -> None:
    """Write the visual report to --html (and open it with --open), saying where on stderr."""
    if not args.html:
        return
    path = Path(args.html)
    try:
        path.write_text(make(), encoding="utf-8")
    except OSError as e:
        raise MockmicError(f"Could not write the visual report to {path} ({e.strerror}); choose another path.") from e
    print(f"Wrote the visual report to {path} ({path.stat().st_size / 1e6:.1f} MB).", file=sys.stderr)
    if args.open:
        _open_in_browser(path.resolve().as_uri())


def _open_in_browser(url: str) -> None:
    """`url` in the default browser, or one line saying to open it."""
    import webbrowser

    if not webbrowser.open(url):
        print(f"No browser could be opened here; open {url} yourself.", file=sys.stderr)


def _batch(args: argparse.Namespace, out: Console) -> None:
    import os

    from rich import progress as bars

    from . import batch, engine, questions

    if args.jobs is not None and args.jobs < 1:
        raise MockmicError("Give --jobs a number of worker processes of 1 or more.")
    if args.models_dir:
        os.environ["MOCKMIC_MODELS"] = str(Path(args.models_dir).resolve())  # the local workers read it
    settings = batch.Settings(
        question=args.question, language=args.language, model=args.model, engine=args.engine, html=bool(args.html_dir)
    )
    questions.get_question(settings.question)  # an unknown question is said before any work
    answers = batch.answers_in(Path(args.source), settings)
    if not answers:
        raise MockmicError(f"No audio files in {args.source}; give a folder of answers or a .csv listing them.")
    if args.scheduler:
        make, workers = _dask_executor(args.scheduler)
    else:
        workers = args.jobs or min(4, engine.cores())
        make = batch.local_pool(workers)
    results = batch.Results(Path(args.out))
    counts = {"analysed": 0, "skipped": 0, "errors": 0}
    columns = (
        bars.SpinnerColumn(),
        bars.TextColumn("{task.description}"),
        bars.BarColumn(),
        bars.MofNCompleteColumn(),
        bars.TextColumn("{task.fields[rate]}"),
        bars.TimeElapsedColumn(),
        bars.TimeRemainingColumn(),
    )
    started = time.monotonic()
    try:
        with bars.Progress(*columns, console=Console(stderr=True), disable=not sys.stderr.isatty()) as display:
            task = display.add_task("Analysing", total=len(answers), rate="")
            html_dir = Path(args.html_dir) if args.html_dir else None
            for row in batch.run(answers, settings, results, make, in_flight=2 * workers, html_dir=html_dir):
                kind = "skipped" if row.get("skipped") else "errors" if row.get("error") else "analysed"
                counts[kind] += 1
                per_minute = 60 * (counts["analysed"] + counts["errors"]) / max(1e-9, time.monotonic() - started)
                display.update(task, advance=1, rate=f"{per_minute:.1f}/min")
    finally:
        results.close()
    out.print(
        f"{counts['analysed']} answer(s) analysed, {counts['skipped']} skipped (already in {args.out}), "
        f"{counts['errors']} with an error (its sentence is in the error column); {workers} worker(s), "
        f"{time.monotonic() - started:.0f} s.",
        highlight=False,
        soft_wrap=True,
    )


def _dask_executor(address: str):
    """A Dask scheduler's workers as a concurrent.futures executor, and how many threads they have."""
    try:
        from distributed import Client
    except ImportError as e:
        raise MockmicError("--scheduler needs Dask: pip install 'dask[distributed]' here and on the workers.") from e
    try:
        client = Client(address, timeout="10s")
    except OSError as e:
        raise MockmicError(f"No Dask scheduler answers at {address} ({e}); start `dask scheduler` there.") from e
    threads = sum(client.nthreads().values())
    if not threads:
        raise MockmicError(f"The Dask scheduler at {address} has no workers; start `dask worker {address}`.")
    return client.get_executor, threads


def _serve(args: argparse.Namespace, out: Console) -> None:
    from . import config, serve

    hosts = serve.LOCAL_HOSTS
    if args.host not in serve.LOCAL_HOSTS:
        hosts = (*hosts, args.host)
        print(
            f"mockmic: listening on {args.host}: anyone who can reach it on that network can record, read and "
            "delete your takes. Use the default (127.0.0.1) unless you mean that.",
            file=sys.stderr,
        )
    options = serve.ServeOptions(
        models_dir=config.models_dir(args.models_dir),
        engine=args.engine,
        model=args.model,
        questions_file=_questions_file(args),
        hosts=hosts,
    )
    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}/"

    def ready() -> None:
        out.print(f"mockmic is at {url} (Ctrl-C stops it).", highlight=False)
        if args.open:
            _open_in_browser(url)

    try:
        serve.run(options, host=args.host, port=args.port, on_ready=ready)
    except OSError as e:
        raise MockmicError(f"Cannot listen on {args.host}:{args.port} ({e.strerror}); choose another --port.") from e


def _progress(args: argparse.Namespace, out: Console) -> None:
    from . import compare, questions, schema, views

    takes = list(reversed(_library().takes(args.question)))
    series = compare.progress(takes, per_question=not args.combined)
    if args.json:
        _print_json(out, schema.progress_document(series))
        return
    for renderable in views.progress_renderables(series, takes, questions.load_questions()):
        out.print(renderable)


def _delete(args: argparse.Namespace, out: Console) -> None:
    library = _library()
    take = library.get(args.id)
    if not args.yes:
        if not sys.stdin.isatty():
            raise MockmicError(
                "Give --yes to delete a take when stdin is not a terminal: there is no one to confirm it."
            )
        when = take.created_at[:16].replace("T", " ")
        try:
            answer = out.input(
                f"Delete take {take.id} ({take.question_id}, {when} UTC) and its audio? [y/N] ", markup=False
            )
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "s", "si", "sí"):
            out.print(f"Kept take {take.id}.", highlight=False)
            return
    removed = library.delete(take.id)
    files = f" and {len(removed)} audio file(s): " + ", ".join(str(p) for p in removed) if removed else ""
    out.print(f"Deleted take {take.id}{files}.", highlight=False, soft_wrap=True)


def _export(args: argparse.Namespace, out: Console) -> None:
    from . import export

    form = export.target_format(args.out, args.format, force=args.force)
    takes = _chosen_takes(_library(), args)
    export.write(takes, args.out, form, force=args.force)
    out.print(f"Exported {len(takes)} take(s) to {args.out} as {form.upper()}.", highlight=False)


def _reanalyze(args: argparse.Namespace, out: Console) -> None:
    from . import config, pipeline, views

    library = _library()
    takes = _chosen_takes(library, args)
    if not takes:
        out.print("No takes to reanalyse: `mockmic practice` records one.", highlight=False)
    for take in takes:
        pipeline.reanalyze(
            library,
            take.id,
            models_dir=config.models_dir(args.models_dir),
            questions_file=_questions_file(args),
        )
        out.print(views.reanalysed_line(take, library.get(take.id)), highlight=False)


def _library_command(args: argparse.Namespace, out: Console) -> None:
    {"check": _library_check, "adopt": _library_adopt, "repair": _library_repair}[args.action](args, out)


def _library_check(args: argparse.Namespace, out: Console) -> None:
    from . import schema, views

    check = _library().check()
    if args.json:
        _print_json(out, schema.check_document(check))
        return
    for line, soft_wrap in views.check_lines(check):
        out.print(line, highlight=False, soft_wrap=soft_wrap, markup=False)


def _library_adopt(args: argparse.Namespace, out: Console) -> None:
    from . import config, pipeline, questions, views

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
            stored_as = audio.question_id or questions.DEFAULT_ID
            question = asked or questions.question_of_take(stored_as, _questions_file(args))
            take_id = pipeline.adopt(
                library,
                audio,
                question,
                language=args.language,
                model=args.model,
                models_dir=config.models_dir(args.models_dir),
            )
        except MockmicError as e:
            failed += 1
            err.print(f"mockmic: {audio.path.name}: {e}", markup=False, highlight=False, soft_wrap=True)
            continue
        out.print(views.adopted_line(audio, take_id, question.id), highlight=False, soft_wrap=take_id is not None)
    if failed:
        raise MockmicError(
            f"{failed} of {len(loose)} audio file(s) could not be adopted (why is said above); they stay "
            f"in the library, and `mockmic library check` lists them."
        )


def _library_repair(args: argparse.Namespace, out: Console) -> None:
    from . import repair, views

    result = repair.repair()
    for line, soft_wrap in views.repair_lines(result):
        out.print(line, highlight=False, soft_wrap=soft_wrap)


def _chosen_takes(library: library.Library, args: argparse.Namespace) -> list:
    if args.all == (args.id is not None):
        raise MockmicError("Give one take id or --all.")
    return library.takes() if args.all else [library.get(args.id)]


def _questions(args: argparse.Namespace, out: Console) -> None:
    from . import questions, views

    bank = questions.load_questions(_questions_file(args))
    out.print(views.questions_renderable(list(bank.values())))


def _devices(args: argparse.Namespace, out: Console) -> None:
    from . import recorder, views

    out.print(views.devices_renderable(recorder.input_devices()))


def _record(args: argparse.Namespace, out: Console) -> None:
    from . import recorder

    recording = _take(args, Path(args.out), target=None)
    out.print(recorder.saved_line(recording), highlight=False, soft_wrap=True)


def _practice(args: argparse.Namespace, out: Console) -> None:
    from . import config, library, live, pipeline, recorder, report

    if args.live and args.analyze_after:
        raise MockmicError("--live shows what is transcribed while you speak, so leave out --analyze-after.")
    question = _question(args)
    low, high = question.target_s
    path = library.practice_path(question.id)
    takes = _library()
    chosen = {
        "language": args.language,
        "model": args.model,
        "models_dir": config.models_dir(args.models_dir),
        "earlier": pipeline.earlier_takes(takes),
    }
    session = None if args.analyze_after else live.Live(path, question, engine_name=args.engine, **chosen)
    with session or contextlib.nullcontext():
        if session:  # the models load before the question is shown, not after the take
            with Console(stderr=True).status(report.progress_step("loading"), spinner="dots"):
                session.load()
        text = question.text_in(args.language)
        out.print(report.question_line(text, low, high, args.language))  # "Pregunta:" for a Spanish answer
        _countdown(args.prep, out)
        recording = _take(args, path, target=question.target_s, live=session)
        out.print(recorder.saved_line(recording), highlight=False, soft_wrap=True)
        if session and (line := report.live_notice(*session.behind(recording.seconds))):
            print(line, file=sys.stderr)
        with _analysis_progress(quiet=False) as progress:
            if session:
                analysis = session.finish(progress)
            else:
                analysis = pipeline.analyze(path, question, engine=args.engine, progress=progress, **chosen)
    _language_notice(analysis.transcript)
    take_id = pipeline.save(takes, path, analysis)
    out.print(report.answer_renderable(analysis))
    out.print(report.stored_line(take_id, analysis.metrics.language, hint=True), highlight=False)


def _take(
    args: argparse.Namespace, path: Path, target: tuple[float, float] | None, live: live.Live | None = None
) -> recorder.Recording:
    """One take from the microphone into `path`; with `live`, each block goes to it too, recorded at
    16 kHz unless --samplerate says otherwise (the rate the analysis reads: nothing to resample)."""
    from . import constants, recorder, report

    interactive = sys.stdin.isatty()
    if not interactive and args.seconds is None:
        raise MockmicError("Give --seconds when stdin is not a terminal: there is no Enter key to stop the take.")
    stop = threading.Event()
    if interactive:
        threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
    options = recorder.RecordOptions(
        device=int(args.device) if args.device and args.device.isdigit() else args.device,
        samplerate=args.samplerate or (constants.SAMPLE_RATE if live else None),
        seconds=args.seconds,
    )
    with recorder.native_stderr_hidden() as stderr:
        err = Console(file=stderr, stderr=True, force_terminal=sys.stderr.isatty())
        figures = (lambda: report.live_line(live.so_far)) if live and getattr(args, "live", False) else None
        meter = _Meter(err, target, live=sys.stderr.isatty(), figures=figures)
        if interactive:
            err.print("Recording… press Enter to stop.", highlight=False)
        try:
            recording = recorder.record(
                path, options, on_level=meter.show, should_stop=stop.is_set, on_audio=live.feed if live else None
            )
        finally:
            meter.close()
    for note in recording.notes:
        Console(stderr=True).print(f"mockmic: {note}", highlight=False)
    return recording


class _Meter:
    """The live line: elapsed time (against the target), input level, clipping and silence warnings;
    with `figures`, what the transcription has so far (practice --live)."""

    def __init__(
        self,
        console: Console,
        target: tuple[float, float] | None,
        live: bool,
        figures: Callable[[], str] | None = None,
    ) -> None:
        self.console, self.target, self.live, self.figures = console, target, live, figures
        self.last_draw = 0.0
        self.last_clip = -10.0

    def show(self, level: recorder.Level) -> None:
        if level.clipped:
            self.last_clip = level.elapsed_s
        if not self.live or time.monotonic() - self.last_draw < 0.1:
            return
        self.last_draw = time.monotonic()
        self.console.file.write("\r" + self.line(level) + "\x1b[K")
        self.console.file.flush()

    def line(self, level: recorder.Level) -> str:
        from . import recorder

        line = recorder.meter_line(level, self.target, clipped=level.elapsed_s - self.last_clip < 1.0)
        return f"{line}  {self.figures()}" if self.figures else line

    def close(self) -> None:
        if self.live:
            self.console.file.write("\n")
            self.console.file.flush()


def _countdown(seconds: float, out: Console) -> None:
    for remaining in range(int(seconds), 0, -1):
        out.print(f"Prepare… {remaining}", highlight=False)
        time.sleep(1)


COMMANDS = {
    "transcribe": _transcribe,
    "analyze": _analyze,
    "models": _models,
    "devices": _devices,
    "record": _record,
    "practice": _practice,
    "questions": _questions,
    "history": _history,
    "show": _show,
    "play": _play,
    "compare": _compare,
    "progress": _progress,
    "serve": _serve,
    "batch": _batch,
    "delete": _delete,
    "export": _export,
    "reanalyze": _reanalyze,
    "library": _library_command,
}


def main(argv: list[str] | None = None) -> int:
    args = options.parser().parse_args(argv)
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
