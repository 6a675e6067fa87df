"""The visual report in a real browser (Debian's headless chromium, driven by Playwright: tests/browser.py):
its audio plays from the data inside the file, a tip, a word or a point of a plot plays the answer from its
moment, no request leaves the page, and text from the user or the transcript shows as text."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic import page, pipeline, questions
from mockmic.audio import from_samples
from tests.browser import chromium_path, open_page
from tests.helpers import MODELS_DIR, SAMPLES, mockmic

needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium and playwright")


@pytest.fixture(scope="module")
def english() -> pipeline.Analysis:
    return pipeline.analyze(SAMPLES / "concise_lively.flac", questions.get_question(None, None), models_dir=MODELS_DIR)


@pytest.fixture(scope="module")
def english_page(english: pipeline.Analysis, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page") / "answer.html"
    path.write_text(page.answer_page(page.analysed(english, questions.get_question(None, None))), encoding="utf-8")
    return path


def current_time(browser_page) -> float:
    return browser_page.evaluate("document.querySelector('audio').currentTime")


def test_opus_keeps_the_answers_length_at_about_16_kbit_s() -> None:
    t = np.arange(120 * 16_000) / 16_000
    speechlike = (0.1 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 3 * t))).astype(np.float32)
    uri = page.opus_data_uri(from_samples(speechlike, 16_000))
    assert uri.startswith("data:audio/ogg;base64,")
    data = base64.b64decode(uri.split(",", 1)[1])
    decoded, rate = sf.read(io.BytesIO(data))
    assert len(decoded) / rate == pytest.approx(120.0, abs=0.05)
    assert len(data) * 8 / 120 / 1000 < 24  # kbit/s: a few hundred KB for 2 minutes


@pytest.mark.slow
@needs_chromium
def test_the_audio_plays_from_the_data_inside_the_file(english: pipeline.Analysis, english_page: Path) -> None:
    with open_page(english_page) as (browser_page, outside):
        audio = browser_page.locator("audio")
        assert audio.get_attribute("src").startswith("data:audio/ogg;base64,")
        browser_page.wait_for_function("document.querySelector('audio').readyState >= 1")
        duration = browser_page.evaluate("document.querySelector('audio').duration")
        assert duration == pytest.approx(english.audio.duration_s, abs=0.05)
        browser_page.evaluate("document.querySelector('audio').play()")
        browser_page.wait_for_function("document.querySelector('audio').currentTime > 0.3")
        assert outside == []  # no request left the page


@pytest.mark.slow
@needs_chromium
def test_a_tip_a_word_and_a_point_on_a_plot_play_from_their_moment(
    english: pipeline.Analysis, english_page: Path
) -> None:
    tip = next(t for t in english.feedback.tips if t.at_s is not None)
    word = english.transcript.words[10]
    with open_page(english_page) as (browser_page, outside):
        browser_page.wait_for_function("document.querySelector('audio').readyState >= 1")
        browser_page.locator("ol.tips li[data-t]").first.click()
        assert tip.at_s <= current_time(browser_page) < tip.at_s + 0.5
        browser_page.locator(".transcript span").nth(_piece_of_word(english, 10)).click()
        assert word.start <= current_time(browser_page) < word.start + 0.5
        plot = browser_page.locator(".plot.timeline")
        box = plot.bounding_box()
        x0, x1, t1 = (float(plot.get_attribute(f"data-{k}")) for k in ("x0", "x1", "t1"))
        plot.click(position={"x": box["width"] * (x0 + 0.25 * (x1 - x0)), "y": box["height"] / 2})
        assert 0.25 * t1 - 0.2 <= current_time(browser_page) < 0.25 * t1 + 0.5  # a quarter along the axis
        assert outside == []


def _piece_of_word(analysis: pipeline.Analysis, index: int) -> int:
    """Where the word lies among the transcript's pieces (words, with pauses between them)."""
    pauses_before = sum(p.start < analysis.transcript.words[index].start for p in analysis.metrics.pauses.items)
    return index + pauses_before


