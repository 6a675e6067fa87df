"""Playing a stored answer from a moment through the default output device (sounddevice/PortAudio):
the tips point at moments ("At 0:42 you paused 2.3 s"), and a moment is best judged by ear."""

from __future__ import annotations

import re
from pathlib import Path

from .audio import load_audio
from .errors import AudioError, DeviceError

_MOMENT = re.compile(r"^(?:(\d+):)?(\d+(?:\.\d+)?)$")  # "42", "0:42", "1:02.5"


def parse_moment(text: str) -> float:
    """Seconds from "0:42", "1:02.5" or "42", as the report writes moments."""
    match = _MOMENT.match(text.strip())
    if not match or (match.group(1) is not None and float(match.group(2)) >= 60):
        raise AudioError(f"{text!r} is not a moment in the answer; write it as the report does, e.g. 0:42 or 1:05.5.")
    return int(match.group(1) or 0) * 60 + float(match.group(2))


def play(path: Path, *, at: float = 0.0, seconds: float | None = None, device: int | str | None = None) -> float:
    """Play the audio from `at` seconds (for `seconds`, else to the end) and wait until it is done or
    interrupted; returns how many seconds were to be played."""
    import sounddevice as sd

    audio = load_audio(path)
    if at >= audio.duration_s:
        minutes, rest = divmod(audio.duration_s, 60)
        raise AudioError(f"The take is only {int(minutes)}:{rest:04.1f} long; choose a moment before its end.")
    first = int(at * audio.sample_rate)
    last = len(audio.samples) if seconds is None else min(len(audio.samples), first + int(seconds * audio.sample_rate))
    clip = audio.samples[first:last]
    try:
        sd.play(clip, audio.sample_rate, device=device)
        sd.wait()
    except KeyboardInterrupt:  # Ctrl-C stops playing, as Enter or Ctrl-C stops a recording
        pass
    except (sd.PortAudioError, ValueError) as e:
        raise DeviceError(
            f"No output device could play the take ({e}); check `mockmic devices` and your sound settings."
        ) from e
    finally:
        sd.stop()
    return len(clip) / audio.sample_rate
