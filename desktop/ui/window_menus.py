"""The main window's commands: one QAction each, with its keys, and the menu bar showing them.

Every action is added to the window, so its key works wherever the focus is in it, and the
Keyboard shortcuts dialog lists it (shortcut_rows reads the window's actions, in this order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from desktop.ui.compact import COMPACT_KEY
from desktop.ui.keyboard import NEXT_PANE_KEY, PANE_KEYS, PREVIOUS_PANE_KEY, Pane, PaneJumper
from desktop.ui.widgets.ready_reply_box import COPY_KEY
from desktop.ui.widgets.suggestion_panel import NEXT_KEY, PREVIOUS_KEY

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

Keys = QKeySequence | QKeySequence.StandardKey | str | list[str] | None
NEW_TAB_KEY, CLOSE_TAB_KEY, REOPEN_TAB_KEY = "Ctrl+T", "Ctrl+W", "Ctrl+Shift+T"


@dataclass(frozen=True)
class WindowActions:
    """The actions the window keeps a hand on after the menus are built."""

    compact: QAction
    send_behind: QAction
    panes: PaneJumper


def add_action(window: QWidget, text: str, shortcut: Keys, slot: Callable[[], object]) -> QAction:
    return bind(window, QAction(text, window), shortcut, slot)


def bind(window: QWidget, action: QAction, shortcut: Keys, slot: Callable[[], object]) -> QAction:
    """Give `action` its key (or keys: the first is the one menus show) and add it to `window`."""
    if shortcut is not None:
        keys = shortcut if isinstance(shortcut, list) else [shortcut]
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def build_menus(window: MainWindow) -> WindowActions:
    """Every command of `window` as a keyed action, and the File … Help menus."""
    action = partial(add_action, window)

    def on(name: str) -> Callable[[], None]:
        """A slot that calls the shown tab's draft controller method `name`."""
        return lambda: getattr(window.tabs.current.drafts, name)()

    canned, tabs = window.canned, window.tabs
    generate_action = action("&Generate reply", ["Ctrl+Return", "Ctrl+Enter"], on("generate"))
    bind(window, window.stop_action, "Esc", on("stop"))
    regenerate_action = action("&Regenerate", "Ctrl+R", on("regenerate"))
    copy_action = action("&Copy reply", "Ctrl+Shift+C", on("copy_draft"))
    ready_action = action("Copy &ready reply", COPY_KEY, on("copy_ready"))
    previous_action = action("&Previous alternative", PREVIOUS_KEY, on("show_previous"))
    next_action = action("&Next alternative", NEXT_KEY, on("show_next"))
    use_action = action("Use selected canned response", "Ctrl+Shift+Return", canned.use_current)
    action("Search canned responses", "Ctrl+F", canned.focus_search)
    palette_action = action(
        "Insert canned response…", "Ctrl+K", window.command_palette.open_palette
    )
    action("Insert selected canned response", "Ctrl+Shift+I", canned.insert_current)
    open_action = action(
        "&Open conversation…", QKeySequence.StandardKey.Open, window.open_conversation
    )
    model_action = action("Choose &model…", "Ctrl+M", window.choose_model)
    writing_action = action("Check the model's &writing", None, window.models.check_writing)
    settings_action = action("&Settings…", "Ctrl+,", window.open_settings)
    quit_action = action("&Quit", QKeySequence.StandardKey.Quit, window.close)
    about_action = action("&About Agent Assist", None, window.show_about)
    stats_action = action("&Statistics…", None, window.show_stats)
    summary_action = action("Summarize for &handover…", "Ctrl+Alt+S", window.summarize)
    new_tab_action = action("&New conversation tab", NEW_TAB_KEY, window.new_tab)
    close_tab_action = action("&Close tab", CLOSE_TAB_KEY, tabs.close_current)
    reopen_tab_action = action("Reopen closed tab", REOPEN_TAB_KEY, tabs.reopen_closed)
    next_tab_action = action("Next tab", ["Ctrl+Tab", "Ctrl+PgDown"], tabs.show_next)
    previous_tab_action = action(
        "Previous tab", ["Ctrl+Shift+Tab", "Ctrl+PgUp"], tabs.show_previous
    )
    for number in range(1, 10):
        label = f"Tab {number}" if number < 9 else "Last tab"
        action(label, f"Ctrl+{number}", partial(tabs.show_index, number - 1))
    menu_bar = window.menuBar()
    file_menu = menu_bar.addMenu("&File")
    file_menu.addActions([new_tab_action, close_tab_action, reopen_tab_action])
    file_menu.addSeparator()
    file_menu.addActions([open_action, model_action, writing_action, settings_action])
    file_menu.addSeparator()
    file_menu.addAction(quit_action)
    reply_menu = menu_bar.addMenu("&Reply")
    reply_menu.addActions(
        [
            palette_action,
            generate_action,
            window.stop_action,
            regenerate_action,
            copy_action,
            ready_action,
            previous_action,
            next_action,
            use_action,
        ]
    )
    reply_menu.addMenu(window.suggestion.rewrite_menu)
    reply_menu.addAction(summary_action)
    manage_action = action("&Manage canned responses…", "Ctrl+Shift+L", window.open_manager)
    learn_action = action("&Learn from past tickets…", None, window.learn_import.choose_file)
    menu_bar.addMenu("&Library").addActions([manage_action, learn_action])
    window.copy_watch.watch(copy_action.triggered, "draft")
    window.copy_watch.watch(ready_action.triggered, "ready_reply")
    compact_mode = window.compact_mode
    compact_action = action("&Compact mode", COMPACT_KEY, compact_mode.toggle)
    compact_action.setCheckable(True)
    compact_mode.toggled.connect(compact_action.setChecked)
    send_behind_action = QAction("Send the window &behind after Copy", window)
    send_behind_action.setCheckable(True)
    send_behind_action.setChecked(compact_mode.send_behind)
    send_behind_action.toggled.connect(compact_mode.set_send_behind)
    history_action = action("&History…", "Ctrl+H", window.open_history)
    file_menu.insertAction(model_action, history_action)
    view_menu = menu_bar.addMenu("&View")
    view_menu.addActions([compact_action, send_behind_action])
    view_menu.addSeparator()
    view_menu.addActions([next_tab_action, previous_tab_action])
    panes = _pane_jumper(window)
    view_menu.addMenu("&Go to").addActions(_pane_actions(window, panes))
    help_menu = menu_bar.addMenu("&Help")
    keys_action = action("&Keyboard shortcuts", "F1", window.show_shortcuts)
    help_menu.addActions([keys_action, stats_action, about_action])
    return WindowActions(compact_action, send_behind_action, panes)


def _pane_jumper(window: MainWindow) -> PaneJumper:
    """The panes of the shown tab, looked up when jumped to (the tab may have changed)."""
    return PaneJumper(
        (
            Pane("Conversation", lambda: window.conversation.editor),
            Pane("Ready reply", lambda: window.suggestion.ready.text),
            Pane("Suggested reply", lambda: window.suggestion.draft),
            Pane("Canned responses", lambda: window.canned.list),
        )
    )


def _pane_actions(window: MainWindow, panes: PaneJumper) -> list[QAction]:
    """Alt+1…4 go to a pane, F6 and Shift+F6 to the next or previous one."""
    actions = [
        add_action(window, f"Go to {pane.name.lower()}", key, partial(panes.jump, index))
        for index, (pane, key) in enumerate(zip(panes.panes, PANE_KEYS, strict=True))
    ]
    actions.append(add_action(window, "Next pane", NEXT_PANE_KEY, partial(panes.step, 1)))
    actions.append(add_action(window, "Previous pane", PREVIOUS_PANE_KEY, partial(panes.step, -1)))
    return actions
