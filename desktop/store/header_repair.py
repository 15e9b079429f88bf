"""Give a damaged copy of the library a working 100-byte SQLite header again.

The header holds nothing the rows depend on except the page size, the page count and the file
format (WAL or rollback): a file whose first bytes were overwritten still has every b-tree page
intact behind them. The page size is read back from the pages themselves (a b-tree page starts
with one of four type bytes and a cell count that fits the page), the page count from the file
length, and the rest of the header is what SQLite writes for a fresh database of our schema
(UTF-8, no reserved bytes, no auto-vacuum). Only a copy is ever written.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

MAGIC = b"SQLite format 3\x00"
_PAGE_SIZES = (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512)
_BTREE_TYPES = {0x02, 0x05, 0x0A, 0x0D}
_SAMPLE = 2000  # pages looked at per candidate size: enough to tell sizes apart, quick on any file


def _looks_like_btree(data: bytes, offset: int, page_size: int) -> bool:
    """A plausible b-tree page header at `offset` (the page's own header, not the file's)."""
    if offset + 12 > len(data) or data[offset] not in _BTREE_TYPES:
        return False
    header = 12 if data[offset] in (0x02, 0x05) else 8
    cells = int.from_bytes(data[offset + 3 : offset + 5], "big")
    content = int.from_bytes(data[offset + 5 : offset + 7], "big") or 65536
    start = offset - (offset % page_size)  # page 1's b-tree header sits after the file header
    used = (offset - start) + header + 2 * cells
    return used <= content <= page_size


def _score(data: bytes, page_size: int) -> float:
    """The share of sampled pages (after the first) that start like a b-tree page."""
    pages = len(data) // page_size
    if pages < 2:
        return 0.0
    step = max(1, (pages - 1) // _SAMPLE)
    sampled = range(1, pages, step)
    good = sum(_looks_like_btree(data, n * page_size, page_size) for n in sampled)
    return good / len(sampled)


def candidate_page_sizes(data: bytes) -> list[int]:
    """Page sizes that fit the file, most plausible first.

    A size twice the real one also lands only on real page starts, so among sizes that score
    alike the smallest wins; page 1 must hold a b-tree header that fits the size.
    """
    fits = [
        size for size in _PAGE_SIZES if len(data) >= size and _looks_like_btree(data, 100, size)
    ]
    scored = sorted(((_score(data, size), size) for size in fits), key=lambda s: (-s[0], s[1]))
    if not scored:
        return []
    best = scored[0][0]
    near = sorted(size for score, size in scored if score >= best * 0.9)
    return near + [size for _score_, size in scored if size not in near]


def fresh_header(page_size: int, pages: int, wal: bool) -> bytes:
    """The header SQLite writes for a new UTF-8 database, for this page size and page count."""
    header = bytearray(100)
    header[0:16] = MAGIC
    header[16:18] = (1 if page_size == 65536 else page_size).to_bytes(2, "big")
    header[18] = header[19] = 2 if wal else 1  # 2: the pages changed since live in the -wal
    header[21:24] = bytes([64, 32, 32])  # payload fractions: fixed by the file format
    header[24:28] = (1).to_bytes(4, "big")  # change counter
    header[28:32] = pages.to_bytes(4, "big")
    header[40:44] = (1).to_bytes(4, "big")  # schema cookie
    header[44:48] = (4).to_bytes(4, "big")  # schema format 4, what SQLite writes today
    header[56:60] = (1).to_bytes(4, "big")  # UTF-8
    header[92:96] = (1).to_bytes(4, "big")  # valid-for: equal to the change counter
    header[96:100] = _version_number().to_bytes(4, "big")
    return bytes(header)


def _version_number() -> int:
    major, minor, patch = sqlite3.sqlite_version_info
    return major * 1_000_000 + minor * 1_000 + patch


def _wal_page_size(wal: Path) -> int | None:
    """The page size a valid -wal file records in its own header, if there is one."""
    try:
        with wal.open("rb") as handle:
            head = handle.read(12)
    except OSError:
        return None
    if len(head) < 12 or int.from_bytes(head[0:4], "big") not in (0x377F0682, 0x377F0683):
        return None
    size = int.from_bytes(head[8:12], "big")
    return size if size in _PAGE_SIZES else None


def schema_reads(path: Path) -> bool:
    """SQLite opens the file and reads its schema and every table's first row."""
    try:
        conn = sqlite3.connect(path)  # a copy: a WAL replayed into it changes nothing real
    except sqlite3.Error:
        return False
    try:
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        for (name,) in names:
            quoted = '"' + str(name).replace('"', '""') + '"'
            conn.execute(f"SELECT * FROM {quoted} LIMIT 1").fetchall()
        return bool(names)
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def rebuild_header(copy: Path) -> int | None:
    """Write a fresh header onto `copy` if its own cannot be read; the page size used, or None.

    Each plausible page size is tried in turn (the -wal's own, when there is a valid -wal: its
    frames must fit the same size); the first whose schema reads is kept. When none does, the
    copy is left as it was found.
    """
    if schema_reads(copy):
        return None
    data = copy.read_bytes()
    wal_size = _wal_page_size(copy.with_name(copy.name + "-wal"))
    sizes = [wal_size] if wal_size else candidate_page_sizes(data)
    for page_size in sizes:
        pages = len(data) // page_size
        with copy.open("r+b") as handle:
            handle.write(fresh_header(page_size, pages, wal_size is not None))
            if pages * page_size != len(data):
                handle.truncate(pages * page_size)  # a torn last page is not a page
        if schema_reads(copy):
            return page_size
        with copy.open("r+b") as handle:
            handle.write(data)  # undo, size included, before the next guess
    return None
