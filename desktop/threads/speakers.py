"""Who is the agent? Learned from the thread when the labels do not say.

In order: role words ("Kunde", "Visitor 4821", "Larkfield Customer Care") decide at once; then
what the team is called (the name beside a role word, the team's e-mail domain, a support
mailbox, a name tag such as "Owen (Larkfield)", a "joined the chat" line); then the shape of
the conversation: once one side is known the other speakers are the other side; the speaker
who greets with "How can I help?" is the agent; the one speaker going by a first name only is
the agent ("Owen" beside "Mei Chen"); and otherwise whoever wrote first is the customer.
"""

# Words and punctuation of 11 languages, on purpose:
# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from desktop.threads.labels import role_of_name
from desktop.threads.model import Message, Role

# Mailboxes that are a team's, not a person's.
_SUPPORT_MAILBOXES = re.compile(
    r"^(?:support|care|help|helpdesk|service|services|customerservice|customer\.service|"
    r"customercare|customer\.care|cs|noreply|no-reply|servicedesk|kundenservice|kundendienst|"
    r"atencion|atencionalcliente|soporte|ayuda|assistance|sav|serviceclient|assistenza|"
    r"supporto|suporte|atendimento|klantenservice|поддержка|support[-._]\w+|\w+[-._]support|"
    # a shop's own automated senders: order confirmations, membership reminders, newsletters
    # (not hello@ or info@: a customer's small business writes from those)
    r"orders?|notifications?|newsletter|updates|membership|members|plus)@",
    re.IGNORECASE,
)
# What only the team says: "How can I help?" in the 11 languages.
_AGENT_GREETING = re.compile(
    r"how (?:can|may) (?:i|we) help|what can i do for you|you(?:'|’)?re (?:now )?chatting with|"
    r"thanks? (?:you )?for (?:contacting|reaching out to) (?:us|the)|"
    r"thanks? (?:you )?for (?:waiting|holding|your patience)|sorry (?:for|about) the wait|"
    r"en qu[ée] (?:te |le )?(?:puedo|podemos) ayudar|wie kann ich (?:ihnen|dir) helfen|"
    r"(?:comment|en quoi) puis-je vous aider|come posso (?:aiutarti|aiutarla|esserti utile)|"
    r"(?:como|em que) posso (?:ajudar|te ajudar|ajudá-lo)|hoe kan ik (?:u|je) helpen|"
    r"чем (?:я )?могу (?:вам )?помочь|有什么(?:可以|能)帮|请问有什么|何かお手伝い|どのようなご用件|"
    r"무엇을 도와|어떻게 도와",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w'’-]{2,}")


def _team_tokens(messages: Iterable[Message]) -> tuple[set[str], set[str]]:
    """Words that name the team ("larkfield") and its e-mail domains, from known agents."""
    tokens: set[str] = set()
    domains: set[str] = set()
    for message in messages:
        if message.role != "agent":
            continue
        for label in (message.speaker, message.tag):
            if label and (message.tag == label or role_of_name(label) == "agent"):
                tokens.update(w.lower() for w in _WORD.findall(label) if role_of_name(w) is None)
        if "@" in message.key:
            domains.add(message.key.rpartition("@")[2])
    return tokens, domains


def _team_evidence(message: Message, tokens: set[str], domains: set[str], joined: set[str]) -> bool:
    key = message.key
    if "@" in key and (_SUPPORT_MAILBOXES.match(key) or key.rpartition("@")[2] in domains):
        return True
    words = {w.lower() for w in _WORD.findall(f"{message.speaker} {message.tag}")}
    return bool(words & tokens) or message.speaker.lower() in joined


def resolve(messages: Sequence[Message], joined: Iterable[str] = ()) -> None:
    """Give every message a role, in place."""
    joined = {j.lower() for j in joined if role_of_name(j) is None}
    named = [m for m in messages if not m.unnamed_top and m.key]
    all_tagged = len({m.key for m in named}) > 1 and all(m.tag for m in named)
    for message in named:
        if message.role is None and message.tag and not all_tagged:
            message.role = "agent"  # a tag that is no role word names the team: "Owen (Larkfield)"
    tokens, domains = _team_tokens(named)
    roles: dict[str, Role] = {m.key: m.role for m in named if m.role is not None}
    for message in named:
        if message.key not in roles and _team_evidence(message, tokens, domains, joined):
            roles[message.key] = "agent"
    unknown = list(dict.fromkeys(m.key for m in named if m.key not in roles))
    greeted = _greeted_by_team(messages, roles)
    for message in named:
        first = message.speaker.split()[:1]
        if message.key in unknown and first and first[0].lower() in greeted:
            roles[message.key] = "customer"  # "Hi Malik, ..." from the agent: Malik is the customer
    unknown = [key for key in unknown if key not in roles]
    if unknown:
        roles.update(_by_shape(named, roles, unknown))
    for message in messages:
        if message.role is None and message.answered_by:
            reply = roles.get(message.answered_by, "customer")
            message.role = "agent" if reply == "customer" else "customer"
        elif message.role is None:
            message.role = roles.get(message.key, "customer")


GREETS = re.compile(
    r"^\W*(?:hi|hello|hey|dear|hiya|morning|good (?:morning|afternoon|evening))"
    r"\s+(?P<name>[^\W\d_][\w'’-]+)",
    re.IGNORECASE,
)


def _greeted_by_team(messages: Sequence[Message], roles: dict[str, Role]) -> set[str]:
    """The first names the team's messages open by greeting ("Hi Malik, I've read ...")."""
    names = set()
    for message in messages:
        if message.role == "agent" or roles.get(message.key) == "agent":
            found = GREETS.match(message.text)
            if found:
                names.add(found["name"].lower())
    return names


def _by_shape(
    named: Sequence[Message], roles: dict[str, Role], unknown: list[str]
) -> dict[str, Role]:
    known = set(roles.values())
    if known == {"agent"}:
        # After the bot, "Carys: Hi Bethany, I'm Carys": the one who greets another speaker by
        # name or gives their own is the agent the bot handed over to.
        hosts = _introduces_or_greets(named, unknown)
        if hosts and len(hosts) < len(unknown):
            return {key: "agent" if key in hosts else "customer" for key in unknown}
        return dict.fromkeys(unknown, "customer")
    if known:  # a customer is known: the other voices are the team's
        return dict.fromkeys(unknown, "agent")
    unknown_keys = set(unknown)
    greeters = {
        m.key for m in named if m.key in unknown_keys and _AGENT_GREETING.search(m.text[:300])
    }
    if greeters and len(greeters) < len(unknown):
        return {key: "agent" if key in greeters else "customer" for key in unknown}
    # Agents go by a first name, customers by the full name on their account: "Owen" and
    # "Mei Chen". Only when exactly one speaker has a single-word name.
    words = {m.key: len(m.speaker.split()) for m in named if m.key in unknown_keys}
    singles = [key for key, n in words.items() if n == 1]
    addresses = any("@" in m.speaker for m in named)
    if len(singles) == 1 and len(words) > 1 and not addresses:
        return {key: "agent" if key == singles[0] else "customer" for key in unknown}
    return {key: "customer" if i == 0 else "agent" for i, key in enumerate(unknown)}


_INTRODUCES = re.compile(
    r"\b(?:i'?m|i’m|i am|my name is|this is|you'?re (?:through to|speaking (?:to|with))|je suis|"
    r"ich bin|soy|sono|mi chiamo|me llamo|je m'appelle|mein name ist|sou|ik ben)\s+"
    r"(?P<name>[^\W\d_][\w'’-]+)",
    re.IGNORECASE,
)


def _introduces_or_greets(named: Sequence[Message], unknown: list[str]) -> set[str]:
    """The unknown speakers who greet another speaker by first name, or say their own name."""
    first = {m.key: m.speaker.split()[0].lower() for m in named if m.speaker}
    found = set()
    for message in named:
        if message.key not in unknown or message.key not in first:
            continue
        others = {first[k] for k in unknown if k != message.key and k in first}
        greeted = GREETS.match(message.text)
        own = any(
            m["name"].lower() == first[message.key] for m in _INTRODUCES.finditer(message.text)
        )
        if own or (greeted and greeted["name"].lower() in others):
            found.add(message.key)
    return found
