"""`mockmic batch`: a cohort's answers analysed into one CSV row each (and each candidate's visual
report), on this machine's cores or on a Dask cluster, by one code path.

Every answer is a task: its audio's bytes and the settings go to a worker, which runs the pipeline
(`pipeline.analyze`, the models loaded once per worker process and kept) and sends back the row and,
if asked, the page. Locally the workers are a `ProcessPoolExecutor`, each pinned to its share of the
cores; with a scheduler they are Dask's (`distributed.Client.get_executor()`, the same
`concurrent.futures` interface), on as many machines as run `dask worker`, and nothing has to be on
a shared disk. A worker that dies takes no finished row with it: rows are appended to the CSV as they
come, one write each, flushed; locally the pool is rebuilt and the unfinished answers sent again (an
answer whose worker dies twice gets an error row), and Dask reschedules them itself.

Rerunning skips every answer already in the CSV with the same audio (SHA-256) and settings, error rows
too (the same file fails the same way), but for answers whose workers died.
"""

from __future__ import annotations

import csv
import hashlib
import io
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .audio import FFMPEG_SUFFIXES, SOUNDFILE_SUFFIXES
from .errors import MockmicError
from .norms import hesitant_pauses

COLUMNS = (
    "file", "candidate", "question", "language", "duration_s", "conciseness", "enthusiasm", "assertiveness",
    "clarity", "words_per_minute", "pauses", "long_mid_sentence_pauses", "fillers_per_100_words",
    "pitch_sd_semitones", "html", "sha256", "settings", "error",
)  # fmt: skip
MAX_ATTEMPTS = 3  # an answer sent this many times to a pool that broke gets an error row instead
DIED = "The worker analysing this answer died each time; check the file (a rerun tries it again)."


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What every answer of a run is analysed with; a row is reused on a rerun only with the same."""

    question: str = "intro"  # question id, unless a LIST.csv row names its own
    language: str = "auto"  # auto, en or es, unless a LIST.csv row names its own
    model: str | None = None  # None: the best bundled model for the answer's language
    engine: str = "faster-whisper"  # the Whisper engine
    html: bool = False  # make each candidate's visual report too

    def key(self, question: str, language: str) -> str:
        """What a row's results depend on besides the audio, as a short digest."""
        text = f"{__version__}|{question}|{language}|{self.model}|{self.engine}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Answer:
    """One file of the cohort."""

    path: Path
    candidate: str  # from LIST.csv's candidate column, else the file's name without its extension
    question: str
    language: str


@dataclass(frozen=True)
class Task:
    """What a worker is sent: everything it needs, the audio included (no shared disk needed)."""

    name: str  # the file's name (its extension tells the decoder what it is)
    audio: bytes
    question: str
    language: str
    settings: Settings


@dataclass(frozen=True)
class Result:
    """What a worker sends back."""

    row: dict[str, str]  # the measures' columns, or an error
    page: str | None = None  # the visual report's HTML, when asked for


# --- what to analyse ------------------------------------------------------------------------------------


