"""Help > About: the version (from desktop/__init__.py), the model in use and the data folder."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop import APP_NAME, __version__, paths
from desktop.engine.types import ModelInfo


def about_box(parent: QWidget, model: ModelInfo | None) -> QMessageBox:
    """A box to `open()`: window-modal without blocking the event loop."""
    loaded = f"{model.name} ({model.path})" if model else "none loaded"
    cpu = f"\nllama.cpp CPU code: {model.cpu_variant_reason}" if model else ""
    box = QMessageBox(
        QMessageBox.Icon.Information,
        f"About {APP_NAME}",
        f"{APP_NAME} {__version__}\nOffline reply suggestions for support agents.\n\n"
        f"Model: {loaded}{cpu}\nData folder: {paths.data_dir()}",
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box
