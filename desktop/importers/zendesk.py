"""Zendesk macros (REST API JSON): the reply is the `comment_value` / `comment_value_html` action.

Accepts `{"macro": {...}}`, `{"macros": [...]}` (with or without pagination keys) and a bare
list. `comment_value` may be a string or `["channel:all", "text"]`. Zendesk nests macros with
"::" in the title ("Billing::Refund"), which becomes the category.
"""

from __future__ import annotations

from pathlib import Path

from desktop.importers.base import Parsed, Record, each_record, load_json, records_from
from desktop.importers.html_text import html_to_text
from desktop.store.canned import CannedResponse

SOURCE = "zendesk"


def _comment(macro: Record) -> tuple[str, str]:
    """The plain and HTML comment a macro adds; empty strings when it adds none."""
    actions = macro.get("actions") or []
    if not isinstance(actions, list):
        raise macro.error("'actions' must be a list")
    plain = html = ""
    for action in actions:
        if not isinstance(action, dict):
            raise macro.error("each action must be an object")
        value = action.get("value")
        if isinstance(value, list):  # ["channel:all", "text"]: the text is the last item
            value = value[-1] if value else ""
        if action.get("field") in ("comment_value", "comment_value_html"):
            if not isinstance(value, str):
                raise macro.error(f"'{action['field']}' must be text")
            if action["field"] == "comment_value":
                plain = value
            else:
                html = value
    return plain, html


def parse(path: Path) -> Parsed:
    data = load_json(path)
    if isinstance(data, dict) and isinstance(data.get("macro"), dict):
        data = [data["macro"]]
    result = Parsed()
    for macro in each_record(path, records_from(path, data, ("macros",))):
        full_title = macro.text("title") or macro.text("raw_title")
        if not full_title.strip():
            raise macro.error("missing 'title'")
        plain, html = _comment(macro)
        body = plain.strip() or (html_to_text(html) if html else "")
        if not body:
            result.skip(f"Zendesk macro {full_title!r} adds no comment; skipped.")
            continue
        category, _, title = full_title.rpartition("::")
        result.add(
            CannedResponse(
                title=title.strip(),
                body=body,
                body_html=html,
                category=category.replace("::", " / ").strip(),
                notes=macro.text("description"),
                active=macro.get("active", True) is not False,
                source=SOURCE,
                source_id=macro.text("id"),
            ),
            "mustache",
        )
    return result
