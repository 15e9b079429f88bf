"""The JSON file a snapshot is kept in, and the writer that says once why it could not be kept.

Writes are atomic (temporary file, fsync, rename): a kill mid-write leaves the old file. Reads
never raise: a missing, damaged or hand-edited file is no snapshot.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from desktop.atomic_file import write_atomically
from desktop.store import storage

logger = logging.getLogger(__name__)

_S = TypeVar("_S", contravariant=True)


class JsonFile:
    """A small JSON file replaced as a whole."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, data: dict[str, Any]) -> None:
        write_atomically(self.path, json.dumps(data, ensure_ascii=False))

    def read(self, path: Path | None = None) -> Any:
        """The parsed file (`path`, default this one), or None when it cannot be read."""
        try:
            return json.loads((path or self.path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


class SnapshotStore(Protocol[_S]):
    @property
    def path(self) -> Path: ...

    def save(self, snapshot: _S) -> None: ...

    def clear(self) -> None: ...


class SnapshotWriter(Generic[_S]):
    """Writes each snapshot (None removes the file) and turns a refused write into one line.

    `lost` says what the agent loses meanwhile; `fallback` is the line for a failure that
    storage.describe does not know, with `{exc}` for the error. A failure is told once, not
    every second while typing goes on; a write that succeeds again resets that.
    """

    def __init__(self, store: SnapshotStore[_S], lost: str, fallback: str) -> None:
        self.store = store
        self._lost = lost
        self._fallback = fallback
        self._told = ""

    def write(self, snapshot: _S | None) -> str | None:
        """Keep `snapshot`; returns the line to show when it could not be kept (else None)."""
        try:
            if snapshot is None:
                self.store.clear()
            else:
                self.store.save(snapshot)
        except OSError as exc:  # a full or read-only disk: the app keeps working without it
            logger.warning("Autosave to %s failed: %s", self.store.path, exc)
            message = self.failure_message(exc)
            if message == self._told:
                return None
            self._told = message
            return message
        self._told = ""
        return None

    def failure_message(self, exc: OSError) -> str:
        """One line for the status bar: what failed, and what to do."""
        described = storage.describe(exc, self.store.path.parent, self._lost)
        return str(described) if described is not None else self._fallback.format(exc=exc)
