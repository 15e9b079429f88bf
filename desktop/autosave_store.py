"""The crash-safety net: the conversation and draft on screen, kept in one small JSON file.

Separate from the history (a database of finished conversations): this file holds only what
is on screen right now, so that a crash or a kill loses at most the last second of typing.
The file exists only while the app runs with something on screen; a clean quit removes it,
so finding it at start-up means the last session ended uncleanly.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from desktop import paths

FILE_NAME = "autosave.json"
VERSION = 1


@dataclass(frozen=True)
class Snapshot:
    """What the window showed: the conversation pane's text and the draft editor's text."""

    conversation: str
    draft: str

    @property
    def is_empty(self) -> bool:
        return not self.conversation.strip() and not self.draft.strip()


def default_path() -> Path:
    return paths.data_dir() / FILE_NAME


class AutosaveStore:
    """Atomic writes (temporary file, fsync, rename): a kill mid-write leaves the old file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def save(self, snapshot: Snapshot) -> None:
        """Replace the file with `snapshot`; an empty screen removes it instead."""
        if snapshot.is_empty:
            self.clear()
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": VERSION, "conversation": snapshot.conversation, "draft": snapshot.draft}
        fd, temporary = tempfile.mkstemp(prefix=".autosave-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def load(self) -> Snapshot | None:
        """The last snapshot, or None when there is none or it cannot be read (never raises)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        conversation, draft = data.get("conversation"), data.get("draft")
        if not isinstance(conversation, str) or not isinstance(draft, str):
            return None
        snapshot = Snapshot(conversation, draft)
        return None if snapshot.is_empty else snapshot

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
