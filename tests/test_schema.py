"""The JSON forms of results: each type back from its JSON as it was, the documents `--json` prints, and
takes stored by this and by earlier versions read back from a real SQLite library."""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from mockmic import measure as m
from mockmic import schema, views
from mockmic.feedback import Feedback, assess
from mockmic.library import AUDIO_DIR, DB_NAME, Library
from mockmic.questions import get_question
from mockmic.rules import Evidence, Tip
from mockmic.transcribe import Transcript
from tests import fixtures as f
from tests.fixtures import short_answer
from tests.test_report import AUDIO, TRANSCRIPT, render


def through_json(value: object) -> dict:
    """`schema.as_dict`, printed and parsed again as a reader of the JSON gets it."""
    return json.loads(schema.to_json(schema.as_dict(value)))


def full_transcript() -> Transcript:
    words = (
        f.word("Um,", 0.1, 0.3, 0.61),
        f.word("I", 0.4, 0.5, 0.987654321),
        f.word("think", 0.5, 0.8, 0.05, doubtful=True),
        f.word("we", 0.8, 1.0),
        f.word("shipped", 2.8, 3.2),
        f.word("it.", 3.2, 3.5, 0.93),
    )
    return Transcript(words, "en", "tiny.en", "faster-whisper", heard_language="es")


def full_metrics() -> m.Metrics:
    """Metrics with every nested part holding something, each number at the millisecond the JSON keeps."""
    _, metrics = short_answer()
    windows = (m.PitchWindow(0.1, 10.1, 2.9), m.PitchWindow(10.1, 12.0, None, m.QUIET_WINDOW))
    pitch = m.Pitch(median_hz=182.125, sd_semitones=2.46, range_semitones=6.3, voiced_fraction=0.712, windows=windows)
    sentences = (
        f.sentence(
            start=0.1,
            end=1.0,
            first_word=0,
            last_word=3,
            word_count=3,
            end_rise_semitones=2.4,
            end_drop_db=-1.5,
            restarts=1,
        ),
        f.sentence(
            start=2.8,
            end=3.5,
            first_word=4,
            last_word=5,
            question=True,
            end_rise_semitones=None,
            end_drop_db=-7.25,
            ended_by_pause=True,
        ),
    )
    return replace(
        metrics,
        pitch=pitch,
        loudness=m.Loudness(None, m.NO_VOICED_SPEECH),
        sentences=sentences,
        repeated_words=(m.Repeat("shipped", 3),),
        reason=m.NO_WORDS,
    )


def full_feedback() -> Feedback:
    """Feedback with evidence under every score and tips with their points, at the decimals stored."""
    evidence = (
        Evidence("conciseness", "duration", 3.4, "60–90 s", 15.0, "3 s, target 60–90 s"),
        Evidence("conciseness", "long_sentences", 0, "under 40 words", 0.0, "no sentence over 40 words"),
        Evidence("enthusiasm", "pitch_variation", None, "at least 2.5 st", 0.0, "no pitch: whispered?"),
        Evidence("assertiveness", "hedges_per_100_words", 20.0, "under 1 per 100 words", 50.0, "1 hedge"),
        Evidence("clarity", "long_mid_sentence_pauses", 1, "under 1.2 s", 8.0, "1 pause"),
    )
    tips = (
        Tip("hedges", "At 0:00 you said “i think”.", 0.4, 50.0),
        Tip("mid_pause", "At 0:01 you paused 1.8 s mid-sentence.", 1.0, 8.0),
        Tip("too_short", "Your answer ran 0:03.", None, 15.5),
    )
    scores = {"conciseness": 85, "enthusiasm": None, "assertiveness": 50, "clarity": 92}
    return Feedback(
        scores,
        evidence,
        tips,
        ("No fillers.",),
        "en",
        "intro",
        dict.fromkeys(scores, "norms") | {"enthusiasm": "your 3 earlier takes"},
    )


# --- each type back from its JSON -----------------------------------------------------------------


