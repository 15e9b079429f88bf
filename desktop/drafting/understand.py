"""From a pasted thread to what the panel offers: needs, ready replies, pending actions.

The ranking (desktop.store.ranking) scores canned responses against a weighted query. This
module decides what to ask it and what to do with the answer, for real threads:

1. **Focus** (desktop.drafting.focus): the latest customer message leads; earlier turns the
   agent answered count little, so the new topic of a long thread wins.
2. **Needs**: each sentence of the latest message is ranked on its own too; one whose best
   response is confident and differs from the needs already found is a need of its own.
3. **Thanks only**: a message with no request gets the library's closing response.
4. **Tried steps** (`Focus.tried`): a first response that only repeats the steps the customer
   says they already took gives way to a close contender or the holding reply, unless its
   own fallback is the team's next action (desktop.drafting.tried).
5. **Actions are the agent's**: a response stating an action as done ("I have cancelled your
   subscription") is ready to send only when the agent's turns say it was done; otherwise its
   how-to counterpart leads and it is listed as a pending action with a to-do line.
6. **The customer's language**: a response in the customer's language that answers the same
   need leads its English original.
7. **Confidence that means what it says**: the shown match is the measured probability that
   the first suggestion is acceptable (desktop.drafting.calibration); below ABSTAIN the panel
   says no saved reply fits and offers the holding reply as a lead.

No Qt, no model.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from desktop.drafting import calibration, counterparts, known, rerank, translations, tried
from desktop.drafting.focus import (
    ASKS,
    MOVED_ON,
    NOT_A_PERSON_MANAGER,
    REQUEST_WORDS,
    Focus,
    focus_of,
    is_upset,
    says_it_works,
)
from desktop.drafting.ready import ready_reply
from desktop.drafting.results import Need, PendingAction, ReadyReply
from desktop.drafting.roles import Roles, roles_of
from desktop.drafting.sentences import split
from desktop.reading import Reading, outside, read_conversation
from desktop.reading.concepts import (
    concepts_in,
    contradicts_states,
    expand,
    named_needs,
    stated_needs,
)
from desktop.reading.mood import OWN_BOSS
from desktop.store import action_macros, ranking
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.transcript import Transcript

Ranked = list[tuple[CannedResponse, float]]

NEED_CONFIDENCE = 0.45  # a sentence's own best match must be at least this strong to be a need
MAX_NEEDS = 3
# A second need is named beside the ready reply only above this (dev threads: at 0.5, 24
# named and 5 right; at 0.6, 13 and 4, with the needs covered unchanged at 0.82).
SECOND_NEED = 0.6
# A follow-up whose words the library knows less than this share of names nothing of its own.
FOLLOW_UP_KNOWN = 0.5
SEGMENT_TOP = 3  # a sentence repeats a need when that need's response is in its top three
POLICY_POOL = 20  # candidates the policy may reorder (a confirmation just done moves up)
# "I want to speak to a manager", "escalate this", "put me through to someone senior".
_ASKS_FOR_MANAGER = re.compile(
    rf"\b({NOT_A_PERSON_MANAGER}|supervisor|team leader|someone (?:more )?senior|escalat\w*|"
    r"someone (?:above|higher up than) you|your boss|vorgesetzt\w*|"
    r"responsable|gerente|supervisora?|superviseur|direttore|responsabile)\b",
    re.IGNORECASE,
)


def _asks_for_manager(text: str) -> bool:
    # (the customer's own boss, "our ward manager says I can claim it back", asks for nobody)
    return _ASKS_FOR_MANAGER.search(OWN_BOSS.sub(" ", text)) is not None


@dataclass(frozen=True)
class Understanding:
    focus: Focus
    ranked: Ranked  # the main need's responses, best first, policy applied
    needs: tuple[Need, ...]
    abstain: bool  # nothing in the library fits: say so, offer leads only
    pending: tuple[PendingAction, ...] = ()
    fallback: CannedResponse | None = None  # the holding reply offered when abstaining
    features: tuple[float, ...] = field(default=())  # what the shown match was read from

    @property
    def ready(self) -> ReadyReply | None:
        """The first need's ready reply, naming the other needs' responses beside it."""
        first = self.needs[0].ready if self.needs else None
        if first is None or not first.confident or first.pending or not self.also():
            return first
        return dataclasses.replace(first, also=self.also())

    def also(self) -> tuple[CannedResponse, ...]:
        """The other needs' responses that can be sent as they are."""
        return tuple(
            n.ready.canned
            for n in self.needs[1:]
            if n.ready is not None and n.ready.confident and not n.ready.pending
        )

    def sendable(self) -> list[CannedResponse]:
        """The ranked responses, less confirmations of actions the agent has not taken."""
        return [
            c
            for c, _ in self.ranked
            if (action := counterparts.action_of(c)) is None
            or action_macros.performed(action, self.focus.agent_texts)
        ]


