"""Copy every row SQLite can still read out of a damaged database into a fresh one.

SQLite's own `.recover` lives in its command-line shell, not in Python's sqlite3 module, so this
does the table-by-table part of it. Each table the new schema shares with the damaged file is
read in rowid order (never through an index, which may be the damaged part); when a damaged
page stops the read, the reader probes ahead with a doubling step until a read succeeds again,
then bisects back to the first rowid past the damage. One bad leaf page costs only its rows.

The damaged file itself is never written: it is read from a copy, so the agent (or SQLite's
shell) can still try harder on the original.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from desktop.store import fields
from desktop.store.action_macros import stated_action
from desktop.store.header_repair import rebuild_header

logger = logging.getLogger(__name__)

# Bookkeeping the fresh database already has; copying it would claim migrations that the
# copied rows never went through.
_NOT_COPIED = {"_sqlite_migrations"}
_HEADER = b"SQLite format 3\x00"
_MIN_ROWID = -(2**63)
_MAX_ROWID = 2**63 - 1
_GAP_SCAN = 200_000  # rowids looked up one by one in a skipped stretch (about a second)


# A stretch of response ids that could not be read: (first, last), last None when open-ended.
IdRange = tuple[int, int | None]


@dataclass(frozen=True)
class Recovery:
    """What came back: rows copied per table, and the tables that could not be read at all.

    `complete` is False when some responses may be missing (a damaged stretch of the canned
    table, or a file whose schema could not be read); `damaged_ids` are the stretches of
    response ids that were skipped. `from_backup` and `backup` say what a daily backup gave back
    afterwards (see desktop.store.backup.fill_from_backup), `lost` the ids still missing then.
    """

    rows: dict[str, int] = field(default_factory=dict)
    unreadable: tuple[str, ...] = ()
    complete: bool = True
    damaged_ids: tuple[IdRange, ...] = ()
    header_rebuilt: bool = False
    from_backup: int = 0
    backup: Path | None = None
    lost: tuple[IdRange, ...] = ()

    @property
    def responses(self) -> int:
        """Canned responses recovered: the number the agent cares about."""
        return self.rows.get("canned", 0) + self.from_backup


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(conn: sqlite3.Connection) -> dict[str, str]:
    """Ordinary tables by name with their SQL: no virtual tables, shadow tables or internals."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return {
        name: sql or ""
        for name, sql in rows
        if not name.startswith("sqlite_")
        and name not in _NOT_COPIED
        and name not in virtual
        and not any(name.startswith(v + "_") for v in virtual)  # FTS keeps its index there
    }


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({_quote(table)})")]


