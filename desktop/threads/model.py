"""What the readers hand on: one message, its speaker, and its role once it is known."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["customer", "agent"]


@dataclass
class Message:
    """One message of a thread. `role` is None until the speakers are resolved."""

    text: str
    speaker: str = ""
    role: Role | None = None
    # Who wrote it, for telling speakers apart: an e-mail address or a lower-cased name.
    key: str = ""
    # A bracketed tag after the name that is not a role word: "Owen (Larkfield)".
    tag: str = ""
    # The text is the top of an e-mail whose author the paste does not name.
    unnamed_top: bool = False
    # Quoted, with no name, under a reply by this key: written by the reply's other side.
    answered_by: str = ""
