"""The question bank, users' TOML questions, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockmic.errors import MockmicError
from mockmic.questions import BANK, get_question, load_questions


def test_bank_covers_the_interviewers_advice() -> None:
    ids = {q.id for q in BANK}
    assert {"intro", "project", "why", "unknown", "closing"} <= ids and len(BANK) >= 8
    intro = get_question(None)
    assert intro.text == "Tell me about yourself." and intro.target_s == (60, 90) and intro.hard_cap_s == 120
    assert get_question("project").target_s == (120, 180)
    assert get_question("closing").target_s == (30, 60)
    assert all(q.text_es and q.text_es != q.text for q in BANK)
    assert get_question("unknown").assesses[0] == "assertiveness"


def test_user_questions_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[question]]\nid = "queue"\ntext = "Design a payment queue."\ntarget_s = [90, 150]\n'
        'assesses = ["clarity"]\n\n[[question]]\nid = "intro"\ntext = "Introduce yourself."\ntarget_s = [45, 60]\n'
    )
    questions = load_questions(path)
    assert questions["queue"].target_s == (90.0, 150.0) and questions["queue"].text_es == "Design a payment queue."
    assert questions["intro"].text == "Introduce yourself."  # the user's own wins
    assert get_question("queue", path).assesses == ("clarity",)


def test_default_user_file_in_the_data_directory(isolated_user_dir: Path) -> None:
    (isolated_user_dir / "questions.toml").write_text('[[question]]\nid = "x"\ntext = "X?"\ntarget_s = [10, 20]\n')
    assert "x" in load_questions()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[question]]\nid = "a"\ntext = "A?\ntarget_s = [1, 2]\n', "line 3"),
        ('[[question]]\nid = "a"\ntext = "A?"\n', "lacks target_s"),
        ('[[question]]\nid = "a"\ntext = "A?"\ntarget_s = [90, 60]\n', "shortest first"),
        ('[[question]]\nid = "a"\ntext = "A?"\ntarget_s = [60, 90]\nassesses = ["charm"]\n', "choose from"),
    ],
)
def test_bad_toml_is_one_sentence_naming_the_file(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(MockmicError) as error:
        load_questions(path)
    message = str(error.value)
    assert str(path) in message and expected in message and "\n" not in message


def test_unknown_question_lists_the_known_ones() -> None:
    with pytest.raises(MockmicError, match="mockmic questions"):
        get_question("nope")
