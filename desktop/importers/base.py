"""What every importer shares: the parse result, safe file reading, record-level errors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from desktop import placeholders, textfile
from desktop.errors import ImportFileError
from desktop.importers import tokens
from desktop.store.canned import CannedResponse

# Canned libraries are small; anything larger is almost certainly the wrong file.
MAX_FILE_BYTES = 50_000_000
TITLE_LENGTH = 60


@dataclass
class Parsed:
    """Responses read from one file, plus what the user should hear about."""

    responses: list[CannedResponse] = field(default_factory=list)
    unknown_placeholders: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0  # records with nothing to import (e.g. a macro that only sets a status)

    def add_unknown(self, tokens: list[str]) -> None:
        for token in tokens:
            if token not in self.unknown_placeholders:
                self.unknown_placeholders.append(token)

    def add(self, response: CannedResponse, syntax: str) -> None:
        """Keep `response`, its body's placeholders mapped from `syntax` onto ours."""
        body, unknown = tokens.convert(response.body, syntax)
        self.add_unknown(unknown)
        self.responses.append(replace(response, body=body))

    def skip(self, why: str) -> None:
        self.skipped += 1
        self.warnings.append(why)


def read_text(path: Path) -> str:
    return textfile.read_text(path, MAX_FILE_BYTES, ImportFileError)


def load_json(path: Path) -> Any:
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{path.name}, line {exc.lineno}: not valid JSON ({exc.msg})."
        ) from exc


def load_yaml(path: Path) -> Any:
    # safe_load only: a YAML file must never be able to build arbitrary Python objects.
    try:
        return yaml.safe_load(read_text(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ImportFileError(f"{path.name}{where}: not valid YAML ({problem}).") from exc


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


def text_field(path: Path, index: int, record: dict[str, Any], key: str, default: str = "") -> str:
    """A string field; null counts as missing, numbers are accepted as text."""
    value = record.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise record_error(path, index, record, f"'{key}' must be text")
    return str(value)


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
