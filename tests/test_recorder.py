"""Recording through real PortAudio from a virtual microphone (tests/virtual_mic.py). Each test plays a
real clip into the sink with `paplay` while `mockmic record` runs in its own process, as a user runs it."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic.audio import load_audio
from mockmic.recorder import WavAppender
from tests.helpers import CORPUS, ROOT, SAMPLES
from tests.virtual_mic import VirtualMic


@pytest.fixture(scope="module")
def mic() -> Iterator[VirtualMic]:
    if not (shutil.which("pulseaudio") and shutil.which("paplay")):
        pytest.skip("PulseAudio is not installed (make test installs pulseaudio and pulseaudio-utils)")
    virtual = VirtualMic()
    virtual.start()
    yield virtual
    virtual.stop()
    shutil.rmtree(virtual.runtime, ignore_errors=True)


@dataclass(frozen=True)
class Clip:
    wav: Path  # 16-bit WAV: paplay mis-plays FLAC (11 s of jfk speech came out as 2 s of noise)
    phrase: str  # words the first 12 s are sure to contain


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    """Real speech from the corpus (jfk) when it is there, else the bundled concise sample."""
    jfk = CORPUS / "openai-whisper" / "jfk.flac"
    source, phrase = (
        (jfk, "ask not what your country can do for you")
        if jfk.is_file()
        else (SAMPLES / "concise_lively.flac", "with six years of experience")
    )
    wav = tmp_path_factory.mktemp("clip") / "clip.wav"
    subprocess.run(["sox", str(source), "-b", "16", str(wav), "trim", "0", "12"], check=True)
    return Clip(wav, phrase)


def best_ncc(recording: np.ndarray, reference: np.ndarray) -> float:
    """Normalised cross-correlation of the recording with the reference at their best alignment."""
    import scipy.signal

    correlation = scipy.signal.correlate(recording, reference, mode="full", method="fft")
    lag = int(np.argmax(np.abs(correlation))) - (len(reference) - 1)
    a = recording[max(lag, 0) : max(lag, 0) + len(reference)]
    b = reference[max(-lag, 0) : max(-lag, 0) + len(a)]
    a = a[: len(b)]
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.mark.slow
def test_recording_is_exactly_n_seconds_and_holds_the_clip(mic: VirtualMic, clip: Clip, tmp_path: Path) -> None:
    out = tmp_path / "take.wav"
    player = mic.play(clip.wav)
    result = mic.run("record", str(out), "--seconds", "8")
    player.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    info = sf.info(out)
    assert info.frames == 8 * info.samplerate
    assert "input overflows: 0" in result.stdout
    recorded = load_audio(out).samples
    reference = load_audio(clip.wav).samples[: 7 * 16_000]  # the clip's first 7 s fit inside the take
    assert best_ncc(recorded, reference) >= 0.9


@pytest.mark.slow
@pytest.mark.parametrize("when", [[], ["--analyze-after"]], ids=["while recording", "after the take"])
def test_practice_transcribes_what_was_said(
    mic: VirtualMic, clip: Clip, isolated_user_dir: Path, when: list[str]
) -> None:
    player = mic.play(clip.wav, delay=3.0)  # after the models have loaded and the question is shown
    result = mic.run("practice", "--seconds", "16", *when, env={**mic.env, "MOCKMIC_HOME": str(isolated_user_dir)})
    player.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert "Tell me about yourself" in result.stdout
    spoken = " ".join(re.sub(r"\[[^\]]*\]|,", "", result.stdout.lower()).split())  # without [0.4 s] marks
    assert clip.phrase in spoken
    assert "Delivery" in result.stdout
    takes = list((isolated_user_dir / "recordings").glob("*-intro.wav"))
    assert len(takes) == 1 and sf.info(takes[0]).duration == pytest.approx(16, abs=0.01)
    assert sf.info(takes[0]).samplerate == (44_100 if when else 16_000)  # live: the rate the analysis reads


@pytest.mark.slow
def test_practice_transcribing_while_it_records_gives_what_analyze_gives(
    mic: VirtualMic, isolated_user_dir: Path, tmp_path: Path
) -> None:
    """A 63 s answer: its language is found and its first stretches decoded while it is said; the take
    stored is the one `mockmic analyze` makes of the saved file, word for word and measure for measure."""
    answer = tmp_path / "answer.wav"
    subprocess.run(["sox", str(SAMPLES / "concise_lively.flac"), "-b", "16", str(answer)], check=True)
    env = {**mic.env, "MOCKMIC_HOME": str(isolated_user_dir)}
    player = mic.play(answer, delay=3.0)
    result = mic.run("practice", "--seconds", "68", env=env)
    player.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert "input overflows: 0" in result.stdout
    shown = mic.run("show", "1", "--json", env=env)
    take = json.loads(shown.stdout)
    analysed = json.loads(mic.run("analyze", take["audio"], "--json", env=env).stdout)
    assert [w["text"] for w in take["transcript"]["words"]] == [w["text"] for w in analysed["transcript"]["words"]]
    assert "design for reliability" in take["transcript"]["text"].lower()  # its last stretch, decoded after the stop
    assert take["metrics"] == analysed["metrics"]


@pytest.mark.slow
def test_kill_9_leaves_a_readable_file(mic: VirtualMic, clip: Clip, tmp_path: Path) -> None:
    out = tmp_path / "killed.wav"
    player = mic.play(clip.wav, delay=0)
    process = mic.mockmic("record", str(out), "--seconds", "60")
    time.sleep(5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    player.wait(timeout=30)
    data, rate = sf.read(out)
    assert 2.5 <= len(data) / rate <= 5.0  # everything recorded until the kill, less process start-up
    assert np.abs(data).max() > 0.05


@pytest.mark.slow
def test_full_disk_keeps_what_was_written(mic: VirtualMic, clip: Clip, tmp_path: Path) -> None:
    out = tmp_path / "full.wav"

    def small_disk() -> None:  # the kernel refuses writes past 200 kB, as a full disk would
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    result = mic.run("record", str(out), "--seconds", "20", preexec_fn=small_disk)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "saved in" in result.stderr
    data, rate = sf.read(out)
    assert len(data) / rate > 1.0 and out.stat().st_size <= 200_000


@pytest.mark.slow
def test_unsupported_rate_falls_back_to_the_device_default(mic: VirtualMic, tmp_path: Path) -> None:
    result = mic.run("record", str(tmp_path / "rate.wav"), "--seconds", "1", "--samplerate", "1000000")
    assert result.returncode == 0, result.stderr
    assert "does not record at 1000000 Hz" in result.stderr
    assert sf.info(tmp_path / "rate.wav").samplerate == 44_100


@pytest.mark.slow
def test_unknown_device_and_unwritable_path_are_one_sentence(mic: VirtualMic, tmp_path: Path) -> None:
    result = mic.run("record", str(tmp_path / "x.wav"), "--seconds", "1", "--device", "no such mic")
    assert result.returncode == 2 and "mockmic devices" in result.stderr and result.stderr.count("\n") == 1
    result = mic.run("record", str(tmp_path / "missing" / "x.wav"), "--seconds", "1")
    assert result.returncode == 2 and "choose another path" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.slow
def test_without_a_terminal_seconds_is_required(mic: VirtualMic, tmp_path: Path) -> None:
    result = mic.run("record", str(tmp_path / "x.wav"))
    assert result.returncode == 2 and "--seconds" in result.stderr


@pytest.mark.slow
def test_devices_lists_the_virtual_microphone(mic: VirtualMic) -> None:
    result = mic.run("devices")
    assert result.returncode == 0 and "default" in result.stdout and "*" in result.stdout


@pytest.mark.slow
def test_device_vanishing_mid_take_keeps_the_recording(clip: Clip, tmp_path: Path) -> None:
    if not shutil.which("pulseaudio"):
        pytest.skip("PulseAudio is not installed")
    virtual = VirtualMic()
    virtual.start()
    out = tmp_path / "vanished.wav"
    player = virtual.play(clip.wav, delay=0)
    process = virtual.mockmic("record", str(out), "--seconds", "30")
    time.sleep(4)
    virtual.stop()
    stdout, stderr = process.communicate(timeout=60)
    player.wait(timeout=30)
    assert process.returncode == 2 and "Traceback" not in stderr and stderr.count("\n") == 1
    assert "saved in" in stderr
    assert sf.info(out).duration >= 2.0


def test_no_device_at_all_is_one_sentence(tmp_path: Path) -> None:
    # No PulseAudio daemon (a fresh runtime directory) and no ALSA sound card on this machine.
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path), "PULSE_RUNTIME_PATH": str(tmp_path / "pulse")}
    result = subprocess.run(
        [sys.executable, "-m", "mockmic", "record", str(tmp_path / "x.wav"), "--seconds", "2"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert "microphone" in result.stderr


def test_wav_appender_is_complete_after_every_append(tmp_path: Path) -> None:
    path = tmp_path / "grow.wav"
    with WavAppender(path, 16_000, 1) as wav:
        for n in range(1, 4):
            wav.append(np.full(1600, 1000 * n, dtype=np.int16))
            data, rate = sf.read(path, dtype="int16")  # readable mid-recording, header up to date
            assert rate == 16_000 and len(data) == 1600 * n and data[-1] == 1000 * n


# --- issue 15: a slow start or a busy machine is not a lost microphone; no empty takes -------------

SOURCE = "mockmic_test_mic"


def pactl(mic: VirtualMic, *args: str) -> str:
    return subprocess.run(["pactl", *args], env=mic.env, check=True, capture_output=True, text=True).stdout


@pytest.mark.slow
def test_a_start_without_audio_tries_twice_then_says_so_and_leaves_no_file(mic: VirtualMic, tmp_path: Path) -> None:
    out = tmp_path / "nothing.wav"
    pactl(mic, "suspend-source", SOURCE, "1")  # the stream opens, and no audio ever comes
    try:
        started = time.monotonic()
        process = mic.mockmic("record", str(out), "--seconds", "3")
        try:
            _, stderr = process.communicate(timeout=45)  # before: stopping the stream waited for audio for good
        finally:
            process.kill()
        elapsed = time.monotonic() - started
    finally:
        pactl(mic, "suspend-source", SOURCE, "0")
    assert process.returncode == 2 and stderr.count("\n") == 1 and "Traceback" not in stderr
    assert "sent no audio" in stderr and "--device" in stderr
    from mockmic.recorder import START_ATTEMPTS, RecordOptions

    assert elapsed >= START_ATTEMPTS * RecordOptions().start_timeout_s  # waited for each of the two streams
    assert not out.exists()  # no 44-byte take left behind


@pytest.mark.slow
def test_a_late_first_block_is_not_a_stall(mic: VirtualMic, clip: Clip, tmp_path: Path) -> None:
    out = tmp_path / "late.wav"
    pactl(mic, "suspend-source", SOURCE, "1")
    try:
        process = mic.mockmic("record", str(out), "--seconds", "4")
        for _ in range(200):  # until the stream exists: then the first block is late from its start
            if pactl(mic, "list", "short", "source-outputs").strip():
                break
            time.sleep(0.05)
        time.sleep(3.0)  # longer than a stall, shorter than a start may take
    finally:
        pactl(mic, "suspend-source", SOURCE, "0")
    player = mic.play(clip.wav, delay=0)
    _, stderr = process.communicate(timeout=60)
    player.wait(timeout=30)
    assert process.returncode == 0, stderr
    assert sf.info(out).frames == 4 * sf.info(out).samplerate


@pytest.mark.slow
@pytest.mark.parametrize("frozen", ["mockmic", "pulseaudio"])
def test_a_busy_machine_is_not_a_lost_microphone(mic: VirtualMic, clip: Clip, tmp_path: Path, frozen: str) -> None:
    """3 s without CPU for the recording process, or for the sound server, as on a loaded machine."""
    out = tmp_path / "busy.wav"
    player = mic.play(clip.wav, delay=0)
    process = mic.mockmic("record", str(out), "--seconds", "8")
    for _ in range(400):  # until a second of audio is on disk: blocks flow
        if out.exists() and out.stat().st_size > 44 + 44_100 * 2:
            break
        time.sleep(0.05)
    pid = process.pid if frozen == "mockmic" else int((mic.runtime / "pulse" / "pid").read_text())
    os.kill(pid, signal.SIGSTOP)
    time.sleep(3.0)
    os.kill(pid, signal.SIGCONT)
    _, stderr = process.communicate(timeout=60)
    player.wait(timeout=30)
    assert process.returncode == 0, stderr
    assert sf.info(out).frames == 8 * sf.info(out).samplerate


@pytest.mark.slow
def test_a_take_stopped_before_any_audio_leaves_no_file(mic: VirtualMic, tmp_path: Path) -> None:
    out = tmp_path / "stopped.wav"
    script = (
        "import sys; from pathlib import Path; from mockmic.recorder import record; from mockmic.errors "
        "import MockmicError\n"
        "try:\n    record(Path(sys.argv[1]), should_stop=lambda: True)\n"
        "except MockmicError as e:\n    print(e)\n"
    )  # Enter pressed before the first block: there is nothing to keep
    result = subprocess.run(
        [sys.executable, "-c", script, str(out)],
        env=mic.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "nothing was saved" in result.stdout and not out.exists()


def test_wav_appender_removes_a_header_only_file_and_never_one_with_audio(tmp_path: Path) -> None:
    empty, full, theirs = tmp_path / "empty.wav", tmp_path / "full.wav", tmp_path / "theirs.wav"
    with WavAppender(empty, 16_000, 1) as wav:
        pass
    wav.remove_if_empty()
    assert not empty.exists()
    with WavAppender(full, 16_000, 1) as wav:
        wav.append(np.full(1600, 1000, dtype=np.int16))
    wav.remove_if_empty()
    assert len(sf.read(full)[0]) == 1600
    theirs.write_bytes(b"RIFF")  # a file this appender never opened is not its to remove
    WavAppender(theirs, 16_000, 1).remove_if_empty()
    assert theirs.read_bytes() == b"RIFF"
