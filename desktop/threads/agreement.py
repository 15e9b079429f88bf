"""Does a parse agree with a labelled one? The "turns parsed" figure of the evaluation.

Two parses agree when they have the same number of turns, the same roles in the same order,
and each pair of texts agrees: equal once whitespace is normalised, or at least 90% similar
(difflib's ratio), so that a kept sign-off line or a stray quote mark is not counted as a
wrong parse while a turn cut in two, merged, or given to the wrong side still is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any, Protocol

TEXT_SIMILARITY = 0.9


class _TurnLike(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def text(self) -> str: ...


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space and trim the ends."""
    return " ".join(text.split())


def texts_agree(parsed: str, labelled: str) -> bool:
    a, b = normalise(parsed), normalise(labelled)
    if a == b:
        return True
    if not a or not b:
        return False
    # Cheap upper bound first: texts of very different lengths can never reach the threshold.
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < TEXT_SIMILARITY:
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= TEXT_SIMILARITY


def turns_agree(parsed: Sequence[_TurnLike], labelled: Sequence[Mapping[str, Any]]) -> bool:
    """True when `parsed` has the labelled turns: same count, roles, order and texts."""
    if len(parsed) != len(labelled):
        return False
    return all(
        turn.role == want["role"] and texts_agree(turn.text, str(want["text"]))
        for turn, want in zip(parsed, labelled, strict=True)
    )


def parse_accuracy(cases: Iterable[Mapping[str, Any]]) -> float:
    """Share of `cases` (each with "raw" and labelled "turns") that `parse` reads as labelled.

    Returns 0.0 for no cases. A case whose raw text is refused (binary) counts as wrong.
    """
    from desktop.errors import InputError
    from desktop.transcript import parse

    total = agreed = 0
    for case in cases:
        total += 1
        try:
            turns = parse(str(case["raw"])).turns
        except InputError:
            continue
        agreed += turns_agree(turns, case["turns"])
    return agreed / total if total else 0.0