def test_a_transcript_round_trips() -> None:
    transcript = full_transcript()
    data = through_json(transcript)
    assert list(data) == ["engine", "model", "language", "heard_language", "text", "words"]
    assert data["text"] == "Um, I think we shipped it." and data["words"][2]["doubtful"] is True
    assert schema.from_dict(Transcript, data) == transcript
    assert schema.from_dict(Transcript, schema.as_dict(TRANSCRIPT)) == TRANSCRIPT


def test_metrics_with_every_part_round_trip() -> None:
    metrics = full_metrics()
    data = through_json(metrics)
    assert list(data)[-1] == "repetition" and "repeated_words" not in data
    assert data["repetition"] == {
        "words": [{"text": "shipped", "count": 3}],
        "phrases": [{"text": "shipped it", "count": 2}],
    }
    window = {"start": 10.1, "end": 12.0, "sd_semitones": None, "reason": "quiet_window"}
    assert data["pitch"]["windows"][1] == window
    assert schema.from_dict(m.Metrics, data) == metrics


def test_metrics_are_stored_to_the_millisecond_and_never_as_nan() -> None:
    metrics = replace(
        full_metrics(),
        speaking_span_s=np.float64(3.40049),
        words_per_minute=math.nan,
        syllables_per_second=np.float32(3.25),
        word_count=np.int64(5),
    )
    data = through_json(metrics)
    rates = (data["speaking_span_s"], data["words_per_minute"], data["syllables_per_second"])
    assert rates == (3.4, None, 3.25)
    assert type(data["word_count"]) is int


def test_feedback_round_trips_with_its_tips_points() -> None:
    feedback = full_feedback()
    data = through_json(feedback)
    assert list(data) == ["question", "scores", "evidence", "tips", "went_well", "compared_with", "language"]
    assert list(data["evidence"]) == list(feedback.scores)  # grouped by score, in the scores' order
    assert list(data["evidence"]["conciseness"][0]) == ["id", "value", "norm", "points", "note"]
    tip = {"id": "too_short", "message": "Your answer ran 0:03.", "at_s": None, "points": 15.5}
    assert data["tips"][2] == tip
    assert schema.from_dict(Feedback, data) == feedback


def test_assessed_feedback_comes_back_as_stored_points_to_a_tenth() -> None:
    words, metrics = short_answer()
    feedback = assess(metrics, get_question("intro"), words)
    revived = schema.from_dict(Feedback, through_json(feedback))
    assert [t.id for t in revived.tips] == [t.id for t in feedback.tips] and revived.tips
    assert [t.points for t in revived.tips] == [round(t.points, 1) for t in feedback.tips]
    stored = [(e.score, e.id, round(e.points, 1)) for e in feedback.evidence]
    assert [(e.score, e.id, e.points) for e in revived.evidence] == stored
    assert revived.scores == feedback.scores and revived.comparisons == feedback.comparisons


def test_what_is_not_a_stored_result_is_refused_as_the_library_expects() -> None:
    """ValueError or TypeError, which the library reads as damage (`mockmic library repair`): no KeyError."""
    wrong = [(m.Metrics, {}), (Feedback, {"scores": {}}), (Feedback, {"evidence": 1})]
    wrong.append((Transcript, {"words": 1}))
    for kind, data in wrong:
        with pytest.raises(ValueError):
            schema.from_dict(kind, data)
    with pytest.raises(TypeError):
        schema.from_dict(Transcript, [1, 2])
    with pytest.raises(ValueError):
        schema.from_column(Feedback, "{not json")


# --- the documents ---------------------------------------------------------------------------------


AUDIO_DICT = {"path": "answer.wav", "duration_s": 3.0, "sample_rate": 44_100, "channels": 2, "clipped_share": 0.0}


