"""Compact mode: the window shrinks to a narrow always-on-top strip beside the helpdesk.

The same widgets and controllers, not a second window: the conversation pane, the canned
responses, menu bar and status bar hide, and what is left (the reading chips, the ready reply,
the draft and Copy), about 420 px wide, stays on top of the browser. One key toggles back;
the full window's size and panes come back as they were. The agent's choice (compact or
not, "send the window behind after Copy") is kept in window.ini with the layout.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect, QSettings, Qt, Signal, Slot
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from desktop import paths

COMPACT_KEY = "Ctrl+Shift+M"  # Ctrl+M chooses the model; nothing else uses the Shift variant
COMPACT_SIZE = (420, 620)


def _store() -> QSettings:
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


class CompactMode(QObject):
    """Switches `window` between its full layout and the compact panel.

    Signals:
        toggled(bool): compact mode is now on (True) or off.
    """

    toggled = Signal(bool)

    def __init__(
        self,
        window: QMainWindow,
        hidden: Iterable[QWidget],
        splitter: QSplitter,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._hidden = tuple(hidden)
        self._splitter = splitter
        self._full_geometry = QRect()
        self._full_state = Qt.WindowState.WindowNoState
        self._full_sizes: list[int] = []
        self.compact = False
        store = _store()
        self.send_behind = store.value("send_behind_after_copy", False, type=bool) is True

    def restore(self) -> None:
        """Start in compact mode if the agent left the app in it."""
        if _store().value("compact", False, type=bool) is True:
            self.set_compact(True)

    @Slot()
    def toggle(self) -> None:
        self.set_compact(not self.compact)

    @Slot(bool)
    def set_compact(self, compact: bool) -> None:
        if compact == self.compact:
            return
        window = self._window
        if compact:
            self._full_geometry = window.geometry()
            self._full_state = window.windowState()
            self._full_sizes = self._splitter.sizes()
        for widget in self._hidden:
            widget.setVisible(not compact)
        window.menuBar().setVisible(not compact)
        window.statusBar().setVisible(not compact)
        # Changing a window flag re-creates the native window, which hides it: show it again.
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, compact)
        window.show()
        if compact:
            window.setWindowState(Qt.WindowState.WindowNoState)  # a maximised window can't shrink
            total = sum(self._full_sizes) or COMPACT_SIZE[1]
            self._splitter.setSizes([total * 2 // 3, total - total * 2 // 3])
            _settle(window)  # the hidden panes' minimum widths must no longer count
            window.resize(*COMPACT_SIZE)
        else:
            # Not restoreGeometry: it would also shrink the window to fit the screen.
            window.setGeometry(self._full_geometry)
            window.setWindowState(self._full_state)
            self._splitter.setSizes(self._full_sizes)
        window.activateWindow()  # the agent pressed the key here: keep the keyboard here
        self.compact = compact
        self._remember("compact", compact)
        self.toggled.emit(compact)

    @Slot(bool)
    def set_send_behind(self, on: bool) -> None:
        self.send_behind = on
        self._remember("send_behind_after_copy", on)

    def _remember(self, key: str, value: bool) -> None:
        store = _store()
        store.setValue(key, value)
        store.sync()

    @Slot(str, str)
    def after_copy(self, _kind: str = "", _text: str = "") -> None:
        """Connected to CopyWatch.copied: only a Copy that copied sends the window away."""
        if not self.send_behind:
            return
        if self.compact:
            self._window.lower()  # the panel stays in sight; a stay-on-top window may not move
        else:
            self._window.showMinimized()  # desktops give the focus back to the helpdesk

    def leave_for_close(self) -> None:
        """Back to the full layout so that it is what gets saved; compact comes back at start."""
        was_compact = self.compact
        self.set_compact(False)
        self._remember("compact", was_compact)


def _settle(widget: QWidget) -> None:
    """Let the layouts take the hidden panes out now (they would on the next loop pass)."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    layout = widget.layout()
    if layout is not None:
        layout.activate()
