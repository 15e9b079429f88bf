"""The whole window on real parts: real model, real SQLite, real widgets and clipboard."""

import itertools
from pathlib import Path

from desktop import __version__
from desktop import settings as settings_module
from desktop.drafting.events import Finished, Token
from desktop.drafting.results import SuggestionResult
from desktop.drafting.session import (
    EngineState,
)
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.ui.widgets.conversation_pane import AGENT, CUSTOMER
from desktop.ui.widgets.engine_status import MIN_TOKENS_FOR_RATE
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QTextCursor, QTextDocument
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.news import of_kind, on

CONVERSATION = (
    "Customer: Hi, I ordered running shoes last week and the tracking hasn't moved.\n"
    "Agent: Sorry to hear that! Could you share your order number?\n"
    "Customer: It's 48213. When will my parcel arrive?"
)


def paste(window_editor: object, text: str) -> None:
    QGuiApplication.clipboard().setText(text)
    window_editor.paste()  # type: ignore[attr-defined]


def block_roles(document: QTextDocument) -> list[int]:
    """The role the highlighter gave each line (an unset state reads as customer)."""
    roles = []
    block = document.firstBlock()
    while block.isValid():
        roles.append(max(block.userState(), CUSTOMER))
        block = block.next()
    return roles


def wait_model(qtbot: QtBot, window: object) -> None:
    qtbot.waitUntil(lambda: window.assist.state == EngineState.IDLE, timeout=60_000)  # type: ignore[attr-defined]


