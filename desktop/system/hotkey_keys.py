"""Global shortcut text ("Ctrl+Alt+A") to what each platform's grab call wants. No Qt.

Names follow Qt's portable key-sequence text, so what a QKeySequenceEdit shows parses here,
and "Ctrl" means Command on macOS as it does in Qt ("Meta" is the Control key there).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

CTRL, ALT, SHIFT, META = "Ctrl", "Alt", "Shift", "Meta"
ORDER = (CTRL, ALT, SHIFT, META)
_MODIFIER_NAMES = {
    "ctrl": CTRL,
    "control": CTRL,
    "alt": ALT,
    "option": ALT,
    "shift": SHIFT,
    "meta": META,
    "super": META,
    "win": META,
}

# X11 masks (X.h), Windows MOD_* (winuser.h), Carbon modifiers (Events.h).
X11_MASKS = {SHIFT: 1 << 0, CTRL: 1 << 2, ALT: 1 << 3, META: 1 << 6}
WIN_MODS = {ALT: 0x0001, CTRL: 0x0002, SHIFT: 0x0004, META: 0x0008}
MOD_NOREPEAT = 0x4000  # holding the keys down sends WM_HOTKEY once
MAC_MODS = {CTRL: 1 << 8, SHIFT: 1 << 9, ALT: 1 << 11, META: 1 << 12}  # cmdKey .. controlKey


@dataclass(frozen=True)
class KeyCodes:
    """One key on each platform: X11 keysym, Windows virtual key, macOS virtual key code."""

    keysym: int
    vk: int
    mac: int | None  # None: no such key on a Mac keyboard


_MAC_LETTERS = {"A": 0x00, "S": 0x01, "D": 0x02, "F": 0x03, "H": 0x04, "G": 0x05, "Z": 0x06,
                "X": 0x07, "C": 0x08, "V": 0x09, "B": 0x0B, "Q": 0x0C, "W": 0x0D, "E": 0x0E,
                "R": 0x0F, "Y": 0x10, "T": 0x11, "O": 0x1F, "U": 0x20, "I": 0x22, "P": 0x23,
                "L": 0x25, "J": 0x26, "K": 0x28, "N": 0x2D, "M": 0x2E}  # fmt: skip
_MAC_DIGITS = {"1": 0x12, "2": 0x13, "3": 0x14, "4": 0x15, "6": 0x16, "5": 0x17, "9": 0x19,
               "7": 0x1A, "8": 0x1C, "0": 0x1D}  # fmt: skip
_MAC_F = (0x7A, 0x78, 0x63, 0x76, 0x60, 0x61, 0x62, 0x64, 0x65, 0x6D, 0x67, 0x6F,
          0x69, 0x6B, 0x71, 0x6A, 0x40, 0x4F, 0x50, 0x5A)  # fmt: skip  # F1..F20


def _table() -> dict[str, KeyCodes]:
    keys: dict[str, KeyCodes] = {}
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        # The lowercase keysym is the key's own; Shift is a modifier of the grab, not the key.
        keys[letter] = KeyCodes(ord(letter.lower()), ord(letter), _MAC_LETTERS[letter])
    for digit in "0123456789":
        keys[digit] = KeyCodes(ord(digit), ord(digit), _MAC_DIGITS[digit])
    for n in range(1, 25):
        mac = _MAC_F[n - 1] if n <= len(_MAC_F) else None
        keys[f"F{n}"] = KeyCodes(0xFFBE + n - 1, 0x70 + n - 1, mac)
    named = {
        "Space": (0x0020, 0x20, 0x31),
        "Return": (0xFF0D, 0x0D, 0x24),
        "Tab": (0xFF09, 0x09, 0x30),
        "Backspace": (0xFF08, 0x08, 0x33),
        "Insert": (0xFF63, 0x2D, 0x72),
        "Delete": (0xFFFF, 0x2E, 0x75),
        "Home": (0xFF50, 0x24, 0x73),
        "End": (0xFF57, 0x23, 0x77),
        "PageUp": (0xFF55, 0x21, 0x74),
        "PageDown": (0xFF56, 0x22, 0x79),
        "Left": (0xFF51, 0x25, 0x7B),
        "Up": (0xFF52, 0x26, 0x7E),
        "Right": (0xFF53, 0x27, 0x7C),
        "Down": (0xFF54, 0x28, 0x7D),
        "Pause": (0xFF13, 0x13, None),
        "Print": (0xFF61, 0x2C, None),
    }
    for name, (keysym, vk, mac) in named.items():
        keys[name] = KeyCodes(keysym, vk, mac)
    return keys


KEYS = _table()
# F13-F24 are on no typing path (extra keys), so they may stand alone; F5 is a browser reload.
LONE_KEYS = frozenset(f"F{n}" for n in range(13, 25))
_ALIASES = {"pgup": "PageUp", "pgdown": "PageDown", "pgdn": "PageDown", "ins": "Insert",
            "del": "Delete", "enter": "Return", "esc": None, "escape": None}  # fmt: skip
_BY_LOWER = {name.lower(): name for name in KEYS}


class ShortcutError(ValueError):
    """The text is not a shortcut the app can register; the message says how to fix it."""


@dataclass(frozen=True)
class Shortcut:
    """Modifiers and one key, e.g. Ctrl+Alt+A."""

    modifiers: frozenset[str]
    key: str

    def text(self) -> str:
        return "+".join([m for m in ORDER if m in self.modifiers] + [self.key])

    def codes(self) -> KeyCodes:
        return KEYS[self.key]

    def x11(self) -> tuple[int, int]:
        """(keysym, modifier mask) for XGrabKey."""
        return self.codes().keysym, _sum(X11_MASKS, self.modifiers)

    def windows(self) -> tuple[int, int]:
        """(virtual key, MOD_* flags with MOD_NOREPEAT) for RegisterHotKey."""
        return self.codes().vk, _sum(WIN_MODS, self.modifiers) | MOD_NOREPEAT

    def mac(self) -> tuple[int, int]:
        """(virtual key code, Carbon modifiers) for RegisterEventHotKey."""
        code = self.codes().mac
        if code is None:
            raise ShortcutError(f"{self.key} has no key on a Mac keyboard; choose another key.")
        return code, _sum(MAC_MODS, self.modifiers)


def _sum(table: dict[str, int], modifiers: frozenset[str]) -> int:
    total = 0
    for modifier in modifiers:
        total |= table[modifier]
    return total


def parse(text: str) -> Shortcut:
    """Text such as "ctrl+alt+a" or "Alt+Ctrl+A" -> Shortcut; ShortcutError says what is wrong."""
    if "," in text:  # Qt's text for a sequence of several chords
        raise ShortcutError("A global shortcut is one key combination, e.g. Ctrl+Alt+A.")
    parts = [part.strip() for part in text.strip().split("+")]
    if not text.strip() or not parts[-1]:
        raise ShortcutError("Type a shortcut such as Ctrl+Alt+A.")
    modifiers: set[str] = set()
    for part in parts[:-1]:
        modifier = _MODIFIER_NAMES.get(part.lower())
        if modifier is None:
            raise ShortcutError(f"{part!r} is not a modifier; use Ctrl, Alt, Shift or Meta.")
        modifiers.add(modifier)
    lowered = parts[-1].lower()
    if lowered in _MODIFIER_NAMES:
        raise ShortcutError("End the shortcut with a key, e.g. Ctrl+Alt+A.")
    if lowered in _ALIASES and _ALIASES[lowered] is None:
        raise ShortcutError("Escape cannot be a global shortcut: it closes dialogs everywhere.")
    name = _ALIASES.get(lowered) or _BY_LOWER.get(lowered)
    if name is None:
        raise ShortcutError(
            f"{parts[-1]!r} cannot be a global shortcut key; use a letter, a digit, F1-F24, "
            "Space, Insert, Delete, Home, End, PageUp, PageDown or an arrow."
        )
    # A plain key or Shift+key would be stolen from every application's typing.
    if not modifiers - {SHIFT} and name not in LONE_KEYS:
        raise ShortcutError(f"Add Ctrl, Alt or Meta to {name}: alone it is needed for typing.")
    return Shortcut(frozenset(modifiers), name)


class HotkeyError(Exception):
    """The shortcut could not be registered; str() is the message for the agent."""


class HotkeyTakenError(HotkeyError):
    """Another application holds the combination."""

    def __init__(self, shortcut: Shortcut) -> None:
        super().__init__(
            f"{shortcut.text()} is taken by another application; choose another in Settings."
        )


class HotkeyUnavailableError(HotkeyError):
    """This desktop lets no application register a global shortcut."""


def settled(error: HotkeyError | None = None) -> Future[None]:
    """A registration that is already done (or already failed with `error`)."""
    future: Future[None] = Future()
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
    return future
