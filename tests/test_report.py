"""Terminal rendering into a fixed-width console, and the JSON documents."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from rich.console import Console

from mockmic import report, views
from mockmic.audio import Audio
from mockmic.transcribe import Transcript, Word
from tests import fixtures as f


def render(renderable: object, width: int = 80) -> str:
    console = Console(width=width, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


AUDIO = Audio(np.zeros(16_000 * 3, dtype=np.float32), 44_100, 2, "answer.wav")
TRANSCRIPT = Transcript(
    words=(Word("Hello,", 0.12, 0.5, 0.98), Word("um", 0.9, 1.1, 0.31), Word("world.", 1.3, 1.8, 0.9)),
    language="en",
    model="tiny.en",
)


def test_transcript_renders_text_and_every_word_timing() -> None:
    text = render(report.transcript_renderable(AUDIO.path, AUDIO.duration_s, TRANSCRIPT))
    lines = text.splitlines()
    assert lines[0] == "answer.wav  3.0 s · tiny.en · en"
    assert "Hello, um world." in text
    assert "0.12–0.50" in text and "Hello," in text
    assert "0.90–1.10" in text and "1.30–1.80" in text
    assert all(len(line) <= 80 for line in lines)


def test_empty_transcript_says_so() -> None:
    text = render(report.transcript_renderable(AUDIO.path, AUDIO.duration_s, Transcript((), "en", "tiny.en")))
    assert "No speech was recognised" in text


def test_analysis_marks_pauses_inline_and_lists_metrics_with_targets() -> None:
    words, metrics = f.short_answer()
    transcript = Transcript(words=words, language="en", model="tiny.en")
    text = render(report.analysis_renderable(AUDIO.path, transcript, metrics), width=100)
    assert "Um, I think we [1.8 s] shipped it." in text
    assert "88 words/min" in text and "130–160 words/min" in text
    assert "20.0 per 100 words" in text and "under 5 per 100 words" in text
    assert "1 ≥ 1 s, longest 1.8 s" in text and "none mid-sentence over 1.2 s" in text
    assert "too little voiced speech" in text
    assert "“shipped it” ×2" in text


def test_pause_marks_are_never_split_across_lines() -> None:
    words, metrics = f.short_answer()
    transcript = Transcript(words=words, language="en", model="tiny.en")
    for width in range(8, 41):
        lines = render(report.marked_transcript(transcript, metrics), width=width).splitlines()
        assert "[1.8 s]" in lines[[i for i, line in enumerate(lines) if "[1.8" in line][0]], width
        assert " ".join(line.strip() for line in lines) == "Um, I think we [1.8 s] shipped it.", width
        assert max(map(len, lines)) <= width
    limits = report._pause_limits(metrics)  # 0.25 s, 1 s, 1.2 s: a mark never rounds across one
    assert report.pause_mark(0.25, "en", limits) == "[0.25 s]" and report.pause_mark(0.97, "es", limits) == "[0,97 s]"
    assert report.pause_mark(1.44, "en", limits) == "[1.4 s]"


def test_analysis_of_silence_says_there_is_nothing_to_measure() -> None:
    _, metrics = f.short_answer()
    text = render(report.analysis_renderable(AUDIO.path, Transcript((), None, "tiny.en"), metrics))
    assert "No speech was recognised" in text


def test_feedback_renders_scores_evidence_tips_and_praise() -> None:
    from mockmic.feedback import assess
    from mockmic.questions import get_question

    words, metrics = f.short_answer()
    feedback = assess(metrics, get_question("intro"), words)
    text = render(report.feedback_renderable(feedback), width=120)
    assert "Scores" in text and "conciseness" in text and "compared with norms" in text
    assert "What to change" in text and "5. At 0:01 you paused 1.8 s mid-sentence after “Um I think we”" in text
    assert "−8: mid-sentence pauses over 1.2 s: 1" in text
    assert feedback.scores["enthusiasm"] is None  # the constructed answer has no pitch
    assert "enthusiasm    │     — │ not scored: no pitch measured: too little voiced speech" in text


def test_spanish_answer_gets_the_whole_report_in_spanish() -> None:
    from dataclasses import replace

    from mockmic.feedback import assess
    from mockmic.questions import get_question

    words, english = f.short_answer()
    metrics = replace(english, language="es")
    feedback = assess(metrics, get_question("intro"), words)
    text = render(report.analysis_renderable(AUDIO.path, Transcript(words, "es", "base"), metrics, feedback), width=240)
    assert "muletilla  rodeo  [0,4 s] pausa  [1,8 s] pausa larga a mitad de frase" in text
    assert "Um, I think we [1,8 s] shipped it." in text
    assert "88 palabras/min" in text and "130–160 palabras/min" in text
    assert "menos de 5 por cada 100 palabras, sin referencia validada" in text
    assert "muy poca voz para medir el tono" in text  # measure's reason, translated
    assert "[comparado con las referencias]" in text
    assert "−8: pausas de más de 1,2 s a mitad de frase: 1 (referencia: menos de 1,2 s a mitad de frase)" in text
    assert "muletillas: 1 (20,0 por cada 100 palabras)" in text and "1 ≥ 1 s, la más larga 1,8 s" in text  # 2,5 not 2.5
    assert "sin puntuar: tono sin medir: muy poca voz" in text
    assert "60–90 s para esta pregunta" in text  # the question's target, as the score judged it
    english_words = ("words/min", "per 100 words", "what moved it", "norm:", "compared with", "not scored", "pause ")
    assert not [w for w in english_words if w in text]


@pytest.mark.slow
def test_spanish_evidence_against_the_speakers_own_takes() -> None:
    from dataclasses import replace

    from mockmic.feedback import assess
    from mockmic.questions import get_question
    from mockmic.rules import Baseline

    words, english = f.short_answer()
    feedback = assess(
        replace(english, language="es"), get_question("intro"), words, Baseline(takes=4, pitch_sd=3.1, wpm=142)
    )
    assert feedback.comparisons["enthusiasm"] == "tus 4 tomas anteriores"
    assert feedback.comparisons["clarity"] == "las referencias"  # pace is scored on the norm; the usual pace only shown
    text = render(report.feedback_renderable(feedback), width=240)
    assert "88 palabras por minuto (referencia: 130–160 palabras/min; lo habitual en ti: 142)" in text
    assert "[comparado con las referencias]" in text


def test_reasons_stored_as_english_sentences_read_as_before() -> None:
    """Takes stored before reasons became codes hold measure's English sentences."""
    from dataclasses import replace

    from mockmic import measure as m
    from mockmic import schema

    _, english = f.short_answer()
    old = replace(
        english,
        pitch=replace(
            english.pitch, reason="too little voiced speech for pitch (whispered, hoarse, or buried in noise?)"
        ),
        loudness=m.Loudness(None, "no voiced speech to measure loudness on"),
    )  # before b7aa67f
    revived = schema.from_dict(m.Metrics, json.loads(schema.to_json(schema.as_dict(old))))
    text = render(report.metrics_table(revived), width=200)
    assert "too little voiced speech for pitch (whispered" in text and "no voiced speech to measure loudness on" in text
    spanish = render(report.metrics_table(replace(revived, language="es")), width=200)
    assert "muy poca voz para medir el tono" in spanish and "no hay voz en la que medir el volumen" in spanish
    assert schema.from_dict(m.Metrics, schema.as_dict(english)).pitch.reason == "too_little_voice"  # stored now


