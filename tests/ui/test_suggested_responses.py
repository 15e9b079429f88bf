"""The library window's Suggested responses (issue 23, part 3) on real parts: the real manager
window and its widgets, real SQLite, real word vectors, history files written here; only the
platform's file chooser is answered."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop.importers.replies import Answer, read_answers
from desktop.placeholders import names
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.examples import ExampleStore
from desktop.store.library import Library, open_library
from desktop.ui.manager import CannedManager
from desktop.ui.manager.mine_worker import THREAD_NAME
from desktop.ui.manager.suggestions import SuggestionsDialog
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
# (customer, order, date, agent): what one customer's reply has alone.
CUSTOMERS = [
    ("Jane Doe", "48213", "12 March 2024", "Sam"),
    ("Omar Haddad", "51907", "3 April 2024", "Chloe"),
    ("Priya Nair", "60442", "28 May 2024", "Sam"),
    ("Lukas Weber", "73318", "9 June 2024", "Ines"),
    ("Mei Chen", "80125", "17 July 2024", "Chloe"),
]


def _shipped(name: str, order: str, date: str, agent: str) -> dict[str, object]:
    first = name.split()[0]
    return {
        "conversation": [
            {"role": "customer", "text": f"Hi, where is my order #{order}? Thanks, {first}"}
        ],
        "reply": (
            f"Hi {first},\n\nThanks for your patience. Your order {order} left our warehouse on "
            f"{date} and should reach you within 3 working days; the courier's site shows "
            f"every step.\n\nKind regards,\n{agent}"
        ),
    }


def _refund(name: str, order: str, index: int) -> dict[str, object]:
    first = name.split()[0]
    return {
        "conversation": [
            {"role": "customer", "text": f"I returned the kettle from order {order}. Refund?"}
        ],
        "reply": (
            f"Hello {first}, I'm sorry for the wait. Your refund of ${20 + index}.50 for order "
            f"{order} was approved today; banks take 5 to 10 days to show it on your statement."
        ),
    }


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """Ten conversations: five "where is my order" and five refund replies, written by hand."""
    rows = [_shipped(*c) for c in CUSTOMERS]
    rows += [_refund(c[0], c[1], i) for i, c in enumerate(CUSTOMERS)]
    path = tmp_path / "past-replies.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def library(app_home: Path) -> Iterator[CannedRepository]:
    opened = open_library()  # first: it seeds the library
    yield opened.repo
    opened.close()


def _worker_library() -> Library:
    return open_library(seed=False)


@pytest.fixture
def manager(qtbot: QtBot, library: CannedRepository) -> Iterator[CannedManager]:
    window = CannedManager(_worker_library)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.pane.model.rowCount() == library.count(), timeout=30_000)
    yield window
    window.shutdown()


def _choose(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_args, **_kw: (str(path), ""))
    )


def _open(qtbot: QtBot, manager: CannedManager) -> SuggestionsDialog:
    """Ctrl+Shift+M in the library window opens the view."""
    manager.activateWindow()
    qtbot.keyClick(manager, Qt.Key.Key_M, CTRL | SHIFT)
    dialog = manager.suggestions
    assert dialog is not None and dialog.isVisible()
    return dialog


def _mine(
    qtbot: QtBot, manager: CannedManager, monkeypatch: pytest.MonkeyPatch, path: Path
) -> SuggestionsDialog:
    dialog = _open(qtbot, manager)
    _choose(monkeypatch, path)
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.busy.isVisible() and not dialog.choose_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.runner.mining, timeout=60_000)
    return dialog


def _select(dialog: SuggestionsDialog, word: str) -> int:
    """Make the proposal whose body says `word` current; its row."""
    row = next(i for i, p in enumerate(dialog.proposals()) if word in p.body)
    dialog.list.setCurrentRow(row)
    return row


def _added(library: CannedRepository, before: list[CannedResponse]) -> list[CannedResponse]:
    known = {r.id for r in before}
    return [r for r in library.all() if r.id not in known]


def test_proposals_appear_after_mining_off_the_gui_thread(
    qtbot: QtBot,
    manager: CannedManager,
    library: CannedRepository,
    history: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = library.count()
    dialog = _mine(qtbot, manager, monkeypatch, history)
    assert dialog.list.count() == 2
    texts = [dialog.list.item(i).text() for i in range(2)]
    assert all("would have answered 5 conversations" in t for t in texts)
    assert any("{{order.id}}" in t for t in texts)  # the preview shows the placeholders
    assert "2 suggestions from past-replies.jsonl (10 replies" in dialog.message.text()
    assert not dialog.busy.isVisible() and dialog.choose_button.isEnabled()
    # The form shows the current proposal, its count and tags.
    assert dialog.title_edit.text() == dialog.proposals()[0].title
    assert dialog.answered_label.text() == "Would have answered 5 conversations"
    worker = dialog.runner.worker
    assert worker is not None and worker.ran_on == [THREAD_NAME]
    assert QThread.currentThread().objectName() != THREAD_NAME
    assert library.count() == before  # mining adds nothing


def test_accept_adds_one_response_with_placeholders_and_its_examples(
    qtbot: QtBot,
    manager: CannedManager,
    library: CannedRepository,
    history: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = library.all()
    dialog = _mine(qtbot, manager, monkeypatch, history)
    _select(dialog, "warehouse")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=60_000)
    (added,) = _added(library, before)
    assert {"customer.first_name", "order.id", "input.date", "agent.name"} <= set(names(added.body))
    for name, order, date, agent in CUSTOMERS:
        for value in (*name.split(), order, date, agent):
            assert value not in added.body and value not in added.title
    assert added.source == "mined"
    assert ExampleStore(library.db).counts()[added.id or 0] == (5, 0)
    assert "Added “" in dialog.message.text() and "5 conversations" in dialog.message.text()
    assert "warehouse" not in dialog.proposals()[0].body  # the refund one is left
    # The library window lists it at once.
    qtbot.waitUntil(lambda: manager.pane.model.rowCount() == len(before) + 1, timeout=10_000)
    worker = dialog.runner.worker
    assert worker is not None and worker.ran_on == [THREAD_NAME, THREAD_NAME]


def test_edited_text_is_what_is_added(
    qtbot: QtBot,
    manager: CannedManager,
    library: CannedRepository,
    history: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = library.all()
    dialog = _mine(qtbot, manager, monkeypatch, history)
    _select(dialog, "refund")
    dialog.title_edit.selectAll()
    qtbot.keyClicks(dialog.title_edit, "Refund approved")
    body = "Hello {{customer.first_name}}, your refund for order {{order.id}} is on its way."
    dialog.body_edit.setFocus()
    dialog.body_edit.selectAll()
    qtbot.keyClicks(dialog.body_edit, body)
    # Edits stay with their proposal while another one is looked at.
    _select(dialog, "warehouse")
    row = _select(dialog, "on its way")
    assert dialog.title_edit.text() == "Refund approved"
    assert "Refund approved" in dialog.list.item(row).text()
    qtbot.keyClick(dialog.body_edit, Qt.Key.Key_Return, CTRL)  # Ctrl+Return accepts
    # Told once its examples are learned too.
    qtbot.waitUntil(lambda: "Added “" in dialog.message.text(), timeout=60_000)
    (added,) = _added(library, before)
    assert added.title == "Refund approved" and added.body == body
    assert ExampleStore(library.db).counts()[added.id or 0] == (5, 0)


def test_an_emptied_title_is_refused_and_nothing_added(
    qtbot: QtBot,
    manager: CannedManager,
    library: CannedRepository,
    history: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = library.count()
    dialog = _mine(qtbot, manager, monkeypatch, history)
    dialog.title_edit.clear()
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert "needs a title and a body" in dialog.message.text()
    assert not dialog.runner.accepting and dialog.list.count() == 2
    assert library.count() == before


def test_reject_removes_the_proposal_and_adds_nothing(
    qtbot: QtBot,
    manager: CannedManager,
    library: CannedRepository,
    history: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = library.count()
    dialog = _mine(qtbot, manager, monkeypatch, history)
    title = dialog.proposals()[0].title
    qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    assert dialog.list.count() == 1 and dialog.proposals()[0].title != title
    assert dialog.message.text() == f"Rejected “{title}”: nothing was added."
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Delete)  # Del on the list rejects too
    assert dialog.list.count() == 0 and not dialog.accept_button.isEnabled()
    assert not dialog.runner.accepting
    assert library.count() == before


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("{not json", "line 1: not valid JSON"),
        (json.dumps({"conversation": "hi there"}) + "\n", "record 1: needs a conversation"),
        ("subject,body\nhi,there\n", "conversation column and a reply column"),
        ("", "is empty"),
    ],
)
def test_a_malformed_file_is_one_message_and_nothing_is_added(
    qtbot: QtBot,
    manager: CannedManager,
    library: CannedRepository,
    history: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: str,
    said: str,
) -> None:
    before = library.count()
    suffix = ".csv" if content.startswith("subject") else ".jsonl"
    bad = tmp_path / f"broken{suffix}"
    bad.write_text(content, encoding="utf-8")
    dialog = _mine(qtbot, manager, monkeypatch, bad)
    text = dialog.message.text()
    assert text.startswith(f"Could not read broken{suffix}") and said in text
    assert "Nothing was added." in text and "#b00020" in dialog.message.styleSheet()
    assert dialog.list.count() == 0 and not dialog.accept_button.isEnabled()
    assert library.count() == before
    # The view is free for a good file afterwards.
    _choose(monkeypatch, history)
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=60_000)
    assert dialog.message.styleSheet() == ""


def test_cancel_frees_the_view_and_drops_the_result(
    qtbot: QtBot,
    manager: CannedManager,
    library: CannedRepository,
    history: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = library.count()
    dialog = _open(qtbot, manager)
    dialog.mine(str(history))
    assert dialog.cancel_button.isVisible()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.busy.isVisible() and dialog.choose_button.isEnabled()
    assert "nothing was proposed or added" in dialog.message.text()
    # A file mined next answers after the cancelled one did: its result was dropped.
    bad = tmp_path / "broken.jsonl"
    bad.write_text("{not json", encoding="utf-8")
    dialog.mine(str(bad))
    qtbot.waitUntil(lambda: "Could not read" in dialog.message.text(), timeout=60_000)
    worker = dialog.runner.worker
    assert worker is not None and worker.ran_on == [THREAD_NAME, THREAD_NAME]
    assert dialog.list.count() == 0 and library.count() == before


def test_cancel_stops_the_mining_itself(
    qtbot: QtBot,
    manager: CannedManager,
    history: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The worker is held after reading the file until Cancel is pressed, so the run is
    # surely still going when it is cancelled (the mining itself is real).
    pressed = threading.Event()

    def held(path: Path) -> list[Answer]:
        answers = read_answers(path)
        pressed.wait(30)
        return answers

    monkeypatch.setattr("desktop.ui.manager.mine_worker.read_answers", held)
    dialog = _open(qtbot, manager)
    dialog.mine(str(history))
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    pressed.set()
    worker = dialog.runner.worker
    assert worker is not None
    qtbot.waitUntil(lambda: worker.cancelled == [1], timeout=30_000)
    assert dialog.list.count() == 0


def test_keyboard_reaches_everything_and_widgets_have_names(
    qtbot: QtBot,
    manager: CannedManager,
    library: CannedRepository,
    history: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = library.count()
    dialog = _open(qtbot, manager)
    qtbot.waitUntil(dialog.isActiveWindow, timeout=10_000)  # its shortcuts are the window's
    _choose(monkeypatch, history)
    qtbot.keyClick(dialog, Qt.Key.Key_O, CTRL)  # Ctrl+O: choose a history file
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=60_000)
    alt = Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(dialog, Qt.Key.Key_T, alt)  # Alt+T: the title (its label's buddy)
    assert dialog.focusWidget() is dialog.title_edit
    # Tab goes on to the body, then to Accept and Reject, not into the text as a tab.
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.body_edit
    qtbot.keyClick(dialog.body_edit, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.accept_button
    qtbot.keyClick(dialog, Qt.Key.Key_R, alt)  # Alt+R: reject (a button's animated click)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=5_000)
    qtbot.keyClick(dialog, Qt.Key.Key_P, alt)  # Alt+P: the proposals
    assert dialog.focusWidget() is dialog.list
    for widget in (dialog.list, dialog.title_edit, dialog.body_edit, dialog.busy):
        assert widget.accessibleName()
    assert library.count() == before
