from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from desktop.settings import Settings
from desktop.store.library import open_library
from desktop.ui.launch import build_window, create_app
from desktop.ui.main_window import MainWindow
from pytestqt.qtbot import QtBot

WindowFactory = Callable[[Settings], MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, app_home: Path) -> Iterator[WindowFactory]:
    """The real window with real controllers, worker threads, database and engine."""
    windows: list[MainWindow] = []

    def make(settings: Settings) -> MainWindow:
        create_app()
        open_library().close()  # first-run seeding, as run_gui does
        window = build_window(settings)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.assist.shutdown()
        window.search.shutdown()
        window.palette_search.shutdown()
        window.shutdown_manager()