def understand(
    repo: CannedRepository,
    transcript: Transcript,
    values: Mapping[str, str],
    count: int,
    language: str = "en",
    pinned: Sequence[CannedResponse] = (),
    upset: bool = False,
) -> Understanding:
    """Rank the thread's needs and decide what is offered as ready."""
    focus = focus_of(transcript)
    wanted = max(count, 8)
    roles = roles_of(repo)
    escalate = bool(roles.escalate) and _asks_for_manager(focus.open_text)
    if escalate:
        # "I want a manager, not another sorry email": the escalation answers that sentence;
        # the problem is ranked from the others.
        problem = tuple(s for s in focus.segments if not _asks_for_manager(s))
        focus = dataclasses.replace(focus, segments=problem or focus.segments)
    found = rerank.candidates(repo.db, focus)
    weights = rerank.FOREIGN_WEIGHTS if language not in roles.languages else rerank.WEIGHTS
    main = _fetch(repo, rerank.order(found, weights)[: max(wanted, POLICY_POOL)])
    main = _policy(repo, main + _done_now(repo, main, focus), focus, language, roles.main_language)
    main = known.known_last(main, values)
    if focus.thanks_only and roles.closing:
        closing = _closing_first(repo, focus, roles)
        main = closing + [(c, s) for c, s in main if c.id not in {x.id for x, _ in closing}]
    measured = _features(repo, main, focus)
    probability = calibration.probability(measured) if main else 0.0
    own = language == roles.main_language
    bar = calibration.ABSTAIN if own else calibration.ABSTAIN_OTHER_LANGUAGE
    abstain = probability < bar and not focus.thanks_only
    # The agent's latest turn did what the first response confirms; once the wait it promised
    # is over ("It's now been 12 working days"), confirming it again is no answer.
    done = bool(main) and _just_done(main[0][0], focus)
    wait_over = done and tried.waited_out(main[0][0], focus.open_text)
    outside_only = False
    if focus.thanks_only and roles.closing:
        probability = max(probability, calibration.THANKS_PROBABILITY)
        abstain = False
    elif done and not wait_over:
        # The agent's latest turn did what this response confirms: the strongest evidence the
        # thread can give, whatever the customer's wording ("can I have that in writing?", "and
        # no more emails?" about a deleted account).
        probability = max(probability, calibration.ACTED_PROBABILITY)
        abstain = False
    elif outside.unanswered(_requests(focus), roles.topics) or _follows_outside(
        focus, roles, measured
    ):
        # Every request is one a shop library often lacks ("do you do engraving?") and this
        # one never mentions: its nearest response only looks like a match.
        probability = min(probability, calibration.OUTSIDE_PROBABILITY)
        abstain = outside_only = True
    if main and not focus.thanks_only and (not done or wait_over):
        # What the customer already tried is not sent again (desktop.drafting.tried).
        holding = repo.get(roles.holding[0]) if roles.holding else None
        fault = repo.get(roles.fault[0]) if roles.fault else None
        before = main[0][0].id if main else None
        # ... with the request the customer's answer to the agent's question reports on
        told = " ".join(dict.fromkeys((*focus.segments, focus.open_text)))
        main = tried.past_tried(
            main, focus.tried, rerank.scores(found, weights), holding, fault, told,
            focus.agent_texts,
        )  # fmt: skip
        if main and (main[0][0].id != before or _fault_after_steps(main, fault, focus)):
            # The customer's steps are the first response's own: the topic is known for sure,
            # and the next step is what follows it.
            probability = max(probability, calibration.TRIED_PROBABILITY)
            abstain = False
    pending = _pending(main, focus)
    needs = [_need(focus.open_text, main, probability, values, focus, abstain)]
    if not focus.thanks_only:
        needs += _more_needs(repo, focus, main, values, language, roles.main_language)
    if (
        abstain
        and main
        and not outside_only
        and (len(needs) > 1 or _names_what_is_said(main, focus))
    ):
        # A message of several needs measured as a whole blurs what each asks, and so does a
        # long one whose need the first response's title names: that response is as likely
        # right as the sentence that asks for it makes it.
        said = _sentence_probability(repo, focus, main, values, language, roles.main_language)
        if said >= bar:
            probability, abstain = max(probability, said), False
            needs[0] = _need(focus.open_text, main, probability, values, focus, abstain)
    acted = bool(main) and _just_done(main[0][0], focus)
    if (
        ((upset and not acted) or escalate)
        and (roles.acknowledge or escalate)
        and not focus.thanks_only
    ):
        # An upset customer is first heard: the library's acknowledgement leads (its
        # escalation, when they ask for a manager), and every need found still follows it in
        # the panel and in the draft. Not once the agent has done what they asked: the
        # confirmation is what they wait for ("my bank wants it in writing for the dispute").
        heard = repo.get(roles.escalate[0] if escalate else roles.acknowledge[0])
        if heard is not None and all(
            n.ready is None or n.ready.canned.id != heard.id for n in needs
        ):
            ranked_heard = [(heard, 1.0), *[(c, s) for c, s in main if c.id != heard.id]]
            needs.insert(0, _need(focus.open_text, ranked_heard, calibration.UPSET_PROBABILITY,
                                  values, focus, False))  # fmt: skip
            if abstain:
                needs.pop(1)  # nothing fits the problem itself: the acknowledgement stands alone
            abstain = False
    if pinned:
        pins = [(p, 1.0) for p in pinned]
        main = pins + [(c, s) for c, s in main if c.id not in {p.id for p in pinned}]
        needs[0] = _need(focus.open_text, main, 1.0, values, focus, False)
        abstain = False
    fallback = None
    if abstain and roles.holding:
        fallback = repo.get(roles.holding[0])
    return Understanding(
        focus, main[:wanted], tuple(needs), abstain, pending, fallback, tuple(measured)
    )


