"""The `mockmic` command line: every command and its options, as argparse parses them. Parsing (and
printing help or usage errors) is `cli.main`'s; this module only describes the commands."""

from __future__ import annotations

import argparse

from . import __version__
from .engine import DEFAULT_ENGINE, ENGINES


def parser() -> argparse.ArgumentParser:
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
    _add_html_options(analyze)

    batch = commands.add_parser("batch", help="analyse a cohort's answers into one CSV (locally or on a Dask cluster)")
    batch.add_argument(
        "source", help="a folder of answers (searched recursively) or a .csv with path[, question, language, candidate]"
    )
    batch.add_argument(
        "--out", required=True, metavar="RESULTS.csv", help="rows are added as answers finish; a rerun skips done ones"
    )
    batch.add_argument("--html-dir", metavar="DIR", help="also write each candidate's visual report there")
    batch.add_argument(
        "--question", default="intro", help="question id for answers whose row names none (default: intro)"
    )
    _add_model_options(batch)  # --language: for answers whose row names none
    batch.add_argument("--jobs", type=int, help="local worker processes (default: one a core, at most 4)")
    batch.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask scheduler's workers instead")

    serve = commands.add_parser("serve", help="the coach as a local web app in your browser (127.0.0.1 only)")
    serve.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765)")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this computer only; another opens your takes to its network)",
    )
    serve.add_argument("--open", action="store_true", help="open the app in the default browser")
    serve.add_argument("--model", help="Whisper model (default: tiny.en for English, base for Spanish)")
    serve.add_argument(
        "--engine", choices=ENGINES, default=DEFAULT_ENGINE, help=f"Whisper engine (default: {DEFAULT_ENGINE})"
    )
    serve.add_argument(
        "--questions", dest="questions_file", metavar="FILE", help="your own questions (TOML), beside the bank"
    )

    commands.add_parser("models", help="list Whisper models and whether they work offline")
    commands.add_parser("devices", help="list the microphones (input devices)")

    history = commands.add_parser("history", help="list stored takes, newest first")
    history.add_argument("--question", help="only takes of this question")
    history.add_argument("--json", action="store_true", help="print a JSON array")
    show = commands.add_parser("show", help="the full report of a stored take")
    show.add_argument("id", type=int, help="take id (see `mockmic history`)")
    show.add_argument("--json", action="store_true", help="print one JSON document")
    _add_html_options(show)
    play = commands.add_parser("play", help="play a stored take from a moment through the speakers")
    play.add_argument("id", type=int, help="take id (see `mockmic history`)")
    play.add_argument(
        "--at", default="0:00", metavar="M:SS", help="where to start, as the report writes moments (0:42)"
    )
    play.add_argument("--seconds", type=float, help="stop after this many seconds (else at the end; Ctrl-C stops it)")
    play.add_argument("--device", help="output device index or part of its name")
    compare = commands.add_parser("compare", help="stored takes side by side, changes marked better or worse")
    compare.add_argument("ids", type=int, nargs="+", metavar="ID", help="two or more take ids, oldest first")
    compare.add_argument("--json", action="store_true", help="print one JSON document")
    _add_html_options(compare)
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
    export.add_argument(
        "--format", choices=("json", "csv"), help="default: from --out's extension (.csv, .json), else json"
    )
    export.add_argument("--out", required=True, help="file to write")
    export.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    library = commands.add_parser("library", help="check the library, adopt audio without a take, repair a damaged one")
    actions = library.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="list audio without a take and takes without audio; changes nothing")
    check.add_argument("--json", action="store_true", help="print one JSON document")
    adopt = actions.add_parser("adopt", help="analyse each audio file without a take and store it as a take again")
    adopt.add_argument("--question", help="question id (default: the one its practice recording answered, else intro)")
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
        "questions",
        help="list the interview questions to practise",
        epilog=TOML_FORMAT,
        description="List the interview questions to practise: the bank, then your own.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    questions.add_argument("--questions", dest="questions_file", metavar="FILE", help="your own questions (TOML)")

    record = commands.add_parser("record", help="record an answer from the microphone to a WAV file")
    record.add_argument("out", help="where to write the recording (WAV)")
    _add_recording_options(record)

    practice = commands.add_parser("practice", help="answer a question out loud, then get its analysis")
    _add_question_options(practice)
    practice.add_argument("--prep", type=float, default=0, metavar="SECONDS", help="preparation countdown first")
    _add_recording_options(practice, rate="16000 while transcribing as you speak, else the device's own")
    _add_model_options(practice)
    practice.add_argument(
        "--analyze-after",
        action="store_true",
        help="transcribe only once the take ends (no work while you speak; the feedback comes later)",
    )
    practice.add_argument(
        "--live",
        action="store_true",
        help="show pace over the last 15 s and fillers so far while you speak (they trail you by up to 30 s)",
    )
    return parser


def _add_question_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--question", help="question id (default: intro, 'Tell me about yourself'; see `mockmic questions`)"
    )
    command.add_argument(
        "--questions",
        dest="questions_file",
        metavar="FILE",
        help="your own questions (TOML; default: questions.toml in the user data directory)",
    )


def _add_recording_options(command: argparse.ArgumentParser, *, rate: str = "the device's own") -> None:
    command.add_argument("--device", help="input device index or part of its name (see `mockmic devices`)")
    command.add_argument("--seconds", type=float, help="stop after this many seconds (else Enter or Ctrl-C)")
    command.add_argument("--samplerate", type=int, help=f"recording rate in Hz (default: {rate})")


def _add_html_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--html", metavar="OUT", help="also write a visual report: one self-contained HTML file, the audio inside"
    )
    command.add_argument("--open", action="store_true", help="open the --html report in the default browser")


def _add_model_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--language",
        choices=("auto", "en", "es"),
        default="auto",
        help="language of the answer (default: auto, detected by the bundled multilingual model)",
    )
    command.add_argument(
        "--model", help="Whisper model (default: tiny.en for English, base for Spanish; see `mockmic models`)"
    )
    command.add_argument(
        "--engine",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help=f"Whisper engine (default: {DEFAULT_ENGINE}, int8 on the CPU; openai-whisper runs PyTorch)",
    )
