"""Start the window: QApplication, settings, library, controllers, then the event loop."""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import APP_ID, APP_NAME, __version__, paths
from desktop import settings as settings_module
from desktop.engine.loading import load_engine
from desktop.errors import StoreError
from desktop.store.library import Library, open_library
from desktop.suggest import load_system_prompt
from desktop.ui import handover
from desktop.ui.assist import AssistController
from desktop.ui.canned_search import CannedSearch
from desktop.ui.main_window import MainWindow
from desktop.ui.tray import Tray

logger = logging.getLogger(__name__)


def worker_library() -> Library:
    """Each worker thread opens its own connection; start-up already checked and seeded."""
    return open_library(seed=False, verify=False)


def create_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    icon = paths.resource_dir() / "icons" / "agent-assist.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    style = paths.resource_dir() / "styles" / "app.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def build_window(settings: settings_module.Settings) -> MainWindow:
    """Controllers and window; the model starts loading in the background at once."""
    assist = AssistController(load_engine, worker_library, load_system_prompt())
    search = CannedSearch(worker_library)
    palette_search = CannedSearch(worker_library)  # its own thread: palette and panel never race
    window = MainWindow(
        assist, search, palette_search, settings, settings_module.save, worker_library
    )
    for controller in (assist, search, palette_search):
        controller.setParent(window)
    app = QApplication.instance()
    assert app is not None
    app.aboutToQuit.connect(assist.shutdown)
    app.aboutToQuit.connect(search.shutdown)
    app.aboutToQuit.connect(palette_search.shutdown)
    app.aboutToQuit.connect(window.shutdown_manager)
    assist.load_model(settings)
    search.refresh_now()
    search.warm()  # the ranking index, before the first conversation arrives
    return window


def handover_text(args: argparse.Namespace) -> str:
    """What this launch hands over: the --text, the selection or clipboard, or "" (raise)."""
    if getattr(args, "text", None):
        return str(args.text)
    if getattr(args, "from_clipboard", False) or getattr(args, "from_selection", False):
        return handover.captured_text(selection=bool(getattr(args, "from_selection", False)))
    return ""


def run_gui(args: argparse.Namespace) -> int:
    app = create_app()
    text = handover_text(args)
    if handover.send(text):
        return 0  # the running window took it (or just came forward): one window per user
    settings = settings_module.load()
    if args.model:
        settings = settings.replace(model_path=str(args.model))  # this session only
    try:
        library = open_library()  # creates, migrates and seeds before the workers start
    except StoreError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    recovered = library.recovery_message()  # damaged file kept, how many responses came back
    library.close()
    window = build_window(settings)
    window.restore_layout()
    window.show()
    window.compact_mode.restore()
    restored = window.autosave.restore()  # what an unclean exit left on screen
    notice = " ".join(part for part in (recovered, restored) if part)
    if notice:
        window.statusBar().showMessage(notice, 20000)
    if args.conversation:
        window.conversation.load_file(str(args.conversation))
    _server, inbox = handover.serve(window)
    Tray(window, app.quit)
    if text.strip():
        inbox.receive(text)
    return app.exec()