def test_transcript_document() -> None:
    document = json.loads(schema.to_json(schema.transcript_document(AUDIO, TRANSCRIPT)))
    assert document["schema"] == "mockmic.transcript/1" and document["audio"] == AUDIO_DICT
    assert document["transcript"]["text"] == "Hello, um world."
    word = {"text": "um", "start": 0.9, "end": 1.1, "probability": 0.31, "doubtful": False}
    assert document["transcript"]["words"][1] == word
    assert schema.from_dict(Transcript, document["transcript"]) == TRANSCRIPT


def test_analysis_document_is_strict_json() -> None:
    words, metrics = short_answer()
    document = schema.analysis_document(AUDIO, Transcript(words, "en", "tiny.en"), metrics)
    data = json.loads(schema.to_json(document))
    assert data["schema"] == "mockmic.analysis/1" and "feedback" not in data
    assert data["metrics"]["pitch"]["sd_semitones"] is None and data["metrics"]["pitch"]["reason"]
    assert data["metrics"]["pauses"]["items"][0]["kind"] == "mid_sentence"
    assert data["metrics"]["repetition"]["phrases"] == [{"text": "shipped it", "count": 2}]
    assert data["audio"] == AUDIO_DICT


# --- stored takes, in a real SQLite library --------------------------------------------------------


def test_a_stored_take_reads_back_as_it_was_saved(tmp_path: Path) -> None:
    library = Library.open(tmp_path)
    (tmp_path / "a.wav").write_bytes(b"RIFF one")
    transcript, metrics, feedback = full_transcript(), full_metrics(), full_feedback()
    take_id = library.save(
        tmp_path / "a.wav",
        question_id="intro",
        duration_s=4.0,
        transcript=transcript,
        metrics=metrics,
        feedback=feedback,
    )
    take = Library.open(tmp_path).get(take_id)  # a new connection: nothing cached
    assert (take.transcript, take.metrics, take.feedback) == (transcript, metrics, feedback)
    assert (take.language, take.model, take.engine) == ("en", "tiny.en", "faster-whisper")
    document = json.loads(schema.to_json(schema.take_document(take)))
    assert document["feedback"]["tips"][0]["points"] == 50.0
    assert document["transcript"] == through_json(transcript)

    words, made = short_answer()  # as `assess` makes them: points stored to a tenth
    assessed = assess(made, get_question("intro"), words)
    library.replace_analysis(take_id, transcript=transcript, metrics=made, feedback=assessed)
    again = library.get(take_id)
    assert again.metrics == made and again.feedback == schema.from_dict(Feedback, schema.as_dict(assessed))


