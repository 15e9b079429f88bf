"""The login entry: an XDG autostart file in a temporary config folder, read back by GLib."""

import plistlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from desktop.system import autostart

WAIT = 30


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder


def entry_lines(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:])


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG entry is Linux's")
def test_enable_writes_the_xdg_entry_and_disable_removes_it(config: Path) -> None:
    target = config / "autostart" / "agent-assist.desktop"
    assert not autostart.is_enabled()
    assert autostart.enable() == str(target)
    assert autostart.is_enabled()
    entry = entry_lines(target)
    assert entry["Type"] == "Application"
    assert entry["Exec"] == f"{autostart.exec_quote(sys.executable)} -m desktop --minimized"
    assert entry["Path"] == str(autostart.SOURCE_ROOT)  # `-m desktop` from a checkout
    assert entry["X-GNOME-Autostart-enabled"] == "true"
    autostart.apply(True)  # rewriting is harmless
    autostart.apply(False)
    assert not target.exists() and not autostart.is_enabled()
    autostart.disable()  # already gone: nothing to do


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG entry is Linux's")
def test_without_xdg_config_home_the_entry_goes_to_dot_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert autostart.desktop_file() == tmp_path / ".config" / "autostart" / "agent-assist.desktop"


def test_the_frozen_app_runs_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/Agent Assist/agent-assist")
    assert autostart.command() == ["/opt/Agent Assist/agent-assist", "--minimized"]
    assert autostart.working_dir() is None
    entry = autostart.desktop_entry(autostart.command(), autostart.working_dir())
    assert 'Exec="/opt/Agent Assist/agent-assist" --minimized\n' in entry
    assert "Path=" not in entry


@pytest.mark.parametrize(
    ("argument", "quoted"),
    [
        ("/usr/bin/python3", "/usr/bin/python3"),
        ("--minimized", "--minimized"),
        ("/home/sam/My Apps/agent-assist", '"/home/sam/My Apps/agent-assist"'),
        ("/tmp/a$b", '"/tmp/a\\\\$b"'),  # \$ inside quotes, the backslash escaped again
        ('say"hi', '"say\\\\"hi"'),
        ("C:\\x", '"C:\\\\\\\\x"'),  # a literal backslash is four in the file
        ("100%", "100%%"),  # % starts a field code
        ("", '""'),
    ],
)
def test_exec_quoting_follows_the_desktop_entry_spec(argument: str, quoted: str) -> None:
    assert autostart.exec_quote(argument) == quoted


@pytest.mark.skipif(shutil.which("gio") is None, reason="gio (GLib) is not installed")
def test_glib_runs_the_entry_with_the_exact_arguments(tmp_path: Path) -> None:
    """What GNOME's session does with the file: GLib parses Exec and runs the program."""
    folder = tmp_path / 'My Apps $HOME "q" b\\s'
    folder.mkdir()
    record = tmp_path / "argv.txt"
    program = folder / "agent assist"
    program.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n', encoding="utf-8")
    program.chmod(0o755)
    arguments = ["-m", "desk top", "100%", "a\\b", "--minimized"]
    entry = tmp_path / "test.desktop"
    entry.write_text(autostart.desktop_entry([str(program), *arguments], None), encoding="utf-8")
    subprocess.run(["gio", "launch", str(entry)], check=True, timeout=WAIT)
    deadline = time.monotonic() + WAIT
    while not record.exists() and time.monotonic() < deadline:
        time.sleep(0.1)  # gio launch does not wait for the program it starts
    assert record.read_text(encoding="utf-8").splitlines() == arguments


def test_the_mac_launch_agent_runs_at_load() -> None:
    argv = ["/Applications/Agent Assist.app/Contents/MacOS/agent-assist", "--minimized"]
    agent = plistlib.loads(autostart.launch_agent(argv, None))
    assert agent == {"Label": autostart.MAC_LABEL, "ProgramArguments": argv, "RunAtLoad": True}
    with_folder = plistlib.loads(autostart.launch_agent(argv, Path("/src")))
    assert with_folder["WorkingDirectory"] == "/src"
