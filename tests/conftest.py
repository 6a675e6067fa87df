"""Shared fixtures: the real corpus and an isolated user directory for every test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import CORPUS


@pytest.fixture(autouse=True)
def isolated_user_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("mockmic-home")
    monkeypatch.setenv("MOCKMIC_HOME", str(home))
    monkeypatch.delenv("MOCKMIC_MODELS", raising=False)
    return home


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared speech corpus is not at {CORPUS}")
    return CORPUS
