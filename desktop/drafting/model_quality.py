"""What a model can be trusted to write: whole replies, and languages other than English.

Measured on the realistic dev threads with the 135M default (README, "Real conversations"):
writing freely, it copied its instructions into the reply, wrote as the customer and signed
with the customer's name; asked for a Spanish sentence, it wrote English or invented
Spanish. So small models only ever add one English sentence to a canned response, and free
writing is never chosen automatically for them. The line is drawn by a measured check of the
model (writing_check.py) once it has run on this machine, and until then by the size of the
weights, which is what the model file tells before anything is generated. No Qt.
"""

from __future__ import annotations

from desktop.engine.types import ModelInfo

# About a 3B-parameter model at 4 bits: the smallest class that wrote whole replies and other
# languages acceptably in our trials; the 135M default (about 100 MB) is far below it.
FREE_WRITING_BYTES = 1_500_000_000


def writes_freely(info: ModelInfo) -> bool:
    """Whether free writing may be chosen automatically when no saved reply fits.

    A model checked on this machine (writing_check.py, `agent-assist models --writing`) is
    judged by its check; an unchecked one by the size of its weights.
    """
    from desktop.drafting.writing_check import WritingCache  # reads a small JSON file

    checked = WritingCache().get(info.path)
    if checked is not None:
        return checked.passed
    return info.size_bytes >= FREE_WRITING_BYTES


def writes_language(info: ModelInfo, language: str) -> bool:
    """Whether the model's own sentence may be in `language` (English always)."""
    return language == "en" or info.size_bytes >= FREE_WRITING_BYTES


def needs_writing_check(info: ModelInfo) -> bool:
    """Whether the window should check this model's writing as soon as it is loaded.

    Only where the size rule would let an unchecked model write whole replies by itself: the
    check then decides instead. A model on a team server has no file to remember it by.
    """
    from desktop.drafting.writing_check import WritingCache

    if info.size_bytes < FREE_WRITING_BYTES or not info.path.is_file():
        return False
    return WritingCache().get(info.path) is None
