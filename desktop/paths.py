"""Where the app keeps its files: one module, overridable, so tests never touch the real home.

Order of precedence for the user folders: `$AGENT_ASSIST_HOME` (everything under one folder,
used by tests and portable installs), then the platform's conventions through platformdirs
(on Linux that honours `XDG_DATA_HOME` and `XDG_CONFIG_HOME`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from desktop import APP_ID

DEFAULT_MODEL_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def _home_override() -> Path | None:
    value = os.environ.get("AGENT_ASSIST_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    """Folder for the database, models picked by the user and logs."""
    home = _home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_ID, appauthor=False))


def config_dir() -> Path:
    """Folder for settings.json."""
    home = _home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_ID, appauthor=False))


def cache_dir() -> Path:
    """Folder for what can be rebuilt at any time (the probed llama.cpp CPU variant)."""
    home = _home_override()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP_ID, appauthor=False))


def database_path() -> Path:
    return data_dir() / "canned.db"


def settings_path() -> Path:
    return config_dir() / "settings.json"


def log_path() -> Path:
    return data_dir() / "agent-assist.log"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def bundle_root() -> Path:
    """The checkout in development, or PyInstaller's unpack folder in the packaged app."""
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parents[1]


def resource_dir() -> Path:
    return bundle_root() / "resources"


def eval_dir() -> Path:
    """The evaluation sets shipped with the app (resources/eval): `eval` and `bench` defaults."""
    return resource_dir() / "eval"


def default_model_path() -> Path:
    """The bundled default GGUF: user data folder first, then the checkout or the bundle."""
    candidates = [
        data_dir() / "models" / DEFAULT_MODEL_NAME,
        bundle_root() / "models" / DEFAULT_MODEL_NAME,
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return candidates[-1]
