"""Shortcut text to each platform's grab arguments, and the messages for what cannot be one."""

import pytest
from desktop.system.hotkey_keys import (
    MOD_NOREPEAT,
    HotkeyTakenError,
    Shortcut,
    ShortcutError,
    parse,
)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Ctrl+Alt+A", "Ctrl+Alt+A"),
        ("alt+ctrl+a", "Ctrl+Alt+A"),
        (" Control + Option + a ", "Ctrl+Alt+A"),
        ("Meta+Shift+PgUp", "Shift+Meta+PageUp"),
        ("Super+Del", "Meta+Delete"),
        ("Ctrl+Shift+F12", "Ctrl+Shift+F12"),
        ("F13", "F13"),  # no typing path uses it: it may stand alone
        ("Win+Space", "Meta+Space"),
    ],
)
def test_parse_accepts_qt_text_and_common_names(text: str, canonical: str) -> None:
    assert parse(text).text() == canonical


def test_x11_keysym_and_mask() -> None:
    # XK_a (the key's own keysym, not XK_A), ControlMask | Mod1Mask.
    assert parse("Ctrl+Alt+A").x11() == (0x61, 0x04 | 0x08)
    assert parse("Ctrl+Shift+F1").x11() == (0xFFBE, 0x04 | 0x01)
    assert parse("Meta+7").x11() == (0x37, 0x40)  # Mod4Mask: Super


def test_windows_virtual_key_and_mod_flags() -> None:
    # VK 'A', MOD_CONTROL | MOD_ALT, and no repeats while held.
    assert parse("Ctrl+Alt+A").windows() == (0x41, 0x0002 | 0x0001 | MOD_NOREPEAT)
    assert parse("Shift+Meta+F24").windows() == (0x87, 0x0004 | 0x0008 | MOD_NOREPEAT)
    assert parse("Alt+PageDown").windows() == (0x22, 0x0001 | MOD_NOREPEAT)


def test_mac_key_code_and_carbon_modifiers() -> None:
    # kVK_ANSI_A, cmdKey | optionKey: "Ctrl" is Command on macOS, as in Qt.
    assert parse("Ctrl+Alt+A").mac() == (0x00, 0x0100 | 0x0800)
    assert parse("Meta+Space").mac() == (0x31, 0x1000)  # controlKey
    with pytest.raises(ShortcutError, match="no key on a Mac"):
        parse("Ctrl+F24").mac()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Type a shortcut"),
        ("A", "Add Ctrl, Alt or Meta to A"),
        ("Shift+B", "Add Ctrl, Alt or Meta to B"),
        ("F5", "Add Ctrl, Alt or Meta to F5"),  # a browser's reload
        ("Ctrl+Alt", "End the shortcut with a key"),
        ("Hyper+A", "'Hyper' is not a modifier"),
        ("Ctrl+Esc", "Escape cannot be a global shortcut"),
        ("Ctrl+Alt+é", "cannot be a global shortcut key"),
        ("Ctrl+A, Ctrl+B", "one key combination"),
    ],
)
def test_parse_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ShortcutError, match=message):
        parse(text)


def test_taken_message_names_the_shortcut_and_the_fix() -> None:
    shortcut = Shortcut(frozenset({"Ctrl", "Alt"}), "A")
    assert str(HotkeyTakenError(shortcut)) == (
        "Ctrl+Alt+A is taken by another application; choose another in Settings."
    )
