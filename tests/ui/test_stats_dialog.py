"""Help > Statistics: local feedback summed up on the search thread, shown in a dialog."""

from __future__ import annotations

from desktop.settings import Settings
from desktop.store.feedback import FeedbackEvent, FeedbackRepository
from desktop.store.library import open_library
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory


def test_statistics_show_acceptance_and_the_most_useful_responses(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(model_path="/nowhere/none.gguf"))  # canned-only is enough
    library = open_library()
    first = library.repo.search("refund", 1)[0]
    feedback = FeedbackRepository(library.repo.db)
    feedback.record(FeedbackEvent("ready_reply", "copied", "Hi", "Hi", (first.id or 0,)))
    feedback.record(
        FeedbackEvent("draft", "copied", "Hi", "Hi there", (first.id or 0,), first_token_s=0.2)
    )
    feedback.record(FeedbackEvent("draft", "discarded", "A draft"))
    library.close()

    window.show_stats()
    dialog = window.stats_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("Last 30 days"), timeout=10_000)
    assert "3 suggestions, 2 copied (67%), 1 of them sent as offered" in dialog.summary.text()
    assert "first model token 0.20 s" in dialog.summary.text()
    assert f"2 copied  {first.title}" in dialog.canned.text()
    assert "2/3" in dialog.days.text()
