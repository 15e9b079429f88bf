"""Build FTS5 queries from what agents type and what customers write. Pure functions.

Words are split by `desktop.store.words`, the tokenizer the ranking uses too.
"""

from __future__ import annotations

from itertools import islice

from desktop.store.words import STOPWORDS, content_words, tokens


def terms(text: str, limit: int = 32) -> list[str]:
    """Distinct content words, in order of first appearance, lower-cased."""
    return list(islice(dict.fromkeys(content_words(text)), limit))


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def any_of(text: str) -> str:
    """An FTS5 query matching any content word of a message ("" when there is none)."""
    return " OR ".join(_quote(t) for t in terms(text))


def is_broad(text: str) -> bool:
    """True while what was typed is too short to rank by: no content word of 4+ letters yet.

    Such a query ("ca", "i w") matches a large part of a big library, and scoring every match
    with bm25 costs ~100 ms at 100,000 responses; unranked matches come back in ~2 ms.
    """
    return not any(len(w) >= 4 and w not in STOPWORDS for w in tokens(text))


def prefix_all(text: str) -> str:
    """What the search box sends: every word must match, the last one as a prefix."""
    words = list(islice(tokens(text), 16))
    if not words:
        return ""
    quoted = [_quote(w) for w in words]
    quoted[-1] += "*"
    return " AND ".join(quoted)
