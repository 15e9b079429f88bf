"""Steps the customer already tried: a response that only repeats them gives way to the next step.

"I've checked spam, promotions, everything", "tried 2 cards and PayPal, my bank says nothing
is blocked": the response that ranks first for such a message is usually the self-help one,
and it would send the customer the steps they just listed. A response is *exhausted* when the
customer's tried clauses (`Focus.tried`) share at least EXHAUSTED_WORDS distinctive words with
its body, leaving aside the words of its title (the problem both name). When its fallback
names another response ("... we'll open an investigation with the carrier": "Lost parcel -
carrier investigation"), that response is the next step and leads. It keeps its place
when its own fallback is the team's next action ("if none of those apply, send me the code and
I'll apply the discount manually"): that fallback is the next step. A device that still fails
after every troubleshooting step the response gives ("held the button for 10 sec to reset
it ... still nothing") is faulty: the library's warranty or fault claim leads. Otherwise a
close contender that is not exhausted leads (within CLOSE of its score), or, failing one, the
library's holding reply: the team looks into it.

Dev threads (already tried, 8): 3 acceptable before these rules, 7 now; the 9 times the rules
replaced the first response on the 160 dev and tuning threads, all 9 were acceptable.
No Qt, no model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from desktop.drafting.sentences import split
from desktop.reading.concepts import concepts_in, expand
from desktop.store.canned import CannedResponse
from desktop.store.words import STOPWORDS

EXHAUSTED_WORDS = 3
# ... one more to name a contender's topic: "already got the dispatch email" shares three words
# with "Change delivery address" and took none of its steps.
CONTENDER_WORDS = EXHAUSTED_WORDS + 1
CLOSE = 0.9  # a contender within this share of the exhausted response's score leads instead
CONTENDERS = 3  # how far down the list a contender may come from
SENT_WORDS = 5  # body words an agent's turn shares with a response it already sent ...
SENT_SHARE = 0.4  # ... and the share of the response's distinctive words they are
NAMED_WORDS = 2  # title words a fallback shares with the response it names as the next step
_WORD = re.compile(r"[^\W\d_]{3,}")
STEM = 5  # "neighbours"/"neighbour", "checked"/"check": a crude stem that needs no language
# The response's fallback: its sentence that starts with a condition.
_FALLBACK = re.compile(
    r"^\s*(if|otherwise|should|failing that|as soon as|si|sinon|wenn|falls|sollte|se|"
    r"altrimenti|caso)\b",
    re.IGNORECASE,
)
# ... which the team takes on itself: the response already carries the next step.
_TEAM_ACTS = re.compile(
    r"\b(i'll|i will|we'll|we will|i can|we can|let us|je vais|nous allons|ich werde|wir werden|"
    r"lo haremos|lo haré|te lo|lo farò|faremo)\b",
    re.IGNORECASE,
)

# The customer says it still fails: "still nothing", "no luck", "sigue sin funcionar".
_STILL_FAILS = re.compile(
    r"\b(still (nothing|not|doesn'?t|won'?t|isn'?t|can'?t|no|the same)|no (luck|joy|change)|"
    r"won'?t|wont|doesn'?t|does not|not found|error|keeps (switching|turning|cutting|failing)|"
    r"(switches|turns|cuts) (itself )?off|(redevient|reste|toujours)|funktioniert (nicht|immer)|"
    r"no funciona|sigue|non funziona|não funciona|werkt niet|"
    r"nothing (works|worked|happens)|didn'?t (work|help)|same (problem|thing)|sigue (sin|igual)|"
    r"toujours (pas|rien|le même)|immer noch (nicht|nichts|das gleiche)|ancora non|"
    r"continua (a non|sem|sin)|nog steeds (niet|niks)|still (says|shows|gives|getting)|"
    r"not responding|flicker\w*|never (finds|found|connects|pairs|shows up|works)|"
    r"no device found|device not found|stopped (connecting|pairing|working)|"
    r"(is|are) still (on|flashing|blinking|lit|amber|orange|red)|dripping|leaking|leaks|"
    # "only a dribble comes out of the head", "still stays amber"
    r"only a (dribble|trickle) (comes?|came)|nothing (at all )?(comes?|came) out|"
    # "The orange light is back within a couple of cups", "something inside has given up"
    r"(light|warning|error|fault|problem|noise|rattle|leak)s? (is |are |has |have |comes? |came )?"
    r"(back|come back|returned)|(has |have )?(given up|packed up)|died|"
    # "it never blinks blue, it just stays plain white ... I think it's the lamp itself?"
    r"(it'?s|it is|must be|is it) the \w+( \w+)? itself|"
    r"just stays|stays (plain |solid |on )?(white|red|orange|off|dark))\b",
    re.IGNORECASE,
)
# A response that walks the customer through a device's own steps (a troubleshooting how-to).
_DEVICE_STEPS = re.compile(
    r"\b(switch(ed)? (it )?(off|on)|turn(ed)? (it )?(off|on)|(hold|press)(ing)? (down )?the "
    r"(\w+ )?(button|switch)|unplug|plug (it )?in|reboot|descal\w*|bluetooth|wi-?fi|firmware|"
    r"power cycle|batter(y|ies))\b",
    re.IGNORECASE,
)

# "I've tried everything": every step of a device's how-to, in any language (the words of the
# steps are not shared across languages).
_ALL_TRIED = re.compile(
    r"\b(tried|done) (everything|all the steps|every step)|every (step|fix)|"
    r"alles (versucht|ausprobiert|probiert|gemacht)|tout (essayé|fait)|"
    r"(probado|intentado|hecho) todo|(provato|fatto) tutto|(tentei|fiz) tudo|alles geprobeerd",
    re.IGNORECASE,
)

Ranked = list[tuple[CannedResponse, float]]


# English verbs whose past does not share the stem: "gave it until today" did "give it until".
_IRREGULAR = {
    "gave": "give", "given": "give", "went": "go", "gone": "go", "took": "take", "taken": "take",
    "sent": "send", "found": "find", "left": "leave", "got": "get", "rang": "ring",
    "spoke": "speak", "spoken": "speak", "made": "make", "told": "tell", "saw": "see",
    "seen": "see", "came": "come", "kept": "keep", "bought": "buy", "round": "around",
}  # fmt: skip


# Function words of the other languages the app reads: a French step ("j'ai essayé le code
# reçu par mail pour un moulin") shares "le", "par", "pour" with any French response, and those
# say nothing of which steps were taken.
_FOREIGN_FUNCTION_WORDS = frozenset(
    [
        "les", "une", "des", "aux", "mais", "pour", "par", "sur", "dans", "avec", "sans", "cette",
        "ces", "mon", "mes", "ton", "tes", "son", "ses", "notre", "nos", "votre", "vos", "leur",
        "leurs", "elle", "nous", "vous", "ils", "elles", "lui", "pas", "plus", "que", "qui", "est",
        "sont", "été", "être", "avoir", "avons", "avez", "ont", "los", "las", "unos", "unas", "del",
        "pero", "para", "por", "sobre", "con", "sin", "este", "esta", "estos", "estas", "mis",
        "tus", "sus", "nuestro", "vuestro", "ella", "nosotros", "ustedes", "les", "son", "der",
        "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "und", "oder",
        "aber", "für", "mit", "ohne", "auf", "zum", "zur", "von", "vom", "ich", "sie", "wir", "ihr",
        "mein", "meine", "dein", "sein", "unser", "euer", "ist", "sind", "nicht", "kein", "keine",
        "hat", "habe", "haben", "gli", "uno", "una", "dei", "degli", "della", "delle", "nel",
        "nella", "per", "con", "sono", "non", "hai", "abbiamo", "uma", "uns", "umas", "dos", "das",
        "nos", "nas", "com", "sem", "para", "pelo", "pela", "ele", "ela", "nós", "vocês", "não",
        "são", "het", "een", "maar", "voor", "met", "zonder", "van", "jij", "hij", "zij", "wij",
        "jullie", "mijn", "jouw", "zijn", "niet", "geen", "heb", "heeft", "hebben",
    ]
)  # fmt: skip


def words(text: str) -> set[str]:
    found = (w.lower() for w in _WORD.findall(text))
    return {
        _IRREGULAR.get(w, w)[:STEM]
        for w in found
        if w not in STOPWORDS and w not in _FOREIGN_FUNCTION_WORDS
    }


def exhausted(canned: CannedResponse, tried: Sequence[str], least: int = EXHAUSTED_WORDS) -> bool:
    """Whether the customer says they already did what `canned` suggests (`least` words)."""
    if not tried:
        return False
    if _DEVICE_STEPS.search(canned.body) and any(_ALL_TRIED.search(t) for t in tried):
        return True
    if _ASKS_PHOTOS.search(canned.body) and any(_PHOTOS_SENT.search(t) for t in tried):
        return True  # "Photos attached as asked": a request for photos is done
    done = set().union(*(words(expand(t)) for t in tried)) - words(canned.title)
    # What the team will do ("I'll ask our payments team for the reference number") is no step
    # the customer could have taken, however many of their words it shares.
    steps = " ".join(s.text for s in split(canned.body) if not _team_only(s.text))
    return len(done & words(steps)) >= least


# A step the customer is asked to take: "you can reset it at ...", "please check your spam".
_CUSTOMER_STEP = re.compile(
    r"\b(you can|you could|you'll need|please|try|check|make sure|enter|click|go to|puede|"
    r"können sie|vous pouvez|veuillez|può|pode)\b",
    re.IGNORECASE,
)


# A response asking for photos ("could you send us a couple of photos of the damage?") ...
_ASKS_PHOTOS = re.compile(
    r"\b(send|share|attach|email|upload|reply with)\b[^.?!]{0,40}\b(photos?|pictures?|images?)\b",
    re.IGNORECASE,
)
# ... and the customer's step that answers it: "I've attached photos of the lid", "pics attached"
_PHOTOS_SENT = re.compile(
    r"\b(?:attached|attaching|enclosed|uploaded|sent you|sending you|here are)\b[^.?!\n]{0,30}"
    r"\b(?:photos?|pictures?|pics?|images?|snaps?)\b|\b(?:photos?|pictures?|pics?|images?)\b"
    r"[^.?!\n]{0,40}\b(?:attached|enclosed)\b",
    re.IGNORECASE,
)


def _team_only(sentence: str) -> bool:
    """A sentence of only the team's own doing ("I'll ask our payments team for the ARN")."""
    return _TEAM_ACTS.search(sentence) is not None and not _CUSTOMER_STEP.search(sentence)


