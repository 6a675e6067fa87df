"""The library on real SQLite files in temp directories: saving, migrations, concurrency, crashes."""

from __future__ import annotations

import csv
import hashlib
import io
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

from mockmic import schema
from mockmic.compare import compare, sparkline
from mockmic.errors import LibraryError
from mockmic.feedback import assess
from mockmic.library import AUDIO_DIR, DB_NAME, Library
from mockmic.migrations import MIGRATIONS, m001_takes
from mockmic.questions import get_question
from mockmic.rules import Baseline
from tests.fixtures import short_answer
from tests.helpers import ROOT, SAMPLES, mockmic
from tests.test_schema import OLD_FEEDBACK, OLD_METRICS, OLD_TRANSCRIPT


def analysis_parts(**metric_changes) -> dict:
    """A made-up analysis as `Library.save` takes it: transcript, metrics and feedback."""
    from dataclasses import replace

    from mockmic.transcribe import Transcript

    words, metrics = short_answer()
    metrics = replace(metrics, **metric_changes)
    feedback = assess(metrics, get_question("intro"), words)
    transcript = Transcript(words, "en", "tiny.en", "openai-whisper")
    return {"transcript": transcript, "metrics": metrics, "feedback": feedback}


def tone_file(path: Path, seed: int, seconds: float = 1.0) -> Path:
    rng = np.random.default_rng(seed)
    sf.write(path, rng.normal(0, 0.1, int(seconds * 16_000)).astype(np.float32), 16_000)
    return path


def save(library: Library, audio: Path, **changes) -> int:
    return library.save(audio, question_id="intro", duration_s=1.0, **analysis_parts(**changes))


def test_save_and_read_back(tmp_path: Path) -> None:
    library = Library.open(tmp_path)
    take_id = save(library, tone_file(tmp_path / "a.wav", 1))
    take = library.get(take_id)
    assert (
        take.audio_path.parent == tmp_path / AUDIO_DIR
        and take.audio_path.read_bytes() == (tmp_path / "a.wav").read_bytes()
    )
    assert take.audio_path.stem == __import__("hashlib").sha256((tmp_path / "a.wav").read_bytes()).hexdigest()
    assert take.metrics.words_per_minute == 88.2 and take.feedback.question_id == "intro"
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
        " 'tiny.en', 'openai-whisper', '0.0.1', ?, ?, ?)",
        ("a" * 64, json.dumps(OLD_TRANSCRIPT), json.dumps(OLD_METRICS), json.dumps(OLD_FEEDBACK)),
    )
    db.commit()
    db.close()
    (tmp_path / AUDIO_DIR).mkdir()
    (tmp_path / AUDIO_DIR / ("a" * 64 + ".wav")).write_bytes(b"RIFF")
    take = Library.open(tmp_path).get(1)
    assert take.analysed_at == "2026-01-01T00:00:00Z"  # migration 2 filled the new column
    assert take.metrics.words_per_minute == 88.2 and take.feedback.tips[0].id == "mid_pause"  # its analysis reads


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
        "    n += 1; audio = Path(sys.argv[1]) / f'in{n}.wav'; "
        "audio.write_bytes(Path(sys.argv[3]).read_bytes()[:-2] + n.to_bytes(2, 'little')); save(lib, audio)"
    )
    rng = np.random.default_rng(0)
    for _ in range(4):
        child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path), str(ROOT), str(big)])
        time.sleep(1.5 + rng.uniform(0, 1.5))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        library = Library.open(tmp_path)  # a take is whole or absent; audio a kill left without a row is kept
        takes = library.takes()
        referenced = {t.audio_path.name for t in takes}
        on_disk = {p.name for p in (tmp_path / AUDIO_DIR).iterdir()}
        assert referenced <= on_disk and all(t.metrics.words_per_minute == 88.2 for t in takes)
        assert all(hashlib.sha256(t.audio_path.read_bytes()).hexdigest() == t.audio_path.stem for t in takes)
        loose = library.check().loose
        assert {a.path.name for a in loose} == on_disk - referenced
        assert all(a.whole for a in loose if not a.path.name.endswith(".part"))  # renamed only once whole
        library.close()
    assert len(takes) >= 2


