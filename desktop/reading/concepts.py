"""Everyday support paraphrases, named in the words a canned response would use.

Customers rarely use a library's words: "two payments of £64.99" is a "charged twice"
response, "the lid came cracked" a "damaged item" one, "can you send one to Zurich?" an
"international shipping" one. Neither shared words (BM25) nor the sentence encoder bridge
every such gap, and the encoder reads "my card keeps getting declined" as nearer to a gift
card than to a failed payment. So a sentence that says one of these common things is read
with the plain name of the concept added (`expand`), for the words, and is also compared in
meaning with the plain sentence a customer would say for it (`views`: "I was charged twice
for one order"; a bare name embeds weakly: "delayed" is 0.38 from "Parcel delayed", "my
parcel is delayed" 0.65).

The table itself, general support language in seven languages, is `concept_table`; this
module reads texts with it. A concept's name is added only when the text does not already say
it. No Qt.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from desktop.reading.concept_table import CONCEPTS, NOT_WITH, OPPOSITE

__all__ = [
    "CONCEPTS",
    "concepts_in",
    "contradicts",
    "contradicts_states",
    "expand",
    "named_needs",
    "stated_needs",
    "unnamed",
    "views",
]


@cache
def _compiled() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (name, re.compile(rf"(?<!\w)(?:{pattern})", re.IGNORECASE))
        for name, _view, pattern in CONCEPTS
    )


def contradicts(response_text: str, thread_text: str) -> bool:
    """Whether the response states what is the opposite of a state the thread states."""
    return contradicts_states(response_text, frozenset(concepts_in(thread_text)))


def contradicts_states(response_text: str, said: frozenset[str]) -> bool:
    """`contradicts`, with the thread's concepts (`said`) read once for many responses."""
    opposed = said & OPPOSITE.keys()
    if not opposed:
        return False  # most threads state no order state: no response is read
    states = stated_needs(response_text)
    return any(
        OPPOSITE[name] in states and name not in states and OPPOSITE[name] not in said
        for name in opposed
    )


@lru_cache(maxsize=4096)
def stated_needs(response_text: str) -> frozenset[str]:
    """A response's concepts: the same few texts are read for every thread."""
    return frozenset(concepts_in(response_text))


@lru_cache(maxsize=4096)
def named_needs(title: str) -> frozenset[str]:
    """The concepts a response's title names in their own words.

    "Cancel order - not yet shipped" is "cancel order", "Refund timing" is "refund timing".
    The table's patterns are written for customers' words, and read in a title they mislead
    ("not yet shipped" is also an order still processing).
    """
    words = {_singular(w) for w in re.findall(r"\w+", title.lower())}
    return frozenset(
        name
        for name, _view, _pattern in CONCEPTS
        if (long := [_singular(w) for w in re.findall(r"\w+", name) if len(w) >= 4])
        and all(any(said.startswith(w) for said in words) for w in long)
    )


def _singular(word: str) -> str:
    """The word less a plural "s": a title and a concept's name may differ in number."""
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def views(names: tuple[str, ...]) -> tuple[str, ...]:
    """The plain sentence a customer would say for each named concept."""
    said = {name: view for name, view, _pattern in CONCEPTS}
    return tuple(said[name] for name in names)


CACHED_CHARS = 4000  # longer texts are read afresh: a cache of pasted exports would grow large


def concepts_in(text: str) -> tuple[str, ...]:
    """The names of the concepts `text` says, in table order.

    Cached up to CACHED_CHARS: one thread's texts are read several times over (each need's
    policy, the shown match, the reranker).
    """
    return _concepts_cached(text) if len(text) <= CACHED_CHARS else _concepts(text)


@lru_cache(maxsize=1024)
def _concepts_cached(text: str) -> tuple[str, ...]:
    return _concepts(text)


def _concepts(text: str) -> tuple[str, ...]:
    found = []
    for name, pattern in _compiled():
        if pattern.search(text) and not (name in NOT_WITH and NOT_WITH[name].search(text)):
            found.append(name)
    return tuple(found)


def unnamed(text: str) -> tuple[str, ...]:
    """The concepts `text` says in other words than their names' (see `expand`)."""
    words = set(re.findall(r"\w+", text.lower()))
    return tuple(
        name
        for name in concepts_in(text)
        if not all(any(said.startswith(w) for said in words) for w in name.split() if len(w) >= 4)
    )


def expand(text: str) -> str:
    """`text`, with the name of each concept it says in other words than the name's.

    A text that already uses every word of the name is left as it is. One that uses part of
    it gets the name: "Payment could not be completed" says "payment", which many replies
    share, and not "failed", which is the point. (On Bitext that adds "receipt" to "invoice
    #123" and costs 2 of 270 questions through the pipeline; on unseen threads it gains.)
    """
    added = unnamed(text)
    return f"{text} ({'; '.join(added)})" if added else text
