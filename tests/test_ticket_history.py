"""Learning from a ticket history file (desktop.library.ticket_history): a real SQLite file,
the real default library and meaning model, real CSV and JSON Lines files (issue 23)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop.errors import ImportFileError, InputError
from desktop.library.ticket_history import learn_from_file
from desktop.store.canned import CannedRepository
from desktop.store.examples import ExampleStore
from desktop.store.library import Library, open_library


@pytest.fixture
def library(app_home: Path) -> Iterator[Library]:
    opened = open_library()  # seeded with the sample responses, as on a first start
    yield opened
    opened.close()


def _write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["conversation", "canned"])
        writer.writerows(rows)
    return path


def _titles(repo: CannedRepository) -> list[str]:
    return [r.title for r in repo.all()]


def test_report_counts_per_response_and_names_unknown_titles(
    library: Library, tmp_path: Path
) -> None:
    first, second = _titles(library.repo)[:2]
    rows = [
        ("Customer: where is my parcel?", first),
        ("Customer: the tracking has not moved for a week", first.lower()),
        ("I want my money back", second),
        ("hello", "A response nobody wrote"),
        ("hi there", "Another unknown one"),
    ]
    calls: list[tuple[int, int]] = []
    report = learn_from_file(
        library.repo,
        _write_csv(tmp_path / "tickets.csv", rows),
        lambda done, total: calls.append((done, total)),
    )
    assert (report.rows, report.learned, report.unknown_rows, report.skipped) == (5, 3, 2, 0)
    assert report.unknown == ("A response nobody wrote", "Another unknown one")
    assert report.per_response == ((first, 2), (second, 1))
    assert calls[0] == (0, 3) and calls[-1] == (3, 3)
    assert ExampleStore(library.repo.db).stats()["by_source"]["import"]["picks"] == 3


def test_a_cancelled_import_writes_nothing(library: Library, tmp_path: Path) -> None:
    """Cancelling from the progress callback, even after every vector was made, keeps none."""
    title = _titles(library.repo)[0]
    path = tmp_path / "tickets.jsonl"
    lines = [
        json.dumps({"conversation": f"where is order {n}?", "canned": title}) for n in range(450)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    seen: list[int] = []

    def cancel_at_the_end(done: int, total: int) -> None:
        seen.append(done)
        if done == total:
            raise InputError("cancelled")

    with pytest.raises(InputError, match="cancelled"):
        learn_from_file(library.repo, path, cancel_at_the_end)
    assert seen == [0, 200, 400, 450]
    assert ExampleStore(library.repo.db).stats()["examples"] == 0


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.csv", "subject,body\nhello,there\n", "must name a conversation column"),
        ("bad.jsonl", '{"conversation": "hi", "canned": \n', "bad.jsonl"),
        ("none.jsonl", '{"conversation": "hi", "canned": "nope"}\n', "names a canned response"),
    ],
)
def test_a_bad_file_learns_nothing(
    library: Library, tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        learn_from_file(library.repo, path)
    assert ExampleStore(library.repo.db).stats()["examples"] == 0


def test_a_missing_file_is_an_import_error(library: Library, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="File not found"):
        learn_from_file(library.repo, tmp_path / "gone.csv")
