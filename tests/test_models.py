"""The model store: the bundled models converted and cached, resolution, choice, download, listing."""

from __future__ import annotations

import base64
import gzip
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import torch
import whisper

from mockmic import config, models
from mockmic.errors import ModelError


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
    [
        ("en", None, "tiny.en"),
        ("es", None, "base"),
        ("auto", None, "base"),
        ("en", "base", "base"),
        ("es", "small", "small"),
    ],
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
