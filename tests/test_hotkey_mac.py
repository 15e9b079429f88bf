"""The macOS global shortcut (desktop/system/hotkey_mac.py), run on Linux.

The module is imported as on macOS, and Carbon is replaced by an object that keeps the
contract of CarbonEvents.h: InstallEventHandler and RegisterEventHotKey write their out
references and return noErr (0), RegisterEventHotKey returns eventHotKeyExistsErr (-9878) for a
combination another application holds, and the handler is called with the hot-key-pressed
event. The ctypes types, the callback and the error mapping are the real ones.
"""

from __future__ import annotations

import ctypes
import importlib
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from desktop.system import hotkey_keys, hotkey_mac
from desktop.system.hotkey_keys import HotkeyError, HotkeyTakenError, parse

NO_ERR = 0
EVENT_HOT_KEY_EXISTS = -9878  # eventHotKeyExistsErr
K_EVENT_HOT_KEY_PRESSED = 5


class CarbonFunction:
    """A C function: ctypes' argtypes/restype are set on it, calls go to `body`."""

    def __init__(self, body: Callable[..., Any]) -> None:
        self.body = body
        self.argtypes: list[Any] = []
        self.restype: Any = None

    def __call__(self, *args: Any) -> Any:
        return self.body(*args)


def out(reference: Any, value: int) -> None:
    """Write through a byref() out parameter, as the C function would."""
    reference._obj.value = value


class FakeCarbon:
    def __init__(self) -> None:
        self.taken: set[tuple[int, int]] = set()  # held by other applications
        self.registered: dict[int, tuple[int, int, int]] = {}
        self.handlers: dict[int, Any] = {}
        self.spec: tuple[int, int] | None = None
        self._next = 100
        self.GetApplicationEventTarget = CarbonFunction(lambda: 0xA11)
        self.InstallEventHandler = CarbonFunction(self._install)
        self.RemoveEventHandler = CarbonFunction(self._remove)
        self.RegisterEventHotKey = CarbonFunction(self._register)
        self.UnregisterEventHotKey = CarbonFunction(self._unregister)

    def _ref(self) -> int:
        self._next += 1
        return self._next

    def _install(
        self, target: int, callback: Any, count: int, spec: Any, data: Any, ref: Any
    ) -> int:
        assert target == 0xA11 and count == 1
        self.spec = (spec._obj.eventClass, spec._obj.eventKind)
        handler = self._ref()
        self.handlers[handler] = callback
        out(ref, handler)
        return NO_ERR

    def _remove(self, handler: Any) -> int:
        del self.handlers[handler.value]
        return NO_ERR

    def _register(
        self, code: int, mods: int, hotkey_id: Any, target: int, opts: int, ref: Any
    ) -> int:
        if (code, mods) in self.taken:
            return EVENT_HOT_KEY_EXISTS
        hotkey = self._ref()
        self.registered[hotkey] = (code, mods, hotkey_id.signature)
        out(ref, hotkey)
        return NO_ERR

    def _unregister(self, hotkey: Any) -> int:
        del self.registered[hotkey.value]
        return NO_ERR

    def press(self) -> int:
        """The hot key is pressed: Carbon calls every installed handler."""
        return int(next(iter(self.handlers.values()))(None, 0xE0E, None))


@pytest.fixture
def carbon(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ModuleType, FakeCarbon]]:
    fake = FakeCarbon()
    monkeypatch.setattr(sys, "platform", "darwin")
    module = importlib.reload(hotkey_mac)
    monkeypatch.setattr(
        ctypes, "CDLL", lambda path, *a, **k: fake if path == module.CARBON else None
    )
    yield module, fake
    monkeypatch.undo()
    importlib.reload(hotkey_mac)


def test_the_shortcut_is_registered_pressed_and_released(
    carbon: tuple[ModuleType, FakeCarbon],
) -> None:
    module, fake = carbon
    presses: list[bool] = []
    hotkey = module.MacHotkey(lambda: presses.append(True))
    assert fake.spec == (int.from_bytes(b"keyb", "big"), K_EVENT_HOT_KEY_PRESSED)
    shortcut = parse("Ctrl+Alt+A")
    assert hotkey.grab(shortcut).exception() is None
    ((code, mods, signature),) = fake.registered.values()
    assert (code, mods) == shortcut.mac() and signature == int.from_bytes(b"AgAs", "big")
    assert fake.press() == NO_ERR and presses == [True]
    hotkey.grab(parse("Ctrl+Alt+B"))  # a new combination replaces the old one
    assert [entry[:2] for entry in fake.registered.values()] == [parse("Ctrl+Alt+B").mac()]
    hotkey.close()
    assert not fake.registered and not fake.handlers


def test_a_combination_another_app_holds_is_reported_as_taken(
    carbon: tuple[ModuleType, FakeCarbon],
) -> None:
    module, fake = carbon
    fake.taken.add(parse("Ctrl+Alt+A").mac())
    error = module.MacHotkey(lambda: None).grab(parse("Ctrl+Alt+A")).exception()
    assert isinstance(error, HotkeyTakenError)
    assert str(error) == "Ctrl+Alt+A is taken by another application; choose another in Settings."


def test_a_key_macs_lack_is_a_message_not_an_exception(
    carbon: tuple[ModuleType, FakeCarbon],
) -> None:
    """F24 has no Mac key code: grab() settles with the reason instead of raising."""
    module, fake = carbon
    error = module.MacHotkey(lambda: None).grab(parse("Ctrl+F24")).exception()
    assert isinstance(error, HotkeyError) and "no key on a Mac keyboard" in str(error)
    assert not fake.registered


def test_without_carbon_the_shortcut_is_unavailable(
    carbon: tuple[ModuleType, FakeCarbon], monkeypatch: pytest.MonkeyPatch
) -> None:
    module, _fake = carbon

    def missing(path: str, *args: object, **kwargs: object) -> None:
        raise OSError(f"dlopen({path}): image not found")

    monkeypatch.setattr(ctypes, "CDLL", missing)
    with pytest.raises(hotkey_keys.HotkeyUnavailableError, match="Carbon could not be loaded"):
        module.MacHotkey(lambda: None)
