"""Interview questions to practise, each with the answer length an interviewer expects."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import MockmicError


@dataclass(frozen=True)
class Question:
    id: str  # short name used on the command line
    text: str  # as the interviewer asks it
    target_s: tuple[float, float]  # the answer length an interviewer expects, seconds
    hard_cap_s: float | None = None  # past this the answer is cut short in a real interview


# "Tell me about yourself" in 60-90 s is the interviewer's advice this project grew from (README);
# the full question bank replaces this one question.
SELF_INTRO = Question("intro", "Tell me about yourself.", (60.0, 90.0), hard_cap_s=120.0)
QUESTIONS = {q.id: q for q in (SELF_INTRO,)}


def get_question(question_id: str | None) -> Question:
    if question_id is None:
        return SELF_INTRO
    try:
        return QUESTIONS[question_id]
    except KeyError:
        known = ", ".join(sorted(QUESTIONS))
        raise MockmicError(f"There is no question {question_id!r}; choose one of: {known}.") from None
