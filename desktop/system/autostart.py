r"""Start at login, minimised: the entry each OS reads at login, written or removed. No Qt.

Linux: an XDG autostart file ($XDG_CONFIG_HOME/autostart/agent-assist.desktop). Windows: a
value under HKCU\...\CurrentVersion\Run. macOS: a LaunchAgent plist with RunAtLoad. Each
runs this app (the frozen executable, or this Python with `-m desktop`) with --minimized.
"""

from __future__ import annotations

import os
import plistlib
import subprocess
import sys
from pathlib import Path

from desktop import APP_ID, APP_NAME, paths

FLAG = "--minimized"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
MAC_LABEL = f"com.{APP_ID}.login"
# Characters that make an Exec argument need quoting (Desktop Entry spec, "The Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
SOURCE_ROOT = Path(__file__).resolve().parents[1]  # `-m desktop` needs it as the working folder


class AutostartError(Exception):
    """The entry could not be written or removed; str() says where and why."""


def command() -> list[str]:
    """What the login entry runs."""
    if paths.is_frozen():
        return [sys.executable, FLAG]
    python = Path(sys.executable)
    if sys.platform == "win32" and (python.parent / "pythonw.exe").exists():
        python = python.parent / "pythonw.exe"  # no console window at login
    return [str(python), "-m", "desktop", FLAG]


def working_dir() -> Path | None:
    """The folder a source checkout must start in; None for the frozen app."""
    return None if paths.is_frozen() else SOURCE_ROOT


# --- Linux and other XDG desktops ---------------------------------------------------------
def desktop_file() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / f"{APP_ID}.desktop"


def exec_quote(argument: str) -> str:
    """One Exec argument: quoted and escaped as the Desktop Entry spec says."""
    argument = argument.replace("%", "%%")  # % starts a field code (%f, %u, ...)
    if argument and not _RESERVED & set(argument):
        return argument
    inner = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    # The quoting rule applies after the string rule, so backslashes are escaped twice.
    return f'"{inner}"'.replace("\\", "\\\\")


def desktop_entry(argv: list[str], folder: Path | None) -> str:
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        f"Name={APP_NAME}",
        "Comment=Start Agent Assist minimised, in the tray",
        "Exec=" + " ".join(exec_quote(a) for a in argv),
        f"Icon={APP_ID}",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
    ]
    if folder is not None:
        lines.append(f"Path={folder}")
    return "\n".join(lines) + "\n"


# --- macOS -------------------------------------------------------------------------------------
def launch_agent_file() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{MAC_LABEL}.plist"


def launch_agent(argv: list[str], folder: Path | None) -> bytes:
    agent: dict[str, object] = {"Label": MAC_LABEL, "ProgramArguments": argv, "RunAtLoad": True}
    if folder is not None:
        agent["WorkingDirectory"] = str(folder)
    return plistlib.dumps(agent)


# --- all platforms -------------------------------------------------------------------------
def is_enabled() -> bool:
    if sys.platform == "win32":
        return _run_value() is not None
    else:
        return _entry_file().exists()


def enable() -> str:
    """Write the entry; returns where it went."""
    argv, folder = command(), working_dir()
    try:
        if sys.platform == "win32":
            where = _set_run_value(subprocess.list2cmdline(argv))
        else:
            target = _entry_file()
            target.parent.mkdir(parents=True, exist_ok=True)
            entry = (
                launch_agent(argv, folder)
                if sys.platform == "darwin"
                else desktop_entry(argv, folder).encode()
            )
            _write_atomically(target, entry)
            where = str(target)
    except OSError as exc:
        raise AutostartError(f"Could not set up starting at login ({exc}).") from exc
    return where


def disable() -> None:
    try:
        if sys.platform == "win32":
            _delete_run_value()
        else:
            _entry_file().unlink(missing_ok=True)
    except OSError as exc:
        raise AutostartError(f"Could not stop starting at login ({exc}).") from exc


def apply(enabled: bool) -> None:
    """Make the OS's entry match the setting (rewritten when on: the app may have moved)."""
    if enabled:
        enable()
    elif is_enabled():
        disable()


def _entry_file() -> Path:
    return launch_agent_file() if sys.platform == "darwin" else desktop_file()


def _write_atomically(target: Path, data: bytes) -> None:
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


if sys.platform == "win32":
    import winreg

    def _run_value() -> str | None:
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                value, _kind = winreg.QueryValueEx(key, APP_NAME)
        except OSError:
            return None
        return str(value)

    def _set_run_value(line: str) -> str:
        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            winreg.SetValueEx(key, APP_NAME, 0, winreg.REG_SZ, line)
        return f"HKCU\\{RUN_KEY}\\{APP_NAME}"

    def _delete_run_value() -> None:
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, APP_NAME)
        except FileNotFoundError:
            pass  # already gone

else:

    def _run_value() -> str | None:
        return None

    def _set_run_value(line: str) -> str:
        raise AutostartError("The Run key exists only on Windows.")

    def _delete_run_value() -> None:
        return None
