"""Prompt text echoed into a draft: an n-gram overlap with the instructions, not a phrase list.

A small model sometimes copies its own instructions ("Saved replies from the team's library:
[1] ...") into the reply. Any run of ECHO_WORDS words that the draft shares with the prompt's
own text (the system prompt, the grounding's framing) and that the allowed texts (the
conversation, the canned responses) do not contain is an echo. No Qt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

ECHO_WORDS = 5  # five words in a row: common phrases ("if you have any questions") are shorter
_WORD = re.compile(r"\w+|\[\d+\]", re.UNICODE)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _grams(words: Sequence[str], size: int) -> Iterable[tuple[str, ...]]:
    return (tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def prompt_echo(
    draft: str,
    prompt_texts: Sequence[str],
    allowed_texts: Sequence[str] = (),
    size: int = ECHO_WORDS,
) -> str | None:
    """The first run of `size` words `draft` copies from the prompt, or None.

    Runs the allowed texts also contain (the customer's own words, a canned response quoted on
    purpose) are not echoes: only what the instructions alone say counts.
    """
    words = _words(draft)
    if len(words) < size:
        return None
    prompt = {g for text in prompt_texts for g in _grams(_words(text), size)}
    if not prompt:
        return None
    allowed = {g for text in allowed_texts for g in _grams(_words(text), size)}
    for gram in _grams(words, size):
        if gram in prompt and gram not in allowed:
            return " ".join(gram)
    return None


def sentences_with_echo(
    sentences: Sequence[str], prompt_texts: Sequence[str], allowed_texts: Sequence[str] = ()
) -> list[int]:
    """Indexes of the sentences that copy prompt text (each checked on its own)."""
    return [
        i
        for i, s in enumerate(sentences)
        if prompt_echo(s, prompt_texts, allowed_texts) is not None
    ]
