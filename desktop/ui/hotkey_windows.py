"""Global shortcut on Windows: RegisterHotKey, and WM_HOTKEY seen by a native event filter.

Registered with no window, the hotkey belongs to the GUI thread: Windows posts WM_HOTKEY to
that thread's queue, where Qt's event dispatcher hands every message to the native event
filters first. Not run by the Linux test suite; written to the Win32 documentation.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import Future

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QCoreApplication

from desktop.system.hotkey_keys import HotkeyError, HotkeyTakenError, Shortcut, settled

WM_HOTKEY = 0x0312
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
HOTKEY_ID = 0x4141  # any number unique in this app; it names the hotkey in WM_HOTKEY's wParam
EVENT_TYPES = (b"windows_generic_MSG", b"windows_dispatcher_MSG")


if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    class WindowsHotkey(QAbstractNativeEventFilter):
        """RegisterHotKey/UnregisterHotKey on the GUI thread; on_press on WM_HOTKEY."""

        def __init__(self, on_press: Callable[[], None]) -> None:
            super().__init__()
            self._on_press = on_press
            self._user32 = ctypes.WinDLL("user32", use_last_error=True)
            self._user32.RegisterHotKey.argtypes = [
                wintypes.HWND, ctypes.c_int, wintypes.UINT, wintypes.UINT
            ]  # fmt: skip
            self._user32.RegisterHotKey.restype = wintypes.BOOL
            self._user32.UnregisterHotKey.argtypes = [wintypes.HWND, ctypes.c_int]
            self._user32.UnregisterHotKey.restype = wintypes.BOOL
            self._registered = False
            app = QCoreApplication.instance()
            assert app is not None
            app.installNativeEventFilter(self)

        def grab(self, shortcut: Shortcut) -> Future[None]:
            self.ungrab()
            vk, modifiers = shortcut.windows()
            if self._user32.RegisterHotKey(None, HOTKEY_ID, modifiers, vk):
                self._registered = True
                return settled()
            code = ctypes.get_last_error()
            if code == ERROR_HOTKEY_ALREADY_REGISTERED:
                return settled(HotkeyTakenError(shortcut))
            return settled(
                HotkeyError(
                    f"Windows refused {shortcut.text()} (error {code}); choose another in Settings."
                )
            )

        def ungrab(self) -> Future[None]:
            if self._registered:
                self._user32.UnregisterHotKey(None, HOTKEY_ID)
                self._registered = False
            return settled()

        def close(self) -> None:
            self.ungrab()
            app = QCoreApplication.instance()
            if app is not None:
                app.removeNativeEventFilter(self)

        def nativeEventFilter(  # noqa: N802 - Qt's name
            self, event_type: QByteArray | bytes | bytearray | memoryview, message: int
        ) -> tuple[bool, int]:
            raw = event_type.data() if isinstance(event_type, QByteArray) else event_type
            if bytes(raw) in EVENT_TYPES and message:
                msg = wintypes.MSG.from_address(int(message))
                if msg.message == WM_HOTKEY and msg.wParam == HOTKEY_ID:
                    self._on_press()
                    return True, 0
            return False, 0
