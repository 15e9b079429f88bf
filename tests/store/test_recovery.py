"""A damaged database is recovered, not replaced: real files, damaged the ways disks damage them."""

from __future__ import annotations

import os
import random
import sqlite3
import time
from pathlib import Path

import pytest
from desktop.errors import StoreError
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.db import open_database
from desktop.store.library import open_library

RESPONSES = 1000
PAGE = 4096


def _library(path: Path, count: int = RESPONSES) -> None:
    """A library of `count` responses, the WAL folded into the main file as on a clean exit."""
    opened = open_database(path)
    repo = CannedRepository(opened.db)
    repo.add_many(
        CannedResponse(title=f"Response {i}", body=f"reply{i} " * 60, shortcode=f"r{i}")
        for i in range(count)
    )
    opened.db.execute("INSERT INTO meta (key, value) VALUES ('seeded', 'then')")
    opened.db.conn.commit()
    opened.db.close()
    assert not path.with_name(path.name + "-wal").exists()


def _leaf_pages(path: Path) -> list[tuple[int, int]]:
    """(page number, rows on it) for each leaf page of the canned table, in page order."""
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT pageno, ncell FROM dbstat WHERE name = 'canned' AND pagetype = 'leaf' "
        "ORDER BY pageno"
    ).fetchall()
    conn.close()
    return [(int(page), int(cells)) for page, cells in rows]


def _titles(path: Path) -> set[str]:
    opened = open_database(path, verify=False)
    titles = {r["title"] for r in opened.db.query("SELECT title FROM canned")}
    opened.db.close()
    return titles