def _features(
    repo: CannedRepository, ranked: Ranked, focus: Focus, text: str | None = None
) -> list[float]:
    if not ranked or ranked[0][0].id is None:
        return calibration.features(ranked, focus, (0.0, 0.0))
    text = text or focus.open_text
    coverage = ranking.word_coverage(repo.db, text, ranked[0][0].id)
    sentences = [s for s in focus.segments if s in text] or [text]  # each once (focus_of)
    cosines = rerank.sentence_cosines(repo.db, sentences, [ranked[0][0].id])
    meaning = float(cosines.max()) if cosines is not None else calibration.NO_MEANING
    return calibration.features(ranked, focus, coverage, meaning)


def understand_conversation(
    repo: CannedRepository,
    transcript: Transcript,
    values: Mapping[str, str],
    reading: Reading | None = None,
    count: int = 3,
    pinned: Sequence[CannedResponse] = (),
) -> Understanding:
    """`understand` with the language and mood read from the conversation itself."""
    if reading is None:
        reading = read_conversation(transcript)
    return understand(
        repo, transcript, values, count, reading.language, pinned, is_upset(reading.cues)
    )


# --- the ranking's candidates, reordered -------------------------------------------------------
def _asks(focus: Focus) -> list[str]:
    """The open message's questions, else its sentences that ask, else all its sentences.

    A question cut into pieces ("Do you do gift wrapping," / "and can you pop a card in?", or
    a long one clause by clause) is one question again.
    """
    questions: list[str] = []
    pieces: list[str] = []
    for segment in focus.segments:
        pieces.append(segment)
        asked = "?" in segment or "¿" in segment
        if asked and questions and _GOES_ON.match(segment):
            questions[-1] = f"{questions[-1]} {segment}"  # "... lists? Or anything similar?"
        elif asked:
            questions.append(" ".join(pieces))
        if not segment.endswith(","):
            pieces = []
    # "Is this the right place for orders?" asks where to ask, not for anything; "forwarding
    # this from our office manager - can you help?" asks for help with what follows.
    questions = [q for q in questions if not _WHERE_TO_ASK.search(q)] or questions
    helping = [q for q in questions if _HELP_WITH_THIS.search(q)]
    segments = [s for s in focus.segments if s not in helping]
    # Without a question mark, a request says so ("would you", "we wondered whether"); a
    # "could" or "when" inside a story ("the only address I could find") asks nothing.
    return (
        [q for q in questions if q not in helping]
        or [s for s in segments if _REQUEST.search(s)]
        or [s for s in segments if ASKS.search(s)]
        or segments
        or list(focus.segments)
    )


