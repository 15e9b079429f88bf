"""Canned responses that state an action as already done, and whether the agent did it. No Qt.

"I have cancelled your Larkfield Plus membership" is a right reply only after the agent has
cancelled it; sent before, it tells the customer something false. `stated_action` recognises
such a response when it is saved or imported (the store keeps the result as JSON), and
`performed` tells whether the agent's own turns of a conversation say the action was done.

The recognition reads the grammar of a statement, not a list of titles: a first-person perfect or
past ("I've cancelled", "we have issued", "Ich habe … storniert", "J'ai annulé", "He cancelado"),
a perfect passive ("your address has been updated", "a été résiliée", "wurde erstattet") or a
state reached now ("your membership is now paused"), for verbs that change the customer's
account or order. It stays silent on what only describes the shop's process: "your order has
been dispatched" (the warehouse did that, not the agent), the present ("we refund the
difference"), the future ("we'll cancel"), ability ("I can cancel"), questions, negations and
conditions ("once we have refunded"). Progressive forms ("I'm escalating your case") are what the
reply itself does and are not counted either.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

# --- verbs -----------------------------------------------------------------------------------

# English: base form -> (past and participle forms, the action it stands for). A past form equal
# to the base ("reset") counts only after have/has, where it cannot be a present tense.
_EN: dict[str, tuple[str, str]] = {
    "cancel": ("cancell?ed", "cancel"), "terminate": ("terminated", "cancel"),
    "unsubscribe": ("unsubscribed", "cancel"),
    "refund": ("refunded", "refund"), "reimburse": ("reimbursed", "refund"),
    "credit": ("credited", "refund"), "reverse": ("reversed", "refund"),
    "waive": ("waived", "refund"),
    "update": ("updated", "update"), "amend": ("amended", "update"),
    "correct": ("corrected", "update"), "modify": ("modified", "update"),
    "edit": ("edited", "update"),
    "change": ("changed", "change"), "switch": ("switched", "change"),
    "upgrade": ("upgraded", "change"), "downgrade": ("downgraded", "change"),
    "move": ("moved", "change"),
    "dispatch": ("dispatched", "dispatch"), "ship": ("shipped", "dispatch"),
    "post": ("posted", "dispatch"), "replace": ("replaced", "dispatch"),
    "delete": ("deleted", "delete"), "erase": ("erased", "delete"),
    "remove": ("removed", "delete"), "close": ("closed", "delete"),
    "deactivate": ("deactivated", "delete"),
    "pause": ("paused", "pause"), "suspend": ("suspended", "pause"),
    "freeze": ("frozen", "pause"),
    "resume": ("resumed", "resume"), "reactivate": ("reactivated", "resume"),
    "restore": ("restored", "resume"), "renew": ("renewed", "resume"),
    "extend": ("extended", "extend"),
    "reset": ("reset", "reset"), "unlock": ("unlocked", "unlock"),
    "apply": ("applied", "apply"), "add": ("added", "apply"),
    "escalate": ("escalated", "escalate"), "raise": ("raised", "escalate"),
    "open": ("opened", "open"), "file": ("filed", "open"), "log": ("logged", "open"),
    "book": ("booked", "book"), "schedule": ("(?:re)?scheduled", "book"),
    "reserve": ("reserved", "book"),
    "place": ("placed", "place"),
    # Generic verbs: the action is what they act on ("issued your refund" is a refund).
    "issue": ("issued", "issue"), "reissue": ("reissued", "issue"),
    "process": ("processed", "process"), "arrange": ("arranged", "arrange"),
    "send": ("sent", "send"), "resend": ("resent", "send"),
    "email": ("e-?mailed", "send"), "submit": ("submitted", "process"),
    "complete": ("completed", "process"), "return": ("returned", "return"),
    "go back": ("gone back|went back", "return"), "set up": ("set up", "arrange"),
    "organise": ("organi[sz]ed", "arrange"), "initiate": ("initiated", "process"),
}  # fmt: skip
_EN_PAST = {form: base for base, (form, _) in _EN.items()}

# Other languages: participle (or first-person preterite) -> action, read case-insensitively.
_FOREIGN: dict[str, tuple[str, ...]] = {
    "cancel": (
        r"cancelad[oa]s?", r"anulad[oa]s?", r"dad[oa]s? de baja",  # es
        r"storniert", r"gekündigt", r"annulliert", r"abbestellt",  # de
        r"annulée?s?", r"résiliée?s?",  # fr
        r"annullat[oaie]", r"cancellat[oaie]", r"disdett[oaie]",  # it
        r"cancelei", r"anulei",  # pt
        r"geannuleerd", r"opgezegd",  # nl
    ),
    "refund": (
        r"reembolsad[oa]s?", r"abonad[oa]s?", r"devuelto",
        r"erstattet", r"zurückerstattet", r"rückerstattet", r"gutgeschrieben",
        r"remboursée?s?", r"recrédité", r"rimborsat[oaie]", r"reembolsei",
        r"terugbetaald", r"teruggestort",
    ),
    "update": (
        r"actualizad[oa]s?", r"modificad[oa]s?", r"corregid[oa]s?",
        r"aktualisiert", r"korrigiert", r"mise?s? à jour", r"modifiée?s?", r"corrigée?s?",
        r"aggiornat[oaie]", r"modificat[oaie]", r"atualizei", r"corrigi",
        r"bijgewerkt", r"aangepast", r"gewijzigd",
    ),
    "change": (
        r"cambiad[oa]s?", r"geändert", r"umgestellt", r"changée?s?",
        r"cambiat[oaie]", r"alterei", r"troquei", r"omgezet", r"overgezet", r"veranderd",
    ),
    "delete": (
        r"eliminad[oa]s?", r"borrad[oa]s?", r"gelöscht", r"entfernt",
        r"supprimée?s?", r"effacée?s?", r"eliminat[oaie]", r"cancellat[oaie] definitivamente",
        r"exclu[ií]", r"apaguei", r"verwijderd",
    ),
    "pause": (
        r"pausad[oa]s?", r"suspendid[oa]s?", r"pausiert", r"ausgesetzt", r"mise?s? en pause",
        r"suspendue?s?", r"sospes[oaie]", r"pausei", r"gepauzeerd", r"stopgezet",
    ),
    "dispatch": (
        r"despachad[oa]s?", r"versandt", r"versendet", r"verschickt", r"expédiée?s?",
        r"spedit[oaie]",
    ),
    "send": (r"enviad[oa]s?", r"gesendet", r"geschickt", r"envoyée?s?", r"inviat[oaie]", r"enviei"),
    "reset": (r"restablecid[oa]s?", r"zurückgesetzt", r"réinitialisée?s?", r"reimpostat[oaie]"),
    "unlock": (r"desbloquead[oa]s?", r"entsperrt", r"débloquée?s?", r"sbloccat[oaie]"),
    "process": (
        r"procesad[oa]s?", r"tramitad[oa]s?", r"gestionad[oa]s?", r"emitid[oa]s?",
        r"veranlasst", r"bearbeitet", r"ausgestellt", r"traitée?s?", r"effectuée?s?",
        r"procédé", r"émise?s?", r"elaborat[oaie]", r"emess[oaie]", r"processei",
    ),
}  # fmt: skip
_FOREIGN_PAST = "|".join(f for forms in _FOREIGN.values() for f in forms)
# "Acabo de cancelar", "je viens d'annuler": a just-finished action.
_JUST_DONE_VERBS = {
    "cancel": r"cancelar|anular|annuler|résilier|annullare|disdire",
    "refund": r"reembolsar|devolver|rembourser|rimborsare",
    "update": r"actualizar|modificar|mettre à jour|modifier|aggiornare|modificare",
    "change": r"cambiar|changer|cambiare",
    "delete": r"eliminar|borrar|supprimer|eliminare",
    "pause": r"pausar|suspender|suspendre|sospendere",
    "send": r"enviar|envoyer|inviare",
    "process": r"procesar|tramitar|emitir|traiter|effectuer|émettre",
}
_GENERIC = {"issue", "process", "arrange", "send"}
# Verbs that state an action only through their object: "the refund has gone back" is one.
_NOUN_ONLY = {"return"}
# English names of the actions, for the to-do line of a statement in another language.
_ACTION_VERB = {
    "cancel": "Cancel", "refund": "Refund", "update": "Update", "change": "Change",
    "dispatch": "Send", "send": "Send", "delete": "Delete", "pause": "Pause",
    "resume": "Resume", "extend": "Extend", "reset": "Reset", "unlock": "Unlock",
    "apply": "Apply", "escalate": "Escalate", "open": "Open", "book": "Book",
    "place": "Place", "issue": "Issue", "process": "Process", "arrange": "Arrange",
}  # fmt: skip
# Actions that count as one when the agent's words and the response differ.
_FAMILY = {"change": "update", "issue": "process"}

# --- nouns -----------------------------------------------------------------------------------

# What an action acts on, in a canonical English word, so the agent's "I've cancelled your
# subscription" matches a response's "cancelled your Larkfield Plus membership", in any language.
_SYNONYMS = {
    "subscription": "membership", "suscripción": "membership", "membresía": "membership",
    "mitgliedschaft": "membership", "abonnement": "membership", "abo": "membership",
    "abbonamento": "membership", "assinatura": "membership", "plan": "plan",
    "tarif": "plan", "parcel": "order", "package": "order", "shipment": "order",
    "purchase": "order", "pedido": "order", "bestellung": "order", "commande": "order",
    "ordine": "order", "encomenda": "order", "dirección": "address", "adresse": "address",
    "indirizzo": "address", "endereço": "address", "konto": "account", "kundenkonto": "account",
    "compte": "account", "cuenta": "account", "conta": "account", "reembolso": "refund",
    "rückerstattung": "refund", "erstattung": "refund", "remboursement": "refund",
    "rimborso": "refund", "credit": "refund", "reimbursement": "refund", "money": "refund",
    "importe": "refund", "betrag": "refund", "montant": "refund", "importo": "refund",
    "exchange": "replacement", "ersatz": "replacement", "ersatzgerät": "replacement",
    "remplacement": "replacement", "reemplazo": "replacement", "sustitución": "replacement",
    "sostituzione": "replacement", "substituição": "replacement", "charge": "payment",
    "zahlung": "payment", "abbuchung": "payment", "paiement": "payment", "pago": "payment",
    "cobro": "payment", "pagamento": "payment", "addebito": "payment", "cancellation": "cancel",
    "stornierung": "cancel", "kündigung": "cancel", "annulation": "cancel",
    "résiliation": "cancel", "cancelación": "cancel", "lidmaatschap": "membership",
    "bestelling": "order", "adres": "address", "terugbetaling": "refund",
    # what shops call a membership: "I've switched your Plus to Monthly"
    "plus": "membership", "prime": "membership", "premium": "membership", "vip": "membership",
}  # fmt: skip
# A generic verb takes its action from its object: "issued your refund" -> refund.
_NOUN_ACTION = {
    "refund": "refund", "replacement": "dispatch", "cancel": "cancel", "cancellation": "cancel",
    "deletion": "delete", "erasure": "delete", "closure": "delete",
}  # fmt: skip
# Fulfilment verbs acting on the order itself describe the shop's process, not an agent action.
_FULFILMENT = {"dispatch", "send"}
_ORDER_NOUNS = {"order", "item", "items", "product", "delivery", "it", "goods"}
_PRONOUNS = {"it", "them", "this", "that", "one", "those", "these", "sie", "es", "ihn", "lo", "la"}
_PRONOUN = "<pronoun>"
_DROP = {
    "and", "your", "the", "a", "an", "my", "his", "her", "their", "its", "some", "any", "all",
    "both", "you", "yourself", "now", "just", "already", "also", "today", "again", "successfully",
    "el", "los", "las", "un", "una", "tu", "tus", "su", "sus", "le", "les", "une", "votre",
    "vos", "ton", "ta", "tes", "ihre", "ihren", "ihrem", "ihrer", "ihr", "die", "der", "das",
    "den", "dem", "eine", "einen", "einem", "ein", "ihnen", "il", "gli", "i", "suo", "sua",
    "tuo", "tua", "o", "os", "as", "seu", "soeben", "gerade", "bereits", "jetzt", "nun",
    "schon", "heute", "auch", "ya", "déjà", "bien", "maintenant", "già", "ora", "já", "hoy",
    "aujourd'hui", "oggi", "hoje", "new", "amount", "id",
    # how much of it: "a full refund" is a refund
    "full", "partial", "complete", "whole", "total", "entire",
}  # fmt: skip
_OWN = {"our", "nuestro", "nuestra", "nuestros", "nuestras", "unser", "unsere", "unseren",
        "notre", "nos", "nostro", "nostra", "nosso", "nossa"}  # fmt: skip
# Where an object's noun phrase ends.
_STOP = re.compile(
    r"[,;:!?()\"\u2013\u2014]|\.(?!\S)|\s-\s|\b(?:and|as|so|because|but|which|who|on|to|for|from|in|at|"
    r"by|with|of|into|via|within|under|out|back|until|while|y|e|und|et|ed|para|por|con|de|del|"
    r"des|du|au|aux|à|pour|sur|avec|von|vom|für|auf|zu|zum|zur|mit|bei|per|su|di|da|del|em|"
    r"no|na|com|que|qui|dass|weil)\b",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
_AMOUNT = re.compile(r"[£$€]\s?\d[\d,.]*|\d[\d,.]*\s?(?:€|eur|usd|gbp)|#?\b[A-Z]?-?\d[\d-]*\b")

# --- statements ------------------------------------------------------------------------------

_ADVERBS = (
    r"(?:\s+(?:just|already|now|also|successfully|then|recently|personally|quickly|today|"
    r"gone\s+ahead\s+and|went\s+ahead\s+and))*"
)
_EN_FORMS = "|".join(sorted(_EN_PAST, key=len, reverse=True))
_EN_BASES = "|".join(sorted(_EN, key=len, reverse=True))
_SUBJECT = r"(?<![\w'\u2019])(?:I|we)"
_ACTIVE = re.compile(
    _SUBJECT + r"(?P<aux>['\u2019]ve|\s+have|\s+had)?" + _ADVERBS + rf"\s+(?P<verb>{_EN_FORMS})\b"
    + rf"|{_SUBJECT}(?:['\u2019]ve|\s+have|\s+had|\s+was|\s+were)?(?:\s+now|\s+just)*\s+"
    rf"(?:been\s+able\s+to|managed\s+to)\s+(?P<able>{_EN_BASES})\b",
    re.IGNORECASE,
)  # fmt: skip
_PARTICLE = re.compile(r"^\s+(?:out|off|over)\b", re.IGNORECASE)
_PASSIVE = re.compile(
    r"\b(?:(?P<aux>has|have)" + _ADVERBS + r"\s+been|(?P<state>is|are)(?=\s+(?:now|already)\b))"
    + _ADVERBS + rf"\s+(?P<verb>{_EN_FORMS})\b",
    re.IGNORECASE,
)  # fmt: skip
# "the refund of £42.50 has gone back to your card"
_GONE_BACK = re.compile(
    r"\b(?:has|have)" + _ADVERBS + r"\s+(?:gone|been\s+sent|been\s+paid)\s+back\b", re.I
)
# "I've now put your Plus membership on pause": a pause said with "put". Without "have" or
# "now"/"just" it may be the present ("we put orders on hold while ...").
_PUT_ON_PAUSE = re.compile(
    _SUBJECT + r"(?:(?:['\u2019]ve|\s+have)" + _ADVERBS + r"|\s+(?:now|just|already))"
    r"\s+put\s+(?P<object>(?:[^\s,.;:!?]+\s+){1,6}?)on\s+(?:pause|hold)\b",
    re.IGNORECASE,
)
# "your Plus is on hold for 2 months now", "is now on hold": a pause in the state it left.
_ON_HOLD_NOW = re.compile(
    r"\byour\s+(?P<object>(?:[\w-]+\s+){0,2}?[\w-]+)\s+is\s+(?:now\s+on\s+(?:hold|pause)\b"
    r"|on\s+(?:hold|pause)\b[^.;!?]{0,30}\bnow\b)",
    re.IGNORECASE,
)
# "That's all switched over to 7 Pennant Way now", "that's cancelled for you": done, said as
# the state it is in.
_THAT_IS_DONE = re.compile(
    r"\b(?:that|it|this)(?:'|\u2019)?s (?:all |now |been )*(?P<verb>switched|changed|updated|moved|"
    r"amended|corrected|cancell?ed|paused|refunded|deleted|removed|closed)(?: over)?\b",
    re.IGNORECASE,
)
# "Done - your address is now 4 Mill Lane": a detail the agent changed, in its new value.
_NOW_IS = re.compile(
    r"\byour\s+(?P<noun>(?:[\w-]+\s+){0,2}(?:address|plan|email(?:\s+address)?|password|"
    r"phone\s+number|name|delivery\s+date|payment\s+method))\s+(?:is|has\s+been\s+set\s+to)\s+now\b",
    re.IGNORECASE,
)
_FOREIGN_ACTIVE = re.compile(
    # es/it/pt: "(lo) he cancelado", "ho annullato"; fr: "j'ai annulé", "nous l'avons résiliée"
    r"(?<![\w'\u2019])(?:(?:ya\s+)?(?:(?:se\s+)?(?:lo|la|los|las|le|les|te|l['\u2019]|gli|ve|vi|ti)\s*)?"
    r"(?:he|hemos|ho|abbiamo|j['\u2019]ai|(?:je|nous)\s+(?:l['\u2019]|les\s+|vous\s+)?(?:ai|avons)"
    r"|(?:eu\s+|já\s+)?(?:tenho|temos)))"
    r"(?:\s+(?:ya|già|déjà|bien|maintenant|ora|appena|justement|todo|già))*"
    rf"\s+(?P<verb>{_FOREIGN_PAST})(?![\w])"
    # de: "ich habe Ihre Mitgliedschaft gekündigt" (the object sits between)
    r"|(?<![\w'\u2019])(?:ich|wir|ik|we)\s+(?:habe|haben|hatte|hatten|heb|hebben|had|hadden)\s+"
    r"(?P<mid>(?:[^\s,.;:!?]+\s+){0,7}?)"
    rf"(?P<deverb>{_FOREIGN_PAST})(?![\w])"
    # pt: "cancelei a sua assinatura"
    r"|(?<![\w'\u2019])(?:já\s+|eu\s+)?(?P<ptverb>cancelei|anulei|reembolsei|atualizei|corrigi|"
    r"alterei|troquei|exclu[ií]|apaguei|pausei|enviei|processei)(?![\w])",
    re.IGNORECASE,
)  # fmt: skip
_FOREIGN_PASSIVE = re.compile(
    r"(?<![\w'\u2019])(?P<aux>ha\s+sido|han\s+sido|se\s+ha|se\s+han|ya\s+está|ya\s+están|"
    r"wurde|wurden|ist|sind|a\s+été|ont\s+été|est\s+(?:maintenant|désormais|bien)|"
    r"è\s+stat[oa]|sono\s+stat[ie]|foi|foram)"
    r"(?P<mid>(?:\s+(?:[^\s,.;:!?]+)){0,4}?)"
    rf"\s+(?P<verb>{_FOREIGN_PAST})(?:\s+worden)?(?![\w])",
    re.IGNORECASE,
)
_FOREIGN_JUST = re.compile(
    r"(?<![\w'\u2019])(?:acabo|acabamos|je\s+viens|nous\s+venons)\s+d(?:e\s+|['\u2019])"
    r"(?:(?:lo|la|le|les|l['\u2019])\s*)?(?P<verb>"
    + "|".join(_JUST_DONE_VERBS.values())
    + r")(?![\w])",
    re.IGNORECASE,
)
_DETERMINER = re.compile(
    r"(?<![\w'\u2019])(?:your|the|an?|my|this|these|those|our|tu|tus|su|sus|el|los|las|votre|vos|"
    r"ihre|ihr|die|der|das|il|lo|gli|seu|sua|nuestr[oa]s?|unser[e]?|notre|nos|nostr[oa])\b",
    re.IGNORECASE,
)
_PREPOSITION_FIRST = re.compile(r"^\s*(?:au|aux|à\s+la|à\s+l['\u2019])\s*", re.IGNORECASE)
_CONDITION = re.compile(
    r"\b(?:once|when|whenever|after|if|unless|until|as\s+soon\s+as|whether|before|in\s+case|"
    r"since|so\s+that|cuando|si|una\s+vez|hasta\s+que|en\s+cuanto|antes\s+de|después\s+de|"
    r"sobald|wenn|falls|nachdem|bevor|bis|quand|lorsque|dès\s+que|une\s+fois|avant|après|"
    r"quando|appena|dopo|finché|assim\s+que|depois)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:nicht|kein\w*|nie|noch\s+nicht|not|never|no)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:(\u2013\u2014]|\s-\s")
# A full stop ends a sentence only before a space: "{{order.id}}" and "larkfield.example" stay.
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+(?:[.!?]+|$)")


@dataclass(frozen=True)
class StatedAction:
    """An action a canned response states as already done.

    `lemma` names the action ("cancel", "refund", "update", "dispatch", "delete", "pause",
    "change"...), `phrase` is the statement's own words ("cancelled your Larkfield Plus
    membership"), `todo` the line the agent reads before sending it ("Cancel the Larkfield
    Plus membership"), and `target` the canonical words of what was acted on ("larkfield",
    "plus", "membership"), which `performed` compares with what the agent's turns name.
    """

    lemma: str
    phrase: str
    todo: str
    target: tuple[str, ...] = ()

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> StatedAction | None:
        """The stored form back; '' (no action) or unreadable text gives None."""
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(
                str(data["lemma"]),
                str(data["phrase"]),
                str(data["todo"]),
                tuple(str(w) for w in data.get("target", ())),
            )
        except (ValueError, KeyError, TypeError):
            return None


def stated_action(title: str, body: str) -> StatedAction | None:
    """The first action `body` states as already done, or None for any other response.

    The title is not read: titles name the topic ("Plus cancelled" and "Plus - how to cancel"
    alike), the body is what the customer would be told.
    """
    del title  # kept in the signature: callers pass both, and a library may need it one day
    found = _statements(body)
    return found[0] if found else None


def performed(action: StatedAction, agent_turn_texts: Sequence[str]) -> bool:
    """Whether the agent's own turns say `action` was done.

    The same action family ("I've processed the refund" performs "We have issued your
    refund"), and where both name what was acted on, a shared word: "I've cancelled your Plus
    membership" does not perform "I've cancelled your order".
    """
    want = _FAMILY.get(action.lemma, action.lemma)
    for text in agent_turn_texts:
        for done in _statements(text):
            if _FAMILY.get(done.lemma, done.lemma) == want and (
                _compatible(action.target, done.target) or _TO_THE_CUSTOMER.match(done.phrase)
            ):
                return True
    return False


# "Done", "that's gone through for you now", "all sorted on our side": the agent did what was
# asked without naming it.
_DONE_AS_ASKED = re.compile(
    r"^\W*(?:all )?done\b|\bthat(?:'|\u2019)?s (?:now )?(?:all )?(?:done|sorted|gone through|"
    r"been (?:done|sorted|actioned|processed)|taken care of)\b|\ball sorted\b|"
    r"\b(?:i|we)(?:'|\u2019)?ve (?:sorted|done|actioned) (?:that|it|this)\b",
    re.IGNORECASE,
)
# The customer's request the "done" answers: "can I cancel order #60017", "please pause my Plus".
_ASKED_VERBS = {
    "cancel": "cancelled", "pause": "paused", "refund": "refunded", "delete": "deleted",
    "close": "closed", "change": "changed", "update": "updated", "remove": "removed",
    "unsubscribe": "unsubscribed", "switch": "switched", "resend": "resent", "move": "moved",
    "upgrade": "upgraded", "downgrade": "downgraded",
}  # fmt: skip
_ASKED = re.compile(
    r"\b(?P<verb>" + "|".join(_ASKED_VERBS) + r")\s+(?P<object>(?:[^\s,.;:!?]+\s+){0,3}?"
    r"[^\s,.;:!?]+)(?=\s+(?:please|pls|for|to|and|asap|now|today|as)\b|[,.;:!?]|\s*$)",
    re.IGNORECASE,
)


_INSTEAD = re.compile(r"\b(instead|rather than)\b", re.IGNORECASE)


def done_as_asked(requests: Sequence[str], reply: str) -> str:
    """What a bare "Done" in `reply` did, as a statement ("I've cancelled order #60017."), or "".

    `requests` are the customer's turns before the reply, newest first; the first that asks for
    an action is the one done. A reply that states its own action needs no reading.
    """
    if not _DONE_AS_ASKED.search(reply):
        return ""
    for request in requests:
        asked = _ASKED.search(request)
        if asked:
            thing = re.sub(r"^(?:my|the|this|that)\s+", "your ", asked["object"], flags=re.I)
            done = f"I've {_ASKED_VERBS[asked['verb'].lower()]} {thing}."
            said = {_FAMILY.get(a.lemma, a.lemma) for a in _statements(reply)}
            # A reply that names this very action needs no spelling out.
            action = _EN[asked["verb"].lower()][1]
            own = _FAMILY.get(action, action) in said or _INSTEAD.search(reply)
            return "" if own else done
    return ""


def named_in(action: StatedAction, text: str) -> bool:
    """Whether `text` names what `action` acts on (any word of its target), or it names none."""
    target = set(action.target) - {_PRONOUN}
    return not target or bool(target & {_canonical(w.lower()) for w in _WORD.findall(text)})


def _compatible(wanted: tuple[str, ...], said: tuple[str, ...]) -> bool:
    if _PRONOUN in said or _PRONOUN in wanted:
        return True  # "I've just cancelled it for you": the thread says what "it" is
    if said and not set(said) - _WHICH_ONE:
        # "I've refunded the second £112.00": which one of what the thread is about.
        return True
    if not wanted or not said:
        return not wanted and not said
    return bool(set(wanted) & set(said))


# "switched you to Plus Annual", "moved you onto the yearly plan": the customer is moved.
_TO_THE_CUSTOMER = re.compile(
    r"^\w+ you (?:over\b|(?:over )?(?:to|onto|on to|into)\b)", re.IGNORECASE
)
_WHICH_ONE = frozenset(["second", "first", "other", "extra", "duplicate", "both", "one", "ones"])


# --- reading a text --------------------------------------------------------------------------


def _statements(text: str) -> list[StatedAction]:
    """Every action `text` states as done, in order."""
    flat = _PLACEHOLDER.sub(lambda m: "{{" + m.group(1) + "}}", text)  # "{{ order.id }}" too
    found: list[StatedAction] = []
    for sentence in _SENTENCE.finditer(flat):
        found += _in_sentence(sentence.group().strip())
    return found


def _in_sentence(sentence: str) -> list[StatedAction]:
    found: list[tuple[int, StatedAction]] = []
    for match in _ACTIVE.finditer(sentence):
        if _open_clause(sentence, match.start(), match.end()):
            continue
        written = match.group("verb") or match.group("able")
        base = _base(written) if match.group("verb") else written.lower()
        if match.group("verb") and written.lower() == base and not match.group("aux"):
            continue  # "we reset it" may be a present tense
        # "I've sent out a replacement": the particle is part of the verb, not its object
        tail = _PARTICLE.sub("", sentence[match.end() :], count=1)
        action = _english(base, written, _object_text(tail), _clause_text(tail))
        if action and action.lemma in ("update", "change") and _TO_AN_ADDRESS.search(tail):
            # "I've updated #62311 to Flat 2, 47 Holloway Lane", "updated order #54655 so the
            # lamp goes to Unit 3, Wexford Court": the order's address
            action = replace(action, target=(*action.target, "address"))
        if action:
            found.append((match.start(), action))
    for match in _PASSIVE.finditer(sentence):
        # "is/are" only with now/already: "refunds are processed in 2 days" is the process
        if _open_clause(sentence, match.start(), match.end()):
            continue
        subject = _subject_text(sentence[: match.start()])
        written = match.group("verb")
        action = _english(_base(written), written, subject, subject)
        if action and _EN[_base(written)][1] in _GENERIC and action.lemma in _GENERIC:
            continue  # "payment has already been processed": the shop's process, not an action
        if action:
            found.append((match.start(), action))
    for match in _GONE_BACK.finditer(sentence):
        if not _open_clause(sentence, match.start(), match.end()):
            subject = _subject_text(sentence[: match.start()])
            if action := _english("go back", "went back", subject, subject):
                found.append((match.start(), action))
    for match in _PUT_ON_PAUSE.finditer(sentence):
        if not _open_clause(sentence, match.start(), match.end()):
            thing = match.group("object").strip()
            if action := _english("pause", "paused", thing, thing):
                found.append((match.start(), action))
    for match in _THAT_IS_DONE.finditer(sentence):
        if not _open_clause(sentence, match.start(), match.end()):
            written = match.group("verb")
            if action := _english(_base(written), written, "it", "it"):
                found.append((match.start(), action))
    for match in _ON_HOLD_NOW.finditer(sentence):
        if not _open_clause(sentence, match.start(), match.end()):
            thing = match.group("object").strip()
            if action := _english("pause", "paused", f"your {thing}", f"your {thing}"):
                found.append((match.start(), action))
    for match in _NOW_IS.finditer(sentence):
        if not _open_clause(sentence, match.start(), match.end()):
            noun = match.group("noun")
            action = _make("update", f"updated your {noun}", f"Update the {noun}", noun)
            found.append((match.start(), action))
    found += _foreign(sentence)
    found.sort(key=lambda pair: pair[0])
    seen: set[str] = set()
    unique = []
    for _, action in found:
        if action.phrase not in seen:
            seen.add(action.phrase)
            unique.append(action)
    return unique


def _open_clause(sentence: str, start: int, end: int) -> bool:
    """Whether the statement at [start, end) is conditional, negated or a question."""
    clause = _CLAUSE_BREAK.split(sentence[:start])[-1]
    if _CONDITION.search(clause):
        return True
    rest = sentence[end:]
    return sentence.rstrip().endswith("?") and not _CLAUSE_BREAK.search(rest)


def _base(written: str) -> str:
    lowered = written.lower()
    for form, base in _EN_PAST.items():
        if re.fullmatch(form, lowered):
            return base
    return lowered


def _object_text(tail: str) -> str:
    """The noun phrase right after a verb: up to the first preposition or clause break."""
    stop = _STOP.search(tail)
    return (tail[: stop.start()] if stop else tail).strip()


def _clause_text(tail: str) -> str:
    """The rest of the statement's clause: "your refund of {{input.amount}} for order …"."""
    stop = re.search(r"[,;:!?()\u2013\u2014]|\.(?!\S)|\s-\s|\b(?:and|as|so|but|which)\b", tail)
    return (tail[: stop.start()] if stop else tail).strip()


def _subject_text(head: str) -> str:
    """The noun phrase right before a passive verb: "your delivery address", "the refund".

    Two joined by "and" are both the subject: "your account and the data linked to it".
    """
    parts = re.split(r"[,;:]|\s-\s|\b(?:and|but|so|y|und|et|e)\b", head, flags=re.I)
    # "the refund of £42.50": the head is before the preposition
    stop = _STOP.search(parts[-1])
    text = (parts[-1][: stop.start()] if stop else parts[-1]).strip()
    # "I can confirm your refund": the phrase starts at its determiner
    starts = list(_DETERMINER.finditer(text))
    own = text[starts[-1].start() :] if starts else text
    joined = list(_DETERMINER.finditer(parts[-2])) if len(parts) > 1 and starts else []
    if joined and starts[0].start() == 0:
        before, first = parts[-2][: joined[-1].start()], parts[-2][joined[-1].start() :].strip()
        # "sorry for the wait and your address ...": a preposition's object is no subject
        if len(first.split()) <= 4 and not _PREPOSITION_END.search(before):
            return f"{first} and {own}"
    return own


_PREPOSITION_END = re.compile(r"\b(?:for|about|to|with|from|of|in|on|at|by|after)\s*$", re.I)


def _english(base: str, written: str, object_text: str, rest: str) -> StatedAction | None:
    """The action an English statement names, or None for the shop's process or its own things.

    `object_text` names what was acted on; `rest` is the statement's words after the verb
    (active) or its subject (passive), for the phrase and the to-do line.
    """
    target = _target(object_text)
    if target is None:
        return None  # the team's own thing: "we have updated our terms"
    if _EN[base][1] in ("send", "dispatch") and _A_NEW_ONE.match(object_text):
        target = (*target, "replacement")  # "I've sent you a brand new pan": a replacement
    action = _resolve(_EN[base][1], target)
    if action in ("send", "dispatch", "return") and _MONEY_BACK.search(rest):
        action = "refund"  # "sent the duplicate £38.50 back to your card"
    if action is None:
        return None
    phrase = _trim(f"{written.lower()} {rest[:1].lower()}{rest[1:]}")
    todo = _trim(f"{base.capitalize()} {_your_to_the(rest)}")
    acted_on = _drop_action_noun(action, target)
    if target and not acted_on and (of := _OF.search(rest)):
        # "completed the deletion of your account": what the noun's action was done to
        acted_on = _drop_action_noun(action, _target(_object_text(of.group(1))) or ())
    return StatedAction(action, phrase, todo, acted_on)


_A_NEW_ONE = re.compile(
    r"^(?:(?:you|her|him|them)\s+)?(?:a |an )?(?:brand[- ]new|new|another|fresh|second|"
    r"replacement)\b",
    re.IGNORECASE,
)
# " to Flat 2, 47 Holloway Lane", " to 12 Rue ...", " to ... NN15 6RB": a place a parcel goes
_TO_AN_ADDRESS = re.compile(
    r"\bto\b[^.;]{0,60}?(?:\b(?:flat|apartment|apt|unit|suite)\s+\w+|\b\d+[a-z]?,?\s+[A-Z][\w'-]+"
    r"(?:\s+[A-Z][\w'-]+)*\s+(?:lane|road|street|st|avenue|ave|close|drive|way|court|place|"
    r"crescent|gardens|terrace|row|square|hill|grove|mews|walk)\b|"
    r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b)",
    re.IGNORECASE,
)


