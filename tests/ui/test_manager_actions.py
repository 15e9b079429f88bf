"""The library window marks responses that state an action as done (issue 20), on real parts:
the seeded SQLite library, the manager's worker thread and real widgets."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop.store.canned import CannedRepository
from desktop.store.library import Library, open_library
from desktop.ui.manager import CannedManager
from desktop.ui.manager.model import STATES_DONE_MARK
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

CONFIRMATION = "Subscription cancelled: confirmation"


def worker_library() -> Library:
    return open_library(seed=False)


@pytest.fixture
def library(app_home: Path) -> Iterator[CannedRepository]:
    opened = open_library()  # seeds the 48 samples
    yield opened.repo
    opened.close()


@pytest.fixture
def manager(qtbot: QtBot, library: CannedRepository) -> Iterator[CannedManager]:
    window = CannedManager(worker_library)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.pane.model.rowCount() == library.count(), timeout=30_000)
    yield window
    window.shutdown()


def shown_titles(manager: CannedManager) -> dict[str, str]:
    model = manager.pane.model
    return {
        response.title: model.index(row, 0).data() for row, response in enumerate(model.responses())
    }


def test_the_list_marks_only_the_responses_that_state_an_action_as_done(
    manager: CannedManager,
) -> None:
    marked = {t for t, shown in shown_titles(manager).items() if shown.endswith(STATES_DONE_MARK)}
    assert CONFIRMATION in marked
    assert "Order cancellation confirmed" in marked
    assert not {"Cancel my order", "Cancel subscription or membership"} & marked
    assert len(marked) == 6  # of the 48 samples
    model = manager.pane.model
    row = next(i for i, r in enumerate(model.responses()) if r.title == CONFIRMATION)
    tip = model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("States as done: cancelled the subscription.")


def test_the_editor_says_what_is_stated_as_done_and_follows_the_typing(
    qtbot: QtBot, manager: CannedManager
) -> None:
    model = manager.pane.model
    row = next(i for i, r in enumerate(model.responses()) if r.title == CONFIRMATION)
    rect = manager.pane.table.visualRect(model.index(row, 0))
    qtbot.mouseClick(manager.pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: manager.editor.base.title == CONFIRMATION, timeout=30_000)
    label = manager.editor.states_done_label
    assert label.isVisible()
    assert label.text() == (
        "States as done: cancelled the subscription. Offered only after you do it."
    )
    body = manager.editor.body_edit
    body.selectAll()
    qtbot.keyClicks(body, "You can cancel your subscription under Account > Billing.")
    assert not label.isVisible()
    body.selectAll()
    qtbot.keyClicks(body, "Your delivery address has been updated.")
    assert label.isVisible()
    assert label.text().startswith("States as done: updated the delivery address.")
