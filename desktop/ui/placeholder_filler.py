"""Insert a canned response with its placeholders filled, asking for what is unknown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from desktop import placeholders
from desktop.store.canned import CannedResponse
from desktop.ui.widgets.fill_in_form import FillInForm

ValuesSource = Callable[[], dict[str, str]]
Inserter = Callable[[str, "int | None"], None]


class PlaceholderFiller(QObject):
    """Fills from known values; unknown ones go through a FillInForm (window-modal, non-blocking).

    Signals:
        message(str): something the user should read (status bar).
    """

    message = Signal(str)

    def __init__(self, window: QWidget, values: ValuesSource, insert: Inserter) -> None:
        super().__init__(window)
        self._window = window
        self._values = values
        self._insert = insert
        self._pending: tuple[str, dict[str, str]] | None = None
        self.form: FillInForm | None = None

    @Slot(object)
    def insert(self, response: CannedResponse) -> None:
        values = self._values()
        rendered = placeholders.render(response.body, values)
        unknown = [n for n in rendered.unresolved if placeholders.is_known(n)]
        if not unknown:
            self._insert(rendered.text, rendered.cursor)
            return
        # The window's own dialog (not a pane's): it gets the keyboard back when it closes.
        self.form = FillInForm(unknown, response.title, self._window.window())
        self.form.filled.connect(self._on_form_filled)
        self._pending = (response.body, values)
        self.form.open()

    @Slot(object)
    def _on_form_filled(self, typed: dict[str, str]) -> None:
        if self._pending is None:
            return
        body, values = self._pending
        self._pending = None
        rendered = placeholders.render(body, {**values, **typed})
        self._insert(rendered.text, rendered.cursor)
        if rendered.unresolved:
            self.message.emit(f"Still unfilled: {', '.join(rendered.unresolved)}")