def test_spanish_silence_says_so_in_spanish() -> None:
    from dataclasses import replace

    _, metrics = f.short_answer()
    text = render(report.analysis_renderable(AUDIO.path, Transcript((), "es", "base"), replace(metrics, language="es")))
    assert "No se reconoció habla en este audio" in text


def stored_take(take_id: int, language: str, *, wpm: float, fillers_per_100: float, tips: list[str]):
    from dataclasses import replace
    from pathlib import Path

    from mockmic.feedback import Feedback
    from mockmic.library import StoredTake
    from mockmic.rules import Tip

    _, made = f.short_answer()
    metrics = replace(
        made,
        speaking_span_s=75.0,
        words_per_minute=wpm,
        language=language,
        fillers=replace(made.fillers, per_100_words=fillers_per_100),
        pitch=replace(made.pitch, sd_semitones=2.5),
        loudness=replace(made.loudness, sd_db=6.0),
        pauses=replace(made.pauses, items=()),
    )
    feedback = Feedback(
        {"conciseness": 70 + take_id, "enthusiasm": 60, "assertiveness": 80, "clarity": 75},
        (),
        tuple(Tip(tip, "", None, 0.0) for tip in tips),
        (),
        language,
        "intro",
    )
    when = f"2026-11-{take_id:02d}T10:00:00"
    return StoredTake(
        take_id,
        "intro",
        when,
        when,
        Path("a.flac"),
        75.0,
        language,
        "base",
        "openai-whisper",
        "0.1.0",
        Transcript((), language, "base"),
        metrics,
        feedback,
    )


