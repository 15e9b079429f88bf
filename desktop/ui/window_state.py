"""Remember the window's size and its panes' sizes between sessions (config/window.ini)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

from desktop import paths


def _store() -> QSettings:
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


def restore(window: QMainWindow, splitters: dict[str, QSplitter]) -> None:
    store = _store()
    value = store.value("geometry")
    if isinstance(value, QByteArray):
        window.restoreGeometry(value)
    for name, splitter in splitters.items():
        value = store.value(name)
        if isinstance(value, QByteArray):
            splitter.restoreState(value)


def save(window: QMainWindow, splitters: dict[str, QSplitter]) -> None:
    store = _store()
    store.setValue("geometry", window.saveGeometry())
    for name, splitter in splitters.items():
        store.setValue(name, splitter.saveState())
    store.sync()
