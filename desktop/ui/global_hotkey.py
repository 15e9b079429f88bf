"""The app's own global shortcut: pressed anywhere, the selection comes into the window.

One backend per platform registers the combination: X11 (desktop.system.hotkey_x11, a grab on its
own thread), Windows (desktop.ui.hotkey_windows, RegisterHotKey) and macOS
(desktop.system.hotkey_mac, Carbon's RegisterEventHotKey). Wayland lets no application grab a key,
so there the status says to bind `agent-assist --from-selection` in the desktop's own
keyboard settings (the single-instance handover does the rest).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future
from typing import Protocol

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QGuiApplication

from desktop.system.hotkey_keys import (
    HotkeyError,
    HotkeyUnavailableError,
    Shortcut,
    ShortcutError,
    parse,
)

logger = logging.getLogger(__name__)

OFF = "The global shortcut is off."
BIND_YOURSELF = (
    "bind `agent-assist --from-selection` to a key in your desktop's keyboard settings instead."
)
WAYLAND = f"Wayland lets no application register a global shortcut: {BIND_YOURSELF}"


class Backend(Protocol):
    """Registers one combination at a time; calls its on_press from any thread."""

    def grab(self, shortcut: Shortcut) -> Future[None]: ...
    def ungrab(self) -> Future[None]: ...
    def close(self) -> None: ...


BackendFactory = Callable[[Callable[[], None]], Backend]


def working(shortcut: Shortcut) -> str:
    """What a registered shortcut does; without a primary selection it takes the clipboard."""
    if QGuiApplication.clipboard().supportsSelection():  # X11
        return f"{shortcut.text()} brings the selected text (or the clipboard) into the window."
    return f"{shortcut.text()} brings the copied text into the window: copy the messages first."


def platform_backend() -> BackendFactory:
    """The backend for this desktop; HotkeyUnavailableError says why where none fits."""
    if sys.platform == "win32":
        from desktop.ui.hotkey_windows import WindowsHotkey

        return WindowsHotkey
    elif sys.platform == "darwin":
        from desktop.system.hotkey_mac import MacHotkey

        return MacHotkey
    else:
        return x11_backend(QGuiApplication.platformName())


def x11_backend(platform: str) -> BackendFactory:
    """The X11 grabber where Qt runs on X11 (platform "xcb") outside a Wayland session."""
    wayland_session = os.environ.get("XDG_SESSION_TYPE") == "wayland" or bool(
        os.environ.get("WAYLAND_DISPLAY")
    )
    # Under XWayland a grab only sees keys typed into other X11 windows: not worth offering.
    if platform.startswith("wayland") or (platform == "xcb" and wayland_session):
        raise HotkeyUnavailableError(WAYLAND)
    if platform != "xcb":
        raise HotkeyUnavailableError(
            f"Global shortcuts need X11, Windows or macOS (this display is {platform!r}): "
            + BIND_YOURSELF
        )
    from desktop.system.hotkey_x11 import X11Grabber

    return X11Grabber


class GlobalHotkey(QObject):
    """Registers the shortcut from the settings and reports when it is pressed.

    Signals:
        activated(str): the shortcut was pressed; carries the selection (X11's primary
            selection, else the clipboard), captured exactly as `--from-selection` does.
        status_changed(str): what the shortcut does now, or why it does nothing.
        failed(str): a wanted shortcut could not be registered (taken, refused, mistyped);
            not emitted where the desktop allows none, which the settings show instead.
    """

    activated = Signal(str)
    status_changed = Signal(str)
    failed = Signal(str)
    _pressed = Signal()  # emitted on the backend's thread; queued to this one
    _grab_done = Signal(int, str)  # request number, error message ("" when grabbed)

    def __init__(self, backend: BackendFactory | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._backend: Backend | None = None
        self._status = OFF
        self._unavailable = ""
        self._wanted: Shortcut | None = None
        self._request = 0
        self.registered = False
        self._pressed.connect(self._on_pressed)
        self._grab_done.connect(self._on_grab_done)
        try:
            factory = backend or platform_backend()
            self._backend = factory(self._pressed.emit)
        except HotkeyError as exc:
            self._unavailable = str(exc)
            self._status = self._unavailable
            logger.info("No global shortcut: %s", exc)

    @property
    def status(self) -> str:
        return self._status

    @property
    def available(self) -> bool:
        return self._backend is not None

    def apply(self, enabled: bool, text: str) -> None:
        """Register `text` (or nothing when not enabled); the outcome comes as status_changed."""
        if self._backend is None:
            self._set_status(self._unavailable)
            return
        if not enabled:
            self._wanted = None
            self.registered = False
            self._request += 1
            self._backend.ungrab()
            self._set_status(OFF)
            return
        try:
            shortcut = parse(text)
        except ShortcutError as exc:
            self._backend.ungrab()
            self._wanted = None
            self.registered = False
            self._request += 1
            self._set_status(f"Global shortcut {text!r}: {exc}")
            self.failed.emit(self._status)
            return
        if shortcut == self._wanted and self.registered:
            return
        self._wanted = shortcut
        self.registered = False
        self._request += 1
        request = self._request
        self._set_status(f"Registering {shortcut.text()}…")
        future = self._backend.grab(shortcut)
        # Runs on the backend's thread (X11) or at once (Windows, macOS): hand it over by signal.
        future.add_done_callback(lambda done: self._grab_done.emit(request, _error(done)))

    def close(self) -> None:
        """Release the combination (XUngrabKey, UnregisterHotKey); connect to aboutToQuit."""
        if self._backend is not None:
            self._backend.close()
            self._backend = None
            self._unavailable = "The global shortcut has been shut down."

    @Slot(int, str)
    def _on_grab_done(self, request: int, error: str) -> None:
        if request != self._request or self._wanted is None:
            return  # a newer apply() has replaced this one
        self.registered = not error
        self._set_status(error or working(self._wanted))
        if error:
            logger.warning("Global shortcut %s: %s", self._wanted.text(), error)
            self.failed.emit(error)

    @Slot()
    def _on_pressed(self) -> None:
        # Imported here: handover imports the window, whose settings dialog imports this module.
        from desktop.ui.handover import captured_text

        self.activated.emit(captured_text(selection=True))

    def _set_status(self, status: str) -> None:
        self._status = status
        self.status_changed.emit(status)


def _error(done: Future[None]) -> str:
    exc = done.exception()
    return "" if exc is None else str(exc) or type(exc).__name__


def find_hotkey(widget: QObject | None) -> GlobalHotkey | None:
    """The GlobalHotkey among `widget`'s children: the launcher parents it to the window."""
    hotkey = widget.findChild(GlobalHotkey) if widget is not None else None
    return hotkey if isinstance(hotkey, GlobalHotkey) else None
