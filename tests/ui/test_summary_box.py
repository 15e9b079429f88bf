"""Reply > Summarize for handover: made on the model thread with the real model, shown in a box."""

from __future__ import annotations

from desktop.drafting.session import (
    EngineState,
)
from desktop.settings import Settings
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory

CONVERSATION = (
    "Customer: I was charged twice for my subscription this month.\n"
    "Agent: I can see two charges. I have reported the duplicate to billing.\n"
    "Customer: How long until I get the money back?\n"
)


def test_summary_for_handover(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(Settings())
    qtbot.waitUntil(lambda: window.assist.state == EngineState.IDLE, timeout=60_000)
    window.summarize()
    before = window.summary_box
    assert before is None  # nothing to summarize yet: the status bar says so
    window.conversation.editor.setPlainText(CONVERSATION)
    with qtbot.waitSignal(window.assist.summarized, timeout=120_000):
        window.summarize()
    box = window.summary_box
    assert box is not None
    assert box.isVisible()
    lines = box.text().splitlines()
    assert lines[0].startswith("- The customer wants")
    assert lines[1] == "- Already done (agent): “I have reported the duplicate to billing.”"
    assert window.suggestion.draft.toPlainText() == ""  # the summary never streams into the draft
    box.copy_button.click()
    assert QGuiApplication.clipboard().text() == box.text()
    assert box.isVisible()  # Copy leaves the box open