def test_audio_without_a_take_is_kept_and_listed(tmp_path: Path) -> None:
    Library.open(tmp_path).close()
    audio = tone_file(tmp_path / AUDIO_DIR / "x.wav", 3)
    orphan = audio.rename(tmp_path / AUDIO_DIR / (hashlib.sha256(audio.read_bytes()).hexdigest() + ".wav"))
    before = orphan.read_bytes()
    library = Library.open(tmp_path)
    assert orphan.read_bytes() == before  # opening the library never removes audio
    (found,) = library.check().loose
    assert found.path == orphan and found.whole and found.recording is None
    assert library.loose_names() == [orphan.name]


def test_a_whole_copy_a_crash_left_unnamed_is_put_in_place_and_a_partial_one_kept(tmp_path: Path) -> None:
    library = Library.open(tmp_path)
    whole, partial = (tone_file(tmp_path / f"{n}.wav", n).read_bytes() for n in (1, 2))
    names = [hashlib.sha256(data).hexdigest() + ".wav" for data in (whole, partial)]
    (tmp_path / AUDIO_DIR / f".{names[0]}.123.part").write_bytes(whole)  # killed between fsync and rename
    (tmp_path / AUDIO_DIR / f".{names[1]}.124.part").write_bytes(partial[:1000])  # killed mid-copy
    assert library.finish_copies() == 1
    assert (tmp_path / AUDIO_DIR / names[0]).read_bytes() == whole
    loose = {a.path.name: a.whole for a in library.check().loose}
    assert loose == {names[0]: True, f".{names[1]}.124.part": False}  # kept, and shown as not whole


