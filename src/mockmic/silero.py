"""Silero VAD's ONNX model and its speech-timestamp rules, ported from silero-vad 6.2.3 to numpy.

Credit: Silero VAD, Copyright (c) 2020-present Silero Team, MIT licence (github.com/snakers4/silero-vad).

The silero_vad package imports torch as soon as it is imported (its __init__ loads model.py and
utils_vad.py), and its get_speech_timestamps takes a torch tensor; torch costs ~190 MB of memory
for a model that ONNX Runtime runs anyway. This module runs the very ONNX file the package ships
with onnxruntime and numpy alone and gives the same sample indices (tests/test_vad.py checks it
against silero_vad itself). Only 16 kHz is ported, with silero's default max_speech_duration_s=inf.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import memo

SAMPLE_RATE = 16_000
WINDOW = 512  # samples the model judges per call at 16 kHz (32 ms)
CONTEXT = 64  # samples of the previous window the model sees again before each one


def model_path() -> Path:
    """silero_vad/data/silero_vad.onnx inside the installed package, found without importing the package
    (find_spec of a top-level package only locates it; `import silero_vad` would import torch)."""
    spec = importlib.util.find_spec("silero_vad")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the silero-vad package, which ships the VAD model, is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "silero_vad.onnx"


@lru_cache(maxsize=1)
def _session():
    """The session silero_vad.load_silero_vad(onnx=True) makes: OnnxWrapper.__init__, one thread, CPU."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    return onnxruntime.InferenceSession(str(model_path()), providers=["CPUExecutionProvider"], sess_options=options)


def speech_probs(samples: np.ndarray, gain: float = 1.0) -> list[float]:
    """Probability of speech in each 512-sample window of 16 kHz audio times `gain` (float32), the last
    window zero-padded.

    Ports the loop of utils_vad.get_speech_timestamps and the OnnxWrapper.__call__ it drives: after
    reset_states the state is zeros (2, 1, 128) and the context 64 zeros; each call feeds the context
    followed by the window, then keeps the returned state and the input's last 64 samples as context.
    The model is recurrent and takes one window per stream, so the calls cannot be batched in time.
    """
    session = _session()
    rate = np.array(SAMPLE_RATE, dtype=np.int64)
    probs = np.empty((len(samples) + WINDOW - 1) // WINDOW, dtype=np.float32)
    gain = np.float32(gain)
    done, state, buffer = _resumed(samples, gain, probs)
    whole = len(samples) // WINDOW  # windows with no padding: the model's state after them is kept
    for i, first in enumerate(range(done * WINDOW, len(samples), WINDOW), start=done):
        chunk = samples[first : first + WINDOW]
        buffer[0, :CONTEXT] = buffer[0, -CONTEXT:]  # the previous input's last 64 samples (zeros at first)
        buffer[0, CONTEXT : CONTEXT + len(chunk)] = chunk * gain  # float32, as vad.py cast it for torch
        buffer[0, CONTEXT + len(chunk) :] = 0.0  # torch.nn.functional.pad of the last, short window
        out, state = session.run(None, {"input": buffer, "state": state, "sr": rate})
        probs[i] = out[0, 0]
        if i + 1 == whole:
            _keep(samples[: whole * WINDOW], gain, state, buffer, probs[:whole])
    return probs.tolist()  # Python floats, as .item() gave: thresholds are compared in double precision


# Where the last run stopped: a take analysed while it is recorded (live.py) is given the same samples
# again with more after them, and the recurrent model's state after its last whole window goes on
# from there. The digest of those samples and the gain makes sure they are the same.
_KEPT = memo.Remembered(1)
LAST = b"last"  # its one key


def _keep(samples: np.ndarray, gain: np.float32, state: np.ndarray, buffer: np.ndarray, probs: np.ndarray) -> None:
    kept = {"digest": memo.digest(samples, gain), "state": state, "buffer": buffer.copy(), "probs": probs.copy()}
    _KEPT.put(LAST, kept | {"samples": len(samples) // WINDOW})


def _resumed(samples: np.ndarray, gain: np.float32, probs: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """(windows already done, the model's state and [context | window] buffer after them), with their
    probabilities written into `probs`: from the last run when these samples begin with its samples,
    else from the start (state zeros, context 64 zeros)."""
    kept = _KEPT.get(LAST) or {}
    done = kept.get("samples", 0)
    if 0 < done <= len(samples) // WINDOW and memo.digest(samples[: done * WINDOW], gain) == kept["digest"]:
        probs[:done] = kept["probs"]
        return done, kept["state"], kept["buffer"].copy()
    return 0, np.zeros((2, 1, 128), dtype=np.float32), np.zeros((1, CONTEXT + WINDOW), dtype=np.float32)


def speech_timestamps(
    probs: list[float],
    audio_length: int,
    *,
    threshold: float,
    neg_threshold: float,
    min_speech_duration_ms: int,
    min_silence_duration_ms: int,
    speech_pad_ms: int,
) -> list[tuple[int, int]]:
    """(start, end) sample indices of speech, by utils_vad.get_speech_timestamps_from_probs.

    Ported for 16 kHz, return_seconds=False and max_speech_duration_s=inf: no region can then reach
    the maximum length, so the branch that cuts long regions and the candidate cuts it collects
    (possible_ends, prev_end, next_start) never act, and are left out.
    """
    min_speech_samples = SAMPLE_RATE * min_speech_duration_ms / 1000
    speech_pad_samples = SAMPLE_RATE * speech_pad_ms / 1000
    min_silence_samples = SAMPLE_RATE * min_silence_duration_ms / 1000

    triggered = False
    start = temp_end = 0  # temp_end: where a silence began inside speech (0: none yet)
    speeches: list[list[int]] = []
    for i, prob in enumerate(probs):
        cur_sample = WINDOW * i
        if prob >= threshold and temp_end:  # speech is back before the silence was long enough
            temp_end = 0
        if prob >= threshold and not triggered:  # start of speech
            triggered, start = True, cur_sample
            continue
        if prob < neg_threshold and triggered:  # silence while in speech
            if not temp_end:
                temp_end = cur_sample
            if cur_sample - temp_end < min_silence_samples:
                continue
            if temp_end - start > min_speech_samples:
                speeches.append([start, temp_end])
            triggered, temp_end = False, 0
    if triggered and audio_length - start > min_speech_samples:
        speeches.append([start, audio_length])

    for i, speech in enumerate(speeches):  # padding, halving the silence between close regions
        if i == 0:
            speech[0] = int(max(0, speech[0] - speech_pad_samples))
        if i != len(speeches) - 1:
            silence_duration = speeches[i + 1][0] - speech[1]
            if silence_duration < 2 * speech_pad_samples:
                speech[1] += int(silence_duration // 2)
                speeches[i + 1][0] = int(max(0, speeches[i + 1][0] - silence_duration // 2))
            else:
                speech[1] = int(min(audio_length, speech[1] + speech_pad_samples))
                speeches[i + 1][0] = int(max(0, speeches[i + 1][0] - speech_pad_samples))
        else:
            speech[1] = int(min(audio_length, speech[1] + speech_pad_samples))
    return [(start, end) for start, end in speeches]
