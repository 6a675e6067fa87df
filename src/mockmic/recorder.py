"""Recording from the microphone so that no take is ever lost.

The PortAudio callback (sounddevice) only copies each block into a queue; the recording loop takes
blocks off the queue and appends them to a WAV file whose header is rewritten after every block.
So memory stays flat for any length, and a crash or `kill -9` leaves a valid WAV holding everything
up to the last 50 ms block: the format survives as written, nothing needs repairing on the next start.
A take that never got audio leaves no file: a header with nothing after it is removed, never a file
that holds audio.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import struct
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

import numpy as np

from .constants import CLIP_LEVEL
from .errors import AudioError, DeviceError
from .text import clock

if TYPE_CHECKING:
    import sounddevice

NO_DEVICE = "No microphone was found; connect one (or start PulseAudio) and check `mockmic devices`."
NO_AUDIO = (
    "The microphone was opened but sent no audio, twice; check that it is switched on and not suspended or "
    "used by another program, or pick another with --device."
)
NOTHING_RECORDED = "The take was stopped before the microphone sent any audio, so nothing was saved; record it again."
SILENT_DBFS = -60.0  # below this the microphone delivers nothing above a quiet room's floor
START_ATTEMPTS = 2  # a stream that sends nothing is closed and opened once more before giving up
WAIT_STEP_S = 0.1  # the recording loop waits this long for a block at a time
MAX_STEP_S = 0.5  # at most this much of one wait counts towards a stall: longer, and this process was not running


@dataclass(frozen=True, kw_only=True)
class RecordOptions:
    """Where and how long to record."""

    device: int | str | None = None  # PortAudio device index, or part of its name; None for the default input
    samplerate: int | None = None  # None records at the device's default rate
    channels: int = 1  # mono: speech analysis needs no more
    seconds: float | None = None  # stop after exactly this long; None records until stopped
    block_s: float = 0.05  # one callback block: the meter's refresh and the most a crash can lose
    silent_warning_s: float = 3.0  # warn when nothing rises above the floor for this long
    # PulseAudio sends the first block within 0.1 s; a busy machine, or a source waking up, takes seconds.
    start_timeout_s: float = 5.0  # no first block this long after the stream starts: open it again, once
    stall_s: float = 5.0  # once blocks flow, none for this long (while this process runs) means the device went away


@dataclass(frozen=True)
class Level:
    """The meter after one block."""

    elapsed_s: float
    rms_dbfs: float
    peak_dbfs: float
    clipped: bool  # this block touched full scale
    silent_for_s: float  # how long the input has stayed below SILENT_DBFS


@dataclass(frozen=True)
class Recording:
    """What a take left on disk."""

    path: Path
    seconds: float
    samplerate: int
    channels: int
    overflows: int  # blocks PortAudio dropped because they were not read in time
    clipped_blocks: int
    stopped_by: str  # "seconds", "stop" (Enter), "interrupt" (Ctrl-C)
    notes: tuple[str, ...] = field(default=())  # e.g. a sample rate fallback


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_samplerate: float
    is_default: bool


def input_devices() -> list[InputDevice]:
    """Every device PortAudio can record from, the default one marked."""
    sd = _sounddevice()
    try:
        default = sd.default.device[0]
        devices = sd.query_devices()
    except sd.PortAudioError as e:
        raise DeviceError(NO_DEVICE) from e
    return [
        InputDevice(i, d["name"], d["max_input_channels"], d["default_samplerate"], i == default)
        for i, d in enumerate(devices)
        if d["max_input_channels"] > 0
    ]


def record(
    path: Path,
    options: RecordOptions = RecordOptions(),
    *,
    on_level: Callable[[Level], None] = lambda level: None,
    should_stop: Callable[[], bool] = lambda: False,
    on_audio: Callable[[np.ndarray, int, int], None] | None = None,
) -> Recording:
    """Record until `should_stop()`, Ctrl-C or `options.seconds`; the file is valid at every moment.
    `on_audio(int16 frames, index of the first, sample rate)` is given each block once it is in the
    file; it must not wait."""
    sd = _sounddevice()
    device = _find_device(options.device)
    rate, notes = _samplerate(sd, device, options)
    blocks: queue.Queue[np.ndarray] = queue.Queue()
    overflows = [0]

    def callback(indata: np.ndarray, frames: int, time_info: Any, status: sounddevice.CallbackFlags) -> None:
        if status.input_overflow:
            overflows[0] += 1
        blocks.put(indata.copy())

    wav = WavAppender(path, rate, options.channels)
    try:
        with wav:
            for _ in range(START_ATTEMPTS):
                stream = _start(sd, device, rate, options, callback)
                try:
                    stopped_by, clipped = _drain(blocks, wav, rate, options, on_level, should_stop, on_audio)
                finally:
                    _close(sd, stream)
                if stopped_by != "no audio":
                    break
            else:
                raise DeviceError(NO_AUDIO)
            while not blocks.empty() and stopped_by != "seconds":  # blocks that arrived while stopping
                _append(wav, _to_int16(blocks.get()), on_audio)
    finally:
        wav.remove_if_empty()
    if not wav.frames:
        raise DeviceError(NOTHING_RECORDED)
    return Recording(path, wav.frames / rate, rate, options.channels, overflows[0], clipped, stopped_by, notes)


def _start(sd: Any, device: int, rate: int, options: RecordOptions, callback: Callable[..., None]) -> Any:
    try:
        stream = sd.InputStream(
            device=device,
            samplerate=rate,
            channels=options.channels,
            dtype="float32",
            blocksize=int(rate * options.block_s),
            callback=callback,
        )
        stream.start()
    except sd.PortAudioError as e:
        raise DeviceError(
            f"The microphone could not be opened ({_reason(e)}); close other programs using it, or pick "
            "another with --device."
        ) from e
    return stream


def _close(sd: Any, stream: Any) -> None:
    """Abort, not stop: stopping waits for audio that a suspended or vanished source never sends (it hung
    for good in tests); a block still on its way at the end of a take is all abort gives up. A device
    that is gone may fail both: that must not hide why the take ended."""
    for step in (stream.abort, stream.close):
        with contextlib.suppress(sd.PortAudioError):
            step()


def _drain(
    blocks: queue.Queue[np.ndarray],
    wav: WavAppender,
    rate: int,
    options: RecordOptions,
    on_level: Callable[[Level], None],
    should_stop: Callable[[], bool],
    on_audio: Callable[[np.ndarray, int, int], None] | None,
) -> tuple[str, int]:
    """Move blocks from the queue to the file until a stop condition; returns (why, clipped blocks), why
    "no audio" when the stream sent no first block in time. Waiting counts from the first block for a
    stall, and only while this process runs: a machine too busy to schedule it is not a lost device."""
    limit = math.inf if options.seconds is None else round(options.seconds * rate)
    clipped = 0
    quiet_since: float | None = None
    started = wav.frames > 0
    waited = 0.0  # without a block since the last one (or since the stream started), this process running
    tick = time.monotonic()
    try:
        while wav.frames < limit:
            if should_stop():
                return "stop", clipped
            try:
                block = blocks.get(timeout=WAIT_STEP_S)
            except queue.Empty:
                now = time.monotonic()
                waited += min(now - tick, MAX_STEP_S)
                tick = now
                if not started and waited > options.start_timeout_s:
                    return "no audio", clipped
                if started and waited > options.stall_s:
                    raise DeviceError(_stalled(wav, rate)) from None
                continue
            started, waited = True, 0.0
            block = block[: int(min(len(block), limit - wav.frames))]
            _append(wav, _to_int16(block), on_audio)
            level = _level(block, wav.frames / rate)
            clipped += level.clipped
            quiet_since = (
                (quiet_since if quiet_since is not None else level.elapsed_s) if level.rms_dbfs < SILENT_DBFS else None
            )
            on_level(replace(level, silent_for_s=0.0 if quiet_since is None else level.elapsed_s - quiet_since))
            tick = time.monotonic()
    except KeyboardInterrupt:
        return "interrupt", clipped
    return "seconds", clipped


def _append(wav: WavAppender, frames: np.ndarray, on_audio: Callable[[np.ndarray, int, int], None] | None) -> None:
    first = wav.frames
    wav.append(frames)
    if on_audio:
        on_audio(frames, first, wav.samplerate)


def _stalled(wav: WavAppender, rate: int) -> str:
    return (
        f"The microphone stopped delivering audio (unplugged or taken by another program); "
        f"the {wav.frames / rate:.1f} s recorded so far are saved in {wav.path}."
    )


def _level(block: np.ndarray, elapsed: float) -> Level:
    peak = float(np.max(np.abs(block))) if len(block) else 0.0
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64)))) if len(block) else 0.0
    return Level(elapsed, _dbfs(rms), _dbfs(peak), peak >= CLIP_LEVEL, 0.0)


def _dbfs(value: float) -> float:
    return 20 * math.log10(max(value, 1e-6))


def _to_int16(block: np.ndarray) -> np.ndarray:
    return (np.clip(block, -1.0, 1.0) * 32767).astype("<i2")


def _find_device(wanted: int | str | None) -> int:
    """The input device's index: the default, an index, or the first whose name contains the text."""
    devices = input_devices()
    if not devices:
        raise DeviceError(NO_DEVICE)
    if wanted is None:
        default = [d.index for d in devices if d.is_default]
        return default[0] if default else devices[0].index
    if isinstance(wanted, int) or str(wanted).isdigit():
        if int(wanted) in {d.index for d in devices}:
            return int(wanted)
    else:
        named = [d.index for d in devices if str(wanted).lower() in d.name.lower()]
        if named:
            return named[0]
    raise DeviceError(f"There is no input device {wanted!r}; `mockmic devices` lists the ones there are.")