def test_damaged_database_is_one_sentence_and_backed_up_once(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not a database" * 100)
    for _ in range(3):  # the same damage, met again and again: one copy of it
        with pytest.raises(LibraryError) as error:
            Library.open(tmp_path)
        time.sleep(1.1)  # a name from the clock would differ every second
    message = str(error.value)
    assert str(tmp_path / DB_NAME) in message and "\n" not in message and "`mockmic library repair`" in message
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
    assert rows["pace"].verdicts == ("same", "better") and rows["pace"].deltas[1] == 57
    assert rows["duration"].verdicts[1] == "better"  # 3.4 s -> 70 s: into the 60-90 s target
    assert rows["clarity"].verdicts[1] == "better"
    assert "slow" in comparison.tips_resolved
    assert json.loads(json.dumps(schema.comparison_document(comparison)))["takes"] == [slow, better]


def test_longer_is_not_better_past_the_target(tmp_path: Path) -> None:
    library = Library.open(tmp_path)
    a = save(library, tone_file(tmp_path / "a.wav", 1), speaking_span_s=85.0)
    b = save(library, tone_file(tmp_path / "b.wav", 2), speaking_span_s=130.0)
    rows = {r.name: r for r in compare([library.get(a), library.get(b)], get_question("intro")).rows}
    assert rows["duration"].verdicts[1] == "worse"


def test_sparkline() -> None:
    assert sparkline([0, 50, 100, None]) == "▁▅█ "


@pytest.mark.slow
def test_commands_on_takes_of_the_samples(tmp_path: Path) -> None:
    for name in ("rambling_flat", "concise_lively"):
        result = mockmic("analyze", str(SAMPLES / f"{name}.flac"), "--save", "--json", home=tmp_path)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["take_id"]
    history = json.loads(mockmic("history", "--json", home=tmp_path).stdout)
    assert [t["id"] for t in history] == [2, 1] and history[0]["scores"]["enthusiasm"] > history[1]["scores"][
        "enthusiasm"
    ]
    shown = json.loads(mockmic("show", "1", "--json", home=tmp_path).stdout)
    assert shown["metrics"]["fillers"]["count"] >= 10 and shown["transcript"]["words"]
    assert "Take 1" in mockmic("show", "1", home=tmp_path).stdout
    compared = json.loads(mockmic("compare", "1", "2", "--json", home=tmp_path).stdout)
    assert mockmic("compare", "1", "1", home=tmp_path).returncode == 2  # a take against itself
    verdicts = {m["name"]: m["verdicts"][1] for m in compared["measures"]}
    assert verdicts["conciseness"] == verdicts["enthusiasm"] == verdicts["fillers_per_100_words"] == "better"
    assert "fillers" in compared["tips"]["resolved"]
    assert "█" in mockmic("progress", home=tmp_path).stdout
    assert (
        mockmic("export", "--all", "--format", "csv", "--out", str(tmp_path / "t.csv"), home=tmp_path).returncode == 0
    )
    assert (tmp_path / "t.csv").read_text().count("\n") == 3
    assert mockmic("export", "2", "--out", str(tmp_path / "t.json"), home=tmp_path).returncode == 0
    assert json.loads((tmp_path / "t.json").read_text())[0]["id"] == 2
    before = json.loads(mockmic("show", "2", "--json", home=tmp_path).stdout)
    assert mockmic("reanalyze", "2", home=tmp_path).returncode == 0
    after = json.loads(mockmic("show", "2", "--json", home=tmp_path).stdout)
    assert (
        after["analysed_at"] > before["analysed_at"]
        and after["metrics"]["word_count"] == before["metrics"]["word_count"]
    )
    assert mockmic("delete", "1", "--yes", home=tmp_path).returncode == 0
    assert [t["id"] for t in json.loads(mockmic("history", "--json", home=tmp_path).stdout)] == [2]
    bad = mockmic("show", "../../etc/passwd", home=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


@pytest.mark.slow
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
    _, metrics = short_answer()
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
    from tests.fixtures import short_answer
    from tests.test_report import AUDIO, render

    words, metrics = short_answer()
    um = replace(metrics, word_count=0)  # "Um," and nothing else counted
    analysis = Analysis(AUDIO, Transcript(words[:1], "en", "tiny.en"), um, assess(um, get_question("intro"), words[:1]))
    library = Library.open(tmp_path)
    assert store(library, tmp_path / "a.wav", analysis) is None and library.takes() == []
    assert set(analysis.feedback.scores.values()) == {None}
    text = render(report.feedback_renderable(analysis.feedback), width=100)
    assert "not scored" in text and "not scored:" not in text


# --- issue 15: nothing lost, nothing overstated ------------------------------------------------------


def damage(db_path: Path, seed: int = 0, size: int = 8192) -> None:
    """Write `size` bytes of garbage into the middle of a database file, as a failing disk or a stray
    write would: the header and schema stay readable, some rows do not."""
    data = bytearray(db_path.read_bytes())
    start = len(data) // 2 // 4096 * 4096
    data[start : start + size] = np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes()
    db_path.write_bytes(bytes(data))


def library_of(home: Path, tmp_path: Path, count: int) -> list[Path]:
    """A closed library (no write-ahead log left) of `count` takes; returns their audio files."""
    library = Library.open(home)
    for n in range(count):
        save(library, tone_file(tmp_path / f"in{n}.wav", n))
    library.close()
    assert not (home / f"{DB_NAME}-wal").exists()
    return sorted((home / AUDIO_DIR).iterdir())


def contents(paths: list[Path]) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in paths}


def every_command(out: Path) -> list[tuple[str, ...]]:
    return [
        ("history",),
        ("history", "--json"),
        ("show", "1"),
        ("show", "2", "--json"),
        ("compare", "1", "2"),
        ("progress",),
        ("progress", "--json"),
        ("export", "--all", "--out", str(out / "all.json")),
        ("export", "--all", "--format", "csv", "--out", str(out / "all.csv")),
        ("export", "1", "--out", str(out / "one.json")),
        ("reanalyze", "--all"),
        ("library", "check"),
        ("library", "check", "--json"),
    ]


def test_a_damaged_database_moved_away_loses_no_audio(tmp_path: Path) -> None:
    home = tmp_path / "home"
    audio = contents(library_of(home, tmp_path, 30))
    damage(home / DB_NAME)
    for command in every_command(tmp_path):  # first on the damaged database, as it is
        result = mockmic(*command, home=home)
        assert "Traceback" not in result.stderr, command
    (home / DB_NAME).rename(tmp_path / "moved-away.db")  # what the old message told the user to do
    for command in every_command(tmp_path):  # then on the new, empty one that takes its place
        result = mockmic(*command, home=home)
        assert "Traceback" not in result.stderr, command
    assert contents(sorted((home / AUDIO_DIR).iterdir())) == audio  # every answer's audio, byte for byte
    check = json.loads(mockmic("library", "check", "--json", home=home).stdout)
    assert check["takes"] == 0 and len(check["loose_audio"]) == 30 and all(a["whole"] for a in check["loose_audio"])
    history = mockmic("history", home=home)
    assert history.returncode == 0 and "30 audio file(s) in the library have no take" in history.stderr
    assert "`mockmic library check`" in history.stderr and history.stderr.count("\n") == 1


def test_a_half_damaged_database_points_to_repair_and_repair_rescues_the_rest(tmp_path: Path) -> None:
    home = tmp_path / "home"
    audio = contents(library_of(home, tmp_path, 30))
    damage(home / DB_NAME)
    damaged = (home / DB_NAME).read_bytes()
    for command in (("history",), ("export", "--all", "--out", str(tmp_path / "t.json")), ("progress",)):
        result = mockmic(*command, home=home)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, (command, result.stderr)
        assert "is damaged" in result.stderr and "run `mockmic library repair`" in result.stderr
        assert len(result.stderr) < 400  # SQLite's error can quote a whole damaged row; the sentence does not
    assert not (tmp_path / "t.json").exists()
    repair = mockmic("library", "repair", home=home)
    assert repair.returncode == 0, repair.stderr
    backups = list(home.glob(f"{DB_NAME}.damaged-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == damaged  # one copy of the damaged file, untouched
    history = json.loads(mockmic("history", "--json", home=home).stdout)
    library = Library.open(home)
    check = library.check()
    assert 0 < len(history) < 30 and len(history) + len(check.loose) == 30  # each take rescued or its audio kept
    assert (
        f"Rescued {len(history)} take(s)" in repair.stdout
        and f"{len(check.loose)} audio file(s) have no take" in repair.stdout
    )
    assert all(library.get(t["id"]).metrics.words_per_minute == 88.2 for t in history)
    assert {t["id"] for t in history} <= set(range(1, 31))  # rescued takes keep their ids
    assert save(library, tone_file(tmp_path / "new.wav", 99)) == 31  # ids of lost takes are not given out again
    library.close()
    assert contents([p for p in sorted((home / AUDIO_DIR).iterdir()) if p.name in audio]) == audio
    again = mockmic("library", "repair", home=home)
    assert again.returncode == 0 and "not damaged" in again.stdout
    assert len(list(home.glob(f"{DB_NAME}.damaged-*"))) == 1


def test_repair_reads_rows_one_by_one_and_skips_the_garbage(tmp_path: Path) -> None:
    from mockmic.repair import repair

    library = Library.open(tmp_path)
    ids = [save(library, tone_file(tmp_path / f"{n}.wav", n)) for n in range(5)]
    library.db.execute("UPDATE takes SET metrics = CAST(? AS TEXT) WHERE id = 2", (b"\xff\xfe{not json",))  # garbage
    library.db.execute("UPDATE takes SET feedback = '[1, 2]' WHERE id = 4")  # valid JSON, not what a take holds
    library.close()
    with pytest.raises(LibraryError, match="library repair"):
        Library.open(tmp_path).takes()
    result = repair(tmp_path)
    assert result.damaged and (result.salvaged, result.unreadable, result.loose) == (3, 2, 2)
    assert [t.id for t in Library.open(tmp_path).takes()] == [ids[4], ids[2], ids[0]]


@pytest.mark.slow
def test_adopt_analyses_loose_audio_into_takes_again(tmp_path: Path) -> None:
    home = tmp_path / "home"
    practice = home / "recordings" / "20260102-030405-project.wav"  # as `practice` names what it records
    practice.parent.mkdir(parents=True)
    samples, rate = sf.read(SAMPLES / "concise_lively.flac")
    sf.write(practice, samples, rate)
    library = Library.open(home)
    save(library, practice)  # stored with a made-up analysis: what matters is the audio
    library.close()
    (home / DB_NAME).rename(tmp_path / "moved-away.db")
    result = mockmic("library", "adopt", "--language", "en", home=home)
    assert result.returncode == 0, result.stderr
    (take,) = json.loads(mockmic("history", "--json", home=home).stdout)
    assert take["question"] == "project"  # from the practice recording's name
    assert (
        take["created_at"]
        == time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.mktime((2026, 1, 2, 3, 4, 5, 0, 0, -1)))) + ".000000Z"
    )
    assert take["language"] == "en" and take["scores"]["conciseness"] is not None
    shown = json.loads(mockmic("show", str(take["id"]), "--json", home=home).stdout)
    assert "six years of experience" in shown["transcript"]["text"]  # analysed again, not the made-up analysis
    assert f"as take {take['id']}" in result.stdout
    assert json.loads(mockmic("library", "check", "--json", home=home).stdout)["loose_audio"] == []
    assert mockmic("library", "adopt", home=home).stdout.startswith("No audio without a take")


def test_delete_asks_on_a_terminal_and_needs_yes_without_one(tmp_path: Path) -> None:
    import pty

    home = tmp_path / "home"
    practice = home / "recordings" / "20260102-030405-intro.wav"
    practice.parent.mkdir(parents=True)
    tone_file(practice, 1)
    library = Library.open(home)
    first, second = save(library, practice), save(library, tone_file(tmp_path / "b.wav", 2))
    stored = library.get(first).audio_path
    library.close()

    refused = mockmic("delete", str(first), home=home)  # no terminal on stdin
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "--yes" in refused.stderr
    assert stored.exists() and practice.exists()

    def on_a_terminal(answer: str, take_id: int) -> str:
        leader, follower = pty.openpty()
        child = subprocess.Popen(
            [sys.executable, "-m", "mockmic", "delete", str(take_id)],
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "MOCKMIC_HOME": str(home)},
        )
        os.close(follower)
        os.write(leader, answer.encode() + b"\n")
        stdout, _ = child.communicate(timeout=60)
        os.close(leader)
        assert child.returncode == 0
        return stdout

    assert "[y/N]" in on_a_terminal("n", first) and stored.exists() and practice.exists()
    assert "Deleted take" in on_a_terminal("y", first)
    assert not stored.exists() and not practice.exists()  # every copy: the library's and the practice recording
    assert mockmic("delete", str(second), "--yes", home=home).returncode == 0
    assert json.loads(mockmic("history", "--json", home=home).stdout) == []
    assert (tmp_path / "b.wav").exists()  # a file stored with `analyze --save` is the user's own: it stays


