"""The PyInstaller build and its installers, made once per test session, and how to run them.

Used by the `frozen_dist` / `frozen_app` fixtures (tests/conftest.py) that the slow, `frozen`
tests share: test_frozen.py (the one-folder app) and test_linux_packages.py (the .deb and the
user install). Set AGENT_ASSIST_FROZEN_DIST to a folder that already holds agent-assist/ to
test that build instead of making a new one (its installers are made there if missing).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
NAME = "agent-assist"
EXE_NAME = NAME + (".exe" if sys.platform == "win32" else "")
BUILD_TIMEOUT_S = 1200  # PyInstaller from scratch plus the installers, on 2 busy cores


def packaging_module(name: str) -> ModuleType:
    """A module of packaging/ (a folder of scripts, not a package)."""
    folder = str(ROOT / "packaging")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(name)


def build(dist: Path, packages_only: bool = False) -> None:
    command = [sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(dist)]
    if packages_only:
        command.append("--packages-only")
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    print(done.stdout)  # sizes and timings, shown with -s


def frozen_dist(scratch: Path) -> Path:
    """A dist folder with agent-assist/ and (on Linux) the .deb and the user-install archive."""
    prebuilt = os.environ.get("AGENT_ASSIST_FROZEN_DIST")
    if prebuilt:
        dist = Path(prebuilt).resolve()  # the apps run from other folders
        assert (dist / NAME / EXE_NAME).is_file(), (
            f"AGENT_ASSIST_FROZEN_DIST has no {NAME}/{EXE_NAME}"
        )
        if sys.platform.startswith("linux") and not list(dist.glob("*.deb")):
            build(dist, packages_only=True)
        return dist
    build(scratch)
    return scratch


def clean_env(home: Path) -> dict[str, str]:
    """The environment of a user who never installed Python: no venv, no project paths."""
    venv = ROOT / ".venv"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"}
        and not key.startswith("PYTEST")
    }
    env["PATH"] = os.pathsep.join(
        entry
        for entry in os.environ.get("PATH", "").split(os.pathsep)
        if entry and not Path(entry).resolve().is_relative_to(venv.resolve())
    )
    env["AGENT_ASSIST_HOME"] = str(home)
    return env


def run_app(
    exe: Path, tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    workdir = tmp_path / "cwd"  # not the checkout: nothing may be found relative to it
    workdir.mkdir(exist_ok=True)
    return subprocess.run(
        [str(exe), *args],
        cwd=workdir,
        env=env if env is not None else clean_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
