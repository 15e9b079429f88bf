"""User settings: a frozen dataclass stored as JSON in the config folder. No Qt."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from desktop import paths

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    """Everything the user can change; defaults make the app work out of the box."""

    model_path: str = ""  # empty: the bundled default model
    context_tokens: int = 4096
    max_tokens: int = 256
    temperature: float = 0.4  # low: drafts should follow the canned facts, not improvise
    grounding_count: int = 3  # canned responses given to the model with each request
    threads: int = 0  # 0: let llama.cpp decide
    cpu_variant: str = ""  # empty: probe; else a llama.cpp CPU variant name, e.g. "haswell"
    draft_mode: str = "adapt"  # adapt the best canned response, or "free": the model writes it all
    tone: str = "friendly"  # friendly, formal, empathetic, concise
    draft_length: str = "medium"  # short, medium, detailed
    alternatives: int = 3  # drafts per request, each checked
    draft_checks: str = "remove"  # flagged sentences: "remove" from the offered draft, or "mark"
    agent_name: str = ""
    company_name: str = ""

    def resolved_model_path(self) -> Path:
        return Path(self.model_path).expanduser() if self.model_path else paths.default_model_path()

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def load(path: Path | None = None) -> Settings:
    """Read settings; a missing file gives defaults, a broken one is kept aside and reported."""
    path = path or paths.settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        backup = path.with_name(f"{path.name}.broken-{int(time.time())}")
        logger.warning(
            "settings file %s unreadable (%s); kept as %s, using defaults", path, exc, backup
        )
        try:
            os.replace(path, backup)
        except OSError:
            logger.warning("could not move the broken settings file %s aside", path)
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    known = {f.name: f.type for f in fields(Settings)}
    defaults = Settings()
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in known:
            continue  # written by a newer version: ignore, do not fail
        if type(value) is type(getattr(defaults, name)):
            values[name] = value
        else:
            logger.warning("settings: ignoring %s=%r (wrong type)", name, value)
    return Settings(**values)


def save(settings: Settings, path: Path | None = None) -> None:
    """Write atomically, so a crash mid-write never leaves a half file."""
    path = path or paths.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(dataclasses.asdict(settings), indent=2), encoding="utf-8")
    os.replace(tmp, path)
