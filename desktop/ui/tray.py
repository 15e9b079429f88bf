"""Tray icon: the window one click away, every tab's ready reply one click from the clipboard.

The menu: show or hide the window, copy the shown tab's ready reply, the other tabs' ready
replies (a submenu, built when the menu opens), a new conversation from the clipboard (the
window comes forward and drafts), compact mode, quit.

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
        self.others_menu = QMenu("Ready replies in other &tabs", self.menu)
        self.clipboard_action = QAction("New conversation from the &clipboard", self.menu)
        self.quit_action = QAction("&Quit", self.menu)
        self.menu.addActions([self.toggle_action, self.ready_action])
        self.menu.addMenu(self.others_menu)
        self.menu.addSeparator()
        self.menu.addActions([self.clipboard_action, window.compact_action])
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.clipboard_action.triggered.connect(self.from_clipboard)
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
    def from_clipboard(self) -> None:
        """The clipboard as a conversation (a new tab unless the shown one is empty), drafted."""
        text = QGuiApplication.clipboard().text()
        window = self._window
        window.showNormal()
        window.raise_()
        window.activateWindow()
        if not text.strip():
            window.statusBar().showMessage("The clipboard holds no text.", 8000)
            return
        tab = window.receive_conversation(text)
        if window.assist.model_info is not None:
            tab.drafts.generate()

    @Slot()
    def _on_menu_about_to_show(self) -> None:
        shown = self._window.isVisible() and not self._window.isMinimized()
        self.toggle_action.setText("&Hide window" if shown else "&Show window")
        self.others_menu.clear()
        current = self._window.current_tab
        for tab in self._window.tabs.ordered():
            ready = tab.drafts.session.ready
            if tab is current or ready is None:
                continue
            action = self.others_menu.addAction(f"{tab.title()}: {ready.reply.canned.title}")
            action.triggered.connect(tab.drafts.copy_ready)
        self.others_menu.setEnabled(not self.others_menu.isEmpty())

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
