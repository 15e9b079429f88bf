"""The PyInstaller package, built from this tree and run without the virtual environment.

Slow (a PyInstaller build, then the app itself), so it is marked `frozen` and can be run
alone with `pytest -m frozen`, or skipped with `-m "not frozen"`. The build is made once per
session (the `frozen_app` fixture, tests/frozen_build.py) and shared with the installer tests;
it reuses PyInstaller's cache in build/pyinstaller, so a rerun after a small change is quicker.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
from pathlib import Path

import pytest
from desktop import __version__, paths

from tests.frozen_build import NAME, clean_env, run_app

CONVERSATION = (
    "Customer: Hi, my parcel was supposed to arrive on Monday.\n"
    "Agent: Sorry about that! Could you share the order number?\n"
    "Customer: It's 48213. Where is my package? The tracking has not moved.\n"
)

pytestmark = pytest.mark.frozen


def test_self_test_passes_outside_the_venv(frozen_app: Path, tmp_path: Path) -> None:
    result = run_app(frozen_app, tmp_path, "--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    summary = [line for line in result.stdout.splitlines() if line.startswith("self-test")]
    assert len(summary) == 1, result.stdout
    assert summary[0].startswith("self-test ok: "), summary[0]
    assert "model=SmolLM2-135M-Instruct.Q4_1" in summary[0]
    assert re.search(r"window \d+x\d+, llama.cpp CPU variant \w+", summary[0]), summary[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "home").exists(), "the self-test must not touch the data folder"


def test_version(frozen_app: Path, tmp_path: Path) -> None:
    result = run_app(frozen_app, tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{NAME} {__version__}"


def test_suggest_prints_a_reply(frozen_app: Path, tmp_path: Path) -> None:
    conversation = tmp_path / "conversation.txt"
    conversation.write_text(CONVERSATION, encoding="utf-8")
    result = run_app(
        frozen_app, tmp_path, "suggest", str(conversation), "--max-tokens", "24", "--seed", "1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "empty suggestion"
    assert "grounded on:" in result.stderr


def test_corrupt_model_is_a_clear_error(frozen_app: Path, tmp_path: Path) -> None:
    conversation = tmp_path / "conversation.txt"
    conversation.write_text(CONVERSATION, encoding="utf-8")
    garbage = tmp_path / "broken.gguf"
    garbage.write_bytes(b"GGUF" + os.urandom(4096))  # right signature, garbage after it
    result = run_app(frozen_app, tmp_path, "suggest", str(conversation), "--model", str(garbage))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    assert "broken.gguf" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_unwritable_data_folder_is_a_clear_error(frozen_app: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root ignores permissions; /proc refuses new folders to everyone.
        home = Path("/proc") / f"agent-assist-test-{os.getpid()}"
    else:
        readonly = tmp_path / "readonly"
        readonly.mkdir(mode=0o500)
        home = readonly / "home"
    conversation = tmp_path / "conversation.txt"
    conversation.write_text(CONVERSATION, encoding="utf-8")
    result = run_app(frozen_app, tmp_path, "suggest", str(conversation), env=clean_env(home))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("error: Cannot create the data folder"), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="display check is Linux-only")
def test_no_display_is_a_clear_message(frozen_app: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home")
    for key in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(key, None)
    result = run_app(frozen_app, tmp_path, env=env)
    assert result.returncode == 3, result.stdout + result.stderr
    assert result.stderr.startswith("No display found"), result.stderr
    assert "Traceback" not in result.stderr


def test_cpu_code_is_chosen_at_run_time(frozen_app: Path, tmp_path: Path) -> None:
    """The bundle runs on any x86-64 CPU: llama.cpp's baseline variant ships beside the rest."""
    if platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip("CPU variants are an x86-64 build")
    libs = next(frozen_app.parent.rglob("llama_cpp/lib"))
    variants = sorted(p.name for p in libs.glob("libggml-cpu-*"))
    assert "libggml-cpu-x64.so" in variants and "libggml-cpu-haswell.so" in variants
    result = run_app(frozen_app, tmp_path, "--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the best variant that ran a test decode here" in result.stdout, result.stdout
    # The bundle's own probe mode: the baseline variant decodes the bundled model.
    model = next(frozen_app.parent.rglob(paths.DEFAULT_MODEL_NAME))
    probe = run_app(
        frozen_app, tmp_path, "--cpu-probe", str(libs / "libggml-cpu-x64.so"), str(model)
    )
    assert probe.returncode == 0, probe.stdout + probe.stderr
    # The override wins, and `suggest --json` names the variant in use.
    env = clean_env(tmp_path / "home") | {"AGENT_ASSIST_CPU_VARIANT": "sse42"}
    conversation = tmp_path / "conversation.txt"
    conversation.write_text("Customer: where is my parcel?\n")
    forced = run_app(
        frozen_app, tmp_path, "suggest", str(conversation), "--json", "--max-tokens", "8", env=env
    )
    assert forced.returncode == 0, forced.stderr
    assert json.loads(forced.stdout)["cpu_variant"] == "sse42"
