"""Our own library format, JSON and CSV: every field of a response, so export -> import is lossless.

JSON: `{"format": "agent-assist-canned", "version": 1, "responses": [{...}]}`.
CSV: a header row of FIELDS; tags are a JSON list. Cells that a spreadsheet would run as a
formula (leading = + - @ tab CR) are written with a leading `'`, which import removes again.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

from desktop.errors import ImportFileError
from desktop.importers.base import Parsed, csv_errors, each_record, load_json, read_text
from desktop.store.canned import STORED_FIELDS, CannedResponse

FORMAT_NAME = "agent-assist-canned"
VERSION = 1
FIELDS = STORED_FIELDS  # every stored field, in the dataclass's order
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def to_record(response: CannedResponse) -> dict[str, Any]:
    record = {name: getattr(response, name) for name in FIELDS}
    record["tags"] = list(response.tags)
    return record


def _tags(where: str, tags: Any) -> tuple[str, ...]:
    tags = tags or []
    if isinstance(tags, str):
        tags = json.loads(tags) if tags.strip().startswith("[") else tags.split(",")
    if not isinstance(tags, list):
        raise ImportFileError(f"{where}: 'tags' must be a list.")
    return tuple(str(t).strip() for t in tags if str(t).strip())


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "")
    return bool(value)


def from_record(where: str, record: dict[str, Any]) -> CannedResponse:
    """A response from one record; `where` names it in errors ("file.csv, line 3").

    Each field is read as its default's type says: required text (no default), tags, a flag,
    a count, or optional text (empty means the default).
    """
    values: dict[str, Any] = {}
    for spec in fields(CannedResponse):
        name, default, value = spec.name, spec.default, record.get(spec.name)
        if name not in FIELDS:
            continue
        if default is MISSING:
            if not isinstance(value, str) or not value.strip():
                raise ImportFileError(f"{where}: missing '{name}'.")
            values[name] = value
        elif isinstance(default, tuple):
            values[name] = _tags(where, value)
        elif isinstance(default, bool):
            values[name] = default if value is None else _flag(value)
        elif isinstance(default, int):
            try:
                values[name] = int(value or 0)
            except (TypeError, ValueError) as exc:
                raise ImportFileError(f"{where}: '{name}' must be a number.") from exc
        elif value is not None and not isinstance(value, str):
            raise ImportFileError(f"{where}: '{name}' must be text.")
        else:
            values[name] = value or default
    return CannedResponse(**values)


def parse_json(path: Path) -> Parsed:
    data = load_json(path)
    if isinstance(data, dict) and "responses" not in data and {"title", "body"} <= set(data):
        data = [data]  # one response on its own, as an API or a hand-written file gives it
    records = data.get("responses") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise ImportFileError(f"{path.name}: expected {{'responses': [...]}} or a list.")
    result = Parsed()
    for record in each_record(path, records):
        where = f"{path.name}, record {record.index + 1}"
        try:
            result.keep(from_record(where, record.data))
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"{where}: 'tags' is not a JSON list.") from exc
    return result


def _unescape(cell: str) -> str:
    return cell[1:] if cell[:1] == "'" and cell[1:2] in _FORMULA_START else cell


def _escape(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def parse_csv(path: Path) -> Parsed:
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    with csv_errors(path, reader):
        header = reader.fieldnames or []
    if "title" not in header or "body" not in header:
        raise ImportFileError(f"{path.name}, line 1: expected a header with 'title' and 'body'.")
    result = Parsed()
    line = 2
    with csv_errors(path, reader):
        for row in reader:
            if None in row:
                raise ImportFileError(f"{path.name}, line {line}: more cells than header columns.")
            record = {k: _unescape(v or "") for k, v in row.items() if k is not None}
            try:
                result.keep(from_record(f"{path.name}, line {line}", record))
            except json.JSONDecodeError as exc:
                raise ImportFileError(
                    f"{path.name}, line {line}: 'tags' is not a JSON list."
                ) from exc
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
