"""A response that asks for what the thread already gives goes after the others.

"Could you send me your order number?" is the right first reply to "my parcel hasn't come",
and the wrong one to "I paid twice for order #48001": the number is there. The thread's own
values (read by `desktop.placeholders`) say what is known. No Qt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from desktop.drafting.tried import Ranked
from desktop.store.canned import CannedResponse

# A body asking for the order number ("could you send me your order number?", "what's your
# order reference?"), and not using the number itself.
_ASKS_ORDER = re.compile(
    r"\b(send|give|share|tell|provide|confirm|reply with|what(?:'s| is))\b[^.?!]{0,40}\border "
    r"(number|id|reference|no\b)",
    re.IGNORECASE,
)

_NAMES_ORDER = re.compile(r"\border[ _-]?(number|id|reference|no\b)", re.IGNORECASE)


def asks_for_known(canned: CannedResponse, values: Mapping[str, str]) -> bool:
    """Whether the response's purpose is asking for a value the thread states.

    Its title or tags must name that purpose: a warranty reply that also asks for the order
    number is still the warranty reply.
    """
    if not values.get("order.id") or "{{order.id}}" in canned.body:
        return False
    named = _NAMES_ORDER.search(" ".join((canned.title, *canned.tags))) is not None
    return named and _ASKS_ORDER.search(canned.body) is not None


def known_last(ranked: Ranked, values: Mapping[str, str]) -> Ranked:
    """`ranked` with responses asking for what is known moved after the others."""
    asking = [asks_for_known(c, values) for c, _ in ranked]
    if not any(asking):
        return ranked
    return [r for r, a in zip(ranked, asking, strict=True) if not a] + [
        r for r, a in zip(ranked, asking, strict=True) if a
    ]