def _samplerate(sd: Any, device: int, options: RecordOptions) -> tuple[int, tuple[str, ...]]:
    default = int(sd.query_devices(device)["default_samplerate"])
    if options.samplerate is None:
        return default, ()
    try:
        sd.check_input_settings(device=device, samplerate=options.samplerate, channels=options.channels)
    except (sd.PortAudioError, ValueError):
        return default, (
            f"The device does not record at {options.samplerate} Hz; recording at its default {default} Hz.",
        )
    return options.samplerate, ()


def _reason(error: Exception) -> str:
    return str(error).split("[")[0].strip().rstrip(":") or type(error).__name__


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as e:  # PortAudio itself is missing
        raise DeviceError("PortAudio is not installed; install it (apt-get install libportaudio2) to record.") from e
    return sounddevice


class WavAppender:
    """A 16-bit PCM WAV file that is complete after every append (its header always matches)."""

    HEADER = struct.Struct("<4sI4s4sIHHIIHH4sI")

    def __init__(self, path: Path, samplerate: int, channels: int) -> None:
        self.path = Path(path)
        self.samplerate = samplerate
        self.channels = channels
        self.frames = 0
        self._file: BinaryIO | None = None
        self._created = False  # this appender opened (and so wrote) the file

    def __enter__(self) -> WavAppender:
        try:
            self._file = open(self.path, "wb", buffering=0)  # unbuffered: every append reaches the OS
        except OSError as e:
            raise AudioError(f"Cannot write the recording to {self.path} ({e.strerror}); choose another path.") from e
        self._created = True
        self._write_header()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file:
            self._file.close()

    def append(self, samples: np.ndarray) -> None:
        """Append int16 frames, then make the header count them; a full disk keeps what fitted."""
        assert self._file is not None
        data = np.ascontiguousarray(samples, dtype="<i2").tobytes()
        try:
            view = memoryview(data)
            while view:
                view = view[self._file.write(view) :]
            self.frames += len(samples)
            self._write_header()
        except OSError as e:
            self._truncate_to_header_count()
            if not self.frames:
                raise AudioError(
                    f"Writing the recording to {self.path} failed ({e.strerror}); free some space or choose "
                    "another path."
                ) from e
            raise AudioError(
                f"Writing the recording failed ({e.strerror}; is the disk full?), and the "
                f"{self.frames / self.samplerate:.1f} s recorded before that are saved in {self.path}."
            ) from e

    def remove_if_empty(self) -> None:
        """Remove the file this appender made when it holds no audio (a header and nothing else); a file
        with any audio in it, or one this appender did not make, is never removed."""
        if not self._created or self.frames:
            return
        try:
            if self.path.stat().st_size <= self.HEADER.size:
                self.path.unlink()
        except OSError:
            pass  # gone already, or not ours to remove: either way nothing with audio is lost

    def _write_header(self) -> None:
        assert self._file is not None
        data_bytes = self.frames * self.channels * 2
        header = self.HEADER.pack(
            b"RIFF",
            36 + data_bytes,
            b"WAVE",
            b"fmt ",
            16,
            1,
            self.channels,
            self.samplerate,
            self.samplerate * self.channels * 2,
            self.channels * 2,
            16,
            b"data",
            data_bytes,
        )
        self._file.seek(0)
        self._file.write(header)
        self._file.seek(0, os.SEEK_END)

    def _truncate_to_header_count(self) -> None:
        """After a failed write, cut any partial block so the file is exactly what the header says."""
        try:
            os.truncate(self.path, self.HEADER.size + self.frames * self.channels * 2)
        except OSError:
            pass


