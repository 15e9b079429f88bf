import sqlite3
from pathlib import Path

import pytest
from desktop.errors import StoreError
from desktop.store import migrations
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.db import open_database
from desktop.store.library import open_library


def test_new_database_is_migrated_in_wal_mode(tmp_path: Path) -> None:
    opened = open_database(tmp_path / "canned.db")
    assert opened.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert migrations.schema_version(opened.db) == len(migrations.migrations._migrations)
    assert {"canned", "canned_fts", "meta"} <= set(opened.db.table_names())
    opened.db.close()


def test_migrations_are_idempotent_and_keep_data(tmp_path: Path) -> None:
    path = tmp_path / "canned.db"
    opened = open_database(path)
    CannedRepository(opened.db).add(CannedResponse(title="Hello", body="Hi there"))
    opened.db.close()
    reopened = open_database(path)
    assert CannedRepository(reopened.db).count() == 1
    assert len(migrations.migrations.applied(reopened.db)) == migrations.schema_version(reopened.db)
    reopened.db.close()


def test_corrupt_database_is_kept_aside_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "canned.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    opened = open_database(path)
    assert opened.recovered_from is not None
    assert opened.recovered_from.read_bytes().startswith(b"this is not sqlite")
    assert CannedRepository(opened.db).count() == 0
    opened.db.close()


def test_unwritable_folder_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match=r"data folder.*AGENT_ASSIST_HOME"):
        open_database(blocker / "sub" / "canned.db")


def test_first_run_seeds_once_and_never_again(app_home: Path) -> None:
    library = open_library()
    assert library.seeded >= 40
    repo = library.repo
    for response in repo.all():
        assert response.id is not None
        repo.delete(response.id)
    library.close()
    again = open_library()
    assert again.seeded == 0
    assert again.repo.count() == 0
    again.close()


def test_seed_covers_the_common_support_intents(app_home: Path) -> None:
    library = open_library()
    categories = {r.category for r in library.repo.all()}
    library.close()
    assert {
        "orders",
        "shipping",
        "refunds",
        "billing",
        "account",
        "complaints",
        "cancellations",
    } <= categories


def test_other_threads_open_their_own_connection(app_home: Path) -> None:
    open_library().close()
    library = open_library(seed=False)
    assert library.repo.count() >= 40
    # A connection refuses use from another thread: that is why each worker opens its own.
    import threading

    errors: list[Exception] = []

    def use() -> None:
        try:
            library.repo.count()
        except sqlite3.ProgrammingError as exc:
            errors.append(exc)

    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    library.close()
    assert errors


def test_worker_connections_never_move_the_file_aside(tmp_path: Path) -> None:
    path = tmp_path / "canned.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="Cannot open the database"):
        open_database(path, verify=False)
    assert path.read_bytes().startswith(b"this is not sqlite")
    assert [p.name for p in tmp_path.iterdir()] == ["canned.db"]


def test_m010_marks_the_confirmation_macros_of_an_existing_library(tmp_path: Path) -> None:
    """A library made before m010 learns which responses state an action as done, its
    read-only team responses too, and keeps everything else as it was."""
    from sqlite_utils import Database

    path = tmp_path / "canned.db"
    old = Database(path)
    migrations.migrations.apply(old, stop_before="m010_states_action")
    old["canned"].insert_all(  # type: ignore[union-attr]
        [
            {"title": "Plus cancelled", "body": "I have cancelled your Plus membership."},
            {"title": "Plus - how to cancel", "body": "You can cancel under Account > Plus."},
            {
                "title": "Refund issued",
                "body": "We have issued your refund of {{input.amount}}.",
                "source": "team:/shared/library.json",
                "source_id": "7",
            },
        ]
    )
    old.close()

    opened = open_database(path)
    assert migrations.schema_version(opened.db) == len(migrations.migrations._migrations)
    by_title = {r.title: r for r in CannedRepository(opened.db).all()}
    assert by_title["Plus - how to cancel"].states_action == ""
    cancelled, refund = by_title["Plus cancelled"].stated, by_title["Refund issued"].stated
    assert cancelled is not None and cancelled.todo == "Cancel the Plus membership"
    assert refund is not None and refund.lemma == "refund"
    assert by_title["Refund issued"].source == "team:/shared/library.json"
    opened.db.close()
