"""Property-based tests (hypothesis): the parsers and the renderer never fail in a way we did not
choose, and never take long, whatever they are given.

Allowed failures are the app's own InputError / ImportFileError (a message for the agent);
anything else (KeyError, TypeError, RecursionError...) is a bug. Each example has a deadline.
"""

from __future__ import annotations

import csv
import io
import json
import plistlib
import tempfile
from pathlib import Path
from typing import Any

import yaml
from desktop import placeholders
from desktop.errors import InputError
from desktop.importers import format_names, parse_file, parser_for
from desktop.library.service import import_file
from desktop.store import migrations
from desktop.store.canned import CannedRepository
from desktop.transcript import MAX_CHARS, parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

FAST = settings(
    max_examples=120, deadline=2000, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

# --- the transcript parser -------------------------------------------------------------------

LABELS = st.sampled_from(
    ["Customer: ", "Agent: ", "[10:32] Customer: ", "Jane (customer): ", "Rep:", "you: ", ""]
)
LINE = st.tuples(LABELS, st.text(max_size=80)).map("".join)
CONVERSATION = st.one_of(st.text(), st.lists(LINE, max_size=30).map("\n".join))


@FAST
@given(CONVERSATION)
def test_transcript_parse_is_total(text: str) -> None:
    try:
        transcript = parse(text)
    except InputError:
        return  # binary-looking input: refused with a message
    assert all(turn.text and turn.text == turn.text.strip() for turn in transcript.turns)
    assert sum(len(turn.text) for turn in transcript.turns) <= min(len(text), MAX_CHARS)
    assert transcript.truncated == (len(text) > MAX_CHARS and transcript.truncated)


@settings(max_examples=20, deadline=5000, derandomize=True)
@given(st.text(min_size=1, max_size=20), st.integers(min_value=5_000, max_value=40_000))
def test_transcript_parse_of_huge_input_is_bounded(unit: str, repeat: int) -> None:
    try:
        transcript = parse(unit * repeat)
    except InputError:
        return
    assert sum(len(turn.text) for turn in transcript.turns) <= MAX_CHARS


# --- the placeholder renderer ----------------------------------------------------------------

NAMES = st.sampled_from(
    ["customer.first_name", "agent.name", "order.id", "cursor", "input.refund", "x", ""]
)
PIECES = st.one_of(
    st.text(max_size=12),
    NAMES.map(lambda n: "{{" + n + "}}"),
    st.tuples(NAMES, st.text(max_size=10)).map(lambda p: f'{{{{{p[0]}|fallback:"{p[1]}"}}}}'),
    st.sampled_from(["{{", "}}", "{%", "%}", "%{", "{0}", "{{7*7}}", "|fallback:", '"']),
)
BODY = st.lists(PIECES, max_size=20).map("".join)
VALUES = st.dictionaries(NAMES, st.one_of(st.text(max_size=20), BODY), max_size=5)


@FAST
@given(BODY, VALUES)
def test_render_is_total_and_never_evaluates(text: str, values: dict[str, str]) -> None:
    rendered = placeholders.render(text, values)
    if not placeholders.find(text):
        assert rendered.text == text
    # Text outside the placeholders comes through untouched, in order.
    outside = placeholders.PATTERN.split(text)[0]
    assert rendered.text.startswith(outside) or outside == ""
    if rendered.cursor is not None:
        assert 0 <= rendered.cursor <= len(rendered.text)
    assert set(rendered.unresolved) <= set(placeholders.names(text))


# --- every importer ----------------------------------------------------------------------------

KEYS = st.sampled_from(
    [
        "title", "body", "name", "content", "content_html", "actions", "macros", "macro",
        "canned_responses", "short_code", "text", "chatText", "type", "_embedded", "trigger",
        "triggers", "replace", "vars", "form", "html", "markdown", "label", "abbreviation",
        "plainText", "snippetsTE2", "snippetType", "responses", "data", "stream", "record",
        "value", "field", "folder_id", "responses_count", "intent", "source", "tags", "active",
        "keywords", "note", "id", "text_modules", "body_text", "global_vars", "params",
        "format", "response", "isenabled", "savedReplies", "groupInfo", "uuidString",
    ]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(KEYS, st.text(max_size=6)), children, max_size=6),
    ),
    max_leaves=25,
)
RECORD = st.dictionaries(KEYS, JSON, max_size=8)


