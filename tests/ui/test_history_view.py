"""History on the real window: conversations and copied drafts kept, searched, reopened."""

from desktop import paths
from desktop.settings import Settings
from desktop.store.db import open_database
from desktop.store.history import Conversation, History
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory

PASSWORD = "Customer: How do I reset my password? Mail me at sam@example.com"
PARCEL = "Customer: My parcel 48213 has not arrived. Where is it?"


def kept() -> list[Conversation]:
    """Newest first, each with its copied drafts, read on a connection of the test's own."""
    opened = open_database(paths.database_path())
    try:
        history = History(opened.db)
        return [c for r in history.recent() if (c := history.get(r.id)) is not None]
    finally:
        opened.db.close()


def test_conversations_are_kept_searched_and_reopened(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    window.conversation.set_text(PASSWORD)
    qtbot.waitUntil(lambda: len(kept()) == 1, timeout=30_000)
    window.conversation.clear_button.click()
    window.conversation.set_text(PARCEL)
    qtbot.waitUntil(lambda: len(kept()) == 2, timeout=30_000)
    assert "sam@example.com" not in kept()[1].text  # redacted

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=30_000)
    window.conversation.editor.setFocus()
    qtbot.keyClick(window.conversation.editor, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window.history_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=30_000)
    assert dialog.list.item(0).text().startswith("My parcel 48213")  # newest first

    qtbot.keyClicks(dialog.search, "passw")  # FTS5, the last word as a prefix
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=30_000)
    assert "reset my password" in dialog.preview.toPlainText()
    qtbot.mouseClick(dialog.reopen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "reset my password" in window.conversation.editor.toPlainText())
    assert window.history_dialog is None or not window.history_dialog.isVisible()

    # The reopened conversation grows in its own row: no third one.
    window.conversation.editor.appendPlainText("Agent: I sent you a reset link.")
    window.conversation.transcript()
    qtbot.waitUntil(lambda: "reset link" in kept()[0].text, timeout=30_000)
    assert len(kept()) == 2


def test_copied_drafts_are_kept_with_their_conversation(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    window.conversation.set_text(PARCEL)
    qtbot.waitUntil(lambda: len(kept()) == 1, timeout=30_000)
    window.suggestion.draft.setPlainText("Your parcel is with the courier and arrives Friday.")
    qtbot.mouseClick(window.suggestion.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text().startswith("Your parcel is with the courier")
    qtbot.waitUntil(lambda: bool(kept()[0].copies), timeout=30_000)
    copy = kept()[0].copies[0]
    assert copy.kind == "draft" and copy.text.endswith("arrives Friday.")

    window.open_history()
    dialog = window.history_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.search, "courier")  # found by what was copied
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=30_000)
    qtbot.keyClicks(dialog.search, "xyzzy")
    qtbot.waitUntil(lambda: dialog.list.count() == 0, timeout=30_000)
    assert not dialog.reopen_button.isEnabled()
