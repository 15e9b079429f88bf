"""Global shortcut on macOS: Carbon's RegisterEventHotKey through ctypes. No Qt.

Carbon hot keys still work in Cocoa apps (Qt's included) and need no accessibility
permission: the handler is called on the main thread while Qt's event loop runs. Written to
CarbonEvents.h; tests/test_hotkey_mac.py runs it on Linux against a Carbon that keeps that contract.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import Future

from desktop.system.hotkey_keys import (
    HotkeyError,
    HotkeyTakenError,
    HotkeyUnavailableError,
    Shortcut,
    ShortcutError,
    settled,
)

EVENT_HOT_KEY_EXISTS = -9878


def _four(code: bytes) -> int:
    """A Carbon OSType: four ASCII characters as a big-endian number."""
    return int.from_bytes(code, "big")


if sys.platform == "darwin":
    import ctypes
    from ctypes import POINTER, Structure, byref, c_int32, c_uint32, c_void_p

    CARBON = "/System/Library/Frameworks/Carbon.framework/Carbon"
    SIGNATURE = _four(b"AgAs")

    class EventHotKeyID(Structure):
        _fields_ = [("signature", c_uint32), ("id", c_uint32)]

    class EventTypeSpec(Structure):
        _fields_ = [("eventClass", c_uint32), ("eventKind", c_uint32)]

    EventHandler = ctypes.CFUNCTYPE(c_int32, c_void_p, c_void_p, c_void_p)

    class MacHotkey:
        """One Carbon hot key; on_press runs on the main thread."""

        def __init__(self, on_press: Callable[[], None]) -> None:
            try:
                self._carbon = ctypes.CDLL(CARBON)
            except OSError as exc:
                raise HotkeyUnavailableError(f"Carbon could not be loaded ({exc}).") from exc
            carbon = self._carbon
            carbon.GetApplicationEventTarget.restype = c_void_p
            carbon.InstallEventHandler.argtypes = [
                c_void_p, EventHandler, ctypes.c_ulong, POINTER(EventTypeSpec), c_void_p,
                POINTER(c_void_p),
            ]  # fmt: skip
            carbon.InstallEventHandler.restype = c_int32
            carbon.RemoveEventHandler.argtypes = [c_void_p]
            carbon.RegisterEventHotKey.argtypes = [
                c_uint32, c_uint32, EventHotKeyID, c_void_p, c_uint32, POINTER(c_void_p)
            ]  # fmt: skip
            carbon.RegisterEventHotKey.restype = c_int32
            carbon.UnregisterEventHotKey.argtypes = [c_void_p]
            carbon.UnregisterEventHotKey.restype = c_int32
            self._on_press = on_press
            self._callback = EventHandler(self._on_event)  # kept alive while installed
            self._hotkey = c_void_p()
            self._handler = c_void_p()
            spec = EventTypeSpec(_four(b"keyb"), 5)  # kEventClassKeyboard, kEventHotKeyPressed
            status = carbon.InstallEventHandler(
                carbon.GetApplicationEventTarget(), self._callback, 1, byref(spec), None,
                byref(self._handler),
            )  # fmt: skip
            if status != 0:
                raise HotkeyUnavailableError(f"macOS refused the hot key handler (error {status}).")

        def grab(self, shortcut: Shortcut) -> Future[None]:
            self.ungrab()
            try:
                code, modifiers = shortcut.mac()
            except ShortcutError as exc:  # a key Mac keyboards lack: say so, as for a refusal
                return settled(HotkeyError(str(exc)))
            status = self._carbon.RegisterEventHotKey(
                code, modifiers, EventHotKeyID(SIGNATURE, 1),
                self._carbon.GetApplicationEventTarget(), 0, byref(self._hotkey),
            )  # fmt: skip
            if status == EVENT_HOT_KEY_EXISTS:
                return settled(HotkeyTakenError(shortcut))
            if status != 0:
                return settled(
                    HotkeyError(
                        f"macOS refused {shortcut.text()} (error {status}); "
                        "choose another in Settings."
                    )
                )
            return settled()

        def ungrab(self) -> Future[None]:
            if self._hotkey.value:
                self._carbon.UnregisterEventHotKey(self._hotkey)
                self._hotkey = c_void_p()
            return settled()

        def close(self) -> None:
            self.ungrab()
            if self._handler.value:
                self._carbon.RemoveEventHandler(self._handler)
                self._handler = c_void_p()

        def _on_event(self, _call: int | None, _event: int | None, _data: int | None) -> int:
            # One hot key is registered, so every hot-key-pressed event is ours.
            self._on_press()
            return 0