def _plist_safe(value: Any) -> Any:
    """plistlib has no null and only string keys."""
    if value is None:
        return ""
    if isinstance(value, list):
        return [_plist_safe(v) for v in value]
    if isinstance(value, dict):
        return {_plist_safe(str(k)): _plist_safe(v) for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
        return 0
    if isinstance(value, str):
        return "".join(c for c in value if c >= " " or c in "\t\n\r")
    return value


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


CELLS = st.lists(st.lists(st.text(max_size=20), max_size=5), max_size=6)
HEADER_ROWS = [
    ["title", "body"],
    ["name", "keywords", "content"],
    ["abbreviation", "content", "label"],
]
HEADERS = st.sampled_from([*HEADER_ROWS, []])


def _anchors(draw: st.DrawFn, indent: str) -> tuple[str, str]:
    """YAML lines defining a chain of anchors, and the alias of the last.

    Each anchor is a list of aliases of the one before: an alias bomb when the chain is long
    and wide (issue 22).
    """
    levels, width = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    lines = [f"a0: &a0 {json.dumps(draw(st.text(max_size=8)))}"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(indent + line for line in lines), f"*a{levels}"


@st.composite
def alias_yaml(draw: st.DrawFn) -> tuple[str, bytes]:
    """osTicket and Espanso files whose fields are aliases, from harmless to a billion items."""
    if draw(st.booleans()):
        anchors, alias = _anchors(draw, "    ")
        field = draw(st.sampled_from(["response", "notes", "title", "lang", "isenabled"]))
        text = (
            f"- title: Anchors\n  response: Hello\n  notes:\n{anchors}\n"
            f"- title: Aliased\n  response: Hi\n  {field}: {alias}\n"
        )
        return "premade.yaml", text.encode()
    anchors, alias = _anchors(draw, "      ")
    field = draw(st.sampled_from(["replace", "regex", "label", "trigger", "triggers", "vars"]))
    text = (
        f"global_vars:\n  - name: x\n    params:\n{anchors}\n"
        f"matches:\n  - trigger: ':x'\n    replace: Hello\n  - trigger: ':y'\n"
        f"    replace: Hi\n    {field}: {alias}\n"
    )
    return "base.yml", text.encode()


@st.composite
def huge_csv(draw: st.DrawFn) -> tuple[str, bytes]:
    """A CSV of each format with one field far over the csv module's 128 KB default."""
    header = draw(st.sampled_from(HEADER_ROWS))
    size = draw(st.integers(100_000, 400_000))
    cell = draw(st.sampled_from(["a", "é", ",", '"', "\n", "{{name}}"])) * (size // 8 + 1)
    row = [draw(st.text(max_size=10)) or "x" for _ in header]
    row[draw(st.integers(0, len(header) - 1))] = cell[:size]
    name = draw(st.sampled_from(["export.csv", "zammad.csv", "snippets.csv"]))
    return name, _csv([header, row, [draw(st.text(max_size=10)) or "y" for _ in header]]).encode()


@st.composite
def import_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, content): well-formed containers around arbitrary records, or raw noise."""
    kind = draw(
        st.sampled_from(["json", "jsonl", "yaml", "csv", "plist", "sql", "raw", "alias", "huge"])
    )
    if kind == "alias":
        return draw(alias_yaml())
    if kind == "huge":
        return draw(huge_csv())
    if kind == "json":
        data = draw(st.one_of(JSON, st.lists(RECORD, max_size=4), RECORD))
        return "export.json", json.dumps(data).encode()
    if kind == "jsonl":
        lines = draw(st.lists(st.one_of(RECORD, JSON), min_size=2, max_size=4))
        return "export.jsonl", "\n".join(json.dumps(line) for line in lines).encode()
    if kind == "yaml":
        data = draw(st.one_of(st.fixed_dictionaries({"matches": st.lists(RECORD)}), JSON))
        return "export.yml", yaml.safe_dump(data).encode()
    if kind == "csv":
        return "export.csv", _csv([draw(HEADERS), *draw(CELLS)]).encode()
    if kind == "plist":
        data = {"snippetsTE2": [_plist_safe(r) for r in draw(st.lists(RECORD, max_size=3))]}
        return "export.textexpander", plistlib.dumps(data)
    if kind == "sql":
        values = draw(st.lists(st.text(max_size=15), min_size=1, max_size=6))
        row = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
        return "dump.sql", f"INSERT INTO `ost_canned_response` VALUES ({row});\n".encode()
    suffix = draw(st.sampled_from([".json", ".yml", ".csv", ".sql", ".textexpander", ".txt"]))
    return "noise" + suffix, draw(st.binary(max_size=300))


PARSERS = st.sampled_from(["auto", *format_names()])


@FAST
@given(import_files(), PARSERS)
def test_every_importer_fails_only_with_a_message(file: tuple[str, bytes], fmt: str) -> None:
    name, content = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            if fmt == "auto":
                parse_file(path)
            else:
                parser_for(fmt)(path)
        except InputError:  # ImportFileError is one: the agent reads which record and why
            pass


_LIBRARY: list[CannedRepository] = []


def _library() -> CannedRepository:
    """One migrated database for all examples: migrating per example would cost most of the time."""
    if not _LIBRARY:
        db = Database(memory=True)
        migrations.apply(db)
        _LIBRARY.append(CannedRepository(db))
    return _LIBRARY[0]


@settings(max_examples=80, deadline=4000, derandomize=True)
@given(import_files())
def test_an_import_either_lands_whole_or_changes_nothing(file: tuple[str, bytes]) -> None:
    _lands_whole_or_changes_nothing(file)


def _lands_whole_or_changes_nothing(file: tuple[str, bytes]) -> None:
    name, content = file
    repo = _library()
    before = repo.count()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            report = import_file(repo, path)
        except InputError:
            assert repo.count() == before
        else:
            assert repo.count() == before + report.added
    assert repo.db.execute("PRAGMA quick_check").fetchone()[0] == "ok"


@settings(max_examples=60, deadline=4000, derandomize=True)
@given(st.one_of(alias_yaml(), huge_csv()))
def test_aliases_and_huge_fields_land_whole_or_change_nothing(file: tuple[str, bytes]) -> None:
    """Issue 22: alias bombs hung or filled the library, 128 KB fields were a traceback."""
    _lands_whole_or_changes_nothing(file)