class _RowReader:
    """Reads one table's rows in rowid order, stepping over pages that cannot be read."""

    def __init__(self, conn: sqlite3.Connection, table: str, columns: list[str]) -> None:
        self._conn = conn
        names = ", ".join(_quote(c) for c in columns)
        self._select = (
            f"SELECT rowid, {names} FROM {_quote(table)} NOT INDEXED "
            "WHERE rowid >= ? ORDER BY rowid"
        )
        self._probe = self._select + " LIMIT 1"  # reads a whole row, as the copy will
        self._lookup = self._select.replace("rowid >= ? ORDER BY rowid", "rowid = ?")
        self.damaged_ranges = 0
        self.skipped: list[IdRange] = []  # rowids from the damage to where reading resumed

    def rows(self) -> Iterator[tuple[object, ...]]:
        start: int | None = _MIN_ROWID
        while start is not None:
            try:
                # Row by row: a batch fetch that meets the damage would drop the rows before it.
                for row in self._conn.execute(self._select, (start,)):
                    rowid = int(row[0])
                    if rowid < start:  # a damaged page can break the order; never go back
                        continue
                    yield tuple(row[1:])
                    if rowid == _MAX_ROWID:
                        return
                    start = rowid + 1
                return
            except sqlite3.DatabaseError as exc:
                # Python's cursor steps ahead before handing a row over, so the row just before
                # the damage may have been dropped with the error: read it on its own.
                row = self._first(start)
                if row is not None and isinstance(row[0], int) and row[0] >= start:
                    yield tuple(row[1:])
                    start = row[0] + 1 if row[0] < _MAX_ROWID else None
                    continue
                self.damaged_ranges += 1
                logger.info("damaged page at rowid %d or after: %s", start, exc)
                resume = self._past_damage(start)
                self.skipped.append((start, None if resume is None else resume - 1))
                # Skipping by seeks assumes one damaged stretch; rows on good pages between two
                # bad ones would be skipped with it, so a short gap is read row by row.
                low = 1 if start == _MIN_ROWID else start  # rowids SQLite assigns start at 1
                end = resume if resume is not None else low + _GAP_SCAN
                if end - low <= _GAP_SCAN:
                    yield from self._each_in(low, end)
                start = resume

    def _each_in(self, start: int, end: int) -> Iterator[tuple[object, ...]]:
        """The readable rows with start <= rowid < end, by point lookups (one leaf each)."""
        for rowid in range(start, end):
            try:
                row = self._conn.execute(self._lookup, (rowid,)).fetchone()
            except sqlite3.DatabaseError:
                continue
            if row is not None:
                yield tuple(row[1:])

    def _first(self, rowid: int) -> tuple[object, ...] | None:
        try:
            row: tuple[object, ...] | None = self._conn.execute(self._probe, (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        return row

    def _readable(self, rowid: int) -> bool:
        try:
            self._conn.execute(self._probe, (rowid,)).fetchall()
        except sqlite3.DatabaseError:
            return False
        return True

    def _past_damage(self, failing: int) -> int | None:
        """The first rowid after `failing` from which the table reads again, if any."""
        step = 1
        while failing + step <= _MAX_ROWID:
            if self._readable(failing + step):
                low, high = failing + step // 2, failing + step  # low fails, high reads
                while high - low > 1:
                    middle = (low + high) // 2
                    if self._readable(middle):
                        high = middle
                    else:
                        low = middle
                return high
            step *= 2
        return None


def _copy_table(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    table: str,
    columns: list[str],
    skipped: list[IdRange] | None = None,
) -> int:
    reader = _RowReader(source, table, columns)
    insert = (
        f"INSERT OR IGNORE INTO {_quote(table)} ({', '.join(_quote(c) for c in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    copied = 0
    for row in reader.rows():
        copied += target.execute(insert, row).rowcount
    if reader.damaged_ranges:
        logger.warning("table %s: %d damaged range(s) skipped", table, reader.damaged_ranges)
    if skipped is not None:
        skipped.extend(reader.skipped)
    return copied


def _copy_without_rowid(
    source: sqlite3.Connection, target: sqlite3.Connection, table: str, columns: list[str]
) -> int:
    """A WITHOUT ROWID table cannot be stepped by rowid: keep what reads before the damage."""
    names = ", ".join(_quote(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    insert = f"INSERT OR IGNORE INTO {_quote(table)} ({names}) VALUES ({marks})"
    copied = 0
    try:
        for row in source.execute(f"SELECT {names} FROM {_quote(table)}"):
            copied += target.execute(insert, row).rowcount
    except sqlite3.DatabaseError as exc:
        logger.warning("table %s: stopped at damage after %d rows (%s)", table, copied, exc)
    return copied


def _copy_all(
    source: sqlite3.Connection, target: sqlite3.Connection, only: str | None = None
) -> Recovery:
    try:
        found = _tables(source)
    except sqlite3.DatabaseError as exc:
        logger.warning("the damaged database's schema cannot be read: %s", exc)
        return Recovery(complete=False)
    rows: dict[str, int] = {}
    unreadable: list[str] = []
    skipped: list[IdRange] = []
    for table in _tables(target):
        if table not in found or (only is not None and table != only):
            continue
        try:
            have = set(_columns(source, table))
        except sqlite3.DatabaseError:
            unreadable.append(table)
            continue
        columns = [c for c in _columns(target, table) if c in have]
        if not columns:
            continue
        if "WITHOUT ROWID" in found[table].upper():
            rows[table] = _copy_without_rowid(source, target, table, columns)
        else:
            ranges = skipped if table == "canned" else None
            rows[table] = _copy_table(source, target, table, columns, ranges)
    complete = "canned" in found and "canned" not in unreadable and not skipped
    return Recovery(rows, tuple(unreadable), complete, tuple(skipped))


def _fit_header(copy: Path) -> None:
    """Make a truncated copy readable: SQLite refuses a file shorter than its header says.

    The header's page count is set to the pages actually there (cut to whole pages), so the
    pages before the cut read as they are; reading a page after it is an ordinary error.
    """
    with copy.open("r+b") as handle:
        header = handle.read(100)
        if len(header) < 100 or not header.startswith(_HEADER):
            return
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        if page_size < 512 or page_size & (page_size - 1):
            return
        size = handle.seek(0, 2)
        pages = size // page_size
        if pages * page_size != size:
            handle.truncate(pages * page_size)
        if int.from_bytes(header[28:32], "big") > pages:
            handle.seek(28)
            handle.write(pages.to_bytes(4, "big"))


def _refill_search_columns(target: sqlite3.Connection) -> None:
    """Rows copied from an older schema lack the derived columns: derive them again."""
    columns = {row[1] for row in target.execute("PRAGMA table_info(canned)")}
    if "cjk_grams" not in columns:
        return
    target.row_factory = sqlite3.Row
    try:
        rows = target.execute("SELECT id, title, tags, shortcode, body FROM canned").fetchall()
    finally:
        target.row_factory = None
    derive_action = "states_action" in columns  # m010: what a response states as done
    for row in rows:
        grams = fields.cjk_column(dict(row))
        target.execute("UPDATE canned SET cjk_grams = ? WHERE id = ?", [grams, row["id"]])
        if derive_action and (action := stated_action(row["title"] or "", row["body"] or "")):
            target.execute(
                "UPDATE canned SET states_action = ? WHERE id = ?", [action.as_json(), row["id"]]
            )


def recover_into(damaged: Path, target: sqlite3.Connection) -> Recovery:
    """Copy what `damaged` still holds into `target` (migrated, empty) in one transaction."""
    with tempfile.TemporaryDirectory(prefix="agent-assist-recover-") as folder:
        copy = Path(folder) / "damaged.db"
        try:
            shutil.copyfile(damaged, copy)
            wal = damaged.with_name(damaged.name + "-wal")
            if wal.exists():  # committed changes not yet checkpointed live there
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
            _fit_header(copy)
            # A header overwritten with anything else hides every intact page behind it.
            rebuilt = rebuild_header(copy)
            source = sqlite3.connect(copy)
        except (OSError, sqlite3.Error) as exc:
            logger.warning("cannot read the damaged database %s: %s", damaged, exc)
            return Recovery(complete=False)
        # Text damaged mid-character still carries the agent's words: keep it, marked.
        source.text_factory = lambda data: data.decode("utf-8", errors="replace")
        try:
            target.execute("PRAGMA foreign_keys = OFF")  # rows may outlive what they pointed at
            with target:
                recovery = _copy_all(source, target)
                _refill_search_columns(target)
        finally:
            target.execute("PRAGMA foreign_keys = ON")
            source.close()
    if rebuilt is not None:
        logger.warning("rebuilt the damaged file's header (page size %d)", rebuilt)
        recovery = replace(recovery, header_rebuilt=True)
    return recovery


def copy_missing_responses(backup: Path, target: sqlite3.Connection) -> int:
    """Copy the responses `backup` holds that `target` lacks (by id); returns how many."""
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        target.execute("PRAGMA foreign_keys = OFF")
        with target:
            copied = _copy_all(source, target, only="canned").rows.get("canned", 0)
            _refill_search_columns(target)
    finally:
        target.execute("PRAGMA foreign_keys = ON")
        source.close()
    return copied
