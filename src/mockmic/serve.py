"""`mockmic serve`: the coach as a local web app, on the same pipeline, library and pages as the CLI.

The browser records the answer and sends it as it is said: 16 kHz 16-bit PCM, a block every half
second, written to a crash-safe WAV (recorder.WavAppender) and given to a live analysis (live.py),
exactly as `practice` does with a microphone; when the take ends only its last stretch is left, and
the visual report (page.py) is on screen a moment later. Files are uploaded too (any format
`audio.load_audio` reads, through ffmpeg for WebM and the like). The JSON API the pages use is the
one scripts use: `POST /api/takes`, `GET /api/takes`, `GET|DELETE /api/takes/{id}`, and jobs to poll.

A local server is still a server. It listens on 127.0.0.1 unless told otherwise; a request whose Host
is not this machine's name is refused (DNS rebinding); every request that changes something carries
the token of this run of the server, which only its own pages hold (a page of another site can send a
request but cannot read the token); uploads are capped and checked by content; ids are numbers or the
server's own random names, never paths; and no page asks for anything outside this server.
"""

from __future__ import annotations

import contextlib
import functools
import secrets
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from . import engine, export, figures, library, page, pipeline, questions, schema
from .audio import load_audio
from .compare import compare
from .constants import MAX_DURATION_S, SAMPLE_RATE
from .errors import MockmicError, TakeNotFound
from .live import Live
from .models import choose_model
from .recorder import WavAppender
from .text import clock, say

LOCAL_HOSTS = ("127.0.0.1", "localhost")
TOKEN_HEADER = "X-Mockmic-Token"
# An upload larger than this is refused before it is read through: 2 hours of 16 kHz mono 16-bit WAV
# (MAX_DURATION_S) is 230 MB, an hour of 48 kHz stereo 115 MB; a practice answer is a few MB.
MAX_UPLOAD_BYTES = 256 * 1024 * 1024
MAX_BLOCK_BYTES = 10 * 2 * SAMPLE_RATE  # one block of a browser recording: at most 10 s of audio


@dataclass(frozen=True, kw_only=True)
class ServeOptions:
    """How the app analyses and what it accepts."""

    models_dir: Path  # where the Whisper models are
    engine: str = engine.DEFAULT_ENGINE  # the Whisper engine
    model: str | None = None  # None: the best bundled model for the answer's language
    questions_file: Path | None = None  # the user's own questions (TOML), beside the bank
    hosts: tuple[str, ...] = LOCAL_HOSTS  # the Host headers answered; any other is refused
    max_upload_bytes: int = MAX_UPLOAD_BYTES  # larger uploads are refused (413)


@dataclass
class Job:
    """An analysis running on the worker: what it is at, and how it ended."""

    step: str = "reading"
    done: float = 0.0
    total: float = 0.0
    take_id: int | None = None
    error: str | None = None
    finished: bool = False
    started: float = field(default_factory=time.monotonic)