def meter_line(level: Level, target: tuple[float, float] | None, *, clipped: bool) -> str:
    """The live line while a take runs: elapsed time (against the question's target), a 20-cell input
    meter over -60..0 dBFS, and warnings for clipping (`clipped`: within the last second) and silence."""
    elapsed = clock(level.elapsed_s)
    if target:
        elapsed += f" / {clock(target[0])}–{clock(target[1])}"
    filled = int(max(0.0, min(1.0, (level.rms_dbfs + 60) / 60)) * 20)
    bar = "█" * filled + "·" * (20 - filled)
    warnings = []
    if clipped:
        warnings.append("CLIPPING: move back or lower the input gain")
    if level.silent_for_s >= 3.0:
        warnings.append(f"no sound for {level.silent_for_s:.0f} s: is the microphone muted?")
    return f"● {elapsed}  {bar} {level.rms_dbfs:5.0f} dBFS  " + "  ".join(warnings)


def saved_line(recording: Recording) -> str:
    """What was written: length, path, format, and the overflows and clipping that marred it."""
    channels = "channel" if recording.channels == 1 else "channels"
    line = (
        f"Saved {recording.seconds:.1f} s to {recording.path} ({recording.samplerate} Hz, {recording.channels} "
        f"{channels}); input overflows: {recording.overflows}"
    )
    if recording.overflows:
        line += " (blocks were dropped: close other programs or use a larger --device buffer)"
    if recording.clipped_blocks:
        line += f"; clipped in {recording.clipped_blocks} blocks"
    return line + "."


@contextlib.contextmanager
def native_stderr_hidden() -> Iterator[TextIO]:
    """Silence what PortAudio, ALSA and libpulse print on stderr while a take runs; yield the real stderr.

    They write diagnostics such as "Expression 'alsa_snd_pcm_poll_descriptors_revents(...)' failed"
    straight to file descriptor 2, which would bury mockmic's own one-sentence messages.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    real = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8")
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield real
    finally:
        real.flush()
        os.dup2(saved, 2)
        os.close(saved)
        real.close()