def _foreign(sentence: str) -> list[tuple[int, StatedAction]]:
    found = []
    for pattern in (_FOREIGN_ACTIVE, _FOREIGN_PASSIVE, _FOREIGN_JUST):
        for match in pattern.finditer(sentence):
            if _open_clause(sentence, match.start(), match.end()):
                continue
            groups = match.groupdict()
            mid = groups.get("mid") or ""
            if _NEGATION.search(mid):
                continue
            written = next(
                g for g in (groups.get(k) for k in ("verb", "deverb", "ptverb")) if g is not None
            )
            action = _foreign_action(written, pattern is _FOREIGN_JUST)
            if action is None:
                continue
            if pattern is _FOREIGN_PASSIVE and not match.group("aux").lower().startswith("se"):
                object_text = _subject_text(sentence[: match.start()])
            elif groups.get("deverb"):
                object_text = mid.strip()
            else:
                # "nous avons procédé au remboursement": the action is after the preposition
                after = _PREPOSITION_FIRST.sub(" ", sentence[match.end() :])
                object_text = _object_text(after)
            before = sentence[max(0, match.start() - 1) : match.end()].lower()
            pronoun = bool(re.search(r"\b(?:lo|la|los|las|l['\u2019]|les)\s*\w", before[:12]))
            target = _target(object_text)
            if target is None:
                continue
            if pronoun and not target:
                target = (_PRONOUN,)
            resolved = _resolve(action, target)
            if resolved is None:
                continue
            phrase = _trim(
                f"{object_text} {written}" if groups.get("deverb") or pattern is _FOREIGN_PASSIVE
                else f"{written} {object_text}"
            )  # fmt: skip
            todo = f"{_ACTION_VERB[resolved]} ({phrase})"
            target = _drop_action_noun(resolved, target)
            found.append((match.start(), StatedAction(resolved, phrase, todo, target)))
    return found


