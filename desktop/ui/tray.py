"""Tray icon: the window one click away, the last ready reply one click from the clipboard.

Where the desktop has no tray (GNOME without an extension, offscreen tests) the icon is not
shown; the menu still exists, so the same actions are there for whoever shows it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop import APP_NAME
from desktop.ui.main_window import MainWindow

NO_READY = "No ready reply yet"


class Tray(QObject):
    """The tray icon and its menu: show/hide, copy the last ready reply, quit."""

    def __init__(self, window: MainWindow, quit_app: Callable[[], object]) -> None:
        super().__init__(window)
        self._window = window
        self.menu = QMenu(window)
        self.toggle_action = QAction("&Hide window", self.menu)
        self.ready_action = QAction(NO_READY, self.menu)
        self.ready_action.setEnabled(False)
        self.quit_action = QAction("&Quit", self.menu)
        self.menu.addActions([self.toggle_action, self.ready_action])
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.toggle_action.triggered.connect(self.toggle_window)
        self.ready_action.triggered.connect(window.copy_ready)  # the shown tab's
        self.quit_action.triggered.connect(quit_app)
        self.menu.aboutToShow.connect(self._on_menu_about_to_show)
        # After the draft controller (connected first) has shown the newest ready reply.
        window.search.ranked.connect(self._on_search_ranked)
        self.icon = QSystemTrayIcon(QGuiApplication.windowIcon(), window)
        self.icon.setToolTip(APP_NAME)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_icon_activated)
        self.icon.setVisible(QSystemTrayIcon.isSystemTrayAvailable())

    @Slot()
    def toggle_window(self) -> None:
        window = self._window
        if window.isVisible() and not window.isMinimized():
            window.hide()
        else:
            window.showNormal()
            window.raise_()
            window.activateWindow()
        self._on_menu_about_to_show()

    def start_minimized(self) -> None:
        """--minimized (the login entry): hidden behind the tray icon, else minimised."""
        if self.icon.isVisible():
            self._window.hide()
        else:
            self._window.showMinimized()  # no tray to bring a hidden window back from
        self._on_menu_about_to_show()

    @Slot()
    def _on_menu_about_to_show(self) -> None:
        shown = self._window.isVisible() and not self._window.isMinimized()
        self.toggle_action.setText("&Hide window" if shown else "&Show window")

    @Slot(object, object, object)
    def _on_search_ranked(self, *_ranked: object) -> None:
        title = self._window.suggestion.ready.title.text().lstrip("· ").strip()
        shown = self._window.suggestion.ready.isVisibleTo(self._window.suggestion)
        self.ready_action.setEnabled(bool(title) and shown)
        self.ready_action.setText(f"Copy ready reply: {title}" if title and shown else NO_READY)

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:  # a left click
            self.toggle_window()
