"""Two instances on one library: both work on the same database, safely (WAL + write locks).

The decision for the store and the CLI: a second instance does not hand over, it opens the
same file. SQLite's WAL lets readers go on while one writer writes; every multi-row change is
one transaction that takes the write lock before it reads what it will change, and waits for
the other instance's transaction (busy timeout) instead of failing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from desktop import paths
from desktop.store.library import open_library

ROOT = Path(__file__).resolve().parents[2]
IMPORTS = 30
PER_FILE = 25

# One instance: opens the library its own way and imports its files one after another, while
# also bumping usage counts (what copying a response does) between imports.
CHILD = r"""
import sys
from pathlib import Path
from desktop.library.service import import_file
from desktop.store.library import open_library

library = open_library()
for name in sys.argv[1:]:
    import_file(library.repo, Path(name))
    for response in library.repo.all()[:5]:
        library.repo.record_use(response.id)
library.close()
print("done")
"""


def _files(folder: Path, who: str) -> list[Path]:
    folder.mkdir()
    files = []
    for n in range(IMPORTS):
        path = folder / f"{who}-{n}.json"
        records = [
            {"title": f"{who} {n}-{i}", "body": f"Reply {i} from token{who}, file {n}."}
            for i in range(PER_FILE)
        ]
        path.write_text(json.dumps(records), encoding="utf-8")
        files.append(path)
    return files


def test_two_instances_import_into_one_library_without_losing_a_commit(
    app_home: Path, tmp_path: Path
) -> None:
    library = open_library()  # the first run (seeding) is done before both start
    seeded = library.repo.count()
    library.close()
    env = {**os.environ, "AGENT_ASSIST_HOME": str(app_home)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, *map(str, _files(tmp_path / who, who))],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("first", "second")
    ]
    outputs = [child.communicate(timeout=300) for child in children]

    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err[-2000:]
        assert out.strip() == "done"
    conn = sqlite3.connect(paths.database_path())
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = conn.execute("SELECT count(*) FROM canned").fetchone()[0]
    assert count == seeded + 2 * IMPORTS * PER_FILE
    for who in ("first", "second"):
        titles = {
            r[0] for r in conn.execute("SELECT title FROM canned WHERE title LIKE ?", [who + " %"])
        }
        assert titles == {f"{who} {n}-{i}" for n in range(IMPORTS) for i in range(PER_FILE)}
    # The search index followed every commit of both instances.
    hits = conn.execute(
        "SELECT count(*) FROM canned_fts WHERE canned_fts MATCH 'tokensecond'"
    ).fetchone()
    assert hits[0] == IMPORTS * PER_FILE
    conn.close()


OPEN_AT_ONCE = r"""
import sys, time
from desktop.store.library import open_library

start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))  # both children open the new library together
library = open_library()
print(library.seeded)
library.close()
"""


def test_two_instances_started_together_seed_a_new_library_once(app_home: Path) -> None:
    import time

    env = {**os.environ, "AGENT_ASSIST_HOME": str(app_home)}
    start = str(time.time() + 2.0)
    children = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_AT_ONCE, start],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [child.communicate(timeout=120) for child in children]
    assert all(child.returncode == 0 for child in children), [err for _o, err in outputs]
    seeded = sorted(int(out) for out, _err in outputs)
    assert seeded[:-1] == [0, 0] and seeded[-1] >= 40
    library = open_library()
    assert library.repo.count() == seeded[-1]
    library.close()
