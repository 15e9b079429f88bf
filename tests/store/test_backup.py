"""Daily backups with SQLite's online backup API, and restoring one: real files, real processes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from desktop import paths
from desktop.errors import StoreError
from desktop.store import backup
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.db import open_database
from desktop.store.library import open_library

DAY = 24 * 60 * 60


def _age(path: Path, seconds: float) -> None:
    when = time.time() - seconds
    os.utime(path, (when, when))


def _titles(db_path: Path) -> set[str]:
    opened = open_database(db_path, verify=False)
    titles = {r["title"] for r in opened.db.query("SELECT title FROM canned")}
    opened.db.close()
    return titles


def test_opening_the_library_backs_it_up_once_a_day(app_home: Path) -> None:
    library = open_library()
    library.close()
    first = backup.list_backups(paths.database_path())
    assert len(first) == 1
    assert first[0].responses is not None and first[0].responses >= 40

    open_library().close()  # the same day: no second copy
    assert backup.list_backups(paths.database_path()) == first

    _age(first[0].path, DAY + 60)
    open_library().close()
    again = backup.list_backups(paths.database_path())
    assert len(again) == 2
    assert again[1].path == first[0].path  # newest first


def test_only_the_newest_seven_are_kept(app_home: Path) -> None:
    library = open_library()
    for day in range(10):
        made = backup.backup_now(library.repo.db.conn, library.path)
        _age(made, (10 - day) * DAY)
    newest = backup.backup_now(library.repo.db.conn, library.path)
    library.close()
    kept = backup.list_backups(paths.database_path())
    assert len(kept) == backup.KEEP
    assert kept[0].path == newest
    assert all(b.created > time.time() - 7 * DAY for b in kept)


def test_a_backup_is_a_consistent_snapshot_while_another_writer_is_busy(tmp_path: Path) -> None:
    db_path = tmp_path / "canned.db"
    opened = open_database(db_path)
    CannedRepository(opened.db).add(CannedResponse(title="Committed", body="kept"))
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO canned (title, body) VALUES ('Uncommitted', 'not yet')")

    made = backup.backup_now(opened.db.conn, db_path)

    writer.execute("ROLLBACK")
    writer.close()
    opened.db.close()
    copy = sqlite3.connect(made)
    assert [r[0] for r in copy.execute("SELECT title FROM canned")] == ["Committed"]
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    copy.close()


def test_restore_brings_a_backup_back_and_keeps_the_current_library(tmp_path: Path) -> None:
    db_path = tmp_path / "canned.db"
    opened = open_database(db_path)
    repo = CannedRepository(opened.db)
    first = repo.add(CannedResponse(title="Original", body="from the backup"))
    made = backup.backup_now(opened.db.conn, db_path)
    repo.add(CannedResponse(title="Added later", body="after the backup"))
    assert first.id is not None
    repo.delete(first.id)
    # The window keeps its connection open across a restore: it must see the restored library.
    kept = backup.restore(made, db_path)

    assert {r.title for r in repo.all()} == {"Original"}
    assert opened.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert opened.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [r.title for r in repo.search("backup")] == ["Original"]
    opened.db.close()
    assert _titles(db_path) == {"Original"}
    assert kept.name.endswith("-before-restore.db")
    assert _titles(kept) == {"Added later"}
    listed = backup.list_backups(db_path)
    assert listed[0].path == kept and listed[0].before_restore


def test_a_damaged_backup_is_refused_and_the_library_untouched(tmp_path: Path) -> None:
    db_path = tmp_path / "canned.db"
    opened = open_database(db_path)
    CannedRepository(opened.db).add(CannedResponse(title="Mine", body="still here"))
    made = backup.backup_now(opened.db.conn, db_path)
    opened.db.close()
    with made.open("r+b") as handle:
        handle.seek(2 * 4096)
        handle.write(b"\xff" * 4096)
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("hello")

    for bad in (made, not_a_db, tmp_path / "missing.db"):
        with pytest.raises(StoreError, match=r"backup|damaged"):
            backup.restore(bad, db_path)
    assert _titles(db_path) == {"Mine"}


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENT_ASSIST_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "desktop", "canned", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def test_cli_lists_and_restores_backups(app_home: Path, tmp_path: Path) -> None:
    made = _cli("backup", home=app_home)
    assert made.returncode == 0, made.stderr
    listed = _cli("backups", home=app_home)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    name = lines[0].split("\t")[0]
    assert "responses" in lines[0] and lines[-1].startswith("(")

    library = open_library()
    for response in library.repo.all():
        assert response.id is not None
        library.repo.delete(response.id)
    library.close()

    restored = _cli("restore", name, home=app_home)
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout and "before-restore" in restored.stdout
    library = open_library()
    assert library.repo.count() >= 40
    library.close()

    missing = _cli("restore", "nope.db", home=app_home)
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: No backup named nope.db")
