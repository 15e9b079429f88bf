"""The whole loop with the keyboard alone, on the real window and the real default model.

Paste, generate, flip to another alternative, move to the draft, change a word, copy: key
events only, and the clipboard holds the edited reply. Tab leaves the conversation instead of
typing a tab; the focus order is the reading order; Esc closes every dialog and the library
window; the window's shortcuts work again as soon as a dialog closes; Help lists every key.
"""

from __future__ import annotations

from desktop.drafting.events import Finished
from desktop.drafting.session import EngineState
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.ui.keyboard import focusable, tab_stops
from desktop.ui.main_window import MainWindow
from desktop.ui.widgets.shortcuts_dialog import shortcut_rows
from desktop.ui.window_menus import add_action
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.news import of_kind

CTRL, SHIFT, ALT = (
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.AltModifier,
)
REPLY = "Your parcel is on its way."
ASKS_A_NAME = CannedResponse("Greeting", "Hi {{customer.first_name}}, thanks for writing.")
CONVERSATION = (
    "Customer: Hi, I ordered running shoes last week and the tracking hasn't moved.\n"
    "Agent: Sorry to hear that! Could you share your order number?\n"
    "Customer: It's 48213. When will my parcel arrive?"
)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(
    qtbot: QtBot, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key pressed where the keyboard is now (the focused widget, else the active window)."""
    target = focused() or QApplication.activeWindow()
    assert target is not None, "no widget has the keyboard"
    qtbot.keyClick(target, key, modifiers)


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def active(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)


def test_the_whole_loop_with_the_keyboard_only(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(Settings(max_tokens=48, alternatives=2, temperature=0.9))
    active(qtbot, window)
    qtbot.waitUntil(lambda: window.assist.state == EngineState.IDLE, timeout=60_000)
    editor = window.conversation.editor
    press(qtbot, Qt.Key.Key_1, ALT)  # Alt+1: the conversation
    assert focused() is editor

    QGuiApplication.clipboard().setText(CONVERSATION)
    press(qtbot, Qt.Key.Key_V, CTRL)
    assert editor.toPlainText() == CONVERSATION
    press(qtbot, Qt.Key.Key_Tab)  # Tab leaves the conversation: no tab character typed
    assert "\t" not in editor.toPlainText() and focused() is not editor
    press(qtbot, Qt.Key.Key_Tab, SHIFT)
    assert focused() is editor

    suggestion = window.suggestion
    # Two drafts (the alternative too) on shared CPUs.
    with qtbot.waitSignal(window.assist.news, timeout=240_000, check_params_cb=of_kind(Finished)):
        press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: suggestion.next_button.isVisible(), timeout=10_000)
    first = suggestion.draft.toPlainText()
    press(qtbot, Qt.Key.Key_Right, ALT)  # the next alternative
    assert suggestion.position.text().startswith("2/")
    assert suggestion.draft.toPlainText() != first

    # F6 goes pane by pane: from the conversation to the ready reply, then the draft.
    press(qtbot, Qt.Key.Key_F6)
    assert focused() is suggestion.ready.text
    press(qtbot, Qt.Key.Key_F6)
    assert focused() is suggestion.draft

    press(qtbot, Qt.Key.Key_Home, CTRL)
    press(qtbot, Qt.Key.Key_Right, CTRL | SHIFT)  # the first word, selected
    qtbot.keyClicks(suggestion.draft, "Hello ")
    edited = suggestion.draft.toPlainText()
    assert edited.startswith("Hello ") and edited != first

    QGuiApplication.clipboard().setText("before")
    press(qtbot, Qt.Key.Key_C, CTRL | SHIFT)
    if QGuiApplication.clipboard().text() != edited:  # a flagged sentence warns once
        assert suggestion.error.isVisible()
        press(qtbot, Qt.Key.Key_C, CTRL | SHIFT)
    assert QGuiApplication.clipboard().text() == edited


def test_tab_follows_the_reading_order(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(Settings())
    active(qtbot, window)
    window.conversation.set_text(CONVERSATION)
    ready = window.suggestion.ready
    qtbot.waitUntil(ready.isVisible, timeout=30_000)
    window.suggestion.draft.setPlainText("Your parcel is on its way.")
    qtbot.wait(50)
    expected = [w for w in window.focus_chain() if focusable(w)]
    stops = tab_stops(window.tabs.bar)
    assert stops[: len(expected) - 1] == expected[1:]  # after the tab bar, in reading order
    status = window.statusBar()
    assert [w for w in stops if w not in expected and not status.isAncestorOf(w)] == []
    suggestion, canned = window.suggestion, window.canned
    order = [
        window.conversation.editor,
        ready.copy_button,
        ready.text,
        suggestion.draft,
        suggestion.copy_button,
        canned.search,
        canned.list,
    ]
    assert all(w in expected for w in order)
    assert [expected.index(w) for w in order] == sorted(expected.index(w) for w in order)

    # Pressed for real: Tab and Shift+Tab walk that order, both ways.
    window.conversation.editor.setFocus()
    walked = []
    for _ in range(len(expected)):
        press(qtbot, Qt.Key.Key_Tab)
        walked.append(focused())
    start = expected.index(window.conversation.editor)
    assert walked[: len(expected) - start - 1] == expected[start + 1 :]
    press(qtbot, Qt.Key.Key_Tab, SHIFT)
    assert focused() is walked[-2]
    # Ctrl+Tab still switches conversation tabs, from inside an editor too.
    window.new_tab()
    window.tabs.show_index(0)
    window.conversation.editor.setFocus()
    press(qtbot, Qt.Key.Key_Tab, CTRL)
    assert window.tabs.bar.currentIndex() == 1


def test_esc_closes_every_dialog_and_the_shortcuts_work_after(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    active(qtbot, window)
    window.suggestion.draft.setPlainText(REPLY)
    window.suggestion.draft.setFocus()
    openers = {
        "history": (window.open_history, lambda: window.history_dialog),
        "settings": (window.open_settings, lambda: window.settings_dialog),
        "statistics": (window.show_stats, lambda: window.stats_dialog),
        "about": (window.show_about, lambda: window.about_box),
        "shortcuts": (window.show_shortcuts, lambda: window.shortcuts_dialog),
        "palette": (window.command_palette.open_palette, lambda: window.command_palette),
        "models": (window.choose_model, lambda: window.models.picker),
        "fill-in form": (lambda: window.filler.insert(ASKS_A_NAME), lambda: window.filler.form),
    }
    for name, (open_it, dialog_of) in openers.items():
        open_it()
        dialog = dialog_of()
        assert isinstance(dialog, QDialog), name
        qtbot.waitUntil(dialog.isVisible, timeout=5000)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
        press(qtbot, Qt.Key.Key_Escape)
        qtbot.waitUntil(dialog.isHidden, timeout=5000)
        # The keyboard is back in the window, where it was: Ctrl+Shift+C copies at once.
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        assert focused() is window.suggestion.draft, name
        window.suggestion.draft.setPlainText(REPLY)  # the form's Esc inserts the text as is
        QGuiApplication.clipboard().setText("before")
        press(qtbot, Qt.Key.Key_C, CTRL | SHIFT)
        assert QGuiApplication.clipboard().text() == REPLY, name

    for key, modifiers in (
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_W, CTRL),
    ):
        window.open_manager()
        manager = window.manager
        assert manager is not None
        manager.activateWindow()
        qtbot.waitUntil(manager.isActiveWindow, timeout=5000)
        press(qtbot, key, modifiers)
        qtbot.waitUntil(lambda: window.manager is None, timeout=10_000)


def test_help_lists_every_shortcut_from_the_actions(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    window.show_shortcuts()
    dialog = window.shortcuts_dialog
    assert dialog is not None
    table = dialog.table
    listed = {cell(table, row, 0): cell(table, row, 1) for row in range(table.rowCount())}
    keyed = [a for a in window.actions() if not a.shortcut().isEmpty()]
    assert len(listed) == len(keyed) >= 30
    native = QKeySequence.SequenceFormat.NativeText
    assert listed["Generate reply"] == ", ".join(
        QKeySequence(k).toString(native) for k in ("Ctrl+Return", "Ctrl+Enter")
    )
    for name in ("Go to suggested reply", "Next pane", "Copy reply", "Keyboard shortcuts"):
        assert name in listed
    # Generated, not written down: a new action shows up with its key.
    extra = add_action(window, "Made up for the test", "Ctrl+Alt+Y", lambda: None)
    assert ("Made up for the test", extra.shortcut().toString(native)) in shortcut_rows(
        window.actions()
    )


def test_the_focus_ring_shows_on_every_control_tab_reaches(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    active(qtbot, window)
    window.conversation.set_text(CONVERSATION)
    qtbot.waitUntil(window.suggestion.ready.isVisible, timeout=30_000)
    window.suggestion.draft.setPlainText(REPLY)
    qtbot.wait(50)
    unchanged = []
    stops = [w for w in window.focus_chain() if focusable(w)]
    assert len(stops) >= 15
    for widget in stops:
        window.setFocus()
        qtbot.wait(10)
        before = widget.grab().toImage()
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus, timeout=2000)
        qtbot.wait(10)
        if widget.grab().toImage() == before:
            unchanged.append(widget.accessibleName() or type(widget).__name__)
    assert unchanged == []


def test_a_dialog_that_moved_the_keyboard_keeps_it_there(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    active(qtbot, window)
    window.conversation.editor.setFocus()
    press(qtbot, Qt.Key.Key_K, CTRL)  # the palette, opened from the conversation
    palette = window.command_palette
    qtbot.waitUntil(palette.isVisible, timeout=5000)
    qtbot.keyClicks(palette.input, "refund")
    qtbot.waitUntil(lambda: palette.list.count() > 0, timeout=30_000)
    qtbot.keyClick(palette.input, Qt.Key.Key_Return)  # inserts into the draft, focuses it
    qtbot.waitUntil(palette.isHidden, timeout=5000)
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.wait(20)
    assert focused() is window.suggestion.draft and window.suggestion.draft.toPlainText()
