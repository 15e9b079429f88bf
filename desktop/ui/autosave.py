"""Autosave: the open tabs (conversations and drafts) written to a small file after a change.

The window's texts are read on the GUI thread (cheap: two `toPlainText` calls a tab); the
write with its fsync runs on the autosave thread, so a slow disk never stalls typing or
streaming. The timer throttles rather than debounces: while tokens stream in, a snapshot still
lands every second instead of waiting for the stream to end. A clean quit (`finish`) writes
the tabs one last time, marked clean, so they come back at the next start; finding an unclean
file at start-up means the last session crashed or was killed, and the agent is told so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QPlainTextEdit

from desktop.autosave.store import SnapshotWriter
from desktop.autosave.workspace import AutosaveStore, Workspace
from desktop.ui.background import Worker, WorkerThread

logger = logging.getLogger(__name__)

DELAY_MS = 1_000
LOST_ON_CRASH = "the open conversations would not come back after a crash"
RESTORED = "Restored the conversations and drafts from the last session"


def restored_message(workspace: Workspace) -> str:
    """What the status bar says about tabs brought back ("" after a clean quit)."""
    if workspace.clean:
        return ""
    count = len(workspace.tabs)
    what = "1 conversation" if count == 1 else f"{count} conversations"
    return f"{RESTORED} ({what}; it ended unexpectedly)."


class SnapshotWorker(Worker):
    """Writes snapshots on its own thread, in the order they were taken.

    Signals:
        failed(str): a write was refused (said once, not at every snapshot).
    """

    failed = Signal(str)

    def __init__(self, writer: SnapshotWriter[Any]) -> None:
        super().__init__()
        self._writer = writer

    @Slot(object)
    def save(self, snapshot: object) -> None:
        message = self._writer.write(snapshot)
        if message:
            self.failed.emit(message)


class ThrottledSave(QObject):
    """Takes a snapshot on the GUI thread about a second after a change; writes it on its thread.

    Subclasses say what the snapshot is (`snapshot`, None to remove the file) and what a
    clean close keeps (`finish`).

    Signals:
        failed(str): the snapshot could not be written (full or read-only disk).
    """

    failed = Signal(str)
    _save_requested = Signal(object)

    def __init__(self, writer: SnapshotWriter[Any], thread: str, parent: QObject | None) -> None:
        super().__init__(parent)
        self._finished = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        worker = SnapshotWorker(writer)
        self._save_requested.connect(worker.save)
        worker.failed.connect(self.failed)
        self._worker = worker  # PySide deletes a parentless QObject with its last reference
        self._thread = WorkerThread(worker, thread, self)

    def snapshot(self) -> object:
        raise NotImplementedError

    @Slot()
    def changed(self) -> None:
        """Something on screen changed: a snapshot follows within a second."""
        if not self._finished and not self._timer.isActive():
            self._timer.start()

    @Slot()
    def save_now(self) -> None:
        if self._finished:
            return
        self._timer.stop()
        self._save_requested.emit(self.snapshot())

    def _stop(self) -> bool:
        """Stop the timer and the thread; False when they already were (finish runs once)."""
        if self._finished:
            return False
        self._finished = True
        self._timer.stop()
        self._thread.stop()
        return True


class Autosave(ThrottledSave):
    """Snapshots the window's tabs about a second after any watched editor changes.

    Signals:
        failed(str): the snapshot could not be written (full or read-only disk).
    """

    def __init__(
        self,
        store: AutosaveStore,
        workspace: Callable[[], Workspace],
        reopen: Callable[[Workspace], str],
        parent: QObject | None = None,
    ) -> None:
        fallback = "Autosave failed ({exc}); " + LOST_ON_CRASH + "."
        super().__init__(SnapshotWriter(store, LOST_ON_CRASH, fallback), "autosave", parent)
        self._store = store
        self._workspace = workspace
        self._reopen = reopen

    def snapshot(self) -> Workspace:
        return self._workspace()

    def watch(self, *editors: QPlainTextEdit) -> None:
        for editor in editors:
            editor.textChanged.connect(self.changed)

    def restore(self) -> str:
        """Reopen the tabs the last session left; returns the status-bar message, or ""."""
        workspace = self._store.load()
        return self._reopen(workspace) if workspace is not None else ""

    def finish(self) -> None:
        """Clean quit: stop the thread, then write the tabs marked clean for the next start."""
        if not self._stop():
            return
        workspace = self._workspace()
        try:
            self._store.save(Workspace(workspace.tabs, workspace.current, clean=True))
        except OSError as exc:
            logger.warning("Could not keep the open conversations: %s", exc)
