"""User settings: a frozen dataclass stored as JSON in the config folder. No Qt."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from dataclasses import dataclass, field, fields
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
    tone: str = (
        "auto"  # auto (friendly; empathetic when upset), friendly, formal, empathetic, concise
    )
    draft_length: str = "medium"  # short, medium, detailed
    alternatives: int = 3  # drafts per request, each checked
    constrain_openings: bool = True  # the model's sentence cannot write unstated numbers/links
    draft_checks: str = "remove"  # flagged sentences: "remove" from the offered draft, or "mark"
    agent_name: str = ""
    company_name: str = ""
    # Loading a local model (issue 11). 0 / -1 mean "let llama.cpp decide" / "all layers".
    threads_batch: int = 0  # threads reading the prompt; 0: as many as the CPU has
    batch_tokens: int = 512  # prompt tokens per llama.cpp batch
    gpu_layers: int = 0  # layers offloaded where the llama.cpp build has a GPU backend
    # Per-model overrides of the fields above and the sampling ones, keyed by model path.
    model_overrides: dict[str, dict[str, Any]] = field(default_factory=dict, hash=False)
    recent_models: tuple[str, ...] = ()  # newest first
    model_folders: tuple[str, ...] = ()  # scanned for GGUFs besides the known apps' folders
    # A team server (OpenAI-compatible). Empty: fully offline, no connection is ever opened.
    # The API key is in the OS keyring (desktop.engine.api_key), never here.
    server_url: str = ""
    server_model: str = ""
    # The agent's day (issue 12): history kept this many days (0: none); the local HTTP API.
    history_days: int = 30
    api_enabled: bool = False  # off by default: nothing listens unless the agent turns it on
    api_port: int = 8765
    api_origins: tuple[str, ...] = ()  # browser origins allowed to call it (CORS), e.g. a helpdesk
    # The app's own global shortcut where the desktop allows one (X11, Windows, macOS); the
    # selection comes into the window as with `agent-assist --from-selection`.
    global_shortcut_enabled: bool = True
    global_shortcut: str = "Ctrl+Alt+A"  # Qt's portable key text; "Ctrl" is Command on macOS
    start_at_login: bool = False  # an OS autostart entry runs the app with --minimized
    # Team learning (issue 23): off by default, so picks stay on the laptop unless turned on.
    share_examples: bool = False  # trade redacted picks of team responses beside team libraries

    def resolved_model_path(self) -> Path:
        return Path(self.model_path).expanduser() if self.model_path else paths.default_model_path()

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def for_model(self, model_path: str) -> Settings:
        """These settings with the overrides saved for `model_path` (wrong types ignored)."""
        overrides = self.model_overrides.get(model_path) or {}
        valid = {
            name: value
            for name, value in overrides.items()
            if name in _OVERRIDABLE and type(value) is type(getattr(self, name))
        }
        return dataclasses.replace(self, **valid) if valid else self


# The fields a model may override: loading and sampling, not names or servers.
_OVERRIDABLE = frozenset(
    ("context_tokens", "max_tokens", "temperature", "threads", "threads_batch", "batch_tokens",
     "gpu_layers"),
)  # fmt: skip


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
        default = getattr(defaults, name)
        if isinstance(default, tuple) and isinstance(value, list):
            value = tuple(value)  # JSON has no tuples
            if not all(isinstance(item, str) for item in value):
                value = None
        if type(value) is type(default):
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
