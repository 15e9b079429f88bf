"""osTicket canned responses: the installer's premade.yaml and SQL dumps of ost_canned_response.

YAML: a list of `isenabled, title, response, notes, lang`. SQL: `INSERT INTO <prefix>canned_response
[(columns)] VALUES (...),(...);` with MySQL string escapes; without a column list the columns come
from the file's CREATE TABLE, else osTicket's own order. Responses are HTML.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from desktop.errors import ImportFileError
from desktop.importers.base import Parsed, each_record, load_yaml, read_text
from desktop.importers.html_text import html_to_text, looks_like_html
from desktop.store.canned import CannedResponse

SOURCE = "osticket"
DEFAULT_COLUMNS = (
    "canned_id", "dept_id", "isenabled", "title", "response", "lang", "notes", "created", "updated",
)  # fmt: skip
_INSERT = re.compile(
    r"INSERT\s+(?:IGNORE\s+)?INTO\s+`?(?:\w{0,64}\.)?`?\w{0,64}canned_response`?\s*"
    r"(?:\((?P<cols>[^)]{0,2000})\))?\s*VALUES\s*",
    re.IGNORECASE,
)
_CREATE = re.compile(r"CREATE\s+TABLE\s+`?\w{0,64}canned_response`?\s*\(", re.IGNORECASE)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "Z": "\x1a", "b": "\b"}


def _response(fields: dict[str, Any], source_id: str) -> CannedResponse:
    """The response a record describes; its placeholders are mapped by Parsed.add."""
    raw = str(fields.get("response") or "")
    html = raw if looks_like_html(raw) else ""
    body = html_to_text(raw) if html else raw.strip()
    lang = str(fields.get("lang") or "en").replace("_", "-").split("-")[0].lower()
    return CannedResponse(
        title=str(fields["title"]).strip(),
        body=body,
        body_html=html,
        notes=str(fields.get("notes") or "").strip(),
        language=lang or "en",
        active=str(fields.get("isenabled", 1)).strip() not in ("0", "False", "false"),
        source=SOURCE,
        source_id=source_id,
    )


def parse_yaml(path: Path) -> Parsed:
    data = load_yaml(path)
    if not isinstance(data, list):
        raise ImportFileError(f"{path.name}: expected a list of canned responses.")
    result = Parsed()
    for record in each_record(path, data, "a mapping"):
        if not isinstance(record.get("title"), str) or not record.get("title").strip():
            raise record.error("missing 'title'")
        for key in ("response", "notes", "lang"):
            record.text(key)  # a list or mapping where text belongs: refused, naming the record
        if not isinstance(record.get("isenabled", 1), bool | int | str):
            raise record.error("'isenabled' must be 0 or 1")
        if not str(record.get("response") or "").strip():
            result.skip(f"osTicket response {record.get('title')!r} is empty; skipped.")
            continue
        result.add(_response(record.data, record.get("title").strip()), "osticket")
    return result


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _tuples(path: Path, text: str, pos: int) -> tuple[list[list[str | None]], int]:
    """Parse `(v, ...), (...) ;` from `pos`: one linear scan, MySQL quoting rules."""
    rows: list[list[str | None]] = []
    size = len(text)
    while True:
        while pos < size and text[pos].isspace():
            pos += 1
        if pos >= size or text[pos] != "(":
            raise ImportFileError(f"{path.name}, line {_line(text, pos)}: expected '(' in VALUES.")
        pos += 1
        row: list[str | None] = []
        while True:
            while pos < size and text[pos].isspace():
                pos += 1
            if pos < size and text[pos] == "'":
                chars: list[str] = []
                opened = pos
                pos += 1
                while True:
                    if pos >= size:
                        raise ImportFileError(
                            f"{path.name}, line {_line(text, opened)}: unterminated string."
                        )
                    char = text[pos]
                    if char == "\\" and pos + 1 < size:
                        chars.append(_ESCAPES.get(text[pos + 1], text[pos + 1]))
                        pos += 2
                    elif char == "'" and text.startswith("''", pos):
                        chars.append("'")
                        pos += 2
                    elif char == "'":
                        pos += 1
                        break
                    else:
                        chars.append(char)
                        pos += 1
                row.append("".join(chars))
            else:
                start = pos
                while pos < size and text[pos] not in ",)":
                    pos += 1
                token = text[start:pos].strip()
                row.append(None if token.upper() == "NULL" else token)
            while pos < size and text[pos].isspace():
                pos += 1
            if pos < size and text[pos] == ",":
                pos += 1
                continue
            if pos < size and text[pos] == ")":
                pos += 1
                break
            raise ImportFileError(f"{path.name}, line {_line(text, pos)}: expected ',' or ')'.")
        rows.append(row)
        while pos < size and text[pos].isspace():
            pos += 1
        if pos < size and text[pos] == ",":
            pos += 1
            continue
        return rows, pos


def _create_columns(text: str) -> tuple[str, ...]:
    match = _CREATE.search(text)
    if match is None:
        return DEFAULT_COLUMNS
    block = text[match.end() : text.find(";", match.end())]
    return tuple(re.findall(r"^\s*`(\w+)`", block, re.MULTILINE)) or DEFAULT_COLUMNS


def parse_sql(path: Path) -> Parsed:
    text = read_text(path)
    default_columns = _create_columns(text)
    result = Parsed()
    matches = list(_INSERT.finditer(text))
    if not matches:
        raise ImportFileError(f"{path.name}: no INSERT INTO ...canned_response rows found.")
    for match in matches:
        columns = default_columns
        if match["cols"]:
            columns = tuple(c.strip(" `\n\t") for c in match["cols"].split(","))
        rows, _end = _tuples(path, text, match.end())
        line = _line(text, match.start())
        for number, row in enumerate(rows, start=1):
            if len(row) != len(columns):
                raise ImportFileError(
                    f"{path.name}, line {line}, row {number}: {len(row)} values "
                    f"for {len(columns)} columns."
                )
            fields = dict(zip(columns, row, strict=True))
            if not (fields.get("title") or "").strip():
                raise ImportFileError(f"{path.name}, line {line}, row {number}: missing title.")
            if not (fields.get("response") or "").strip():
                result.skip(f"osTicket response {fields['title']!r} is empty; skipped.")
                continue
            source_id = fields.get("canned_id") or str(fields["title"]).strip()
            result.add(_response(fields, source_id), "osticket")
    return result


def parse(path: Path) -> Parsed:
    return parse_sql(path) if path.suffix.lower() == ".sql" else parse_yaml(path)