# A short question that only goes on from the one before: "Or anything similar?", "Any ideas?"
_GOES_ON = re.compile(
    r"^\W*(?:or|and|any|anything|something|what about|how about|o|oder|ou|ó|oppure)\b[^?]{0,30}\?",
    re.IGNORECASE,
)
_HELP_WITH_THIS = re.compile(
    r"\b(?:can|could) (?:you|anyone|someone) (?:please )?help(?: me| us)?(?: with (?:this|that|"
    r"it))?(?: at all| please)?\s*\?\s*$",
    re.IGNORECASE,
)
_WHERE_TO_ASK = re.compile(
    r"\b(right|correct) (place|inbox|address|email|department|team|person|people|channel)\b",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    rf"\b(?:{REQUEST_WORDS})\b|"
    # a question without its mark: "how do I ...", "is there ..." (not "which this year ...")
    r"^\W*(?:how|why|where|when|what|which|who) (?:do|does|did|can|could|would|will|is|are|"
    r"was|should|much|many|long)\b|^\W*(?:can|could|would|is|are|do|does) (?:you|i|we|it|this|"
    r"there)\b",
    re.IGNORECASE,
)


# What the customer offers in return ("we would of course thank you on our posters") asks
# for nothing, though "would" reads as asking.
_OFFER = re.compile(
    r"\b(we|i)( would|'d|'ll| will) (of course |also |gladly |happily )?(thank|credit|mention|"
    r"promote|feature|share|tag|be (happy|glad|delighted) to)\b",
    re.IGNORECASE,
)


def _requests(focus: Focus) -> list[str]:
    """`_asks`, less what the customer offers in return."""
    asks = _asks(focus)
    return [a for a in asks if not _OFFER.search(a)] or asks


def _follows_outside(focus: Focus, roles: Roles, measured: Sequence[float]) -> bool:
    """A follow-up that names nothing of its own to a request the library has no reply for.

    "Who should I address a formal letter to?" after asking for a raffle prize is still about
    the raffle prize. Its own words are ones the library hardly knows ("where is my order?"
    is a request of its own).
    """
    known = measured[calibration.FEATURES.index("known")] if measured else 0.0
    if len(focus.weighted) < 2 or known >= FOLLOW_UP_KNOWN or concepts_in(focus.open_text):
        return False
    if outside.topics_in(focus.open_text):
        return False  # its own topic, which the library mentions (else the rule above fired)
    return outside.unanswered([focus.weighted[1][0]], roles.topics) is not None


def _fetch(repo: CannedRepository, scored: Sequence[tuple[int, float]]) -> Ranked:
    by_id = {r.id: r for r in repo.get_many([i for i, _ in scored])}
    return [(by_id[i], s) for i, s in scored if i in by_id]


def _policy(
    repo: CannedRepository, ranked: Ranked, focus: Focus, language: str, main_language: str
) -> Ranked:
    ranked = counterparts.forward(repo, ranked, focus.agent_texts)
    ranked = _actions_after_counterparts(ranked, focus)
    ranked = _contradicted_last(ranked, focus)
    ranked = _said_first(repo, ranked, focus, main_language)
    return _own_language_first(repo, ranked, language, main_language)


def _statement(canned: CannedResponse) -> str:
    first = next(iter(split(canned.body)), None)
    return f"{canned.title}. {first.text if first else ''}"


def _contradicted_last(ranked: Ranked, focus: Focus) -> Ranked:
    """A response stating the opposite of what the customer says (concepts.OPPOSITE) goes last.

    What a response states is its title and first sentence: later ones weigh conditions ("if
    it has already been dispatched, ...").
    """
    said = frozenset(concepts_in(focus.open_text))
    wrong = {c.id for c, _ in ranked if contradicts_states(_statement(c), said)}
    return [x for x in ranked if x[0].id not in wrong] + [x for x in ranked if x[0].id in wrong]


SAID_POOL = 3  # the leaders among which a response about what the customer says goes first
# Needs that are the customer's own request to act: a response about one leads only where the
# customer asks for it. A problem or a question can be told in any words; these are asked for.
ASKED_ACTIONS = frozenset(
    (
        "cancel order", "cancel membership subscription", "pause membership", "exchange",
        "return an item", "change delivery address", "delete account data", "unsubscribe emails",
        "copy of my data",
    )
)  # fmt: skip

