"""What some responses of a library are for: closing, holding, acknowledging, escalating, a fault.

A library's roles are read from its titles (tags only hint): "Closing - glad it's sorted" is
the reply to a thanks-only message, "Holding reply - looking into it" the team's next step when
nothing fits, "Warranty claim" where a customer has tried every fix and the product still
fails. A response holds a role only when its title says nothing else ("Delayed parcel: apology
and next steps" is no acknowledgement). Read once per library version. No Qt, no model.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from desktop.reading import outside
from desktop.store import ranking
from desktop.store.canned import CannedRepository
from desktop.store.words import STOPWORDS

_CLOSING = re.compile(r"\b(clos(e|ing)|thanks|thank you|welcome|resolved|glad)\b", re.IGNORECASE)
_ACKNOWLEDGE = re.compile(r"\b(complaint|apolog\w*|sorry)\b", re.IGNORECASE)
_TITLE_WORDS = re.compile(r"[^\W\d_]+")
_ESCALATE = re.compile(r"\b(escalat\w*|supervisor|manager|senior)\b", re.IGNORECASE)
_ESCALATE_WORDS = frozenset(
    ["escalation", "escalate", "escalated", "supervisor", "manager", "senior", "team", "leader",
     "complaint", "complaints", "request", "transfer", "handover"]
)  # fmt: skip
_CLOSING_WORDS = frozenset(
    [
        "closing",
        "close",
        "closed",
        "thanks",
        "thank",
        "glad",
        "worked",
        "works",
        "working",
        "resolved",
        "welcome",
        "anything",
        "else",
        "help",
        "feedback",
        "review",
        "great",
        "day",
        "goodbye",
        "bye",
        "happy",
        "sorted",
        "fixed",
    ]
)
_ACKNOWLEDGE_WORDS = frozenset(
    [
        "complaint",
        "complaints",
        "acknowledgement",
        "acknowledgment",
        "acknowledge",
        "apology",
        "apologies",
        "apologise",
        "apologize",
        "sorry",
        "bad",
        "experience",
        "poor",
        "customer",
        "service",
        "feedback",
        "general",
        "short",
        "template",
        "detailed",
        "answer",
        "unhappy",
        "upset",
        "frustration",
        "frustrated",
        "hear",
        "understand",
    ]
)
_HOLDING_WORDS = frozenset(
    [
        "holding",
        "hold",
        "reply",
        "response",
        "looking",
        "investigating",
        "investigation",
        "info",
        "information",
        "details",
        "need",
        "follow",
        "followup",
        "checking",
        "check",
        "wait",
        "waiting",
        "bear",
        "please",
        "general",
        "short",
        "template",
    ]
)
_FAULT = re.compile(
    r"\b(warrant\w*|guarantee|faulty|fault|defect\w*|repairs?|garantie|garantía|garanzia)\b",
    re.IGNORECASE,
)
_FAULT_WORDS = frozenset(
    ["warranty", "guarantee", "claim", "claims", "faulty", "fault", "faults", "defective",
     "defect", "repair", "repairs", "item", "product", "products", "garantie", "garantía",
     "garanzia", "reklamation"]
)  # fmt: skip
_HOLDING = re.compile(
    r"\b(holding|looking into|investigat\w*|more[- ]info|need (your|more)|details|follow[- ]up)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Roles:
    closing: tuple[int, ...]
    holding: tuple[int, ...]
    acknowledge: tuple[int, ...]  # "we hear you" for an upset customer
    escalate: tuple[int, ...]  # "I'm passing this to a supervisor", when one is asked for
    fault: tuple[int, ...]  # a warranty or fault claim: the step after every fix was tried
    main_language: str  # the language most responses are written in
    topics: tuple[str, ...]  # the requests of reading.outside that some response mentions
    languages: tuple[str, ...] = ("en",)  # every language some response is written in


def roles_of(repo: CannedRepository) -> Roles:
    return _roles_cached(repo.db.conn, ranking.library_version(repo.db), repo)


@functools.lru_cache(maxsize=8)
def _roles_cached(_conn: object, _version: str, repo: CannedRepository) -> Roles:
    closing: list[int] = []
    holding: list[int] = []
    acknowledge: list[int] = []
    escalate: list[int] = []
    fault: list[int] = []
    titled: set[int] = set()
    languages: dict[str, int] = {}
    rows = repo.db.execute(
        "SELECT id, title, tags, language, body FROM canned WHERE active = 1 ORDER BY id"
    ).fetchall()
    topics: dict[str, None] = {}
    for response_id, title, tags, language, body in rows:
        topics.update(dict.fromkeys(outside.topics_in(f"{title} {body}")))
        label = f"{title} {tags}"
        languages[language or "en"] = languages.get(language or "en", 0) + 1
        # The title says what a response is for; tags only hint (an escalation is tagged
        # "complaint" too), so title matches come first in each list.
        for pattern, found, vocabulary in (
            (_CLOSING, closing, _CLOSING_WORDS),
            (_ESCALATE, escalate, _ESCALATE_WORDS),
            (_ACKNOWLEDGE, acknowledge, _ACKNOWLEDGE_WORDS),
            (_HOLDING, holding, _HOLDING_WORDS),
            (_FAULT, fault, _FAULT_WORDS),
        ):
            if not _only(title, vocabulary):
                # "Delayed parcel: apology and next steps" is an apology for one problem, and
                # "Update payment method or card details" no holding reply: a role's response
                # says nothing but its role ("Complaint acknowledgement", "Holding reply").
                continue
            if pattern.search(title):
                found.insert(sum(1 for _ in found if _ in titled), int(response_id))
                titled.add(int(response_id))
                break
            if pattern.search(label):
                found.append(int(response_id))
                break
    main = max(languages, key=lambda k: languages[k]) if languages else "en"
    return Roles(
        tuple(closing),
        tuple(holding),
        tuple(acknowledge),
        tuple(escalate),
        tuple(fault),
        main,
        tuple(topics),
        tuple(languages),
    )


def _only(title: str, vocabulary: frozenset[str]) -> bool:
    """Whether every word of `title` is a stopword or a word of the role's `vocabulary`."""
    words = _TITLE_WORDS.findall(title.lower())
    return all(w in vocabulary or w in STOPWORDS or len(w) < 3 for w in words)
