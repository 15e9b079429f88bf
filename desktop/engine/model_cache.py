"""What was measured of a model file on this machine, kept until the file changes. No Qt.

One small JSON file per measurement (the speed figure, the writing check) in the user cache
folder, entries keyed by the model's real path and valid while its size and modification time
are unchanged: a replaced or re-downloaded file is measured again. A damaged or older cache
reads as empty; a failed write only costs a measurement next time.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.atomic_file import write_atomically

logger = logging.getLogger(__name__)


def _key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return os.path.realpath(path), stat.st_size, stat.st_mtime_ns


class ModelFileCache:
    def __init__(self, file_name: str, version: int, path: Path | None = None) -> None:
        self.path = path or paths.cache_dir() / file_name
        self._version = version
        self._entries: dict[str, dict[str, Any]] = {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(raw, dict) and raw.get("version") == version:
                self._entries = raw.get("entries", {})
        except (OSError, ValueError):
            pass  # nothing measured yet, or a damaged file: measured again when asked

    def entry(self, model: Path) -> dict[str, Any] | None:
        """The fields kept for `model` as the file is now; None when unknown or changed."""
        try:
            real, size, mtime = _key(model)
        except OSError:
            return None
        hit = self._entries.get(real)
        if not isinstance(hit, dict) or hit.get("size") != size or hit.get("mtime") != mtime:
            return None
        return hit

    def update(self, model: Path, fields: dict[str, Any]) -> None:
        """Keep `fields` for `model` (a changed file starts a new entry) and write the file."""
        real, size, mtime = _key(model)
        entry = self.entry(model) or {"size": size, "mtime": mtime}
        entry.update(fields)
        self._entries[real] = entry
        text = json.dumps({"version": self._version, "entries": self._entries})
        try:
            write_atomically(self.path, text)
        except OSError as exc:
            logger.warning("%s not written (%s): measured again next time", self.path.name, exc)