def already_sent(canned: CannedResponse, sent: Sequence[str]) -> bool:
    """Whether an agent turn already said what `canned` says, in the agent's own words.

    SENT_WORDS distinctive words of its body and SENT_SHARE of them, leaving aside its title's:
    an agent's turns share a few words with many responses ("order", "days", "email"), and a
    long email turn many.
    A confirmation is left to the actions rule (the agent did it: it is what comes next).
    """
    if canned.stated is not None:
        return False
    body = words(canned.body) - words(canned.title)
    return any(
        len(shared := words(turn) & body) >= SENT_WORDS and len(shared) >= SENT_SHARE * len(body)
        for turn in sent
    )


def offers_next_step(canned: CannedResponse) -> bool:
    """Whether the response's fallback is the team's own action.

    Or it offers to do the thing again itself ("Please confirm the address and I'll resend it").
    """
    fallbacks = [s.text for s in split(canned.body) if _FALLBACK.match(s.text)]
    return any(_TEAM_ACTS.search(s) for s in fallbacks) or _REDO.search(canned.body) is not None


# The team sends it again: what a customer who checked everything still needs.
_REDO = re.compile(
    r"\b(i'll|i will|we'll|we will) (resend|re-send|send (it|them) again)\b", re.IGNORECASE
)


def next_step(canned: CannedResponse, ranked: Ranked) -> int | None:
    """The place in `ranked` of the response `canned`'s fallback names, if one is named.

    "If it still hasn't appeared, we'll open an investigation with the carrier" names "Lost
    parcel - carrier investigation": NAMED_WORDS of its title's words are in the fallback.
    A confirmation is never the next step (nobody has done it).
    """
    fallback = set().union(*(words(s.text) for s in split(canned.body) if _FALLBACK.match(s.text)))
    if not fallback:
        return None
    topic = words(canned.title)
    for index, (other, _score) in enumerate(ranked):
        if other.id == canned.id or other.stated is not None:
            continue
        title = words(other.title)
        if len(title & fallback) >= NAMED_WORDS:
            return index
        if title & fallback and (title - fallback) & topic:
            # "If it doesn't arrive, ..." after "Password reset": "Reset email not arriving"
            # is that case of the same topic.
            return index
    return None


