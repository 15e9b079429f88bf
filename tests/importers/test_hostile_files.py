"""Hostile import files, second round (issue 22): alias bombs, huge CSV fields, big libraries.

Each ends in one ImportFileError (or a correct import) within seconds, and a failed import
leaves the library exactly as it was.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop.errors import ImportFileError
from desktop.library.service import BY_SHORTCODE, BY_SOURCE, import_file
from desktop.store.canned import CannedRepository
from desktop.store.library import Library, open_library

BUDGET_SECONDS = 10.0  # each hostile file is answered well within this (they hung for minutes)


@pytest.fixture
def library(app_home: Path) -> Iterator[Library]:
    opened = open_library()
    yield opened
    opened.close()


def _snapshot(repo: CannedRepository) -> list[tuple[object, ...]]:
    return [(r.id, r.title, r.body, r.shortcode, r.notes, r.tags) for r in repo.all()]


def _bomb(levels: int = 9, width: int = 9) -> str:
    """The billion-laughs shape: each anchor a list of `width` aliases of the one before."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        items = ", ".join(f"*a{level - 1}" for _ in range(width))
        lines.append(f"a{level}: &a{level} [{items}]")
    return "\n".join(lines)


def _refused(library: Library, path: Path, match: str) -> None:
    before = _snapshot(library.repo)
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match=match) as caught:
        import_file(library.repo, path)
    assert time.perf_counter() - started < BUDGET_SECONDS
    assert "\n" not in str(caught.value)
    assert _snapshot(library.repo) == before


