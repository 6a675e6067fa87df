"""Golden renders: the whole one-answer report (English and Spanish) and two library views, drawn from
constructed answers (tests/fixtures.py, no model) in an 80-column console without colour, compared with
the text checked in under tests/golden/. Any change to what the report shows, its layout or its words
shows up here as a diff a reviewer can read.

After a change you meant, regenerate the files and review their diff:

    MOCKMIC_REGOLD=1 .venv/bin/python -m pytest -q tests/test_golden.py
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from mockmic import measure as m
from mockmic import report, views
from mockmic.compare import compare
from mockmic.feedback import assess
from mockmic.questions import get_question
from mockmic.transcribe import Transcript
from tests import fixtures as f
from tests.test_report import stored_take

GOLDEN = Path(__file__).parent / "golden"
REGOLD = "MOCKMIC_REGOLD"  # set (to anything) to write the renders instead of comparing them


def render80(*renderables: object) -> str:
    console = Console(width=80, color_system=None, file=io.StringIO(), legacy_windows=False)
    for renderable in renderables:
        console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get(REGOLD):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with {REGOLD}=1 to write it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs: run with {REGOLD}=1 and review the diff"


def answer(text: str, language: str, filler: str, hedge: str) -> tuple[Transcript, m.Metrics]:
    """A 75 s answer (fixtures.metrics) of `text`: its second word a filler, its third and fourth a hedge,
    a 1.6 s pause mid-sentence after the seventh, 9 fillers per 100 words and flat pitch for 10 s."""
    words = f.words(text)
    hesitant = f.pause(words[6].end, 1.6, after_word=6)
    metrics = f.metrics(
        language=language,
        pauses=f.pauses(f.pause(words[2].end, 0.4, kind="between_sentences", after_word=2), hesitant, per_minute=1.6),
        fillers=f.fillers(
            f.marked(filler, words[1].start, words[1].end, 1), count=16, per_100_words=9.0, per_minute=12.8
        ),
        hedges=f.hedges(f.marked(hedge, words[3].start, words[4].end, 3, 4)),
        pitch=f.pitch(windows=(m.PitchWindow(0, 10, 3.0), m.PitchWindow(10, 20, 1.1))),
        sentences=(f.sentence(start=words[0].start, end=words[-1].end, first_word=0, last_word=len(words) - 1),),
    )
    return Transcript(words, language, "tiny.en" if language == "en" else "base"), metrics


@pytest.mark.parametrize(
    ("language", "text", "filler", "hedge"),
    [
        ("en", "So, um, I think I led a team and then shipped the checkout service to production.", "um", "i think"),
        (
            "es",
            "Pues, eh, creo que dirigí un equipo y luego lancé el servicio de pagos a producción.",
            "eh",
            "creo que",
        ),
    ],
)
def test_one_answer_report(language: str, text: str, filler: str, hedge: str) -> None:
    transcript, metrics = answer(text, language, filler, hedge)
    feedback = assess(metrics, get_question("intro"), transcript.words)
    assert feedback.tips and feedback.went_well  # the render shows both
    check(f"report_{language}.txt", render80(report.analysis_renderable("answer.wav", transcript, metrics, feedback)))


def test_history_and_compare() -> None:
    first = stored_take(1, "en", wpm=120.0, fillers_per_100=12.5, tips=["fillers", "slow"])
    second = stored_take(2, "en", wpm=135.0, fillers_per_100=4.0, tips=["slow"])
    comparison = compare([first, second], get_question("intro"))
    check(
        "history_compare_en.txt",
        render80(views.history_renderable([second, first]), views.comparison_renderable(comparison)),
    )
