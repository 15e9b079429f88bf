"""The open conversation tabs, each with its draft, kept in one small JSON file.

Separate from the history (a database of finished conversations): this file holds only what
is on screen right now, written a second after each change, so that a crash or a kill loses
at most the last second of typing. A clean quit writes it one last time marked `clean`: the
tabs come back at the next start either way, and only an unclean end is announced as a
restore. Version 1 files (one conversation, before tabs) still load, as one tab.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.autosave.store import JsonFile

FILE_NAME = "autosave.json"
VERSION = 2
MAX_TABS = 50  # a damaged or hand-edited file cannot open thousands of tabs


@dataclass(frozen=True)
class Snapshot:
    """One tab: the conversation pane's text, the draft editor's text, its history row."""

    conversation: str
    draft: str
    history_row: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.conversation.strip() and not self.draft.strip()


@dataclass(frozen=True)
class Workspace:
    """Every open tab in the bar's order, which one was shown, and how the app ended."""

    tabs: tuple[Snapshot, ...]
    current: int = 0
    clean: bool = False

    @property
    def is_empty(self) -> bool:
        return all(tab.is_empty for tab in self.tabs)


def default_path() -> Path:
    return paths.data_dir() / FILE_NAME


class AutosaveStore(JsonFile):
    """The workspace's file: written atomically, read without ever raising."""

    def save(self, workspace: Workspace) -> None:
        """Replace the file with `workspace`; nothing on screen removes it instead."""
        if workspace.is_empty:
            self.clear()
            return
        tabs = [tab for tab in workspace.tabs if not tab.is_empty]
        current = min(workspace.current, len(tabs) - 1)
        data = {
            "version": VERSION,
            "clean": workspace.clean,
            "current": max(current, 0),
            "tabs": [
                {"conversation": t.conversation, "draft": t.draft, "history_row": t.history_row}
                for t in tabs
            ],
        }
        self.write(data)

    def load(self) -> Workspace | None:
        """The last workspace, or None when there is none or it cannot be read (never raises)."""
        data = self.read()
        if not isinstance(data, dict):
            return None
        if "tabs" not in data:  # version 1: one conversation and its draft
            tab = _snapshot(data)
            return Workspace((tab,)) if tab is not None and not tab.is_empty else None
        raw_tabs = data.get("tabs")
        if not isinstance(raw_tabs, list):
            return None
        tabs = tuple(t for raw in raw_tabs[:MAX_TABS] if (t := _snapshot(raw)) and not t.is_empty)
        if not tabs:
            return None
        current = data.get("current")
        current = current if isinstance(current, int) and 0 <= current < len(tabs) else 0
        return Workspace(tabs, current, data.get("clean") is True)


def _snapshot(raw: Any) -> Snapshot | None:
    if not isinstance(raw, dict):
        return None
    conversation, draft, row = raw.get("conversation"), raw.get("draft"), raw.get("history_row")
    if not isinstance(conversation, str) or not isinstance(draft, str):
        return None
    kept = row if isinstance(row, int) and not isinstance(row, bool) else None
    return Snapshot(conversation, draft, kept)
