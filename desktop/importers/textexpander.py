"""TextExpander: the import CSV (abbreviation, content, label) and `.textexpander` plist groups.

Mapped: `%|` -> {{cursor}}; `%filltext:name=X:default=Y%`, `%fillarea...%`, `%fillpopup...%`
-> {{input.x|fallback:"Y"}}. Optional sections, nested snippets and keys are kept verbatim and
reported. Script snippets (AppleScript, shell, JavaScript) and snippets that insert the clipboard
or the date are skipped with a line in the report, never run and never imported as text.
"""

from __future__ import annotations

import csv
import io
import plistlib
import re
import xml.parsers.expat
from pathlib import Path

from desktop.errors import ImportFileError
from desktop.importers import tokens
from desktop.importers.base import (
    MAX_FILE_BYTES,
    Parsed,
    csv_errors,
    each_record,
    make_title,
    read_text,
)
from desktop.store.canned import CannedResponse

SOURCE = "textexpander"
_TOKEN = re.compile(
    r"%\||%fill(?P<fill>text|area|popup):(?P<args>[^%\n]{0,300})%"
    r"|%(?:fillpart|fillpartend|fillbranch|snippet|key)[^%\n]{0,120}%|%clipboard"
)
_SCRIPT_TYPES = {2: "AppleScript", 3: "shell script", 4: "JavaScript"}
# Values TextExpander computes when the snippet is typed: the clipboard, the date and time
# (%Y %m %d %B %A %H %M ..., %1d without a leading zero, %@+1D date arithmetic). A digit just
# before the % ("50% off", "20%APR") is a percentage, not a macro.
_DYNAMIC = re.compile(r"(?<![\d%])%(?:clipboard|@[+-]?\d+[YMDhms]|1?[YymdeBbAaHIMSpZ](?![a-z]))")


def _fill(match: re.Match[str]) -> str | None:
    if match.group(0) == "%|":
        return "{{cursor}}"
    if not match["fill"]:
        return None
    name, default = "", None
    for part in match["args"].split(":"):
        key, sep, value = part.partition("=")
        if sep and key == "name":
            name = value
        elif sep and key == "default":
            default = value
        elif not sep and match["fill"] == "popup" and default is None:
            default = part  # the first popup option is the preselected one
    return tokens.ours(tokens.input_name(name), default)


def _response(
    result: Parsed,
    abbreviation: str,
    content: str,
    label: str,
    category: str = "",
    source_id: str = "",
) -> None:
    dynamic = _DYNAMIC.search(content)
    if dynamic is not None:
        what = "the clipboard" if dynamic.group(0) == "%clipboard" else "the date or time"
        result.skip(
            f"TextExpander snippet {abbreviation.strip()!r} inserts {what} "
            f"({dynamic.group(0)}) when it is typed; skipped."
        )
        return
    body, unknown = tokens.rewrite(content.strip(), _TOKEN, _fill)
    result.keep(
        CannedResponse(
            title=label.strip() or make_title(body),
            body=body,
            shortcode=abbreviation.strip(),
            source=SOURCE,
            category=category,
            source_id=source_id or abbreviation.strip(),
        ),
        unknown,
    )


def parse_csv(path: Path) -> Parsed:
    text = read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if len(next(csv.reader([first]), [])) < 2 and ";" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = ["abbreviation", "content", "label"]
    result = Parsed()
    line = 1
    with csv_errors(path, reader):
        for row in reader:
            lowered = [cell.strip().lower() for cell in row]
            if line == 1 and "abbreviation" in lowered and "content" in lowered:
                columns = lowered  # an optional header names the column order
            elif any(cell.strip() for cell in row):
                fields = dict(zip(columns, row, strict=False))
                if len(row) < 2 or not fields.get("abbreviation", "").strip():
                    raise ImportFileError(
                        f"{path.name}, line {line}: expected abbreviation, content and label."
                    )
                if not fields.get("content", "").strip():
                    result.skip(
                        f"TextExpander snippet {fields['abbreviation']!r} is empty; skipped."
                    )
                else:
                    _response(
                        result, fields["abbreviation"], fields["content"], fields.get("label", "")
                    )
            line = reader.line_num + 1
    return result


def parse_plist(path: Path) -> Parsed:
    try:
        with path.open("rb") as handle:
            data = plistlib.loads(handle.read(MAX_FILE_BYTES))
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror}.") from exc
    except (plistlib.InvalidFileException, xml.parsers.expat.ExpatError, ValueError) as exc:
        raise ImportFileError(f"{path.name}: not a valid TextExpander plist ({exc}).") from exc
    snippets = data.get("snippetsTE2", data.get("snippets")) if isinstance(data, dict) else None
    if not isinstance(snippets, list):
        raise ImportFileError(f"{path.name}: no 'snippetsTE2' list of snippets.")
    group = data.get("groupInfo") or {}
    category = str(group.get("groupName") or "") if isinstance(group, dict) else ""
    result = Parsed()
    for snippet in each_record(path, snippets, "a dict"):
        abbreviation = snippet.get("abbreviation")
        content = snippet.get("plainText")
        if not isinstance(abbreviation, str) or not isinstance(content, str | None):
            raise snippet.error("missing 'abbreviation' or bad 'plainText'")
        kind = snippet.get("snippetType", 0)
        if kind in _SCRIPT_TYPES:
            result.skip(
                f"TextExpander snippet {abbreviation!r} is a {_SCRIPT_TYPES[kind]}; skipped."
            )
        elif not (content or "").strip():
            result.skip(f"TextExpander snippet {abbreviation!r} is empty; skipped.")
        else:
            uuid = snippet.get("uuidString")
            _response(
                result,
                abbreviation,
                content or "",
                str(snippet.get("label") or ""),
                category=category,
                source_id=uuid if isinstance(uuid, str) else "",
            )
    return result


def parse(path: Path) -> Parsed:
    return parse_csv(path) if path.suffix.lower() == ".csv" else parse_plist(path)
