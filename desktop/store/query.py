"""Build FTS5 queries from what agents type and what customers write. Pure functions."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)

# Words that carry no topic: dropped so BM25 ranks on what the customer is asking about.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "it",
        "it's",
        "its",
        "itself",
        "just",
        "let",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "please",
        "pls",
        "ok",
        "okay",
        "yes",
        "yeah",
        "get",
        "got",
        "also",
        "still",
        "want",
        "wanted",
        "need",
        "needed",
        "know",
        "like",
        "just",
        "really",
        "help",
        "hope",
        "im",
        "ive",
        "dont",
        "cant",
        "could",
        "would",
        "one",
    ]
)


def terms(text: str, limit: int = 32) -> list[str]:
    """Distinct content words, in order of first appearance, lower-cased."""
    seen: dict[str, None] = {}
    for match in _WORD.finditer(text.lower()):
        word = match.group().replace("'", "")
        if len(word) < 2 or word in STOPWORDS or word.isdigit():
            continue
        seen.setdefault(word, None)
        if len(seen) >= limit:
            break
    return list(seen)


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
    words = [m.group().replace("'", "") for m in _WORD.finditer(text.lower())]
    return not any(len(w) >= 4 and w not in STOPWORDS for w in words)


def prefix_all(text: str) -> str:
    """What the search box sends: every word must match, the last one as a prefix."""
    words = [m.group().replace("'", "") for m in _WORD.finditer(text.lower())][:16]
    if not words:
        return ""
    quoted = [_quote(w) for w in words]
    quoted[-1] += "*"
    return " AND ".join(quoted)
