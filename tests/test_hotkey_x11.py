"""The X11 grab on a real X server (Xvfb), pressed through XTEST like a real keyboard."""

import threading
from collections.abc import Iterator

import pytest
from desktop.system.hotkey_keys import HotkeyError, HotkeyTakenError, parse
from desktop.system.hotkey_x11 import X11Grabber

from tests.xserver import XK_ALT_L, XK_CAPS_LOCK, XK_CONTROL_L, XK_NUM_LOCK, Keyboard, running_xvfb

WAIT = 30.0
XK_A, XK_SHIFT_L = ord("a"), 0xFFE1


class Presses:
    """Counts on_press calls (made on the grabber's thread) and lets a test wait for one."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()

    def __call__(self) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def wait_for(self, count: int) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.count >= count, WAIT)
            return self.count


@pytest.fixture
def display() -> Iterator[str]:
    with running_xvfb() as name:
        yield name


@pytest.fixture
def keyboard(display: str) -> Iterator[Keyboard]:
    typing = Keyboard(display)
    yield typing
    typing.close()


def test_grab_fires_on_the_chord_whatever_caps_and_num_lock(
    display: str, keyboard: Keyboard
) -> None:
    presses = Presses()
    grabber = X11Grabber(presses, display)
    try:
        grabber.grab(parse("Ctrl+Alt+A")).result(WAIT)
        keyboard.press(XK_CONTROL_L, XK_ALT_L, XK_A)
        assert presses.wait_for(1) == 1
        keyboard.press(XK_CONTROL_L, XK_SHIFT_L, XK_ALT_L, XK_A)  # another combination
        keyboard.press(XK_CONTROL_L, XK_A)
        grabber.sync().result(WAIT)  # every event sent so far has been handled
        assert presses.count == 1
        keyboard.press(XK_CAPS_LOCK)  # CapsLock on: X adds LockMask to the state
        keyboard.press(XK_CONTROL_L, XK_ALT_L, XK_A)
        keyboard.press(XK_NUM_LOCK)  # and NumLock: Mod2Mask
        keyboard.press(XK_CONTROL_L, XK_ALT_L, XK_A)
        grabber.sync().result(WAIT)
        assert presses.count == 3
    finally:
        grabber.close()


def test_a_combination_held_by_another_client_is_taken(display: str) -> None:
    first = X11Grabber(lambda: None, display)
    second = X11Grabber(lambda: None, display)
    try:
        first.grab(parse("Ctrl+Alt+A")).result(WAIT)
        with pytest.raises(HotkeyTakenError) as taken:
            second.grab(parse("ctrl+alt+a")).result(WAIT)
        assert str(taken.value) == (
            "Ctrl+Alt+A is taken by another application; choose another in Settings."
        )
        second.grab(parse("Ctrl+Alt+B")).result(WAIT)  # the same client can still grab others
    finally:
        first.close()
        second.close()


def test_close_and_ungrab_release_the_combination(display: str) -> None:
    holder = X11Grabber(lambda: None, display)
    other = X11Grabber(lambda: None, display)
    try:
        holder.grab(parse("Ctrl+Alt+A")).result(WAIT)
        holder.ungrab().result(WAIT)
        other.grab(parse("Ctrl+Alt+A")).result(WAIT)  # free after XUngrabKey
        other.close()  # and free again once its holder shuts down
        holder.grab(parse("Ctrl+Alt+A")).result(WAIT)
    finally:
        holder.close()
        other.close()
    with pytest.raises(HotkeyError, match="shut down"):
        holder.grab(parse("Ctrl+Alt+A")).result(WAIT)


def test_a_new_grab_replaces_the_old_one(display: str, keyboard: Keyboard) -> None:
    presses = Presses()
    grabber = X11Grabber(presses, display)
    other = X11Grabber(lambda: None, display)
    try:
        grabber.grab(parse("Ctrl+Alt+A")).result(WAIT)
        grabber.grab(parse("Ctrl+Alt+B")).result(WAIT)
        other.grab(parse("Ctrl+Alt+A")).result(WAIT)  # released by the new grab
        keyboard.press(XK_CONTROL_L, XK_ALT_L, XK_A)  # the old combination: not ours now
        keyboard.press(XK_CONTROL_L, XK_ALT_L, ord("b"))
        grabber.sync().result(WAIT)
        assert presses.count == 1
    finally:
        grabber.close()
        other.close()
