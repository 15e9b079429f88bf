"""Small things an agent meets on the way through the loop (issue 21), on the real window.

Counts in words, the speed line after Stop and on tiny drafts, the library window's usage
after an Insert, a reopened tab in its place with its alternatives, Insert leaving a space,
a rewrite leaving nothing selected and no stale "Taken out" line, accessible names.
"""

from __future__ import annotations

from desktop.drafting.events import Finished, Rewritten
from desktop.drafting.results import SuggestionResult
from desktop.drafting.rewrite import Action, Rewrite
from desktop.settings import Settings
from desktop.transcript import MAX_CHARS
from desktop.ui.widgets.conversation_pane import ConversationPane
from desktop.ui.widgets.engine_status import speed_text
from desktop.ui.widgets.suggestion_panel import joiner
from desktop.ui.wording import count
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.news import of_kind
from tests.ui.test_drafts import INVENTED, NO_MODEL, crafted_result, start_draft
from tests.ui.test_main_window import CONVERSATION, wait_model

PARCEL = "Customer: Hi, my parcel has not arrived. Where is it?"
REFUND = "Customer: The headphones I returned are still not refunded."


def test_counts_read_as_words(qtbot: QtBot) -> None:
    assert [count(n, "turn") for n in (0, 1, 2)] == ["0 turns", "1 turn", "2 turns"]
    assert count(1, "reply", "replies") == "1 reply" and count(3, "reply", "replies") == "3 replies"
    pane = ConversationPane()
    qtbot.addWidget(pane)
    pane.set_text("Customer: Where is my parcel?")
    assert pane.summary.text() == "1 turn: 1 customer, 0 agent"


def test_the_speed_line_says_only_what_means_something() -> None:
    def result(tokens: int, first: float | None, total: float, reason: str) -> SuggestionResult:
        return SuggestionResult("x", (), 10, tokens, first, total, reason)  # type: ignore[arg-type]

    stopped = speed_text(result(3, None, 0.4, "cancelled"))
    assert stopped == "Stopped after 3 tokens"  # not "first token 0.00 s"
    tiny = speed_text(result(5, 0.8, 1.6, "stop"))
    assert "tok/s" not in tiny and tiny.startswith("5 tokens") and "first token 0.80 s" in tiny
    assert speed_text(result(1, 0.3, 0.3, "stop")) == "1 token · first token 0.30 s"
    full = speed_text(result(120, 0.05, 3.4, "stop"))
    assert full == "120 tokens · 35.5 tok/s · first token 0.05 s"


def test_insert_never_glues_two_sentences(qtbot: QtBot, make_window: WindowFactory) -> None:
    assert joiner("", "Hi there") == "" and joiner("Thanks. ", "Hi") == ""
    assert joiner("faulty.", "Hi there, sorry.") == " "
    assert joiner("faulty.", "Hi there,\n\nsorry.") == "\n\n"
    window = make_window(NO_MODEL)
    draft = window.suggestion.draft
    draft.setPlainText("Your replacement will not arrive faulty.")
    draft.moveCursor(draft.textCursor().MoveOperation.End)
    window._insert_in_draft("Hi there, we are sorry.", caret=3)
    assert draft.toPlainText() == "Your replacement will not arrive faulty. Hi there, we are sorry."
    assert draft.textCursor().position() == len("Your replacement will not arrive faulty. Hi ")


