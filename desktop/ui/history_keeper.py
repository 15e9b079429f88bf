"""Keeps the window's conversations and copied drafts in the history, off the GUI thread.

The conversation pane knows nothing of rows: the keeper watches its parsed text and decides
when a new conversation began (the pane was cleared, or its start changed: a paste over it, a
file, a handover) and when the same one grew (the agent added messages, or reopened it). The
worker owns the current row id, so saves that are still queued cannot split one conversation
in two. Copied drafts arrive from the window's CopyWatch (`record_copy`).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from desktop.store.history import History, open_history
from desktop.store.library import LibraryFactory
from desktop.transcript import Transcript
from desktop.ui.background import LibraryWorker, Reporter, WorkerThread
from desktop.ui.widgets.conversation_pane import ConversationPane

logger = logging.getLogger(__name__)
T = TypeVar("T")
SAME_START = 40  # characters: a conversation whose start changed is another conversation
RESULT_LIMIT = 100


class HistoryWorker(LibraryWorker):
    """Runs history reads and writes on its own connection.

    Signals:
        found(int, object): request id, [Conversation] newest first.
        opened(object): the Conversation asked for with `open`, or None if it was forgotten.
        failed(str): a read or write failed; carries the reason.
    """

    found = Signal(int, object)
    opened = Signal(object)
    failed = Signal(str)

    def __init__(self, library_factory: LibraryFactory, days: int) -> None:
        super().__init__(library_factory)
        self._days = days
        self._history: History | None = None
        self._current: int | None = None

    def history(self) -> History:
        if self._history is None:  # retention is applied once per start, on first use
            self._history = open_history(self.library().repo.db, self._days)
        return self._history

    def release(self) -> None:
        self._history = None
        super().release()

    def _write(self, action: Callable[[History], T]) -> T:
        """Run a write; on "database is locked", once more on a fresh connection.

        In WAL mode a connection whose read snapshot went stale (a statement still open while
        another connection committed) is refused a write at once, and waiting does not help;
        a new connection has a current snapshot.
        """
        try:
            return action(self.history())
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            logger.warning("history write refused (%s); retrying on a fresh connection", exc)
            self.release()
            return action(self.history())

    @Slot(str, bool)
    def save(self, text: str, new: bool) -> None:
        with Reporter(self.failed.emit, "Could not keep the conversation: "):
            current = None if new else self._current
            self._current = self._write(lambda history: history.save(text, current))

    @Slot(str, str)
    def record_copy(self, kind: str, text: str) -> None:
        if self._current is None:
            return  # nothing to attach it to: a copy with an empty conversation
        current = self._current
        with Reporter(self.failed.emit, "Could not keep the copied draft: "):
            self._write(lambda history: history.record_copy(current, kind, text))  # type: ignore[arg-type]

    @Slot(int, str)
    def search(self, request_id: int, text: str) -> None:
        with Reporter(self.failed.emit, "History search failed: "):
            self.found.emit(request_id, self.history().search(text, RESULT_LIMIT))

    @Slot(int)
    def open(self, conversation_id: int) -> None:
        with Reporter(self.failed.emit, "Could not reopen the conversation: "):
            conversation = self.history().get(conversation_id)
            if conversation is not None:
                self._current = conversation.id  # its edits now update that row
            self.opened.emit(conversation)


class HistoryKeeper(QObject):
    """GUI-side handle of the history worker.

    Signals:
        results_ready(object): [Conversation] for the latest search only.
        failed(str): something the agent should read (status bar).
    """

    results_ready = Signal(object)
    failed = Signal(str)
    _save_requested = Signal(str, bool)
    _copy_requested = Signal(str, str)
    _search_requested = Signal(int, str)
    _open_requested = Signal(int)

    def __init__(
        self,
        library_factory: LibraryFactory,
        days: int,
        conversation: ConversationPane,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._conversation = conversation
        self._last_text = ""
        self._request = 0
        worker = HistoryWorker(library_factory, days)
        self._save_requested.connect(worker.save)
        self._copy_requested.connect(worker.record_copy)
        self._search_requested.connect(worker.search)
        self._open_requested.connect(worker.open)
        worker.found.connect(self._on_worker_found)
        worker.opened.connect(self._on_worker_opened)
        worker.failed.connect(self.failed)
        self._worker = worker  # PySide deletes a parentless QObject with its last reference
        self._thread = WorkerThread(worker, "history", self)
        conversation.transcript_changed.connect(self._on_transcript_changed)

    def search(self, text: str) -> None:
        self._request += 1
        self._search_requested.emit(self._request, text)

    def reopen(self, conversation_id: int) -> None:
        """Put a kept conversation back into the pane; its edits then update its own row."""
        self._open_requested.emit(conversation_id)

    @Slot(str, str)
    def record_copy(self, kind: str, text: str) -> None:
        """Keep a copied draft with the current conversation."""
        self._copy_requested.emit(kind, text)

    def shutdown(self) -> None:
        self._thread.stop()

    @Slot(object)
    def _on_transcript_changed(self, _transcript: Transcript) -> None:
        text = self._conversation.editor.toPlainText()
        if not text.strip():
            self._last_text = ""  # cleared: whatever comes next is a new conversation
            return
        if text == self._last_text:
            return
        new = not self._last_text or text[:SAME_START] != self._last_text[:SAME_START]
        self._last_text = text
        self._save_requested.emit(text, new)

    @Slot(int, object)
    def _on_worker_found(self, request_id: int, found: object) -> None:
        if request_id == self._request:
            self.results_ready.emit(found)

    @Slot(object)
    def _on_worker_opened(self, conversation: object) -> None:
        if conversation is None:
            self.failed.emit("That conversation is no longer in the history.")
            return
        text = getattr(conversation, "text", "")
        self._last_text = text  # the same conversation: no new row when the pane parses it
        self._conversation.set_text(text)
