"""The library window's unsaved edit, kept in one small JSON file until it is saved or dropped.

The library window saves a response when the agent moves on; what is typed before that lives
only in the form. This file holds it (the response as stored when editing began, and the form
as it is), so that a crash or a kill loses at most the last second of typing, and the next
library window offers it back. Separate from `autosave_store` (the conversation and draft).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.store.canned import CannedResponse

FILE_NAME = "library-edit.json"
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


class EditAutosaveStore:
    """Atomic writes (temporary file, fsync, rename): a kill mid-write leaves the old file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def save(self, snapshot: EditSnapshot) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": VERSION, "base": _row(snapshot.base), "edited": _row(snapshot.edited)}
        fd, temporary = tempfile.mkstemp(prefix=".library-edit-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def load(self) -> EditSnapshot | None:
        """The kept edit, or None when there is none or it cannot be read (never raises)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            snapshot = EditSnapshot(
                CannedResponse.from_row(data["base"]), CannedResponse.from_row(data["edited"])
            )
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        fields = (snapshot.base.title, snapshot.base.body, snapshot.edited.title)
        if not all(isinstance(value, str) for value in (*fields, snapshot.edited.body)):
            return None
        return snapshot

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