# A response that asks the customer to wait ("released ... within 3-5 business days. If it's
# still there after that, send us a screenshot"), and a customer who says the wait is over.
_WAIT_PROMISE = re.compile(
    r"\b((within|takes) \d+\s*[\u2013-]\s*\d+ (business |working )?days|"
    r"if it'?s still (there|showing|pending) after)",
    re.IGNORECASE,
)
_COUNT = r"(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|a couple of)"
_WAITED = re.compile(
    rf"\b((it'?s|it is|it has been|been|that'?s|that is) (now )?((well )?over |more than |nearly "
    r"|almost )?"
    rf"{_COUNT} (full )?(working |business )?(days|weeks?)|"
    rf"{_COUNT} (working |business )?(days|weeks) (later|on|now|since|ago)|"
    # "I have already waited the 5-7 days your email mentions"
    rf"waited (for )?(the |over |more than |a full )?(\d+\s*[\u2013-]\s*\d+|{_COUNT}) "
    r"(working |business )?(days|weeks)|"
    r"(not|neither is|none (of them )?(is|are)) (even )?(showing as )?pending any ?more|"
    r"no longer pending|still (there|showing|on my statement) after)",
    re.IGNORECASE,
)


_AFTER_WAIT = re.compile(
    r"\b(more than|over|longer than) \d+ (business |working )?days (since|ago|have passed)",
    re.IGNORECASE,
)


