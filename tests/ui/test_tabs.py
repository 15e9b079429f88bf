"""Conversation tabs: each its own draft and ready reply, drafts queued on the one real model."""

import threading
from pathlib import Path

from desktop.autosave.workspace import AutosaveStore, Snapshot, Workspace, default_path
from desktop.drafting.events import Failed, Finished, Rewritten, Token
from desktop.drafting.results import SuggestionResult
from desktop.drafting.rewrite import Action, Rewrite
from desktop.drafting.session import EngineState
from desktop.settings import Settings
from desktop.store.history import open_history
from desktop.store.library import open_library
from desktop.ui.autosave import RESTORED
from desktop.ui.conversation_tab import NEW_TITLE, ConversationTab
from desktop.ui.handover import HandoverInbox
from desktop.ui.main_window import MainWindow
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.news import on

PARCEL = (
    "Customer: Hi, my parcel has not arrived yet.\n"
    "Agent: Sorry about that! What is your order number?\n"
    "Customer: It's 48213. Can you check where it is?"
)
PASSWORD = "Customer: I forgot my password and cannot log in to my account. How do I reset it?"
REFUND = "Customer: I want a refund for the broken headphones I returned last week."
NO_MODEL = Settings(model_path="/nonexistent.gguf")


def wait_model(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.assist.state == EngineState.IDLE, timeout=60_000)


def tab_text(window: MainWindow, tab: ConversationTab) -> str:
    return window.tabs.bar.tabText(window.tabs.index_of(tab))


def record(tab: ConversationTab, log: list[tuple[str, int]]) -> list[SuggestionResult]:
    """Log each token and finish of `tab` (by key) into the shared `log`; return its results."""
    results: list[SuggestionResult] = []
    on(tab.assist.news, Token, lambda _token: log.append(("token", tab.key)))

    def on_finished(finished: Finished) -> None:
        log.append(("finished", tab.key))
        results.append(finished.result)

    on(tab.assist.news, Finished, on_finished)
    return results


def test_drafts_queue_one_at_a_time_and_stream_into_their_own_tab(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(max_tokens=32))
    wait_model(qtbot, window)
    first = window.current_tab
    first.conversation.set_text(PARCEL)
    second = window.new_tab()
    second.conversation.set_text(PASSWORD)
    log: list[tuple[str, int]] = []
    first_results, second_results = record(first, log), record(second, log)

    first.drafts.generate()
    second.drafts.generate()  # the model is busy with the first tab: this one waits
    assert first.assist.position == 0 and second.assist.position == 1
    assert second.assist.state == EngineState.GENERATING  # so Stop takes it out of the line
    assert window.stop_action.isEnabled()
    assert second.queue_note.isVisible() and "1 draft ahead" in second.queue_note.text()
    assert tab_text(window, first).endswith("· drafting")
    assert tab_text(window, second).endswith("· waiting")

    qtbot.waitUntil(lambda: len(first_results) == 1 and len(second_results) == 1, timeout=120_000)
    # The first tab's draft ran to its end before the second one's first token.
    first_done = log.index(("finished", first.key))
    assert ("token", first.key) in log[:first_done]
    assert ("token", second.key) not in log[:first_done]
    assert ("token", second.key) in log[first_done:]
    assert first_results[0].finish_reason != "cancelled"
    assert second_results[0].finish_reason != "cancelled"
    # Each tab shows its own checked draft, grounded on its own conversation.
    first_draft = first.suggestion.draft.toPlainText()
    second_draft = second.suggestion.draft.toPlainText()
    assert first_draft.strip() and second_draft.strip() and first_draft != second_draft
    assert "password" in second_draft.lower() and "password" not in first_draft.lower()
    qtbot.waitUntil(lambda: not second.queue_note.isVisible())
    assert second.assist.position == -1 and first.assist.state == EngineState.IDLE
    assert "·" not in tab_text(window, first) and "·" not in tab_text(window, second)


