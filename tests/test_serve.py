"""`mockmic serve`: its API in process (Starlette's TestClient, the real pipeline and library), and the
whole app end to end in Debian's chromium, whose microphone plays a real answer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import soundfile as sf
from starlette.testclient import TestClient

from mockmic import serve
from tests.browser import chromium_path, open_url
from tests.helpers import MODELS_DIR, ROOT, SAMPLES

LOCAL = "http://127.0.0.1"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MOCKMIC_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def client(**changes) -> TestClient:
    app = serve.create_app(serve.ServeOptions(models_dir=MODELS_DIR, **changes))
    return TestClient(app, base_url=LOCAL)


def token(http: TestClient) -> dict[str, str]:
    return {serve.TOKEN_HEADER: http.get("/api/token").json()["token"]}


def finished(http: TestClient, job: dict, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = http.get(job["poll"]).json()
        if state["state"] != "running":
            return state
        time.sleep(0.2)
    raise AssertionError("the analysis did not finish")


@pytest.mark.slow
def test_an_uploaded_answer_is_analysed_stored_and_served(home: Path) -> None:
    with client() as http:
        with open(SAMPLES / "concise_lively.flac", "rb") as f:
            response = http.post("/api/takes", files={"audio": ("answer.flac", f)}, headers=token(http))
        assert response.status_code == 202
        state = finished(http, response.json())
        assert state["state"] == "done", state
        take = http.get(f"/api/takes/{state['take_id']}").json()
        assert take["id"] == state["take_id"]
        assert "engineer" in take["transcript"]["text"]
        assert [t["id"] for t in http.get("/api/takes").json()] == [state["take_id"]]
        report = http.get(state["url"])
        assert report.status_code == 200 and "<audio" in report.text and "engineer" in report.text


@pytest.mark.slow
def test_bad_requests_get_one_sentence_and_lose_nothing(home: Path) -> None:
    with client(max_upload_bytes=4_000_000) as http:
        with open(SAMPLES / "rambling_flat.flac", "rb") as f:
            job = http.post("/api/takes", files={"audio": ("a.flac", f)}, headers=token(http)).json()
        stored = finished(http, job)["take_id"]
        headers = token(http)
        cases = {
            "empty": http.post("/api/takes", files={"audio": ("empty.wav", b"")}, headers=headers),
            "not audio": http.post(
                "/api/takes", files={"audio": ("notes.wav", b"not a recording " * 100)}, headers=headers
            ),
            "too big": http.post("/api/takes", files={"audio": ("big.wav", b"\0" * 4_100_000)}, headers=headers),
            "no token": http.post("/api/takes", files={"audio": ("a.wav", b"RIFF")}),
            "cross-site post": http.post(
                "/api/recordings", json={"question": "intro"}, headers={"Origin": "https://evil.example"}
            ),
            "cross-site delete": http.delete(f"/api/takes/{stored}", headers={"Origin": "https://evil.example"}),
            "foreign host": http.get("/api/takes", headers={"Host": "evil.example"}),
            "dot-dot take": http.get("/takes/..%2F..%2Fetc%2Fpasswd"),
            "dot-dot job": http.get("/api/jobs/..%2F..%2Flibrary.db"),
            "missing take": http.get("/api/takes/999"),
        }
        expected = {
            "empty": 400, "not audio": 400, "too big": 413, "no token": 403, "cross-site post": 403,
            "cross-site delete": 403, "foreign host": 400, "dot-dot take": 404, "dot-dot job": 404, "missing take": 404,
        }  # fmt: skip
        assert {name: r.status_code for name, r in cases.items()} == expected
        assert "is empty" in cases["empty"].json()["error"]
        assert cases["too big"].json()["error"].startswith("The file is larger than 3 MB")
        assert "token" in cases["no token"].json()["error"]
        # the server is up, and the take stored before is whole
        assert [t["id"] for t in http.get("/api/takes").json()] == [stored]
        assert http.get(f"/api/takes/{stored}").json()["transcript"]["words"]


def answer_wav(tmp_path: Path) -> Path:
    """The English sample as the 16-bit WAV chromium's fake microphone plays."""
    samples, rate = sf.read(SAMPLES / "concise_lively.flac", dtype="int16")
    path = tmp_path / "answer.wav"
    sf.write(path, samples, rate, subtype="PCM_16")
    return path


@pytest.fixture
def server(tmp_path: Path):
    """`mockmic serve` in its own process, as a user starts it."""
    port = 8700 + os.getpid() % 200
    env = {**os.environ, "MOCKMIC_HOME": str(tmp_path / "home"), "MOCKMIC_MODELS": str(MODELS_DIR)}
    process = subprocess.Popen(
        [sys.executable, "-m", "mockmic", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert f"http://127.0.0.1:{port}/" in process.stdout.readline()
        yield f"{LOCAL}:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium and playwright")
def test_practise_in_the_browser_then_compare_and_delete(server: str, tmp_path: Path) -> None:
    key = httpx.get(f"{server}/api/token").json()["token"]
    with open(SAMPLES / "rambling_flat.flac", "rb") as f:  # an earlier take, to compare with
        job = httpx.post(
            f"{server}/api/takes", files={"audio": ("a.flac", f)}, headers={serve.TOKEN_HEADER: key}
        ).json()
    while httpx.get(f"{server}{job['poll']}").json()["state"] == "running":
        time.sleep(0.2)
    same_server = re.compile(re.escape(server) + r"(/|$)")
    with open_url(f"{server}/", lambda url: bool(same_server.match(url)), microphone=answer_wav(tmp_path)) as (
        page,
        outside,
    ):
        page.select_option("#question", "intro")
        page.click("#start")
        page.wait_for_selector("#stop:not([disabled])", timeout=30_000)
        page.wait_for_timeout(62_000)  # the answer, said into the microphone
        page.click("#stop")
        stopped = time.monotonic()
        page.wait_for_url(re.compile(r"/takes/\d+$"), timeout=60_000)
        page.wait_for_selector(".transcript")
        waited = time.monotonic() - stopped
        words = page.locator(".transcript").inner_text()
        assert "engineer" in words and "checkout" in words
        print(f"report on screen {waited:.2f} s after the stop")
        page.click("nav a[href='/takes']")
        page.wait_for_selector("tbody tr")
        assert page.locator("tbody tr").count() == 2
        assert page.locator(".chart svg").count() == 1  # the scores over the two takes
        page.locator(".pick").nth(0).check()
        page.locator(".pick").nth(1).check()
        page.click("#compare")
        page.wait_for_url(re.compile(r"/compare\?ids=1,2$"))
        assert "#1, #2" in page.locator("h1").inner_text()
        page.go_back()
        page.wait_for_selector("button.delete")
        page.on("dialog", lambda dialog: dialog.accept())
        page.locator("button.delete").first.click()
        page.wait_for_function("document.querySelectorAll('tbody tr').length === 1")
        assert outside == []
    assert len(httpx.get(f"{server}/api/takes").json()) == 1
