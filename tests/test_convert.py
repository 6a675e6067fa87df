"""The converter: CTranslate2 parsing and the tensor-by-tensor mapping onto openai-whisper's names.

The conversion of the real bundled models, end to end, is in test_models.py (it goes through the store).
"""

from __future__ import annotations

import struct

import numpy as np
import pytest

from mockmic import convert


def ct2_bytes(variables: dict[str, np.ndarray], *, spec: str = "WhisperSpec") -> bytes:
    """A CTranslate2 binary (version 6) written the way its converter writes one."""
    dtype_ids = {np.dtype(t): i for t, i in ((np.float32, 0), (np.int8, 1), (np.int16, 2), (np.float16, 4))}

    def string(text: str) -> bytes:
        raw = text.encode() + b"\0"
        return struct.pack("<H", len(raw)) + raw

    out = struct.pack("<I", 6) + string(spec) + struct.pack("<I", 3) + struct.pack("<I", len(variables))
    for name, array in variables.items():
        out += string(name) + struct.pack("<B", array.ndim) + struct.pack(f"<{array.ndim}I", *array.shape)
        out += struct.pack("<B", dtype_ids[array.dtype]) + struct.pack("<I", array.nbytes) + array.tobytes()
    return out + struct.pack("<I", 0)


def test_read_ct2_round_trips_names_shapes_dtypes_and_values() -> None:
    variables = {
        "encoder/conv1/weight": np.arange(24, dtype=np.float16).reshape(2, 4, 3),
        "encoder/num_heads": np.array(6, dtype=np.int16),
        "decoder/activation": np.array(2, dtype=np.int8),
        "decoder/layer_norm/gamma": np.linspace(0, 1, 5, dtype=np.float32),
    }
    spec, parsed = convert.read_ct2(ct2_bytes(variables))
    assert spec == "WhisperSpec"
    assert list(parsed) == list(variables)
    for name, array in variables.items():
        assert parsed[name].dtype == array.dtype
        np.testing.assert_array_equal(parsed[name], array)


def test_read_ct2_rejects_an_unknown_version() -> None:
    with pytest.raises(ValueError, match="version 99"):
        convert.read_ct2(struct.pack("<I", 99))


def test_fused_projection_with_nonzero_key_bias_is_refused() -> None:
    variables = {"x/weight": np.ones((6, 2), np.float16), "x/bias": np.ones(6, np.float16)}
    with pytest.raises(ValueError, match="key bias is not zero"):
        convert._split_fused({}, "t", variables, "x", ("query", "key", "value"))


def test_fused_projection_splits_in_query_key_value_order() -> None:
    weight = np.repeat(np.arange(3, dtype=np.float16), 2)[:, None] * np.ones((6, 2), np.float16)
    bias = np.array([1, 1, 0, 0, 3, 3], np.float16)
    out: dict[str, np.ndarray] = {}
    convert._split_fused(out, "t", {"x/weight": weight, "x/bias": bias}, "x", ("query", "key", "value"))
    assert sorted(out) == ["t.key.weight", "t.query.bias", "t.query.weight", "t.value.bias", "t.value.weight"]
    assert out["t.query.weight"].max() == 0
    assert out["t.key.weight"].min() == 1 and out["t.value.weight"].min() == 2
    np.testing.assert_array_equal(out["t.value.bias"], [3, 3])
