"""The ranking's word statistics kept in SQLite between runs (table `index_snapshot`, m008).

Building the BM25 postings reads and stems every response: about a minute for 100k responses
on a 2-core laptop, paid again on the first ranking after every start. The snapshot stores
them for the library version they describe, in a format that cannot run code when read (JSON
for the vocabulary, `.npz` without pickles for the postings): a database file can come from a
backup or a colleague. It is used only when the library version, the number of responses and
the code's fingerprint all match; anything else rebuilds, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
from sqlite_utils import Database

from desktop import __version__
from desktop.store import fields, lexical, words
from desktop.store.lexical import LexicalIndex

logger = logging.getLogger(__name__)

PART = "lexical"
# LexicalIndex's attributes this module knows how to restore; if the class gains or loses one,
# snapshots are ignored (and the index built) instead of restored half-way.
_ATTRIBUTES = frozenset(
    {"size", "_is_word", "_terms", "_surface", "_frequency", "_offsets", "_docs", "_weights"}
    | {"_by_trigram"}
)


@cache
def fingerprint() -> str:
    """Changes when the code computing the statistics may have: the version and its sources."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for module in (lexical, words, fields):
        # In a packaged build the sources are not there: its version stands for them.
        with contextlib.suppress(OSError):
            digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


@cache
def _restorable() -> bool:
    return set(vars(LexicalIndex([]))) == _ATTRIBUTES


def save(db: Database, version: str, index: LexicalIndex) -> None:
    """Keep `index` for `version`; best effort (a locked database only costs a rebuild)."""
    if not _restorable():
        return
    state = vars(index)
    vocabulary = json.dumps(
        {
            "size": index.size,
            "terms": list(state["_terms"]),  # ids were handed out in insertion order
            "surface": state["_surface"],
            "frequency": dict(state["_frequency"]),
        }
    ).encode("utf-8")
    arrays = io.BytesIO()
    np.savez(arrays, offsets=state["_offsets"], docs=state["_docs"], weights=state["_weights"])
    data = len(vocabulary).to_bytes(8, "little") + vocabulary + arrays.getvalue()
    try:
        with db.conn:
            db.conn.execute(
                "INSERT OR REPLACE INTO index_snapshot (part, library_version, fingerprint, "
                "data) VALUES (?, ?, ?, ?)",
                [PART, version, fingerprint(), data],
            )
    except sqlite3.Error as exc:
        logger.warning("could not keep the ranking's word statistics: %s", exc)


def load(
    db: Database, version: str, size: int, is_word: Callable[[str], bool] | None
) -> LexicalIndex | None:
    """The kept index for `version` holding `size` responses, or None (then build it)."""
    if not _restorable() or not db["index_snapshot"].exists():
        return None
    row = db.execute(
        "SELECT library_version, fingerprint, data FROM index_snapshot WHERE part = ?", [PART]
    ).fetchone()
    if row is None or row[0] != version or row[1] != fingerprint():
        return None
    data = bytes(row[2])
    length = int.from_bytes(data[:8], "little")
    try:
        vocabulary = json.loads(data[8 : 8 + length])
        arrays = np.load(io.BytesIO(data[8 + length :]), allow_pickle=False)
    except (ValueError, OSError) as exc:
        logger.warning("ignoring a damaged ranking snapshot: %s", exc)
        return None
    if vocabulary["size"] != size:
        return None
    index = LexicalIndex.__new__(LexicalIndex)
    vars(index).update(
        size=size,
        _is_word=is_word or (lambda _word: False),
        _terms={term: n for n, term in enumerate(vocabulary["terms"])},
        _surface=vocabulary["surface"],
        _frequency=Counter(vocabulary["frequency"]),
        _offsets=arrays["offsets"],
        _docs=arrays["docs"],
        _weights=arrays["weights"],
        _by_trigram=None,
    )
    return index
