"""Shared fixtures: every test gets its own data folder; the real default model is loaded once."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop import paths
from desktop.engine.llama import LlamaEngine
from desktop.store import migrations
from desktop.store.canned import CannedRepository
from sqlite_utils import Database

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "resources" / "eval"  # the evaluation sets, shipped with the app
PUBLIC_FORMATS = ROOT / "tests" / "data" / "public_formats"  # real helpdesk export samples
DEFAULT_MODEL = ROOT / "models" / paths.DEFAULT_MODEL_NAME


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every user folder at a temporary one: tests never touch the real home."""
    home = tmp_path / "home"
    monkeypatch.setenv("AGENT_ASSIST_HOME", str(home))
    return home


@pytest.fixture
def db() -> Iterator[Database]:
    database = Database(memory=True)
    migrations.apply(database)
    yield database
    database.close()


@pytest.fixture
def repo(db: Database) -> CannedRepository:
    return CannedRepository(db)


@pytest.fixture(scope="session")
def default_model() -> Path:
    """The real default GGUF; the setup command installs it, so it is never skipped."""
    assert DEFAULT_MODEL.is_file(), f"default model missing: run `make setup` ({DEFAULT_MODEL})"
    return DEFAULT_MODEL


@pytest.fixture(scope="session")
def engine(default_model: Path) -> Iterator[LlamaEngine]:
    """One real llama.cpp engine for the session: loading per test would only add time."""
    loaded = LlamaEngine(default_model, context_tokens=2048)
    yield loaded
    loaded.close()


@pytest.fixture(scope="session")
def frozen_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The PyInstaller build and its installers, made once per session (slow: `frozen` tests)."""
    from tests import frozen_build

    return frozen_build.frozen_dist(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def frozen_app(frozen_dist: Path) -> Path:
    """The packaged executable in the one-folder build."""
    from tests import frozen_build

    return frozen_dist / frozen_build.NAME / frozen_build.EXE_NAME


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)
        if {"engine", "default_model"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)