def test_the_library_window_shows_a_use_counted_after_an_insert(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(NO_MODEL)
    window.conversation.set_text(CONVERSATION)
    canned = window.canned
    qtbot.waitUntil(lambda: canned.list.count() > 0, timeout=30_000)
    for row in range(canned.list.count()):
        canned.list.setCurrentRow(row)
        response = canned.current()
        if response is not None and "{{" not in response.body:
            break  # a response that needs no fill-in form
    assert response is not None and response.id is not None
    window.open_manager()
    manager = window.manager
    assert manager is not None
    qtbot.waitUntil(lambda: manager.pane.table.model().rowCount() > 0, timeout=10_000)
    manager.pane.table.selectRow(manager.pane.model.row_of(response.id))  # as a click does
    qtbot.waitUntil(lambda: manager.editor.base.id == response.id, timeout=10_000)
    before = response.usage_count
    assert manager.editor.usage_label.text().startswith(f"Used {count(before, 'time')};")

    canned.insert_current()
    assert window.suggestion.draft.toPlainText().strip()
    used = f"Used {count(before + 1, 'time')};"
    qtbot.waitUntil(lambda: manager.editor.usage_label.text().startswith(used), timeout=10_000)
    assert not manager.editor.is_dirty()


def test_a_reopened_tab_comes_back_in_its_place_with_its_alternatives(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(max_tokens=32, alternatives=2, temperature=0.9))
    wait_model(qtbot, window)
    window.conversation.set_text(PARCEL)
    middle = window.new_tab()
    middle.conversation.set_text(CONVERSATION)
    window.new_tab().conversation.set_text(REFUND)
    window.tabs.show_tab(middle)
    with qtbot.waitSignal(window.assist.news, timeout=240_000, check_params_cb=of_kind(Finished)):
        middle.drafts.generate()
    qtbot.waitUntil(middle.suggestion.next_button.isVisible, timeout=10_000)
    first = middle.suggestion.draft.toPlainText()
    middle.drafts.show_next()
    second = middle.suggestion.draft.toPlainText()
    assert middle.suggestion.position.text() == "2/2" and second != first

    window.tabs.close_current()
    assert window.tabs.bar.count() == 2
    reopened = window.tabs.reopen_closed()
    assert reopened is not None and window.tabs.index_of(reopened) == 1  # not at the end
    suggestion = reopened.suggestion
    assert suggestion.draft.toPlainText() == second
    assert suggestion.position.text() == "2/2" and suggestion.previous_button.isVisible()
    reopened.drafts.show_previous()
    assert suggestion.draft.toPlainText() == first


def test_a_rewrite_leaves_nothing_selected_and_no_stale_taken_out_line(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    wait_model(qtbot, window)
    window.conversation.set_text(CONVERSATION)
    start_draft(window)
    raw = (
        "Hi there,\n\nThanks for your patience with order 48213, it is with the courier now "
        f"and the tracking page will show the next step as soon as they scan it. {INVENTED}"
        "\n\nWe are on it and will write again tomorrow."
    )
    window.current_tab.assist.news.emit(Finished(crafted_result(window, raw)))
    removed = window.suggestion.removed
    assert removed.isVisible() and removed.labels[0].text() == INVENTED

    editor = window.suggestion.draft
    with qtbot.waitSignal(
        window.assist.news, timeout=120_000, check_params_cb=of_kind(Rewritten)
    ) as done:
        window.suggestion.rewrite_actions[Action.SHORTEN].trigger()
    rewrite: Rewrite = done.args[0].result
    assert rewrite.changed, "the model gave the same text back: nothing to check"
    assert editor.toPlainText() == rewrite.text
    assert not editor.textCursor().hasSelection()  # a selection would hide the underlines
    assert editor.textCursor().position() == len(rewrite.text)
    assert not removed.isVisible() and removed.labels == []


def test_panes_and_buttons_have_names_a_screen_reader_reads(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(NO_MODEL)
    suggestion, canned = window.suggestion, window.canned
    named = {
        window.conversation.editor: "Conversation",
        suggestion.ready: "Ready reply",
        suggestion.ready.text: "Ready reply",
        suggestion.ready.copy_button: "Copy ready reply",
        suggestion.draft: "Suggested reply",
        suggestion.copy_button: "Copy suggested reply",
        canned.list: "Canned responses",
        canned.search: "Search canned responses",
        window.tabs.bar: "Conversations",
    }
    for widget, name in named.items():
        assert widget.accessibleName() == name
    # Every focusable control has a name: its own, or its label's text.
    for widget in window.focus_chain():
        spoken = widget.accessibleName() or getattr(widget, "text", lambda: "")()
        assert spoken, type(widget).__name__
    # Tone and Length are named by their labels, and reached from them with Alt.
    assert suggestion.tone.accessibleName() == "Tone"
    labels = [w for w in suggestion.findChildren(QLabel) if w.buddy() is not None]
    assert {label.buddy() for label in labels} == {suggestion.tone, suggestion.length}
    assert window.conversation.editor.tabChangesFocus()


def test_the_tone_and_length_selectors_show_their_own_tabs_draft(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(max_tokens=16, alternatives=1))
    wait_model(qtbot, window)
    first = window.current_tab
    first.conversation.set_text(CONVERSATION)
    with qtbot.waitSignal(window.assist.news, timeout=120_000, check_params_cb=of_kind(Finished)):
        first.drafts.generate()
    assert first.suggestion.tone.currentText() == "friendly"

    second = window.new_tab()  # no draft here: choosing sets the tone for the next drafts
    second.suggestion.tone.setCurrentText("formal")
    second.suggestion.length.setCurrentText("short")
    window.tabs.show_tab(first)
    assert first.suggestion.tone.currentText() == "friendly"  # what its draft was written with
    assert first.suggestion.length.currentText() == "medium"
    third = window.new_tab()
    assert (third.suggestion.tone.currentText(), third.suggestion.length.currentText()) == (
        "formal",
        "short",
    )
    window.tabs.show_tab(first)
    with qtbot.waitSignal(window.assist.news, timeout=120_000, check_params_cb=of_kind(Finished)):
        first.drafts.regenerate()  # its next draft uses the saved choice, and shows it
    assert first.suggestion.tone.currentText() == "formal"


def test_a_paste_clears_the_last_message_and_keeps_its_own(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(NO_MODEL)
    status = window.statusBar()
    status.showMessage("Closed “Old conversation” (Ctrl+Shift+T reopens it).", 8000)
    editor = window.conversation.editor
    QGuiApplication.clipboard().setText(CONVERSATION)
    editor.paste()
    assert status.currentMessage() == ""  # not the stale one
    editor.clear()
    QGuiApplication.clipboard().setText("word " * (MAX_CHARS // 4))
    editor.paste()
    assert "only its newest part was kept" in status.currentMessage()


def test_the_splitters_come_back_where_the_agent_left_them(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(NO_MODEL)
    window.resize(1280, 720)
    qtbot.wait(50)
    window.main_splitter.setSizes([400, 880])
    window.canned.split.setSizes([160, 90])
    main = window.main_splitter.sizes()
    inner = [s.sizes() for s in (window.right_splitter, window.canned.split)]
    window.save_layout()
    again = make_window(NO_MODEL)
    again.restore_layout()
    qtbot.wait(50)
    assert [s.sizes() for s in (again.right_splitter, again.canned.split)] == inner
    # The offscreen screen is 800 px wide, so the window comes back narrower: same proportions.
    restored = again.main_splitter.sizes()
    assert abs(restored[0] / sum(restored) - main[0] / sum(main)) < 0.01
