"""Keeps the window's conversations and copied drafts in the history, off the GUI thread.

A conversation pane knows nothing of rows: the keeper watches each tab's parsed text and
decides when a new conversation began in it (the pane was cleared, or its start changed: a
paste over it, a file, a handover) and when the same one grew (the agent added messages, or
reopened it). The worker owns each tab's row id, so saves that are still queued cannot split
one conversation in two. Copied drafts arrive from the window's CopyWatch (`record_copy`).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from desktop.store.history import History, open_history
from desktop.store.library import LibraryFactory
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
        saved(int, int): tab key, the row its conversation was kept in.
        failed(str): a read or write failed; carries the reason.
    """

    found = Signal(int, object)
    opened = Signal(object)
    saved = Signal(int, int)
    failed = Signal(str)

    def __init__(self, library_factory: LibraryFactory, days: int) -> None:
        super().__init__(library_factory)
        self._days = days
        self._history: History | None = None
        self._current: dict[int, int] = {}  # tab key -> the history row it updates

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

    @Slot(int, str, bool)
    def save(self, tab: int, text: str, new: bool) -> None:
        with Reporter(self.failed.emit, "Could not keep the conversation: "):
            current = None if new else self._current.get(tab)
            row = self._write(lambda history: history.save(text, current))
            self._current[tab] = row
            self.saved.emit(tab, row)

    @Slot(int, int)
    def adopt(self, tab: int, row: int) -> None:
        """Tab `tab` shows the kept conversation `row`: its edits update that row."""
        self._current[tab] = row

    @Slot(int)
    def forget_tab(self, tab: int) -> None:
        self._current.pop(tab, None)

    @Slot(int, str, str)
    def record_copy(self, tab: int, kind: str, text: str) -> None:
        row = self._current.get(tab)
        if row is None:
            return  # nothing to attach it to: a copy with an empty conversation
        with Reporter(self.failed.emit, "Could not keep the copied draft: "):
            self._write(lambda history: history.record_copy(row, kind, text))  # type: ignore[arg-type]

    @Slot(int, str)
    def search(self, request_id: int, text: str) -> None:
        with Reporter(self.failed.emit, "History search failed: "):
            self.found.emit(request_id, self.history().search(text, RESULT_LIMIT))

    @Slot(int)
    def open(self, conversation_id: int) -> None:
        with Reporter(self.failed.emit, "Could not reopen the conversation: "):
            self.opened.emit(self.history().get(conversation_id))


class HistoryKeeper(QObject):
    """GUI-side handle of the history worker, for every conversation tab.

    Signals:
        results_ready(object): [Conversation] for the latest search only.
        opened(object): a kept Conversation to show in a tab (the window makes one).
        row_saved(int, int): tab key, the history row its conversation is kept in.
        failed(str): something the agent should read (status bar).
    """

    results_ready = Signal(object)
    opened = Signal(object)
    row_saved = Signal(int, int)
    failed = Signal(str)
    _save_requested = Signal(int, str, bool)
    _adopt_requested = Signal(int, int)
    _forget_requested = Signal(int)
    _copy_requested = Signal(int, str, str)
    _search_requested = Signal(int, str)
    _open_requested = Signal(int)

    def __init__(
        self,
        library_factory: LibraryFactory,
        days: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._last_text: dict[int, str] = {}
        self._continuing: set[int] = set()  # tabs whose next text belongs to their adopted row
        self._request = 0
        worker = HistoryWorker(library_factory, days)
        self._save_requested.connect(worker.save)
        self._adopt_requested.connect(worker.adopt)
        self._forget_requested.connect(worker.forget_tab)
        self._copy_requested.connect(worker.record_copy)
        self._search_requested.connect(worker.search)
        self._open_requested.connect(worker.open)
        worker.found.connect(self._on_worker_found)
        worker.opened.connect(self._on_worker_opened)
        worker.saved.connect(self.row_saved)
        worker.failed.connect(self.failed)
        self._worker = worker  # PySide deletes a parentless QObject with its last reference
        self._thread = WorkerThread(worker, "history", self)

    def watch(self, tab: int, conversation: ConversationPane, row: int | None = None) -> None:
        """Keep tab `tab`'s conversation; `row`: it is that kept conversation already."""
        self._last_text[tab] = ""
        if row is not None:
            self.adopt(tab, row, conversation.editor.toPlainText())
        conversation.transcript_changed.connect(
            lambda _transcript, t=tab, pane=conversation: self._on_transcript_changed(t, pane)
        )

    def adopt(self, tab: int, row: int, text: str) -> None:
        """Tab `tab` shows kept conversation `row`: its next text updates that row."""
        self._last_text[tab] = text
        self._continuing.add(tab)
        self._adopt_requested.emit(tab, row)

    def forget_tab(self, tab: int) -> None:
        self._last_text.pop(tab, None)
        self._continuing.discard(tab)
        self._forget_requested.emit(tab)

    def search(self, text: str) -> None:
        self._request += 1
        self._search_requested.emit(self._request, text)

    def reopen(self, conversation_id: int) -> None:
        """Fetch a kept conversation; `opened` brings it for the window to show in a tab."""
        self._open_requested.emit(conversation_id)

    def record_copy(self, tab: int, kind: str, text: str) -> None:
        """Keep a copied draft with tab `tab`'s conversation."""
        self._copy_requested.emit(tab, kind, text)

    def shutdown(self) -> None:
        self._thread.stop()

    def _on_transcript_changed(self, tab: int, conversation: ConversationPane) -> None:
        if tab not in self._last_text:
            return  # the tab was closed
        text = conversation.editor.toPlainText()
        last = self._last_text[tab]
        if not text.strip():
            self._last_text[tab] = ""  # cleared: whatever comes next is a new conversation
            self._continuing.discard(tab)
            return
        if text == last:
            return
        new = not last or text[:SAME_START] != last[:SAME_START]
        if tab in self._continuing:
            self._continuing.discard(tab)
            new = False
        self._last_text[tab] = text
        self._save_requested.emit(tab, text, new)

    @Slot(int, object)
    def _on_worker_found(self, request_id: int, found: object) -> None:
        if request_id == self._request:
            self.results_ready.emit(found)

    @Slot(object)
    def _on_worker_opened(self, conversation: object) -> None:
        if conversation is None:
            self.failed.emit("That conversation is no longer in the history.")
            return
        self.opened.emit(conversation)
