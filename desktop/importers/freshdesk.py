"""Freshdesk canned responses (API v2 JSON).

Accepts a bare list of responses (`GET .../canned_response_folders/{id}/responses`), one
response, a folder with `canned_responses`, or a list of such folders; a folder's name becomes
the category. Bodies are `content` (plain) and `content_html`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.errors import ImportFileError
from desktop.importers.base import Parsed, load_json, record_error, text_field
from desktop.importers.html_text import html_to_text
from desktop.store.canned import CannedResponse

SOURCE = "freshdesk"


def _flatten(path: Path, data: Any) -> list[tuple[dict[str, Any], str]]:
    """(response, folder name) pairs from any of the accepted shapes."""
    items = data if isinstance(data, list) else [data]
    pairs: list[tuple[dict[str, Any], str]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise record_error(path, index, item, "expected an object")
        if isinstance(item.get("canned_responses"), list):
            folder = str(item.get("name") or "")
            pairs.extend((response, folder) for response in item["canned_responses"])
        elif "responses_count" in item and "title" not in item:
            raise ImportFileError(
                f"{path.name}: this is Freshdesk's folder list; import the responses file instead."
            )
        else:
            pairs.append((item, ""))
    return pairs


def parse(path: Path) -> Parsed:
    result = Parsed()
    for index, (record, folder) in enumerate(_flatten(path, load_json(path))):
        if not isinstance(record, dict):
            raise record_error(path, index, record, "expected an object")
        title = text_field(path, index, record, "title")
        if not title.strip():
            raise record_error(path, index, record, "missing 'title'")
        html = text_field(path, index, record, "content_html")
        body = text_field(path, index, record, "content").strip() or html_to_text(html)
        if not body:
            result.skip(f"Freshdesk response {title!r} is empty; skipped.")
            continue
        result.add(
            CannedResponse(
                title=title.strip(),
                body=body,
                body_html=html,
                shortcode=text_field(path, index, record, "short_code"),
                category=folder,
                source=SOURCE,
                source_id=text_field(path, index, record, "id"),
            ),
            "mustache",
        )
    return result
