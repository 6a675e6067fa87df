"""A virtual microphone for tests and benchmarks: a private PulseAudio daemon with a null sink whose
monitor is remapped as the default source. `paplay` into the sink is what the microphone hears, through
the real PortAudio and ALSA path (libasound2-plugins routes ALSA's default device to PulseAudio)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SINK = "mockmic_test_sink"


class VirtualMic:
    """A private PulseAudio daemon with a null sink and a remapped source as the default microphone."""

    def __init__(self) -> None:
        self.runtime = Path(tempfile.mkdtemp(prefix="mockmic-pulse-"))
        self.env = {
            **os.environ,
            "XDG_RUNTIME_DIR": str(self.runtime),
            "PULSE_RUNTIME_PATH": str(self.runtime / "pulse"),
        }

    def start(self) -> None:
        subprocess.run(
            [
                "pulseaudio",
                "-n",
                "--daemonize=yes",
                "--exit-idle-time=-1",
                "--use-pid-file=yes",
                "-L",
                "module-native-protocol-unix",
                "-L",
                f"module-null-sink sink_name={SINK}",
                "-L",
                f"module-remap-source master={SINK}.monitor source_name=mockmic_test_mic",
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=30,
        )
        for _ in range(50):
            if subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        subprocess.run(["pactl", "set-default-source", "mockmic_test_mic"], env=self.env, check=True)

    def stop(self) -> None:
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True)
        for _ in range(50):
            if subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode != 0:
                return
            time.sleep(0.1)

    def play(self, wav: Path, delay: float = 0.5) -> subprocess.Popen:
        return subprocess.Popen(
            ["sh", "-c", f"sleep {delay}; exec paplay --device={SINK} '{wav}'"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def mockmic(self, *args: str, **kwargs) -> subprocess.Popen:
        kwargs.setdefault("env", self.env)
        return subprocess.Popen(
            [sys.executable, "-m", "mockmic", *args],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **kwargs,
        )

    def run(self, *args: str, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
        process = self.mockmic(*args, **kwargs)
        stdout, stderr = process.communicate(timeout=timeout)
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
