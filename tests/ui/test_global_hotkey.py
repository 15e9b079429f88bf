"""The app's global shortcut on the real window: an X server of its own (Xvfb), real key presses
through XTEST, the real handover inbox; and what the app says where there is no shortcut."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop.settings import Settings
from desktop.system import autostart
from desktop.system.hotkey_keys import HotkeyUnavailableError, parse
from desktop.system.hotkey_x11 import X11Grabber
from desktop.ui import handover
from desktop.ui.global_hotkey import OFF, WAYLAND, GlobalHotkey, working, x11_backend
from desktop.ui.launch import follow_autostart, follow_hotkey, start_global_hotkey
from desktop.ui.widgets.settings_dialog import APPLIED_ON_SAVE, SettingsDialog
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.xserver import XK_ALT_L, XK_CONTROL_L, Keyboard, running_xvfb

CONVERSATION = (
    "Customer: Hi, I ordered running shoes last week and the tracking hasn't moved.\n"
    "Customer: It's order 48213. When will my parcel arrive?"
)
TAKEN = "Ctrl+Alt+A is taken by another application; choose another in Settings."


@pytest.fixture
def display() -> Iterator[str]:
    with running_xvfb() as name:
        yield name


def test_shortcut_pressed_anywhere_brings_the_clipboard_into_the_window(
    qtbot: QtBot, make_window: WindowFactory, display: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window = make_window(Settings())
    inbox = handover.HandoverInbox(window)
    hotkey = start_global_hotkey(
        window, inbox, Settings(), backend=lambda on_press: X11Grabber(on_press, display)
    )
    keyboard = Keyboard(display)
    try:
        qtbot.waitUntil(lambda: hotkey.registered, timeout=30_000)
        assert hotkey.status == working(parse("Ctrl+Alt+A"))
        assert "copy the messages first" in hotkey.status  # offscreen Qt: no selection
        window.open_settings()  # the dialog finds the window's hotkey and says what it does
        assert window.settings_dialog is not None
        assert window.settings_dialog.shortcut_status.text() == hotkey.status
        window.settings_dialog.reject()

        QGuiApplication.clipboard().setText(CONVERSATION)  # offscreen Qt has no selection
        window.hide()
        with qtbot.waitSignal(
            hotkey.activated, timeout=30_000, check_params_cb=lambda t: t == CONVERSATION
        ):
            keyboard.press(XK_CONTROL_L, XK_ALT_L, ord("a"))
        qtbot.waitUntil(window.isVisible, timeout=30_000)  # came forward
        assert window.conversation.editor.toPlainText() == CONVERSATION

        # Saved settings reach the hotkey: a new combination, then off.
        follow = follow_hotkey(hotkey, Settings())
        with qtbot.assertNotEmitted(hotkey.status_changed):
            follow(Settings(tone="formal"))  # another setting: the shortcut is left alone
        follow(Settings(global_shortcut="Ctrl+Alt+B"))
        qtbot.waitUntil(lambda: hotkey.status.startswith("Ctrl+Alt+B brings"), timeout=30_000)
        follow(Settings(global_shortcut_enabled=False))
        assert hotkey.status == OFF and not hotkey.registered

        # And the login entry follows start_at_login.
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        follow_autostart(window)(Settings(start_at_login=True))
        assert autostart.desktop_file().is_file()
        assert "will start minimised, at login" in window.statusBar().currentMessage()
        follow_autostart(window)(Settings(start_at_login=False))
        assert not autostart.desktop_file().exists()
    finally:
        hotkey.close()  # XUngrabKey before the X server goes
        keyboard.close()


def test_taken_shortcut_is_reported_and_another_one_works(qtbot: QtBot, display: str) -> None:
    holder = X11Grabber(lambda: None, display)  # "another application"
    owner = QWidget()
    qtbot.addWidget(owner)
    hotkey = GlobalHotkey(lambda on_press: X11Grabber(on_press, display), owner)
    try:
        holder.grab(parse("Ctrl+Alt+A")).result(30)
        with qtbot.waitSignal(hotkey.failed, timeout=30_000) as failed:
            hotkey.apply(True, "Ctrl+Alt+A")
        assert failed.args == [TAKEN]
        assert hotkey.status == TAKEN and not hotkey.registered
        hotkey.apply(True, "Ctrl+Alt+B")
        qtbot.waitUntil(lambda: hotkey.registered, timeout=30_000)

        dialog = SettingsDialog(Settings(global_shortcut="Ctrl+Alt+B"), owner)
        qtbot.addWidget(dialog)
        assert dialog.shortcut_status.text() == hotkey.status
        dialog.shortcut.setKeySequence(QKeySequence("Ctrl+Alt+C"))
        assert dialog.shortcut_status.text() == APPLIED_ON_SAVE
        assert dialog.edited().global_shortcut == "Ctrl+Alt+C"
    finally:
        hotkey.close()
        holder.close()


def test_without_x11_there_is_no_shortcut_and_the_status_says_how_to_bind_one(
    qtbot: QtBot,
) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    hotkey = GlobalHotkey(parent=owner)  # the platform's own choice: offscreen here
    assert not hotkey.available
    assert "agent-assist --from-selection" in hotkey.status
    assert "'offscreen'" in hotkey.status
    with qtbot.assertNotEmitted(hotkey.failed):
        hotkey.apply(True, "Ctrl+Alt+A")  # nothing to register with: no crash, no nagging
    assert "agent-assist --from-selection" in hotkey.status

    dialog = SettingsDialog(Settings(), owner)
    qtbot.addWidget(dialog)
    dialog.shortcut.setKeySequence(QKeySequence("Ctrl+Alt+B"))
    assert dialog.shortcut_status.text() == hotkey.status  # still: why there is none


@pytest.mark.parametrize(
    ("platform", "session"), [("wayland", ""), ("wayland-egl", ""), ("xcb", "wayland")]
)
def test_wayland_is_refused_with_the_command_to_bind(
    platform: str, session: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_SESSION_TYPE", session)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(HotkeyUnavailableError) as refused:
        x11_backend(platform)
    assert str(refused.value) == WAYLAND
    assert "bind `agent-assist --from-selection`" in WAYLAND


def test_x11_backend_on_an_x11_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert x11_backend("xcb") is X11Grabber


def test_settings_dialog_refuses_a_shortcut_that_cannot_be_one(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(), None)  # no running hotkey: says when it applies
    qtbot.addWidget(dialog)
    assert dialog.shortcut_enabled.isChecked() and dialog.shortcut_text() == "Ctrl+Alt+A"
    assert not dialog.start_at_login.isChecked()
    dialog.shortcut.setKeySequence(QKeySequence("A"))
    assert "Add Ctrl, Alt or Meta to A" in dialog.shortcut_status.text()
    assert not dialog.save_button.isEnabled()
    dialog.shortcut_enabled.setChecked(False)  # off: whatever is typed does not matter
    assert dialog.save_button.isEnabled()
    dialog.shortcut.clear()
    dialog.start_at_login.setChecked(True)
    edited = dialog.edited()
    assert not edited.global_shortcut_enabled
    assert edited.global_shortcut == "Ctrl+Alt+A"  # kept for when it is turned on again
    assert edited.start_at_login
