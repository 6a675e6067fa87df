"""Where mockmic keeps its files: precedence is flag > environment > checkout > user directory."""

from __future__ import annotations

import os
from pathlib import Path

# The source checkout this module lives in, when installed in editable mode (src/mockmic/config.py).
_CHECKOUT_ROOT = Path(__file__).resolve().parents[2]


def user_data_dir() -> Path:
    """All user data: `MOCKMIC_HOME`, else `$XDG_DATA_HOME/mockmic`, else `~/.local/share/mockmic`."""
    if home := os.environ.get("MOCKMIC_HOME"):
        return Path(home).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(xdg) / "mockmic"


def checkout_models_dir() -> Path | None:
    """`models/` of the checkout mockmic runs from (cwd first, then the package's own), if any."""
    for root in (Path.cwd(), _CHECKOUT_ROOT):
        if (root / "models" / "README.md").is_file() and _is_mockmic_project(root):
            return root / "models"
    return None


def _is_mockmic_project(root: Path) -> bool:
    pyproject = root / "pyproject.toml"
    return pyproject.is_file() and 'name = "mockmic"' in pyproject.read_text(encoding="utf-8")


def models_dir(flag: str | os.PathLike[str] | None = None) -> Path:
    """The models directory: `--models-dir` > `MOCKMIC_MODELS` > `./models` in a checkout > user dir."""
    if flag:
        return Path(flag).expanduser()
    if env := os.environ.get("MOCKMIC_MODELS"):
        return Path(env).expanduser()
    return checkout_models_dir() or user_data_dir() / "models"
