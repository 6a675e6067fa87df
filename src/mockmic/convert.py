"""The converter: CTranslate2 Whisper weights (a `model.bin`) into an openai-whisper checkpoint.

The bundled models ship as CTranslate2 weights, which faster-whisper loads as they are. openai-whisper
reads only its own checkpoint (`{"dims", "model_state_dict"}`), so rather than download the same model a
second time, the weights are carried over tensor by tensor: both engines then run identical weights.
Every tensor openai-whisper expects must arrive with its exact shape, and every tensor of the source must
be read, or the conversion fails. `models.py` decides when to convert and where the result is kept.
"""

from __future__ import annotations

import re
import struct
from typing import Any

import numpy as np

# What a model.bin that cannot be converted raises, for the store to turn into one sentence.
ERRORS = (KeyError, ValueError, struct.error)


def to_whisper(weights: bytes) -> tuple[dict[str, int], dict[str, np.ndarray]]:
    """openai-whisper's model dimensions and state dict (numpy arrays) for a CTranslate2 WhisperSpec
    model.bin; raises one of ERRORS when the weights are not a Whisper model or a tensor would be lost."""
    spec, raw = read_ct2(weights)
    variables = _ReadTracker(raw)
    if spec != "WhisperSpec":
        raise ValueError(f"the weights hold a {spec}, not a WhisperSpec")
    dims = whisper_dims(variables)
    state = whisper_state_dict(variables)
    check_against_whisper(dims, state)
    if unused := _unused_tensors(variables):
        raise ValueError(f"tensors not carried over: {unused[:3]}")
    return dims, state


def checkpoint(
    dims: dict[str, int], state: dict[str, np.ndarray], config: dict[str, Any], source: dict[str, Any]
) -> dict[str, Any]:
    """The checkpoint `torch.save` writes: whisper's two keys, the alignment heads CTranslate2's config.json
    carries (word timestamps need them; whisper.load_model sets its own only for a model it loads by name)
    and where the weights came from."""
    import torch

    return {
        "dims": dims,
        "model_state_dict": {k: torch.from_numpy(v.copy()) for k, v in state.items()},
        "alignment_heads": [list(map(int, pair)) for pair in config["alignment_heads"]],
        "source": source,
    }


# --- reading CTranslate2 model.bin -------------------------------------------------------------

# CTranslate2's DataType enum (include/ctranslate2/types.h) mapped to numpy.
_CT2_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ct2(data: bytes | memoryview) -> tuple[str, dict[str, np.ndarray]]:
    """Parse a CTranslate2 model.bin (binary version 2-6) into its spec name and named arrays.

    The layout follows CTranslate2's src/models/model.cc: a version, the spec name and revision,
    then each variable as name, rank, dims, dtype id, byte count and the raw little-endian bytes.
    Aliases (tied weights) come last and are skipped: whisper ties the output projection itself.
    """
    view = memoryview(data)
    offset = 0

    def take(fmt: str) -> Any:
        nonlocal offset
        values = struct.unpack_from("<" + fmt, view, offset)
        offset += struct.calcsize("<" + fmt)
        return values[0] if len(values) == 1 else values

    def take_string() -> str:
        nonlocal offset
        length = take("H")
        text = bytes(view[offset : offset + length]).rstrip(b"\0").decode("utf-8")
        offset += length
        return text

    version = take("I")
    if not 2 <= version <= 6:
        raise ValueError(f"unsupported CTranslate2 binary version {version}")
    spec = take_string()
    take("I")  # spec revision
    variables = {}
    for _ in range(take("I")):
        name = take_string()
        shape = [take("I") for _ in range(take("B"))]
        dtype_id = take("B") if version >= 4 else None
        num_bytes = take("I")
        if dtype_id is None or dtype_id not in _CT2_DTYPES:
            raise ValueError(f"unsupported data type {dtype_id} for {name}")
        array = np.frombuffer(view[offset : offset + num_bytes], dtype=_CT2_DTYPES[dtype_id])
        variables[name] = array.reshape(shape)
        offset += num_bytes
    return spec, variables


# --- converting to openai-whisper's state dict -------------------------------------------------


def _count_layers(variables: dict[str, np.ndarray], side: str) -> int:
    layer = re.compile(rf"{side}/layer_(\d+)/")
    return len({match[1] for name in variables if (match := layer.match(name))})


