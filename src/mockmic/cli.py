"""The `mockmic` command: parses options, calls the pipeline, prints. The only module that exits."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from . import __version__
from .errors import MockmicError

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

    analyze = commands.add_parser("analyze", help="transcribe an answer and measure how it was said")
    analyze.add_argument("file", help="audio file (wav, flac, ogg, mp3, m4a, webm, mp4)")
    _add_model_options(analyze)
    analyze.add_argument("--json", action="store_true", help="print one JSON document")

    commands.add_parser("models", help="list Whisper models and whether they work offline")
    return parser


def _add_model_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--language", choices=("en", "es", "auto"), default="en",
        help="language of the answer (default: en; auto detects it with a multilingual model)",
    )  # fmt: skip
    command.add_argument(
        "--model", help="Whisper model (default: tiny.en for en, base for es and auto; see `mockmic models`)"
    )


def _transcribe(args: argparse.Namespace, out: Console) -> None:
    from . import config, pipeline, report

    audio, transcript = pipeline.load_and_transcribe(
        Path(args.file), language=args.language, model=args.model, models_dir=config.models_dir(args.models_dir)
    )
    if args.json:
        _print_json(out, report.transcript_document(audio, transcript))
    else:
        out.print(report.transcript_renderable(audio, transcript))


def _analyze(args: argparse.Namespace, out: Console) -> None:
    from . import config, pipeline, report

    audio, transcript, metrics = pipeline.analyze(
        Path(args.file), language=args.language, model=args.model, models_dir=config.models_dir(args.models_dir)
    )
    if args.json:
        _print_json(out, report.analysis_document(audio, transcript, metrics))
    else:
        out.print(report.analysis_renderable(audio, transcript, metrics))


def _print_json(out: Console, document: dict) -> None:
    from . import report

    out.print(report.to_json(document), markup=False, highlight=False, soft_wrap=True)


def _models(args: argparse.Namespace, out: Console) -> None:
    from . import config, models, report

    directory = config.models_dir(args.models_dir)
    out.print(report.models_renderable(models.list_models(directory), str(directory)))


COMMANDS = {"transcribe": _transcribe, "analyze": _analyze, "models": _models}


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
