"""Two real connections on one WAL file: no read leaves a snapshot open, and writes wait.

In WAL mode a connection that holds a read snapshot (a statement still open, or a transaction
that read before it wrote) is refused a write at once when another connection has committed
since, or holds the write lock ("database is locked": SQLITE_BUSY_SNAPSHOT / SQLITE_BUSY), and
waiting does not help. The audit of desktop/store found every read materialised (lists, fully
iterated cursors), and three writes that read first inside a deferred transaction (sqlite-utils'
`insert` and `update` read the schema; the history's insert): `storage.writing` now takes the
write lock at BEGIN. Each test below first shows the old pattern failing, on the same files.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from desktop.library import team as team_library
from desktop.library.service import import_file
from desktop.store import ranking
from desktop.store.canned import CannedResponse
from desktop.store.feedback import FeedbackEvent, FeedbackRepository
from desktop.store.history import History, open_history
from desktop.store.library import Library, open_library
from desktop.transcript import parse

TRANSCRIPT = parse("Customer: my parcel never arrived, where is my order? I want a refund")


@pytest.fixture
def two(app_home: Path) -> Iterator[tuple[Library, Library]]:
    """Two connections to one library file, as two worker threads (or two instances) hold."""
    first = open_library()
    second = open_library(seed=False, verify=False)
    History(first.repo.db).save("Customer: where is my order 48213?")
    yield first, second
    first.close()
    second.close()


def commit_elsewhere(other: Library, title: str = "Committed elsewhere") -> None:
    other.repo.add(CannedResponse(title=title, body="by the other connection"))


def test_a_lazy_query_left_open_is_refused_a_write_after_another_commit(
    two: tuple[Library, Library],
) -> None:
    mine, other = two
    rows = mine.repo.db.query("SELECT id FROM canned")  # the old pattern: read lazily...
    next(rows)  # ...and keep the rest for later: the statement holds its snapshot
    commit_elsewhere(other)
    with pytest.raises(sqlite3.OperationalError, match="locked") as refused:
        mine.repo.db.execute("UPDATE canned SET usage_count = usage_count + 1 WHERE id = 1")
    assert refused.value.sqlite_errorname == "SQLITE_BUSY_SNAPSHOT"
    rows.close()  # materialised (or closed), the same write goes through
    mine.repo.record_use(1)


READS: dict[str, Callable[[Library], object]] = {
    "all": lambda lib: lib.repo.all(),
    "search": lambda lib: lib.repo.search("refund"),
    "search, respelt": lambda lib: lib.repo.search("refnud"),
    "get": lambda lib: lib.repo.get(1),
    "get_many": lambda lib: lib.repo.get_many([3, 1, 2]),
    "count": lambda lib: lib.repo.count(),
    "rank_for": lambda lib: ranking.rank_for(lib.repo, TRANSCRIPT, 5),
    "history search": lambda lib: History(lib.repo.db).search("order"),
    "history recent": lambda lib: History(lib.repo.db).recent(),
    "history get": lambda lib: History(lib.repo.db).get(1),
    "open_history": lambda lib: open_history(lib.repo.db, 30),
    "feedback stats": lambda lib: FeedbackRepository(lib.repo.db).stats(),
}


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_no_store_read_keeps_a_snapshot_past_its_return(
    two: tuple[Library, Library], read: Callable[[Library], object]
) -> None:
    mine, other = two
    read(mine)
    commit_elsewhere(other)
    mine.repo.add(CannedResponse(title="Mine", body="written after the other's commit"))
    assert {"Mine", "Committed elsewhere"} <= {r.title for r in other.repo.all()}


class HeldLock:
    """Another connection's write transaction, held until `release()` (from another thread)."""

    def __init__(self, db_path: Path) -> None:
        self._conn = sqlite3.connect(db_path, check_same_thread=False)
        self._conn.execute("BEGIN IMMEDIATE")
        self._conn.execute("INSERT INTO meta (key, value) VALUES ('held', 'by another writer')")

    def release(self) -> None:
        self._conn.execute("COMMIT")
        self._conn.close()


def test_a_read_inside_a_deferred_transaction_is_refused_the_lock_at_once(
    two: tuple[Library, Library],
) -> None:
    mine, _other = two
    held = HeldLock(mine.path)
    db = mine.repo.db
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"), db.atomic():
            # The old `repo.add`: sqlite-utils' insert reads the schema, then writes.
            db["canned"].insert({"title": "Old way", "body": "refused, not waiting"})  # type: ignore[union-attr]
    finally:
        held.release()


WRITES: dict[str, Callable[[Library], object]] = {
    "add": lambda lib: lib.repo.add(CannedResponse(title="Waited", body="for the lock")),
    "update": lambda lib: lib.repo.update(lib.repo.all()[0]),
    "record_use": lambda lib: lib.repo.record_use(1),
    "delete_many": lambda lib: lib.repo.delete_many([2]),
    "history save": lambda lib: History(lib.repo.db).save("Customer: another conversation"),
    "history copy": lambda lib: History(lib.repo.db).record_copy(1, "draft", "Copied text"),
    "feedback": lambda lib: FeedbackRepository(lib.repo.db).record(
        FeedbackEvent(kind="draft", action="copied", offered_text="a", copied_text="b")
    ),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_waits_its_turn_behind_another_writer(
    two: tuple[Library, Library], write: Callable[[Library], object]
) -> None:
    mine, _other = two
    held = HeldLock(mine.path)
    # Released from another thread while this one waits in SQLite's busy handler (or, on a
    # slow machine, before it even asks: then it simply writes).
    releaser = threading.Timer(0.3, held.release)
    releaser.start()
    try:
        write(mine)
    finally:
        releaser.join()
    conn = sqlite3.connect(mine.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT value FROM meta WHERE key = 'held'").fetchone()[0]
    finally:
        conn.close()


def test_an_import_waits_behind_another_writer(
    two: tuple[Library, Library], tmp_path: Path
) -> None:
    mine, _other = two
    source = tmp_path / "few.json"
    source.write_text('[{"title": "Imported", "body": "after waiting"}]', encoding="utf-8")
    held = HeldLock(mine.path)
    releaser = threading.Timer(0.3, held.release)
    releaser.start()
    try:
        report = import_file(mine.repo, source)
    finally:
        releaser.join()
    assert report.added == 1


def test_a_team_sync_waits_behind_another_writer(
    two: tuple[Library, Library], tmp_path: Path
) -> None:
    """A team library sync reads its old rows before replacing them: it must wait, too."""
    mine, _other = two
    shared = tmp_path / "team.json"
    shared.write_text('[{"title": "Team reply", "body": "from the shared folder"}]', "utf-8")
    held = HeldLock(mine.path)
    releaser = threading.Timer(0.3, held.release)
    releaser.start()
    try:
        report = team_library.subscribe(mine.repo, shared)
    finally:
        releaser.join()
    assert not report.error and report.added == 1
    assert [r.title for r in mine.repo.all() if team_library.is_team(r)] == ["Team reply"]
