"""Chatwoot canned responses (API JSON): `short_code` and `content`, no title.

Accepts the API's bare list, one object, or a `{"items"|"payload"|"data": [...]}` envelope.
"""

from __future__ import annotations

from pathlib import Path

from desktop.importers import tokens
from desktop.importers.base import (
    Parsed,
    load_json,
    make_title,
    record_error,
    records_from,
    text_field,
)
from desktop.store.canned import CannedResponse

SOURCE = "chatwoot"


def parse(path: Path) -> Parsed:
    data = load_json(path)
    if isinstance(data, dict) and "short_code" in data:
        data = [data]
    result = Parsed()
    for index, record in enumerate(records_from(path, data, ("items", "payload", "data"))):
        if not isinstance(record, dict):
            raise record_error(path, index, record, "expected an object")
        shortcode = text_field(path, index, record, "short_code").strip()
        content = text_field(path, index, record, "content").strip()
        if not shortcode:
            raise record_error(path, index, record, "missing 'short_code'")
        if not content:
            result.skip(f"Chatwoot response {shortcode!r} is empty; skipped.")
            continue
        body, unknown = tokens.convert(content, "mustache")
        result.add_unknown(unknown)
        result.responses.append(
            CannedResponse(
                title=make_title(body),
                body=body,
                shortcode=shortcode,
                source=SOURCE,
                source_id=text_field(path, index, record, "id") or shortcode,
            )
        )
    return result
