"""Library > Learn from past tickets in the real window: real SQLite, real files written here,
the real meaning model; only the platform's file chooser is answered (issue 23)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from desktop.library import service
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.store.examples import ExampleStore
from desktop.store.library import open_library
from desktop.ui.learn_import import THREAD_NAME
from desktop.ui.main_window import MainWindow
from PySide6.QtCore import Qt, QThread
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QPushButton, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory

PUBLIC_FORMATS = Path(__file__).resolve().parents[1] / "data" / "public_formats"
CONVERSATION = (
    "Customer: the courier left my parcel at the wrong address and a neighbour has it now"
)
# Past tickets worded as the conversation is: the meaning model counts only near-identical ones.
TAUGHT = (
    "Customer: the courier left my parcel at the wrong address, a neighbour has it",
    "Customer: courier left my parcel at the wrong address and my neighbour has it",
    "Customer: the courier left the parcel at a wrong address, the neighbour has it now",
)
UNKNOWN = ("Lost parcel insurance claim", "Courier compensation (old macro)")


def _choose(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The agent picks `path` in the file chooser."""
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_args, **_kw: (str(path), ""))
    )


def _learn_action(window: MainWindow) -> QAction:
    library_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Library")
    assert isinstance(library_menu, QMenu)
    return next(a for a in library_menu.actions() if "Learn from past tickets" in a.text())


def _shown(window: MainWindow) -> list[CannedResponse]:
    return [
        window.canned.list.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(window.canned.list.count())
    ]


def _ranked(qtbot: QtBot, window: MainWindow) -> list[CannedResponse]:
    qtbot.waitUntil(lambda: "most relevant" in window.canned.title.text(), timeout=30_000)
    return _shown(window)


def _examples() -> int:
    library = open_library()
    try:
        return int(ExampleStore(library.repo.db).stats()["examples"])
    finally:
        library.close()