def test_export_takes_its_format_from_the_extension_and_never_overwrites_by_itself(tmp_path: Path) -> None:
    home = tmp_path / "home"
    library_of(home, tmp_path, 2)
    assert mockmic("export", "--all", "--out", str(tmp_path / "t.csv"), home=home).returncode == 0
    assert (tmp_path / "t.csv").read_text().startswith("id,")
    assert mockmic("export", "--all", "--out", str(tmp_path / "t.json"), home=home).returncode == 0
    assert len(json.loads((tmp_path / "t.json").read_text())) == 2
    (tmp_path / "mine.csv").write_text("my own notes")
    refused = mockmic("export", "--all", "--out", str(tmp_path / "mine.csv"), home=home)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "--force" in refused.stderr
    assert (tmp_path / "mine.csv").read_text() == "my own notes"
    forced = mockmic("export", "--all", "--format", "json", "--out", str(tmp_path / "mine.csv"), "--force", home=home)
    assert forced.returncode == 0 and len(json.loads((tmp_path / "mine.csv").read_text())) == 2


def test_history_has_the_language_and_progress_is_per_question_with_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    library = Library.open(home)
    for n, question in enumerate(("intro", "project", "intro")):
        library.save(tone_file(tmp_path / f"{n}.wav", n), question_id=question, duration_s=1.0, **analysis_parts())
    library.close()
    history = json.loads(mockmic("history", "--json", home=home).stdout)
    assert [t["language"] for t in history] == ["en", "en", "en"]
    progress = json.loads(mockmic("progress", "--json", home=home).stdout)
    assert progress["schema"] == "mockmic.progress/1"
    assert [(s["question"], s["takes"]) for s in progress["series"]] == [("intro", [1, 3]), ("project", [2])]
    assert progress["series"][0]["scores"]["clarity"]["values"] == [history[0]["scores"]["clarity"]] * 2
    combined = json.loads(mockmic("progress", "--json", "--combined", home=home).stdout)
    assert [(s["question"], s["takes"]) for s in combined["series"]] == [(None, [1, 2, 3])]
    text = mockmic("progress", home=home).stdout
    assert "intro: Tell me about yourself" in text and text.count("Scores over") == 2


