"""The one relay from the model thread: AssistController passes on only the last request's news.

The real AssistController, its worker thread and the real default model. What the worker sent
is recorded on its own thread as it is emitted (a direct connection), what passed on the GUI
thread, and the two are compared.
"""

from __future__ import annotations

import threading

from desktop.drafting.events import STREAMED, DraftEvent, Finished, Token
from desktop.drafting.pipeline import load_system_prompt
from desktop.drafting.session import EngineState
from desktop.engine.loading import load_engine
from desktop.settings import Settings
from desktop.store.library import open_library
from desktop.transcript import parse
from desktop.ui.assist import AssistController
from desktop.ui.launch import create_app
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.news import of_kind

CONVERSATION = parse("Customer: Where is my order 48213? It was due on Monday.")


class Sent:
    """Every (request id, event) the worker emitted, recorded on the worker's thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: list[tuple[int, DraftEvent]] = []

    def add(self, request_id: int, event: DraftEvent) -> None:
        with self._lock:
            self._sent.append((request_id, event))

    def of(self, request_id: int) -> list[DraftEvent]:
        with self._lock:
            return [event for sent_id, event in self._sent if sent_id == request_id]

    def ended(self, request_id: int) -> bool:
        """The worker sent the request's last news (the GUI's queued copy may come first)."""
        return any(isinstance(event, Finished) for event in self.of(request_id))


def test_a_superseded_request_s_news_is_dropped_and_stop_drops_text_in_flight(
    qtbot: QtBot, app_home: object
) -> None:
    create_app()
    open_library().close()  # first-run seeding
    assist = AssistController(load_engine, open_library, load_system_prompt())
    try:
        with qtbot.waitSignal(assist.model_ready, timeout=60_000):
            assist.load_model(Settings(max_tokens=16, alternatives=1))
        sent = Sent()
        assist._worker.news.connect(sent.add, Qt.ConnectionType.DirectConnection)
        passed: list[DraftEvent] = []
        assist.news.connect(passed.append)

        # Request 2 supersedes request 1 at once: 1 is still answered, and dropped.
        with qtbot.waitSignal(assist.news, timeout=120_000, check_params_cb=of_kind(Finished)):
            assist.ask(1, CONVERSATION)
            assist.ask(2, CONVERSATION)
        qtbot.waitUntil(lambda: sent.ended(2), timeout=10_000)
        assert sent.of(1) and isinstance(sent.of(1)[-1], Finished)
        assert passed == sent.of(2)  # all of the current request's news, each once, in order
        assert assist.state == EngineState.IDLE

        # Stopped as soon as asked: the UI is idle at once and no text of it is shown, not
        # even text already on its way (sent here on the worker's own signal, to be sure that
        # some is), nor a superseded request's.
        passed.clear()
        with qtbot.waitSignal(assist.news, timeout=120_000, check_params_cb=of_kind(Finished)):
            assist.ask(3, CONVERSATION)
            assist.cancel()
            assert assist.state == EngineState.IDLE
            assist._worker.news.emit(3, Token("in flight"))
            assist._worker.news.emit(2, Token("late"))
        qtbot.waitUntil(lambda: sent.ended(3), timeout=10_000)
        assert not [event for event in passed if isinstance(event, STREAMED)]
        finished = passed[-1]
        assert isinstance(finished, Finished) and finished.result.finish_reason == "cancelled"
        assert [e for e in sent.of(3) if not isinstance(e, STREAMED)] == passed
    finally:
        assist.shutdown()