def test_stop_takes_a_waiting_draft_out_of_the_line(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(max_tokens=24))
    wait_model(qtbot, window)
    first = window.current_tab
    first.conversation.set_text(PARCEL)
    second = window.new_tab()
    second.conversation.set_text(REFUND)
    log: list[tuple[str, int]] = []
    first_results, second_results = record(first, log), record(second, log)
    first.drafts.generate()
    second.drafts.generate()
    window.stop_action.trigger()  # Esc in the shown (second) tab: its draft never starts
    assert second_results and second_results[0].finish_reason == "cancelled"
    assert second.assist.state == EngineState.IDLE and second.assist.position == -1
    assert second.suggestion.generate_button.isEnabled()
    assert not second.queue_note.isVisible()
    qtbot.waitUntil(lambda: len(first_results) == 1, timeout=120_000)
    assert first_results[0].finish_reason != "cancelled"  # the running draft was not touched
    assert ("token", second.key) not in log
    assert not second.suggestion.draft.toPlainText().strip()


def test_a_draft_streams_on_while_the_agent_works_in_another_tab(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(max_tokens=48))
    wait_model(qtbot, window)
    first = window.current_tab
    first.conversation.set_text(PARCEL)
    results = record(first, [])
    first.drafts.generate()
    other = window.new_tab()  # shown now; the first tab keeps drafting behind it
    other.conversation.set_text(REFUND)
    assert window.current_tab is other and first.assist.position == 0
    qtbot.waitUntil(lambda: bool(results), timeout=120_000)
    assert first.suggestion.draft.toPlainText().strip()
    assert not other.suggestion.draft.toPlainText().strip()
    # The shown tab got its own ready reply from the shared ranking, the first kept its own.
    qtbot.waitUntil(lambda: other.suggestion.ready.isVisibleTo(other.suggestion), timeout=30_000)
    assert "refund" in other.suggestion.ready.title.text().lower()
    window.tabs.show_tab(first)
    assert first.suggestion.ready.title.text() != other.suggestion.ready.title.text()


