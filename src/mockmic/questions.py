"""The interview questions to practise, each with the answer length an interviewer expects.

The bank follows the advice this project grew from: come prepared with a clear self-introduction,
a walkthrough of your last project and questions for the close; be concise; it is fine not to know.
Users add their own in a TOML file (`--questions FILE`, or `questions.toml` in the user data directory):

    [[question]]
    id = "kafka"
    text = "How would you design a queue for payments?"
    text_es = "¿Cómo diseñarías una cola para pagos?"   # optional
    target_s = [90, 150]
    hard_cap_s = 180                                    # optional
    assesses = ["conciseness", "clarity"]               # optional
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import config
from .errors import MockmicError

DIMENSIONS = ("conciseness", "enthusiasm", "assertiveness", "clarity")


class QuestionsError(MockmicError):
    """A questions file cannot be read."""


@dataclass(frozen=True)
class Question:
    id: str  # short name used on the command line
    text: str  # as the interviewer asks it, in English
    text_es: str  # the same in Spanish
    target_s: tuple[float, float]  # the answer length an interviewer expects, seconds
    hard_cap_s: float | None = None  # past this an interviewer cuts in
    assesses: tuple[str, ...] = DIMENSIONS  # what the answer shows most

    def text_in(self, language: str | None) -> str:
        return self.text_es if language == "es" else self.text


BANK = (
    # The interviewer's own targets: a self-introduction in 60-90 s, the last project in 2-3 min,
    # questions for the interviewer in 30-60 s. The others: the usual 1-2 min behavioural answer (STAR).
    Question("intro", "Tell me about yourself.", "Háblame de ti.", (60, 90), 120, DIMENSIONS),
    Question(
        "project", "Walk me through your last project: what you did, the challenges, the interesting details.",
        "Cuéntame tu último proyecto: qué hiciste, los retos y los detalles interesantes.",
        (120, 180), 240, ("conciseness", "clarity", "enthusiasm"),
    ),
    Question(
        "why", "Why do you want this role, and why our company?", "¿Por qué quieres este puesto y por qué nuestra empresa?",
        (45, 90), 120, ("enthusiasm", "conciseness"),
    ),
    Question(
        "unknown", "How would you shard a database you have never used before?",
        "¿Cómo particionarías una base de datos que nunca has usado?",
        (30, 90), 120, ("assertiveness", "clarity"),
    ),
    Question(
        "closing", "Do you have any questions for us?", "¿Tienes alguna pregunta para nosotros?",
        (30, 60), 90, ("enthusiasm", "assertiveness"),
    ),
    Question(
        "conflict", "Tell me about a disagreement with a teammate and how you resolved it.",
        "Cuéntame un desacuerdo con un compañero y cómo lo resolviste.", (60, 120), 150,
        ("assertiveness", "clarity"),
    ),
    Question(
        "failure", "Tell me about a time something you built failed in production.",
        "Cuéntame una vez en que algo que construiste falló en producción.", (60, 120), 150,
        ("assertiveness", "conciseness"),
    ),
    Question(
        "deadline", "Tell me about a time you had to deliver under a tight deadline.",
        "Cuéntame una vez en que tuviste que entregar con un plazo muy ajustado.", (60, 120), 150,
        ("conciseness", "clarity"),
    ),
    Question(
        "proud", "What is the piece of work you are proudest of?", "¿De qué trabajo estás más orgulloso?",
        (60, 120), 150, ("enthusiasm", "clarity"),
    ),
)  # fmt: skip
DEFAULT_ID = "intro"


def user_questions_path() -> Path:
    return config.user_data_dir() / "questions.toml"


def load_questions(path: Path | None = None) -> dict[str, Question]:
    """The bank plus the user's questions (theirs win on a shared id)."""
    questions = {q.id: q for q in BANK}
    source = path if path is not None else user_questions_path()
    if path is not None or source.is_file():
        questions |= {q.id: q for q in read_toml(source)}
    return questions


def get_question(question_id: str | None, path: Path | None = None) -> Question:
    questions = load_questions(path)
    try:
        return questions[question_id or DEFAULT_ID]
    except KeyError:
        raise MockmicError(
            f"There is no question {question_id!r}; `mockmic questions` lists them ({', '.join(questions)})."
        ) from None


def question_of_take(question_id: str, path: Path | None = None) -> Question:
    """The question a stored take answered, or the default one if the bank no longer holds it."""
    questions = load_questions(path)
    return questions.get(question_id, questions[DEFAULT_ID])


def read_toml(path: Path) -> list[Question]:
    """The [[question]] tables of a TOML file; any problem is one sentence naming file and line."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise QuestionsError(f"The questions file {path} does not exist; check the path.") from e
    except tomllib.TOMLDecodeError as e:
        raise QuestionsError(f"The questions file {path} is not valid TOML: {e}; fix that line.") from e
    except (OSError, UnicodeDecodeError) as e:
        raise QuestionsError(f"The questions file {path} cannot be read ({e}); check it is a UTF-8 text file.") from e
    entries = data.get("question", [])
    if not isinstance(entries, list):
        raise QuestionsError(f"In {path}, questions must be [[question]] tables; see `mockmic questions --help`.")
    return [_question(path, n, entry) for n, entry in enumerate(entries, start=1)]


def _question(path: Path, n: int, entry: object) -> Question:
    where = f"In {path}, question {n}"
    if not isinstance(entry, dict):
        raise QuestionsError(f"{where} is not a table; write it as [[question]] with id, text and target_s.")
    missing = [key for key in ("id", "text", "target_s") if key not in entry]
    if missing:
        raise QuestionsError(f"{where} lacks {', '.join(missing)}; every question needs id, text and target_s.")
    target = entry["target_s"]
    if not (isinstance(target, list) and len(target) == 2 and all(isinstance(t, int | float) for t in target)
            and 0 < target[0] < target[1]):  # fmt: skip
        raise QuestionsError(f"{where} has target_s = {target!r}; give two seconds, shortest first, e.g. [60, 90].")
    assesses = tuple(entry.get("assesses", DIMENSIONS))
    unknown = [a for a in assesses if a not in DIMENSIONS]
    if unknown:
        raise QuestionsError(f"{where} assesses {unknown}; choose from {', '.join(DIMENSIONS)}.")
    return Question(
        id=str(entry["id"]), text=str(entry["text"]), text_es=str(entry.get("text_es", entry["text"])),
        target_s=(float(target[0]), float(target[1])),
        hard_cap_s=float(entry["hard_cap_s"]) if "hard_cap_s" in entry else None, assesses=assesses,
    )  # fmt: skip
