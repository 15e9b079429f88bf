"""Real small and read-only file systems for the full-disk and read-only tests (Linux, root).

A tmpfs of a few megabytes fills up for real (ENOSPC, SQLITE_FULL); `remount,ro` makes it
read-only for real (EROFS), which permission bits cannot do for root. Where mounting is not
permitted (not root, a container without CAP_SYS_ADMIN, not Linux) the tests are skipped with
that reason.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop import paths

CHUNK = 64 * 1024


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


@contextlib.contextmanager
def small_tmpfs(folder: Path, size: str = "8m") -> Iterator[Path]:
    """`folder` as a tmpfs of `size`; skips the test where mounting is not permitted."""
    if not sys.platform.startswith("linux"):
        pytest.skip("full-disk tests mount a tmpfs: Linux only")
    if os.geteuid() != 0:
        pytest.skip("full-disk tests mount a tmpfs: needs root (or CAP_SYS_ADMIN)")
    folder.mkdir(parents=True, exist_ok=True)
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    if mounted.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        # Lazy: a connection the test still holds must not leave the mount behind.
        _run("umount", "-l", str(folder))


def remount(folder: Path, mode: str) -> None:
    """Make the tmpfs at `folder` read-only ("ro") or writable again ("rw")."""
    done = _run("mount", "-o", f"remount,{mode}", str(folder))
    assert done.returncode == 0, done.stderr


def fill(folder: Path) -> Path:
    """Write a filler file until the disk is full; returns it (delete it to free the space)."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (CHUNK, 4096, 1):  # the last partial page too
            block = b"\0" * size
            try:
                while os.write(fd, block):
                    pass
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
    finally:
        os.close(fd)
    return filler


def free(filler: Path) -> None:
    filler.unlink()


def shrink_wal() -> None:
    """Empty the WAL, so that the next write must grow a file (SQLite reuses WAL space)."""
    conn = sqlite3.connect(paths.database_path())
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def check_library(expect_count: int) -> None:
    """integrity_check ok, the expected number of responses, "Saved before" among them."""
    path = paths.database_path()
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError:
        # On a read-only or full folder `mode=ro` cannot create the WAL index; the callers
        # emptied the WAL, and nothing can write there meanwhile.
        conn.close()
        conn = sqlite3.connect(f"{path.as_uri()}?immutable=1", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM canned").fetchone()[0] == expect_count
        assert "Saved before" in {r[0] for r in conn.execute("SELECT title FROM canned")}
    finally:
        conn.close()