def test_compare_calls_a_change_within_a_measures_accuracy_the_same(tmp_path: Path) -> None:
    from dataclasses import replace

    _, metrics = short_answer()
    library = Library.open(tmp_path)
    takes = []
    for n, (sd, loudness, wpm, span) in enumerate(
        ((5.0, 6.5, 140.0, 70.0), (5.2, 6.9, 144.0, 70.4), (5.6, 7.1, 125.0, 71.0))
    ):
        pitch = replace(metrics.pitch, sd_semitones=sd, median_hz=120.0)
        takes.append(
            save(
                library,
                tone_file(tmp_path / f"{n}.wav", n),
                pitch=pitch,
                loudness=replace(metrics.loudness, sd_db=loudness),
                words_per_minute=wpm,
                speaking_span_s=span,
            )
        )
    rows = {r.name: r for r in compare([library.get(t) for t in takes], get_question("intro")).rows}
    assert rows["pitch_variation"].verdicts == ("same", "same", "better")  # 0.2 st < 0.3 st; 0.6 st is not
    assert rows["loudness_variation"].verdicts == ("same", "same", "better")  # 0.4 dB < 0.5 dB
    assert rows["pace"].verdicts == ("same", "same", "worse")  # +2.9% within 3%; 125 is out of the band
    assert rows["duration"].verdicts == ("same", "same", "same")  # all inside the 60-90 s target
    assert rows["pace"].values == (140, 144, 125) and rows["pitch_variation"].deltas == (0.0, 0.2, 0.6)


