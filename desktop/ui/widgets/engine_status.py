"""Status-bar indicators: the model in use, the engine's state and the drafting speed."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QLabel, QStatusBar

from desktop.drafting.events import DraftEvent, Finished, Token
from desktop.drafting.results import SuggestionResult
from desktop.drafting.session import (
    EngineState,
)
from desktop.engine.types import ModelInfo
from desktop.ui.assist import AssistController
from desktop.ui.widgets.load_progress import LoadProgress
from desktop.ui.wording import count

MIN_TOKENS_FOR_RATE = 16  # below this the rate says more about the timer than the model


class EngineStatus(QObject):
    """The status bar's permanent part, kept up to date from the AssistController.

    Load progress, the model (or server) in use, the engine's state and the drafting speed.
    """

    def __init__(self, status_bar: QStatusBar, assist: AssistController) -> None:
        super().__init__(status_bar)
        self.load_progress = LoadProgress(status_bar)
        self.model_label = QLabel("Model: loading…", status_bar)
        self.model_label.setTextFormat(Qt.TextFormat.PlainText)
        self.speed_label = QLabel(status_bar)
        self.state_label = QLabel(assist.state.value, status_bar)
        status_bar.addPermanentWidget(self.load_progress)
        for label in (self.model_label, self.speed_label, self.state_label):
            status_bar.addPermanentWidget(label)
        assist.load_started.connect(self.load_progress.begin)
        assist.load_progress.connect(self.load_progress.advance)
        assist.load_ended.connect(self.load_progress.end)
        self.load_progress.cancel_requested.connect(assist.cancel_load)
        self._chunks = 0
        self._started = 0.0
        assist.state_changed.connect(self._on_assist_state_changed)
        assist.model_ready.connect(self._on_assist_model_ready)
        assist.model_failed.connect(self._on_assist_model_failed)
        assist.news.connect(self._on_assist_news)

    def begin_draft(self) -> None:
        self.speed_label.setText("")
        self._chunks = 0
        self._started = time.perf_counter()

    @Slot(object)
    def _on_assist_state_changed(self, state: EngineState) -> None:
        self.state_label.setText(state.value)

    @Slot(object)
    def _on_assist_model_ready(self, info: ModelInfo) -> None:
        server = info.chat_format == "server"
        text = f"Server: {info.name}" if server else f"Model: {info.name}"
        if info.notice and not server:
            text += " (server unavailable)" if "server" in info.notice.lower() else " ⚠"
        self.model_label.setText(text)
        where = f"OpenAI-compatible server at {info.path}" if server else str(info.path)
        self.model_label.setToolTip(f"{where}\n{info.notice}" if info.notice else where)

    @Slot(str)
    def _on_assist_model_failed(self, _message: str) -> None:
        self.model_label.setText("Model: none")
        self.model_label.setToolTip("")

    @Slot(object)
    def _on_assist_news(self, event: DraftEvent) -> None:
        if isinstance(event, Token):
            # Live speed while streaming (chunks ~ tokens); the exact figures replace it at the end.
            self._chunks += 1
            if self._chunks % 8 == 0:
                elapsed = time.perf_counter() - self._started
                self.speed_label.setText(f"{self._chunks / elapsed:.0f} tok/s")
        elif isinstance(event, Finished):
            self.speed_label.setText(speed_text(event.result))


def speed_text(result: SuggestionResult) -> str:
    """The drafting speed in words, only the figures that mean something for this draft.

    A stopped draft says so (its first token may never have come); a draft of a few tokens
    gives no rate, since a handful of tokens over the prompt's reading reads as slow.
    """
    tokens = count(result.completion_tokens, "token")
    if result.finish_reason == "cancelled":
        return f"Stopped after {tokens}"
    parts = [tokens]
    if result.completion_tokens >= MIN_TOKENS_FOR_RATE and result.tokens_per_s > 0:
        parts.append(f"{result.tokens_per_s:.1f} tok/s")
    if result.first_token_s is not None:
        parts.append(f"first token {result.first_token_s:.2f} s")
    return " · ".join(parts)
