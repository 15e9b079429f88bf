"""Library > Learn from past tickets: a ticket history taught to the ranking off the GUI thread.

The file is read, embedded and written on a worker thread of its own, started on the first
import; its library connection is closed after each import (imports are rare). A progress
dialog shows how far it got and can cancel; a cancel, a bad file or a failed write leaves the
examples as they were (desktop.library.ticket_history writes them in one transaction at the
end).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from desktop.errors import ImportFileError, InputError
from desktop.library.ticket_history import LearnReport, learn_from_file
from desktop.store.library import LibraryFactory
from desktop.ui.background import LibraryWorker, Reporter, WorkerThread
from desktop.ui.widgets.learn_dialog import LearnResultDialog, failure_text, headline

FILE_FILTER = "Ticket history (*.csv *.jsonl *.json);;All files (*)"
THREAD_NAME = "learn-import"
TITLE = "Learn from past tickets"


class LearnCancelledError(InputError):
    """The agent cancelled the import before anything was written."""


class LearnWorker(LibraryWorker):
    """Runs one import on its own library connection.

    Signals:
        progress(int, int): conversations embedded so far, all of them.
        learned(object): the LearnReport of a finished import.
        failed(str, bool): why nothing was learned; whether the file itself was the problem.
    """

    progress = Signal(int, int)
    learned = Signal(object)
    failed = Signal(str, bool)

    def __init__(self, library_factory: LibraryFactory, cancel: threading.Event) -> None:
        super().__init__(library_factory)
        self._cancel = cancel  # set by the GUI thread: a queued slot would wait for the import
        self.ran_on = ""  # the thread the import ran on (the tests compare it with the GUI's)

    @Slot(str)
    def learn(self, path: str) -> None:
        self.ran_on = QThread.currentThread().objectName()
        try:
            with Reporter(lambda message: self.failed.emit(message, False), "Unexpected error: "):
                try:
                    report = learn_from_file(self.library().repo, Path(path), self._on_progress)
                except (
                    ImportFileError
                ) as exc:  # the file itself: the dialog says what a good one is
                    self.failed.emit(str(exc), True)
                    return
                self.learned.emit(report)
        finally:
            self.release()  # no connection is held between imports

    def _on_progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise LearnCancelledError("cancelled")
        self.progress.emit(done, total)


class LearnImport(QObject):
    """The menu action's side: file dialog, worker thread, progress, then the outcome.

    Signals:
        learned(object): the LearnReport of an import that added examples (the window
            re-ranks its conversation).
        message(str): one line for the status bar.
    """

    learned = Signal(object)
    message = Signal(str)
    _requested = Signal(str)

    def __init__(self, library_factory: LibraryFactory, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self._library_factory = library_factory
        self._cancel = threading.Event()
        self._thread: WorkerThread | None = None
        self._file_name = ""
        self.worker: LearnWorker | None = None
        self.progress: QProgressDialog | None = None  # while an import runs
        self.result_dialog: LearnResultDialog | None = None
        self.error_box: QMessageBox | None = None
        app = QCoreApplication.instance()
        if app is not None:  # an import still running at quit is cancelled, then joined
            app.aboutToQuit.connect(self.shutdown)

    @property
    def busy(self) -> bool:
        return self.progress is not None

    @Slot()
    def choose_file(self) -> None:
        """Ask for a ticket history file and learn from it (the menu action)."""
        if self.progress is not None:  # one import at a time: show the one running
            self.progress.raise_()
            return
        name, _ = QFileDialog.getOpenFileName(self._parent, TITLE, "", FILE_FILTER)
        if name:
            self.learn(name)

    def learn(self, path: str) -> None:
        self._file_name = Path(path).name
        self._cancel.clear()
        if self.worker is None:
            self.worker = worker = LearnWorker(self._library_factory, self._cancel)
            self._requested.connect(worker.learn)
            worker.progress.connect(self._on_worker_progress)
            worker.learned.connect(self._on_worker_learned)
            worker.failed.connect(self._on_worker_failed)
            self._thread = WorkerThread(worker, THREAD_NAME, self)
        self.progress = progress = QProgressDialog(
            f"Reading {self._file_name}…", "Cancel", 0, 0, self._parent
        )
        progress.setWindowTitle(TITLE)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoReset(False)  # the dialog stays until the worker answers
        progress.setAutoClose(False)
        progress.canceled.connect(self._on_progress_canceled)
        progress.rejected.connect(self._on_progress_canceled)  # Esc
        progress.open()
        self._requested.emit(path)

    @Slot()
    def _on_progress_canceled(self) -> None:
        if self.progress is not None:  # closing the dialog when done cancels nothing
            self._cancel.set()
            self.progress.setLabelText("Cancelling…")  # the worker stops at its next step

    @Slot(int, int)
    def _on_worker_progress(self, done: int, total: int) -> None:
        if self.progress is None or self._cancel.is_set():
            return
        self.progress.setLabelText(
            f"Learning from {self._file_name}: {done} of {total} conversations…"
        )
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    @Slot(object)
    def _on_worker_learned(self, report: LearnReport) -> None:
        self._close_progress()
        self.result_dialog = LearnResultDialog(report, self._parent)
        self.result_dialog.open()  # window-modal without blocking the event loop
        self.message.emit(headline(report))
        self.learned.emit(report)

    @Slot(str, bool)
    def _on_worker_failed(self, message: str, bad_file: bool) -> None:
        self._close_progress()
        if self._cancel.is_set():
            self.message.emit(f"Learning from {self._file_name} cancelled: nothing was learned.")
            return
        self.error_box = QMessageBox(
            QMessageBox.Icon.Warning,
            TITLE,
            failure_text(self._file_name, message, bad_file),
            QMessageBox.StandardButton.Ok,
            self._parent,
        )
        self.error_box.open()
        self.message.emit(f"Could not learn from {self._file_name}: nothing was learned.")

    def _close_progress(self) -> None:
        progress, self.progress = self.progress, None
        if progress is not None:
            progress.close()
            progress.deleteLater()

    @Slot()
    def shutdown(self) -> None:
        """Cancel an import in hand and join the thread (quit, or the window closing)."""
        if self._thread is not None:
            self._cancel.set()
            self._thread.stop()
            self._thread = None
            self.worker = None