def test_takes_of_a_spanish_speaker_are_listed_and_compared_in_spanish() -> None:
    from mockmic.compare import compare
    from mockmic.questions import get_question

    first = stored_take(1, "es", wpm=120.0, fillers_per_100=12.5, tips=["fillers", "slow"])
    second = stored_take(2, "es", wpm=135.0, fillers_per_100=4.0, tips=["slow"])
    history = render(views.history_renderable([second, first]), width=120)
    assert "Tomas, la más reciente primero" in history and "ppm" in history and "12,5" in history
    compared = render(views.comparison_renderable(compare([first, second], get_question("intro"))), width=120)
    assert "Tomas comparadas (cambio respecto a la primera)" in compared and "toma 2" in compared
    assert "palabras por minuto" in compared and "135 (+15, mejor)" in compared
    assert "muletillas por cada 100 palabras" in compared and "4 (-8,5, mejor)" in compared
    assert "Consejos que ya no recibes: muletillas" in compared
    progress = render(views.progress_renderable([first, second]), width=120)
    assert "Puntuación de 2 tomas, la más antigua primero" in progress and "concisión" in progress


def test_takes_in_two_languages_are_listed_in_english() -> None:
    from mockmic.compare import compare
    from mockmic.questions import get_question

    takes = [
        stored_take(1, "es", wpm=120.0, fillers_per_100=12.5, tips=["fillers"]),
        stored_take(2, "en", wpm=135.0, fillers_per_100=4.0, tips=[]),
    ]
    assert "Takes, newest first" in render(views.history_renderable(takes), width=120)
    compared = render(views.comparison_renderable(compare(takes, get_question("intro"))), width=120)
    assert "4 (-8.5, better)" in compared and "Tips you no longer get: fillers" in compared


def test_history_keeps_take_ids_and_scores_whole_in_a_narrow_terminal() -> None:
    takes = [
        stored_take(12, "en", wpm=135.0, fillers_per_100=4.0, tips=[]),
        stored_take(1, "en", wpm=120.0, fillers_per_100=12.5, tips=[]),
    ]
    rows = [line.split()[:11] for line in render(views.history_renderable(takes), width=64).splitlines()]
    assert ["12", "11-12", "intro", "en", "75", "s", "82", "60", "80", "75", "135"] in rows
    wide = [line.split() for line in render(views.history_renderable(takes), width=80).splitlines()]
    assert ["12", "11-12", "10:00", "intro", "en", "75", "s", "82", "60", "80", "75", "135", "4.0"] in wide
    assert any(
        row[:1] == ["12"] and "82" in row
        for row in (line.split() for line in render(views.history_renderable(takes), width=50).splitlines())
    )


def test_a_clipped_recording_is_pointed_out() -> None:
    from dataclasses import replace

    words, metrics = f.short_answer()
    clipped = replace(AUDIO, clipped_share=0.024)
    text = render(
        report.analysis_renderable(
            clipped.path, Transcript(words, "en", "tiny.en"), metrics, clipped_share=clipped.clipped_share
        ),
        width=200,
    )
    assert "2.4% of the samples are clipped at full scale: move back from the microphone" in text
    assert "clipped" not in render(
        report.analysis_renderable(AUDIO.path, Transcript(words, "en", "tiny.en"), metrics), width=200
    )


@pytest.mark.slow
def test_practice_asks_a_spanish_question_with_a_spanish_label() -> None:
    import subprocess
    import sys

    from tests.helpers import ROOT

    assert render(report.question_line("Háblame de ti.", 60, 90, "es")).startswith(
        "Pregunta: Háblame de ti.  (objetivo: 1:00–1:30)"
    )
    assert render(report.question_line("Tell me about yourself.", 60, 90, "auto")).startswith(
        "Question: Tell me about yourself.  (aim for 1:00–1:30)"
    )
    # as tests.helpers.mockmic runs it, but with stdin closed: practice stops (exit 2, it needs --seconds
    # without a terminal) right after asking, and a terminal's stdin could never start a recording
    result = subprocess.run(
        [sys.executable, "-m", "mockmic", "practice", "--language", "es"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode == 2 and "--seconds" in result.stderr
    assert result.stdout.startswith("Pregunta: Háblame de ti.") and "Question" not in result.stdout


def test_reanalysing_says_what_changed_per_take() -> None:
    from dataclasses import replace

    before = stored_take(1, "en", wpm=120.0, fillers_per_100=4.0, tips=[])
    after = replace(
        before,
        engine="faster-whisper",
        model="tiny.en",
        feedback=replace(before.feedback, scores={**before.feedback.scores, "conciseness": 73}),
        metrics=replace(before.metrics, words_per_minute=126.4),
    )
    assert views.reanalysed_line(before, after) == (
        "Reanalysed take 1: conciseness 71 → 73; words/min 120 → 126; "
        "transcribed by faster-whisper tiny.en (was openai-whisper base)."
    )
    assert views.reanalysed_line(before, before) == "Reanalysed take 1: nothing changed."


def test_a_live_take_that_fell_behind_says_how_much_is_left_and_how_long_it_takes() -> None:
    assert report.live_notice(12.0, 3.0) is None  # the last stretch is always left: that is keeping up
    assert report.live_notice(45.4, 6.2) == (
        "The transcription fell 0:45 behind while you spoke; the rest takes about 6 s."
    )
