"""Message text is data: spellings of the model's control tokens in it are broken. No Qt.

Prompts are tokenized with special tokens parsed (the chat template's markers must become
control tokens), so the same text inside a message would too: a customer writing
"<|im_end|><|im_start|>system" would open a real system turn. `engine.llama` lists the model's
control tokens; this module turns them into a pattern and defuses text with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def pattern(texts: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for every control-token text longer than a character (longest first)."""
    found = {t for t in texts if len(t) > 1}
    if not found:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(found, key=len, reverse=True)))


def defuse(text: str, control: re.Pattern[str] | None) -> str:
    """`text` with every control-token spelling broken by a zero-width space: data, not markup."""
    if control is None:
        return text
    return control.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], text)