def answers_in(source: Path, settings: Settings) -> list[Answer]:
    """Every audio file under a folder (recursively, in name order), or every row of a CSV with a `path`
    column (relative to the CSV's folder) and optional `question`, `language` and `candidate` columns."""
    if source.is_dir():
        suffixes = SOUNDFILE_SUFFIXES | FFMPEG_SUFFIXES
        files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
        return [Answer(p, p.stem, settings.question, settings.language) for p in files]
    if source.suffix.lower() != ".csv" or not source.is_file():
        raise MockmicError(f"{source} is neither a folder of answers nor a .csv list of them; give one of those.")
    with open(source, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    if rows and "path" not in rows[0]:
        raise MockmicError(f"{source} has no 'path' column; name each answer's file in a column called path.")
    return [
        Answer(
            (source.parent / row["path"]).resolve(),
            row.get("candidate") or Path(row["path"]).stem,
            row.get("question") or settings.question,
            row.get("language") or settings.language,
        )
        for row in rows
    ]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- the worker's side ------------------------------------------------------------------------------------


def analyse(task: Task) -> Result:
    """One answer analysed, on whatever worker runs it, on one core; a bad answer is a row with one sentence."""
    from . import config, engine, page, pipeline, questions

    engine.fix_cores(1)  # the same words on every worker (engine.fix_cores); answers run side by side instead

    row = {"question": task.question, "language": task.language}
    with tempfile.TemporaryDirectory(prefix="mockmic-batch-") as folder:
        path = Path(folder) / ("answer" + Path(task.name).suffix.lower())
        path.write_bytes(task.audio)
        try:
            question = questions.get_question(task.question)
            analysis = pipeline.analyze(
                path,
                question,
                language=task.language,
                model=task.settings.model,
                engine=task.settings.engine,
                models_dir=config.models_dir(),
            )
        except MockmicError as e:
            return Result(row | {"error": str(e).replace(str(path), task.name)})  # its name, not the worker's copy
        except Exception as e:  # any: one bad answer is one error row, never the end of the batch
            return Result(row | {"error": f"The analysis of {task.name} failed ({type(e).__name__}: {e})."})
        m, scores = analysis.metrics, analysis.feedback.scores
        row |= {
            "language": m.language,
            "duration_s": f"{m.duration_s:.2f}",
            **{name: "" if scores.get(name) is None else str(scores[name]) for name in questions.DIMENSIONS},
            "words_per_minute": _number(m.words_per_minute, 1),
            "pauses": str(m.pauses.count),
            "long_mid_sentence_pauses": str(len(hesitant_pauses(m))),  # the clarity score's own test
            "fillers_per_100_words": _number(m.fillers.per_100_words, 2),
            "pitch_sd_semitones": _number(m.pitch.sd_semitones, 2),
        }
        html = page.answer_page(page.analysed(analysis, question)) if task.settings.html else None
        return Result(row, html)


def _number(value: float | None, decimals: int) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


# --- the coordinator's side -------------------------------------------------------------------------------


class Results:
    """RESULTS.csv: rows appended as they finish, each in one write, flushed to disk; the rows already
    there (a truncated last line from a kill is left out) tell a rerun what to skip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: dict[tuple[str, str], dict[str, str]] = {}
        if path.is_file() and path.stat().st_size:
            with open(path, newline="", encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    if None not in row.values() and row.get("sha256") and row.get("error") != DIED:
                        self.done[(row["sha256"], row["settings"])] = row
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as e:
            raise MockmicError(f"Cannot write {path} ({e.strerror}); choose another --out.") from e
        if os.fstat(self._fd).st_size == 0:
            self._write(dict(zip(COLUMNS, COLUMNS)))
        elif os.pread(self._fd, 1, os.fstat(self._fd).st_size - 1) != b"\n":
            os.write(self._fd, b"\n")  # a line a kill cut short ends here, and stays unread

    def add(self, row: dict[str, str]) -> None:
        self._write(row)

    def _write(self, row: dict[str, str]) -> None:
        line = io.StringIO()
        csv.writer(line).writerow([row.get(column, "") for column in COLUMNS])
        os.write(self._fd, line.getvalue().encode("utf-8"))
        os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)


def local_pool(jobs: int) -> Callable[[], Executor]:
    """A factory of process pools of `jobs` workers, each pinned to its own share of the cores (so that
    the engines' thread counts, engine.cpu_threads, see only their share)."""

    def make() -> Executor:
        cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        context = multiprocessing.get_context("spawn")  # no copy of the coordinator's threads or models
        shares = context.Queue()
        for n in range(jobs):
            shares.put([c for i, c in enumerate(cores) if i % jobs == n] or cores)
        return ProcessPoolExecutor(jobs, mp_context=context, initializer=_pin, initargs=(shares,))

    return make


def _pin(shares) -> None:
    share = shares.get()
    if share and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, share)


def run(
    answers: list[Answer],
    settings: Settings,
    results: Results,
    executor: Callable[[], Executor],
    *,
    in_flight: int,
    html_dir: Path | None = None,
) -> Iterator[dict[str, str]]:
    """Analyse the answers not already in `results`, yielding each row once it is stored (skipped ones
    first, as they were stored). `executor` makes the pool; at most `in_flight` answers are sent ahead
    (their audio is in memory until done). A local pool that breaks (a worker killed) is made again and
    the answers it held are sent again."""
    waiting: list[tuple[Answer, str]] = []
    for answer in answers:
        try:
            digest = sha256_of(answer.path)
        except OSError as e:
            row = _base(answer, "", settings) | {"error": f"Cannot read {answer.path} ({e.strerror})."}
            results.add(row)
            yield row
            continue
        if (done := results.done.get((digest, settings.key(answer.question, answer.language)))) is not None:
            yield done | {"skipped": "yes"}
        else:
            waiting.append((answer, digest))
    attempts: dict[Path, int] = {}
    while waiting:
        pool, sent = executor(), {}
        try:
            while waiting or sent:
                while waiting and len(sent) < in_flight:
                    answer, digest = waiting.pop(0)
                    attempts[answer.path] = attempts.get(answer.path, 0) + 1
                    task = Task(answer.path.name, answer.path.read_bytes(), answer.question, answer.language, settings)
                    sent[pool.submit(analyse, task)] = (answer, digest)
                finished, _ = wait(sent, return_when=FIRST_COMPLETED)
                for future in finished:
                    answer, digest = sent.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        if attempts[answer.path] < MAX_ATTEMPTS:
                            waiting.insert(0, (answer, digest))  # to the next pool
                            continue
                        result = Result({"error": DIED})
                    except Exception as e:  # any, from the cluster (a task its workers kept dying on): one row
                        result = Result({"error": f"The cluster could not analyse it ({type(e).__name__}: {e})."})
                    row = _base(answer, digest, settings) | result.row
                    if result.page is not None and html_dir is not None:
                        row["html"] = str(_write_page(html_dir, answer, result.page))
                    results.add(row)
                    yield row
                if any(isinstance(f.exception(), BrokenProcessPool) for f in finished if f.done()):
                    waiting[:0] = list(sent.values())  # the broken pool's other answers, sent again
                    break
        finally:
            pool.shutdown(wait=False)


def _base(answer: Answer, digest: str, settings: Settings) -> dict[str, str]:
    return {
        "file": str(answer.path),
        "candidate": answer.candidate,
        "question": answer.question,
        "language": answer.language,
        "sha256": digest,
        "settings": settings.key(answer.question, answer.language),
    }


def _write_page(html_dir: Path, answer: Answer, html: str) -> Path:
    html_dir.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in answer.candidate) or "answer"
    path = html_dir / f"{safe}-{hashlib.sha256(str(answer.path).encode()).hexdigest()[:8]}.html"
    path.write_text(html, encoding="utf-8")
    return path
