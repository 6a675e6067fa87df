"""The command line as a user runs it: real processes, real models, exit codes and streams."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, mockmic, write_tone


@pytest.mark.slow
def test_transcribe_json_is_exactly_one_document(corpus: Path) -> None:
    result = mockmic("transcribe", str(corpus / "openai-whisper" / "jfk.flac"), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # fails on anything before or after the document
    assert document["schema"] == "mockmic.transcript/1"
    transcript = document["transcript"]
    assert set(transcript) >= {"engine", "model", "language", "text", "words"}
    assert transcript["engine"] == "faster-whisper" and transcript["model"] == "tiny.en"
    assert set(transcript["words"][0]) == {"text", "start", "end", "probability", "doubtful"}
    assert document["audio"]["sample_rate"] == 44_100 and document["audio"]["duration_s"] == pytest.approx(
        11.0, abs=0.01
    )


@pytest.mark.slow
def test_transcribe_prints_text_and_word_timings(corpus: Path) -> None:
    result = mockmic("transcribe", str(corpus / "openai-whisper" / "jfk.flac"))
    assert result.returncode == 0, result.stderr
    assert "ask not what your country can do for you" in result.stdout
    assert "Word timings" in result.stdout


@pytest.mark.slow
def test_bad_input_exits_2_with_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "empty.wav").touch()
    result = mockmic("transcribe", str(tmp_path / "empty.wav"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "is empty (0 bytes)" in result.stderr


@pytest.mark.slow
def test_spanish_with_english_only_model_exits_2(tmp_path: Path) -> None:
    write_tone(tmp_path / "tone.wav", seconds=1.0)
    result = mockmic("transcribe", str(tmp_path / "tone.wav"), "--language", "es", "--model", "tiny.en")
    assert result.returncode == 2
    assert "needs a multilingual model" in result.stderr and "base" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("options", [("--engine", "openai-whisper"), ("--model", "base")])  # converted / joined there
def test_unwritable_models_dir_exits_2(tmp_path: Path, options: tuple[str, str]) -> None:
    write_tone(tmp_path / "tone.wav", seconds=1.0)
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    result = mockmic("--models-dir", str(blocker / "models"), "transcribe", str(tmp_path / "tone.wav"), *options)
    assert result.returncode == 2
    assert "models directory" in result.stderr and "Traceback" not in result.stderr


def test_models_lists_bundled_and_downloadable() -> None:
    result = mockmic("models")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert any("tiny.en" in line and "bundled" in line and "English" in line for line in lines)
    assert any(" base " in line and "bundled" in line for line in lines)
    assert any("large-v3 " in line and "downloadable" in line for line in lines)


@pytest.mark.slow
def test_usage_error_exits_2() -> None:
    result = mockmic("transcribe")
    assert result.returncode == 2
    assert "usage:" in result.stderr


@pytest.mark.slow
def test_analyze_json_is_one_document_with_the_binding_fields(corpus: Path) -> None:
    result = mockmic("analyze", str(corpus / "openai-whisper" / "jfk.flac"), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "mockmic.analysis/1"
    assert set(document["audio"]) >= {"path", "duration_s", "sample_rate"}
    assert document["transcript"]["words"]
    metrics = document["metrics"]
    assert metrics["word_count"] == 22
    assert metrics["words_per_minute"] == pytest.approx(133.3, rel=0.05)  # 22 words over 9.9 s of speech
    assert metrics["pauses"]["count"] >= 3 and metrics["pitch"]["median_hz"] > 0
    feedback = document["feedback"]
    assert set(feedback["scores"]) == {"conciseness", "enthusiasm", "assertiveness", "clarity"}
    assert feedback["question"] == "intro" and all(0 <= v <= 100 for v in feedback["scores"].values())
    assert set(feedback["evidence"]) == set(feedback["scores"])
    too_short = [t for t in feedback["tips"] if t["id"] == "too_short"]  # 10 s against a 60-90 s target
    assert too_short and set(too_short[0]) == {"id", "message", "at_s", "points"}
    assert too_short[0]["points"] >= 2  # what fixing it wins back, stored since issue 16


@pytest.mark.slow
def test_analyze_prints_marked_transcript_metrics_scores_and_tips() -> None:
    result = mockmic("analyze", str(ROOT / "samples" / "rambling_flat.flac"))
    assert result.returncode == 0, result.stderr
    assert "Delivery" in result.stdout and "words/min" in result.stdout
    assert " s]" in result.stdout  # pauses marked inline, e.g. [2.2 s]
    assert "Scores" in result.stdout and "What to change" in result.stdout and "1. " in result.stdout


@pytest.mark.slow
def test_analyze_spanish_answer_for_another_question_coaches_in_spanish() -> None:
    result = mockmic(
        "analyze", str(ROOT / "samples" / "spanish_concise.flac"), "--language", "es", "--question", "project", "--json"
    )
    assert result.returncode == 0, result.stderr
    feedback = json.loads(result.stdout)["feedback"]
    assert feedback["question"] == "project"
    assert any(t["id"] == "too_short" and "Hablaste" in t["message"] for t in feedback["tips"])


def test_questions_lists_the_bank_and_rejects_bad_toml(tmp_path: Path) -> None:
    result = mockmic("questions")
    assert result.returncode == 0 and "Tell me about" in result.stdout and "closing" in result.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text("[[question]]\nid = 'a\n")
    result = mockmic("questions", "--questions", str(bad))
    assert result.returncode == 2 and str(bad) in result.stderr and "line" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_analyze_noise_exits_0_with_a_clear_message(tmp_path: Path) -> None:
    import numpy as np
    import soundfile as sf

    sf.write(tmp_path / "noise.wav", np.random.default_rng(2).normal(0, 0.01, 80_000).astype(np.float32), 16_000)
    result = mockmic("analyze", str(tmp_path / "noise.wav"))
    assert result.returncode == 0, result.stderr
    assert "No speech was recognised" in result.stdout
    document = json.loads(mockmic("analyze", str(tmp_path / "noise.wav"), "--json").stdout)
    assert document["metrics"]["words_per_minute"] is None and document["metrics"]["reason"]
    assert set(document["feedback"]["scores"].values()) == {None}  # not scored, rather than scored 0
    saved = mockmic("analyze", str(tmp_path / "noise.wav"), "--save", home=tmp_path / "home")
    assert saved.returncode == 0 and "Not stored" in saved.stdout
    assert json.loads(mockmic("history", "--json", home=tmp_path / "home").stdout) == []


@pytest.mark.slow
def test_analyze_bad_input_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty.wav").write_bytes(b"")
    result = mockmic("analyze", str(tmp_path / "empty.wav"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_the_language_is_detected_and_a_forced_one_the_audio_contradicts_is_said(tmp_path: Path, corpus: Path) -> None:
    from tests.test_transcribe import SPANISH

    subprocess.run(["espeak-ng", "-v", "es", "-s", "150", "-w", str(tmp_path / "es.wav"), SPANISH], check=True)
    result = mockmic("transcribe", str(tmp_path / "es.wav"), "--json")  # no --language: detected
    assert result.returncode == 0 and result.stderr == ""
    transcript = json.loads(result.stdout)["transcript"]
    assert (transcript["language"], transcript["model"], transcript["engine"]) == ("es", "base", "faster-whisper")
    forced = mockmic("transcribe", str(corpus / "openai-whisper" / "jfk.flac"), "--language", "es", "--json")
    assert forced.returncode == 0 and json.loads(forced.stdout)["transcript"]["language"] == "es"
    assert forced.stderr.strip() == (
        "This answer sounds like English, not Spanish; it was analysed as Spanish as asked "
        "(leave out --language to have it detected)."
    )


def _stderr_on_a_terminal(*args: str) -> tuple[int, str]:
    """Run mockmic with stderr on a pseudo-terminal, as a user's shell gives it; (exit code, what stderr showed)."""
    main, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "mockmic", *args], stdout=subprocess.PIPE, stderr=child, cwd=ROOT)
    os.close(child)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        shown += chunk
    process.communicate(timeout=600)
    os.close(main)
    return process.returncode, shown.decode(errors="replace")


