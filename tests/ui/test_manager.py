"""The canned-response manager on real parts: real SQLite, real worker thread, real widgets."""

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from desktop.autosave import library_edit
from desktop.autosave.library_edit import EditAutosaveStore, EditSnapshot
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.library import Library, open_library
from desktop.ui.manager import CannedManager, transfer
from desktop.ui.manager.model import SortOrder
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from pytestqt.qtbot import QtBot

from tests.conftest import PUBLIC_FORMATS

ZENDESK = PUBLIC_FORMATS / "zendesk" / "zenpy-macros-list.json"
CHATWOOT = PUBLIC_FORMATS / "chatwoot" / "chatwoot-cli-golden-canned-responses-list.json"
CTRL = Qt.KeyboardModifier.ControlModifier


def worker_library() -> Library:
    return open_library(seed=False)


@pytest.fixture
def library(app_home: Path) -> Iterator[CannedRepository]:
    """A connection of the test's own, opened first so that it seeds the library."""
    opened = open_library()
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


def rows(manager: CannedManager) -> list[CannedResponse]:
    return manager.pane.model.responses()


def select_row(qtbot: QtBot, manager: CannedManager, row: int) -> CannedResponse:
    index = manager.pane.model.index(row, 0)
    rect = manager.pane.table.visualRect(index)
    qtbot.mouseClick(manager.pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    chosen = manager.pane.model.response_at(row)
    assert chosen is not None
    qtbot.waitUntil(lambda: manager.editor.base.id == chosen.id, timeout=30_000)
    return chosen


def status(manager: CannedManager) -> str:
    return manager.statusBar().currentMessage()


def set_text(qtbot: QtBot, line: object, text: str) -> None:
    line.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(line, text)


def wait_for(qtbot: QtBot, check: Callable[[], bool]) -> None:
    qtbot.waitUntil(check, timeout=10_000)


def test_create_with_shortcuts(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository
) -> None:
    before = library.count()
    qtbot.keyClick(manager, Qt.Key.Key_N, CTRL)
    assert manager.editor.base.id is None
    qtbot.keyClicks(manager.editor.title_edit, "Warranty claim")
    qtbot.keyClicks(manager.editor.shortcode_edit, "warranty-claim")
    qtbot.keyClicks(manager.editor.body_edit, "Hi {{customer.first_name}}, send a photo.")
    qtbot.keyClicks(manager.editor.tags_edit, "warranty, photo,  warranty")
    manager.editor.active_check.setChecked(False)
    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        qtbot.keyClick(manager, Qt.Key.Key_S, CTRL)
    assert library.count() == before + 1
    stored = manager.editor.base
    assert stored.id is not None and not manager.editor.is_dirty()
    assert library.get(stored.id) == replace(
        stored,
        title="Warranty claim",
        shortcode="warranty-claim",
        body="Hi {{customer.first_name}}, send a photo.",
        tags=("warranty", "photo"),
        active=False,
    )
    wait_for(qtbot, lambda: manager.pane.model.row_of(stored.id) >= 0)
    assert manager.pane.selected_ids() == [stored.id]
    assert "Saved" in status(manager)


def test_new_response_needs_title_and_body(qtbot: QtBot, manager: CannedManager) -> None:
    manager.new_response()
    qtbot.keyClicks(manager.editor.title_edit, "Only a title")
    manager.save()
    assert manager.editor.error_label.isVisible()
    assert "title and a body" in manager.editor.error_label.text()
    assert manager.editor.title_edit.text() == "Only a title"


def test_edit_save_and_auto_save_on_selection_change(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository
) -> None:
    first = select_row(qtbot, manager, 0)
    set_text(qtbot, manager.editor.title_edit, "Edited title")
    assert manager.editor.is_dirty() and manager.save_action.isEnabled()
    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        manager.save_action.trigger()
    assert first.id is not None
    edited = library.get(first.id)
    assert edited is not None and edited.title == "Edited title"
    assert edited.body == first.body and edited.shortcode == first.shortcode

    manager.editor.notes_edit.setPlainText("Only for EU customers")
    second_row = next(i for i, r in enumerate(rows(manager)) if r.id != first.id)
    second = select_row(qtbot, manager, second_row)  # switches only once the edit is stored
    noted = library.get(first.id)
    assert noted is not None and noted.notes == "Only for EU customers"
    assert "automatically" in status(manager)
    assert manager.editor.title_edit.text() == second.title


def test_shortcode_clash_shows_message_and_keeps_the_edits(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository
) -> None:
    first = select_row(qtbot, manager, 0)
    other = rows(manager)[1]
    set_text(qtbot, manager.editor.shortcode_edit, other.shortcode)
    manager.editor.body_edit.setPlainText("A body I do not want to lose")
    manager.save()
    wait_for(qtbot, manager.editor.error_label.isVisible)
    assert f"'{other.shortcode}' is already used" in manager.editor.error_label.text()
    assert manager.editor.body_edit.toPlainText() == "A body I do not want to lose"
    assert first.id is not None and library.get(first.id) == first

    # Moving away tries the auto-save, which fails the same way: the form stays on the edit.
    index = manager.pane.model.index(2, 0)
    qtbot.mouseClick(
        manager.pane.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=manager.pane.table.visualRect(index).center(),
    )
    wait_for(qtbot, lambda: manager.pane.selected_ids() == [first.id])
    assert manager.editor.base.id == first.id
    assert manager.editor.shortcode_edit.text() == other.shortcode
    assert manager.editor.body_edit.toPlainText() == "A body I do not want to lose"

    manager.revert()
    assert not manager.editor.is_dirty() and manager.editor.body_edit.toPlainText() == first.body


def test_duplicate(qtbot: QtBot, manager: CannedManager, library: CannedRepository) -> None:
    before = library.count()
    original = select_row(qtbot, manager, 3)
    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        qtbot.keyClick(manager.pane.table, Qt.Key.Key_D, CTRL)
    copy = manager.editor.base
    assert library.count() == before + 1
    assert copy.id is not None and copy.id != original.id
    assert copy.title == f"{original.title} (copy)"
    assert (copy.body, copy.tags, copy.category) == (
        original.body,
        original.tags,
        original.category,
    )
    assert copy.shortcode == "" and copy.usage_count == 0
    wait_for(qtbot, lambda: manager.pane.selected_ids() == [copy.id])


def test_delete_then_undo_restores_the_same_response(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository
) -> None:
    before = library.count()
    victim = select_row(qtbot, manager, 1)
    assert victim.id is not None
    library.record_use(victim.id)
    stored = library.get(victim.id)
    manager.pane.table.setFocus()
    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        qtbot.keyClick(manager.pane.table, Qt.Key.Key_Delete)
    assert library.count() == before - 1 and library.get(victim.id) is None
    wait_for(qtbot, lambda: manager.pane.model.row_of(victim.id) < 0)
    assert manager.undo_stack.canUndo()

    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        qtbot.keyClick(manager.pane.table, Qt.Key.Key_Z, CTRL)
    assert library.count() == before
    assert library.get(victim.id) == stored  # same id, same content, same usage
    wait_for(qtbot, lambda: manager.pane.model.row_of(victim.id) >= 0)
    assert library.search(victim.shortcode)[0].id == victim.id  # back in full-text search too

    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        manager.redo_action.trigger()
    assert library.get(victim.id) is None


def test_delete_several_then_undo(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository
) -> None:
    before = library.count()
    select_row(qtbot, manager, 0)
    index = manager.pane.model.index(2, 0)
    qtbot.mouseClick(
        manager.pane.table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        manager.pane.table.visualRect(index).center(),
    )
    assert len(manager.pane.selected_ids()) == 3
    picked = manager.pane.selected_ids()
    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        manager.delete_action.trigger()
    assert library.count() == before - len(picked)
    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        manager.undo_action.trigger()
    assert library.count() == before
    assert all(library.get(i) is not None for i in picked)


def test_sort_by_most_used_and_recent(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository
) -> None:
    listed = rows(manager)
    busiest, runner_up = listed[-1], listed[-2]
    assert busiest.id is not None and runner_up.id is not None
    for _ in range(3):
        library.record_use(busiest.id)
    library.record_use(runner_up.id)
    manager.pane.sort_combo.setCurrentIndex(manager.pane.sort_combo.findData(SortOrder.MOST_USED))
    wait_for(qtbot, lambda: [r.id for r in rows(manager)[:2]] == [busiest.id, runner_up.id])
    assert rows(manager)[0].usage_count == 3
    assert manager.pane.model.index(0, 4).data() == 3

    manager.pane.sort_combo.setCurrentIndex(manager.pane.sort_combo.findData(SortOrder.TITLE))
    titles = [r.title.casefold() for r in rows(manager)]
    wait_for(qtbot, lambda: [r.title.casefold() for r in rows(manager)] == sorted(titles))

    library.record_use(runner_up.id)  # now the most recent use
    manager.pane.sort_combo.setCurrentIndex(manager.pane.sort_combo.findData(SortOrder.RECENT))
    wait_for(qtbot, lambda: rows(manager)[0].id == runner_up.id)
    assert manager.pane.model.index(0, 5).data() != ""
    assert rows(manager)[2].last_used_at is None  # never-used ones come after the used ones


def test_filter_box_searches_the_library(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository
) -> None:
    total = library.count()
    qtbot.keyClicks(manager.pane.filter_edit, "passw")
    wait_for(qtbot, lambda: 0 < manager.pane.model.rowCount() < total)
    assert "Password" in rows(manager)[0].title
    manager.pane.filter_edit.clear()
    wait_for(qtbot, lambda: manager.pane.model.rowCount() == total)


def test_import_through_the_toolbar_runs_on_the_worker(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = library.count()
    monkeypatch.setattr(transfer, "ask_import_files", lambda _parent: [str(ZENDESK)])
    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        manager.import_action.trigger()
        assert "Importing" in manager.pane.banner.text()  # the GUI did not wait for it
    added = library.count() - before
    assert added > 0
    banner = manager.pane.banner.text()
    assert f"Imported {ZENDESK.name} (Zendesk macros): {added} added, 0 updated" in banner
    wait_for(qtbot, lambda: manager.pane.model.rowCount() == library.count())

    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        manager.import_file(str(ZENDESK), "zendesk")  # again: updates nothing, adds nothing
    assert library.count() == before + added
    assert "0 added, 0 updated" in manager.pane.banner.text()


def test_dropping_a_file_imports_it(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository
) -> None:
    before = library.count()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(CHATWOOT))])
    rest = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # Qt routes Drop events only during a real drag, so the handlers are called directly.
    enter = QDragEnterEvent(QPoint(20, 20), *rest)  # QPoint: the signature every 6.x accepts
    manager.dragEnterEvent(enter)
    assert enter.isAccepted()
    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        manager.dropEvent(QDropEvent(QPointF(20, 20), *rest))
    assert library.count() > before
    assert "Chatwoot" in manager.pane.banner.text()


