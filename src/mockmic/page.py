"""The visual report: one self-contained HTML file for an answer (`analyze --html`, `show --html`) or for
takes compared (`compare --html`). Everything is inside it: the plots as SVG (figures.py), the style,
a few lines of script, and the answer's audio as Ogg/Opus, so it works offline and from an e-mail
attachment, and no request leaves it. Every word, mark and tip plays the answer from its moment.

The page is a Jinja2 template (templates/report.html) with autoescaping on: every text from the user
(question texts come from their TOML files) or the transcript is shown as text, never read as markup.
Words come from the text catalogs (`mockmic.text`), in the answer's language. Nothing here reads or
writes files: the caller hands the audio in and writes the page out.
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import figures, report
from .audio import Audio
from .compare import Comparison
from .errors import MockmicError
from .feedback import Feedback
from .measure import Metrics
from .questions import DIMENSIONS, Question
from .text import clock, has, number, say
from .transcribe import Transcript, language_name
from .views import tip_names

if TYPE_CHECKING:
    from .library import StoredTake
    from .pipeline import Analysis

# Ogg/Opus at 16 kbit/s, where Opus's guide puts wideband speech (https://wiki.xiph.org/Opus_Recommended_Settings):
# 2 minutes take about 240 KB, 320 KB as base64. ffmpeg's libopus encodes it (ffmpeg reads the formats
# libsndfile lacks already): libsndfile's own encoder took 1.9 s for a 63 s answer, ffmpeg 0.47 s at
# complexity 5 (0.9 s at its default 10, for 2% fewer bytes).
OPUS_RATE = 16_000  # the analysis rate; Opus codes it as wideband
OPUS_ENCODE = ["-c:a", "libopus", "-b:a", "16k", "-compression_level", "5", "-application", "voip", "-f", "ogg"]


@dataclass(frozen=True)
class Answer:
    """One take as the page shows it."""

    title: str  # the file's name or "Take 12"
    details: str  # what, when, which model
    question: str  # the question's text in the answer's language
    target_s: tuple[float, float] | None
    transcript: Transcript
    metrics: Metrics
    feedback: Feedback | None
    audio: Audio | None  # None: its audio is gone, the page says so
    clipped_share: float = 0.0
    audio_url: str | None = None  # where a server serves the audio; None: the audio goes inside the page


def analysed(analysis: Analysis, question: Question) -> Answer:
    """An answer just analysed (`analyze --html`), headed by its file's name."""
    a, lang = analysis, analysis.metrics.language
    return Answer(
        title=Path(a.audio.path).name if a.audio.path else say("report.recording", lang),
        details=_details(a.metrics, a.transcript),
        question=question.text_in(lang),
        target_s=question.target_s,
        transcript=a.transcript,
        metrics=a.metrics,
        feedback=a.feedback,
        audio=a.audio,
        clipped_share=a.audio.clipped_share,
    )


def stored(take: StoredTake, question: Question, audio: Audio | None, *, audio_url: str | None = None) -> Answer:
    """A take of the library (`show --html`, `compare --html`, `mockmic serve`); `audio` is its stored audio,
    None when gone; `audio_url` where a server serves it (else it goes inside the page)."""
    lang = take.metrics.language
    when = take.created_at[:16].replace("T", " ")
    return Answer(
        title=say("show.take", lang, take=take.id),
        details=f"{when} UTC · {_details(take.metrics, take.transcript)}",
        question=question.text_in(lang),
        target_s=question.target_s,
        transcript=take.transcript,
        metrics=take.metrics,
        feedback=take.feedback,
        audio=audio,
        audio_url=audio_url if audio is not None else None,
    )


def _details(m: Metrics, transcript: Transcript) -> str:
    language = language_name(transcript.language) if transcript.language else say("report.language_unknown", "en")
    duration = number(m.duration_s, ".1f", m.language)
    return say("page.answer_details", m.language, duration=duration, model=transcript.model, language=language)


def answer_page(answer: Answer, *, nav: list[dict[str, str]] = ()) -> str:
    """The page of one answer; `nav` links (href, label) head it when `mockmic serve` serves it."""
    lang = answer.metrics.language
    return _template().render(
        nav=nav,
        lang=lang,
        title=answer.title,
        compare=None,
        takes=[_take(answer, until_s=None, key="a")],
        t=functools.partial(say, lang=lang),
    )


def compare_page(
    answers: list[Answer], comparison: Comparison, question: Question, *, nav: list[dict[str, str]] = ()
) -> str:
    """The page of takes compared: the table of measures with better and worse marked, the scores
    over the takes, and every take's timeline one above the other on the same time scale."""
    lang = comparison.language
    until = max(max(a.metrics.duration_s for a in answers), question.target_s[1])
    rows = [
        {
            "label": say(row.label, lang),
            "cells": [
                {
                    "value": number(value, "g", lang),
                    "delta": number(delta, "+g", lang) if delta is not None and i else "",
                    "verdict": (verdict or "") if i else "",
                    "verdict_text": say(f"compare.{verdict}", lang) if verdict and i else "",
                }
                for i, (value, delta, verdict) in enumerate(zip(row.values, row.deltas, row.verdicts))
            ],
        }
        for row in comparison.rows
    ]
    scores = {name: [a.feedback.scores.get(name) if a.feedback else None for a in answers] for name in DIMENSIONS}
    summary = {
        "take_ids": comparison.take_ids,
        "rows": rows,
        "warnings": comparison.warnings,
        "trend": figures.trend(list(comparison.take_ids), scores, lang),
        "resolved": tip_names(comparison.tips_resolved, lang) if comparison.tips_resolved else "",
        "new": tip_names(comparison.tips_new, lang) if comparison.tips_new else "",
    }
    return _template().render(
        nav=nav,
        lang=lang,
        title=say("page.compare_title", lang, takes=", ".join(f"#{i}" for i in comparison.take_ids)),
        compare=summary,
        takes=[_take(a, until_s=until, key=f"a{n}", full=False) for n, a in enumerate(answers)],
        t=functools.partial(say, lang=lang),
    )


