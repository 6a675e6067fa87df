"""The model store: CTranslate2 parsing, tensor-by-tensor conversion, resolution and download."""

from __future__ import annotations

import base64
import gzip
import struct
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import torch
import whisper

from mockmic import config, models
from mockmic.errors import ModelError


def ct2_bytes(variables: dict[str, np.ndarray], *, spec: str = "WhisperSpec") -> bytes:
    """A CTranslate2 binary (version 6) written the way its converter writes one."""
    dtype_ids = {np.dtype(np.float32): 0, np.dtype(np.int8): 1, np.dtype(np.int16): 2, np.dtype(np.float16): 4}

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
    spec, parsed = models.read_ct2(ct2_bytes(variables))
    assert spec == "WhisperSpec"
    assert list(parsed) == list(variables)
    for name, array in variables.items():
        assert parsed[name].dtype == array.dtype
        np.testing.assert_array_equal(parsed[name], array)


def test_read_ct2_rejects_an_unknown_version() -> None:
    with pytest.raises(ValueError, match="version 99"):
        models.read_ct2(struct.pack("<I", 99))


def test_fused_projection_with_nonzero_key_bias_is_refused() -> None:
    variables = {"x/weight": np.ones((6, 2), np.float16), "x/bias": np.ones(6, np.float16)}
    with pytest.raises(ValueError, match="key bias is not zero"):
        models._split_fused({}, "t", variables, "x", ("query", "key", "value"))


def test_fused_projection_splits_in_query_key_value_order() -> None:
    weight = np.repeat(np.arange(3, dtype=np.float16), 2)[:, None] * np.ones((6, 2), np.float16)
    bias = np.array([1, 1, 0, 0, 3, 3], np.float16)
    out: dict[str, np.ndarray] = {}
    models._split_fused(out, "t", {"x/weight": weight, "x/bias": bias}, "x", ("query", "key", "value"))
    assert sorted(out) == ["t.key.weight", "t.query.bias", "t.query.weight", "t.value.bias", "t.value.weight"]
    assert out["t.query.weight"].max() == 0 and out["t.key.weight"].min() == 1 and out["t.value.weight"].min() == 2
    np.testing.assert_array_equal(out["t.value.bias"], [3, 3])


def _whisper_alignment_heads(name: str, dims: dict[str, int]) -> list[list[int]]:
    mask = np.frombuffer(gzip.decompress(base64.b85decode(whisper._ALIGNMENT_HEADS[name])), dtype=bool)
    return np.argwhere(mask.reshape(dims["n_text_layer"], dims["n_text_head"])).tolist()


@pytest.mark.parametrize(
    ("name", "n_layer", "n_vocab"),
    [("tiny.en", 4, 51864), ("base", 6, 51865)],
)
def test_bundled_model_converts_to_a_whisper_checkpoint(tmp_path: Path, name: str, n_layer: int, n_vocab: int) -> None:
    path = models.ensure_bundled(name, tmp_path)

    assert path == tmp_path / f"{name}.pt"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # the temporary file was renamed, not left
    checkpoint = torch.load(path, weights_only=True)
    dims = checkpoint["dims"]
    assert dims["n_text_layer"] == dims["n_audio_layer"] == n_layer
    assert dims["n_vocab"] == n_vocab
    state = checkpoint["model_state_dict"]
    expected = whisper.model.Whisper(whisper.model.ModelDimensions(**dims)).state_dict()
    assert {k: tuple(v.shape) for k, v in state.items()} == {k: tuple(v.shape) for k, v in expected.items()}
    assert all(v.dtype == torch.float16 for v in state.values())
    assert checkpoint["alignment_heads"] == _whisper_alignment_heads(name, dims)


def test_loaded_model_carries_the_bundled_alignment_heads() -> None:
    model = models.load_model("tiny.en", config.models_dir())
    heads = model.alignment_heads.to_dense().nonzero().tolist()
    assert heads == _whisper_alignment_heads("tiny.en", dict(model.dims.__dict__))


def test_damaged_bundled_file_is_detected(tmp_path: Path) -> None:
    good = models.BUNDLED["tiny.en"]
    damaged = models.BundledModel(
        name="tiny.en",
        weights=(models.SourceFile(good.weights[0].package, good.weights[0].path, "0" * 64),),
        config=good.config,
        licence=good.licence,
    )
    with pytest.raises(ModelError, match="damaged"):
        models.convert_bundled(damaged, tmp_path / "tiny.en.pt")
    assert list(tmp_path.iterdir()) == []


def test_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    (tmp_path / "tiny.en.pt").write_bytes(b"half a checkpoint")
    model = models.load_model("tiny.en", tmp_path)
    assert model.dims.n_vocab == 51864
    assert (tmp_path / "tiny.en.pt").stat().st_size > 70_000_000


@pytest.mark.parametrize(
    ("language", "requested", "chosen"),
    [("en", None, "tiny.en"), ("es", None, "base"), ("auto", None, "base"), ("en", "base", "base"), ("es", "small", "small")],
)
def test_choose_model(language: str, requested: str | None, chosen: str) -> None:
    assert models.choose_model(language, requested) == chosen


def test_spanish_with_an_english_only_model_is_one_sentence() -> None:
    with pytest.raises(ModelError) as raised:
        models.choose_model("es", "tiny.en")
    assert str(raised.value) == (
        "Spanish needs a multilingual model, and tiny.en is English-only; use --model base (bundled) "
        "or small, medium, large-v3 (download)."
    )


def test_download_offline_names_the_offline_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The network cannot be reached from tests, so the download itself is the one thing faked here."""

    def no_network(*args: object, **kwargs: object) -> None:
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with pytest.raises(ModelError) as raised:
        models.load_model("small", tmp_path)
    assert str(raised.value) == (
        f"Model small is not in {tmp_path} and could not be downloaded (no network: Temporary failure in "
        "name resolution); offline, use one of the bundled models: tiny.en, base."
    )


def test_unknown_model_name() -> None:
    with pytest.raises(ModelError, match="Unknown model 'tiny.fr'"):
        models.load_model("tiny.fr", Path("/nonexistent"))


def test_models_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKMIC_MODELS", str(tmp_path / "env"))
    assert config.models_dir(str(tmp_path / "flag")) == tmp_path / "flag"
    assert config.models_dir() == tmp_path / "env"
    monkeypatch.delenv("MOCKMIC_MODELS")
    assert config.models_dir() == config.checkout_models_dir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(config, "_CHECKOUT_ROOT", tmp_path / "installed-wheel")
    monkeypatch.setenv("MOCKMIC_HOME", str(tmp_path / "home"))
    assert config.models_dir() == tmp_path / "home" / "models"


def test_list_models_reports_states_and_sizes(tmp_path: Path) -> None:
    models.ensure_bundled("tiny.en", tmp_path)
    (tmp_path / "small.pt").write_bytes(b"\0" * 1_000_000)
    rows = {row.name: row for row in models.list_models(tmp_path)}
    assert rows["tiny.en"].state == "bundled" and rows["tiny.en"].path
    assert rows["base"].state == "bundled" and rows["base"].path is None
    assert rows["base"].size_mb == pytest.approx(145.2, abs=0.1)
    assert rows["small"].state == "ready" and rows["small"].size_mb == 1.0
    assert rows["medium"].state == "downloadable" and rows["medium"].multilingual
    assert not rows["base.en"].multilingual
