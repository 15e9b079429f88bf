"""The per-library cache on real SQLite files: shared by connections, rebuilt on a change."""

import threading
from pathlib import Path

from desktop.store import migrations
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.index_cache import BackgroundJobs, PerLibrary, file_of, library_version
from sqlite_utils import Database


def _library(path: Path) -> Database:
    db = Database(path)
    migrations.apply(db)
    return db


def test_connections_to_one_file_share_a_value_until_the_library_changes(tmp_path: Path) -> None:
    first, second = _library(tmp_path / "lib.db"), _library(tmp_path / "lib.db")
    cache: PerLibrary[tuple[str, object]] = PerLibrary()
    builds: list[tuple[str, str, object]] = []

    def build(path: str, version: str, previous: object) -> tuple[str, object]:
        builds.append((path, version, previous))
        return (version, object())

    one = cache.get(first, build)
    assert cache.get(second, build) is one  # another thread's connection, the same file
    assert builds == [(file_of(first), library_version(first), None)]
    assert file_of(first).endswith("lib.db")

    CannedRepository(first).add(CannedResponse(title="Refund", body="Your refund is on its way."))
    assert library_version(second) != one[0]  # the triggers moved the version
    two = cache.get(second, build)
    assert two is not one and builds[-1][2] is one  # rebuilt, handed the stale value
    assert cache.shared() == [two]
    first.close()
    second.close()


def test_in_memory_libraries_keep_their_own_values() -> None:
    a, b = Database(memory=True), Database(memory=True)
    migrations.apply(a)
    migrations.apply(b)
    cache: PerLibrary[object] = PerLibrary()
    assert file_of(a) == ""
    assert cache.get(a, lambda *_: object()) is not cache.get(b, lambda *_: object())
    assert cache.shared() == []


def test_a_background_job_runs_once_per_key() -> None:
    jobs = BackgroundJobs("test-jobs")
    ran: list[int] = []
    gate = threading.Event()

    def job() -> None:
        gate.wait(5)
        ran.append(1)

    jobs.start_once(("lib.db", "v1"), job)
    jobs.start_once(("lib.db", "v1"), job)  # already started: nothing
    gate.set()
    jobs.wait(5)
    assert ran == [1]