def _foreign_action(written: str, infinitive: bool) -> str | None:
    table = {a: (forms,) for a, forms in _JUST_DONE_VERBS.items()} if infinitive else _FOREIGN
    for action, forms in table.items():
        if any(re.fullmatch(form, written, re.IGNORECASE) for form in forms):
            return action
    return None


def _target(object_text: str) -> tuple[str, ...] | None:
    """Canonical words of what was acted on; (<pronoun>,) for "it"; None for "our terms"."""
    words = []
    for placeholder in _PLACEHOLDER.finditer(object_text):
        name = placeholder.group(1).split(".")
        if name[0] != "customer" and name[-1] not in ("amount", "id", "name", "first_name"):
            words.append(name[-1].lower())
        elif name[0] == "order":
            words.append("order")
    text = _AMOUNT.sub(" ", _PLACEHOLDER.sub(" ", object_text))
    raw = [w.lower().strip("'\u2019") for w in _WORD.findall(text)]
    if not raw and _ORDER_NUMBER.search(object_text):
        words.append("order")  # "I've just cancelled 618772 for you": the order by its number
    if raw and raw[0] in _OWN:
        return None
    content = [w for w in raw if w not in _DROP]
    if content and all(w in _PRONOUNS for w in content) and not words:
        return (_PRONOUN,)
    for word in raw:
        if word in _DROP or word in _OWN:
            continue
        words.append(_canonical(word))
    return tuple(dict.fromkeys(words))