def test_malformed_import_shows_the_error_and_changes_nothing(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository, tmp_path: Path
) -> None:
    before = [r.id for r in library.all()]
    bad = tmp_path / "broken.csv"
    bad.write_text("title,body\nFine,A good row\nBad,Row,with,extra cells\n", encoding="utf-8")
    changed: list[bool] = []
    manager.library_changed.connect(lambda: changed.append(True))
    manager.import_file(str(bad))
    wait_for(qtbot, lambda: "Could not import" in manager.pane.banner.text())
    banner = manager.pane.banner.text()
    assert "broken.csv, line 3" in banner and "Nothing was imported" in banner
    assert [r.id for r in library.all()] == before
    assert not changed


def test_export_round_trip(
    qtbot: QtBot,
    manager: CannedManager,
    library: CannedRepository,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = {r.id: r for r in library.all()}
    target = tmp_path / "library"  # no extension: the chosen filter decides
    monkeypatch.setattr(transfer, "ask_export_path", lambda _parent: (str(target), "CSV (*.csv)"))
    manager.export_action.trigger()
    wait_for(qtbot, lambda: "Exported" in manager.pane.banner.text())
    exported = tmp_path / "library.csv"
    assert f"Exported {len(original)} responses" in manager.pane.banner.text()
    assert exported.is_file()

    gone = select_row(qtbot, manager, 0)
    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        manager.delete_selected()
    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        manager.import_file(str(exported))
    assert "1 added" in manager.pane.banner.text()
    back = {r.title: r for r in library.all()}
    assert len(back) == len(original)
    restored = back[gone.title]
    assert replace(restored, id=gone.id) == original[gone.id]


def test_closing_auto_saves_and_stops_the_thread(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository
) -> None:
    first = select_row(qtbot, manager, 0)
    set_text(qtbot, manager.editor.title_edit, "Saved on close")
    manager.close()
    wait_for(qtbot, lambda: not manager.isVisible())
    assert first.id is not None
    saved = library.get(first.id)
    assert saved is not None and saved.title == "Saved on close"
    assert not manager.controller.working


def test_shutdown_saves_what_is_in_the_form(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository
) -> None:
    first = select_row(qtbot, manager, 0)
    set_text(qtbot, manager.editor.title_edit, "Saved at quit")
    manager.shutdown()  # e.g. on QApplication.aboutToQuit: it waits for the save
    assert first.id is not None
    saved = library.get(first.id)
    assert saved is not None and saved.title == "Saved at quit"


# --- autosave of the form: an edit in progress survives a crash ------------------------------
def kept_edit() -> EditSnapshot | None:
    """The form's file: what the open window's form holds unsaved."""
    return EditAutosaveStore(library_edit.default_path()).load()


def offered_edit() -> EditSnapshot | None:
    """What an unclean exit left, set aside while the window offers it back."""
    store = EditAutosaveStore(library_edit.default_path())
    return store.load(store.offered_path)


def test_typing_keeps_the_form_on_disk_until_it_is_saved_or_reverted(
    qtbot: QtBot, manager: CannedManager, library: CannedRepository
) -> None:
    first = select_row(qtbot, manager, 0)
    set_text(qtbot, manager.editor.title_edit, "Typed, not saved")
    wait_for(qtbot, lambda: kept_edit() is not None)
    kept = kept_edit()
    assert kept is not None
    assert kept.base == first and kept.edited.title == "Typed, not saved"
    assert kept.edited.body == first.body
    manager.revert_action.trigger()
    wait_for(qtbot, lambda: kept_edit() is None)  # a clean form leaves nothing to restore

    set_text(qtbot, manager.editor.body_edit, "A new body, saved this time.")
    wait_for(qtbot, lambda: kept_edit() is not None)
    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        qtbot.keyClick(manager, Qt.Key.Key_S, CTRL)
    wait_for(qtbot, lambda: kept_edit() is None)


def test_an_edit_left_by_a_crash_is_offered_back_and_restored(
    qtbot: QtBot, library: CannedRepository
) -> None:
    stored = library.all()[2]
    edited = replace(stored, title="Half-typed title", body="Half-typed body", tags=("x", "y"))
    EditAutosaveStore(library_edit.default_path()).save(EditSnapshot(stored, edited))

    window = CannedManager(worker_library)
    qtbot.addWidget(window)
    window.show()
    assert window.restore_bar.isVisible()
    assert "“Half-typed title”" in window.restore_bar.label.text()
    assert "Restore or Discard" in status(window)
    qtbot.mouseClick(window.restore_bar.restore_button, Qt.MouseButton.LeftButton)
    assert not window.restore_bar.isVisible()
    assert window.editor.base == stored
    assert window.editor.edited() == edited  # every field came back, unsaved
    assert window.editor.is_dirty() and window.save_action.isEnabled()
    assert status(window).startswith("Restored unsaved edits to “Half-typed title”")
    wait_for(qtbot, lambda: window.pane.selected_ids() == [stored.id])
    with qtbot.waitSignal(window.library_changed, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_S, CTRL)
    assert stored.id is not None
    saved = library.get(stored.id)
    assert saved is not None and (saved.title, saved.body) == (
        "Half-typed title",
        "Half-typed body",
    )
    window.close()
    wait_for(qtbot, lambda: not window.isVisible())
    assert kept_edit() is None and offered_edit() is None


def test_a_kept_new_response_can_be_discarded(qtbot: QtBot, library: CannedRepository) -> None:
    new = CannedResponse(title="Never saved", body="Typed into a new response")
    EditAutosaveStore(library_edit.default_path()).save(EditSnapshot(CannedResponse("", ""), new))
    window = CannedManager(worker_library)
    qtbot.addWidget(window)
    window.show()
    assert "“Never saved”" in window.restore_bar.label.text()
    wait_for(qtbot, lambda: window.pane.model.rowCount() == library.count())
    first = select_row(qtbot, window, 0)  # editing meanwhile keeps the offer, and the edit
    set_text(qtbot, window.editor.title_edit, "Typed while the offer waits")
    wait_for(qtbot, lambda: kept_edit() is not None)
    assert kept_edit() == EditSnapshot(first, window.editor.edited())
    assert offered_edit() == EditSnapshot(CannedResponse("", ""), new)
    assert window.restore_bar.isVisible()
    window.revert_action.trigger()
    qtbot.mouseClick(window.restore_bar.discard_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, lambda: offered_edit() is None and kept_edit() is None)
    assert status(window) == "Discarded the kept edits."
    assert "Never saved" not in {r.title for r in library.all()}
    window.shutdown()


def test_closing_with_an_edit_that_cannot_be_saved_keeps_it_for_next_time(
    qtbot: QtBot, manager: CannedManager
) -> None:
    qtbot.keyClick(manager, Qt.Key.Key_N, CTRL)
    qtbot.keyClicks(manager.editor.title_edit, "Only a title so far")
    manager.shutdown()  # nothing valid to save: the form is kept for the next window
    kept = kept_edit()
    assert kept is not None and kept.edited.title == "Only a title so far"
    again = CannedManager(worker_library)
    qtbot.addWidget(again)
    assert "“Only a title so far”" in again.restore_bar.label.text()
    again.shutdown()
    assert offered_edit() is not None  # not answered: still offered next time
