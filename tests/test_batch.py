"""`mockmic batch`: a folder of real and broken answers into one CSV row each, with two local workers and
on a Dask cluster started here (a scheduler and two worker processes on 127.0.0.1), the same rows both
ways; a rerun skips everything; a worker killed mid-run loses no row."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mockmic import batch
from tests.helpers import MODELS_DIR, ROOT, SAMPLES, mockmic

MEASURES = ("language", "duration_s", "conciseness", "enthusiasm", "assertiveness", "clarity", "words_per_minute")


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    """Two real answers (one a folder down), a text file named .wav and an empty .flac."""
    folder = tmp_path / "cohort"
    (folder / "group2").mkdir(parents=True)
    shutil.copy(SAMPLES / "concise_lively.flac", folder / "ana.flac")
    shutil.copy(SAMPLES / "spanish_concise.flac", folder / "group2" / "bruno.flac")
    (folder / "notes.wav").write_text("not a recording")
    (folder / "empty.flac").touch()
    return folder


def rows_of(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return {row["candidate"]: row for row in csv.DictReader(f)}


def run_batch(source: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    result = mockmic("batch", str(source), "--out", str(out), *options)
    assert result.returncode == 0, result.stderr
    return result


def test_answers_are_found_in_folders_and_in_a_list(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    for name in ("a/one.wav", "two.m4a", "notes.txt"):
        (tmp_path / name).touch()
    settings = batch.Settings(question="project", language="es")
    found = batch.answers_in(tmp_path, settings)
    assert [(a.path.name, a.candidate, a.question, a.language) for a in found] == [
        ("one.wav", "one", "project", "es"),
        ("two.m4a", "two", "project", "es"),
    ]
    (tmp_path / "list.csv").write_text("path,candidate,language\na/one.wav,Ana,en\ntwo.m4a,,\n")
    listed = batch.answers_in(tmp_path / "list.csv", settings)
    assert [(a.path, a.candidate, a.language) for a in listed] == [
        ((tmp_path / "a/one.wav").resolve(), "Ana", "en"),
        ((tmp_path / "two.m4a").resolve(), "two", "es"),
    ]


@pytest.mark.slow
def test_two_local_workers_give_a_row_per_file_and_a_rerun_skips_them(cohort: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    first = run_batch(cohort, out, "--jobs", "2", "--html-dir", str(tmp_path / "pages"))
    assert "2 answer(s) analysed, 0 skipped" in first.stdout and "2 with an error" in first.stdout
    rows = rows_of(out)
    assert set(rows) == {"ana", "bruno", "notes", "empty"}
    truth = json.loads((SAMPLES / "concise_lively.json").read_text())
    assert rows["ana"]["language"] == "en" and float(rows["ana"]["duration_s"]) == pytest.approx(
        truth["duration_s"], abs=0.01
    )
    assert float(rows["ana"]["words_per_minute"]) == pytest.approx(142.1, rel=0.05)  # samples/README.md's truth
    assert rows["bruno"]["language"] == "es" and float(rows["bruno"]["words_per_minute"]) == pytest.approx(
        149, rel=0.05
    )
    assert "notes.wav" in rows["notes"]["error"] and "/tmp/mockmic-batch" not in rows["notes"]["error"]
    assert "is empty" in rows["empty"]["error"]
    assert Path(rows["ana"]["html"]).read_text().startswith("<!DOCTYPE html>")
    stored = out.read_bytes()
    again = run_batch(cohort, out, "--jobs", "2")
    assert "0 answer(s) analysed, 4 skipped" in again.stdout  # a broken file fails the same way: skipped too
    assert out.read_bytes() == stored


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_dask_cluster_gives_the_rows_two_local_workers_give(cohort: Path, tmp_path: Path) -> None:
    local, cluster = tmp_path / "local.csv", tmp_path / "cluster.csv"
    run_batch(cohort, local, "--jobs", "2")
    port = free_port()
    env = {**os.environ, "MOCKMIC_MODELS": str(MODELS_DIR)}
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    scheduler = subprocess.Popen([*dask, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], env=env)
    worker = [sys.executable, "-m", "distributed.cli.dask_worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1"]
    workers = [subprocess.Popen([*worker, "--no-dashboard", "--name", f"w{n}"], env=env, cwd=ROOT) for n in (1, 2)]
    try:
        from distributed import Client

        with Client(f"tcp://127.0.0.1:{port}", timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        run_batch(cohort, cluster, "--scheduler", f"tcp://127.0.0.1:{port}")
    finally:
        for process in (*workers, scheduler):
            process.terminate()
        for process in (*workers, scheduler):
            process.wait(timeout=30)
    here, there = rows_of(local), rows_of(cluster)
    assert set(here) == set(there)
    for candidate in ("ana", "bruno"):
        assert {k: here[candidate][k] for k in MEASURES} == {k: there[candidate][k] for k in MEASURES}
        assert here[candidate]["sha256"] == there[candidate]["sha256"]
    assert here["notes"]["error"] == there["notes"]["error"]


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_no_row(cohort: Path, tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "rambling_flat.flac", cohort / "carla.flac")
    out = tmp_path / "results.csv"
    env = {**os.environ, "MOCKMIC_MODELS": str(MODELS_DIR)}
    process = subprocess.Popen(
        [sys.executable, "-m", "mockmic", "batch", str(cohort), "--out", str(out), "--jobs", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline:
        time.sleep(0.5)
        victim = next(iter(_workers_of(process.pid)), None)
    assert victim is not None, "no worker process started"
    time.sleep(4)  # it is loading the models or analysing its first answer
    os.kill(victim, signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    rows = rows_of(out)
    assert set(rows) == {"ana", "bruno", "carla", "notes", "empty"}
    assert all(rows[c]["conciseness"] and not rows[c]["error"] for c in ("ana", "bruno", "carla"))


def _workers_of(pid: int) -> list[int]:
    """The pool's worker processes (multiprocessing's spawned children, not its resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    found = []
    for child in map(int, children):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in command:
            found.append(child)
    return found


def test_a_row_cut_short_by_a_kill_is_left_out_and_the_next_starts_on_its_own_line(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    results = batch.Results(out)
    done = {"file": "/a.flac", "candidate": "a", "sha256": "aa", "settings": "s1", "conciseness": "90"}
    results.add(done)
    results.close()
    with open(out, "a", encoding="utf-8") as f:
        f.write("/b.flac,b,intro")  # a kill mid-write
    results = batch.Results(out)
    assert list(results.done) == [("aa", "s1")]  # the whole row only
    results.add({"file": "/c.flac", "candidate": "c", "sha256": "cc", "settings": "s1"})
    results.close()
    assert out.read_text().splitlines()[-2:] == ["/b.flac,b,intro", "/c.flac,c,,,,,,,,,,,,,,cc,s1,"]
