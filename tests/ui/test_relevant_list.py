"""The canned list leads with the thread's reading, as the ready reply does (issue 20): the real
window, real SQLite with the realistic shop library, the real meaning model."""

from __future__ import annotations

from desktop.library import service
from desktop.settings import Settings
from desktop.store import ranking
from desktop.store.canned import CannedResponse
from desktop.store.library import open_library
from desktop.transcript import parse
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import EVAL
from tests.ui.conftest import WindowFactory

# The plain ranking of the whole chat puts the gift-card e-mail first ("gift card" twice);
# reading the thread, the first request is shipping to Zurich.
THREAD = """Hugo Bennett: hi, descaling done, thanks!
Owen (Larkfield): Brilliant. Anything else I can help with?
Hugo Bennett: yes actually, my friend wants one too but she lives in Zurich, can you send there? and can she pay with a gift card?
"""  # noqa: E501


def _shown(window_list: object) -> list[CannedResponse]:
    return [
        window_list.item(i).data(Qt.ItemDataRole.UserRole)  # type: ignore[attr-defined]
        for i in range(window_list.count())  # type: ignore[attr-defined]
    ]


def test_the_list_leads_with_the_ready_reply(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    library = open_library()
    try:
        service.import_file(library.repo, EVAL / "realistic" / "library.json", "auto", True)
        plain = ranking.rank_for(library.repo, parse(THREAD), 5)
    finally:
        library.close()
    assert plain[0].title == "Gift card email not received"  # what the list showed before

    window.conversation.set_text(THREAD)
    ready = window.suggestion.ready
    qtbot.waitUntil(lambda: ready.isVisible() and ready.title.text() != "", timeout=30_000)
    qtbot.waitUntil(lambda: "most relevant" in window.canned.title.text(), timeout=30_000)
    shown = _shown(window.canned.list)
    assert "International shipping" in ready.title.text()
    assert shown[0].title == "International shipping"
    assert shown[1].title == "Gift cards - how to use and check balance"  # the second need
    assert len({c.id for c in shown}) == len(shown)  # each response once
