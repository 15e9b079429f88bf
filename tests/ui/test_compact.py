"""Compact mode on the real window: one key between the full window and the small panel."""

from desktop.settings import Settings
from desktop.ui.compact import COMPACT_SIZE
from desktop.ui.main_window import MainWindow
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory


def is_compact(window: MainWindow) -> bool:
    return window.compact_mode.compact


def press_compact_key(qtbot: QtBot, target: object) -> None:
    qtbot.keyClick(
        target,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )


def test_one_key_toggles_between_full_window_and_panel(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    window.resize(1200, 760)
    full_size = window.size()
    full_sizes = window.right_splitter.sizes()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=30_000)
    window.suggestion.draft.setFocus()

    press_compact_key(qtbot, window.suggestion.draft)  # from inside an editor too
    assert window.compact_mode.compact and window.compact_action.isChecked()
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.isVisible()  # re-shown after the flag change
    assert not window.conversation.isVisible() and not window.menuBar().isVisible()
    for widget in (
        window.suggestion,  # its ready reply box shows whenever there is a ready reply
        window.suggestion.draft,
        window.suggestion.copy_button,
    ):
        assert widget.isVisible()
    assert not window.canned.isVisible()  # a strip: ready reply, draft and Copy
    assert window.width() <= COMPACT_SIZE[0] + 20  # about 420 px: as asked, not 1026
    assert window.height() == COMPACT_SIZE[1]

    # Offscreen Qt cannot re-activate a window whose flags changed; the action is the key's.
    window.compact_action.trigger()
    assert not is_compact(window) and not window.compact_action.isChecked()
    assert not window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.conversation.isVisible() and window.menuBar().isVisible()
    assert window.size() == full_size
    assert window.right_splitter.sizes() == full_sizes


def test_compact_mode_comes_back_at_the_next_start(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    window.compact_mode.set_compact(True)
    window.close()  # saves the full layout, remembers compact
    again = make_window(Settings())
    again.compact_mode.restore()
    assert again.compact_mode.compact and not again.conversation.isVisible()


def test_send_behind_after_copy_only_when_something_was_copied(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    window.send_behind_action.setChecked(True)
    window.suggestion.draft.clear()
    QGuiApplication.clipboard().setText("before")
    qtbot.wait(int(1000 * 0.6))  # that clipboard change is not a Copy click's
    qtbot.mouseClick(window.suggestion.copy_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert QGuiApplication.clipboard().text() == "before"
    assert not window.isMinimized()  # nothing copied: the agent must see why

    window.suggestion.draft.setPlainText("Your parcel arrives on Friday.")
    qtbot.mouseClick(window.suggestion.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "Your parcel arrives on Friday."
    qtbot.waitUntil(window.isMinimized, timeout=2000)
    assert make_window(Settings()).compact_mode.send_behind  # the choice is kept
