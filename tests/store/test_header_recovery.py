"""A damaged header costs nothing, and what a damaged page costs comes back from the backup.

Issue 22: overwriting the first 100 bytes of a 1,000-response library lost all 1,000, although
every page after the header was intact. Real files, damaged with random bytes.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from desktop.store.backup import backup_now
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.db import open_database
from desktop.store.header_repair import candidate_page_sizes
from desktop.store.library import open_library

from tests.store.test_recovery import PAGE, RESPONSES, _leaf_pages, _library


def _damage_header(path: Path, seed: int) -> None:
    with path.open("r+b") as handle:
        handle.write(random.Random(seed).randbytes(100))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_header_of_random_bytes_loses_no_response(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "canned.db"
    _library(path)
    _damage_header(path, seed)

    library = open_library(path)

    assert library.recovered_from is not None
    assert library.recovery is not None and library.recovery.header_rebuilt
    assert library.recovered_responses == RESPONSES
    assert {r.title for r in library.repo.all()} == {f"Response {i}" for i in range(RESPONSES)}
    assert [r.title for r in library.repo.search("reply999")] == ["Response 999"]
    assert f"{RESPONSES} canned responses could be read back" in library.recovery_message()
    assert "could not be brought back" not in library.recovery_message()
    library.close()


@pytest.mark.parametrize("page_size", [1024, 8192, 65536])
def test_the_page_size_is_read_back_from_the_pages(tmp_path: Path, page_size: int) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA page_size = {page_size}")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO t (body) VALUES (?)", [(f"row {i} " * 40,) for i in range(500)])
    conn.commit()
    conn.close()
    _damage_header(path, page_size)

    assert candidate_page_sizes(path.read_bytes())[0] == page_size


def test_a_damaged_page_is_filled_from_the_newest_backup(tmp_path: Path) -> None:
    path = tmp_path / "canned.db"
    _library(path)
    opened = open_database(path)
    backup_now(opened.db.conn, path)  # the daily copy, then 300 responses more
    CannedRepository(opened.db).add_many(
        CannedResponse(title=f"Later {i}", body=f"later{i} " * 60) for i in range(300)
    )
    opened.db.conn.commit()
    opened.db.close()
    leaves = _leaf_pages(path)
    old_page, old_rows = leaves[len(leaves) // 4]  # rows the backup holds
    new_page, new_rows = leaves[-3]  # rows added after the backup: nobody holds them
    with path.open("r+b") as handle:
        for page in (old_page, new_page):
            handle.seek((page - 1) * PAGE)
            handle.write(random.Random(page).randbytes(PAGE))

    library = open_library(path)

    recovery = library.recovery
    assert recovery is not None and recovery.backup is not None
    assert recovery.from_backup == old_rows
    assert library.repo.count() == RESPONSES + 300 - new_rows
    assert {f"Response {i}" for i in range(RESPONSES)} <= {r.title for r in library.repo.all()}
    lost = sum(last - first + 1 for first, last in recovery.lost if last is not None)
    assert lost == new_rows
    message = library.recovery_message()
    assert f"{old_rows} of them from the backup of" in message
    first, last = recovery.lost[0]
    assert f"Responses numbered {first}\u2013{last} could not be brought back" in message
    library.close()


def test_without_a_backup_the_lost_ids_are_named(tmp_path: Path) -> None:
    path = tmp_path / "canned.db"
    _library(path, 300)
    page, rows = _leaf_pages(path)[2]
    with path.open("r+b") as handle:
        handle.seek((page - 1) * PAGE)
        handle.write(b"\x00" * 8 + random.Random(5).randbytes(PAGE - 8))

    library = open_library(path)

    assert library.recovery is not None and library.recovery.backup is None
    assert library.repo.count() == 300 - rows
    assert "could not be brought back" in library.recovery_message()
    library.close()