def takes_in(tmp_path: Path, *takes: tuple[str, str]) -> Path:
    """A library holding one take of a tone per (question id, language), in order; returns its home."""
    from dataclasses import replace

    home = tmp_path / "home"
    library = Library.open(home)
    english = analysis_parts()
    for n, (question_id, language) in enumerate(takes, start=1):
        analysis = {**english, "transcript": replace(english["transcript"], language=language)}
        library.save(tone_file(tmp_path / f"{n}.wav", n), question_id=question_id, duration_s=1.0, **analysis)
    library.close()
    return home


def test_compare_warns_when_takes_differ_in_question_or_language(tmp_path: Path) -> None:
    home = takes_in(tmp_path, ("intro", "en"), ("project", "es"), ("intro", "en"))
    text = mockmic("compare", "1", "2", home=home)
    assert text.returncode == 0 and "different questions (intro, project)" in text.stdout
    assert "different languages (en, es)" in text.stdout
    warnings = json.loads(mockmic("compare", "1", "2", "--json", home=home).stdout)["warnings"]
    assert len(warnings) == 2
    assert json.loads(mockmic("compare", "1", "3", "--json", home=home).stdout)["warnings"] == []


def test_compare_warns_about_a_take_recorded_in_a_loud_room(tmp_path: Path) -> None:
    from mockmic.measure import Loudness

    home = tmp_path / "home"
    library = Library.open(home)
    for n, snr_db in enumerate((3.0, 20.0), start=1):  # a loud room first, then a quiet one
        parts = analysis_parts(loudness=Loudness(5.0, speech_dbfs=-25.0, snr_db=snr_db))
        library.save(tone_file(tmp_path / f"{n}.wav", n), question_id="intro", duration_s=1.0, **parts)
    library.close()
    assert json.loads(mockmic("compare", "1", "2", "--json", home=home).stdout)["warnings"] == [
        "Recorded in a loud room, where words, pauses and pitch come out wrong: take 1. Changes against it say little."
    ]
    assert mockmic("history", home=home).stdout.count(" — ") >= 1  # its scores: not scored


def test_history_and_csv_export_have_a_language_column(tmp_path: Path) -> None:
    home = takes_in(tmp_path, ("intro", "en"), ("intro", "es"))
    table = mockmic("history", home=home).stdout
    assert "lang" in table and " en " in table and " es " in table
    assert mockmic("export", "--all", "--format", "csv", "--out", str(tmp_path / "t.csv"), home=home).returncode == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "t.csv").read_text())))
    assert [r["language"] for r in rows] == ["es", "en"]
