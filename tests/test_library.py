"""The library on real SQLite files in temp directories: saving, migrations, concurrency, crashes."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic.compare import compare, sparkline
from mockmic.errors import LibraryError
from mockmic.feedback import Baseline, assess
from mockmic.library import AUDIO_DIR, DB_NAME, MIGRATIONS, Library, m001_takes
from mockmic.questions import get_question
from tests.helpers import ROOT, SAMPLES, mockmic
from tests.test_report import constructed_metrics


def analysis_dicts(**metric_changes) -> dict:
    from dataclasses import replace

    words, metrics = constructed_metrics()
    metrics = replace(metrics, **metric_changes)
    feedback = assess(metrics, get_question("intro"), words)
    transcript = {"engine": "openai-whisper", "model": "tiny.en", "language": "en", "text": "x", "words": []}
    return {"transcript": transcript, "metrics": metrics.as_dict(), "feedback": feedback.as_dict()}


def tone_file(path: Path, seed: int, seconds: float = 1.0) -> Path:
    rng = np.random.default_rng(seed)
    sf.write(path, rng.normal(0, 0.1, int(seconds * 16_000)).astype(np.float32), 16_000)
    return path


def save(library: Library, audio: Path, **changes) -> int:
    return library.save(audio, question_id="intro", duration_s=1.0, **analysis_dicts(**changes))


def test_save_and_read_back(tmp_path: Path) -> None:
    library = Library.open(tmp_path)
    take_id = save(library, tone_file(tmp_path / "a.wav", 1))
    take = library.get(take_id)
    assert take.audio_path.parent == tmp_path / AUDIO_DIR and take.audio_path.read_bytes() == (tmp_path / "a.wav").read_bytes()
    assert take.audio_path.stem == __import__("hashlib").sha256((tmp_path / "a.wav").read_bytes()).hexdigest()
    assert take.metrics["words_per_minute"] == 88.2 and take.feedback["question"] == "intro"
    assert take.model == "tiny.en" and take.app_version
    db = sqlite3.connect(tmp_path / DB_NAME)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_migrations_upgrade_an_old_library(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / DB_NAME)
    m001_takes(db)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO takes (question_id, created_at, audio_sha256, audio_suffix, duration_s, language, model, engine,"
        " app_version, transcript, metrics, feedback) VALUES ('intro', '2026-01-01T00:00:00Z', ?, '.wav', 1, 'en',"
        " 'tiny.en', 'openai-whisper', '0.0.1', '{}', '{}', '{}')", ("a" * 64,),
    )  # fmt: skip
    db.commit()
    db.close()
    (tmp_path / AUDIO_DIR).mkdir()
    (tmp_path / AUDIO_DIR / ("a" * 64 + ".wav")).write_bytes(b"RIFF")
    take = Library.open(tmp_path).get(1)
    assert take.analysed_at == "2026-01-01T00:00:00Z"  # migration 2 filled the new column


def _save_many(root: str, worker: int, count: int) -> None:
    library = Library.open(Path(root))
    for n in range(count):
        audio = tone_file(Path(root) / f"in-{worker}-{n}.wav", seed=worker * 100 + n)
        save(library, audio)


def test_four_processes_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    Library.open(tmp_path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_save_many, args=(str(tmp_path), w, 5)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    takes = Library.open(tmp_path).takes()
    assert len(takes) == 20 and len({t.audio_path for t in takes}) == 20
    assert all(t.audio_path.is_file() for t in takes)


def test_kill_9_during_saves_leaves_whole_takes_only(tmp_path: Path) -> None:
    big = tone_file(tmp_path / "big.wav", 7, seconds=120)  # a 4 MB copy makes the window wide
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]);"
        "from tests.test_library import save, tone_file; from mockmic.library import Library;"
        "lib = Library.open(Path(sys.argv[1])); n = 0\n"
        "while True:\n"
        "    n += 1; audio = Path(sys.argv[1]) / f'in{n}.wav'; audio.write_bytes(Path(sys.argv[3]).read_bytes()[:-2] + n.to_bytes(2, 'little')); save(lib, audio)"
    )
    rng = np.random.default_rng(0)
    for _ in range(4):
        child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path), str(ROOT), str(big)])
        time.sleep(1.5 + rng.uniform(0, 1.5))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        library = Library.open(tmp_path)  # adopts nothing half-done: orphan audio is removed
        takes = library.takes()
        referenced = {t.audio_path.name for t in takes}
        on_disk = {p.name for p in (tmp_path / AUDIO_DIR).iterdir()}
        assert on_disk == referenced and all(json.dumps(t.metrics) for t in takes)
        library.close()
    assert len(takes) >= 2


def test_orphan_audio_is_cleaned_up_on_open(tmp_path: Path) -> None:
    Library.open(tmp_path).close()
    orphan = tmp_path / AUDIO_DIR / ("b" * 64 + ".wav")
    orphan.write_bytes(b"left by a crash")
    Library.open(tmp_path)
    assert not orphan.exists()


def test_damaged_database_is_one_sentence_and_backed_up(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(LibraryError) as error:
        Library.open(tmp_path)
    message = str(error.value)
    assert str(tmp_path / DB_NAME) in message and "\n" not in message
    backups = list(tmp_path.glob(f"{DB_NAME}.damaged-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == (tmp_path / DB_NAME).read_bytes()


def test_ids_never_become_paths(tmp_path: Path) -> None:
    library = Library.open(tmp_path)
    take_id = save(library, tone_file(tmp_path / "a.wav", 1))
    library.db.execute("UPDATE takes SET audio_sha256 = '../../../etc/passwd' WHERE id = ?", (take_id,))
    with pytest.raises(LibraryError, match="invalid audio file"):
        library.get(take_id)
    with pytest.raises(LibraryError, match="no take"):
        library.get(999)


def test_delete_removes_row_and_unshared_audio(tmp_path: Path) -> None:
    library = Library.open(tmp_path)
    audio = tone_file(tmp_path / "a.wav", 1)
    first, second = save(library, audio), save(library, audio)  # the same audio twice: one file
    path = library.get(first).audio_path
    library.delete(first)
    assert path.exists()
    library.delete(second)
    assert not path.exists() and library.takes() == []


def test_compare_marks_each_change_by_its_good_direction(tmp_path: Path) -> None:
    library = Library.open(tmp_path)
    slow = save(library, tone_file(tmp_path / "a.wav", 1))
    better = save(library, tone_file(tmp_path / "b.wav", 2), words_per_minute=145.0, speaking_span_s=70.0)
    comparison = compare([library.get(slow), library.get(better)], get_question("intro"))
    rows = {r.name: r for r in comparison.rows}
    assert rows["words per minute"].verdicts == ("same", "better") and rows["words per minute"].deltas[1] == pytest.approx(56.8)
    assert rows["speaking time s"].verdicts[1] == "better"  # 3.4 s -> 70 s: into the 60-90 s target
    assert rows["clarity"].verdicts[1] == "better"
    assert "slow" in comparison.tips_resolved
    assert json.loads(json.dumps(comparison.as_dict()))["takes"] == [slow, better]


def test_longer_is_not_better_past_the_target(tmp_path: Path) -> None:
    library = Library.open(tmp_path)
    a = save(library, tone_file(tmp_path / "a.wav", 1), speaking_span_s=85.0)
    b = save(library, tone_file(tmp_path / "b.wav", 2), speaking_span_s=130.0)
    rows = {r.name: r for r in compare([library.get(a), library.get(b)], get_question("intro")).rows}
    assert rows["speaking time s"].verdicts[1] == "worse"


def test_sparkline() -> None:
    assert sparkline([0, 50, 100, None]) == "▁▅█ "


def test_commands_on_takes_of_the_samples(tmp_path: Path) -> None:
    for name in ("rambling_flat", "concise_lively"):
        result = mockmic("analyze", str(SAMPLES / f"{name}.flac"), "--save", "--json", home=tmp_path)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["take_id"]
    history = json.loads(mockmic("history", "--json", home=tmp_path).stdout)
    assert [t["id"] for t in history] == [2, 1] and history[0]["scores"]["enthusiasm"] > history[1]["scores"]["enthusiasm"]
    shown = json.loads(mockmic("show", "1", "--json", home=tmp_path).stdout)
    assert shown["metrics"]["fillers"]["count"] >= 10 and shown["transcript"]["words"]
    assert "Take 1" in mockmic("show", "1", home=tmp_path).stdout
    compared = json.loads(mockmic("compare", "1", "2", "--json", home=tmp_path).stdout)
    assert mockmic("compare", "1", "1", home=tmp_path).returncode == 2  # a take against itself
    verdicts = {m["name"]: m["verdicts"][1] for m in compared["measures"]}
    assert verdicts["conciseness"] == verdicts["enthusiasm"] == verdicts["fillers per 100 words"] == "better"
    assert "fillers" in compared["tips"]["resolved"]
    assert "█" in mockmic("progress", home=tmp_path).stdout
    assert mockmic("export", "--all", "--format", "csv", "--out", str(tmp_path / "t.csv"), home=tmp_path).returncode == 0
    assert (tmp_path / "t.csv").read_text().count("\n") == 3
    assert mockmic("export", "2", "--out", str(tmp_path / "t.json"), home=tmp_path).returncode == 0
    assert json.loads((tmp_path / "t.json").read_text())[0]["id"] == 2
    before = json.loads(mockmic("show", "2", "--json", home=tmp_path).stdout)
    assert mockmic("reanalyze", "2", home=tmp_path).returncode == 0
    after = json.loads(mockmic("show", "2", "--json", home=tmp_path).stdout)
    assert after["analysed_at"] > before["analysed_at"] and after["metrics"]["word_count"] == before["metrics"]["word_count"]
    assert mockmic("delete", "1", home=tmp_path).returncode == 0
    assert [t["id"] for t in json.loads(mockmic("history", "--json", home=tmp_path).stdout)] == [2]
    bad = mockmic("show", "../../etc/passwd", home=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_an_empty_library_says_there_is_nothing_to_reanalyse(tmp_path: Path) -> None:
    result = mockmic("reanalyze", "--all", home=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == "No takes to reanalyse: `mockmic practice` records one."


def test_damaged_database_through_the_command_line(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"garbage" * 1000)
    result = mockmic("history", home=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "damaged" in result.stderr


def test_three_stored_takes_make_a_personal_baseline(tmp_path: Path) -> None:
    from dataclasses import replace

    from mockmic.feedback import baseline_from
    from mockmic.pipeline import earlier_takes

    library = Library.open(tmp_path)
    _, metrics = constructed_metrics()
    for n, sd in enumerate((4.0, 5.0, 6.0)):
        pitch = replace(metrics.pitch, sd_semitones=sd, median_hz=120.0)
        save(library, tone_file(tmp_path / f"{n}.wav", n), pitch=pitch)
        if n < 2:
            assert baseline_from(earlier_takes(library), "en") is None
    assert baseline_from(earlier_takes(library), "en") == Baseline(takes=3, pitch_sd=5.0, wpm=88.2)


def test_a_take_of_fillers_only_is_neither_scored_nor_stored(tmp_path: Path) -> None:
    from dataclasses import replace

    from mockmic import report
    from mockmic.pipeline import Analysis
    from mockmic.pipeline import save as store
    from mockmic.transcribe import Transcript
    from tests.test_report import AUDIO, constructed_metrics, render

    words, metrics = constructed_metrics()
    um = replace(metrics, word_count=0)  # "Um," and nothing else counted
    analysis = Analysis(AUDIO, Transcript(words[:1], "en", "tiny.en"), um, assess(um, get_question("intro"), words[:1]))
    library = Library.open(tmp_path)
    assert store(library, tmp_path / "a.wav", analysis) is None and library.takes() == []
    assert set(analysis.feedback.scores.values()) == {None}
    text = render(report.feedback_renderable(analysis.feedback), width=100)
    assert "not scored" in text and "not scored:" not in text
