"""Our own library format, JSON and CSV: every field of a response, so export -> import is lossless.

JSON: `{"format": "agent-assist-canned", "version": 1, "responses": [{...}]}`.
CSV: a header row of FIELDS; tags are a JSON list. Cells that a spreadsheet would run as a
formula (leading = + - @ tab CR) are written with a leading `'`, which import removes again.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from desktop.errors import ImportFileError
from desktop.importers.base import Parsed, load_json, read_text, record_error
from desktop.store.canned import CannedResponse

FORMAT_NAME = "agent-assist-canned"
VERSION = 1
FIELDS = (
    "title", "body", "shortcode", "category", "tags", "language", "notes", "active",
    "body_html", "source", "source_id", "usage_count", "last_used_at",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def to_record(response: CannedResponse) -> dict[str, Any]:
    return {
        "title": response.title,
        "body": response.body,
        "shortcode": response.shortcode,
        "category": response.category,
        "tags": list(response.tags),
        "language": response.language,
        "notes": response.notes,
        "active": response.active,
        "body_html": response.body_html,
        "source": response.source,
        "source_id": response.source_id,
        "usage_count": response.usage_count,
        "last_used_at": response.last_used_at,
    }


def from_record(where: str, record: dict[str, Any]) -> CannedResponse:
    """A response from one record; `where` names it in errors ("file.csv, line 3")."""
    for key in ("title", "body"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise ImportFileError(f"{where}: missing '{key}'.")
    tags = record.get("tags") or []
    if isinstance(tags, str):
        tags = json.loads(tags) if tags.strip().startswith("[") else tags.split(",")
    if not isinstance(tags, list):
        raise ImportFileError(f"{where}: 'tags' must be a list.")
    active = record.get("active", True)
    if isinstance(active, str):
        active = active.strip().lower() not in ("0", "false", "no", "")
    usage = record.get("usage_count") or 0
    try:
        usage = int(usage)
    except (TypeError, ValueError) as exc:
        raise ImportFileError(f"{where}: 'usage_count' must be a number.") from exc
    text = {k: record.get(k) for k in FIELDS if k not in ("tags", "active", "usage_count")}
    for key, value in text.items():
        if value is not None and not isinstance(value, str):
            raise ImportFileError(f"{where}: '{key}' must be text.")
    return CannedResponse(
        title=record["title"],
        body=record["body"],
        shortcode=text["shortcode"] or "",
        category=text["category"] or "",
        tags=tuple(str(t).strip() for t in tags if str(t).strip()),
        language=text["language"] or "en",
        notes=text["notes"] or "",
        active=bool(active),
        body_html=text["body_html"] or "",
        source=text["source"] or "",
        source_id=text["source_id"] or "",
        usage_count=usage,
        last_used_at=text["last_used_at"] or None,
    )


def parse_json(path: Path) -> Parsed:
    data = load_json(path)
    records = data.get("responses") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise ImportFileError(f"{path.name}: expected {{'responses': [...]}} or a list.")
    result = Parsed()
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise record_error(path, index, record, "expected an object")
        where = f"{path.name}, record {index + 1}"
        try:
            result.responses.append(from_record(where, record))
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"{where}: 'tags' is not a JSON list.") from exc
    return result


def _unescape(cell: str) -> str:
    return cell[1:] if cell[:1] == "'" and cell[1:2] in _FORMULA_START else cell


def _escape(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def parse_csv(path: Path) -> Parsed:
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    header = reader.fieldnames or []
    if "title" not in header or "body" not in header:
        raise ImportFileError(f"{path.name}, line 1: expected a header with 'title' and 'body'.")
    result = Parsed()
    line = 2
    for row in reader:
        if None in row:
            raise ImportFileError(f"{path.name}, line {line}: more cells than header columns.")
        record = {k: _unescape(v or "") for k, v in row.items() if k is not None}
        try:
            result.responses.append(from_record(f"{path.name}, line {line}", record))
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"{path.name}, line {line}: 'tags' is not a JSON list.") from exc
        line = reader.line_num + 1
    return result


def parse(path: Path) -> Parsed:
    return parse_csv(path) if path.suffix.lower() == ".csv" else parse_json(path)


def dump_json(responses: list[CannedResponse]) -> str:
    document = {
        "format": FORMAT_NAME,
        "version": VERSION,
        "responses": [to_record(r) for r in responses],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def dump_csv(responses: list[CannedResponse]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for response in responses:
        record = to_record(response)
        record["tags"] = json.dumps(record["tags"], ensure_ascii=False)
        record["active"] = int(record["active"])
        record["last_used_at"] = record["last_used_at"] or ""
        writer.writerow([_escape(str(record[k])) for k in FIELDS])
    return out.getvalue()
