"""How library text is split into words: one tokenizer and one stopword list. Pure functions.

The search box (FTS5 queries, query.py) and the ranking (in-memory BM25, lexical.py) read text
the same way, so a word the agent types and a word the customer writes are the same word.

Chinese and Japanese put no spaces between words, and Korean glues particles onto them
("환불은"), so a word is not a token there: the search box indexes and queries runs of those
scripts as overlapping two-character grams instead (`grams`, `cjk_grams`), which finds a
two-character word anywhere inside a run without a dictionary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")

# Hangul Jamo, kana (without the ・ separator), Bopomofo, Hangul compatibility Jamo, CJK
# ideographs (extension A, the main block, compatibility), Hangul syllables, half-width
# katakana, and the supplementary ideograph planes.
CJK_RUN = re.compile(
    "[\u1100-\u11ff\u3040-\u30fa\u30fc-\u30ff\u3100-\u318f\u31a0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003134f]+"
)

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


def tokens(text: str) -> Iterator[str]:
    """Every word of `text`, lower-cased, apostrophes dropped ("Don't" -> "dont")."""
    for match in WORD.finditer(text.lower()):
        yield match.group().replace("'", "")


def is_content(word: str) -> bool:
    """A word that says what the text is about: two letters or more, no stopword, no number."""
    return len(word) >= 2 and word not in STOPWORDS and not word.isdigit()


def content_words(text: str) -> list[str]:
    """Content words of `text` in order, repeats kept, lower-cased and unstemmed."""
    return [word for word in tokens(text) if is_content(word)]


def pieces(word: str) -> Iterator[tuple[str, bool]]:
    """A word cut into its CJK runs (True) and what lies between them ("5个" -> "5", "个")."""
    for piece in re.split(f"({CJK_RUN.pattern})", word):
        if piece:
            yield piece, CJK_RUN.fullmatch(piece) is not None


def bigrams(run: str) -> list[str]:
    """Overlapping character pairs of a run ("退款了" -> "退款", "款了"), or a lone character.

    What a query of two characters or more is matched by.
    """
    return [run[i : i + 2] for i in range(len(run) - 1)] or [run]


def grams(run: str) -> list[str]:
    """What a run is indexed as: its bigrams, then its last character alone.

    Every character then starts a gram, so a one-character query (typed as a prefix) finds
    it wherever it stands, and the bigrams stay adjacent for phrase queries.
    """
    return [*bigrams(run), run[-1]] if len(run) > 1 else [run]


def cjk_grams(*texts: str) -> str:
    """The search-only text the FTS index reads for words holding CJK characters.

    FTS5's unicode61 tokenizer keeps "iPhone用の充電器" or "5个工作日" as one token; here each
    CJK run becomes its grams and the Latin letters or digits glued to it stand alone.
    Text without CJK gives "".
    """
    out: list[str] = []
    for text in texts:
        for word in tokens(text):
            if CJK_RUN.search(word):
                for piece, cjk in pieces(word):
                    out.extend(grams(piece) if cjk else [piece])
    return " ".join(out)
