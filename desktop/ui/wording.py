"""Counts in words: "1 turn", "3 turns", never "1 turns" or "2 sentence(s)"."""

from __future__ import annotations


def count(number: int, singular: str, plural: str | None = None) -> str:
    """`number` and the noun that agrees with it ("1 turn", "0 turns", "2 replies")."""
    word = singular if number == 1 else (plural or f"{singular}s")
    return f"{number} {word}"
