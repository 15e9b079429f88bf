"""Autosave: the conversation and the draft written to a small file about a second after a change.

The window's texts are read on the GUI thread (cheap: two `toPlainText` calls); the write with
its fsync runs on the autosave thread, so a slow disk never stalls typing or streaming. The
timer throttles rather than debounces: while tokens stream in, a snapshot still lands every
second instead of waiting for the stream to end. A clean quit (`finish`) removes the file;
`restore` at start-up brings back whatever an unclean exit left.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QPlainTextEdit

from desktop.autosave_store import AutosaveStore, Snapshot
from desktop.ui.background import Worker, WorkerThread
from desktop.ui.widgets.conversation_pane import ConversationPane

logger = logging.getLogger(__name__)

DELAY_MS = 1_000
RESTORED = "Restored the conversation and draft from the last session"


class AutosaveWorker(Worker):
    """Writes snapshots on its own thread, in the order they were taken."""

    def __init__(self, store: AutosaveStore) -> None:
        super().__init__()
        self._store = store

    @Slot(str, str)
    def save(self, conversation: str, draft: str) -> None:
        try:
            self._store.save(Snapshot(conversation, draft))
        except OSError as exc:  # a full or read-only disk: the app keeps working without it
            logger.warning("Autosave failed: %s", exc)


class Autosave(QObject):
    """Watches the conversation pane and the draft editor; snapshots them after each change."""

    _save_requested = Signal(str, str)

    def __init__(
        self,
        store: AutosaveStore,
        conversation: ConversationPane,
        draft: QPlainTextEdit,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._conversation = conversation
        self._draft = draft
        self._finished = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        worker = AutosaveWorker(store)
        self._save_requested.connect(worker.save)
        self._worker = worker  # PySide deletes a parentless QObject with its last reference
        self._thread = WorkerThread(worker, "autosave", self)
        conversation.editor.textChanged.connect(self._on_text_changed)
        draft.textChanged.connect(self._on_text_changed)

    def restore(self) -> str:
        """Put back what an unclean exit left; returns the status-bar message, or ""."""
        snapshot = self._store.load()
        if snapshot is None:
            return ""
        if snapshot.conversation.strip():
            self._conversation.set_text(snapshot.conversation)
        if snapshot.draft.strip():
            self._draft.setPlainText(snapshot.draft)
        return RESTORED

    def finish(self) -> None:
        """Clean quit: stop the thread, then remove the file (nothing needs restoring)."""
        if self._finished:
            return
        self._finished = True
        self._timer.stop()
        self._thread.stop()
        try:
            self._store.clear()
        except OSError as exc:
            logger.warning("Could not remove the autosave file: %s", exc)

    @Slot()
    def _on_text_changed(self) -> None:
        if not self._finished and not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        conversation = self._conversation.editor.toPlainText()
        self._save_requested.emit(conversation, self._draft.toPlainText())