def test_tab_shortcuts_open_switch_close_and_reopen(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(NO_MODEL)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=30_000)

    def press(key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
        editor = window.conversation.editor
        editor.setFocus()
        qtbot.keyClick(editor, key, modifiers)

    ctrl = Qt.KeyboardModifier.ControlModifier
    shift = Qt.KeyboardModifier.ShiftModifier
    window.conversation.set_text(PARCEL)
    press(Qt.Key.Key_T, ctrl)
    window.conversation.set_text(PASSWORD)
    press(Qt.Key.Key_T, ctrl)
    window.conversation.set_text(REFUND)
    tabs = window.tabs
    assert tabs.bar.count() == 3 and tabs.bar.currentIndex() == 2
    assert tabs.bar.tabText(0).startswith("Hi, my parcel")
    press(Qt.Key.Key_1, ctrl)
    assert window.conversation.editor.toPlainText() == PARCEL
    press(Qt.Key.Key_9, ctrl)  # 9 is the last tab, as in browsers
    assert window.conversation.editor.toPlainText() == REFUND
    press(Qt.Key.Key_Tab, ctrl)  # wraps around to the first
    assert tabs.bar.currentIndex() == 0
    press(Qt.Key.Key_Backtab, ctrl | shift)
    assert tabs.bar.currentIndex() == 2
    press(Qt.Key.Key_W, ctrl)
    assert tabs.bar.count() == 2 and "Ctrl+Shift+T" in window.statusBar().currentMessage()
    assert REFUND not in [t.conversation.editor.toPlainText() for t in tabs.tabs]
    press(Qt.Key.Key_T, ctrl | shift)
    assert tabs.bar.count() == 3 and window.conversation.editor.toPlainText() == REFUND
    for _ in range(3):
        press(Qt.Key.Key_W, ctrl)
    assert tabs.bar.count() == 1  # closing the last leaves an empty tab, not an empty window
    assert tabs.bar.tabText(0) == NEW_TITLE and window.current_tab.is_blank()


def _history_rows() -> int:
    library = open_library()
    try:
        return len(open_history(library.repo.db, 30).recent())
    finally:
        library.close()


def test_tabs_come_back_after_a_restart_and_after_a_crash(
    qtbot: QtBot, make_window: WindowFactory, app_home: Path
) -> None:
    window = make_window(NO_MODEL)
    window.conversation.set_text(PARCEL)
    window.suggestion.draft.setPlainText("Your parcel is on its way.")
    for text in (PASSWORD, REFUND):
        window.new_tab().conversation.set_text(text)
    window.tabs.show_index(1)
    qtbot.waitUntil(lambda: all(t.history_row is not None for t in window.tabs.tabs))
    rows = _history_rows()
    window.shutdown_manager()  # a clean quit: the tabs are kept, marked clean
    kept = AutosaveStore(default_path()).load()
    assert kept is not None and kept.clean and kept.current == 1
    assert [t.conversation for t in kept.tabs] == [PARCEL, PASSWORD, REFUND]

    again = make_window(NO_MODEL)
    assert again.autosave.restore() == ""  # a clean restart reopens silently
    assert [t.conversation.editor.toPlainText() for t in again.tabs.ordered()] == [
        PARCEL,
        PASSWORD,
        REFUND,
    ]
    assert again.tabs.bar.currentIndex() == 1
    assert again.tabs.ordered()[0].suggestion.draft.toPlainText() == "Your parcel is on its way."
    again.conversation.editor.appendPlainText("Customer: Thanks, found the reset link.")
    again.conversation.transcript()
    qtbot.wait(300)
    again.history.search("")  # a round trip through the history thread: earlier saves landed
    qtbot.waitUntil(lambda: _history_rows() == rows, timeout=30_000)
    assert _history_rows() == rows  # reopened tabs update their rows, none is kept twice

    # An unclean end (a crash, a kill) is announced.
    crashed = Workspace((Snapshot(PARCEL, ""), Snapshot(REFUND, "Draft")), current=1)
    AutosaveStore(default_path()).save(crashed)
    third = make_window(NO_MODEL)
    message = third.autosave.restore()
    assert RESTORED in message and "2 conversations" in message
    assert third.tabs.bar.count() == 2 and third.suggestion.draft.toPlainText() == "Draft"


def test_handover_uses_an_empty_or_grown_tab_else_opens_a_new_one(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(NO_MODEL)
    inbox = HandoverInbox(window)
    inbox.receive(PARCEL)
    assert window.tabs.bar.count() == 1 and window.conversation.editor.toPlainText() == PARCEL
    grown = PARCEL + "\nCustomer: Any news?"
    inbox.receive(grown)  # the same conversation with a new message: the same tab
    assert window.tabs.bar.count() == 1 and window.conversation.editor.toPlainText() == grown
    inbox.receive(PASSWORD)  # another conversation: a new tab, the first one stays
    assert window.tabs.bar.count() == 2 and window.conversation.editor.toPlainText() == PASSWORD
    assert window.tabs.ordered()[0].conversation.editor.toPlainText() == grown


def test_an_opened_file_gets_its_own_tab_unless_the_shown_one_is_empty(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(NO_MODEL)
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(PARCEL, encoding="utf-8")
    second.write_text(REFUND, encoding="utf-8")
    window.open_file(str(first))
    assert window.tabs.bar.count() == 1 and window.conversation.editor.toPlainText() == PARCEL
    window.open_file(str(second))
    assert window.tabs.bar.count() == 2 and window.conversation.editor.toPlainText() == REFUND
    assert window.tabs.ordered()[0].conversation.editor.toPlainText() == PARCEL


def test_closing_the_drafting_tab_lets_the_waiting_one_start(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(max_tokens=64))
    wait_model(qtbot, window)
    first = window.current_tab
    first.conversation.set_text(PARCEL)
    second = window.new_tab()
    second.conversation.set_text(PASSWORD)
    log: list[tuple[str, int]] = []
    results = record(second, log)
    first.drafts.generate()
    second.drafts.generate()
    assert second.assist.position == 1
    window.tabs.close_tab(first)  # its draft stops; nothing more reaches the closed tab
    assert window.tabs.bar.count() == 1 and window.current_tab is second
    qtbot.waitUntil(lambda: bool(results), timeout=120_000)
    assert results[0].finish_reason != "cancelled"
    assert second.suggestion.draft.toPlainText().strip()
    assert second.assist.position == -1 and window.assist.state == EngineState.IDLE


def test_a_rewrite_waits_its_turn_behind_another_tabs_draft(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(max_tokens=48))
    wait_model(qtbot, window)
    first = window.current_tab
    first.conversation.set_text(PARCEL)
    second = window.new_tab()
    second.conversation.set_text(REFUND)
    original = "Hello, we have received your return and your refund will be sent within 5 days."
    second.suggestion.draft.setPlainText(original)
    drafted: list[SuggestionResult] = []
    rewritten: list[Rewrite] = []
    on(first.assist.news, Finished, lambda finished: drafted.append(finished.result))
    on(second.assist.news, Rewritten, lambda done: rewritten.append(done.result))
    first.drafts.generate()
    second.drafts.rewrite(Action.FRIENDLIER)  # the model is busy: the rewrite waits
    assert second.assist.position == 1 and tab_text(window, second).endswith("· waiting")
    qtbot.waitUntil(lambda: bool(drafted) and bool(rewritten), timeout=120_000)
    assert not rewritten[0].cancelled and rewritten[0].original == original
    assert second.suggestion.draft.toPlainText() == rewritten[0].text
    assert second.assist.position == -1


def test_a_waiting_draft_survives_a_model_switch_that_needs_the_room(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    """The next model does not fit beside this one: the loader asks for room, the model in use
    is closed mid-draft, and the draft that was waiting runs once the new model is ready."""
    settings = Settings(max_tokens=64)
    window = make_window(settings)
    wait_model(qtbot, window)
    first = window.current_tab
    first.conversation.set_text(PARCEL)
    second = window.new_tab()
    second.conversation.set_text(PASSWORD)
    log: list[tuple[str, int]] = []
    first_results, second_results = record(first, log), record(second, log)
    failures: list[str] = []
    on(second.assist.news, Failed, lambda failed: failures.append(failed.message))
    first.drafts.generate()
    second.drafts.generate()
    window.assist.load_model(settings)  # a switch; the loader finds it must make room first
    window.assist.loader.room_needed.emit(window.assist._load_id, threading.Event())
    qtbot.waitUntil(lambda: bool(first_results) and bool(second_results), timeout=120_000)
    assert first_results[0].finish_reason == "cancelled"  # stopped: its model was closed
    assert second_results[0].finish_reason != "cancelled" and not failures
    assert second.suggestion.draft.toPlainText().strip()
    qtbot.waitUntil(lambda: window.assist.state == EngineState.IDLE, timeout=30_000)


def test_each_tab_drafts_with_its_own_tone(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(Settings(max_tokens=24, alternatives=1))
    wait_model(qtbot, window)
    first = window.current_tab
    first.conversation.set_text(PARCEL)
    second = window.new_tab()
    second.conversation.set_text(PASSWORD)
    # The second tab's session holds another tone (as after its own selector changed).
    second.drafts.session.settings = second.drafts.session.settings.replace(tone="formal")
    log: list[tuple[str, int]] = []
    first_results, second_results = record(first, log), record(second, log)
    first.drafts.generate()
    second.drafts.generate()  # queued behind the first: its tone must still be its own
    qtbot.waitUntil(lambda: len(first_results) == 1 and len(second_results) == 1, timeout=120_000)
    assert str(first_results[0].tone) == "friendly"
    assert str(second_results[0].tone) == "formal"
