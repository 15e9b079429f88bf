"""What the library's searchable columns weigh, and how tags are stored. Pure functions.

Both ways of searching read these: FTS5's bm25 for the search box (canned.py) and the
in-memory BM25 for ranking (lexical.py via ranking.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

# A word in a title says more about a response than the same word in its body.
FIELD_WEIGHTS = {"title": 4.0, "tags": 3.0, "shortcode": 2.0, "body": 1.0}


def parse_tags(stored: str | None) -> tuple[str, ...]:
    """The tags column (a JSON list of strings) as a tuple; anything unreadable is no tags."""
    try:
        tags = json.loads(stored or "[]")
    except (json.JSONDecodeError, TypeError):
        return ()
    return tuple(str(t) for t in tags) if isinstance(tags, list) else ()


def dump_tags(tags: Iterable[str]) -> str:
    return json.dumps(list(tags))
