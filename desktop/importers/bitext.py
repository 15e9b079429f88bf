"""The evaluation library (`resources/eval/canned.json`, from the Bitext customer-support set).

A list of objects with `id`, `title`, `body`, `intent`, `category`, `tags` and `source`.
The intent becomes the **first tag** (never repeated later in the tuple): the evaluation reads
it back from there, and it stays searchable like any other tag. Bodies are kept verbatim,
including Bitext's `{{Order ID}}`-style slots, which are not our placeholder syntax.
"""

from __future__ import annotations

from pathlib import Path

from desktop.importers.base import Parsed, each_record, load_json, records_from
from desktop.store.canned import CannedResponse

SOURCE = "bitext"


def intent_of(response: CannedResponse) -> str:
    """The intent a Bitext response answers: its first tag ("" when it has none)."""
    return response.tags[0] if response.tags else ""


def parse(path: Path) -> Parsed:
    result = Parsed()
    items = records_from(path, load_json(path), ("responses", "items", "data"))
    for record in each_record(path, items):
        record_id, title, body, intent = (
            record.required(key) for key in ("id", "title", "body", "intent")
        )
        raw_tags = record.get("tags") or []
        if not isinstance(raw_tags, list) or not all(isinstance(t, str) for t in raw_tags):
            raise record.error("'tags' must be a list of text")
        others = (t.strip() for t in raw_tags)
        tags = (intent, *dict.fromkeys(t for t in others if t and t != intent))
        result.keep(
            CannedResponse(
                title=title,
                body=body,
                category=record.text("category").strip(),
                tags=tags,
                source=SOURCE,
                source_id=record_id,
            )
        )
    return result
