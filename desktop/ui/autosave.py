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
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QPlainTextEdit

from desktop.autosave_store import AutosaveStore, Workspace
from desktop.store import storage
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


class AutosaveWorker(Worker):
    """Writes snapshots on its own thread, in the order they were taken.

    Signals:
        failed(str): a write was refused (said once until a write succeeds again).
    """

    failed = Signal(str)

    def __init__(self, store: AutosaveStore) -> None:
        super().__init__()
        self._store = store
        self._failing = False

    @Slot(object)
    def save(self, workspace: Workspace) -> None:
        try:
            self._store.save(workspace)
        except OSError as exc:  # a full or read-only disk: the app keeps working without it
            logger.warning("Autosave failed: %s", exc)
            if not self._failing:
                self._failing = True
                self.failed.emit(failure_message(exc, self._store.path.parent))
        else:
            self._failing = False


def failure_message(exc: OSError, folder: Path) -> str:
    """One line for the status bar: what failed, and what to do."""
    described = storage.describe(exc, folder, LOST_ON_CRASH)
    return str(described) if described is not None else f"Autosave failed ({exc}); {LOST_ON_CRASH}."


class Autosave(QObject):
    """Snapshots the window's tabs about a second after any watched editor changes.

    Signals:
        failed(str): the snapshot could not be written (full or read-only disk).
    """

    failed = Signal(str)
    _save_requested = Signal(object)

    def __init__(
        self,
        store: AutosaveStore,
        workspace: Callable[[], Workspace],
        reopen: Callable[[Workspace], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._workspace = workspace
        self._reopen = reopen
        self._finished = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        worker = AutosaveWorker(store)
        self._save_requested.connect(worker.save)
        worker.failed.connect(self.failed)
        self._worker = worker  # PySide deletes a parentless QObject with its last reference
        self._thread = WorkerThread(worker, "autosave", self)

    def watch(self, *editors: QPlainTextEdit) -> None:
        for editor in editors:
            editor.textChanged.connect(self.changed)

    def restore(self) -> str:
        """Reopen the tabs the last session left; returns the status-bar message, or ""."""
        workspace = self._store.load()
        return self._reopen(workspace) if workspace is not None else ""

    def finish(self) -> None:
        """Clean quit: stop the thread, then write the tabs marked clean for the next start."""
        if self._finished:
            return
        self._finished = True
        self._timer.stop()
        self._thread.stop()
        workspace = self._workspace()
        try:
            self._store.save(Workspace(workspace.tabs, workspace.current, clean=True))
        except OSError as exc:
            logger.warning("Could not keep the open conversations: %s", exc)

    @Slot()
    def changed(self) -> None:
        """Something on screen changed (text, a tab opened, closed or moved)."""
        if not self._finished and not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._save_requested.emit(self._workspace())