@pytest.mark.slow
def test_a_progress_line_shows_on_a_terminal_while_an_answer_is_analysed(corpus: Path) -> None:
    jfk = str(corpus / "openai-whisper" / "jfk.flac")
    code, shown = _stderr_on_a_terminal("analyze", jfk)
    assert code == 0 and "Finding the language" in shown and "Transcribing" in shown
    code, shown = _stderr_on_a_terminal("analyze", jfk, "--json")  # a script reading JSON sees no progress
    assert code == 0 and "Transcribing" not in shown


@pytest.mark.slow
def test_a_quiet_a_clipped_and_a_noisy_recording_are_said_so_and_measured_as_far_as_they_can_be(
    tmp_path: Path, corpus: Path
) -> None:
    """Issue 17: a quiet microphone is not a paused speaker; clipping and a loud room are said first,
    and in a loud room, where words, pauses and pitch all come out wrong, nothing is judged."""
    import numpy as np
    import soundfile as sf

    from mockmic.audio import load_audio

    samples = load_audio(corpus / "mfa-tests" / "wav" / "acoustic_corpus.wav").samples
    noise = np.random.default_rng(0).normal(size=len(samples)).astype(np.float32)
    takes = {
        "recorded": samples,
        "quiet": samples * np.float32(10 ** (-30 / 20)),
        "clipped": np.clip(samples * np.float32(10), -1, 1),
        "noisy": samples + noise * np.float32(np.sqrt(np.mean(samples**2)) * 2),  # the noise 6 dB over the voice
    }
    reports, documents = {}, {}
    for name, audio in takes.items():
        sf.write(tmp_path / f"{name}.wav", audio, 16_000)
        reports[name] = mockmic("analyze", str(tmp_path / f"{name}.wav"), "--language", "en").stdout
        documents[name] = json.loads(mockmic("analyze", str(tmp_path / f"{name}.wav"), "--json").stdout)
    pauses = {name: [(p["start"], p["end"]) for p in d["metrics"]["pauses"]["items"]] for name, d in documents.items()}
    for name in ("quiet", "clipped"):
        assert len(pauses[name]) == len(pauses["recorded"]) == 6
        assert np.abs(np.array(pauses[name]) - np.array(pauses["recorded"])).max() <= 0.05
    assert "very quiet" in reports["quiet"] and "very quiet" not in reports["recorded"]
    assert "clipped at full scale" in reports["clipped"]
    noisy = documents["noisy"]["metrics"]
    assert noisy["loudness"]["snr_db"] < 6 < documents["recorded"]["metrics"]["loudness"]["snr_db"]
    assert "The room is loud" in reports["noisy"] and "The room is loud" not in reports["recorded"]
    assert noisy["pitch"]["sd_semitones"] is None and noisy["pitch"]["reason"] == "noisy_room"
    assert set(documents["noisy"]["feedback"]["scores"].values()) == {None}  # words and pauses come out wrong too
    assert reports["noisy"].count("not scored") == 4 and "What to change" not in reports["noisy"]


def test_the_live_figures_follow_the_meter_and_need_transcription_while_recording() -> None:
    import io

    from rich.console import Console

    from mockmic import cli, recorder

    figures = "pace 112 wpm · fillers 1 (to 0:20)"
    meter = cli._Meter(Console(file=io.StringIO()), (60, 90), live=False, figures=lambda: figures)
    line = meter.line(recorder.Level(42.0, -20.0, -6.0, False, 0.0))
    assert line.startswith("● 0:42 / 1:00–1:30") and line.endswith(figures)
    result = mockmic("practice", "--live", "--analyze-after", "--seconds", "5")
    assert result.returncode == 2 and result.stderr.strip() == (
        "mockmic: --live shows what is transcribed while you speak, so leave out --analyze-after."
    )
