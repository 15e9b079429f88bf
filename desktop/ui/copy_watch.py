"""Tells when a Copy click really copied, for what follows a copy (history, send behind).

The draft controller decides whether a Copy copies (it refuses while placeholders are
unfilled), so the window cannot just listen to the buttons. A Copy counts when the clipboard
changed right after the click: the copy slot was connected first and has already run.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance, Slot
from PySide6.QtGui import QGuiApplication

from desktop.store.feedback import Kind

COPY_WINDOW_S = 0.5  # a clipboard change this soon after a Copy click was that click's


class CopyWatch(QObject):
    """Watches the window's Copy buttons and actions.

    Signals:
        copied(str, str): the kind ("draft" or "ready_reply") and the text now on the clipboard.
    """

    copied = Signal(str, str)

    def __init__(
        self, triggers: Iterable[tuple[SignalInstance, Kind]], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._changed_at = 0.0
        QGuiApplication.clipboard().dataChanged.connect(self._on_clipboard_changed)
        for trigger, kind in triggers:
            self.watch(trigger, kind)

    def watch(self, trigger: SignalInstance, kind: Kind) -> None:
        """Also watch `trigger` (a new tab's Copy button)."""
        trigger.connect(lambda *_args, k=kind: self._on_copy_triggered(k))

    @Slot()
    def _on_clipboard_changed(self) -> None:
        self._changed_at = time.monotonic()

    def _on_copy_triggered(self, kind: Kind) -> None:
        QTimer.singleShot(0, lambda: self._emit_if_copied(kind))

    def _emit_if_copied(self, kind: Kind) -> None:
        if time.monotonic() - self._changed_at < COPY_WINDOW_S:
            self.copied.emit(kind, QGuiApplication.clipboard().text())
