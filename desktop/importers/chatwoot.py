"""Chatwoot canned responses (API JSON): `short_code` and `content`, no title.

Accepts the API's bare list, one object, or a `{"items"|"payload"|"data": [...]}` envelope.
"""

from __future__ import annotations

from pathlib import Path

from desktop.importers import tokens
from desktop.importers.base import Parsed, each_record, load_json, make_title, records_from
from desktop.store.canned import CannedResponse

SOURCE = "chatwoot"


def parse(path: Path) -> Parsed:
    data = load_json(path)
    if isinstance(data, dict) and "short_code" in data:
        data = [data]
    result = Parsed()
    for record in each_record(path, records_from(path, data, ("items", "payload", "data"))):
        shortcode = record.required("short_code")
        content = record.text("content").strip()
        if not content:
            result.skip(f"Chatwoot response {shortcode!r} is empty; skipped.")
            continue
        # Mapped here rather than by Parsed.add: the title is made from the mapped body.
        body, unknown = tokens.convert(content, "mustache")
        result.keep(
            CannedResponse(
                title=make_title(body),
                body=body,
                shortcode=shortcode,
                source=SOURCE,
                source_id=record.text("id") or shortcode,
            ),
            unknown,
        )
    return result
