"""Kill tests: the process is SIGKILLed mid-import and mid-generation; the library survives whole.

On reopening, `PRAGMA integrity_check` is ok, every committed change is there, and the
interrupted import left nothing half-done (it is one transaction: all of it or none).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from desktop import paths
from desktop.store.library import open_library

from tests.reliability.children import wait_for_line

ROOT = Path(__file__).resolve().parents[2]
BIG = 100_000

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")

IMPORTER = r"""
import sys
from pathlib import Path
from desktop.library.service import import_file
from desktop.store.library import open_library

small, big = map(Path, sys.argv[1:3])
library = open_library()
import_file(library.repo, small)
print("committed", flush=True)
import_file(library.repo, big)
print("finished", flush=True)
"""


def _write(path: Path, prefix: str, count: int) -> Path:
    records = [
        {"title": f"{prefix} {i}", "body": f"{prefix} body {i}: " + "words " * 20}
        for i in range(count)
    ]
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def _check(db_path: Path) -> tuple[int, list[str]]:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = conn.execute("SELECT count(*) FROM canned").fetchone()[0]
        fts = conn.execute("SELECT count(*) FROM canned_fts").fetchone()[0]
        assert fts == count  # the search index is no more and no less than the table
        titles = [r[0] for r in conn.execute("SELECT title FROM canned WHERE title LIKE 'Bulk %'")]
    finally:
        conn.close()
    return count, titles


def test_sigkill_in_the_middle_of_a_100k_import_leaves_nothing_half_done(
    app_home: Path, tmp_path: Path
) -> None:
    library = open_library()
    seeded = library.repo.count()
    library.close()
    small = _write(tmp_path / "small.json", "Committed", 3)
    big = _write(tmp_path / "big.json", "Bulk", BIG)
    db_path = paths.database_path()
    wal = db_path.with_name(db_path.name + "-wal")

    child = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(small), str(big)],
        cwd=ROOT,
        env={**os.environ, "AGENT_ASSIST_HOME": str(app_home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_line(child, "committed", 60)
    base = wal.stat().st_size if wal.exists() else 0
    # Mid-write: the big transaction has spilled pages into the WAL, uncommitted.
    deadline = time.monotonic() + 120
    while (wal.stat().st_size if wal.exists() else 0) < base + 4_000_000:
        assert child.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL

    count, bulk = _check(db_path)
    assert bulk == []  # none of the interrupted import
    assert count == seeded + 3  # and everything committed before it
    reopened = open_library()
    assert reopened.recovered_from is None
    assert {f"Committed {i}" for i in range(3)} <= {r.title for r in reopened.repo.all()}
    reopened.close()


@pytest.mark.model
def test_sigkill_during_a_generation_then_the_next_run_works(
    app_home: Path, tmp_path: Path
) -> None:
    conversation = tmp_path / "conversation.txt"
    conversation.write_text(
        "Customer: My parcel never arrived, order 48213. Where is it?\n", encoding="utf-8"
    )
    library = open_library()
    before = library.repo.count()
    library.close()
    env = {**os.environ, "AGENT_ASSIST_HOME": str(app_home)}
    command = [sys.executable, "-m", "desktop", "suggest", str(conversation)]

    child = subprocess.Popen(
        [*command, "--mode", "free", "--max-tokens", "400", "--seed", "3"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    first = child.stdout.read(8)  # tokens are streaming: the model is mid-generation
    assert first
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL

    count, _bulk = _check(paths.database_path())
    assert count == before
    again = subprocess.run(
        [*command, "--max-tokens", "24", "--seed", "4"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert len(again.stdout.strip()) > 10
    reopened = open_library()
    assert reopened.recovered_from is None
    reopened.close()
