"""Freshdesk canned responses (API v2 JSON).

Accepts a bare list of responses (`GET .../canned_response_folders/{id}/responses`), one
response, a folder with `canned_responses`, or a list of such folders; a folder's name becomes
the category. Bodies are `content` (plain) and `content_html`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.errors import ImportFileError
from desktop.importers.base import Parsed, each_record, load_json, record_error
from desktop.importers.html_text import html_to_text
from desktop.store.canned import CannedResponse

SOURCE = "freshdesk"


def _flatten(path: Path, data: Any) -> tuple[list[tuple[dict[str, Any], str]], list[str]]:
    """(response, folder name) pairs from any of the accepted shapes, and empty folders.

    Folder records that hold no responses (a folder list's entries mixed in with responses)
    are named in the second list; a file of nothing else is the folder list itself.
    """
    items = data if isinstance(data, list) else [data]
    pairs: list[tuple[dict[str, Any], str]] = []
    empty_folders: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise record_error(path, index, item, "expected an object")
        if isinstance(item.get("canned_responses"), list):
            folder = str(item.get("name") or "")
            pairs.extend((response, folder) for response in item["canned_responses"])
        elif "responses_count" in item and "title" not in item:
            empty_folders.append(str(item.get("name") or f"record {index + 1}"))
        else:
            pairs.append((item, ""))
    if empty_folders and not pairs:
        raise ImportFileError(
            f"{path.name}: this is Freshdesk's folder list; import the responses file instead."
        )
    return pairs, empty_folders


def parse(path: Path) -> Parsed:
    result = Parsed()
    pairs, empty_folders = _flatten(path, load_json(path))
    for name in empty_folders:  # only the folder record itself: its responses are elsewhere
        result.skip(f"Freshdesk folder {name!r} lists no responses here; skipped.")
    records = each_record(path, [item for item, _folder in pairs])
    for record, (_item, folder) in zip(records, pairs, strict=True):
        title = record.required("title")
        html = record.text("content_html")
        body = record.text("content").strip() or html_to_text(html)
        if not body:
            result.skip(f"Freshdesk response {title!r} is empty; skipped.")
            continue
        result.add(
            CannedResponse(
                title=title,
                body=body,
                body_html=html,
                shortcode=record.text("short_code"),
                category=folder,
                source=SOURCE,
                source_id=record.text("id"),
            ),
            "mustache",
        )
    return result
