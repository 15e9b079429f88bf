"""Importers for canned-response libraries from other tools, and format detection.

Each format module has `parse(path) -> Parsed`. The evaluation library's importer
(`bitext.parse_bitext(path) -> list[CannedResponse]`) is written separately and loaded lazily,
so this package works whether or not it is present.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.errors import ImportFileError
from desktop.importers.base import Parsed, read_text

Parser = Callable[[Path], Parsed]

# Format name -> module; loaded on first use so that `canned list` stays light.
_MODULES = {
    "json": "desktop.importers.native",
    "csv": "desktop.importers.native",
    "zendesk": "desktop.importers.zendesk",
    "freshdesk": "desktop.importers.freshdesk",
    "chatwoot": "desktop.importers.chatwoot",
    "zammad": "desktop.importers.zammad",
    "intercom": "desktop.importers.intercom",
    "osticket": "desktop.importers.osticket",
    "helpscout": "desktop.importers.helpscout",
    "espanso": "desktop.importers.espanso",
    "textexpander": "desktop.importers.textexpander",
}
_BITEXT = "desktop.importers.bitext"


def _bitext_available() -> bool:
    try:
        return importlib.util.find_spec(_BITEXT) is not None
    except ImportError:
        return False


def format_names() -> list[str]:
    """Every format that can be imported now (bitext only once its module exists)."""
    return [*_MODULES, *(["bitext"] if _bitext_available() else [])]


def parser_for(fmt: str) -> Parser:
    if fmt == "bitext" and _bitext_available():
        module = importlib.import_module(_BITEXT)

        def parse_bitext(path: Path) -> Parsed:
            return Parsed(responses=list(module.parse_bitext(path)))

        return parse_bitext
    if fmt not in _MODULES:
        raise ImportFileError(f"Unknown format {fmt!r}; use one of: {', '.join(format_names())}.")
    module = importlib.import_module(_MODULES[fmt])
    parse: Parser = getattr(module, f"parse_{fmt}") if fmt in ("json", "csv") else module.parse
    return parse


def _json_kind(data: Any) -> str | None:
    if isinstance(data, dict):
        if data.get("format") == "agent-assist-canned":
            return "json"
        if "macro" in data or "macros" in data:
            return "zendesk"
        if data.get("type") in ("list", "macro"):
            return "intercom"
        if "_embedded" in data:
            return "helpscout"
        records = next((v for v in data.values() if isinstance(v, list)), [data])
    else:
        records = data
    first = next((r for r in records if isinstance(r, dict)), None) if records else None
    if first is None:
        return None
    keys = set(first)
    if "canned_responses" in keys or {"content_html", "folder_id", "responses_count"} & keys:
        return "freshdesk"
    if "actions" in keys:
        return "zendesk"
    if "body_text" in keys or first.get("type") == "macro":
        return "intercom"
    if "intent" in keys and isinstance(first.get("source"), dict):
        return "bitext"
    if {"chatText", "preview"} & keys or {"name", "text"} <= keys:
        return "helpscout"
    if "short_code" in keys and "content" in keys and "title" not in keys:
        return "chatwoot"
    if {"name", "content"} <= keys:
        return "zammad"
    if {"title", "body"} <= keys:
        return "json"
    return None


def detect(path: Path) -> str:
    """The format of `path` from its name and content (`--format auto`)."""
    suffix = path.suffix.lower()
    if suffix == ".textexpander":
        return "textexpander"
    if suffix == ".sql":
        return "osticket"
    text = read_text(path)
    head = text.lstrip()[:2000]
    kind: str | None = None
    if suffix == ".json" or head.startswith(("{", "[")):
        try:
            kind = _json_kind(json.loads(text))
        except json.JSONDecodeError:
            kind = None
    elif suffix in (".yml", ".yaml"):
        kind = "espanso" if re.search(r"^matches\s*:", text, re.MULTILINE) else None
        if kind is None and re.search(r"^\s*-?\s*response\s*:", text, re.MULTILINE):
            kind = "osticket"
    elif suffix == ".csv" or suffix == ".txt":
        first = head.split("\n", 1)[0].strip().lower()
        cells = {c.strip(' "') for c in re.split(r"[;,]", first)}
        if {"title", "body"} <= cells:
            kind = "csv"
        elif {"name", "content"} <= cells:
            kind = "zammad"
        elif first.startswith('"') or "abbreviation" in cells or first.count(",") >= 1:
            kind = "textexpander"
    elif head.startswith("<?xml") and "snippetsTE2" in text:
        kind = "textexpander"
    if kind is None or kind not in format_names():
        raise ImportFileError(
            f"Cannot tell the format of {path.name}; pass --format ({', '.join(format_names())})."
        )
    return kind


def parse_file(path: Path, fmt: str = "auto") -> tuple[str, Parsed]:
    """Read `path` as `fmt` (or the detected format); nothing touches the database."""
    fmt = detect(path) if fmt == "auto" else fmt
    return fmt, parser_for(fmt)(path)
