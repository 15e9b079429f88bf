"""A private Xvfb server and XTEST key presses, for the global-shortcut tests.

Xvfb picks a free display number itself (-displayfd), so parallel runs never collide. Tests
that need it skip, saying why, where Xvfb or libXtst is missing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

XK_CONTROL_L, XK_ALT_L, XK_CAPS_LOCK, XK_NUM_LOCK = 0xFFE3, 0xFFE9, 0xFFE5, 0xFF7F


@contextlib.contextmanager
def running_xvfb() -> Iterator[str]:
    """Start Xvfb on a free display; yields its name, e.g. ":3"."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (Debian: apt-get install xvfb)")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-nolisten", "tcp", "-screen", "0", "640x480x24"],
        pass_fds=[write],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as announced:
            number = announced.readline().strip()  # written once the server accepts clients
        if not number:
            pytest.fail("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


class Keyboard:
    """A client of its own that types through the XTEST extension, as a real keyboard would."""

    def __init__(self, display: str) -> None:
        xtst = ctypes.util.find_library("Xtst")
        if xtst is None:
            pytest.skip("libXtst is not installed (Debian: libxtst6)")
        self._x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self._t = ctypes.CDLL(xtst)
        self._x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self._x.XOpenDisplay.restype = ctypes.c_void_p
        self._x.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self._x.XKeysymToKeycode.restype = ctypes.c_ubyte
        self._x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self._x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._t.XTestFakeKeyEvent.argtypes = [
            ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong
        ]  # fmt: skip
        self._display = self._x.XOpenDisplay(display.encode())
        assert self._display, f"cannot open {display}"

    def press(self, *keysyms: int) -> None:
        """Hold each key down in order, then let them go in reverse (a chord)."""
        codes = [self._x.XKeysymToKeycode(self._display, keysym) for keysym in keysyms]
        assert all(codes), f"no keycode for one of {keysyms}"
        for code in codes:
            self._t.XTestFakeKeyEvent(self._display, code, 1, 0)
        for code in reversed(codes):
            self._t.XTestFakeKeyEvent(self._display, code, 0, 0)
        self._x.XSync(self._display, 0)

    def close(self) -> None:
        self._x.XCloseDisplay(self._display)
