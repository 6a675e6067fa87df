"""The question bank, users' TOML questions, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockmic.errors import MockmicError
from mockmic.questions import BANK, get_question, load_questions
from tests.helpers import mockmic


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


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ('id = "../../etc"\ntext = "A?"\ntarget_s = [60, 90]\n', "letters, digits, - and _ only"),
        ('id = ".."\ntext = "A?"\ntarget_s = [60, 90]\n', "letters, digits, - and _ only"),
        ('id = "a/b"\ntext = "A?"\ntarget_s = [60, 90]\n', "letters, digits, - and _ only"),
        ('id = 7\ntext = "A?"\ntarget_s = [60, 90]\n', "letters, digits, - and _ only"),
        ('id = "a"\ntext = ""\ntarget_s = [60, 90]\n', "write the question as text"),
        ('id = "a"\ntext = ["A?"]\ntarget_s = [60, 90]\n', "write the question as text"),
        ('id = "a"\ntext = "A?"\ntarget_s = [0, 90]\n', "two positive seconds"),
        ('id = "a"\ntext = "A?"\ntarget_s = [-30, 90]\n', "two positive seconds"),
        ('id = "a"\ntext = "A?"\ntarget_s = [60, inf]\n', "two positive seconds"),
        ('id = "a"\ntext = "A?"\ntarget_s = [true, 90]\n', "two positive seconds"),
        ('id = "a"\ntext = "A?"\ntarget_s = [60, 90]\nhard_cap_s = 80\n', "no shorter than the longest target (90)"),
        ('id = "a"\ntext = "A?"\ntarget_s = [60, 90]\nhard_cap_s = -1\n', "give positive seconds"),
        ('id = "a"\ntext = "A?"\ntarget_s = [60, 90]\nassesses = "clarity"\n', "choose from"),
        ('id = "a"\ntext = "A?"\ntarget_s = [60, 90]\nhard_cap = 120\n', "'hard_cap', which mockmic does not read"),
        (
            'id = "a"\ntext = "A?"\ntarget_s = [60, 90]\n\n[[question]]\nid = "a"\ntext = "B?"\ntarget_s = [1, 2]\n',
            "2 questions have id 'a'",
        ),
    ],
)
def test_toml_values_are_checked(tmp_path: Path, fields: str, expected: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("[[question]]\n" + fields)
    with pytest.raises(MockmicError) as error:
        load_questions(path)
    message = str(error.value)
    assert str(path) in message and expected in message and "\n" not in message, message
    assert message.endswith(".") and message.count("; ") == 1  # one sentence: what is wrong; what to do


def test_equal_target_bounds_and_cap_are_allowed(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[[question]]\nid = "Pitch_2"\ntext = "Pitch it."\ntarget_s = [60, 60]\nhard_cap_s = 60\n')
    assert load_questions(path)["Pitch_2"].hard_cap_s == 60.0


def test_terminal_controls_are_taken_out_of_question_text(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[question]]\nid = "x"\ntarget_s = [60, 90]\n'
        'text = "Tell me\\u001b[2J\\u001b[H about\\u001b]0;pwned\\u0007 \\u009b31myour\\u0008 '
        '\\u001b]8;;http://e.x\\u001b\\\\last\\u001b]8;;\\u001b\\\\ job.\\nWhy?"\n'
        'text_es = "Háblame\\u0000 de\\u007f\\u0085 tu\\r último\\ttrabajo."\n'
    )
    question = load_questions(path)["x"]
    assert question.text == "Tell me about your last job.\nWhy?"
    assert question.text_es == "Háblame de tu último\ttrabajo."


def test_the_help_shows_every_field_of_a_question(tmp_path: Path) -> None:
    from textwrap import dedent

    from mockmic.questions import KEYS, TOML_FORMAT

    result = mockmic("questions", "--help")
    assert result.returncode == 0 and TOML_FORMAT in result.stdout.replace("\r", "")
    example = dedent(TOML_FORMAT[TOML_FORMAT.index("  [[question]]") :])
    assert all(f"\n{key} = " in example for key in KEYS)
    path = tmp_path / "example.toml"
    path.write_text(example, encoding="utf-8")
    question = load_questions(path)["payments-queue"]  # the example is a valid question
    assert question.hard_cap_s == 180 and question.text_es.startswith("¿Cómo")


def test_questions_lists_user_text_as_written_without_controls(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[question]]\nid = "x"\ntarget_s = [60, 90]\ntext = "What does [/] do?\\u001b]0;pwned\\u0007\\u001b[2J"\n'
    )
    result = mockmic("questions", "--questions", str(path))
    assert result.returncode == 0, result.stderr  # rich read "[/]" as markup and crashed
    assert "What does [/] do?" in result.stdout and "pwned" not in result.stdout and "\x1b" not in result.stdout