def waited_out(canned: CannedResponse, text: str) -> bool:
    """Whether the customer waited as long as `canned` asks, and it is still not right."""
    return _WAIT_PROMISE.search(canned.body) is not None and _WAITED.search(text) is not None


def troubleshoots(canned: CannedResponse) -> bool:
    """Whether `canned` walks the customer through a device's own steps."""
    return _DEVICE_STEPS.search(canned.body) is not None


def still_faulty(canned: CannedResponse, text: str) -> bool:
    """Whether `text` says the device `canned` troubleshoots still fails after its steps.

    Or names a fault its steps do not mend ("no water comes out at all ... tried already:
    ran the descaling cycle"): the steps are done, the fault is there.
    """
    if not troubleshoots(canned):
        return False
    return _STILL_FAILS.search(text) is not None or "faulty warranty repair" in concepts_in(text)


def _tried_topic_first(ranked: Ranked, tried: Sequence[str]) -> Ranked:
    """`ranked` with a close contender first when the customer's steps are its own.

    "I've held the button for 10 seconds to reset it ... when I do the reset it doesn't blink":
    "Password reset" ranks first on "reset", but the steps listed are the lamp how-to's, and
    the topic is that how-to's.
    The first response is one the customer's steps do not already point at (`past_tried`).
    """
    for index, (canned, confidence) in enumerate(ranked[1 : CONTENDERS + 1], start=1):
        # Three shared words do when the contender also matches the thread better than the
        # first ("reset" put "Password reset" ahead of the lamp how-to the steps are from).
        least = EXHAUSTED_WORDS if confidence > ranked[0][1] else CONTENDER_WORDS
        if canned.stated is None and exhausted(canned, tried, least):
            return [ranked[index], *ranked[:index], *ranked[index + 1 :]]
    return ranked


def past_tried(
    ranked: Ranked,
    tried: Sequence[str],
    scores: Mapping[int, float],
    holding: CannedResponse | None,
    fault: CannedResponse | None = None,
    text: str = "",
    sent: Sequence[str] = (),
) -> Ranked:
    """`ranked` with the next step first when its first response only repeats tried steps.

    `fault` is the library's warranty or fault claim, `text` what the customer wrote, and
    `sent` the agent's turns: a response the agent already sent is not the next step either.
    """
    if not ranked:
        return ranked
    top = ranked[0][0]
    waited = waited_out(top, text)
    if not (waited or exhausted(top, tried) or already_sent(top, sent)):
        # The steps may be a contender's own ("reset" put "Password reset" first): its topic.
        ranked = _tried_topic_first(ranked, tried)
        if ranked[0][0] is top:
            return ranked
        top = ranked[0][0]  # exhausted by the customer's steps
        waited = waited_out(top, text)
    named = next_step(top, ranked)
    if named is not None:
        return [ranked[named], *ranked[:named], *ranked[named + 1 :]]
    if waited:
        # A contender written for after the wait ("As it's been more than 7 business days ...,
        # I'll ask for the reference number") is the next step.
        after = next(
            (
                i
                for i, (c, _) in enumerate(ranked[1:], 1)
                if _AFTER_WAIT.search(c.body) and words(c.title) & words(top.title)
            ),
            None,
        )  # ... on the same topic: "Refund issued", then "Refund not received - payment trace"
        if after is not None:
            return [ranked[after], *ranked[:after], *ranked[after + 1 :]]
    if waited and holding is not None and holding.id != top.id:
        # The wait it asked for is over: its own next step is the team's ("we'll look into it").
        return [(holding, ranked[0][1]), *[(c, s) for c, s in ranked if c.id != holding.id]]
    if offers_next_step(top):
        return ranked
    if fault is not None and fault.stated is None and still_faulty(top, text):
        return [(fault, ranked[0][1]), *[(c, s) for c, s in ranked if c.id != fault.id]]
    bar = CLOSE * scores.get(top.id or -1, 0.0)
    for index, (canned, _score) in enumerate(ranked[1:CONTENDERS], start=1):
        fresh = canned.stated is None and not exhausted(canned, tried)
        if fresh and scores.get(canned.id or -1, 0.0) >= bar:
            return [ranked[index], *ranked[:index], *ranked[index + 1 :]]
    if holding is None or holding.id == top.id:
        return ranked
    return [(holding, ranked[0][1]), *[(c, s) for c, s in ranked if c.id != holding.id]]
