"""Detect a missing display or missing Qt system libraries before Qt aborts obscurely.

Standard library only: packaging/bootstrap.py imports it before any dependency is installed.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

# Shared libraries Qt's offscreen and X11 (xcb) platform plugins need, with the
# Debian/Ubuntu packages that carry them.
QT_BASE_LIBS = {
    "GL": "libgl1",
    "EGL": "libegl1",
    "xkbcommon": "libxkbcommon0",
    "fontconfig": "libfontconfig1",
    "dbus-1": "libdbus-1-3",
}
QT_XCB_LIBS = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-image": "libxcb-image0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-shape": "libxcb-shape0",
}


def missing_packages(libs: dict[str, str]) -> list[str]:
    return [package for lib, package in libs.items() if ctypes.util.find_library(lib) is None]


def uses_xcb() -> bool:
    """Whether Qt will pick its X11 plugin on this machine."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = os.environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.startswith("xcb")
    return not os.environ.get("WAYLAND_DISPLAY")


def display_problem() -> str | None:
    """A message telling the user what to do, or None when Qt can start."""
    if not sys.platform.startswith("linux"):
        return None
    chosen = os.environ.get("QT_QPA_PLATFORM", "")
    if chosen.startswith(("offscreen", "minimal", "vnc")):
        return None
    if not chosen and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return (
            "No display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
            "Start Agent Assist from a desktop session, or use it headless:\n"
            "  agent-assist suggest conversation.txt\n"
            "  QT_QPA_PLATFORM=offscreen agent-assist   (no visible window)"
        )
    libs = dict(QT_BASE_LIBS)
    if uses_xcb():
        libs.update(QT_XCB_LIBS)
    missing = missing_packages(libs)
    if missing:
        return (
            "Qt cannot open a window: system libraries are missing.\n"
            f"On Debian/Ubuntu install them with:\n  sudo apt-get install {' '.join(missing)}\n"
            "(Fedora: the matching xcb-util-* and libxkbcommon-x11 packages.)\n"
            "Then start Agent Assist again."
        )
    return None
