"""A handover summary: what the customer wants, what was already done, what is still open. No Qt.

A 135M model asked for a whole summary invents what the agent "already did" (a confirmation
email, a 48-hour promise). So each line comes from where it can be trusted: the customer's
request is one line by the model, started for it ("- The customer wants"), sampled under the
same number grammar as a draft's opening and checked sentence by sentence against the
conversation (a flagged line falls back to the customer's own words); what was already done
is the agent's own sentences that state an action; what is open is the customer's latest turn
when nobody has answered it yet. A bigger model writes the first line better; the rest stays
quoted, so a colleague taking over can trust every line.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from desktop.drafting.adapt import opening_grammar
from desktop.drafting.checks import check_draft, states_action
from desktop.drafting.guards import StreamGuard
from desktop.drafting.sentences import split
from desktop.engine.base import Engine
from desktop.engine.types import GenerationParams, Message
from desktop.transcript import Transcript

SYSTEM = (
    "You write handover notes for a support colleague. One short line. Only facts from the "
    "conversation; no numbers, links or promises that it does not state."
)
WANT_PREFIX = "- The customer wants"
MAX_TOKENS = 40
QUOTE_CHARS = 220
# Words a faithful line about any request may use without the conversation saying them.
_FRAME_WORDS = {
    "about", "after", "again", "also", "back", "because", "been", "before", "customer",
    "find", "from", "have", "help", "information", "into", "just", "know", "like", "more",
    "need", "needs", "only", "please", "since", "some", "than", "that", "their", "them",
    "then", "there", "these", "they", "this", "those", "want", "wants", "were", "what",
    "when", "where", "whether", "which", "will", "with", "would", "your",
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class Summary:
    want: str  # one line, from the model (or the customer's words when the checks refused it)
    done: tuple[str, ...]  # the agent's sentences that state an action, quoted
    open: str  # the customer's unanswered latest turn, or "" when the agent spoke last
    from_model: bool  # False: the model's line was flagged or empty, the customer's words used

    @property
    def text(self) -> str:
        lines = [f"{WANT_PREFIX} {self.want}".rstrip()]
        done = "; ".join(f"“{d}”" for d in self.done) if self.done else "nothing yet"
        lines.append(f"- Already done (agent): {done}")
        lines.append(f"- Still open: “{self.open}”" if self.open else "- Still open: nothing")
        return "\n".join(lines)

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "want": self.want,
            "done": list(self.done),
            "open": self.open,
            "from_model": self.from_model,
        }


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _stem(word: str) -> str:
    return word.lower()[:5]  # "cancellation" and "cancel" meet; "reason" meets nothing


def unsupported_words(line: str, conversation: str) -> list[str]:
    """The content words of `line` that the conversation never uses (by a crude stem).

    The checks catch invented numbers, links and promises; a line can still invent what the
    customer wants ("the reason behind the order cancellation" of a customer who only asked to
    cancel, issue 22). Every content word must come from the conversation; a paraphrase that
    fails this falls back to the customer's own words, which is the safe side.
    """
    said = {_stem(w) for w in _WORD.findall(conversation)}
    return [
        w for w in _WORD.findall(line) if w.lower() not in _FRAME_WORDS and _stem(w) not in said
    ]


def summarize(
    engine: Engine,
    transcript: Transcript,
    cancel: threading.Event,
    on_text: Callable[[str], None] | None = None,
    seed: int | None = None,
) -> Summary:
    conversation = "\n".join(f"{t.role.capitalize()}: {t.text}" for t in transcript.turns)
    customer = transcript.customer_turns()
    sources = [conversation]
    messages = (
        Message("system", SYSTEM),
        Message("user", f"{conversation}\n\nWhat does the customer want?"),
        Message("assistant", WANT_PREFIX),
    )
    params = GenerationParams(
        max_tokens=MAX_TOKENS,
        temperature=0.1,
        seed=seed,
        stop=("\n",),
        grammar=opening_grammar(sources),
    )
    guard = StreamGuard(sources)
    for delta in engine.stream(messages, params, cancel):
        verdict = guard.feed(delta)
        if verdict.emit and on_text is not None:
            on_text(verdict.emit)
        if verdict.stopped:
            break
    else:
        guard.flush()
    first = split(guard.text.strip())
    want = guard.text.strip()[: first[0].end] if first else ""
    flagged = (
        not want
        or any(c.flagged for c in check_draft(f"The customer wants {want}", sources))
        or bool(unsupported_words(want, conversation))
    )
    if flagged:
        request = customer[0].text if customer else ""
        want = f"(in their words) “{_clip(request)}”" if request else ""
    done = tuple(
        _clip(s.text)
        for turn in transcript.turns
        if turn.role == "agent"
        for s in split(turn.text)
        if states_action(s.text)
    )
    last = transcript.turns[-1] if transcript.turns else None
    open_text = _clip(last.text) if last is not None and last.role == "customer" else ""
    return Summary(want, done, open_text, from_model=not flagged)