# A take as mockmic stored it before issue 16 and before later fields existed (mockmic 0.1.0, library
# commit 00c5597): no heard_language, no doubtful words, no ended_by_pause, windows without a reason,
# reasons as English sentences, tips without their points.
OLD_TRANSCRIPT = {
    "engine": "openai-whisper",
    "model": "tiny.en",
    "language": "en",
    "text": "Um, I think we shipped it.",
    "words": [
        {"text": t, "start": s, "end": e, "probability": 0.9}
        for t, s, e in (
            ("Um,", 0.1, 0.3),
            ("I", 0.4, 0.5),
            ("think", 0.5, 0.8),
            ("we", 0.8, 1.0),
            ("shipped", 2.8, 3.2),
            ("it.", 3.2, 3.5),
        )
    ],
}
OLD_METRICS = {
    "language": "en",
    "duration_s": 4.0,
    "speaking_span_s": 3.4,
    "speaking_time_s": 1.6,
    "speech_start": 0.1,
    "speech_end": 3.5,
    "word_count": 5,
    "words_per_minute": 88.2,
    "articulation_rate_wpm": 187.5,
    "syllables_per_second": 3.1,
    "pauses": {
        "min_pause_s": 0.25,
        "long_pause_s": 1.0,
        "count": 1,
        "total_s": 1.8,
        "longest_s": 1.8,
        "per_minute": 17.6,
        "long_count": 1,
        "items": [{"start": 1.0, "end": 2.8, "duration_s": 1.8, "kind": "mid_sentence", "after_word": 3}],
    },
    "pitch": {
        "median_hz": 180.0,
        "sd_semitones": 2.1,
        "range_semitones": 5.2,
        "voiced_fraction": 0.6,
        "windows": [{"start": 0.1, "end": 3.5, "sd_semitones": 2.1}],
        "reason": None,
    },
    "loudness": {"sd_db": None, "reason": "no voiced speech to measure loudness on"},
    "fillers": {
        "count": 1,
        "per_100_words": 20.0,
        "per_minute": 17.6,
        "probable_untranscribed": [],
        "items": [{"text": "um", "start": 0.1, "end": 0.3, "first_word": 0, "last_word": 0}],
    },
    "hedges": {"count": 1, "items": [{"text": "i think", "start": 0.4, "end": 0.8, "first_word": 1, "last_word": 2}]},
    "sentences": [
        {
            "start": 0.1,
            "end": 3.5,
            "first_word": 0,
            "last_word": 5,
            "word_count": 5,
            "question": False,
            "end_rise_semitones": 0.4,
            "end_drop_db": -2.0,
            "restarts": 0,
        }
    ],
    "reason": None,
    "repetition": {"words": [], "phrases": [{"text": "shipped it", "count": 2}]},
}
OLD_FEEDBACK = {
    "question": "intro",
    "scores": {"conciseness": 85, "enthusiasm": 58, "assertiveness": 92, "clarity": 92},
    "evidence": {
        "conciseness": [
            {"id": "duration", "value": 3.4, "norm": "60–90 s", "points": 15.0, "note": "3 s, target 60–90 s"}
        ],
        "enthusiasm": [],
        "assertiveness": [],
        "clarity": [
            {
                "id": "long_mid_sentence_pauses",
                "value": 1,
                "norm": "under 1.2 s",
                "points": 8.0,
                "note": "mid-sentence pauses over 1.2 s: 1",
            }
        ],
    },
    "tips": [
        {"id": "mid_pause", "at_s": 1.0, "message": "At 0:01 you paused 1.8 s mid-sentence after “Um I think we”."}
    ],
    "went_well": ["No fillers."],
    "compared_with": dict.fromkeys(("conciseness", "enthusiasm", "assertiveness", "clarity"), "norms"),
    "language": "en",
}


def insert_old_take(root: Path) -> None:
    """One take written into a library as an earlier version wrote it, audio included."""
    Library.open(root).close()
    db = sqlite3.connect(root / DB_NAME)
    db.execute(
        "INSERT INTO takes (question_id, created_at, analysed_at, audio_sha256, audio_suffix, duration_s,"
        " language, model, engine, app_version, transcript, metrics, feedback) VALUES ('intro',"
        " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ?, '.wav', 4, 'en', 'tiny.en', 'openai-whisper',"
        " '0.1.0', ?, ?, ?)",
        ("a" * 64, json.dumps(OLD_TRANSCRIPT), json.dumps(OLD_METRICS), json.dumps(OLD_FEEDBACK)),
    )
    db.commit()
    db.close()
    (root / AUDIO_DIR / ("a" * 64 + ".wav")).write_bytes(b"RIFF")


def test_a_take_stored_by_an_earlier_version_still_reads(tmp_path: Path) -> None:
    insert_old_take(tmp_path)
    (take,) = Library.open(tmp_path).takes()
    assert take.transcript.heard_language is None and not any(w.doubtful for w in take.transcript.words)
    assert take.transcript.text == OLD_TRANSCRIPT["text"]
    assert take.metrics.sentences[0].ended_by_pause is False and take.metrics.pitch.windows[0].reason is None
    assert take.metrics.repeated_phrases == (m.Repeat("shipped it", 2),)
    assert take.feedback.tips[0].points == 0.0  # stored before tips kept their points: worth unknown
    text = render(views.stored_take_renderable(take), width=200)
    assert "no voiced speech to measure loudness on" in text and "1. At 0:01 you paused 1.8 s" in text
    assert schema.take_document(take)["feedback"]["tips"][0]["points"] == 0.0