def whisper_dims(variables: dict[str, np.ndarray]) -> dict[str, int]:
    """ModelDimensions read off the tensor shapes, as `whisper.model.ModelDimensions` names them."""
    audio_pos = variables["encoder/position_encodings/encodings"]
    text_pos = variables["decoder/position_encodings/encodings"]
    return {
        "n_mels": int(variables["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(audio_pos.shape[0]),
        "n_audio_state": int(audio_pos.shape[1]),
        "n_audio_head": int(variables["encoder/num_heads"]),
        "n_audio_layer": _count_layers(variables, "encoder"),
        "n_vocab": int(variables["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(text_pos.shape[0]),
        "n_text_state": int(text_pos.shape[1]),
        "n_text_head": int(variables["decoder/num_heads"]),
        "n_text_layer": _count_layers(variables, "decoder"),
    }


def _linear(out: dict, target: str, variables: dict, source: str) -> None:
    out[f"{target}.weight"] = variables[f"{source}/weight"]
    out[f"{target}.bias"] = variables[f"{source}/bias"]


def _norm(out: dict, target: str, variables: dict, source: str) -> None:
    out[f"{target}.weight"] = variables[f"{source}/gamma"]
    out[f"{target}.bias"] = variables[f"{source}/beta"]


def _split_fused(out: dict, target: str, variables: dict, source: str, names: tuple[str, ...]) -> None:
    """Split a fused projection (q/k/v or k/v) apart; whisper's key projection has no bias."""
    weights = np.split(variables[f"{source}/weight"], len(names))
    biases = np.split(variables[f"{source}/bias"], len(names))
    for name, weight, bias in zip(names, weights, biases):
        out[f"{target}.{name}.weight"] = weight
        if name == "key":
            if np.any(bias != 0):
                raise ValueError(f"{source}: the key bias is not zero, so it cannot be dropped")
        else:
            out[f"{target}.{name}.bias"] = bias


def _block(out: dict, target: str, variables: dict, source: str, cross: bool) -> None:
    _norm(out, f"{target}.attn_ln", variables, f"{source}/self_attention/layer_norm")
    _split_fused(out, f"{target}.attn", variables, f"{source}/self_attention/linear_0", ("query", "key", "value"))
    _linear(out, f"{target}.attn.out", variables, f"{source}/self_attention/linear_1")
    if cross:
        _norm(out, f"{target}.cross_attn_ln", variables, f"{source}/attention/layer_norm")
        _linear(out, f"{target}.cross_attn.query", variables, f"{source}/attention/linear_0")
        _split_fused(out, f"{target}.cross_attn", variables, f"{source}/attention/linear_1", ("key", "value"))
        _linear(out, f"{target}.cross_attn.out", variables, f"{source}/attention/linear_2")
    _norm(out, f"{target}.mlp_ln", variables, f"{source}/ffn/layer_norm")
    _linear(out, f"{target}.mlp.0", variables, f"{source}/ffn/linear_0")
    _linear(out, f"{target}.mlp.2", variables, f"{source}/ffn/linear_1")


def whisper_state_dict(variables: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Map CTranslate2's WhisperSpec variables onto openai-whisper's parameter names."""
    dims = whisper_dims(variables)
    out: dict[str, np.ndarray] = {}
    _linear(out, "encoder.conv1", variables, "encoder/conv1")
    _linear(out, "encoder.conv2", variables, "encoder/conv2")
    out["encoder.positional_embedding"] = variables["encoder/position_encodings/encodings"]
    for i in range(dims["n_audio_layer"]):
        _block(out, f"encoder.blocks.{i}", variables, f"encoder/layer_{i}", cross=False)
    _norm(out, "encoder.ln_post", variables, "encoder/layer_norm")
    out["decoder.token_embedding.weight"] = variables["decoder/embeddings/weight"]
    out["decoder.positional_embedding"] = variables["decoder/position_encodings/encodings"]
    for i in range(dims["n_text_layer"]):
        _block(out, f"decoder.blocks.{i}", variables, f"decoder/layer_{i}", cross=True)
    _norm(out, "decoder.ln", variables, "decoder/layer_norm")
    return out


def check_against_whisper(dims: dict[str, int], state: dict[str, np.ndarray]) -> None:
    """Every parameter openai-whisper expects is present with its exact shape, and nothing else."""
    from whisper.model import ModelDimensions, Whisper

    expected = Whisper(ModelDimensions(**dims)).state_dict()
    missing = sorted(set(expected) - set(state))
    extra = sorted(set(state) - set(expected))
    wrong = [k for k in expected if k in state and tuple(expected[k].shape) != state[k].shape]
    if missing or extra or wrong:
        raise ValueError(f"tensor mismatch: missing {missing[:3]}, extra {extra[:3]}, shape {wrong[:3]}")


class _ReadTracker(dict):
    """A dict that remembers which keys were read, to prove every tensor was carried over."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)


def _unused_tensors(variables: _ReadTracker) -> list[str]:
    """Tensors of the source that the conversion did not read (0-d scalars are settings)."""
    read = variables.read
    return sorted(name for name, array in dict.items(variables) if array.ndim > 0 and name not in read)
