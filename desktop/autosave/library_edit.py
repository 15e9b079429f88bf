"""The library window's unsaved edit, kept in a small JSON file until it is saved or dropped.

The library window saves a response when the agent moves on; what is typed before that lives
only in the form. This file holds it (the response as stored when editing began, and the form
as it is), so that a crash or a kill loses at most the last second of typing, and the next
library window offers it back. Separate from `workspace` (the open tabs and their drafts).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.autosave.store import JsonFile
from desktop.store.canned import CannedResponse

FILE_NAME = "library-edit.json"
OFFERED_NAME = "library-edit.offered.json"  # what an unclean exit left, until answered
VERSION = 1


@dataclass(frozen=True)
class EditSnapshot:
    """`base`: the response as stored (id None for a new one); `edited`: the form's values."""

    base: CannedResponse
    edited: CannedResponse

    @property
    def label(self) -> str:
        """How the agent knows the edit: its title, else the stored one, else "a new response"."""
        return self.edited.title.strip() or self.base.title.strip() or "a new response"


def default_path() -> Path:
    return paths.data_dir() / FILE_NAME


def _row(response: CannedResponse) -> dict[str, Any]:
    return {**response.to_row(), "id": response.id}


class EditAutosaveStore(JsonFile):
    """Written atomically, read without ever raising.

    Two files: `path` follows the form of the window that is open; what an unclean exit left
    in it is moved to `offered_path` when the next window opens, so that the new window's
    typing is kept too while the agent has not yet chosen to restore or discard the old edit.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.offered_path = path.with_name(OFFERED_NAME)

    def save(self, snapshot: EditSnapshot) -> None:
        data = {"version": VERSION, "base": _row(snapshot.base), "edited": _row(snapshot.edited)}
        self.write(data)

    def take_kept(self) -> EditSnapshot | None:
        """What an unclean exit left, moved aside to be offered; or None.

        A newer crash's edit replaces an older one that was offered and never answered.
        """
        if self.path.exists():
            try:
                os.replace(self.path, self.offered_path)
            except OSError:  # a read-only folder: offer it from where it is
                return self.load(self.path)
        return self.load(self.offered_path)

    def drop_kept(self) -> None:
        """The agent restored or discarded the offered edit: it is not offered again."""
        self.offered_path.unlink(missing_ok=True)

    def load(self, path: Path | None = None) -> EditSnapshot | None:
        """The edit kept in `path` (default: the form's file), or None (never raises)."""
        data = self.read(path)
        try:
            snapshot = EditSnapshot(
                CannedResponse.from_row(data["base"]), CannedResponse.from_row(data["edited"])
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        fields = (snapshot.base.title, snapshot.base.body, snapshot.edited.title)
        if not all(isinstance(value, str) for value in (*fields, snapshot.edited.body)):
            return None
        return snapshot
