"""Team libraries with a real file changing on disk and a real SQLite library file."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from desktop.app import build_parser
from desktop.cli import run
from desktop.drafting.ready import rank_with_pins
from desktop.errors import InputError
from desktop.library import service as library_service
from desktop.library import team as team_library
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.library import Library, open_library
from desktop.transcript import parse


def write_library(path: Path, records: list[dict[str, Any]]) -> None:
    """Our own export format, as `canned export` writes it."""
    text = json.dumps({"format": "agent-assist-canned", "version": 1, "responses": records})
    path.write_text(text, encoding="utf-8")


TEAM: list[dict[str, Any]] = [
    {
        "title": "Warranty claim for a broken espresso machine",
        "body": "Our espresso machines carry a two-year warranty; send us a photo of the fault.",
        "shortcode": "warranty",
        "tags": ["warranty"],
    },
    {"title": "Team holiday opening hours", "body": "We are open 9 to 5 on public holidays."},
]


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    opened = open_library(tmp_path / "library.db")
    yield opened
    opened.close()


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    path = folder / "team.json"
    write_library(path, TEAM)
    return path


def team_rows(repo: CannedRepository, path: Path) -> dict[str, CannedResponse]:
    source = team_library.source_for(path.resolve())
    return {r.title: r for r in repo.all() if r.source == source}


def touch_later(path: Path) -> None:
    """Filesystems with coarse timestamps: make the change visible in the mtime too."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_subscribe_imports_read_only_team_responses(library: Library, shared: Path) -> None:
    repo = library.repo
    report = team_library.subscribe(repo, shared)
    assert (report.added, report.error) == (2, "")
    rows = team_rows(repo, shared)
    warranty = rows["Warranty claim for a broken espresso machine"]
    assert warranty.source == f"team:{shared.resolve()}" and team_library.is_team(warranty)
    with pytest.raises(sqlite3.IntegrityError, match="team library and is read-only"):
        repo.update(CannedResponse(**{**warranty.__dict__, "body": "changed by the agent"}))
    with pytest.raises(sqlite3.IntegrityError, match="read-only"):
        repo.delete_many([warranty.id or 0])
    repo.record_use(warranty.id or 0)  # usage statistics stay writable
    assert (repo.get(warranty.id or 0) or warranty).usage_count == 1
    [subscription] = team_library.subscriptions(repo)
    assert subscription.path == shared.resolve() and subscription.responses == 2


def test_changed_file_is_reimported_on_poll_keeping_usage(library: Library, shared: Path) -> None:
    repo = library.repo
    team_library.subscribe(repo, shared)
    assert team_library.poll(repo) == []  # nothing changed: nothing read
    warranty = team_rows(repo, shared)["Warranty claim for a broken espresso machine"]
    repo.record_use(warranty.id or 0)
    changed = [
        {**TEAM[0], "body": "Our espresso machines carry a three-year warranty."},
        {"title": "Gift wrapping", "body": "Gift wrapping is free on every order."},
    ]
    write_library(shared, changed)
    touch_later(shared)
    [report] = team_library.poll(repo)
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    rows = team_rows(repo, shared)
    assert set(rows) == {"Warranty claim for a broken espresso machine", "Gift wrapping"}
    updated = rows["Warranty claim for a broken espresso machine"]
    assert updated.id == warranty.id and "three-year" in updated.body
    assert updated.usage_count == 1
    assert [r.id for r in repo.search("gift wrapping")] == [rows["Gift wrapping"].id]


def test_unreadable_file_keeps_the_last_good_responses(library: Library, shared: Path) -> None:
    repo = library.repo
    team_library.subscribe(repo, shared)
    shared.write_text('{"format": "agent-assist-canned", "responses": [', encoding="utf-8")
    touch_later(shared)
    [report] = team_library.poll(repo)
    assert report.error and not report.changed
    assert len(team_rows(repo, shared)) == 2
    shared.unlink()  # the share went offline
    [report] = team_library.poll(repo)
    assert "cannot be reached" in report.error
    assert len(team_rows(repo, shared)) == 2
    assert team_library.subscriptions(repo)[0].error == report.error


def test_team_and_own_responses_are_ranked_together(library: Library, shared: Path) -> None:
    repo = library.repo
    own = repo.add(CannedResponse(title="Espresso machine descaling", body="Descale monthly."))
    team_library.subscribe(repo, shared)
    transcript = parse("Customer: my espresso machine is broken, is it under warranty?")
    ranked = [c for c, _ in rank_with_pins(repo, transcript, (), 5)]
    team = team_rows(repo, shared)["Warranty claim for a broken espresso machine"]
    assert ranked[0].id == team.id
    assert own.id in {c.id for c in ranked}


def test_own_short_code_wins_and_unsubscribe_removes(library: Library, shared: Path) -> None:
    repo = library.repo
    repo.add(CannedResponse(title="My warranty text", body="Mine.", shortcode="warranty"))
    report = team_library.subscribe(repo, shared)
    assert any("already used" in w for w in report.warnings)
    team = team_rows(repo, shared)["Warranty claim for a broken espresso machine"]
    assert team.shortcode == ""
    assert team_library.unsubscribe(repo, shared) == 2
    assert team_rows(repo, shared) == {} and team_library.subscriptions(repo) == []
    with pytest.raises(InputError, match="Not subscribed"):
        team_library.unsubscribe(repo, shared)


def test_subscribing_to_a_missing_file_is_refused(library: Library, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a file"):
        team_library.subscribe(library.repo, tmp_path / "nope.json")


def main(argv: list[str]) -> int:
    """The CLI in this process (the subprocess tests of test_cli.py cover start-up)."""
    return run(build_parser().parse_args(argv))


def test_cli_subscribe_sync_unsubscribe(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["canned", "subscribe", str(shared)]) == 0
    assert "2 added" in capsys.readouterr().out
    write_library(shared, [*TEAM, {"title": "Returns address", "body": "Ship to Unit 4."}])
    touch_later(shared)
    assert main(["canned", "sync"]) == 0
    assert "1 added" in capsys.readouterr().out
    assert main(["canned", "subscriptions"]) == 0
    assert str(shared.resolve()) in capsys.readouterr().out
    assert main(["canned", "unsubscribe", str(shared)]) == 0
    assert "3 team responses removed" in capsys.readouterr().out


def test_reimporting_an_export_with_team_responses_leaves_them_alone(
    library: Library, shared: Path, tmp_path: Path
) -> None:
    repo = library.repo
    team_library.subscribe(repo, shared)
    exported = tmp_path / "mine.json"
    library_service.export(repo, exported)
    report = library_service.import_file(repo, exported)
    assert report.skipped >= 2 and report.added == 0
    assert len(team_rows(repo, shared)) == 2
