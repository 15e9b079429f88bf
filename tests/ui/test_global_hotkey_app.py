"""The whole path on X11: the app as `python -m desktop` runs it, on Qt's X11 platform (xcb)
against a private Xvfb, with another X client owning the PRIMARY selection (a browser with
the customer's messages selected). A key press through XTEST must bring that selection in."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.xserver import XK_ALT_L, XK_CONTROL_L, Keyboard, running_xvfb

ROOT = Path(__file__).resolve().parents[2]
WAIT = 120
SELECTED = "Customer: Hi, my parcel for order 48213 has not moved since Monday."
OWNER = r"""
import sys
from PySide6.QtGui import QClipboard
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
app.clipboard().setText(sys.argv[1], QClipboard.Mode.Selection)
app.clipboard().setText("the clipboard, not the selection", QClipboard.Mode.Clipboard)
print("OWNED", flush=True)
app.exec()
"""
# The app through launch.run_gui; prints the hotkey's state and the conversation on change.
DRIVER = r"""
import argparse, json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desktop.ui import launch
from desktop.ui.global_hotkey import GlobalHotkey
from desktop.ui.main_window import MainWindow

last = {}

def tick():
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    hotkey = windows[0].findChild(GlobalHotkey) if windows else None
    if hotkey is not None:
        state = {"platform": QApplication.platformName(), "status": hotkey.status,
                 "registered": hotkey.registered,
                 "conversation": windows[0].conversation.editor.toPlainText()}
        if state != last:
            last.update(state)
            print(json.dumps(state), flush=True)
    QTimer.singleShot(20, tick)

QTimer.singleShot(0, tick)
sys.exit(launch.run_gui(argparse.Namespace(model=None, conversation=None, text=None)))
"""


@pytest.fixture
def x11_env(app_home: Path) -> Iterator[dict[str, str]]:
    with running_xvfb() as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        env["XDG_SESSION_TYPE"] = "x11"
        env.pop("WAYLAND_DISPLAY", None)
        yield env


def start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def next_line(process: subprocess.Popen[str], accept: str) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + WAIT
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith(accept):
            return line
    output = "".join(seen)
    if "Could not load the Qt platform plugin" in output:
        pytest.skip("Qt's xcb platform cannot load here (Debian: libxcb-cursor0 and friends)")
    raise AssertionError(f"no {accept!r} line; the process said:\n{output}")


def stop(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait(10)
    if process.stdout is not None:
        process.stdout.close()


def test_shortcut_brings_another_apps_selection_into_the_running_app(
    x11_env: dict[str, str],
) -> None:
    owner = start(x11_env, OWNER, SELECTED)
    app = start(x11_env, DRIVER)
    keyboard = Keyboard(x11_env["DISPLAY"])
    try:
        next_line(owner, "OWNED")
        state = json.loads(next_line(app, '{"platform": "xcb", "status": "Ctrl+Alt+A brings'))
        assert state["registered"] is True and state["conversation"] == ""
        pressed = time.perf_counter()
        keyboard.press(XK_CONTROL_L, XK_ALT_L, ord("a"))
        state = json.loads(next_line(app, "{"))
        shown = time.perf_counter() - pressed
        assert state["conversation"] == SELECTED  # the selection, not the clipboard
        print(f"\nkey press to the selection shown in the window: {shown * 1000:.0f} ms")
    finally:
        keyboard.close()
        stop(app)
        stop(owner)
