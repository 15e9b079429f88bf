"""The evaluation library (`shared/eval/canned.json`, from the Bitext customer-support set).

A list of objects with `id`, `title`, `body`, `intent`, `category`, `tags` and `source`.
The intent becomes the **first tag** (never repeated later in the tuple): the evaluation reads
it back from there, and it stays searchable like any other tag. Bodies are kept verbatim,
including Bitext's `{{Order ID}}`-style slots, which are not our placeholder syntax.
"""

from __future__ import annotations

from pathlib import Path

from desktop.importers.base import load_json, record_error, records_from, text_field
from desktop.store.canned import CannedResponse

SOURCE = "bitext"


def intent_of(response: CannedResponse) -> str:
    """The intent a Bitext response answers: its first tag ("" when it has none)."""
    return response.tags[0] if response.tags else ""


def parse_bitext(path: Path) -> list[CannedResponse]:
    data = load_json(path)
    responses: list[CannedResponse] = []
    for index, record in enumerate(records_from(path, data, ("responses", "items", "data"))):
        if not isinstance(record, dict):
            raise record_error(path, index, record, "expected an object")
        record_id = text_field(path, index, record, "id").strip()
        title = text_field(path, index, record, "title").strip()
        body = text_field(path, index, record, "body").strip()
        intent = text_field(path, index, record, "intent").strip()
        for key, value in (("id", record_id), ("title", title), ("body", body), ("intent", intent)):
            if not value:
                raise record_error(path, index, record, f"missing '{key}'")
        raw_tags = record.get("tags") or []
        if not isinstance(raw_tags, list) or not all(isinstance(t, str) for t in raw_tags):
            raise record_error(path, index, record, "'tags' must be a list of text")
        others = (t.strip() for t in raw_tags)
        tags = (intent, *dict.fromkeys(t for t in others if t and t != intent))
        responses.append(
            CannedResponse(
                title=title,
                body=body,
                category=text_field(path, index, record, "category").strip(),
                tags=tags,
                source=SOURCE,
                source_id=record_id,
            )
        )
    return responses
