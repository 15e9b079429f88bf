"""The Qt binding keeps Python's reference counts: PySide6 6.12.0 did not.

In 6.12.0 every call of a method that returns nothing (setText, update, processEvents...) took
one reference from None, so a long day in the app, or a long test run, ended in "Fatal Python
error: none_dealloc / bool_dealloc". pyproject.toml keeps that release out; this test fails if
an upgrade brings the bug back.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot


def test_void_calls_keep_the_reference_to_none(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    app = QApplication.instance()
    assert app is not None
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("x")
        label.update()
        app.processEvents()
    assert sys.getrefcount(None) - before > -100, "the Qt binding leaks references to None"