def test_learning_from_a_csv_off_the_gui_thread_reranks_the_conversation(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    window.conversation.set_text(CONVERSATION)
    before = _ranked(qtbot, window)
    target = before[3]  # a sensible response, not the one the ranking put first
    assert before[0].id != target.id
    path = tmp_path / "past-tickets.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["conversation", "canned"])
        writer.writerows((text, target.title) for text in TAUGHT)
        writer.writerows((f"Customer: question {n}", title) for n, title in enumerate(UNKNOWN))
    _choose(monkeypatch, path)
    action = _learn_action(window)
    assert action.text() == "&Learn from past tickets…"  # Alt+L, then L

    action.trigger()
    controller = window.learn_import
    progress = controller.progress
    assert controller.busy and progress is not None  # the trigger did not wait for the import
    assert progress.isVisible() and "past-tickets.csv" in progress.labelText()
    qtbot.waitUntil(lambda: controller.result_dialog is not None, timeout=30_000)
    assert controller.worker is not None
    assert controller.worker.ran_on == THREAD_NAME
    assert QThread.currentThread().objectName() != THREAD_NAME
    assert (controller.busy, controller.progress) == (False, None)

    dialog = controller.result_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.headline.text() == "Learned 3 examples from 5 conversations in past-tickets.csv."
    row = dialog.responses.topLevelItem(0)
    assert isinstance(row, QTreeWidgetItem) and (row.text(0), row.text(1)) == (target.title, "3")
    assert dialog.unknown.isVisible()
    assert "2 conversations named 2 canned responses" in dialog.unknown.text()
    assert all(f"“{title}”" in dialog.unknown.text() for title in UNKNOWN)
    assert window.statusBar().currentMessage() == dialog.headline.text()
    dialog.grab().save("/tmp/learn-import-result.png")
    assert _examples() == 3

    # The shown conversation is ranked again at once, and so is the next one.
    qtbot.waitUntil(lambda: _shown(window)[0].id == target.id, timeout=30_000)
    dialog.accept()
    window.new_tab()
    window.conversation.set_text(CONVERSATION.replace("now", "since this morning"))
    qtbot.waitUntil(
        lambda: "most relevant" in window.canned.title.text() and _shown(window)[0].id == target.id,
        timeout=30_000,
    )


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        (
            "broken.jsonl",
            '{"conversation": "Customer: hi", "canned": \n{"x": 1}\n',
            "not valid JSON",
        ),
        ("tickets.csv", "subject,body\nhello,there\n", "must name a conversation column"),
    ],
)
def test_a_malformed_file_says_what_to_do_and_learns_nothing(
    qtbot: QtBot,
    make_window: WindowFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    text: str,
    reason: str,
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _choose(monkeypatch, path)
    _learn_action(window).trigger()
    controller = window.learn_import
    qtbot.waitUntil(lambda: controller.error_box is not None, timeout=30_000)
    box = controller.error_box
    assert box is not None and box.isVisible() and controller.result_dialog is None
    problem, what_to_do = box.text().split("\n\n")
    assert problem.startswith(f"Could not learn from {name}") and reason in problem
    assert problem.count(name) == 1
    assert what_to_do.startswith("Nothing was learned. Choose a CSV whose first row names")
    assert window.statusBar().currentMessage() == (
        f"Could not learn from {name}: nothing was learned."
    )
    assert _examples() == 0
    box.grab().save(f"/tmp/learn-import-error-{path.suffix[1:]}.png")


def _audit(audit_id: int, author: int, *events: dict[str, object]) -> dict[str, object]:
    """One ticket audit in the documented JSON format (Zendesk Ticket Audits API)."""
    return {
        "id": audit_id,
        "ticket_id": 47,
        "author_id": author,
        "created_at": f"2024-03-0{audit_id}T10:00:00Z",
        "via": {"channel": "web"},
        "metadata": {},
        "events": list(events),
    }


def test_a_zendesk_tickets_export_teaches_its_macros(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    library = open_library()
    try:
        service.import_file(
            library.repo, PUBLIC_FORMATS / "zendesk" / "go-zendesk-macro.json", "zendesk"
        )
        macro = next(r for r in library.repo.all() if r.source_id == "360111062754")
    finally:
        library.close()
    customer, agent = 35436, 1200
    comment = {"type": "Comment", "public": True, "attachments": []}
    ticket = {
        "id": 47,
        "requester_id": customer,
        "subject": "Forum link",
        "audits": [
            _audit(1, customer, {**comment, "id": 11, "author_id": customer,
                                 "body": "Is this a known issue? Where can I read about it?"}),
            _audit(2, agent,
                   {"id": 21, "type": "AgentMacroReference", "macro_id": 360111062754,
                    "macro_title": "Close and redirect (renamed)", "macro_deleted": False},
                   {**comment, "id": 22, "author_id": agent, "body": "Thanks for your request."}),
            _audit(3, agent,
                   {"id": 31, "type": "AgentMacroReference", "macro_id": 99,
                    "macro_title": "Refund policy", "macro_deleted": True}),
        ],
    }  # fmt: skip
    export = tmp_path / "tickets.json"
    export.write_text(json.dumps({"tickets": [ticket]}), encoding="utf-8")
    _choose(monkeypatch, export)
    _learn_action(window).trigger()
    controller = window.learn_import
    qtbot.waitUntil(lambda: controller.result_dialog is not None, timeout=30_000)
    dialog = controller.result_dialog
    assert dialog is not None
    assert dialog.headline.text() == "Learned 1 example from 2 conversations in tickets.json."
    row = dialog.responses.topLevelItem(0)
    assert isinstance(row, QTreeWidgetItem) and (row.text(0), row.text(1)) == (macro.title, "1")
    assert "“Refund policy”" in dialog.unknown.text()
    assert _examples() == 1


def test_cancelling_learns_nothing(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    title = _first_title()
    path = tmp_path / "history.jsonl"
    rows = (
        json.dumps({"conversation": f"where is my order {n}?", "canned": title})
        for n in range(5000)
    )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    _choose(monkeypatch, path)
    _learn_action(window).trigger()
    controller = window.learn_import
    progress = controller.progress
    assert progress is not None
    # The import of 5,000 conversations takes ~0.7 s: it is still running.
    qtbot.mouseClick(progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not controller.busy, timeout=30_000)
    assert controller.result_dialog is None and controller.error_box is None
    assert window.statusBar().currentMessage() == (
        "Learning from history.jsonl cancelled: nothing was learned."
    )
    assert _examples() == 0
    # The worker's thread serves the next import.
    _choose(monkeypatch, _one_row(tmp_path, title))
    _learn_action(window).trigger()
    qtbot.waitUntil(lambda: controller.result_dialog is not None, timeout=30_000)
    assert _examples() == 1


def _first_title() -> str:
    library = open_library()
    try:
        return library.repo.all()[0].title
    finally:
        library.close()


def _one_row(tmp_path: Path, title: str) -> Path:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"conversation": "where is my order?", "canned": title}) + "\n")
    return path