def test_a_damaged_page_in_the_middle_costs_only_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "canned.db"
    _library(path)
    leaves = _leaf_pages(path)
    page, lost = leaves[len(leaves) // 2]
    data = bytearray(path.read_bytes())
    damaged = random.Random(7).randbytes(PAGE)
    data[(page - 1) * PAGE : page * PAGE] = damaged
    path.write_bytes(bytes(data))

    opened = open_database(path)

    assert opened.recovered_from is not None
    assert opened.recovered_from.read_bytes() == bytes(data)  # kept exactly as found
    assert opened.recovery is not None
    assert opened.recovery.responses == RESPONSES - lost
    repo = CannedRepository(opened.db)
    assert repo.count() == RESPONSES - lost
    # The copy is a working library: searchable, and its integrity check passes.
    assert [r.title for r in repo.search("reply999")] == ["Response 999"]
    assert opened.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    opened.db.close()


def test_a_truncated_file_gives_back_the_rows_before_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "canned.db"
    _library(path)
    leaves = _leaf_pages(path)
    size = path.stat().st_size
    cut_page = (size // PAGE) * 6 // 10
    expected = sum(cells for page, cells in leaves if page <= cut_page)
    with path.open("r+b") as handle:
        handle.truncate(cut_page * PAGE)

    opened = open_database(path)

    assert opened.recovered_from is not None
    assert opened.recovered_from.stat().st_size == cut_page * PAGE
    assert opened.recovery is not None
    assert 0 < expected < RESPONSES
    assert opened.recovery.responses == expected
    opened.db.close()


def test_random_bytes_open_as_an_empty_library_and_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "canned.db"
    garbage = random.Random(3).randbytes(64 * 1024)
    path.write_bytes(garbage)

    opened = open_database(path)

    assert opened.recovered_from is not None
    assert opened.recovered_from.read_bytes() == garbage
    assert opened.recovery is not None
    assert opened.recovery.responses == 0
    assert CannedRepository(opened.db).count() == 0
    opened.db.close()


def test_a_zero_length_file_is_reported_not_silently_reseeded(app_home: Path) -> None:
    path = app_home / "data" / "canned.db"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    # Not one being created by another instance this very moment: an hour old.
    os.utime(path, (time.time() - 3600, time.time() - 3600))

    library = open_library(path)

    assert library.recovered_from is not None
    assert library.recovered_from.stat().st_size == 0
    assert library.recovered_responses == 0
    assert "no canned responses could be read back" in library.recovery_message()
    library.close()


def test_the_agent_is_told_how_many_responses_came_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "canned.db"
    _library(path, 300)
    leaves = _leaf_pages(path)
    page, lost = leaves[1]
    with path.open("r+b") as handle:
        handle.seek((page - 1) * PAGE)
        handle.write(b"\xff" * PAGE)

    library = open_library(path)

    assert library.recovered_responses == 300 - lost
    # The recovered library was seeded before: the seed must not be mixed into it.
    assert library.seeded == 0
    assert library.repo.count() == 300 - lost
    message = library.recovery_message()
    assert f"{300 - lost} canned responses could be read back" in message
    assert str(library.recovered_from) in message
    assert message in caplog.text  # logged as a warning, which the CLI prints
    library.close()


def test_committed_rows_still_in_the_wal_are_recovered(tmp_path: Path) -> None:
    source = tmp_path / "live.db"
    _library(source, 200)
    holder = sqlite3.connect(source)  # an open connection: the WAL is not folded in
    holder.execute("SELECT count(*) FROM canned").fetchone()
    writer = open_database(source, verify=False)
    CannedRepository(writer.db).add(CannedResponse(title="Late one", body="written last"))
    writer.db.close()
    # What a crash leaves behind: the main file and a WAL holding the last commit.
    path = tmp_path / "canned.db"
    path.write_bytes(source.read_bytes())
    wal = source.with_name("live.db-wal").read_bytes()
    assert wal
    path.with_name("canned.db-wal").write_bytes(wal)
    holder.close()
    page, lost = _leaf_pages(source)[0]
    with path.open("r+b") as handle:
        handle.seek((page - 1) * PAGE)
        handle.write(b"\x00" * PAGE)

    opened = open_database(path)

    assert opened.recovered_from is not None
    titles = {r["title"] for r in opened.db.query("SELECT title FROM canned")}
    assert "Late one" in titles
    assert len(titles) == 201 - lost
    opened.db.close()


def test_the_damaged_file_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "canned.db"
    _library(path, 200)
    page, _lost = _leaf_pages(path)[2]
    with path.open("r+b") as handle:
        handle.seek((page - 1) * PAGE + 8)
        handle.write(b"\x00\xff" * 200)
    before = path.read_bytes()

    opened = open_database(path)

    assert opened.recovered_from is not None
    assert opened.recovered_from.read_bytes() == before
    opened.db.close()
    assert len(_titles(path)) > 150


def test_a_zero_length_file_just_created_is_a_new_library(tmp_path: Path) -> None:
    path = tmp_path / "canned.db"
    path.write_bytes(b"")  # another instance's sqlite3.connect made it a moment ago
    opened = open_database(path)
    assert opened.recovered_from is None
    assert [p.name for p in tmp_path.iterdir() if "corrupt" in p.name] == []
    opened.db.close()


def test_an_error_that_is_not_damage_never_moves_the_file_aside(tmp_path: Path) -> None:
    path = tmp_path / "canned.db"
    _library(path, 10)
    conn = sqlite3.connect(path)
    # A migration that cannot apply (here: the version record says one is missing and its
    # table is already there) is not damage: a clear error, the file stays where it is.
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm001_canned'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="Cannot open the database"):
        open_database(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["canned.db"]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM canned").fetchone()[0] == 10
    conn.close()


def test_rows_recovered_from_an_older_schema_get_their_derived_columns(tmp_path: Path) -> None:
    """A library made before m010 is recovered into the current schema: the confirmation
    macros it holds are recognised again, not left as plain responses."""
    from desktop.store import migrations
    from sqlite_utils import Database

    path = tmp_path / "canned.db"
    old = Database(path)
    migrations.migrations.apply(old, stop_before="m010_states_action")
    old["canned"].insert_all(  # type: ignore[union-attr]
        [{"title": "Order cancelled", "body": "I have cancelled your order {{order.id}}."}]
        + [{"title": f"Response {i}", "body": f"reply{i} " * 60} for i in range(300)]
    )
    old.conn.commit()
    old.close()
    page, _lost = _leaf_pages(path)[len(_leaf_pages(path)) // 2]
    data = bytearray(path.read_bytes())
    data[(page - 1) * PAGE : page * PAGE] = random.Random(3).randbytes(PAGE)
    path.write_bytes(bytes(data))

    opened = open_database(path)
    assert opened.recovered_from is not None
    by_title = {r.title: r for r in CannedRepository(opened.db).all()}
    recovered = by_title["Order cancelled"].stated
    assert recovered is not None and recovered.todo == "Cancel the order {{order.id}}"
    assert by_title["Response 0"].stated is None
    opened.db.close()
