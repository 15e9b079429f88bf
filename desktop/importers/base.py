"""What every importer shares: the parse result, safe file reading, records and their errors.

A format is a function `parse(path) -> Parsed` registered by name in `desktop.importers`. It
reads the file with `read_text` / `load_json` / `load_yaml`, walks its records with
`each_record` (typed field access, errors that name the record), and keeps responses with
`Parsed.add` (mapping the tool's placeholders) or `Parsed.keep`. It never touches the database.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import yaml

from desktop import placeholders, textfile
from desktop.errors import ImportFileError
from desktop.importers import tokens
from desktop.store.canned import CannedResponse

# Canned libraries are small; anything larger is almost certainly the wrong file.
MAX_FILE_BYTES = 50_000_000
TITLE_LENGTH = 60

# The csv module refuses a field over 128 KB by default; a long canned answer (a pasted policy,
# an HTML body) can be bigger. No field can be larger than the file, which is capped above.
csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))


@dataclass
class Parsed:
    """Responses read from one file, plus what the user should hear about."""

    responses: list[CannedResponse] = field(default_factory=list)
    unknown_placeholders: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0  # records with nothing to import (e.g. a macro that only sets a status)

    def add_unknown(self, tokens: Iterable[str]) -> None:
        for token in tokens:
            if token not in self.unknown_placeholders:
                self.unknown_placeholders.append(token)

    def add(self, response: CannedResponse, syntax: str) -> None:
        """Keep `response`, its body's placeholders mapped from `syntax` onto ours."""
        body, unknown = tokens.convert(response.body, syntax)
        self.keep(replace(response, body=body), unknown)

    def keep(self, response: CannedResponse, unknown: Iterable[str] = ()) -> None:
        """Keep `response` as it is (its placeholders already ours), noting tokens left over."""
        self.add_unknown(unknown)
        self.responses.append(_without_surrogates(response))

    def skip(self, why: str) -> None:
        self.skipped += 1
        self.warnings.append(why)


def _whole_text(text: str) -> str:
    r"""Escaped UTF-16 halves (JSON's and YAML's "\ud83d\ude00") joined, lone ones replaced.

    A lone half cannot be stored as UTF-8: SQLite's insert failed with a UnicodeEncodeError.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _without_surrogates(response: CannedResponse) -> CannedResponse:
    changed: dict[str, Any] = {
        name: _whole_text(value)
        for name, value in vars(response).items()
        if isinstance(value, str) and _whole_text(value) != value
    }
    if any(_whole_text(tag) != tag for tag in response.tags):
        changed["tags"] = tuple(_whole_text(tag) for tag in response.tags)
    return replace(response, **changed) if changed else response


def read_text(path: Path) -> str:
    return textfile.read_text(path, MAX_FILE_BYTES, ImportFileError)


# Message types of the Singer / Airbyte protocols that carry no record.
_PROTOCOL_MESSAGES = {"SCHEMA", "STATE", "LOG", "TRACE", "SPEC", "CATALOG", "ACTIVATE_VERSION"}
_NOT_A_RECORD = object()


def _unwrap(item: Any) -> Any:
    """The record inside one export-tool envelope, or the item itself when it has none.

    ETL tools (Airbyte, Singer taps, Meltano) write one message per line: `{"stream": ...,
    "data": {...}}`, `{"type": "RECORD", "record": {...}}`, or a raw `{"_airbyte_data": ...}`.
    """
    if not isinstance(item, dict):
        return item
    kind = item.get("type")
    if isinstance(kind, str) and kind in _PROTOCOL_MESSAGES:
        return _NOT_A_RECORD
    if kind == "RECORD" and isinstance(item.get("record"), dict):
        return _unwrap(item["record"])
    if "stream" in item and isinstance(item.get("data"), dict):
        return item["data"]
    if isinstance(item.get("_airbyte_data"), dict):
        return item["_airbyte_data"]
    return item


def unwrap_envelopes(data: Any) -> Any:
    """`data` with every export-tool envelope removed (a list stays a list)."""
    if isinstance(data, list):
        return [inner for inner in map(_unwrap, data) if inner is not _NOT_A_RECORD]
    inner = _unwrap(data)
    return [] if inner is _NOT_A_RECORD else inner


def _json_lines(text: str, name: str) -> list[Any]:
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ImportFileError(
                    f"{name}, line {number}: not valid JSON Lines ({exc.msg})."
                ) from exc
    return records


def decode_json(text: str, name: str) -> Any:
    """A JSON document or JSON Lines (one record a line), envelopes removed."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # "Extra data" after a complete first value: JSON Lines, one value per line.
        if exc.msg != "Extra data" or "\n" not in text.strip():
            raise ImportFileError(
                f"{name}, line {exc.lineno}: not valid JSON ({exc.msg})."
            ) from exc
        data = _json_lines(text, name)
    except RecursionError as exc:
        raise ImportFileError(f"{name}: JSON nested too deeply to be a canned library.") from exc
    return unwrap_envelopes(data)


