"""Importers for canned-response libraries from other tools, and format detection.

Every format is a plugin with one interface: a function `parse(path) -> Parsed` (see
`desktop.importers.base`), registered below by name as "module:function". Modules load on first
use, so that `canned list` stays light. Importers parse only; the library service
(`desktop.library.service`) stores what they return.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.errors import ImportFileError
from desktop.importers.base import Parsed, decode_json, read_text

Parser = Callable[[Path], Parsed]

# Format name -> "module:function" returning Parsed.
_PARSERS = {
    "json": "desktop.importers.native:parse_json",
    "csv": "desktop.importers.native:parse_csv",
    "zendesk": "desktop.importers.zendesk:parse",
    "freshdesk": "desktop.importers.freshdesk:parse",
    "chatwoot": "desktop.importers.chatwoot:parse",
    "zammad": "desktop.importers.zammad:parse",
    "intercom": "desktop.importers.intercom:parse",
    "osticket": "desktop.importers.osticket:parse",
    "helpscout": "desktop.importers.helpscout:parse",
    "espanso": "desktop.importers.espanso:parse",
    "textexpander": "desktop.importers.textexpander:parse",
    "bitext": "desktop.importers.bitext:parse",
}


def format_names() -> list[str]:
    """Every format that can be imported."""
    return list(_PARSERS)


def parser_for(fmt: str) -> Parser:
    if fmt not in _PARSERS:
        raise ImportFileError(f"Unknown format {fmt!r}; use one of: {', '.join(format_names())}.")
    module, _, function = _PARSERS[fmt].partition(":")
    parse: Parser = getattr(importlib.import_module(module), function)
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
        # The first list of objects holds the records; a lone record has only lists of ids.
        lists = (v for v in data.values() if isinstance(v, list) and v)
        records = next((v for v in lists if all(isinstance(x, dict) for x in v)), [data])
    else:
        records = data if isinstance(data, list) else []  # a bare `true` or `3` holds none
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
    if suffix in (".json", ".jsonl", ".ndjson"):
        kind = _json_kind(decode_json(text, path.name))  # a JSON error names its line
    elif head.startswith(("{", "[")):
        try:
            kind = _json_kind(decode_json(text, path.name))
        except ImportFileError:
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
