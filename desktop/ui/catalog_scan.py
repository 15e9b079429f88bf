"""The picker's slow work on threads of its own: the catalog scan and the speed warm-up.

The scan runs on "model-scan", the measurement on "model-speed", each with progress and cancel.

A scan reads GGUF headers (~20 ms a new file, ~1 ms a cached one) across every app's folders;
on a laptop with many models or a slow disk that is seconds. A measurement loads a model and
decodes with it: seconds to a minute. Neither ever runs on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine import catalog, speed
from desktop.ui.background import Reporter, Worker, WorkerThread


class ScanWorker(Worker):
    """Runs catalog.scan on the model-scan thread.

    Signals:
        progress(int, int, int): scan id, files described, files found.
        scanned(int, object): scan id, the Catalog.
        failed(int, str): scan id, why the scan failed.
    """

    progress = Signal(int, int, int)
    scanned = Signal(int, object)
    failed = Signal(int, str)

    @Slot(int, object, int, object)
    def scan(
        self, scan_id: int, extra: Sequence[str], context_tokens: int, cancel: threading.Event
    ) -> None:
        with Reporter(lambda message: self.failed.emit(scan_id, message), "Scan failed: "):
            found = catalog.scan(
                catalog.all_folders(extra),
                context_tokens,
                lambda done, total: self.progress.emit(scan_id, done, total),
                cancel,
            )
            self.scanned.emit(scan_id, found)


class CatalogScan(QObject):
    """GUI-side handle: one scan at a time, the newest wins.

    Signals:
        progress(int, int): files described, files found.
        scanned(object): the Catalog of the newest scan.
        failed(str): the scan failed.
    """

    progress = Signal(int, int)
    scanned = Signal(object)
    failed = Signal(str)
    _scan_requested = Signal(int, object, int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scan_id = 0
        self._cancel = threading.Event()
        self._worker = ScanWorker()
        self._scan_requested.connect(self._worker.scan)
        self._worker.progress.connect(self._on_worker_progress)
        self._worker.scanned.connect(self._on_worker_scanned)
        self._worker.failed.connect(self._on_worker_failed)
        self._thread = WorkerThread(self._worker, "model-scan", self)

    def start(self, extra_folders: Sequence[str], context_tokens: int) -> None:
        self._cancel.set()  # a scan still running is superseded
        self._cancel = threading.Event()
        self._scan_id += 1
        self._scan_requested.emit(self._scan_id, tuple(extra_folders), context_tokens, self._cancel)

    def cancel(self) -> None:
        self._cancel.set()

    @Slot(int, int, int)
    def _on_worker_progress(self, scan_id: int, done: int, total: int) -> None:
        if scan_id == self._scan_id:
            self.progress.emit(done, total)

    @Slot(int, object)
    def _on_worker_scanned(self, scan_id: int, found: catalog.Catalog) -> None:
        if scan_id == self._scan_id:
            self.scanned.emit(found)

    @Slot(int, str)
    def _on_worker_failed(self, scan_id: int, message: str) -> None:
        if scan_id == self._scan_id:
            self.failed.emit(message)

    def shutdown(self) -> None:
        self._cancel.set()
        self._thread.stop()


class SpeedWorker(Worker):
    """Runs speed.measure on the model-speed thread.

    Signals:
        progress(int, float): job id, fraction of the model loaded.
        measured(int, str, object): job id, model path, its Speed.
        failed(int, str, str): job id, model path, why (cancelled included).
    """

    progress = Signal(int, float)
    measured = Signal(int, str, object)
    failed = Signal(int, str, str)

    @Slot(int, str, object)
    def measure(self, job_id: int, path: str, cancel: threading.Event) -> None:
        with Reporter(lambda message: self.failed.emit(job_id, path, message), "Not measured: "):
            found = speed.measure(
                Path(path), lambda fraction: self.progress.emit(job_id, fraction), cancel
            )
            self.measured.emit(job_id, path, found)


class SpeedMeasure(QObject):
    """GUI-side handle: one measurement at a time; starting another cancels the one running.

    Signals:
        progress(float): fraction of the model loaded.
        measured(str, object): model path, its Speed.
        failed(str, str): model path, why.
    """

    progress = Signal(float)
    measured = Signal(str, object)
    failed = Signal(str, str)
    _measure_requested = Signal(int, str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job_id = 0
        self._cancel = threading.Event()
        self._worker = SpeedWorker()
        self._measure_requested.connect(self._worker.measure)
        self._worker.progress.connect(self._on_worker_progress)
        self._worker.measured.connect(self._on_worker_measured)
        self._worker.failed.connect(self._on_worker_failed)
        self._thread = WorkerThread(self._worker, "model-speed", self)

    def start(self, path: str) -> None:
        self._cancel.set()
        self._cancel = threading.Event()
        self._job_id += 1
        self._measure_requested.emit(self._job_id, path, self._cancel)

    def cancel(self) -> None:
        self._cancel.set()

    @Slot(int, float)
    def _on_worker_progress(self, job_id: int, fraction: float) -> None:
        if job_id == self._job_id:
            self.progress.emit(fraction)

    @Slot(int, str, object)
    def _on_worker_measured(self, job_id: int, path: str, found: speed.Speed) -> None:
        if job_id == self._job_id:
            self.measured.emit(path, found)

    @Slot(int, str, str)
    def _on_worker_failed(self, job_id: int, path: str, message: str) -> None:
        if job_id == self._job_id:
            self.failed.emit(path, message)

    def shutdown(self) -> None:
        """Cancel what runs (a load stops at its next step) and join the thread."""
        self._cancel.set()
        self._thread.stop(30_000)