class _Lines(Protocol):
    """What a csv reader tells about where it is (csv.reader and csv.DictReader both do)."""

    @property
    def line_num(self) -> int: ...


@contextmanager
def csv_errors(path: Path, reader: _Lines) -> Iterator[None]:
    """Turn the csv module's errors into one line naming the file and the line it stopped at.

    The reader counts the lines it has finished; the error is in the one it was reading.
    """
    try:
        yield
    except csv.Error as exc:
        raise ImportFileError(
            f"{path.name}, line {reader.line_num + 1}: not valid CSV ({exc})."
        ) from exc


def load_json(path: Path) -> Any:
    return decode_json(read_text(path), path.name)


# What aliases may add on top of what the file spells out (nodes plus characters): a YAML alias
# shares one object, so ten nested aliases of ten items make 10^10 items for whoever walks or
# prints the result (issue 22: a 358-byte file grew the library by 35 MB, others hung).
_ALIAS_SLACK = 100_000


def _within(data: Any, budget: int) -> bool:
    """True when `data`, every alias expanded, has at most `budget` nodes plus characters.

    Iterative, and it stops at the budget, so a cycle or a bomb costs no more than the budget.
    """
    stack = [data]
    used = 0
    while stack:
        item = stack.pop()
        used += 1 + (len(item) if isinstance(item, str | bytes) else 0)
        if used > budget:
            return False
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | set | tuple):
            stack.extend(item)
    return True


def load_yaml(path: Path) -> Any:
    # safe_load only: a YAML file must never be able to build arbitrary Python objects.
    text = read_text(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ImportFileError(f"{path.name}{where}: not valid YAML ({problem}).") from exc
    except RecursionError as exc:
        raise ImportFileError(
            f"{path.name}: YAML nested too deeply to be a canned library."
        ) from exc
    # A file without aliases never has more nodes plus characters than its length in bytes.
    if not _within(data, 2 * len(text) + _ALIAS_SLACK):
        raise ImportFileError(
            f"{path.name}: its YAML aliases (*name) expand far past the file's own size; "
            "refusing it (an alias bomb?). Write the repeated parts out, or remove the aliases."
        )
    return data


def record_error(path: Path, index: int, record: Any, reason: str) -> ImportFileError:
    """An error naming the record by position and, where it has one, by title or id."""
    label = ""
    if isinstance(record, dict):
        for key in ("title", "name", "short_code", "trigger", "id"):
            value = record.get(key)
            if isinstance(value, str | int) and str(value):
                label = f" ({str(value)[:TITLE_LENGTH]!r})"
                break
    return ImportFileError(f"{path.name}, record {index + 1}{label}: {reason}.")


class Record:
    """One record of an import file, with typed field access whose errors name the record."""

    def __init__(self, path: Path, index: int, data: dict[str, Any]) -> None:
        self.path = path
        self.index = index
        self.data = data

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def error(self, reason: str) -> ImportFileError:
        return record_error(self.path, self.index, self.data, reason)

    def text(self, key: str, default: str = "") -> str:
        """A string field; null counts as missing, numbers are accepted as text."""
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(f"'{key}' must be text")
        return str(value)

    def required(self, key: str) -> str:
        """A text field that must be there and not blank, stripped."""
        value = self.text(key).strip()
        if not value:
            raise self.error(f"missing '{key}'")
        return value


def each_record(path: Path, items: Iterable[Any], expected: str = "an object") -> Iterator[Record]:
    """The items of a file as Records; anything but a mapping is an error naming its place."""
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise record_error(path, index, item, f"expected {expected}")
        yield Record(path, index, item)


def records_from(path: Path, data: Any, keys: tuple[str, ...]) -> list[Any]:
    """The list of records in a bare array or in the first envelope key that holds one."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in keys:
            if isinstance(data.get(key), list):
                return list(data[key])
    raise ImportFileError(f"{path.name}: expected a list of records ({', '.join(keys)}).")


def make_title(body: str) -> str:
    """A title for sources that have none: the first line, shortened at a word boundary."""
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    # "{{input.name}}" reads badly in a list of titles: show "[name]".
    first = placeholders.PATTERN.sub(lambda m: f"[{m['name'].rsplit('.', 1)[-1]}]", first)
    if len(first) <= TITLE_LENGTH:
        return first or "Untitled"
    return first[:TITLE_LENGTH].rsplit(" ", 1)[0] + "\u2026"
