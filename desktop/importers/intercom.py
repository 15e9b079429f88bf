"""Intercom macros (API JSON): `name`, HTML `body` and plain `body_text`.

Accepts `{"type": "list", "data": [...]}`, a bare list and one macro object. Without
`body_text` the HTML body is converted, its `<attribute key=... default=...>` tags included.
"""

from __future__ import annotations

from pathlib import Path

from desktop.importers.base import Parsed, each_record, load_json, records_from
from desktop.importers.html_text import html_to_text
from desktop.store.canned import CannedResponse

SOURCE = "intercom"


def parse(path: Path) -> Parsed:
    data = load_json(path)
    if isinstance(data, dict) and "name" in data and "data" not in data:
        data = [data]
    result = Parsed()
    for record in each_record(path, records_from(path, data, ("data", "macros"))):
        title = record.required("name")
        html = record.text("body")
        body = record.text("body_text").strip() or html_to_text(html)
        if not body:
            result.skip(f"Intercom macro {title!r} is empty; skipped.")
            continue
        result.add(
            CannedResponse(
                title=title,
                body=body,
                body_html=html,
                source=SOURCE,
                source_id=record.text("id"),
            ),
            "mustache",
        )
    return result