_MONEY_BACK = re.compile(
    r"\bback\s+(?:in)?to\s+(?:your|the)\s+(?:\w+\s+)?(?:card|account|bank)", re.IGNORECASE
)
_OF = re.compile(r"\bof\s+(.+)")  # "the deletion of your account": what a noun acted on
_ORDER_NUMBER = re.compile(r"^\s*#?(?:[A-Z]{1,3}-?)?\d{5,}\b")  # "618772", "A-660431"


def _canonical(word: str) -> str:
    if word in _SYNONYMS:
        return _SYNONYMS[word]
    for key, value in _SYNONYMS.items():
        if len(key) > 5 and word.endswith(key):
            return value  # German compounds: "Lieferadresse" is an address
    return word[:-1] if word.endswith("s") and len(word) > 4 and not word.endswith("ss") else word


def _resolve(action: str, target: tuple[str, ...]) -> str | None:
    """The action itself, or None where the statement describes the shop's own process.

    A generic verb takes its action from its object ("issued your refund" is a refund, "sent a
    replacement" a dispatch); a fulfilment verb on the order itself ("your order has been
    dispatched") is the warehouse's doing, not the agent's.
    """
    named = next((_NOUN_ACTION[w] for w in target if w in _NOUN_ACTION), None)
    if action in _GENERIC or action in _NOUN_ONLY:
        action = named or action
    if action in _NOUN_ONLY:
        return None
    on_order = not target or _PRONOUN in target or bool(set(target) & _ORDER_NOUNS)
    if action in _FULFILMENT and "replacement" not in target and on_order:
        return None
    return action


def _drop_action_noun(action: str, target: tuple[str, ...]) -> tuple[str, ...]:
    """In "issued your refund" the refund is the action, not what it acted on."""
    return tuple(w for w in target if _NOUN_ACTION.get(w) != action or action == "dispatch")


_TRAILING = {"for", "you", "to", "and", "the", "your", "a", "now", "today", "just", "already"}


def _trim(phrase: str, limit: int = 10) -> str:
    words = phrase.split()
    while words and words[-1].lower() in _TRAILING:
        words.pop()
    return " ".join(words[:limit])


def _your_to_the(text: str) -> str:
    text = re.sub(r"\byour\b", "the", text, flags=re.IGNORECASE)
    text = re.sub(r"^you\s+", "", text, flags=re.IGNORECASE)  # "emailed you a label"
    return _trim(text)


def _make(action: str, phrase: str, todo: str, object_text: str) -> StatedAction:
    return StatedAction(action, phrase, todo, _target(object_text) or ())
