"""Start the window: QApplication, settings, library, controllers, then the event loop."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from PySide6.QtGui import QIcon
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import APP_ID, APP_NAME, __version__, paths
from desktop import settings as settings_module
from desktop.drafting.pipeline import load_system_prompt
from desktop.engine.loading import load_engine
from desktop.errors import StoreError
from desktop.store.library import Library, open_library
from desktop.system import autostart
from desktop.ui import handover
from desktop.ui.api_host import ApiHost
from desktop.ui.assist import AssistController
from desktop.ui.canned_search import CannedSearch
from desktop.ui.global_hotkey import BackendFactory, GlobalHotkey
from desktop.ui.main_window import MainWindow
from desktop.ui.tray import Tray

logger = logging.getLogger(__name__)

SettingsFollower = Callable[[settings_module.Settings], None]


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


def build_window(
    settings: settings_module.Settings,
    save_settings: SettingsFollower = settings_module.save,
) -> MainWindow:
    """Controllers and window; the model starts loading in the background at once.

    The local API starts too when the settings enable it (off the GUI thread), and follows
    every save of the settings.
    """
    assist = AssistController(load_engine, worker_library, load_system_prompt())
    search = CannedSearch(worker_library)
    palette_search = CannedSearch(worker_library)  # its own thread: palette and panel never race
    api = ApiHost(worker_library, load_engine)
    window = MainWindow(
        assist, search, palette_search, settings, followed(save_settings, api.apply),
        worker_library,
    )  # fmt: skip
    for controller in (assist, search, palette_search, api):
        controller.setParent(window)
    app = QApplication.instance()
    assert app is not None
    app.aboutToQuit.connect(assist.shutdown)
    app.aboutToQuit.connect(search.shutdown)
    app.aboutToQuit.connect(palette_search.shutdown)
    app.aboutToQuit.connect(window.shutdown_manager)
    app.aboutToQuit.connect(api.shutdown)
    api.message.connect(window.statusBar().showMessage)
    assist.load_model(settings)
    api.apply(settings)
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


def followed(save: SettingsFollower, follow: SettingsFollower) -> SettingsFollower:
    """`save`, then `follow`, even when saving failed: the window uses the settings anyway."""

    def save_and_follow(settings: settings_module.Settings) -> None:
        try:
            save(settings)
        finally:
            follow(settings)

    return save_and_follow


def saving(followers: list[SettingsFollower]) -> SettingsFollower:
    """Save, then let each follower act on the saved settings (shortcut, login entry)."""

    def save(settings: settings_module.Settings) -> None:
        settings_module.save(settings)
        for follow in followers:
            follow(settings)

    return save


def start_global_hotkey(
    window: MainWindow,
    inbox: handover.HandoverInbox,
    settings: settings_module.Settings,
    backend: BackendFactory | None = None,
) -> GlobalHotkey:
    """Register the settings' shortcut; a press hands the selection to `inbox` (a handover)."""
    hotkey = GlobalHotkey(backend, window)  # the window's child: the settings dialog finds it
    hotkey.activated.connect(inbox.receive)  # receive() brings the window forward first
    hotkey.failed.connect(window.statusBar().showMessage)  # e.g. taken by another app
    app = QApplication.instance()
    assert app is not None
    app.aboutToQuit.connect(hotkey.close)  # XUngrabKey / UnregisterHotKey
    hotkey.apply(settings.global_shortcut_enabled, settings.global_shortcut)
    return hotkey


def follow_hotkey(hotkey: GlobalHotkey, settings: settings_module.Settings) -> SettingsFollower:
    """Register again when the saved shortcut changes, not on every save.

    A taken shortcut would otherwise report itself again whenever the agent changed, say, the
    tone.
    """
    applied = [(settings.global_shortcut_enabled, settings.global_shortcut)]

    def follow(saved: settings_module.Settings) -> None:
        wanted = (saved.global_shortcut_enabled, saved.global_shortcut)
        if wanted != applied[0]:
            applied[0] = wanted
            hotkey.apply(*wanted)

    return follow


def follow_autostart(window: MainWindow) -> SettingsFollower:
    """Write or remove the OS's login entry when the setting and the entry differ."""

    def follow(settings: settings_module.Settings) -> None:
        if settings.start_at_login == autostart.is_enabled():
            return
        try:
            autostart.apply(settings.start_at_login)
        except autostart.AutostartError as exc:
            window.statusBar().showMessage(str(exc), 20000)
            return
        done = "minimised, at login" if settings.start_at_login else "no longer at login"
        window.statusBar().showMessage(f"{APP_NAME} will start {done}.", 8000)

    return follow


def instance_running() -> bool:
    """Whether a window already serves the handover socket (asked without raising it)."""
    socket = QLocalSocket()
    socket.connectToServer(handover.server_name())
    running = socket.waitForConnected(handover.CONNECT_MS)
    socket.abort()
    return running


def run_gui(args: argparse.Namespace) -> int:
    app = create_app()
    text = handover_text(args)
    minimized = bool(getattr(args, "minimized", False))
    if minimized and not text:
        if instance_running():
            return 0  # the login entry ran with the app already up: leave its window alone
    elif handover.send(text):
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
    followers: list[SettingsFollower] = []
    window = build_window(settings, saving(followers))
    window.restore_layout()
    tray = Tray(window, app.quit)
    if minimized:
        # No compact restore: it would show the window. The choice stays saved for next time.
        tray.start_minimized()
    else:
        window.show()
        window.compact_mode.restore()
    restored = window.autosave.restore()  # what an unclean exit left on screen
    notice = " ".join(part for part in (recovered, restored) if part)
    if notice:
        window.statusBar().showMessage(notice, 20000)
    if args.conversation:
        window.open_file(str(args.conversation))  # a new tab beside any restored ones
    _server, inbox = handover.serve(window)
    hotkey = start_global_hotkey(window, inbox, settings)
    followers += [follow_hotkey(hotkey, settings), follow_autostart(window)]
    if text.strip():
        inbox.receive(text)
    return app.exec()
