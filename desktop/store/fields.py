"""What the library's searchable columns weigh, and how tags are stored. Pure functions.

Both ways of searching read these: FTS5's bm25 for the search box (canned.py) and the
in-memory BM25 for ranking (lexical.py via ranking.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from desktop.store.words import cjk_grams

# A word in a title says more about a response than the same word in its body. `cjk_grams`
# is the search box's copy of every field's Chinese, Japanese and Korean text as bigrams
# (migration m004): mostly body text, so it weighs as the body does.
FIELD_WEIGHTS = {"title": 4.0, "tags": 3.0, "shortcode": 2.0, "body": 1.0, "cjk_grams": 1.0}


def parse_tags(stored: str | None) -> tuple[str, ...]:
    """The tags column (a JSON list of strings) as a tuple; anything unreadable is no tags."""
    try:
        tags = json.loads(stored or "[]")
    except (json.JSONDecodeError, TypeError):
        return ()
    return tuple(str(t) for t in tags) if isinstance(tags, list) else ()


def dump_tags(tags: Iterable[str]) -> str:
    """Tags as stored: JSON with letters as written, so the index folds "café" to "cafe"."""
    return json.dumps(list(tags), ensure_ascii=False)


def cjk_column(row: Mapping[str, Any]) -> str:
    """The search-only `cjk_grams` column of a stored row, from its searchable fields."""
    return cjk_grams(
        row.get("title") or "",
        *parse_tags(row.get("tags")),
        row.get("shortcode") or "",
        row.get("body") or "",
    )
