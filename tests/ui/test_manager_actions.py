"""The library window marks responses that state an action as done (issue 20), on real parts:
the seeded SQLite library, the manager's worker thread and real widgets."""

from collections.abc import Iterator
from dataclasses import replace
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
    opened = open_library()  # seeds the 49 samples
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
    assert len(marked) == 6  # of the 49 samples
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


# --- the samples (issue 20 part 7) --------------------------------------------------------------

REALISTIC = Path(__file__).resolve().parents[2] / "resources" / "eval" / "realistic"


def test_the_first_import_into_the_samples_offers_to_remove_them(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository
) -> None:
    assert library.count() == 49
    with qtbot.waitSignal(manager.library_changed, timeout=30_000):
        manager.import_file(str(REALISTIC / "library.json"))
    bar = manager.samples_bar
    qtbot.waitUntil(bar.isVisible, timeout=10_000)
    assert "Remove the 49 sample responses?" in bar.label.text()
    assert library.count() == 49 + 64  # the import was not held up by the question
    with qtbot.waitSignal(manager.library_changed, timeout=30_000):
        qtbot.mouseClick(bar.remove_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    assert library.count() == 64
    assert {r.source for r in library.all()} == {""}
    qtbot.waitUntil(lambda: manager.pane.model.rowCount() == 64, timeout=10_000)
    # one undoable delete
    with qtbot.waitSignal(manager.library_changed, timeout=30_000):
        manager.undo_action.trigger()
    assert library.count() == 49 + 64
    # asked once per window: a second import does not ask again
    with qtbot.waitSignal(manager.library_changed, timeout=30_000):
        manager.import_file(str(REALISTIC / "library.json"))
    assert not bar.isVisible()


def test_a_library_that_is_not_only_samples_is_not_asked_about(
    qtbot: QtBot, library: CannedRepository
) -> None:
    first = library.all()[0]
    library.update(replace(first, body=first.body + " Sam"))  # now the agent's own
    window = CannedManager(worker_library)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.pane.model.rowCount() == 49, timeout=30_000)
    try:
        with qtbot.waitSignal(window.library_changed, timeout=30_000):
            window.import_file(str(REALISTIC / "library.json"))
        assert not window.samples_bar.isVisible()
    finally:
        window.shutdown()