def _osticket(tmp_path: Path, field: str, levels: int = 9) -> Path:
    """An osTicket premade.yaml whose `field` is the last anchor of an alias bomb."""
    body = "" if field == "response" else "  response: Thanks for writing.\n"
    # The first record's notes define the anchors; the second record's field is the bomb.
    path = tmp_path / "premade.yaml"
    path.write_text(
        "- title: Defines the anchors\n  response: Hello\n  notes:\n"
        + "\n".join("    " + line for line in _bomb(levels).splitlines())
        + f"\n- title: Bomb\n{body}  {field}: *a{levels}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("field", ["response", "notes"])
def test_an_osticket_alias_bomb_is_refused_quickly(
    tmp_path: Path, library: Library, field: str
) -> None:
    _refused(library, _osticket(tmp_path, field), "aliases")


def test_a_small_alias_bomb_never_reaches_the_database(tmp_path: Path, library: Library) -> None:
    # 4 levels of 9: 6,561 items, well within the budget, but a list is not text.
    _refused(library, _osticket(tmp_path, "notes", levels=4), "'notes' must be text")


def test_an_espanso_regex_bomb_is_refused_before_anything_is_imported(
    tmp_path: Path, library: Library
) -> None:
    path = tmp_path / "base.yml"
    path.write_text(
        "global_vars:\n  - name: x\n    type: echo\n    params:\n      echo:\n"
        + "\n".join("        " + line for line in _bomb().splitlines())
        + "\nmatches:\n  - trigger: ':hi'\n    replace: Hello\n  - regex: *a9\n",
        encoding="utf-8",
    )
    _refused(library, path, "aliases")


def test_an_espanso_regex_that_is_not_text_is_named(tmp_path: Path, library: Library) -> None:
    path = tmp_path / "base.yml"
    path.write_text("matches:\n  - regex: [1, 2, 3]\n", encoding="utf-8")
    _refused(library, path, "record 1.*'regex' must be text")


def test_yaml_nested_100000_deep_is_refused(tmp_path: Path, library: Library) -> None:
    path = tmp_path / "deep.yml"
    path.write_text("matches: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    _refused(library, path, "nested too deeply|not valid YAML")


def test_aliases_a_real_file_uses_still_import(tmp_path: Path, library: Library) -> None:
    path = tmp_path / "base.yml"
    path.write_text(
        "defaults: &defaults\n  label: Greeting\n"
        "matches:\n  - trigger: ':hi'\n    replace: Hello there\n    <<: *defaults\n"
        "  - trigger: ':bye'\n    replace: Goodbye\n    <<: *defaults\n",
        encoding="utf-8",
    )
    report = import_file(library.repo, path)
    assert report.added == 2


# --- CSV fields over the csv module's 128 KB default -----------------------------------------

HUGE = 300_000


def _write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


@pytest.mark.parametrize(
    ("name", "rows", "title"),
    [
        ("native.csv", [["title", "body"], ["Policy", "p" * HUGE]], "Policy"),
        ("zammad.csv", [["name", "content"], ["Policy", "z" * HUGE]], "Policy"),
        ("textexpander.csv", [["pol;", "t" * HUGE, "Policy"]], "Policy"),
    ],
)
def test_a_field_over_128_kb_imports_whole(
    tmp_path: Path, library: Library, name: str, rows: list[list[str]], title: str
) -> None:
    fmt = {"native.csv": "csv", "zammad.csv": "zammad", "textexpander.csv": "textexpander"}[name]
    report = import_file(library.repo, _write_csv(tmp_path / name, rows), fmt)
    assert report.added == 1
    stored = [r for r in library.repo.all() if r.title == title]
    assert len(stored) == 1 and len(stored[0].body) == HUGE


def test_a_csv_error_names_the_file_and_line(tmp_path: Path, library: Library) -> None:
    # The limit is raised to the file cap, so a real file never meets it: lower it to see
    # that the csv module's error still becomes one line naming where it stopped.
    path = _write_csv(
        tmp_path / "long.csv", [["title", "body"], ["Fine", "ok"], ["Big", "b" * 5000]]
    )
    old = csv.field_size_limit(1000)
    try:
        _refused(library, path, r"long\.csv, line 3: not valid CSV \(field larger")
    finally:
        csv.field_size_limit(old)


# --- imports grow linearly (issue 22 item 2) -------------------------------------------------


@pytest.mark.parametrize("query", [BY_SHORTCODE.format(columns="*"), BY_SOURCE])
def test_the_import_lookups_use_their_index(library: Library, query: str) -> None:
    marks = query.count("?")
    plan = library.repo.db.execute(f"EXPLAIN QUERY PLAN {query}", ["x"] * marks).fetchall()
    details = " ".join(str(row[-1]) for row in plan)
    assert "USING INDEX" in details and "SCAN canned" not in details, details


def test_20000_rows_with_short_codes_import_in_linear_time(
    tmp_path: Path, library: Library
) -> None:
    rows = [["title", "body", "shortcode"]]
    rows += [[f"Answer {i}", f"Thanks for asking about order {i}.", f"c{i}"] for i in range(20_000)]
    path = _write_csv(tmp_path / "big.csv", rows)
    started = time.perf_counter()
    report = import_file(library.repo, path, "csv")
    elapsed = time.perf_counter() - started
    assert report.added == 20_000
    # Generous for a loaded 2-core machine; the quadratic import took over a minute here.
    assert elapsed < 60, f"20,000 rows took {elapsed:.1f} s"
    # Importing the same file again matches every row by its short code: nothing is added.
    again = import_file(library.repo, path, "csv")
    assert again.added == 0 and again.skipped == 20_000


def test_records_matching_earlier_ones_in_the_same_file_update_them(
    tmp_path: Path, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.library import service

    monkeypatch.setattr(service, "BATCH", 2)  # the matches straddle written and pending batches
    rows = [["title", "body", "shortcode"]]
    rows += [[f"R{i}", f"first {i}", f"k{i}"] for i in range(5)]
    rows += [[f"R{i}", f"second {i}", f"k{i}"] for i in range(5)]  # same codes, new bodies
    rows += [["Other", "first 0", "k0"]]  # the code is taken: matched and updated again
    before = library.repo.count()
    report = import_file(library.repo, _write_csv(tmp_path / "dupes.csv", rows), "csv")
    assert (report.added, report.updated) == (5, 6)
    assert library.repo.count() == before + 5
    stored = {r.shortcode: (r.title, r.body) for r in library.repo.all() if r.shortcode}
    assert stored["k0"] == ("Other", "first 0")
    assert all(stored[f"k{i}"] == (f"R{i}", f"second {i}") for i in range(1, 5))


@pytest.mark.parametrize("content", ["true", "3", '"text"', "null"])
def test_a_json_file_of_one_bare_value_is_one_clear_error(
    tmp_path: Path, library: Library, content: str
) -> None:
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    _refused(library, path, "export.json")


def test_an_espanso_match_with_an_empty_trigger_list_is_named(
    tmp_path: Path, library: Library
) -> None:
    path = tmp_path / "base.yml"
    path.write_text("matches:\n  - triggers: []\n    replace: Hello\n", encoding="utf-8")
    _refused(library, path, "record 1.*'triggers' a list of text")


def test_escaped_utf16_halves_are_joined_or_replaced(tmp_path: Path, library: Library) -> None:
    path = tmp_path / "base.yml"
    path.write_text(
        'matches:\n  - trigger: ":smile"\n    replace: "Hi \\ud83d\\ude00 and \\ud879 alone"\n',
        encoding="utf-8",
    )
    report = import_file(library.repo, path)
    assert report.added == 1
    stored = [r for r in library.repo.all() if r.shortcode == ":smile"]
    assert stored[0].body == "Hi \U0001f600 and \ufffd alone"
