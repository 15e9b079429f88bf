"""What the customer asks now: the open part of a thread, its sentences, thanks, tried steps.

Agents paste whole threads. The latest customer message carries the request; earlier customer
turns count while the agent's answer to them was only a question or a holding line, and
hardly at all once the agent answered them (a long thread whose last turn changes topic must
rank the new topic). No Qt, no model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from desktop.drafting.sentences import split
from desktop.reading import outside
from desktop.reading.concepts import concepts_in
from desktop.reading.mood import NOT_A_PERSON
from desktop.store import action_macros
from desktop.transcript import Transcript, Turn

OPEN_WEIGHT = 1.0  # the latest customer message
PENDING_WEIGHT = 0.5  # an earlier customer turn the agent only asked about
ANSWERED_WEIGHT = 0.12  # an earlier customer turn the agent answered: context only
MAX_CONTEXT_TURNS = 4
MAX_SEGMENTS = 40  # sentences of the open message read one by one (see _kept)

# Thanks as English writes it, short forms too ("thx", "ta"): in `_THANKS` and `_GRATITUDE`.
_THANK_WORDS = r"thanks?|thank you|thx|thnx|thanx|tnx|ty|tysm|tyvm|ta|cheers|nice one|appreciated?"
# Gratitude or "it works now" in the languages the app reads.
_THANKS = re.compile(
    rf"\b({_THANK_WORDS}|much appreciated|brilliant|perfect|great|"
    r"awesome|lovely|fantastic|star(?! review| rating)|life ?saver|legend|(?:you'?re|ur|you are) "
    r"(?:the best|a hero)|you rock|(?<!not )sorted|all good|works now|"
    r"working now|recommend(?:ing)? you|(?:good|great|excellent|brilliant|wonderful) "
    r"service|did it|that did it|"
    # ... news only when not denied: "I haven't got it", "it never arrived"
    r"(?<!n't )(?<!not )(?<!never )(?:got it|worked|arrived|shown up|showed up|resolved|fixed)|"
    r"gracias|muchas gracias|perfecto|genial|danke|vielen dank|super|perfekt|merci|parfait|"
    r"génial|grazie|perfetto|obrigad[oa]|bedankt|dank je|спасибо|отлично|"
    # and in neighbouring languages a customer may write in: sv, da/no, pl, cs, fi, tr, ro, hu
    r"tack|tusen tack|mange tak|takk|dziękuję|dzięki|děkuji|díky|kiitos|teşekkürler|"
    r"teşekkür ederim|mulțumesc|multumesc|köszönöm)\b"
    r"|谢谢|感谢|ありがとう|감사|고맙",
    re.IGNORECASE,
)
# Goodbyes and wishes close a conversation as thanks do: "have a good one", "bonne journée".
_FAREWELL = re.compile(
    r"\b(bye|goodbye|have a (good|great|nice|lovely) (one|day|weekend|evening|christmas)|"
    r"merry christmas|happy (christmas|holidays|new year)|all the best|best wishes|take care|"
    r"(i'?ll|i will|will) (let you know|get back to you|be in touch)( if [^.!?]*)?|"
    r"that'?s all|that'?s everything|nothing else|no need to reply|"
    r"(you can|feel free to|(please )?go ahead and|happy for you to) close (this|the ticket|it)|"
    r"bonne (journée|soirée|fin de journée)|"
    r"i'?ll (place|put in|make) (the |an |my )?order|i'?ll (do that|try that|order)|will do|"
    # "I'll definitely be ordering again once the kitchen's done": loyalty, not a request
    r"(i'?ll|i will|we'?ll|we will) (definitely |certainly |be sure to )?(be )?"
    r"(order|ordering|shop|shopping|buy|buying) (from you |with you |here )?again|"
    r"i'?ll keep an eye (on|out)|i'?ll (wait|look out) for|"
    r"bon week-end|schöne[ns]? (tag|abend|wochenende)|frohe weihnachten|un saludo|saludos|"
    r"hasta (la próxima|luego|pronto)|buen (día|fin de semana)|feliz navidad|buona giornata|"
    r"buon fine settimana|tschüss|adiós|au revoir|tot ziens|fijne dag|tchau)\b"
    r"|[\U0001F64F\U0001F44D\U0001F44C\U0001F64C\U0001F60A\U0001F642\U0001F389\u2764\U0001F384]",
    re.IGNORECASE,
)
# News that the problem is over: "it arrived today and works perfectly", "llegó".
_GOOD_NEWS = re.compile(
    r"\b(arrived|received|landed|land in|turned up|showed up|came through|come through|"
    r"works|worked|working|connected|sorted|logged in|got in|back in|all set|found (it|the)|"
    r"fixed|resolved|exactly what|popped up|that was it|that did it|that'?s done it|"
    r"went through|showing (up )?(in [\w ]{1,20} )?now|shows (up )?now|"
    # "The orange light has gone off and the coffee tastes better already!"
    r"(light|warning|error|alarm)s? (has |have |is |are )?(gone|went) (off|out|away)|"
    r"better already|"
    # "the two extra ones have dropped off, so it's only the one payment now. Panic over!"
    r"(charges?|payments?|ones?|transactions?|holds?) (have |has )?(now )?(dropped|fallen|come) "
    r"off|panic over|false alarm|"
    # "got the money back btw nice one": a refund that arrived
    r"(?<!n't )(?<!not )(?<!never )(got|received) (the|my|our) (money|refund) back|"
    # "the new set came this morning, all in one piece this time"
    r"came (this morning|today|yesterday|earlier|in the end)|(all )?in one piece|safe and sound|"
    # "lamp blinked blue and its in the app now!!!"
    r"(it'?s|its|it is) (now )?(in|on|up|there|back|online)\b[\w ]{0,20} now(?=\s*[!.]|$)|"
    # "there was a second network with _2G on the end. it's on!!"
    r"(it'?s|its|it is) (on|up|online|alive)(?=\s*[!.]|$)|"
    r"i'?m (back )?in(?=\s*[!.]|$)|all along|(reset|restart|that|this|which) did (it|the trick)|"
    r"angekommen|funktioniert|geklappt|erhalten|arrivée?|reçue?|"
    r"fonctionne|llegado|llegó|recibido|funciona|arrivat[oa]|ricevut[oa]|funziona|chegou|"
    r"recebi|aangekomen|ontvangen|werkt|fungerar|funkar|virker|fungerer|działa|funguje|toimii)\b",
    re.IGNORECASE,
)
# A request, a question or a problem: then the message is not only thanks.
_REQUEST = re.compile(
    r"\?|¿|^\W*(how|why|where|when|what|which)\b|"
    r"\b(can|could|would|will you|please|pls|help|need|want|wanted to ask|"
    r"still|not|n't|no longer|never|problem|issue|wrong|broken|but|however|"
    r"also|another|again|anything else|else|although|though|except|unfortunately|"
    r"puede|podría|podrian|quiero|necesito|todavía|pero|können|könnten|möchte|brauche|noch|"
    r"aber|nicht|pouvez|pourriez|voudrais|besoin|toujours|mais|pas|potete|potreste|vorrei|"
    r"ancora|però|preciso|poderia|ainda|mas|não|kunnen|wil|nog|maar|niet|"
    # "tell me if I have to pay": a request without a question mark
    r"dime|dímelo|avísame|indícame|sag mir|sagen sie mir|dites-moi|dis-moi|dimmi|fammi sapere|"
    r"diga-me|me diga|laat me weten|let me know|if (i|we) (have|need) to|si hay que|s'il faut|"
    r"s'il vous plaît|s'il te plaît|souhaite\w*|aimerais|hätte gerne|würde gerne|bitte|"
    r"quisiera|me gustaría|por favor|per favore|gostaria|zou graag|alstublieft)\b"
    r"|请|吗|还|但|想知道|想问|是不是|能不能|怎么|如何|什么|ですか|ください|まだ|주세요|아직",
    re.IGNORECASE,
)
# "One more thing", "separately", "I'd like to": the message goes on to a new request.
_MORE = re.compile(
    r"\b(one more thing|another thing|separately|by the way|btw|i'?d like|i would like|"
    r"i want|i need|wondering|quick question|trying to|invalid|doesn'?t|isn'?t|won'?t|"
    r"can'?t|didn'?t|hasn'?t|haven'?t)\b",
    re.IGNORECASE,
)
# ... and in the other languages the app reads, where the letter goes on to something else or
# to what does not work: "Merci. Autre chose : j'ai essayé le code ... « code non applicable »"
_ANOTHER_THING = re.compile(
    r"\b(autre (chose|question)|par ailleurs|otra (cosa|pregunta)|además|noch (etwas|eine frage)|"
    r"außerdem|un'?altra (cosa|domanda)|inoltre|outra (coisa|pergunta)|nog (iets|een vraag)|"
    r"non applicable|ne (marche|fonctionne) pas|no funciona|funktioniert nicht|non funziona|"
    r"não funciona|werkt niet)\b",
    re.IGNORECASE,
)
# Praise that only a satisfied customer writes: such a sentence closes, whatever else it says
# ("impressed with how quickly you dealt with the broken one"), unless it asks something.
_STRONG_PRAISE = re.compile(
    r"\b(?<!not )(?<!n't )(?:(?:very |really |so |most )?(?<!not very )(?<!not really )(?<!not so )"
    r"impressed|recommend(?:ing)? you|(?:good|great|excellent|"
    r"brilliant|wonderful|fantastic) (?:service|customer service))\b",
    re.IGNORECASE,
)
_ASKS_OR_BUT = re.compile(
    r"\?|\b(?:can|could|would|will) you\b|\b(?:please|but|however|still|though)\b", re.IGNORECASE
)
# Praise that reads like a complaint word by word: "it's not often one gets such service".
_PRAISE = re.compile(
    r"\b(?:it'?s |it is )?not often (?:that )?(?:one|you|i|we) (?:gets?|sees?|finds?|comes?)"
    r"|can'?t thank you enough|couldn'?t be happier|can'?t fault|couldn'?t ask for (?:more|better)"
    r"|no complaints",
    re.IGNORECASE,
)
_THANKED_FOR = re.compile(
    r"\bfor (all )?(your|the|ur|her|his|their) (kind |quick |great )?(help|support|assistance|"
    r"patience)\b",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r"#\s?\d+|\b[A-Z]{0,3}-?\d{4,}\b|@")
# "I already checked spam", "tried another card", "before you ask - wifi is 2.4ghz".
_TRIED = re.compile(
    r"\b(?:i(?:'ve| have)?\s+(?:already\s+|also\s+)?(?:tried|checked|looked|asked|reinstalled|"
    # ("I did the free trial in the summer" took no step: it signed up)
    r"restarted|reset|cleared|requested|rang|rung|called|contacted|done|"
    r"did(?!\s+(?:the|a|my|their)\s+(?:free\s+)?(?:trial|month|membership|subscription|order|"
    r"course|purchase))|used|updated|followed|"
    r"switched|turned|held|pressed|unplugged|rebooted|descaled|paired|installed|tested|put|"
    r"entered|typed|attached|included)|"
    r"(?:photos?|pictures?|pics?|screenshots?) (?:of [^.\n]{0,60})?(?:are |is )?attached|"
    # ... and told without "I", as a chat does: "Knocked both sides", "Been round the back"
    r"(?:(?<=^)|(?<=[.!?]\s)|(?<=\n))(?:knocked|been (?:round|around)|searched|checked|held|"
    r"restarted|reinstalled|unplugged|rebooted|left it)\b|"
    r"already\s+\w+|tried|before you (?:ask|send)|i know about|checked|"
    # "We've been round the whole house", "I've knocked on both neighbours", "gave it until today"
    r"(?:i|we)(?:'ve| have)?\s+(?:been (?:round|around|through)|searched|knocked|gave it|"
    r"given it|waited)|"
    # "Did all of that over the weekend", "done all that": what the agent just suggested.
    r"(?:did|done|tried) (?:exactly |just |precisely )?(?:all )?(?:of )?(?:that|this|those|"
    r"everything)|"
    # "Since then I have:" above a list of steps
    r"(?:since then|so far|until now|already),?\s+(?:i|we)(?:'ve|\s+have)(?:\s+(?:done|tried))?"
    r"(?=\s*:)|"
    r"(?:exactement )?ce que j'ai fait|ya lo (?:he hecho|hice)|(?:hab(?:e)? ich|das habe ich) "
    r"(?:schon |alles )*(?:gemacht|getan)|"
    # es, de, fr, it, pt: "ya he probado", "ich habe schon ... versucht", "j'ai déjà vérifié"
    r"ya\s+(?:he|hemos)\s+\w+|he\s+(?:probado|revisado|intentado|comprobado|mirado)|"
    r"(?:schon|bereits)\s+(?:\w+\s+){0,3}(?:versucht|geprüft|überprüft|nachgesehen|neu\s+\w+)|"
    r"habe\s+(?:\w+\s+){0,3}(?:versucht|geprüft|überprüft|nachgesehen)|"
    r"j'ai\s+(?:déjà\s+)?(?:essayé|vérifié|regardé|contacté|réinstallé)|déjà\s+(?:essayé|vérifié)|"
    r"ho\s+(?:già\s+)?(?:provato|controllato|verificato)|già\s+(?:provato|controllato)|"
    # ... to the end of the sentence ("2.4ghz" does not end it)
    r"já\s+(?:tentei|verifiquei|olhei|testei|vi)|(?:tentei|verifiquei))\b(?:[^.!?\n]|\.(?=\S))*",
    re.IGNORECASE,
)
# "Hi Sam," / "Thanks, Sandra": greeting and sign-off lines carry no need.
_GREETING_LINE = re.compile(
    r"^\s*(hi|hello|hey|dear|good (morning|afternoon|evening)|hola|hallo|bonjour|ciao|olá|"
    r"kind regards|best( wishes| regards)?|regards|thanks|thank you|cheers|many thanks|"
    r"saludos|grüße|gruß|cordialement|cordiali saluti|atenciosamente)\b[^.!?\n]{0,30}[,!.]?\s*$",
    re.IGNORECASE,
)
_SIGNATURE_NAME = re.compile(r"\s*[-\u2013\u2014]*\s*[A-Z][\w.'-]*( [A-Z][\w.'-]*)?\s*")
# Words that ask for something without a question mark: "could you", "I'd like", "we wondered
# whether". One list for a thank-you letter that asks nothing more (`is_thanks_only`) and for
# the requests a message makes (drafting.understand).
REQUEST_WORDS = (
    r"(?:can|could|would|will) (?:you|u|someone|anyone|your team)|please|pls|"
    r"(?:i|we|just|really) (?:need|want)|i'?d like|i would like|let me know|"
    r"wonder\w* (?:if|whether)|willing to|grateful if|is it possible|if you could|hoping|"
    r"hope you (?:can|could|might|will)|"
    # "I said I'd be cheeky and ask whether you'd consider donating something"
    r"ask(?:ing)? (?:if|whether) you|(?:whether|if) you'?d (?:consider|be able|be willing|mind)"
)
# A sentence that asks for something: a question, "can you", "I'd like to" (also es/de/fr/it/pt).
ASKS = re.compile(
    r"\?|¿|\uff1f|\b(can|could|would|will you|please|pls|how|why|where|when|what|want|need|"
    r"like to|puede|podría|quiero|necesito|können|kann|möchte|wie|wann|pouvez|voudrais|"
    r"comment|quand|potete|posso|vorrei|come|quando|pode|gostaria|como|"
    r"wonder\w* (if|whether)|willing to|grateful if|is it possible)\b"
    "(?!['\u2019]t\\b)",  # "I can't even see it" asks nothing
    re.IGNORECASE,
)
# An agent turn that only hands the chat over or holds, with nothing else in it.
_HAND_OVER = re.compile(
    r"\b(will be with you|connecting you|transferring you|passing you|put you through|"
    r"will join (you |the chat )?(shortly|soon|in a (moment|minute|few minutes))|"
    r"has joined the chat|joined the conversation|"
    # ... or only says the agent is looking, or thanks for the message, in the app's languages
    r"reading (back )?(through|over|up on)|catching up on|(having|have) a read|"
    r"let me (check|look|have a look|take a look|look into|see|read)|i'?ll (check|look into|have a "
    r"look|take a look)|one moment|(bear|bare) with me|give me a (moment|minute|sec(ond)?)|"
    r"(just )?(pulling|bringing|looking) up (your|the|both|those) (orders?|account|details)|"
    r"thanks for (getting in touch|reaching out|your message|the message|contacting|the details|"
    r"waiting|"
    r"holding|your patience)|sorry (for|about) the wait|"
    # ... or is the helpdesk's automatic receipt ("Your request (#88213) has been received")
    r"(be|get) (back )?in touch (shortly|soon)|(request|message|email|ticket)( \(?#?\d+\)?)? "
    r"has been received|we'?ve received your (request|message|email)|"
    r"(ahora|ya) lo (miro|reviso|compruebo)|déjame (ver|mirar)|un momento|"
    r"gracias por (escribirnos|contactarnos|tu mensaje)|ich (prüfe|schaue|sehe) (das |es )?"
    r"(gleich|sofort|nach)|einen moment|dank(e)? für (ihre|deine) nachricht|wir melden uns|"
    r"nous reviendrons vers vous|nos pondremos en contacto|vi risponderemo|entraremos em contato|"
    r"we nemen (zo snel mogelijk )?contact|je (vérifie|regarde)|"
    r"un instant|merci pour votre message|controllo subito|verifico subito|un attimo|"
    r"grazie per (il messaggio|averci scritto)|vou (ver|verificar)|um momento|"
    r"obrigad[oa] pelo contacto|ik kijk (even|het na)|kijk even mee|een moment|"
    r"bedankt voor (je|uw) bericht)",
    re.IGNORECASE,
)
HAND_OVER_WORDS = 25
# An agent turn that only asks or holds ("could you confirm...", "I'll look into it"):
# the customer's turn before it is still open.
_AGENT_ASKS = re.compile(
    r"\?|\b(could you|can you|please (send|confirm|reply|share)|let me (check|look)|i'll (check|"
    r"look|chase|get back|update)|looking into|lo miro|lo reviso|ich schaue|schaue ich|"
    r"guardo subito|ik kijk)\b",
    re.IGNORECASE,
)


# A manager the customer could speak to; not a password manager or the customer's own job
# (one list with the mood cues: reading.mood.NOT_A_PERSON).
NOT_A_PERSON_MANAGER = "manager" + "".join(rf"(?<!{word} manager)" for word in NOT_A_PERSON)
# Threats that only an upset customer makes (cancelling or closing an account is a request).
_STRONG_THREAT = re.compile(
    r"\b(disput|chargeback|trading standards|lawyer|solicitor|ombudsman|report|"
    r"review(?<!nice review)(?<!good review)(?<!great review)(?<!positive review)"
    r"(?<!glowing review)(?<!5 star review)(?<!5-star review)(?<!five star review)"
    r"(?<!five-star review)(?<!lovely review)|(?:1|one|0|zero)[- ]stars?\b|"
    rf"never (order|shop|buy)|{NOT_A_PERSON_MANAGER}|supervisor|court|small claims|"
    r"(call|calling|contact|ring|ringing|phone|going to|go to) my bank|"
    r"claw\w* (it |this |the money )?back|telling every|tell everyone|"
    r"watchdog|someone above you|your boss)",
    re.IGNORECASE,
)
UPSET_POINTS = 2


def is_upset(cues: Sequence[tuple[str, str]]) -> bool:
    """Whether the mood cues say the customer is upset enough to be heard first.

    Precise cues only: an angry word, a strong threat (a dispute, a review, a manager),
    shouting of three words or more, repeated "!!!"/"?!", "third time". Two capitalised words
    ("LARKFIELD LTD", "UK GDPR") are names, not shouting; "!!" is as often delight.
    """
    points = 0
    for kind, words in cues:
        if kind == "angry":
            points += 2
        elif kind == "threat":
            points += 2 if _STRONG_THREAT.search(words) else 1
        elif kind == "repeat":
            points += 1
        elif kind == "shouting" and not words.strip("!?"):
            points += 1 if len(words) >= 3 or "?" in words else 0
        elif kind == "shouting":
            points += 2 if len(words.split()) >= 3 else 0
    return points >= UPSET_POINTS


@dataclass(frozen=True)
class Focus:
    """The part of the conversation the next reply must answer."""

    open_text: str  # the customer's latest message (every turn since the agent last wrote)
    weighted: tuple[tuple[str, float], ...]  # texts for the ranking query, the open one first
    segments: tuple[str, ...]  # sentences of the open message that may each carry a need
    thanks_only: bool  # no request at all: thanks, "it works now"
    tried: tuple[str, ...]  # what the customer says they already tried
    agent_texts: tuple[str, ...]  # the agent's turns, oldest first

    @property
    def answered_before(self) -> bool:
        """Whether the agent already wrote in this thread."""
        return bool(self.agent_texts)


# The agent's closing question: what follows is a new request, not an answer.
_ANYTHING_ELSE = re.compile(
    r"\b(anything else|something else|any other|help with today|autre chose|algo más|"
    r"sonst noch|noch etwas|qualcos'altro|mais alguma|nog iets)\b",
    re.IGNORECASE,
)


# The customer's own word that the earlier thread is another matter.
_NEW_TOPIC = re.compile(
    r"\b((completely |totally |a )?(different|separate|unrelated|new) (question|topic|issue|"
    r"matter|query)|on another note|something (different|unrelated) now|changing the subject|"
    r"^\W*(hi|hello|hey) again\b|it'?s me again|^\W*(hi|hiya|hello|hey)( \w+)?,? me again\b|"
    r"^\W*me again\b|random (one|question|q)\b|"
    r"nothing wrong with the \w+|"
    r"autre question|otra pregunta|"
    r"andere frage)\b",
    re.IGNORECASE,
)


# "Oh while I'm here", "one more thing", "separately": the customer has moved on from what the
# agent just did, to a new request.
MOVED_ON = re.compile(
    r"\b(while i'?m here|while i( have|'ve got| got|'ve| got hold of) you|one (more|last|other) "
    r"thing|another (thing|question)|different thing|separately|"
    r"(one |a |my )?(last|final|quick|more) question|"
    r"by the way|btw|(hi|hello) again|me again|random (one|question|q)|"
    r"unrelated|different question|also wanted|otra (cosa|pregunta)|noch (eine|etwas)|"
    r"autre (chose|question)|un'?altra (cosa|domanda)|outra (coisa|pergunta)|nog (een|iets))\b",
    re.IGNORECASE,
)


# A tried clause that points back at the agent's suggestions rather than naming steps.
_DID_WHAT_YOU_SAID = re.compile(
    r"\b(?:did|done|tried|followed) (?:exactly |just |precisely )?(?:all )?(?:of )?"
    r"(?:that|those|everything|what you said|your steps)\b|(?:exactement )?ce que j'ai fait|"
    r"ya lo (?:he hecho|hice)|(?:hab(?:e)? ich|das habe ich) (?:schon |alles )*(?:gemacht|getan)",
    re.IGNORECASE,
)


# Where a tried clause turns to what happened: "tried again and it went through, but now my
# bank shows two payments" tried a payment, not a fix; the outcome names the problem.
_OUTCOME = re.compile(r",?\s+\b(?:but|however|and now|yet|pero|aber|mais|ma|mas|maar)\b", re.I)


# A list under "Things I've already tried:": one step per line.
_BULLETS = re.compile(r"(?:\n[ \t]*(?:[-*•\u2013]|\d+[.)])[ \t]+[^\n]+)+")


def _tried(body: str) -> tuple[str, ...]:
    """The steps the customer says they already took, each up to where its outcome starts."""
    found = []
    for match in _TRIED.finditer(body):
        clause = match.group()
        listed = _BULLETS.match(body, match.end()) if clause.rstrip().endswith(":") else None
        if listed:
            clause = f"{clause} {' '.join(listed.group().split())}"
        if _BACK_POINTER.match(clause):
            # "Spam, promotions, all mail - checked all of them": the steps come first
            start = max(body.rfind(end, 0, match.start()) for end in ".!?\n") + 1
            clause = f"{body[start : match.start()].strip()} {clause}"
        found.append(_OUTCOME.split(clause, maxsplit=1)[0].strip())
    return tuple(found)


# A tried verb whose object points back at what the sentence listed before it
_BACK_POINTER = re.compile(
    r"\w+\s+(?:all of (?:them|those|these)|them all|both(?: of them)?|each of them|every one|"
    r"the lot|them|those)\b",
    re.IGNORECASE,
)


# The agent asks whether a step was taken ("Have you had a look in your spam folder?") ...
_STEP_QUESTION = re.compile(
    r"[^.?!\n]*\b(?:have|did) you (?:already |also )?(?:tried|checked|had a look|looked|"
    r"restarted|reset|cleared|rung|called|contacted|waited|made sure|updated|reinstalled|"
    r"switched|turned|held|unplugged)\b[^?\n]*\?",
    re.IGNORECASE,
)
# ... and the customer's reply opens with yes.
_YES = re.compile(
    r"^\W*(?:yes|yep|yeah|yup|ya|i have|i did|done that|did that|already|sí|ja|oui|sì|sim)\b",
    re.IGNORECASE,
)


def _confirmed_steps(agent_text: str, reply: str) -> tuple[str, ...]:
    """The steps the agent asked about, where the customer's reply says yes.

    With the reply's first sentence ("yes spam, junk, promotions, all of them"): steps taken,
    like any the customer tells.
    """
    if not _YES.match(reply):
        return ()
    asked = tuple(m.group().strip() for m in _STEP_QUESTION.finditer(agent_text))
    first = split(reply)
    return (*asked, first[0].text) if asked and first else asked


def _hands_over(text: str, speaker: str = "") -> bool:
    """Whether an agent turn only hands over or holds ("An agent will be with you shortly").

    A question asks for something, unless it only asks the customer to wait ("Mi dà un
    attimo che verifico l'ordine?").
    """
    if _AUTOMATIC.match(text) or _AUTOMATIC_SENDER.search(speaker):
        return True  # "[Auto-reply] Thanks for contacting us ...": nobody answered yet
    if _RECEIPT.search(text) and "?" not in text:
        return True  # "... will reply as soon as we can. Your reference is #301774."
    asks = "?" in text and not _WAIT.search(text)
    short = len(text.split()) <= HAND_OVER_WORDS and not asks
    return short and _HAND_OVER.search(text) is not None


_AUTOMATIC = re.compile(
    r"^\W*(auto-?reply|automatic reply|automated (reply|response|message)|this is an automated|"
    r"respuesta automática|automatische antwort|réponse automatique|risposta automatica|"
    r"resposta automática|automatisch antwoord)\b",
    re.IGNORECASE,
)


# "Larkfield Care (automated)", "noreply@...": a sender whose every message is a receipt
_AUTOMATIC_SENDER = re.compile(r"\b(automated|auto-?reply|autoresponder|no-?reply)\b", re.I)
# A helpdesk's receipt, however long: it promises an answer and gives a reference
_RECEIPT = re.compile(
    r"\b(will|we'?ll) (reply|respond|answer|get back to you)( to you)? as soon as (we can|"
    r"possible)\b|\byour (reference|ticket|case)( number)? is\b",
    re.IGNORECASE,
)


_WAIT = re.compile(
    r"\b(a moment|one moment|a sec(ond)?|a minute|un attimo|un momento|einen moment|"
    r"un instant|um momento|een moment(je)?)\b",
    re.IGNORECASE,
)


_REPORT_BACK = re.compile(r"\?|\blet (?:me|us) know\b", re.IGNORECASE)


def focus_of(transcript: Transcript) -> Focus:
    turns = transcript.turns
    # A hand-over or holding line answers nothing: the customer's turns before it are open.
    last_agent = max(
        (
            i
            for i, t in enumerate(turns)
            if t.role == "agent" and not _hands_over(t.text, t.speaker)
        ),
        default=-1,
    )
    open_turns = [t.text for t in turns[last_agent + 1 :] if t.role == "customer"]
    if not open_turns:  # the paste ends on the agent's turn: answer the customer's last one
        open_turns = [transcript.latest_customer_text()]
    elif len(open_turns) > 1 and is_thanks_only(open_turns[-1]):
        # "hang on, let me look" then "found it, I'm in! thanks" (or the news, then the thanks
        # in a turn of its own): the news settles the turns before it
        news = [i for i, t in enumerate(open_turns) if says_it_works(t)]
        if news:
            open_turns = open_turns[news[-1] :]
    elif len(open_turns) > 1:
        # "Will do, thanks for chasing." and, weeks later, a new question: the thanks closed
        # what came before it and asks nothing.
        # So does news that it worked ("all good") when the next turn moves on ("oh one more
        # thing").
        moved_on = MOVED_ON.search(open_turns[-1]) is not None
        closed = [
            t for t in open_turns[:-1] if is_thanks_only(t) and (moved_on or _GRATITUDE.search(t))
        ]
        open_turns = [t for t in open_turns if t not in closed]
    open_text = "\n".join(t for t in open_turns if t).strip()
    weighted: list[tuple[str, float]] = [(open_text, OPEN_WEIGHT)] if open_text else []
    # Earlier customer turns, newest first, weighed by what the agent did after each. A
    # "completely different question" leaves them out.
    settled = False
    for index in range(last_agent, -1, -1):
        if len(weighted) > MAX_CONTEXT_TURNS or _NEW_TOPIC.search(open_text):
            break
        turn = turns[index]
        if turn.role != "customer":
            # After "Anything else?" what came before is done with.
            settled = settled or _ANYTHING_ELSE.search(turn.text) is not None
            continue
        reply = next((t.text for t in turns[index + 1 :] if t.role == "agent"), "")
        holds = _AGENT_ASKS.search(reply) or _HAND_OVER.search(reply)
        unanswered = (not reply or holds) and not settled
        weighted.append((turn.text, PENDING_WEIGHT if unanswered else ANSWERED_WEIGHT))
        # "Got it, I'm in. Cheers": the customer's own word that what came before is done.
        settled = settled or is_thanks_only(turn.text)
    body = _without_greetings(open_text)
    segments = _after_moving_on([s for s in _segments(body) if _carries_a_need(s)])
    tried = _tried(body)
    # A question, or steps with "let me know if it still doesn't turn up": what the customer
    # says next reports back on the request before it.
    asked = last_agent >= 0 and bool(_REPORT_BACK.search(turns[last_agent].text))
    gathering = asked and not _ANYTHING_ELSE.search(turns[last_agent].text)
    if asked and (gathering or not any(ASKS.search(s) for s in segments)):
        # "Yes it came yesterday, still in the box" answers the agent's question: the request
        # is still the customer's turn before it ("can I swap it for the 28cm?").
        pending = next((t.text for t in reversed(turns[:last_agent]) if t.role == "customer"), "")
        segments = [
            s for s in _segments(_without_greetings(pending)) if _carries_a_need(s)
        ] + segments
        tried = _tried(_without_greetings(pending)) + tried
    if last_agent >= 0 and open_turns:
        tried = _confirmed_steps(turns[last_agent].text, open_turns[0]) + tried
        if any(_DID_WHAT_YOU_SAID.search(t) for t in tried):
            # "I did all of that before I messaged you": the steps are the agent's latest turn's
            tried = (*tried, turns[last_agent].text)
    return Focus(
        open_text=open_text,
        weighted=tuple(weighted),
        segments=_kept(segments),
        thanks_only=is_thanks_only(open_text),
        tried=tried,
        agent_texts=agent_turn_texts(turns),
    )


def _carries_a_need(segment: str) -> bool:
    """A sentence of three words or more, or a shorter one that names a need.

    "student discount. yes or no": two words that say what is asked in a chat.
    """
    if len(segment.split()) >= 3:
        return True
    return bool(concepts_in(segment) or outside.topics_in(segment))


def _after_moving_on(segments: list[str]) -> list[str]:
    """Less the news, thanks and story before "one more thing": they ask nothing.

    "It's arrived in one piece and it's up. Different thing while I've got you - ...".
    """
    marker = next((i for i, s in enumerate(segments) if i and MOVED_ON.search(s)), None)
    if marker is None:
        return segments
    return [
        s for i, s in enumerate(segments) if i >= marker or not (_closing_sentence(s) or _story(s))
    ]


def _kept(segments: Iterable[str]) -> tuple[str, ...]:
    """Each sentence once, and of a very long message its first and last MAX_SEGMENTS / 2.

    Every segment is ranked and embedded on its own: a pasted export of hundreds of
    sentences took minutes (a repeated sentence was embedded once per copy).
    """
    unique = list(dict.fromkeys(segments))
    if len(unique) <= MAX_SEGMENTS:
        return tuple(unique)
    half = MAX_SEGMENTS // 2
    return (*unique[:half], *unique[-half:])


def is_thanks_only(text: str) -> bool:
    """Thanks or "it works now", with no question, request or remaining problem.

    Every sentence must be thanks, a short acknowledgement ("ok got it") or news that it
    worked: "thanks. Separately, I'd like to cancel my membership" asks for something.
    """
    body = _before_sign_off(_without_greetings(text) or text)
    if not (_THANKS.search(text) or _FAREWELL.search(text)):
        return False
    sentences = [s.text for s in split(body)]
    if len(body.split()) <= 70 and all(_closing_sentence(s) for s in sentences):
        return True
    short_news = len(body.split()) <= 70 and _GRATITUDE.search(body) and says_it_works(body)
    # "Found it!! The driver left it with number 14 ... thanks for your help": news that it is
    # over, thanks, and the story between, which asks for nothing and names no problem.
    if short_news and all(_closing_sentence(s) or _story(s) for s in sentences):
        return True
    return _warm_letter(sentences) or _understood_letter(sentences)


# Thanks itself, not the news that often comes with it ("arrived", "sorted").
_GRATITUDE = re.compile(
    rf"\b({_THANK_WORDS}|grateful|gracias|danke|merci|grazie|"
    r"obrigad[oa]|bedankt|dank je|tack|takk|mange tak|dziękuję|dzięki|děkuji|kiitos|"
    r"спасибо)\b|谢谢|感谢|ありがとう|감사|고맙",
    re.IGNORECASE,
)


# "the kids are thrilled they can change the colour": what someone else can do now asks nothing
_ABLE = re.compile(r"\b(?:they|he|she|we)\s+can\b(?!['\u2019]?t)", re.IGNORECASE)


def _story(sentence: str) -> bool:
    """A sentence that tells what happened and asks for nothing, with no support need in it."""
    said = _ABLE.sub(" ", _CONDITION.sub(" ", sentence))
    return not (
        _REQUEST.search(said)
        or _LETTER_PROBLEM.search(said)
        or _ANOTHER_THING.search(said)
        or concepts_in(said)
    )


# What keeps a long letter from being only thanks: a question, a request, a problem.
_LETTER_ASKS = re.compile(
    rf"\?|¿|\b(?:{REQUEST_WORDS}|still|again|unfortunately|however|but|although|though|"
    r"would (?:it|you))\b",
    re.IGNORECASE,
)
# ... and a problem told in it, unless the letter says the problem is over ("it was the 5GHz
# thing all along ... lamp's on").
_LETTER_PROBLEM = re.compile(
    r"\b(?:(?:does|did|has|have|is|was|are|were|wo|ca|could)n'?t (?:work|arrive|turn|come|show|"
    r"load|connect|charge|fit|open|start|switch|pair)\w*|not working|broken|faulty|missing|"
    r"wrong|problem|issue)\b",
    re.IGNORECASE,
)


# "Thank you again." asks for nothing more, though "again" often goes with a request
_THANKS_AGAIN = re.compile(r"\b(?:thank you|thanks)( (?:so|very) much)? again\b", re.IGNORECASE)


def _warm_letter(sentences: Sequence[str]) -> bool:
    """A long thank-you letter, which thanks, praises or wishes well at least twice.

    Its story ("my grandson came round and we did the QR code") asks for nothing.
    """
    text = " ".join(sentences)
    warmth = [m.group() for p in (_THANKS, _FAREWELL, _STRONG_PRAISE) for m in p.finditer(text)]
    said = [_PRAISE.sub(" ", _FAREWELL.sub(" ", _THANKS_AGAIN.sub(" ", s))) for s in sentences]
    # The thanks frames the letter: it opens or closes with it ("... thank you so much, have a
    # lovely weekend!"); a complaint that mentions a star rating does not.
    ends = [*sentences[:2], *sentences[-2:]]  # a P.S. may follow the goodbye
    framed = any(p.search(s) for s in ends for p in (_THANKS, _FAREWELL, _STRONG_PRAISE))
    # News alone ("it arrived smashed ... I just want this SORTED") thanks nobody
    thanked = any(not _GOOD_NEWS.fullmatch(word) for word in warmth)
    if len(warmth) < 2 or not framed or not thanked or any(_LETTER_ASKS.search(s) for s in said):
        return False
    # "... let you know if it hasn't turned up": a problem in a condition has not happened
    told = [_CONDITION.sub(" ", s) for s in said]
    short = len(text.split()) <= 70  # a long letter's story names things in passing
    if short and any(_names_a_problem(s) and not _GOOD_NEWS.search(s) for s in told):
        return False  # "It arrived, thanks. The lid is cracked.": a need told after the news
    return says_it_works(text) or not any(_LETTER_PROBLEM.search(s) for s in told)


# "Ah, that makes sense now", "that's very clear", "so that's all fine now": the agent's answer
# was understood, which is how a reply that only closes the conversation often opens.
_UNDERSTOOD = re.compile(
    r"\b(?:(?:that|this|it) (?:all )?makes (?:perfect |total |complete )?sense|"
    r"(?:that'?s|that is|thats) (?:all )?(?:very |really |perfectly |super |so |crystal )?"
    r"(?:clear|fine|helpful|great|brilliant|perfect|good to know|reassuring)|"
    r"(?:ok(?:ay)?|right|ah|oh),? (?:i see|understood|got it|that explains it)|understood|"
    r"that explains (?:it|a lot|everything)|fair enough|good to know|all fine now|"
    r"all good now|panic over|mystery solved)\b",
    re.IGNORECASE,
)
# What a letter that only closes never says: a question, a request, what still goes wrong.
_STILL_ASKS = re.compile(
    rf"\?|¿|\b(?:{REQUEST_WORDS}|still|yet|(?<!thank you )(?<!thanks )again|anything else|"
    r"one more thing|another thing|separately|by the way|btw|quick question|however)\b",
    re.IGNORECASE,
)
# Worry told as over: "I just wanted to make sure it hadn't gone missing"
_REASSURED = re.compile(
    r"\b(?:make sure|made sure|check\w*|worried|thought|in case|not urgent|no rush)\b",
    re.IGNORECASE,
)


def _understood_letter(sentences: Sequence[str]) -> bool:
    """A reply that says the answer was understood and thanks for it, and asks nothing more.

    "Well that's very clear, thank you. I think I was looking in the wrong place ... You've
    been very patient, I do appreciate it.": it opens with the answer understood, thanks or
    says goodbye, and the rest is its story.
    """
    if not sentences or len(" ".join(sentences).split()) > 150:
        return False
    opens = _UNDERSTOOD.search(sentences[0])
    thanked = any(_GRATITUDE.search(s) or _FAREWELL.search(s) for s in sentences)
    if not (opens and thanked):
        return False
    told = [_CONDITION.sub(" ", _FAREWELL.sub(" ", s)) for s in sentences]
    if any(_STILL_ASKS.search(s) or _WH_ASK.search(s) for s in told):
        return False
    # ("I was looking in the wrong place": the customer's own slip, now put right)
    told = [_OWN_SLIP.sub(" ", s) for s in told]
    problem = (_names_a_problem(s) or _LETTER_PROBLEM.search(s) or _DAMAGE.search(s) for s in told)
    return not any(p and not _REASSURED.search(s) for p, s in zip(problem, told, strict=True))


# A question asked without its question mark: "and how do I return the other one"
_WH_ASK = re.compile(
    r"\b(?:how|where|when|what|who|which|why) (?:do|does|can|could|should|would|will|is|are) "
    r"(?:i|we|you|it|they|he|she|my|the)\b",
    re.IGNORECASE,
)
_DAMAGE = re.compile(
    r"\b(?:damaged|cracked|smashed|shattered|dented|scratched|leak\w*|stopped working)\b", re.I
)
_OWN_SLIP = re.compile(
    r"\b(?:in|at|on|into|to) the wrong (?:place|box|field|bit|section|page|spot|tab|button)\b",
    re.IGNORECASE,
)


# The line that ends a message: what follows is a signature ("Regards", "Mit freundlichen Grüßen").
# Unlike threads.noise's sign-off, which cuts parsed turns, it takes a name on the same line
# ("Cheers, Sam") and leaves a bare "Thanks" alone: a thank-you is what is being read here.
_SIGN_OFF = re.compile(
    r"^\s*(kind regards|best( wishes| regards)?|regards|all the best|cheers|many thanks|"
    r"with (many |warm |kind |best )?(thanks|regards|wishes)|warm(est)? regards|"
    r"yours (sincerely|faithfully|truly)|sincerely|"
    r"mit freundlichen grüßen|viele grüße|cordialement|bien à vous|saludos|un saludo|"
    r"cordiali saluti|atenciosamente|met vriendelijke groet)\b[^.!?\n]{0,30}[,!.]?\s*$",
    re.IGNORECASE,
)


def _ends_message(line: str, rest: Sequence[str]) -> bool:
    """A sign-off line, or a lone name with no P.S. after it ("Meera Pillai", then her address)."""
    if _SIGN_OFF.match(line):
        return True
    postscript = any(re.match(r"\s*p\.?\s?s\b", later, re.IGNORECASE) for later in rest)
    return _SIGNATURE_NAME.fullmatch(line) is not None and not postscript


def _before_sign_off(text: str) -> str:
    """`text` up to its sign-off line, where one ends it (the rest is a signature)."""
    lines = text.splitlines()
    end = next(
        (i for i, line in enumerate(lines) if i and _ends_message(line, lines[i + 1 :])),
        len(lines),
    )
    # A P.S. under the signature is still the customer's ("P.S. can you also ...").
    postscript = [line for line in lines[end:] if re.match(r"\s*p\.?\s?s\b", line, re.I)]
    return "\n".join(lines[:end] + postscript).strip()


def says_it_works(text: str) -> bool:
    """Whether the customer reports the problem over ("it arrived", "works now", "sorted")."""
    # "I'll let you know if it hasn't turned up by Wednesday" is no news yet
    return _GOOD_NEWS.search(_CONDITION.sub(" ", text)) is not None


_CONDITION = re.compile(r"\b(?:if|unless|once|when)\b[^.!?\n]*", re.IGNORECASE)


def _closing_sentence(sentence: str) -> bool:
    # "Thank you so much for your help!" thanks for help given; it asks for none.
    if _STRONG_PRAISE.search(sentence) and not _ASKS_OR_BUT.search(sentence):
        return True
    sentence = _PRAISE.sub(" ", _THANKED_FOR.sub(" ", sentence))
    # "No need to reply", "nothing else": a goodbye's words ask for nothing.
    rest = _FAREWELL.sub(" ", sentence)
    # An order number or code is information ("Claro, es el A-10990"): an answer, not thanks.
    if _REQUEST.search(rest) or _MORE.search(rest) or _IDENTIFIER.search(rest):
        return False
    if _ANOTHER_THING.search(rest):
        return False
    if _WH_ASK.search(rest) or _DAMAGE.search(rest):
        return False  # "and how do I return the other one", "My parcel is damaged."
    if _names_a_problem(rest):
        # "the pan arrived today with a dent on the rim", "The lid is cracked.": a problem,
        # however short
        return False
    said = _THANKS.search(sentence) or _FAREWELL.search(sentence) or _GOOD_NEWS.search(sentence)
    return bool(said) or len(sentence.split()) <= 4  # a short "ok great" asks nothing


# Concepts that are something wrong ("the lid is cracked"), not a thing a story mentions in
# passing ("we did the QR code thing", a return label).
_PROBLEMS = frozenset(
    {"damaged", "missing item", "wrong item received", "charged twice", "faulty warranty repair",
     "delayed", "lost parcel", "marked not received", "unrecognised charge", "payment failed"}
)  # fmt: skip


def _names_a_problem(sentence: str) -> bool:
    return not _PROBLEMS.isdisjoint(concepts_in(sentence))


def _without_greetings(text: str) -> str:
    lines = [line for line in text.splitlines() if not _GREETING_LINE.match(line)]
    # A lone name on the last line is a signature ("Karen").
    while lines and _SIGNATURE_NAME.fullmatch(lines[-1]):
        lines.pop()
    return "\n".join(lines).strip()


# Where a second request starts inside a sentence: after a comma ("..., and can you ...") or,
# for a clause that can only open a new request, without one ("... attempts and I wanted to
# check on my order").
_NEW_REQUEST = re.compile(
    r"(?<=[,;])\s+(?=(?:also|and also|plus|another thing|and can|and could|and how|"
    r"and what|and where|and when|and is|and do|also,)\b)"
    r"|\s+(?=and (?:i|i'd|i'm|we) (?:also )?(?:want(?:ed)? to|would like to|need(?:ed)? to|"
    r"was wondering|wonder)\b)",
    re.IGNORECASE,
)


def _segments(text: str) -> list[str]:
    """Sentences, with "Also, ..." and "and can I ..." starting a new one."""
    parts: list[str] = []
    for sentence in split(text, lower_case_starts=True):
        pieces = _NEW_REQUEST.split(sentence.text)
        for piece in (p.strip() for p in pieces if p.strip()):
            parts += _clauses(piece) if len(piece.split()) > LONG_SENTENCE else [piece]
    return parts


LONG_SENTENCE = 30  # words: a run-on sentence is read clause by clause
_CLAUSE = re.compile(r"(?<=[,;])\s+|\s+(?=(?:but|so|cos|because|though)\b)", re.IGNORECASE)


def _clauses(sentence: str) -> list[str]:
    """A run-on sentence's clauses, each of at least a few words.

    "the lamp came today and it looks lovely but i cant get it onto the app, i press the plus
    ...": the clause that names the need matches better alone.
    """
    clauses: list[str] = []
    for piece in _CLAUSE.split(sentence):
        if clauses and min(len(piece.split()), len(clauses[-1].split())) < 4:
            clauses[-1] = f"{clauses[-1]} {piece}"
        else:
            clauses.append(piece)
    return clauses


def agent_turn_texts(turns: Sequence[Turn]) -> tuple[str, ...]:
    """The agent's turns, oldest first, a bare "Done" spelled out as what the customer asked.

    "Can I cancel order #60017?" then "That's gone through for you now" is a cancellation.
    """
    texts = []
    for i, turn in enumerate(turns):
        if turn.role != "agent":
            continue
        # What the customer asked for, or what the agent offered and the customer took up
        # ("Would you like me to move you over?" "yes please").
        asked = [t.text for t in reversed(turns[max(0, i - 4) : i])]
        done = action_macros.done_as_asked(asked, turn.text)
        texts.append(f"{turn.text}\n{done}" if done else turn.text)
    return tuple(texts)
