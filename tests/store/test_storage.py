"""A full disk and a read-only data folder, for real (a small tmpfs, a read-only remount).

Every write the library makes is refused with one line that names the folder, says what to do
and says the change was not saved; nothing saved before is lost; reads keep working; and the
library opens read-only, with a message, where it cannot be written.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop import paths
from desktop.library.service import import_file
from desktop.store import storage
from desktop.store.canned import CannedResponse
from desktop.store.feedback import FeedbackEvent, FeedbackRepository
from desktop.store.history import History
from desktop.store.library import open_library
from desktop.store.storage import StorageError

from tests.reliability.mounts import (
    check_library,
    fill,
    free,
    remount,
    shrink_wal,
    small_tmpfs,
)


@pytest.fixture
def small_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """AGENT_ASSIST_HOME on an 8 MB tmpfs, with a seeded library and one response of ours."""
    with small_tmpfs(tmp_path / "small", "8m") as home:
        monkeypatch.setenv("AGENT_ASSIST_HOME", str(home))
        library = open_library()
        library.repo.add(CannedResponse(title="Saved before", body="Kept through it all."))
        library.close()
        yield home
        if storage.folder_is_read_only(home):
            remount(home, "rw")


def big_file(path: Path, count: int = 200) -> Path:
    records = [{"title": f"Big {i}", "body": f"Body {i} " + "words " * 400} for i in range(count)]
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def test_a_full_disk_refuses_each_write_in_words_and_loses_nothing(
    small_home: Path, tmp_path: Path
) -> None:
    library = open_library()
    before = library.repo.count()
    shrink_wal()
    filler = fill(small_home)
    data = paths.data_dir()

    with pytest.raises(StorageError) as added:
        library.repo.add(CannedResponse(title="New", body="Not saved " * 100))
    assert added.value.kind == "full"
    assert str(added.value) == (
        f"The disk holding {data} is full: free some space, then try again; "
        "your last change was not saved."
    )
    with pytest.raises(StorageError, match="is full"):
        import_file(library.repo, big_file(tmp_path / "big.json"))
    saved = library.repo.all()[0]
    with pytest.raises(StorageError, match="is full"):
        library.repo.update(CannedResponse(**{**vars(saved), "body": "Changed " * 500}))
    with pytest.raises(StorageError, match="this feedback was not kept"):
        FeedbackRepository(library.repo.db).record(
            FeedbackEvent(kind="draft", action="copied", offered_text="a", copied_text="b" * 9000)
        )
    with pytest.raises(StorageError, match="is full"):
        History(library.repo.db).save("Customer: where is my order? " * 200)

    # Reads keep working, and nothing saved before was lost.
    assert library.repo.count() == before
    assert [r.title for r in library.repo.search("Saved before")][:1] == ["Saved before"]
    check_library(before)

    free(filler)  # the agent freed some space: the same change now goes through
    library.repo.add(CannedResponse(title="New", body="Saved after freeing space."))
    library.close()
    check_library(before + 1)


def test_on_a_read_only_folder_the_library_opens_read_only_and_refuses_writes_in_words(
    small_home: Path, tmp_path: Path
) -> None:
    # Linux refuses to make a mount read-only while files on it are open for writing, so the
    # app meets a read-only folder when it starts (a locked-down profile, a read-only share).
    opened = open_library()
    before = opened.repo.count()
    opened.close()
    remount(small_home, "ro")
    data = paths.data_dir()

    library = open_library()
    assert library.read_only.startswith(f"The data folder {data} is read-only: make it writable")
    assert library.read_only.endswith("the library is open read-only.")
    assert library.read_only in library.recovery_message()  # shown at start-up
    assert library.repo.count() == before
    assert [r.title for r in library.repo.search("Saved before")][:1] == ["Saved before"]

    with pytest.raises(StorageError) as added:
        library.repo.add(CannedResponse(title="New", body="Not saved."))
    assert added.value.kind == "read-only"
    assert str(added.value).startswith(f"The data folder {data} is read-only: make it writable")
    assert str(added.value).endswith("your last change was not saved.")
    with pytest.raises(StorageError, match="read-only"):
        import_file(library.repo, big_file(tmp_path / "big.json", 3))
    with pytest.raises(StorageError, match="read-only"):
        library.repo.record_use(library.repo.all()[0].id or 0)
    with pytest.raises(StorageError, match="read-only"):
        History(library.repo.db).save("Customer: where is my order?")
    with pytest.raises(StorageError, match="read-only"):
        FeedbackRepository(library.repo.db).record(
            FeedbackEvent(kind="draft", action="copied", offered_text="a", copied_text="b")
        )
    worker = open_library(seed=False, verify=False)  # what each worker thread opens
    assert worker.read_only and worker.repo.count() == before
    worker.close()
    assert library.repo.count() == before
    library.close()
    check_library(before)


def test_starting_on_a_full_disk_opens_the_library_read_only_and_says_why(
    small_home: Path,
) -> None:
    opened = open_library()
    count = opened.repo.count()
    opened.close()
    shrink_wal()
    filler = fill(small_home)

    # SQLite cannot even create the WAL index on a full disk: the library opens for reading.
    library = open_library()
    assert library.recovery_message() == (
        f"The disk holding {paths.data_dir()} is full: free some space, then try again; "
        "the library is open read-only."
    )
    assert library.repo.count() == count
    assert [r.title for r in library.repo.search("Saved before")][:1] == ["Saved before"]
    library.close()
    check_library(count)

    free(filler)  # with space again, the next start can write
    again = open_library()
    assert again.recovery_message() == ""
    again.repo.add(CannedResponse(title="After", body="Written once space was freed."))
    again.close()
    check_library(count + 1)


def test_a_backup_that_does_not_fit_is_told_at_start_up(small_home: Path) -> None:
    opened = open_library()  # keeps the WAL index open: the next start can open it writable
    for old in (paths.data_dir() / "backups").glob("*"):
        old.unlink()  # so that today's backup is due
    filler = fill(small_home)
    library = open_library()
    assert not library.read_only
    assert library.recovery_message() == (
        f"The disk holding {paths.data_dir()} is full: free some space, then try again; "
        "today's backup of the library was not made (the library itself is unchanged)."
    )
    assert list((paths.data_dir() / "backups").glob("*.db")) == []  # no half-made copy
    library.close()
    opened.close()
    free(filler)


def test_a_first_start_on_a_full_disk_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with small_tmpfs(tmp_path / "tiny", "1m") as home:
        monkeypatch.setenv("AGENT_ASSIST_HOME", str(home))
        paths.data_dir().mkdir(parents=True)
        fill(home)
        with pytest.raises(StorageError, match=r"is full: free some space.*could not be opened"):
            open_library()


def test_errors_that_are_not_about_storage_stay_as_they_are(tmp_path: Path) -> None:
    locked = sqlite3.OperationalError("database is locked")
    assert storage.describe(locked, tmp_path) is None
    assert storage.describe(ValueError("x"), tmp_path) is None
    assert storage.describe(OSError(2, "No such file"), tmp_path) is None
    full = storage.describe(OSError(28, "No space left on device"), tmp_path)
    assert full is not None and full.kind == "full"
    assert os.access(tmp_path, os.W_OK)