@dataclass
class Recording:
    """A take being recorded in the browser."""

    wav: WavAppender
    live: Live
    question: questions.Question
    frames: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class App:
    """The state of one server: its token, its jobs and the takes being recorded."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.token = secrets.token_urlsafe(24)
        self.jobs: dict[str, Job] = {}
        self.recordings: dict[str, Recording] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mockmic-analysis")  # one at a time
        self._keep = engine.keep_loaded(2)  # the detector and a decoder stay loaded between takes
        self._keep.__enter__()
        self.worker.submit(self._load_models)

    def _load_models(self) -> None:
        """Load the detector, the English decoder and the plotting library now, not when the first take ends."""
        import matplotlib.figure  # noqa: F401  (0.3 s of the first report otherwise)

        try:
            engine.load_engine(
                self.options.engine, pipeline.detector_model(self.options.model), self.options.models_dir
            )
            engine.load_engine(self.options.engine, choose_model("en", self.options.model), self.options.models_dir)
        except MockmicError:
            return  # the first analysis meets it again and says what to do

    def close(self) -> None:
        for recording in self.recordings.values():
            recording.live.__exit__(None, None, None)
            recording.wav.__exit__(None, None, None)
        self.worker.shutdown(wait=True)
        self._keep.__exit__(None, None, None)

    # --- work ---------------------------------------------------------------------------------------

    def question(self, question_id: str | None) -> questions.Question:
        return questions.get_question(question_id or None, self.options.questions_file)

    @contextlib.contextmanager
    def library(self) -> Iterator[library.Library]:
        """The library, open for one request (SQLite in WAL mode: readers and a writer side by side)."""
        store = library.Library.open()
        try:
            yield store
        finally:
            store.close()

    def submit(self, work: Callable[[Job], int]) -> str:
        """Run `work(job)` on the worker; it returns the take's id. The job's id, to poll."""
        job_id, job = uuid.uuid4().hex, Job()
        self.jobs[job_id] = job

        def run() -> None:
            try:
                job.take_id = work(job)
            except MockmicError as e:
                job.error = str(e)
            except Exception as e:  # any: the server stays up, the recording stays on disk, and says so
                job.error = f"The analysis failed ({type(e).__name__}: {e}); the audio is kept, try again."
            finally:
                job.finished = True

        self.worker.submit(run)
        return job_id

    def analyse_file(self, path: Path, question: questions.Question, language: str, job: Job) -> int:
        """Analyse an uploaded file and store it as a take."""
        with self.library() as store:
            analysis = pipeline.analyze(
                path,
                question,
                language=language,
                model=self.options.model,
                engine=self.options.engine,
                models_dir=self.options.models_dir,
                earlier=pipeline.earlier_takes(store),
                progress=_reporting(job),
            )
            return _stored(store, path, analysis)

    def start_recording(self, question: questions.Question, language: str) -> str:
        with self.library() as store:
            earlier = pipeline.earlier_takes(store)
        path = library.practice_path(question.id)
        session = Live(
            path,
            question,
            language=language,
            model=self.options.model,
            engine_name=self.options.engine,
            models_dir=self.options.models_dir,
            earlier=earlier,
        ).__enter__()
        try:
            session.load()  # the models, before the first word: only the last stretch is left at the stop
            wav = WavAppender(path, SAMPLE_RATE, 1).__enter__()
        except BaseException:
            session.__exit__(None, None, None)
            raise
        recording_id = uuid.uuid4().hex
        self.recordings[recording_id] = Recording(wav, session, question)
        return recording_id

    def finish_recording(self, recording: Recording, job: Job) -> int:
        try:
            analysis = recording.live.finish(_reporting(job))
        finally:
            recording.live.__exit__(None, None, None)
        with self.library() as store:
            return _stored(store, recording.wav.path, analysis)


def _reporting(job: Job):
    def update(step: str, done: float, total: float) -> None:
        job.step, job.done, job.total = step, done, total

    return update


def _stored(store: library.Library, path: Path, analysis: pipeline.Analysis) -> int:
    take_id = pipeline.save(store, path, analysis)
    if take_id is None:
        raise MockmicError(say("report.not_stored", analysis.metrics.language))
    return take_id


# --- the app -------------------------------------------------------------------------------------------


def create_app(options: ServeOptions) -> Starlette:
    app = App(options)

    def guarded(handler):
        """A handler that changes something: it needs this server's token."""

        @functools.wraps(handler)
        async def checked(request: Request) -> Response:
            if not secrets.compare_digest(request.headers.get(TOKEN_HEADER, ""), app.token):
                return _error(403, say("serve.error.token", "en"))
            return await handler(request)

        return checked

    def failing(handler):
        """A handler whose mockmic errors become one sentence of JSON."""

        @functools.wraps(handler)
        async def caught(request: Request) -> Response:
            try:
                return await handler(request)
            except TakeNotFound as e:
                return _error(404, str(e))
            except MockmicError as e:
                return _error(400, str(e))

        return caught

    async def home(request: Request) -> Response:
        lang = _language(request)
        bank = questions.load_questions(options.questions_file)
        choices = [
            {"id": q.id, "text": q.text_in(lang), "low": q.target_s[0], "high": q.target_s[1]} for q in bank.values()
        ]
        return _app_page(request, app, "practise", lang, questions=choices)

    async def takes_page(request: Request) -> Response:
        lang = _language(request)
        with app.library() as store:
            takes = store.takes(request.query_params.get("question") or None)
        rows = [
            {
                "id": t.id,
                "when": t.created_at[:16].replace("T", " "),
                "question": t.question_id,
                "language": t.language or "",
                "length": clock(t.duration_s),
                "scores": [t.feedback.scores.get(name) for name in questions.DIMENSIONS],
            }
            for t in takes
        ]
        question_ids = sorted({t.question_id for t in takes})
        charts = []  # each question's scores over its takes, oldest first
        for question_id in question_ids:
            series = [t for t in reversed(takes) if t.question_id == question_id]
            if len(series) >= 2:
                scores = {name: [t.feedback.scores.get(name) for t in series] for name in questions.DIMENSIONS}
                charts.append({"question": question_id, "svg": figures.trend([t.id for t in series], scores, lang)})
        return _app_page(request, app, "library", lang, takes=rows, question_ids=question_ids, charts=charts)

    def rendered_take(take_id: int) -> str:
        with app.library() as store:
            take = store.get(take_id)
        question = questions.question_of_take(take.question_id, options.questions_file)
        answer = page.stored(take, question, library.stored_audio(take), audio_url=f"/api/takes/{take.id}/audio")
        return page.answer_page(answer, nav=_nav(take.metrics.language))

    async def take_page(request: Request) -> Response:
        # drawn on a thread: a recording in another tab keeps sending its blocks meanwhile
        return HTMLResponse(await run_in_threadpool(rendered_take, request.path_params["take_id"]))

    async def take_audio(request: Request) -> Response:
        with app.library() as store:
            take = store.get(request.path_params["take_id"])
        if not take.audio_path.is_file():
            return _error(404, say("page.no_audio", "en"))
        return FileResponse(take.audio_path)  # the library's own path for this id: nothing from the request

    def rendered_comparison(ids: list[int]) -> str:
        with app.library() as store:
            takes = [store.get(i) for i in ids]
        question = questions.question_of_take(takes[-1].question_id, options.questions_file)
        answers = [
            page.stored(t, question, library.stored_audio(t), audio_url=f"/api/takes/{t.id}/audio") for t in takes
        ]
        return page.compare_page(answers, compare(takes, question), question, nav=_nav(takes[-1].metrics.language))

    async def compare_view(request: Request) -> Response:
        ids = _ids(request.query_params.get("ids", ""))
        return HTMLResponse(await run_in_threadpool(rendered_comparison, ids))

    async def export_csv(request: Request) -> Response:
        with app.library() as store:
            body = export.takes_csv(store.takes())
        return Response(
            body, media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="takes.csv"'}
        )

    async def api_token(request: Request) -> Response:
        return JSONResponse({"token": app.token, "header": TOKEN_HEADER})

    async def api_takes(request: Request) -> Response:
        with app.library() as store:
            return JSONResponse([schema.take_summary(t) for t in store.takes(request.query_params.get("question"))])

    async def api_take(request: Request) -> Response:
        with app.library() as store:
            return JSONResponse(
                {"schema": schema.TAKE_SCHEMA, **schema.take_document(store.get(request.path_params["take_id"]))}
            )

    async def api_delete(request: Request) -> Response:
        with app.library() as store:
            take_id = request.path_params["take_id"]
            store.get(take_id)  # a missing take is said so
            removed = store.delete(take_id)
        return JSONResponse({"deleted": take_id, "audio_files": len(removed)})

    async def api_upload(request: Request) -> Response:
        size = int(request.headers.get("content-length") or 0)
        if size > options.max_upload_bytes:
            return _error(413, say("serve.error.too_big", "en", mb=options.max_upload_bytes // 2**20))
        async with request.form(max_files=1, max_part_size=options.max_upload_bytes) as form:
            upload = form.get("audio")
            if upload is None or isinstance(upload, str):
                return _error(400, say("serve.error.no_audio", "en"))
            question = app.question(str(form.get("question") or ""))
            language = str(form.get("language") or "auto")
            folder = Path(tempfile.mkdtemp(prefix="mockmic-upload-"))
            path = folder / ("upload" + _suffix(upload.filename))  # the name is the server's: never a path from outside
            with open(path, "wb") as out:
                shutil.copyfileobj(upload.file, out)
        try:
            await run_in_threadpool(load_audio, path)  # checked by content now: one clear sentence, nothing stored
        except MockmicError:
            shutil.rmtree(folder, ignore_errors=True)
            raise

        def work(job: Job) -> int:
            try:
                return app.analyse_file(path, question, language, job)
            finally:
                shutil.rmtree(folder, ignore_errors=True)

        return _accepted(app.submit(work))

    async def api_job(request: Request) -> Response:
        job = app.jobs.get(request.path_params["job_id"])
        if job is None:
            return _error(404, say("serve.error.no_job", "en"))
        if job.error:
            return JSONResponse({"state": "failed", "error": job.error})
        if job.finished:
            return JSONResponse(
                {
                    "state": "done",
                    "take_id": job.take_id,
                    "url": f"/takes/{job.take_id}",
                    "api": f"/api/takes/{job.take_id}",
                }
            )
        return JSONResponse({"state": "running", "step": job.step, "done": job.done, "total": job.total})

    async def api_start(request: Request) -> Response:
        data = await request.json()
        question = app.question(str(data.get("question") or ""))
        language = str(data.get("language") or "auto")
        if language not in ("auto", "en", "es"):
            return _error(400, say("serve.error.language", "en"))
        recording_id = await run_in_threadpool(app.start_recording, question, language)
        return JSONResponse({"id": recording_id, "sample_rate": SAMPLE_RATE})

    async def api_block(request: Request) -> Response:
        recording = app.recordings.get(request.path_params["recording_id"])
        if recording is None:
            return _error(404, say("serve.error.no_recording", "en"))
        body = await request.body()
        if len(body) > MAX_BLOCK_BYTES or len(body) % 2:
            return _error(400, say("serve.error.block", "en"))
        frames = np.frombuffer(body, dtype="<i2").reshape(-1, 1)
        with recording.lock:
            if recording.frames + len(frames) > MAX_DURATION_S * SAMPLE_RATE:
                return _error(413, say("serve.error.too_long", "en"))
            first = recording.frames
            recording.wav.append(frames)  # on disk before anything else: a take is never lost
            recording.frames += len(frames)
        recording.live.feed(frames, first, SAMPLE_RATE)
        return JSONResponse({"frames": recording.frames})

    async def api_stop(request: Request) -> Response:
        recording = app.recordings.pop(request.path_params["recording_id"], None)
        if recording is None:
            return _error(404, say("serve.error.no_recording", "en"))
        with recording.lock:
            recording.wav.__exit__(None, None, None)
        return _accepted(app.submit(lambda job: app.finish_recording(recording, job)))

    routes = [
        Route("/", home),
        Route("/takes", takes_page),
        Route("/takes/{take_id:int}", failing(take_page)),
        Route("/compare", failing(compare_view)),
        Route("/export.csv", export_csv),
        Route("/api/token", api_token),
        Route("/api/takes", failing(api_takes), methods=["GET"]),
        Route("/api/takes", failing(guarded(api_upload)), methods=["POST"]),
        Route("/api/takes/{take_id:int}", failing(api_take), methods=["GET"]),
        Route("/api/takes/{take_id:int}/audio", failing(take_audio), methods=["GET"]),
        Route("/api/takes/{take_id:int}", failing(guarded(api_delete)), methods=["DELETE"]),
        Route("/api/jobs/{job_id:str}", api_job),
        Route("/api/recordings", failing(guarded(api_start)), methods=["POST"]),
        Route("/api/recordings/{recording_id:str}/audio", failing(guarded(api_block)), methods=["POST"]),
        Route("/api/recordings/{recording_id:str}/stop", failing(guarded(api_stop)), methods=["POST"]),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(options.hosts))]

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette):
        yield
        app.close()

    starlette = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    starlette.state.app = app
    return starlette


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _accepted(job_id: str) -> JSONResponse:
    url = f"/api/jobs/{job_id}"
    return JSONResponse({"job": job_id, "poll": url}, status_code=202, headers={"Location": url})


