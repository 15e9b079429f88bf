"""Build FTS5 queries from what agents type and what customers write. Pure functions.

Words are split by `desktop.store.words`, the tokenizer the ranking uses too. A word in
Chinese, Japanese or Korean script is looked up as its character bigrams, which the index
holds in its `cjk_grams` column (migration m004): "退款" finds "…工作日内退款".
"""

from __future__ import annotations

from itertools import islice

from desktop.store.words import (
    CJK_RUN,
    STOPWORDS,
    bigrams,
    content_words,
    is_content,
    pieces,
    tokens,
)


def terms(text: str, limit: int = 32) -> list[str]:
    """Distinct content words, in order of first appearance, lower-cased."""
    return list(islice(dict.fromkeys(content_words(text)), limit))


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def any_of(text: str) -> str:
    """An FTS5 query matching any content word of a message ("" when there is none).

    A CJK word counts by each of its bigrams, so a sentence written without spaces still
    matches a response that shares one two-character word with it; a lone CJK character is
    left out, as one-letter words are.
    """
    alternatives: dict[str, None] = {}
    for term in terms(text):
        for piece, cjk in pieces(term):
            if cjk and len(piece) > 1:
                alternatives.update(dict.fromkeys(_quote(b) for b in bigrams(piece)))
            elif not cjk and is_content(piece):
                alternatives[_quote(piece)] = None
    return " OR ".join(islice(alternatives, 64))


def is_broad(text: str) -> bool:
    """True while what was typed is too short to rank by: no content word of 4+ letters yet.

    Such a query ("ca", "i w") matches a large part of a big library, and scoring every match
    with bm25 costs ~100 ms at 100,000 responses; unranked matches come back in ~2 ms. Two
    CJK characters already make a word, so a CJK run of two is enough.
    """
    words = list(tokens(text))
    if any(len(run) >= 2 for w in words for run in CJK_RUN.findall(w)):
        return False
    return not any(len(w) >= 4 and w not in STOPWORDS for w in words)


def prefix_all(text: str) -> str:
    """What the search box sends: every word must match, the last one as a prefix.

    A CJK run must appear as written: its bigrams as one phrase (adjacent in the index);
    one character alone is a prefix of the grams, which every indexed character starts.
    """
    parts: list[str] = []
    cjk = False
    for word in islice(tokens(text), 16):
        for piece, cjk in pieces(word):
            if not cjk:
                parts.append(_quote(piece))
            elif len(piece) == 1:
                parts.append(_quote(piece) + "*")
            else:
                parts.append(_quote(" ".join(bigrams(piece))))
    if parts and not cjk:  # CJK is typed in whole characters: no prefix to complete
        parts[-1] += "*"
    return " AND ".join(parts)
