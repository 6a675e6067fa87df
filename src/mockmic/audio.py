"""Loading audio: any file becomes 16 kHz mono float32, or one clear sentence saying what is wrong."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from .constants import CLIP_LEVEL, MAX_DURATION_S, MIN_DURATION_S, RUMBLE_CUTOFF_HZ, SAMPLE_RATE
from .errors import AudioError

# A WAV whose audio stops more than this before its header says is refused as cut off (a pad byte is not).
CUT_OFF_TOLERANCE_S = 0.1

# Containers libsndfile reads itself; everything else goes through ffmpeg.
SOUNDFILE_SUFFIXES = {".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aiff", ".aif"}
FFMPEG_SUFFIXES = {".m4a", ".mp4", ".webm", ".mkv", ".aac", ".wma", ".mov", ".amr", ".3gp"}
SUPPORTED = "wav, flac, ogg, mp3, m4a, webm, mp4"


@dataclass(frozen=True)
class Audio:
    """Speech ready for analysis: 16 kHz mono float32 samples plus what the file was."""

    samples: np.ndarray = field(repr=False)  # float32, mono, SAMPLE_RATE Hz, in [-1, 1]
    original_sample_rate: int  # the file's own rate, before resampling
    original_channels: int  # the file's own channel count, before downmixing
    path: str | None = None  # where it came from, None for generated audio
    sample_rate: int = SAMPLE_RATE  # always SAMPLE_RATE; kept for readers of the JSON
    clipped_share: float = 0.0  # share of the file's samples at full scale: the input gain was too high

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True)
class _Decoded:
    samples: np.ndarray  # float32 frames x channels at the original rate
    sample_rate: int


def load_audio(path: str | Path) -> Audio:
    """Read any supported file as 16 kHz mono float32, validating that it holds usable speech."""
    path = Path(path)
    _check_file(path)
    decoded = _decode(path)
    channels = decoded.samples.shape[1]
    duration = len(decoded.samples) / decoded.sample_rate
    _check_duration(path, duration)
    mono = to_mono_16k(decoded.samples, decoded.sample_rate)
    if not np.any(mono):
        raise AudioError(f"{path} is pure digital silence; check that the microphone was not muted and record again.")
    return Audio(mono, decoded.sample_rate, channels, str(path), clipped_share=clipped_share(decoded.samples))


def from_samples(samples: np.ndarray, sample_rate: int, *, path: str | None = None) -> Audio:
    """Audio from an array (frames, or frames x channels) at any rate, for recordings and tests."""
    samples = np.asarray(samples, dtype=np.float32)
    frames = samples if samples.ndim == 2 else samples[:, None]
    return Audio(
        to_mono_16k(frames, sample_rate), sample_rate, frames.shape[1], path, clipped_share=clipped_share(frames)
    )


def clipped_share(frames: np.ndarray, block: int = 1 << 20) -> float:
    """The share of samples at full scale, on the file's own samples (resampling rounds the flat tops off),
    a block at a time so that a two-hour file is not copied whole."""
    flat = frames.reshape(-1)
    clipped = sum(int(np.count_nonzero(np.abs(flat[i : i + block]) >= CLIP_LEVEL)) for i in range(0, flat.size, block))
    return clipped / flat.size if flat.size else 0.0


def to_mono_16k(frames: np.ndarray, sample_rate: int) -> np.ndarray:
    """Average the channels and resample to 16 kHz with soxr (the resampler librosa uses by default)."""
    mono = frames.mean(axis=1, dtype=np.float32) if frames.ndim == 2 else frames.astype(np.float32)
    if sample_rate != SAMPLE_RATE:
        import soxr

        mono = soxr.resample(mono, sample_rate, SAMPLE_RATE, quality="HQ").astype(np.float32)
    return np.ascontiguousarray(np.clip(mono, -1.0, 1.0))


def without_rumble(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """A float32 copy of the samples high-passed above RUMBLE_CUTOFF_HZ: handling noise, wind and DC
    drift removed."""
    return high_passed(samples, RUMBLE_CUTOFF_HZ, sample_rate)


def high_passed(
    samples: np.ndarray, cutoff_hz: float, sample_rate: int = SAMPLE_RATE, block_s: float = 60.0
) -> np.ndarray:
    """A float32 copy of the samples through a 4th-order Butterworth high-pass at `cutoff_hz`. Filtered a
    block at a time with the filter's state carried over, so the filter's float64 working buffers stay
    one block long however long the answer is.
    """
    from scipy.signal import butter, sosfilt, sosfilt_zi

    sos = butter(4, cutoff_hz, "highpass", fs=sample_rate, output="sos")
    state = sosfilt_zi(sos) * (samples[0] if len(samples) else 0.0)  # starts settled: no step at sample 0
    filtered = np.empty(len(samples), dtype=np.float32)
    block = max(1, int(block_s * sample_rate))
    for first in range(0, len(samples), block):
        filtered[first : first + block], state = sosfilt(sos, samples[first : first + block], zi=state)
    return filtered


def _check_file(path: Path) -> None:
    if not path.exists():
        raise AudioError(f"{path} does not exist; check the path and try again.")
    if path.is_dir():
        raise AudioError(f"{path} is a directory; give the path of an audio file ({SUPPORTED}).")
    if path.stat().st_size == 0:
        raise AudioError(f"{path} is empty (0 bytes); record the answer again or pick another file.")


def _check_duration(path: Path, duration: float) -> None:
    if duration < MIN_DURATION_S:
        raise AudioError(f"{path} is only {duration:.2f} s long; record at least {MIN_DURATION_S} s of speech.")
    if duration > MAX_DURATION_S:
        raise AudioError(
            f"{path} is {duration / 3600:.1f} hours long; mockmic analyses answers up to "
            f"{MAX_DURATION_S // 3600} hours, so cut the file into shorter parts."
        )


def _decode(path: Path) -> _Decoded:
    if path.suffix.lower() not in FFMPEG_SUFFIXES:
        try:
            return _decode_soundfile(path)
        except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as e:
            if path.suffix.lower() == ".wav":
                return _decode_ffmpeg_instead(path, e)
            if path.suffix.lower() in SOUNDFILE_SUFFIXES:
                raise _unreadable(path, e) from e
    return _decode_ffmpeg(path)


def _decode_soundfile(path: Path) -> _Decoded:
    with sf.SoundFile(path) as file:
        if file.frames <= 0:
            raise ValueError("no audio frames")
        _check_duration(path, file.frames / file.samplerate)  # before reading hours of samples
        _check_complete(path, file.frames / file.samplerate)
        samples = file.read(dtype="float32", always_2d=True)
        return _Decoded(samples, file.samplerate)


def _decode_ffmpeg_instead(path: Path, error: Exception) -> _Decoded:
    """ffmpeg for a WAV holding a codec libsndfile lacks (GSM telephone audio); if ffmpeg cannot read
    it either, libsndfile's reason is the one to give."""
    if shutil.which("ffmpeg") and shutil.which("ffprobe"):
        try:
            decoded = _decode_ffmpeg(path)
        except AudioError:
            pass
        else:
            _check_complete(path, len(decoded.samples) / decoded.sample_rate)
            return decoded
    raise _unreadable(path, error) from error


