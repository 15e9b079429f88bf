"""Help Scout saved replies (Mailbox API JSON): `name`, HTML `text`, plain `chatText`.

Accepts one reply, a bare list, and `{"_embedded": {"replies"|"saved-replies": [...]}}`. A list
item from "List Saved Replies" carries only `preview`, which is used with a warning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.importers.base import Parsed, each_record, load_json, records_from
from desktop.importers.html_text import html_to_text, looks_like_html
from desktop.store.canned import CannedResponse

SOURCE = "helpscout"


def _records(path: Path, data: Any) -> list[Any]:
    if isinstance(data, dict) and isinstance(data.get("_embedded"), dict):
        data = data["_embedded"]
    elif isinstance(data, dict) and "name" in data:
        data = [data]
    return records_from(path, data, ("replies", "saved-replies", "savedReplies", "items"))


def parse(path: Path) -> Parsed:
    result = Parsed()
    for record in each_record(path, _records(path, load_json(path))):
        title = record.required("name")
        text = record.text("text")
        html = text if looks_like_html(text) else ""
        body = html_to_text(text) if html else text.strip()
        body = body or record.text("chatText").strip()
        if not body:
            body = record.text("preview").strip()
            if body:
                result.warnings.append(f"Help Scout reply {title!r} has only a preview.")
        if not body:
            result.skip(f"Help Scout reply {title!r} is empty; skipped.")
            continue
        result.add(
            CannedResponse(
                title=title,
                body=body,
                body_html=html,
                source=SOURCE,
                source_id=record.text("id"),
            ),
            "helpscout",
        )
    return result
