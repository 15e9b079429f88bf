"""The tray menu on the real window: show/hide, the last ready reply, quit."""

from desktop.settings import Settings
from desktop.ui.tray import NO_READY, Tray
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory

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