@pytest.mark.slow
@needs_chromium
def test_text_from_the_users_question_file_shows_as_text(tmp_path: Path) -> None:
    evil = '<script>window.owned = 1</script><img src=x onerror="window.owned = 2">'
    (tmp_path / "questions.toml").write_text(
        f"[[question]]\nid = \"evil\"\ntext = '''{evil}'''\ntarget_s = [30, 90]\n", encoding="utf-8"
    )
    out = tmp_path / "report.html"
    result = mockmic(
        "analyze",
        str(SAMPLES / "concise_lively.flac"),
        "--questions",
        str(tmp_path / "questions.toml"),
        "--question",
        "evil",
        "--html",
        str(out),
        home=tmp_path / "home",
    )
    assert result.returncode == 0, result.stderr
    assert f"Wrote the visual report to {out}" in result.stderr
    with open_page(out) as (browser_page, outside):
        assert evil in browser_page.locator(".question").inner_text()
        assert browser_page.evaluate("window.owned") is None
        assert browser_page.locator("img").count() == 0
        assert outside == []


@pytest.mark.slow
@needs_chromium
def test_a_spanish_answer_reads_in_spanish(tmp_path: Path) -> None:
    analysis = pipeline.analyze(
        SAMPLES / "spanish_concise.flac", questions.get_question(None, None), models_dir=MODELS_DIR
    )
    path = tmp_path / "es.html"
    path.write_text(page.answer_page(page.analysed(analysis, questions.get_question(None, None))), encoding="utf-8")
    with open_page(path) as (browser_page, outside):
        assert browser_page.locator("html").get_attribute("lang") == "es"
        assert "Háblame de ti." in browser_page.locator(".question").inner_text()
        headings = browser_page.locator("h2").all_inner_texts()
        assert "Puntuación" in headings and "Transcripción" in headings
        assert re.search(r"\[\d+,\d s\]", browser_page.locator(".transcript").inner_text())  # decimal comma
        assert outside == []


@pytest.mark.slow
def test_a_two_minute_answer_weighs_well_under_3_mb(english: pipeline.Analysis) -> None:
    # the sample said twice over (126 s): the audio, the level and the pitch grow with the length
    twice = from_samples(np.tile(english.audio.samples, 2), 16_000, path=english.audio.path)
    metrics = replace(english.metrics, duration_s=twice.duration_s)
    html = page.answer_page(
        replace(page.analysed(english, questions.get_question(None, None)), audio=twice, metrics=metrics)
    )
    assert len(html.encode()) < 1_000_000  # measured 0.5 MB; the issue allows 3 MB


def test_a_take_without_its_audio_says_so_and_shows_the_rest() -> None:
    from mockmic.feedback import assess
    from mockmic.transcribe import Transcript
    from tests import fixtures

    metrics = fixtures.metrics()
    answer = page.Answer(
        title="Take 3",
        details="",
        question="Tell me about yourself.",
        target_s=(60.0, 90.0),
        transcript=Transcript(words=fixtures.ANSWER_WORDS, language="en", model="tiny.en"),
        metrics=metrics,
        feedback=assess(metrics, questions.get_question(None, None), fixtures.ANSWER_WORDS),
        audio=None,
    )
    html = page.answer_page(answer)
    assert "<audio" not in html
    assert "no longer in the library" in html
    assert 'class="plot timeline"' in html


@pytest.mark.slow
def test_open_needs_html_and_html_needs_a_folder(tmp_path: Path) -> None:
    result = mockmic("analyze", str(SAMPLES / "concise_lively.flac"), "--open", home=tmp_path)
    assert result.returncode == 2
    assert "--open opens the visual report" in result.stderr
    result = mockmic("show", "1", "--html", str(tmp_path / "missing" / "r.html"), home=tmp_path)
    assert result.returncode == 2
    assert "is not a folder" in result.stderr