# A need said together with a narrower one of the same kind is only its setting.
NARROWER = {"return an item": "return window"}


def _said_first(repo: CannedRepository, ranked: Ranked, focus: Focus, main_language: str) -> Ranked:
    """A leader that acts on a request the customer never makes gives way to a need stated.

    "my account still says preparing ... has it actually gone out yet?" states an order still
    being prepared; "Cancel order - not yet shipped" matched its words, and no cancellation is
    asked for. Needs are read as concepts (desktop.reading.concepts): those a response's title
    names, and those the customer's open message says. Only a leader that carries out a request
    (ASKED_ACTIONS) gives way, and never a confirmation: one the agent just performed leads by
    what the agent did. Nor is a confirmation moved up.
    """
    if len(ranked) < 2:
        return ranked
    said = _said(focus)
    # "can he still send it back then, or is that too late?": a return is the setting, when is
    # the question
    said -= {general for general, specific in NARROWER.items() if specific in said}
    if not said:
        return ranked
    foreign = (ranked[0][0].language or main_language) != main_language
    titles = (
        _main_titles(repo, [c for c, _ in ranked[:POLICY_POOL]], main_language) if foreign else {}
    )

    def named(canned: CannedResponse) -> frozenset[str]:
        return named_needs(titles.get(canned.id or -1, canned.title))

    leader = named(ranked[0][0])
    # A translation that leads on the words its language shares with the customer's ("ma",
    # "est") and names no need gives way as well: "Où est ma commande ?" for "je voudrais
    # arrêter ... ne pas être prélevé".
    if leader & said or not leader <= ASKED_ACTIONS or not (leader or foreign):
        return ranked
    if counterparts.action_of(ranked[0][0]) is not None:
        return ranked  # a confirmation leads by what the agent did, not by the customer's words
    # The leader's rivals in its own language (its translations come next and name nothing).
    # A rival goes first when every need its title names or its statement says is said:
    # "Return outside the 30-day window" only for a late return.
    language = ranked[0][0].language
    rivals = [i for i, (c, _) in enumerate(ranked) if i and c.language == language]
    for index in rivals[: SAID_POOL - 1]:
        canned = ranked[index][0]
        needs = named(canned) | stated_needs(_statement(canned))
        if counterparts.action_of(canned) is None and needs and needs <= said:
            return [ranked[index], *ranked[:index], *ranked[index + 1 :]]
    return ranked


def _main_titles(
    repo: CannedRepository, pool: Sequence[CannedResponse], main_language: str
) -> dict[int, str]:
    """Each response's title, or its translation's in the library's main language."""
    ids = [c.id for c in pool if c.id is not None]
    languages = {c.id: c.language or main_language for c in pool if c.id is not None}
    group = translations.groups(repo.db, ids, languages)
    main = {
        group[c.id]: c.title
        for c in reversed(pool)
        if c.id is not None and languages[c.id] == main_language
    }
    return {i: main.get(group[i], c.title) for c in pool if (i := c.id) is not None}


def _actions_after_counterparts(ranked: Ranked, focus: Focus) -> Ranked:
    """Confirmations move by what the agent did: just now to the front, else to the back.

    A confirmation the agent's latest turn bears out ("I've just cancelled it") is exactly what
    the agent needs next. One the agent has not done would tell the customer something false;
    one done earlier in the thread was confirmed then (the customer has moved on). Both go
    after every other response.
    """
    latest = _latest_action_turn(focus)

    def state(canned: CannedResponse) -> str:
        action = counterparts.action_of(canned)
        if action is None:
            return "none"
        return "now" if action_macros.performed(action, latest) else "later"

    states = [state(c) for c, _ in ranked]
    now = [r for r, s in zip(ranked, states, strict=True) if s == "now"]
    # "I've changed it" confirms whichever change the thread is about: the address it names
    # before the membership it never mentions.
    if len(now) > 1:
        thread = " ".join([t for t, _ in focus.weighted] + list(focus.agent_texts))
        now.sort(key=lambda r: _named_rank(thread, r[0]))
    rest = [r for r, s in zip(ranked, states, strict=True) if s == "none"]
    later = [r for r, s in zip(ranked, states, strict=True) if s == "later"]
    return now + rest + later


