"""Where the sample files live: real public samples (tests/data/public_formats) and our own."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_FORMATS = ROOT / "tests" / "data" / "public_formats"
DATA = ROOT / "tests" / "data" / "formats"


@pytest.fixture
def shared() -> Path:
    assert SHARED_FORMATS.is_dir(), f"shared samples missing: {SHARED_FORMATS}"
    return SHARED_FORMATS


@pytest.fixture
def data() -> Path:
    return DATA
