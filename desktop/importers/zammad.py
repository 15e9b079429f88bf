"""Zammad text modules: the CSV import format and the API JSON (`GET /api/v1/text_modules`).

CSV: header `name;keywords;content;note;active` (`;` or `,`), rows may be ragged. Content is
HTML in both. Keywords become tags; `#{ticket.customer.firstname}` becomes our placeholder.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from desktop.errors import ImportFileError
from desktop.importers.base import (
    Parsed,
    csv_errors,
    each_record,
    load_json,
    read_text,
    records_from,
)
from desktop.importers.html_text import html_to_text, looks_like_html
from desktop.store.canned import CannedResponse

SOURCE = "zammad"
_FALSE = {"false", "0", "no", "f", "n", "inactive"}


def _response(fields: dict[str, Any], source_id: str) -> CannedResponse:
    """The response a record describes; its placeholders are mapped by Parsed.add."""
    content = str(fields.get("content") or "")
    html = content if looks_like_html(content) else ""
    body = html_to_text(html) if html else content.strip()
    active = fields.get("active")
    keywords = str(fields.get("keywords") or "")
    return CannedResponse(
        title=str(fields["name"]).strip(),
        body=body,
        body_html=html,
        tags=tuple(k for k in re.split(r"[,\s]+", keywords) if k),
        notes=str(fields.get("note") or ""),
        active=active is not False and str(active).strip().lower() not in _FALSE,
        source=SOURCE,
        source_id=source_id,
    )


def parse_csv(path: Path) -> Parsed:
    text = read_text(path)
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    with csv_errors(path, reader):
        header = [h.strip().lower() for h in next(reader, [])]
    if "name" not in header or "content" not in header:
        raise ImportFileError(f"{path.name}, line 1: expected a header with 'name' and 'content'.")
    result = Parsed()
    line = reader.line_num + 1
    with csv_errors(path, reader):
        for row in reader:
            fields = dict(zip(header, row, strict=False))
            if any(cell.strip() for cell in row):
                if not fields.get("name", "").strip():
                    raise ImportFileError(f"{path.name}, line {line}: missing 'name'.")
                if not fields.get("content", "").strip():
                    result.skip(f"Zammad text module {fields['name']!r} is empty; skipped.")
                else:
                    result.add(_response(fields, fields["name"].strip()), "zammad")
            line = reader.line_num + 1
    return result


def parse_json(path: Path) -> Parsed:
    data = load_json(path)
    if isinstance(data, dict) and "content" in data:
        data = [data]
    result = Parsed()
    for record in each_record(path, records_from(path, data, ("text_modules", "data"))):
        if not isinstance(record.get("name"), str) or not record.get("name").strip():
            raise record.error("missing 'name'")
        if not isinstance(record.get("content"), str) or not record.get("content").strip():
            result.skip(f"Zammad text module {record.get('name')!r} is empty; skipped.")
            continue
        source_id = str(record.get("id") or record.get("name").strip())
        result.add(_response(record.data, source_id), "zammad")
    return result


def parse(path: Path) -> Parsed:
    return parse_json(path) if path.suffix.lower() == ".json" else parse_csv(path)