def _named_rank(thread: str, canned: CannedResponse) -> int:
    """Where a confirmation goes among those the agent's latest turn performs.

    0 where the thread names what it acted on ("the second payment"), 1 where it acts on nothing
    named ("Refund issued"), 2 where its target is never mentioned.
    """
    action = counterparts.action_of(canned)
    if action is None or not set(action.target) - {"<pronoun>"}:
        return 1
    return 0 if action_macros.named_in(action, thread) else 2


def _done_now(repo: CannedRepository, ranked: Ranked, focus: Focus) -> Ranked:
    """Confirmations of what the agent's latest turn did that the ranking left out.

    "Can you confirm that in writing?" shares no word with "Delivery address updated"; the
    agent's "I've just updated the address" is what makes that response the answer.
    """
    if not focus.agent_texts:
        return []
    have = {c.id for c, _ in ranked}
    top = ranked[0][1] if ranked else 0.5
    return [(c, top) for c in repo.confirmations() if c.id not in have and _just_done(c, focus)]


def _fault_after_steps(ranked: Ranked, fault: CannedResponse | None, focus: Focus) -> bool:
    """The warranty claim leads, and the how-to behind it is one the customer already followed.

    "it just buzzes ... tried already: ran the descaling cycle ...": the ranking put the claim
    first itself, and the device's own steps (a how-to the customer's steps exhaust) are done:
    the same evidence as when the tried rule puts the claim there.
    """
    if fault is None or ranked[0][0].id != fault.id or not focus.tried:
        return False
    return any(
        tried.exhausted(c, focus.tried) and tried.troubleshoots(c)
        for c, _ in ranked[1 : tried.CONTENDERS + 1]
    )


def _just_done(canned: CannedResponse, focus: Focus) -> bool:
    action = counterparts.action_of(canned)
    return action is not None and action_macros.performed(action, _latest_action_turn(focus))


def _latest_action_turn(focus: Focus) -> tuple[str, ...]:
    """The agent's latest turn, whose action a confirmation reports.

    None when the customer has moved on to another request since.
    """
    if MOVED_ON.search(focus.open_text) or _new_order(focus):
        return ()
    return focus.agent_texts[-1:]


_ORDER_NUMBER = re.compile(r"(?:#\s?|\b[A-Z]{1,3}-)\d{4,}\b")


def _new_order(focus: Focus) -> bool:
    """The customer writes about an order the agent's latest turn did not act on.

    "We have issued your refund for order #48820." then "I reordered an hour ago (#55107),
    can that one be stopped?": a new request about a new order, not a wish for confirmation.
    """
    acted = _order_numbers(" ".join(focus.agent_texts[-1:]))
    # ("#53001 is still coming, #53002 is cancelled?": both were in the thread before)
    before = _order_numbers(" ".join((*focus.agent_texts, *(t for t, _ in focus.weighted[1:]))))
    return bool(acted) and bool(_order_numbers(focus.open_text) - acted - before)


def _order_numbers(text: str) -> set[str]:
    return {re.sub(r"\D", "", n) for n in _ORDER_NUMBER.findall(text)}


def _pending(ranked: Ranked, focus: Focus) -> tuple[PendingAction, ...]:
    """Confirmations among the top few that wait for the agent to act."""
    found = []
    for canned, _ in ranked[:4]:
        action = counterparts.action_of(canned)
        if action is not None and not action_macros.performed(action, focus.agent_texts):
            found.append(PendingAction(canned, action))
    return tuple(found[:2])


def _own_language_first(
    repo: CannedRepository, ranked: Ranked, language: str, main_language: str
) -> Ranked:
    """The top response's translation into the customer's language leads, where there is one.

    Only a translation: another response in that language shares the customer's words
    ("Bestellung", "ich") without answering the same need, so its score says nothing here.
    Translations into a third language (a Spanish response for a Portuguese customer) are of
    no use to this customer: they go last.
    """
    usable = [
        (c, s) for c, s in ranked if (c.language or main_language) in (language, main_language)
    ]
    ranked = usable + [(c, s) for c, s in ranked if (c, s) not in usable]
    if language == main_language or not ranked or ranked[0][0].language == language:
        return ranked
    top = ranked[0][0]
    for index, (canned, _score) in enumerate(ranked[1:8], start=1):
        if canned.language == language and translations.translation_of(
            repo.db, canned, top, [c for c, _ in ranked]
        ):
            return [ranked[index], *ranked[:index], *ranked[index + 1 :]]
    return ranked