def opus_data_uri(audio: Audio) -> str:
    """The answer as an Ogg/Opus data: URI, mono at OPUS_RATE."""
    import shutil
    import subprocess

    samples = audio.samples
    if audio.sample_rate != OPUS_RATE:
        import soxr

        samples = soxr.resample(samples, audio.sample_rate, OPUS_RATE)
    if shutil.which("ffmpeg") is None:
        raise MockmicError("The visual report needs ffmpeg to put the audio in; install it (apt-get install ffmpeg).")
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    raw = ["-f", "s16le", "-ar", str(OPUS_RATE), "-ac", "1", "-i", "pipe:0"]
    try:
        encoded = subprocess.run(
            ["ffmpeg", "-v", "error", "-nostdin", *raw, *OPUS_ENCODE, "pipe:1"],
            input=pcm,
            capture_output=True,
            check=True,
        ).stdout
    except subprocess.CalledProcessError as e:
        reason = e.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        raise MockmicError(f"ffmpeg could not encode the report's audio ({reason[0]}); check its install.") from e
    return "data:audio/ogg;base64," + base64.b64encode(encoded).decode("ascii")


# --- one take's parts ----------------------------------------------------------------------------------


def _take(answer: Answer, *, until_s: float | None, key: str, full: bool = True) -> dict:
    """What the template shows of one take: `full` adds the pitch, the pace, the scores and the transcript
    (a comparison shows each take's timeline only)."""
    m, lang = answer.metrics, answer.metrics.language
    plots = []
    trace = figures.traces(answer.audio, m) if answer.audio is not None else _silent_trace(m)
    # one time scale for every plot of the page, so that a moment lies at one place on all of them
    until_s = until_s or max(trace.duration_s, answer.target_s[1] if answer.target_s else 0.0)
    plots.append(("timeline", figures.timeline(trace, m, answer.target_s, lang, until_s=until_s)))
    if full and answer.transcript.words:
        plots.append(("pitch", figures.contour(trace, m, lang, until_s=until_s)))
        plots.append(("pace", figures.pace_plot(answer.transcript, m, until_s, lang)))
    return {
        "key": key,
        "title": answer.title,
        "details": answer.details,
        "question": answer.question,
        "target": say("report.aim_for", lang, low=clock(answer.target_s[0]), high=clock(answer.target_s[1]))
        if answer.target_s
        else "",
        "audio": answer.audio_url or (opus_data_uri(answer.audio) if answer.audio is not None else None),
        "notices": _notices(answer),
        "plots": [{"name": name, "plot": plot, "caption": say(f"page.{name}", lang)} for name, plot in plots],
        "scores": _scores(answer.feedback) if full and answer.feedback else [],
        "tips": [
            {"text": tip.message, "at": tip.at_s, "clock": clock(tip.at_s) if tip.at_s is not None else ""}
            for tip in answer.feedback.tips
        ]
        if answer.feedback
        else [],
        "went_well": list(answer.feedback.went_well) if full and answer.feedback else [],
        "transcript": _transcript(answer.transcript, m) if full else [],
        "pause_marks": [report.pause_mark(seconds, lang) for seconds in (1.0, 2.0)],  # the legend's examples
    }


def _silent_trace(m: Metrics) -> figures.Traces:
    """A take whose audio is gone: its timeline keeps the pauses and marks, without the level."""
    times = np.arange(int(m.duration_s / figures.HOP_S)) * figures.HOP_S
    return figures.Traces(times, np.full(len(times), figures.FLOOR_DB), np.full(len(times), np.nan), m.duration_s)


def _notices(answer: Answer) -> list[str]:
    """What makes the take's measures less trustworthy, first (as the terminal report says it)."""
    lang = answer.metrics.language
    notices = report.recording_notices(answer.metrics, answer.clipped_share)
    if not answer.transcript.words:
        notices.append(say("report.no_speech", lang))
    if answer.audio is None:
        notices.append(say("page.no_audio", lang))
    return notices


def _scores(feedback: Feedback) -> list[dict]:
    """Each score with the evidence that moved it, as the terminal's score table gives them."""
    lang = feedback.language
    return [
        {
            "name": say(f"score.{row.name}", lang),
            "score": "—" if row.score is None else str(row.score),
            "grade": "none"
            if row.score is None
            else "good"
            if row.score >= 80
            else "fair"
            if row.score >= 60
            else "poor",
            "why": list(row.reasons)
            or [say("report.not_scored" if row.score is None else "report.nothing_to_take_off", lang)],
            "compared": row.compared,
        }
        for row in report.score_rows(feedback)
    ]


def _transcript(transcript: Transcript, m: Metrics) -> list[dict]:
    """The words and pauses in order, each with its moment and its kind (the template's class): filler,
    hedge, doubtful, or a pause between sentences, mid-sentence or hesitant (as the terminal marks them)."""
    return [
        {
            "text": piece.text,
            "at": round(piece.at, 2),
            "kind": f"pause {'hesitant' if piece.hesitant else piece.pause.kind}" if piece.pause else piece.kind,
        }
        for piece in report.transcript_pieces(transcript, m)
    ]


@functools.cache
def _template():
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("mockmic", "templates"),
        autoescape=True,  # every text is escaped: question texts are the user's, words the transcript's
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.globals["has"] = has
    return environment.get_template("report.html")
