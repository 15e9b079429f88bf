"""Guards run on the token stream: stop a draft going wrong, return the clean part. Pure, no Qt.

A small model drifts in a few known ways: it starts writing the customer's next turn (a new
line, then "Customer: ..."), leaks its chat template ("<|im_end|>"), makes up slots ("Dear
{Customer}"), talks about itself ("as an AI language model") or loops. `StreamGuard` is fed
each delta and says whether to go on; text is released only when no stop string can still begin
in it, so the panel never shows the "Cust" of a "Customer:" it is about to cut. A stop inside a
sentence (a loop, "as an AI") cuts back to the start of that sentence; text already shown is
then taken back with `GuardVerdict.retract`. `fired_early` tells the caller a regeneration is
worth it.

`trim_unfinished` cuts the half sentence a length limit leaves at the end.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from desktop.drafting import sentences
from desktop.drafting.specifics import SLOT

_OTHER_ROLES = "customer|user|client|human"
_OWN_ROLES = "agent|assistant|support|system|ai|bot"
_ROLES = _OTHER_ROLES + "|" + _OWN_ROLES
_ROLE_BREAK = re.compile(
    r"(?:^|\n)[ \t]{0,8}(?:[*_]{0,2}(?:" + _ROLES + r")[*_]{0,2}[ \t]{0,3}:|#{2,}[ \t])"
    r"|(?<=[.!?…] )(?:Customer|User|Client)[ \t]?:",
    re.IGNORECASE,
)
_OWN_LABEL = re.compile(r"\s{0,8}[*_]{0,2}(?:" + _OWN_ROLES + r")[*_]{0,2}[ \t]{0,3}:\s*", re.I)
_TOKEN = re.compile(
    r"<\||</?s>|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>|\b(?:im_start|im_end)\b"
)
_AI = re.compile(
    r"\bas an? (?:ai|artificial intelligence|(?:large )?language model|chatbot)\b"
    r"|\bI(?:['\u2019]m| am) (?:just |only )?an? (?:ai|artificial intelligence|language model)\b",
    re.IGNORECASE,
)
# Prefixes held back at the end of the stream: a stop may be about to start there.
_TRIGGERS = tuple(
    [f"\n{role}:" for role in _ROLES.split("|")]
    + [f" {role}:" for role in _OTHER_ROLES.split("|")]
    + ["\n##", "<|", "</s>", "<s>", "[inst]", "[/inst]", "<<sys>>", "<start_of_turn>", "<end_of"]
)
# An unclosed slot or placeholder ("{{customer.na"): shown once complete, or stopped.
_PREFIXES = frozenset(t[:n] for t in _TRIGGERS for n in range(1, len(t) + 1))
_LONGEST = max(len(t) for t in _TRIGGERS)
_OPEN_SLOT = re.compile(r"(?:\{\{?|[\[<])[^{}\[\]<>\n]{0,120}\}?$")
_MARGIN = 160  # longer than any stop pattern's match
_WORD = re.compile(r"[\w'\u2019]+")
_COMPLETE_END = re.compile(r"[.!?…][\"'\u201d\u2019)\]]{0,3}$")


class StopReason(StrEnum):
    ROLE_BREAK = "role break"
    TEMPLATE_TOKEN = "template token"
    PLACEHOLDER_LEAK = "made-up placeholder"
    AI_DISCLOSURE = "talks about being an AI"
    REPETITION = "repetition loop"


@dataclass(frozen=True)
class GuardVerdict:
    """What to do with the stream after one delta."""

    emit: str  # text that became safe to show since the previous verdict
    retract: int = 0  # characters already shown to take back (a stop inside a sentence)
    stop: StopReason | None = None  # set: stop generating

    @property
    def stopped(self) -> bool:
        return self.stop is not None


class StreamGuard:
    """Feeds on deltas; `text` is always the clean text shown so far.

    Args:
        sources: texts the draft may quote; a bracketed slot they contain (a canned
            response's "[Live Chat]") is not a leak.
        min_words: a stop that leaves fewer words than this is "early" (regenerate once).
    """

    def __init__(self, sources: Sequence[str] = (), min_words: int = 12) -> None:
        self._raw = ""
        self._skip = 0  # a leading "Agent:" label the model wrote for itself, not shown
        self._shown = 0  # end of the text shown, an offset into _raw
        self._min_words = min_words
        self._allowed = {m.group().lower() for s in sources for m in SLOT.finditer(s)}
        self._scanned = 0  # how much of the text the stop patterns have searched
        self._loops = _LoopDetector()
        self.reason: StopReason | None = None

    @property
    def text(self) -> str:
        return self._raw[self._skip : self._shown]

    @property
    def fired_early(self) -> bool:
        """A guard stopped the draft before it said much: worth one regeneration."""
        return self.reason is not None and len(_WORD.findall(self.text)) < self._min_words

    def feed(self, delta: str) -> GuardVerdict:
        if self.reason is not None:
            return GuardVerdict("", stop=self.reason)
        self._raw += delta
        if self._shown == self._skip and (label := _OWN_LABEL.match(self._raw, self._skip)):
            if label.end() == len(self._raw):
                return GuardVerdict("")  # "Assistant: " so far: wait for the reply after it
            self._skip = self._shown = label.end()  # the model's own label is not shown
            self._scanned, self._loops = 0, _LoopDetector()
        found = self._find_stop()
        if found is not None:
            return self._stop(*found)
        return self._release(len(self._raw) - self._held())

    def flush(self) -> GuardVerdict:
        """The end of the stream: release what was held back, unless it is a stop's start."""
        if self.reason is not None:
            return GuardVerdict("", stop=self.reason)
        held = self._raw[self._shown :]
        partial_stop = held.strip() and _is_trigger_prefix(held)
        return self._release(self._shown if partial_stop else len(self._raw))

    def _release(self, end: int) -> GuardVerdict:
        end = max(end, self._shown)
        emit = self._raw[self._shown : end]
        self._shown = end
        return GuardVerdict(emit)

    def _stop(self, reason: StopReason, cut: int) -> GuardVerdict:
        self.reason = reason
        cut = max(self._skip, cut)
        cut = self._skip + len(self._raw[self._skip : cut].rstrip())
        if cut < self._shown:
            retract, self._shown = self._shown - cut, cut
            return GuardVerdict("", retract=retract, stop=reason)
        emit, self._shown = self._raw[self._shown : cut], cut
        return GuardVerdict(emit, stop=reason)

    def _held(self) -> int:
        """How many characters at the end could still become a stop string or a slot."""
        tail = self._raw[max(self._skip, len(self._raw) - 64) :]
        if self._shown == self._skip and len(self._raw) - self._skip <= 64:
            tail = "\n" + tail.lstrip()  # nothing shown yet: a label here starts a line
        lowered = tail.lower()
        held = max(
            (n for n in range(1, min(len(lowered), _LONGEST) + 1) if lowered[-n:] in _PREFIXES),
            default=0,
        )
        slot = _OPEN_SLOT.search(tail)
        return max(held, len(tail) - slot.start() if slot else 0)

    def _find_stop(self) -> tuple[StopReason, int] | None:
        body = self._raw[self._skip :]
        # Only the new text and a margin for a pattern cut in two by a delta is searched again.
        since = max(0, self._scanned - _MARGIN)
        self._scanned = len(body)
        candidates: list[tuple[int, StopReason]] = []
        if role := _ROLE_BREAK.search(body, since):
            candidates.append((role.start(), StopReason.ROLE_BREAK))
        if token := _TOKEN.search(body, since):
            candidates.append((token.start(), StopReason.TEMPLATE_TOKEN))
        if ai := _AI.search(body, since):
            candidates.append((_sentence_start(body, ai.start()), StopReason.AI_DISCLOSURE))
        for slot in SLOT.finditer(body, since):
            if slot.group().lower() not in self._allowed:
                at = _sentence_start(body, slot.start())
                candidates.append((at, StopReason.PLACEHOLDER_LEAK))
                break
        if (loop := self._loops.update(body)) is not None:
            candidates.append((loop, StopReason.REPETITION))
        if not candidates:
            return None
        cut, reason = min(candidates)
        return reason, self._skip + cut


def _is_trigger_prefix(text: str) -> bool:
    lowered = text.lower()
    return any(t.startswith(lowered) or t.lstrip("\n ").startswith(lowered) for t in _TRIGGERS)


def _sentence_start(text: str, position: int) -> int:
    for sentence in sentences.split(text):
        if sentence.start <= position < max(sentence.end, sentence.start + 1):
            return sentence.start
    return position


class _LoopDetector:
    """Finds where a loop starts: a sentence said twice, or a 4-word run said three times.

    Fed the whole text after each delta, it reads only what is new. Only complete sentences
    and words count (the last ones may still grow). The cut keeps the first saying. A natural
    reply reuses phrases ("you can request a refund" in three list items), so a 4-word run
    said three times counts only when the whole stretch between the sayings repeats too, as it
    does in a real loop.
    """

    def __init__(self) -> None:
        self._sentences: set[str] = set()
        self._open_sentence = 0  # where the first sentence not yet complete starts
        self._words: list[tuple[int, str]] = []
        self._read = 0  # the end of the last complete word
        self._grams: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)

    def update(self, text: str) -> int | None:
        parts = sentences.split(text[self._open_sentence :])
        for sentence in parts[:-1]:
            key = " ".join(_WORD.findall(sentence.text.lower()))
            if key.count(" ") >= 2 and key in self._sentences:
                return self._open_sentence + sentence.start
            self._sentences.add(key)
        if len(parts) > 1:
            self._open_sentence += parts[-1].start
        for match in _WORD.finditer(text, self._read):
            if match.end() == len(text):
                break  # the last word may still grow
            self._words.append((match.start(), match.group().lower()))
            self._read = match.end()
            if (cut := self._gram_loop(text)) is not None:
                return cut
        return None

    def _gram_loop(self, text: str) -> int | None:
        i = len(self._words) - 4
        if i < 0:
            return None
        hits = self._grams[tuple(w for _, w in self._words[i:])]
        hits.append(i)
        if len(hits) < 3 or not _is_loop(self._words, *hits[-3:]):
            return None
        second = self._words[hits[-2]][0]
        start = _sentence_start(text, self._words[i][0])
        return start if start >= second else second


def _is_loop(words: list[tuple[int, str]], first: int, second: int, third: int) -> bool:
    """Three sayings of a run are a loop when the stretch between them repeats word for word."""
    period = second - first
    return third - second == period <= 40 and all(
        words[first + k][1] == words[second + k][1] for k in range(period)
    )


def trim_unfinished(text: str) -> str:
    """`text` without its unfinished last sentence (cut by the length limit).

    A sentence is finished by . ! ? or … or by a line break after it, so earlier list items and
    a "Hi Jane," line are kept. A list introduction left dangling ("Please follow these
    steps:") goes too. Text with no finished sentence at all is returned as it is: half a
    sentence is still more use to the agent than nothing.
    """
    stripped = text.rstrip()
    parts = sentences.split(stripped)
    if not parts or _COMPLETE_END.search(parts[-1].text) or text[len(stripped) :].count("\n"):
        return stripped
    kept = parts[:-1]
    while kept and kept[-1].text.endswith(":") and len(kept) > 1:
        kept = kept[:-1]
    return stripped[: kept[-1].end] if kept else stripped