# --- needs -------------------------------------------------------------------------------------
def _need(
    text: str,
    ranked: Ranked,
    probability: float,
    values: Mapping[str, str],
    focus: Focus,
    abstain: bool,
) -> Need:
    ready = None
    if ranked:
        top = [(ranked[0][0], round(probability, 3))]
        ready = ready_reply(top, values, agent_texts=focus.agent_texts, confident=not abstain)
    return Need(text, tuple(ranked[:5]), ready)


def _more_needs(
    repo: CannedRepository,
    focus: Focus,
    main: Ranked,
    values: Mapping[str, str],
    language: str,
    main_language: str,
) -> list[Need]:
    """Sentences of the latest message whose own best response is another need.

    Not one whose best response only repeats what the customer already tried.
    """
    if len(focus.segments) < 2 or not main:
        return []
    tops = {main[0][0].id}
    needs: list[Need] = []
    for segment in focus.segments:
        ranked = _ranked_alone(repo, segment, focus, values, language, main_language)
        if not ranked or ranked[0][1] < NEED_CONFIDENCE:
            continue
        if tried.exhausted(ranked[0][0], focus.tried):
            continue
        head = {c.id for c, _ in ranked[:SEGMENT_TOP]}
        if tops & head:
            continue  # this sentence is about a need already found
        probability = calibration.probability(_features(repo, ranked, focus, segment))
        if probability < SECOND_NEED:
            continue
        needs.append(_need(segment, ranked, probability, values, focus, False))
        tops.add(ranked[0][0].id)
        if len(needs) + 1 >= MAX_NEEDS:
            break
    return needs


def _ranked_alone(
    repo: CannedRepository,
    segment: str,
    focus: Focus,
    values: Mapping[str, str],
    language: str,
    main_language: str,
) -> Ranked:
    """One sentence's own best responses, with the thread's policy applied."""
    query = ranking.query_from([(expand(segment), 1.0)])
    ranked = _fetch(repo, ranking.rank_query(repo.db, query, 5))
    return known.known_last(_policy(repo, ranked, focus, language, main_language), values)


def _said(focus: Focus) -> frozenset[str]:
    """The needs (concepts) the customer's open message states, its sentences included."""
    return frozenset(concepts_in(" ".join(dict.fromkeys((focus.open_text, *focus.segments)))))


def _names_what_is_said(main: Ranked, focus: Focus) -> bool:
    """Whether the first response's title names only needs the customer's message states."""
    named = named_needs(main[0][0].title)
    if not named:
        return False
    return named <= _said(focus)


def _sentence_probability(
    repo: CannedRepository,
    focus: Focus,
    main: Ranked,
    values: Mapping[str, str],
    language: str,
    main_language: str,
) -> float:
    """The best measured probability of `main`'s first response over the sentences it leads.

    Each sentence is ranked on its own (as `_more_needs` does); one whose own first response
    is the message's gives that response's probability for it.
    """
    if len(focus.segments) < 2:
        return 0.0
    best = 0.0
    for segment in focus.segments:
        ranked = _ranked_alone(repo, segment, focus, values, language, main_language)
        if ranked and ranked[0][0].id == main[0][0].id:
            best = max(best, calibration.probability(_features(repo, ranked, focus, segment)))
    return best


_SAYS_RESOLVED = re.compile(r"\b(worked|works|sorted|resolved|fixed|glad)\b", re.IGNORECASE)


def _closing_first(repo: CannedRepository, focus: Focus, roles: Roles) -> Ranked:
    """The library's closing responses, the one closest to the customer's words first."""
    query = ranking.query_from([(focus.open_text, 1.0)])
    scored = dict(ranking.rank_query(repo.db, query, 50))
    closings = repo.get_many(list(roles.closing))
    # "Glad it's sorted" answers news that it works; plain thanks for an answer gets plain
    # thanks back. Then the one nearest the customer's words.
    works = says_it_works(focus.open_text)
    closings.sort(
        key=lambda c: (
            _SAYS_RESOLVED.search(f"{c.title} {' '.join(c.tags)}") is None
            if works
            else _SAYS_RESOLVED.search(f"{c.title} {' '.join(c.tags)}") is not None,
            -scored.get(c.id or -1, 0.0),
        )
    )
    return [(c, scored.get(c.id or -1, 0.0)) for c in closings]
