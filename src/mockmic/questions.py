"""The interview questions to practise, each with the answer length an interviewer expects.

The bank follows the advice this project grew from: come prepared with a clear self-introduction,
a walkthrough of your last project and questions for the close; be concise; it is fine not to know.
Users add their own in a TOML file (`--questions FILE`, or `questions.toml` in the user data directory),
in the format of TOML_FORMAT below (`mockmic questions --help` prints it). Every value is checked where
it is read, and terminal control sequences are taken out of the questions' text there, once, so nothing
in a file can move the cursor, retitle the terminal or hide text when a question is printed.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import config
from .errors import MockmicError

DIMENSIONS = ("conciseness", "enthusiasm", "assertiveness", "clarity")

TOML_FORMAT = """\
Add your own questions in questions.toml in the user data directory, or in
the file --questions names: one [[question]] table each, every field below
(an id of the bank replaces that question).

  [[question]]
  # the name for --question: letters, digits, - and _
  id = "payments-queue"
  text = "How would you design a queue for payments?"
  # optional: asked when the answer is in Spanish (default: text)
  text_es = "¿Cómo diseñarías una cola para pagos?"
  # the length an interviewer expects, in seconds: shortest, longest
  target_s = [90, 150]
  # optional: where an interviewer cuts in, at least the longest target
  hard_cap_s = 180
  # optional: conciseness, enthusiasm, assertiveness, clarity (default: all)
  assesses = ["conciseness", "clarity"]
"""

KEYS = ("id", "text", "text_es", "target_s", "hard_cap_s", "assesses")
_ID = re.compile(r"[A-Za-z0-9_-]+")
# Terminal control: ESC sequences (CSI "ESC [ ... final", OSC "ESC ] ... BEL or ESC \\", DCS/SOS/PM/APC
# strings, and two-character escapes), their 8-bit C1 forms, and every other C0/C1 control but newline
# and tab (ECMA-48).
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|$)"  # OSC, DCS, SOS, PM, APC up to their terminator
    r"|\x1b[ -/]*[0-~]?"  # other escapes (ESC c, ESC ( B ...)
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
    r"|[\x90\x98\x9d\x9e\x9f].*?(?:\x07|\x9c|$)"  # 8-bit OSC, DCS, SOS, PM, APC
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]",  # the rest of C0 (newline and tab kept), DEL, C1
    re.DOTALL,
)


def printable(text: str) -> str:
    """User text without terminal control sequences or control characters (newline and tab kept)."""
    return _CONTROL.sub("", text)


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
        "project",
        "Walk me through your last project: what you did, the challenges, the interesting details.",
        "Cuéntame tu último proyecto: qué hiciste, los retos y los detalles interesantes.",
        (120, 180),
        240,
        ("conciseness", "clarity", "enthusiasm"),
    ),
    Question(
        "why",
        "Why do you want this role, and why our company?",
        "¿Por qué quieres este puesto y por qué nuestra empresa?",
        (45, 90),
        120,
        ("enthusiasm", "conciseness"),
    ),
    Question(
        "unknown",
        "How would you shard a database you have never used before?",
        "¿Cómo particionarías una base de datos que nunca has usado?",
        (30, 90),
        120,
        ("assertiveness", "clarity"),
    ),
    Question(
        "closing",
        "Do you have any questions for us?",
        "¿Tienes alguna pregunta para nosotros?",
        (30, 60),
        90,
        ("enthusiasm", "assertiveness"),
    ),
    Question(
        "conflict",
        "Tell me about a disagreement with a teammate and how you resolved it.",
        "Cuéntame un desacuerdo con un compañero y cómo lo resolviste.",
        (60, 120),
        150,
        ("assertiveness", "clarity"),
    ),
    Question(
        "failure",
        "Tell me about a time something you built failed in production.",
        "Cuéntame una vez en que algo que construiste falló en producción.",
        (60, 120),
        150,
        ("assertiveness", "conciseness"),
    ),
    Question(
        "deadline",
        "Tell me about a time you had to deliver under a tight deadline.",
        "Cuéntame una vez en que tuviste que entregar con un plazo muy ajustado.",
        (60, 120),
        150,
        ("conciseness", "clarity"),
    ),
    Question(
        "proud",
        "What is the piece of work you are proudest of?",
        "¿De qué trabajo estás más orgulloso?",
        (60, 120),
        150,
        ("enthusiasm", "clarity"),
    ),
)
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
    questions = [_question(path, n, entry) for n, entry in enumerate(entries, start=1)]
    ids = [q.id for q in questions]
    twice = next((qid for qid in ids if ids.count(qid) > 1), None)
    if twice is not None:
        raise QuestionsError(f"In {path}, {ids.count(twice)} questions have id {twice!r}; give each its own id.")
    return questions


def _question(path: Path, n: int, entry: object) -> Question:
    """One [[question]] table, every value checked; the text without terminal control sequences."""
    where = f"In {path}, question {n}"
    if not isinstance(entry, dict):
        raise QuestionsError(f"{where} is not a table; write it as [[question]] with id, text and target_s.")
    missing = [key for key in ("id", "text", "target_s") if key not in entry]
    if missing:
        raise QuestionsError(f"{where} lacks {', '.join(missing)}; every question needs id, text and target_s.")
    unknown_keys = [key for key in entry if key not in KEYS]
    if unknown_keys:
        raise QuestionsError(
            f"{where} has {', '.join(map(repr, unknown_keys))}, which mockmic does not read; use only "
            f"{', '.join(KEYS)}."
        )
    qid = entry["id"]
    if not (isinstance(qid, str) and _ID.fullmatch(qid)):
        raise QuestionsError(
            f'{where} has id = {qid!r}; use a name of letters, digits, - and _ only, e.g. "payments-queue".'
        )
    where = f"In {path}, question {qid!r}"
    texts = {key: entry[key] for key in ("text", "text_es") if key in entry}
    for key, text in texts.items():
        if not (isinstance(text, str) and printable(text).strip()):
            raise QuestionsError(f"{where} has {key} = {text!r}; write the question as text in quotes.")
    target = entry["target_s"]
    if not (
        isinstance(target, list) and len(target) == 2 and all(_seconds(t) for t in target) and target[0] <= target[1]
    ):
        raise QuestionsError(
            f"{where} has target_s = {target!r}; give two positive seconds, shortest first, e.g. [60, 90]."
        )
    cap = entry.get("hard_cap_s")
    if cap is not None and not (_seconds(cap) and cap >= target[1]):
        raise QuestionsError(
            f"{where} has hard_cap_s = {cap!r}; give positive seconds no shorter than the longest target "
            f"({target[1]:g})."
        )
    assesses = entry.get("assesses", list(DIMENSIONS))
    if not (isinstance(assesses, list) and assesses and all(a in DIMENSIONS for a in assesses)):
        raise QuestionsError(
            f'{where} has assesses = {assesses!r}; choose from {", ".join(DIMENSIONS)}, e.g. ["clarity"].'
        )
    text = printable(texts["text"])
    return Question(
        id=qid,
        text=text,
        text_es=printable(texts.get("text_es", text)),
        target_s=(float(target[0]), float(target[1])),
        hard_cap_s=None if cap is None else float(cap),
        assesses=tuple(assesses),
    )


def _seconds(value: object) -> bool:
    """A positive, finite number of seconds (TOML's true is not one, nor inf or nan)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0