def _unreadable(path: Path, error: Exception) -> AudioError:
    return AudioError(
        f"{path} is not a readable {path.suffix[1:]} file ({_first_line(error)}); export or record it again."
    )


def _check_complete(path: Path, present_s: float) -> None:
    """A WAV file whose audio stops before its header says it does was cut off while being written or
    copied; libsndfile reads what is there without a word, so a 60 s answer would be scored as 2 s."""
    sizes = _wav_data_sizes(path) if path.suffix.lower() == ".wav" else None
    promised_s = present_s * sizes[0] / max(sizes[1], 1) if sizes else present_s
    if promised_s - present_s > CUT_OFF_TOLERANCE_S:
        raise AudioError(
            f"{path} ends early: its header promises {promised_s:.1f} s but only {present_s:.1f} s is there; "
            "copy or export it again (re-saving it, e.g. with sox, keeps the part that is there)."
        )


def _wav_data_sizes(path: Path) -> tuple[int, int] | None:
    """(bytes of audio the RIFF header promises, bytes the file holds after the data chunk's header)."""
    with path.open("rb") as file:
        head = file.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        while len(chunk := file.read(8)) == 8:
            size = int.from_bytes(chunk[4:], "little")
            if chunk[:4] == b"data":
                streamed = size in (0, 0xFFFFFFFF)  # written live, the size never filled in: nothing promised
                return None if streamed else (size, path.stat().st_size - file.tell())
            file.seek(size + size % 2, 1)
    return None


def _decode_ffmpeg(path: Path) -> _Decoded:
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        raise AudioError(
            f"Reading {path.suffix or 'this'} files needs ffmpeg; install it (apt-get install ffmpeg) "
            f"or convert {path.name} to WAV or FLAC."
        )
    rate, channels = _probe(path)
    command = [
        "ffmpeg",
        "-nostdin",
        "-v",
        "error",
        "-i",
        str(path),
        "-map",
        "0:a:0",
        "-f",
        "f32le",
        "-acodec",
        "pcm_f32le",
        "-",
    ]
    result = subprocess.run(command, capture_output=True, check=False)
    raw = np.frombuffer(result.stdout, dtype="<f4")
    if result.returncode != 0 or raw.size < channels:
        raise AudioError(
            f"{path} could not be decoded ({_first_line(result.stderr.decode(errors='replace'))}); "
            f"export it again as {SUPPORTED}."
        )
    return _Decoded(raw[: raw.size // channels * channels].reshape(-1, channels), rate)


def _probe(path: Path) -> tuple[int, int]:
    command = [
        "ffprobe",
        "-v",
        "error",
        "-select_streams",
        "a:0",
        "-show_entries",
        "stream=sample_rate,channels",
        "-of",
        "json",
        str(path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        stream = json.loads(result.stdout)["streams"][0]
        return int(stream["sample_rate"]), int(stream["channels"])
    except (ValueError, KeyError, IndexError) as e:
        raise AudioError(f"{path} is not an audio file mockmic can read; use one of {SUPPORTED}.") from e


def _first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0].rstrip(".") if lines else "unknown error"