def test_paste_generate_stream_and_copy(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(Settings(max_tokens=48))
    wait_model(qtbot, window)
    assert "SmolLM2" in window.engine_status.model_label.text()

    window.conversation.editor.setFocus()
    paste(window.conversation.editor, CONVERSATION)
    transcript = window.conversation.transcript()
    assert [t.role for t in transcript.turns] == ["customer", "agent", "customer"]
    assert block_roles(window.conversation.editor.document()) == [CUSTOMER, AGENT, CUSTOMER]
    qtbot.waitUntil(lambda: window.canned.list.count() > 0, timeout=30_000)

    tokens: list[str] = []
    streamed: list[str] = []  # the editor's text as each token arrives

    def on_token(token: Token) -> None:
        tokens.append(token.text)
        streamed.append(window.suggestion.draft.toPlainText())

    on(window.assist.news, Token, on_token)
    with qtbot.waitSignal(
        window.assist.news, timeout=120_000, check_params_cb=of_kind(Finished)
    ) as finished:
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.assist.state == EngineState.GENERATING or bool(tokens))
    result: SuggestionResult = finished.args[0].result
    assert len(tokens) > 3, "tokens must arrive one by one"
    # The editor grew token by token (the controller appends before this slot runs) ...
    assert streamed[-1] == "".join(tokens)
    assert all(len(a) < len(b) for a, b in itertools.pairwise(streamed))
    # ... and at the end shows the checked draft: exactly what Copy copies.
    assert window.suggestion.draft.toPlainText() == result.text
    assert result.grounding and window.suggestion.sources.text().startswith("Grounded on:")
    speed = window.engine_status.speed_label.text()
    assert speed.startswith(f"{result.completion_tokens} token")
    assert ("tok/s" in speed) == (result.completion_tokens >= MIN_TOKENS_FOR_RATE)
    assert window.engine_status.state_label.text() == EngineState.IDLE.value

    window.suggestion.draft.appendPlainText("\nBest, Sam")  # the agent edits the draft
    qtbot.keyClick(
        window,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert QGuiApplication.clipboard().text() == window.suggestion.draft.toPlainText()
    assert QGuiApplication.clipboard().text().endswith("Best, Sam")


def test_stop_halts_at_once_and_regenerate_gives_a_new_draft(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(max_tokens=256, temperature=1.0))
    wait_model(qtbot, window)
    window.conversation.set_text(CONVERSATION)
    tokens: list[str] = []
    on(window.assist.news, Token, lambda token: tokens.append(token.text))
    window.drafts.generate()
    qtbot.waitUntil(lambda: len(tokens) >= 2, timeout=60_000)
    with qtbot.waitSignal(
        window.assist.news, timeout=30_000, check_params_cb=of_kind(Finished)
    ) as finished:
        qtbot.keyClick(window, Qt.Key.Key_Escape)
        assert window.assist.state == EngineState.IDLE  # the UI is idle at once
        stopped_at = window.suggestion.draft.toPlainText()
    assert finished.args[0].result.finish_reason == "cancelled"
    # Finished is the worker's last news of the request and queued signals arrive in
    # order: every token it sent before stopping has been delivered (and dropped) by now.
    assert window.suggestion.draft.toPlainText() == stopped_at
    assert finished.args[0].result.completion_tokens < 256

    with qtbot.waitSignal(window.assist.news, timeout=120_000, check_params_cb=of_kind(Finished)):
        window.suggestion.regenerate_button.click()
    assert window.suggestion.draft.toPlainText()
    assert window.suggestion.draft.toPlainText() != stopped_at


def test_broken_model_leaves_canned_only_mode(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    bogus = tmp_path / "broken.gguf"
    bogus.write_bytes(b"GGUF" + b"\x00" * 64)
    window = make_window(Settings(model_path=str(bogus)))
    qtbot.waitUntil(lambda: window.assist.state == EngineState.NO_MODEL, timeout=30_000)
    assert window.suggestion.error.isVisible()
    assert "could not load" in window.suggestion.error.text()
    assert not window.suggestion.generate_button.isEnabled()

    window.conversation.set_text("Customer: I want my money back for the damaged item")
    qtbot.waitUntil(lambda: window.canned.list.count() > 0, timeout=30_000)
    chosen = window.canned.current()
    assert chosen is not None
    window.canned.use_button.click()
    assert window.suggestion.draft.toPlainText() == chosen.body
    window.canned.copy_button.click()
    assert QGuiApplication.clipboard().text() == chosen.body


def test_search_box_filters_as_you_type(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    qtbot.keyClicks(window.canned.search, "passw")
    qtbot.waitUntil(lambda: "matching" in window.canned.title.text(), timeout=30_000)
    shown: list[CannedResponse] = [
        window.canned.list.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(window.canned.list.count())
    ]
    assert shown and "assword" in shown[0].title
    words = [f"{r.title} {r.shortcode} {r.body} {' '.join(r.tags)}".lower() for r in shown]
    assert all("passw" in text for text in words)


def test_binary_paste_is_refused_and_loses_nothing(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    window.conversation.set_text("Customer: keep me")
    mime = QMimeData()
    mime.setText("\x00\x01\x02binary\x00" * 100)
    messages: list[str] = []
    window.conversation.message.connect(messages.append)
    window.conversation.editor.insertFromMimeData(mime)
    assert window.conversation.editor.toPlainText() == "Customer: keep me"
    assert messages and "binary" in messages[0]


def test_huge_paste_keeps_the_newest_part(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    messages: list[str] = []
    window.conversation.message.connect(messages.append)
    paste(
        window.conversation.editor,
        "Customer: old words\n" * 20_000 + "Customer: the latest question",
    )
    assert window.conversation.transcript().latest_customer_text() == "the latest question"
    assert messages and "newest part" in messages[0]


def test_dropping_a_text_file_opens_it(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    dropped = tmp_path / "ticket.txt"
    dropped.write_text("Customer: my invoice is wrong\nAgent: let me check", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    window.conversation.editor.insertFromMimeData(mime)
    assert [t.role for t in window.conversation.transcript().turns] == ["customer", "agent"]


def test_use_for_draft_puts_the_chosen_response_first(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(max_tokens=8))
    wait_model(qtbot, window)
    window.conversation.set_text("Customer: I was charged twice for one order")
    qtbot.keyClicks(window.canned.search, "password")
    qtbot.waitUntil(lambda: "matching" in window.canned.title.text(), timeout=30_000)
    chosen = window.canned.current()
    assert chosen is not None
    with qtbot.waitSignal(
        window.assist.news, timeout=60_000, check_params_cb=of_kind(Finished)
    ) as finished:
        window.canned.use_button.click()
    assert finished.args[0].result.grounding[0].id == chosen.id
    assert window.suggestion.sources.text().startswith(f"Grounded on: [1] {chosen.title}")


def test_insert_keeps_the_draft_and_fills_placeholders(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(agent_name="Sam Lee", model_path="/nonexistent.gguf"))
    window.conversation.set_text("Customer (Jane Doe): where is order #48213?")
    window.suggestion.draft.setPlainText("Hello!\n\nThanks")
    cursor = window.suggestion.draft.textCursor()
    cursor.setPosition(len("Hello!\n"))
    window.suggestion.draft.setTextCursor(cursor)
    for body in ("Order {{order.id}} is on its way.{{cursor}}", " Signed, {{agent.name}}."):
        window.canned.show_results("searched", [CannedResponse(title="t", body=body)])
        window.canned.insert_button.click()
    assert window.suggestion.draft.toPlainText() == (
        "Hello!\nOrder 48213 is on its way. Signed, Sam Lee.\nThanks"
    )


def test_copy_warns_once_about_unfilled_placeholders(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    QGuiApplication.clipboard().setText("before")
    window.suggestion.draft.setPlainText("Hi {{customer.first_name}}, done.")
    window.suggestion.copy_button.click()
    assert QGuiApplication.clipboard().text() == "before"
    assert "customer.first_name" in window.suggestion.error.text()
    window.suggestion.copy_button.click()
    assert QGuiApplication.clipboard().text() == "Hi {{customer.first_name}}, done."


def test_palette_inserts_by_short_code_with_the_keyboard(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    window.suggestion.draft.setPlainText("Hi!\n")
    window.suggestion.draft.moveCursor(QTextCursor.MoveOperation.End)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=30_000)
    window.suggestion.draft.setFocus()
    qtbot.keyClick(window.suggestion.draft, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.command_palette.isVisible()
    qtbot.keyClicks(window.command_palette.input, "refund")
    qtbot.waitUntil(lambda: window.command_palette.list.count() > 0, timeout=30_000)
    chosen = window.command_palette.list.currentItem().data(Qt.ItemDataRole.UserRole)
    qtbot.keyClick(window.command_palette.input, Qt.Key.Key_Return)
    assert not window.command_palette.isVisible()
    assert window.suggestion.draft.toPlainText().startswith("Hi!\n" + chosen.body[:20])


def test_unfilled_placeholders_are_asked_for_on_insert(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    body = 'Hi {{customer.first_name|fallback:"there"}}, ticket {{ticket.id}}: {{input.reason}}.'
    window.canned.show_results("searched", [CannedResponse(title="Ask", body=body)])
    window.canned.insert_button.click()
    form = window.filler.form
    assert form is not None and form.isVisible()
    assert list(form.fields) == ["ticket.id", "input.reason"]  # the fallback covers the name
    form.fields["ticket.id"].setText("T-77")
    form.fields["input.reason"].setText("{{agent.name}} will call")  # typed text stays literal
    form.accept()
    assert (
        window.suggestion.draft.toPlainText() == "Hi there, ticket T-77: {{agent.name}} will call."
    )


def test_settings_are_saved_and_reload_the_model_only_when_needed(
    qtbot: QtBot, make_window: WindowFactory, app_home: Path, tmp_path: Path
) -> None:
    window = make_window(Settings())
    wait_model(qtbot, window)
    loaded = window.assist.model_info
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.agent_name.setText("Sam Lee")
    dialog.max_tokens.setValue(64)
    dialog.accept()
    assert window.assist.state == EngineState.IDLE and window.assist.model_info is loaded
    assert settings_module.load() == Settings(agent_name="Sam Lee", max_tokens=64)
    assert window.drafts.placeholder_values()["agent.name"] == "Sam Lee"

    bogus = tmp_path / "other.gguf"
    bogus.write_text("nope")
    window.open_settings()
    assert window.settings_dialog is not None
    window.settings_dialog.model_path.setText(str(bogus))
    window.settings_dialog.accept()
    # A file that fails to load leaves the app as it was: same model, same settings on disk.
    qtbot.waitUntil(lambda: "not a GGUF" in window.suggestion.error.text(), timeout=30_000)
    assert "Still drafting with" in window.suggestion.error.text()
    assert window.assist.state == EngineState.IDLE
    assert window.assist.model_info is loaded
    assert settings_module.load().model_path == ""
    assert window.drafts.settings.model_path == ""


def test_shortcuts_work_from_inside_the_editors(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(Settings(max_tokens=400))
    wait_model(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=30_000)
    window.conversation.set_text(CONVERSATION)
    editor = window.conversation.editor
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.engine_status.state_label.text() == EngineState.GENERATING.value
    assert editor.toPlainText() == CONVERSATION  # no newline typed into the conversation
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert window.engine_status.state_label.text() == EngineState.IDLE.value


def test_window_layout_is_remembered(qtbot: QtBot, make_window: WindowFactory) -> None:
    first = make_window(Settings(model_path="/nonexistent.gguf"))
    first.resize(780, 560)  # within the offscreen screen (800x600): geometry is kept on screen
    first.main_splitter.setSizes([200, 700])
    first.close()
    second = make_window(Settings(model_path="/nonexistent.gguf"))
    second.restore_layout()
    assert second.size() == first.size()
    assert second.height() == 560
    assert second.main_splitter.sizes()[0] == first.main_splitter.sizes()[0]


def test_manager_changes_refresh_the_main_window(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    window.open_manager()
    manager = window.manager
    assert manager is not None and manager.isVisible()
    sample = tmp_path / "macros.json"
    sample.write_text(
        '{"macros": [{"id": 7, "title": "Zebra stripes refund", '
        '"actions": [{"field": "comment_value", "value": "Zebra refunds take 3 days."}]}]}'
    )
    with qtbot.waitSignal(manager.library_changed, timeout=10_000):
        manager.import_file(str(sample), "auto")
    qtbot.keyClicks(window.canned.search, "zebra")
    qtbot.waitUntil(lambda: window.canned.list.count() == 1, timeout=30_000)
    assert window.canned.current() is not None
    assert window.canned.current().title == "Zebra stripes refund"  # type: ignore[union-attr]


def test_about_shows_version_model_and_data_folder(
    qtbot: QtBot, make_window: WindowFactory, app_home: Path
) -> None:
    window = make_window(Settings())
    wait_model(qtbot, window)
    window.show_about()
    box = window.about_box
    assert box is not None and box.isVisible()
    assert f"Agent Assist {__version__}" in box.text()
    assert "SmolLM2-135M-Instruct.Q4_1" in box.text()
    assert str(app_home / "data") in box.text()
    box.accept()