def _ids(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as e:
        raise MockmicError("Give the takes to compare as numbers, e.g. /compare?ids=1,4.") from e
    if len(set(ids)) < 2 or len(set(ids)) < len(ids):
        raise MockmicError("Give two or more different take ids to compare, e.g. /compare?ids=1,4.")
    return ids


def _suffix(name: str | None) -> str:
    """The upload's extension, which tells ffmpeg or libsndfile what it is; only letters and digits kept."""
    suffix = Path(name or "").suffix.lower()
    return suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ".bin"


def _language(request: Request) -> str:
    """The interface's language: ?lang= (remembered in a cookie), else the cookie, else the browser's."""
    asked = request.query_params.get("lang") or request.cookies.get("lang")
    if asked in ("en", "es"):
        return asked
    return "es" if request.headers.get("accept-language", "").lower().startswith("es") else "en"


def _nav(lang: str) -> list[dict[str, str]]:
    return [
        {"href": "/", "label": say("serve.practise", lang)},
        {"href": "/takes", "label": say("serve.library", lang)},
    ]


def _app_page(request: Request, app: App, view: str, lang: str, **values: Any) -> Response:
    html = _template().render(
        view=view, lang=lang, token=app.token, nav=_nav(lang), t=functools.partial(say, lang=lang), **values
    )
    response = HTMLResponse(html)
    if request.query_params.get("lang") in ("en", "es"):
        response.set_cookie("lang", lang, samesite="strict", httponly=True)
    return response


@functools.cache
def _template():
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("mockmic", "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    return environment.get_template("app.html")


def run(options: ServeOptions, *, host: str, port: int, on_ready=None) -> None:
    """Serve until Ctrl-C. The socket is bound here, so that a port in use is an OSError to the caller
    (uvicorn would log it and exit)."""
    import socket

    import uvicorn

    listening = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind((host, port))
    config = uvicorn.Config(create_app(options), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    if on_ready:
        threading.Thread(target=_when_up, args=(server, on_ready), daemon=True).start()
    server.run(sockets=[listening])


def _when_up(server, on_ready) -> None:
    while not server.started:
        time.sleep(0.05)
    on_ready()
