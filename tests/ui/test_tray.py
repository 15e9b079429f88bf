"""The tray menu on the real window: show/hide, the last ready reply, quit."""

from desktop.settings import Settings
from desktop.ui.tray import NO_READY, Tray
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory

PASSWORD = "Customer: I forgot my password and cannot log in. How do I reset it?"
CONVERSATION = (
    "Customer: Hi, I ordered running shoes last week and the tracking hasn't moved.\n"
    "Customer: It's order 48213. When will my parcel arrive?"
)


def test_tray_menu_follows_the_window_and_the_ready_reply(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    quits: list[bool] = []
    tray = Tray(window, lambda: quits.append(True))
    assert tray.ready_action.text() == NO_READY and not tray.ready_action.isEnabled()

    with qtbot.waitSignal(window.search.ranked, timeout=10_000):
        window.conversation.set_text(CONVERSATION)
    qtbot.waitUntil(tray.ready_action.isEnabled, timeout=30_000)
    title = window.suggestion.ready.title.text().lstrip("· ")
    assert title and tray.ready_action.text() == f"Copy ready reply: {title}"

    tray.toggle_action.trigger()
    assert not window.isVisible()
    tray.menu.aboutToShow.emit()
    assert tray.toggle_action.text() == "&Show window"
    tray.toggle_action.trigger()
    assert window.isVisible() and tray.toggle_action.text() == "&Hide window"

    tray.quit_action.trigger()
    assert quits == [True]


def test_tray_copies_other_tabs_ready_replies_and_takes_the_clipboard(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    tray = Tray(window, lambda: None)
    first = window.current_tab
    first.conversation.set_text(CONVERSATION)
    qtbot.waitUntil(lambda: first.drafts.session.ready is not None, timeout=30_000)
    ready = first.drafts.session.ready
    assert ready is not None
    QGuiApplication.clipboard().setText(PASSWORD)
    tray.clipboard_action.trigger()  # a new tab: the first one holds another conversation
    assert window.tabs.bar.count() == 2 and window.conversation.editor.toPlainText() == PASSWORD

    tray.menu.aboutToShow.emit()
    titles = [action.text() for action in tray.others_menu.actions()]
    assert titles == [f"{first.title()}: {ready.reply.canned.title}"]
    tray.others_menu.actions()[0].trigger()  # the first tab's ready reply, from the tray
    assert QGuiApplication.clipboard().text() == ready.reply.text
    assert window.current_tab is not first  # the agent stays where they were

    QGuiApplication.clipboard().setText("   ")
    tray.clipboard_action.trigger()
    assert window.tabs.bar.count() == 2 and "no text" in window.statusBar().currentMessage()
