"""The keyboard path through the window: the focus order, pane jumps and focus coming back.

Tab and Shift+Tab walk the controls in reading order (conversation, then the right pane top to
bottom, then the canned list); F6 and Shift+F6 jump a whole pane; Alt+1…4 go straight to one.
Ctrl+Tab stays with the conversation tabs. After a dialog closes, the window gets the keyboard
back with the widget that had it, so window shortcuts work again without a click.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import QChildEvent, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from shiboken6 import isValid

PANE_KEYS = ("Alt+1", "Alt+2", "Alt+3", "Alt+4")
NEXT_PANE_KEY, PREVIOUS_PANE_KEY = "F6", "Shift+F6"


@dataclass(frozen=True)
class Pane:
    """A place the keyboard can jump to: its name (menus, help) and the widget that takes focus."""

    name: str
    widget: Callable[[], QWidget]


def focusable(widget: QWidget) -> bool:
    """Whether Tab would stop on `widget` now (shown, enabled, taking focus by Tab)."""
    policy = widget.focusPolicy()
    takes_tab = bool(policy.value & Qt.FocusPolicy.TabFocus.value)
    return takes_tab and widget.isVisibleTo(widget.window()) and widget.isEnabled()


def chain(widgets: Sequence[QWidget]) -> None:
    """Make Tab go through `widgets` in this order (hidden ones are skipped by Qt itself)."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)


def tab_stops(start: QWidget, limit: int = 200) -> list[QWidget]:
    """The widgets Tab visits after `start`, in order, until it comes round again."""
    window = start.window()
    stops: list[QWidget] = []
    widget: QWidget | None = start.nextInFocusChain()
    for _ in range(limit * 10):
        if widget is None or (widget is start and stops) or len(stops) >= limit:
            break
        if widget.window() is window and focusable(widget) and widget not in stops:
            stops.append(widget)
        widget = widget.nextInFocusChain()
    return stops


class PaneJumper:
    """Moves the keyboard between the panes, in the order given."""

    def __init__(self, panes: Sequence[Pane]) -> None:
        self.panes = tuple(panes)

    def jump(self, index: int) -> None:
        widget = self.panes[index].widget()
        if not widget.isVisible():  # e.g. no ready reply yet: the next pane that is there
            self.step(1, from_index=index)
            return
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def current(self) -> int:
        focused = QApplication.focusWidget()
        for index, pane in enumerate(self.panes):
            widget = pane.widget()
            if focused is not None and (focused is widget or widget.isAncestorOf(focused)):
                return index
        return -1

    def step(self, step: int, from_index: int | None = None) -> None:
        """Next (+1) or previous (-1) pane that is shown."""
        index = self.current() if from_index is None else from_index
        for _ in range(len(self.panes)):
            index = (index + step) % len(self.panes)
            widget = self.panes[index].widget()
            if widget.isVisible():
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return


class FocusReturn(QObject):
    """Gives `window` the keyboard back when one of its dialogs closes.

    Without a window manager (and on some desktops) a closed window-modal dialog leaves no
    window active, so the window's shortcuts (Ctrl+Shift+C, Ctrl+,) did nothing until a
    click. Qt says nothing when that happens (the focus window is dropped silently), so the
    dialogs themselves are watched: each child dialog of the window, met when Qt polishes it,
    reports its Show and Hide. Nothing else passes through here.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._before: QWidget | None = None  # the window's focus widget when a dialog opened
        self._watched: set[int] = set()
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._window:
            if kind == QEvent.Type.ChildPolished and isinstance(event, QChildEvent):
                child = event.child()
                if isinstance(child, QDialog) and id(child) not in self._watched:
                    self._watched.add(id(child))
                    child.installEventFilter(self)
                    child.destroyed.connect(partial(self._watched.discard, id(child)))
        elif kind == QEvent.Type.Show:
            focus = self._window.focusWidget()
            if focus is not None:
                self._before = focus
        elif kind == QEvent.Type.Hide:
            QTimer.singleShot(0, self, self._give_back)
        return False

    def _give_back(self) -> None:
        window = self._window
        if not window.isVisible() or QApplication.activeModalWidget() is not None:
            return
        active = QApplication.activeWindow()
        if active is not None and active is not window:
            return  # the keyboard went to another window on purpose (the library window)
        window.activateWindow()  # the window's own focus widget gets the keyboard back
        current: QWidget | None = window.focusWidget()  # None at run time, whatever stubs say
        if current is not None and focusable(current):
            return  # where it was, or where the dialog put it (an insert focuses the draft)
        before = self._before
        if before is not None and isValid(before) and focusable(before):
            before.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
