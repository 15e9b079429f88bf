"""Requests a shop's support library often has no reply for, named so a missing one is seen.

"Do you do engraving?", "Is this text really from you?", "Where do I send my CV?": a
library made for orders, returns and payments rarely answers these, yet its nearest response
can look like a match ("as a gift" -> the gift-card reply, "your parcel is held at our
depot" -> the delay reply). When every request of a message is one of these topics and the
library's own texts never mention it, nothing in the library fits, whatever the ranking says.
A library that does mention it (a "Gift wrapping" reply) is left to its ranking.

The table is general support language in the Latin-script languages the app reads (en, de,
fr, es, it, pt, nl), not the wording of any one library or thread. No Qt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

# Languages a manual may be asked for in (English, the shop's own, is not asked for).
_LANGUAGE_NAMES = (
    r"(polish|czech|slovak|romanian|hungarian|greek|turkish|arabic|chinese|japanese|korean|"
    r"ukrainian|russian|portuguese|italian|spanish|french|german|dutch|swedish|danish|"
    r"norwegian|finnish|lithuanian|latvian)( language)?"
)
# (topic, what customers write). Matched case-insensitively at word starts; each pattern must
# be specific enough that it never names an everyday order, delivery or payment request.
TOPICS: tuple[tuple[str, str], ...] = (
    (
        "engraving or personalisation",
        r"engrav\w*|personali[sz]ed? (it |them )?with|(add|put|print) (a |my |our |his |her )?"
        r"(name|names|initials) on|monogram\w*|gravur\w*|gravieren|gravure|"
        r"graver|grabad[oa]|incidere|graveren",
    ),
    (
        "gift wrapping",
        r"gift[- ]?wrap\w*|wrap (it|them) (up )?as a gift|handwritten (card|note|message)|"
        r"(include|add|pop|put|slip) a (gift |personal )?(card|note|message) (in|with)|"
        r"geschenkverpackung|als geschenk "
        r"verpack\w*|papier cadeau|emballage cadeau|papel de regalo|envolver para regalo|"
        r"confezione regalo|incartare|embrulh\w* para presente|cadeauverpakking|"
        r"inpakken als cadeau",
    ),
    (
        "a gift receipt",
        r"gift receipt|(leave|take|keep) (the )?prices? off|without (the )?prices|"
        r"geschenkbeleg|ticket cadeau|ticket regalo|scontrino regalo|talão de oferta|"
        r"cadeaubon zonder prijs",
    ),
    (
        "assembly or carrying it in",
        # "will they carry the new ones upstairs and put them together?"
        r"(put|putting) (them|it|the \w+) together|assembl(e|y|ing)\b|"
        r"carry (them|it|the \w+|the \w+ \w+) (up|upstairs|up the stairs|inside|indoors)\b|"
        r"(montage|aufbauen|aufbau|montaje|montar|montaggio|montagem|in elkaar zetten)\b",
    ),
    (
        "a trade-in or taking an old appliance away",
        r"trade[- ]in|part[- ]exchange|take (away )?(my|the|our) old|recycle (my|the|our) old|"
        # "if I get the Barista One, would you take the Gaggia and knock something off?"
        r"(take|have) (my|the|our) \w+( \w+)? (off (me|us|my hands)|and (knock|take) (something|"
        r"some money|a bit|money|[£$€]?\d+) off)|"
        r"take[- ]back (scheme|service|programme|program)|old appliances?|"
        r"alte[nrs]? \w+ (mitnehmen|entsorgen|in zahlung)|inzahlungnahme|reprise de (mon|ma|l)|"
        r"reciclarl[oa]|entregar mi \w+ viej[oa]|ritiro dell'usato|retoma|inruil",
    ),
    (
        "a donation for a good cause",
        r"donat(e|ion|ing)|raffle|tombola|fundrais\w*|charity (event|auction)|"
        r"spende[nt]?|tombola|don pour|dons? (à|pour) (une|notre) association|donaci[oó]n|"
        r"donar un|rifa|beneficenza|donazione|lotteria|doação|rifa|goed doel|loterij",
    ),
    (
        "spare parts",
        r"spare (part|parts|grille|lid|filter|tray|jug|carafe|handle|gasket|seal|burr)s?|"
        r"replacement (part|parts)|buy (just )?(a |the )?(replacement|spare|new) (grille|lid|"
        r"handle|tray|jug|carafe|gasket|seal|burr)|ersatzteil\w*|pièces? détachées?|"
        # "do you sell the replacement glass jug for a ... machine?", "you might do spares"
        r"(sell|stock|buy) (the |a |an |any )?(replacement|spare) ([\w.-]+ ){0,2}(grille|lid|"
        r"handle|tray|jug|carafe|gasket|seal|burr|part)s?\b|(do|sell|stock) spares\b|"
        r"(pieza|piezas) de repuesto|repuestos?|pezz[oi] di ricambio|peças? de reposição|"
        r"onderde(e)?l(en)?",
    ),
    (
        "a shop to visit",
        r"(shop|store|showroom|stockist)s? (i|we) (can|could) (visit|go to|see)|visit (your|a) "
        r"(shop|store|showroom)|physical (shop|store)|stockists?|showroom|"
        r"ladengeschäft|magasin physique|boutique (physique|à visiter)|tienda física|"
        r"negozio fisico|loja física|fysieke winkel|"
        # "do u have a shop in manchester", "want to see the Barista One in person"
        r"(do|does) (you|u|ya) (guys )?(have|got) (a |any )?(real )?(shop|store)s? (in|near)|"
        r"see (it|them|one|the [\w -]{1,30}?) in (person|real life)",
    ),
    (
        "a suspicious message",
        # "This is a SCAM" from an angry customer is an accusation, not a question about a text
        r"(is|was) (this|that|it) (a )?scam|scam (text|email|e-mail|message|call|link)s?|"
        r"phishing|suspicious (text|email|e-mail|message|link|call)|fake (text|email|"
        r"e-mail|message|website)|"
        r"is (this|that|it) (really |actually )?(you|from you|genuine|legit)\b|"
        # "Is it real, and do I need to do anything? Should I report it somewhere?"
        r"(is|was) (this|that|it|the (text|email|message)) (real|genuine|legit(imate)?)\b|"
        r"report (it|this|the (text|email|message)) (somewhere|to (someone|anyone|you|the police))|"
        r"(text|email|e-mail|message|sms|call|link)s? (\w+ )?(really |actually )?(from you|"
        r"genuine|legit)\b|"
        r"betrug\w*|betrüger\w*|arnaque|escroquerie|estafa|truffa|golpista|oplichting",
    ),
    (
        "a job application",
        r"\b(cv|résumé)\b|job (application|opening|vacanc\w*)|(apply|applying) for (a|the) "
        r"(job|role|position)|are you hiring|work for you|bewerbung|stellenangebot|candidature|"
        r"offre d'emploi|solicitud de empleo|oferta de (empleo|trabajo)|candidatura|"
        r"vaga de emprego|sollicitatie|vacature",
    ),
    (
        "wholesale or trade",
        r"wholesale|b2b|trade (account|price|pricing|programme|program)|bulk (order|pricing|"
        r"discount|buy)|corporate (gift|order|account)\w*|(30|60|90)[- ]day (payment |invoice |"
        r"credit )?terms|invoice terms|payment terms|"
        r"on (credit|account) terms|großhandel|wiederverkäufer|grossiste|vente en gros|"
        r"mayorista|al por mayor|"
        r"ingrosso|rivenditore|atacado|atacadista|groothandel",
    ),
    (
        "a product's specification before buying",
        # "Do the Cove pans work on an induction hob?", "Is the jug dishwasher safe?": asked
        # before buying. "It warped on my induction hob" is a fault, not a question.
        r"(do|does|will|would|can) (it|they|these|this|the [\w -]{1,30}?) (work|go|be used) on "
        r"(an? |my |our )?(induction|gas|aga|ceramic)|(is|are) (it|they|these|this|the [\w -]"
        r"{1,30}?) (dishwasher|oven|microwave|freezer)[- ]safe|(can|could) (it|they|these|this|"
        r"the [\w -]{1,30}?) go in the (dishwasher|oven|microwave)|what (are|is) the (dimensions|"
        r"measurements|weight|wattage)|how (heavy|tall|wide|loud) is|"
        # "are they ok on an induction hob?", "are the pans PFAS-free?", "steel or aluminium?"
        r"(ok|okay|suitable|safe|fine|compatible) (on|for|with) (an? |my |our )?(induction|gas|"
        r"aga|ceramic)|pfas|ptfe|pfoa|(what (is|are) (it|they|the [\w -]{1,30}?) made (of|from))|"
        r"(stainless steel|aluminium|aluminum) or (stainless steel|aluminium|aluminum)|"
        r"acier inoxydable ou|ou de l'aluminium|"
        r"induktionsgeeignet|für induktion geeignet|spülmaschinenfest\?|compatible(s)? (avec )?"
        r"(l')?induction|apto para inducción|adatt[aoie] (all')?induzione|geschikt voor inductie",
    ),
    (
        "a recommendation which product to buy",
        r"which (one|model|grinder|machine|pan|set|lamp|purifier)s? (should|would|do) (i|we|you) "
        r"(buy|get|choose|recommend)|(can|could) you recommend|what would you recommend|"
        r"welche[ns]? (soll|würden sie) .{0,20}(kaufen|empfehlen)|que me conseillez|"
        r"qué me recomienda|cosa mi consiglia|o que recomenda|wat raadt u aan",
    ),
    (
        "a discount for a group of people",
        r"(student|nhs|blue light|military|forces|veteran|senior|pensioner|teacher|key worker)s? "
        r"discount|discount for (students|nurses|teachers|key workers|pensioners|seniors|the nhs)|"
        r"studentenrabatt|réduction étudiant|descuento (de|para) estudiantes|sconto studenti|"
        r"desconto de estudante|studentenkorting",
    ),
    (
        "packaging or sustainability",
        r"(packaging|box|boxes|packing) (is |are )?(recyclable|plastic[- ]free|compostable)|"
        r"recyclable packaging|plastic[- ]free|carbon (footprint|neutral|offset)|"
        r"sustainab\w+ (policy|report|credentials)|(verpackung|karton) recycel\w*|"
        r"emballage recyclable|embalaje reciclable|imballaggio riciclabile|"
        r"embalagem reciclável|verpakking recyclebaar",
    ),
    (
        "collecting an order or a parcel locker",
        r"click (and|&) collect|collect (it )?(in|from) (a |the |your )?(store|shop|warehouse)|"
        # "order online and collect it myself from there"
        r"collect (it |them )?(myself|ourselves|in person)|"
        # (not "it went to a parcel shop": a delivery problem the library answers)
        r"pick (it )?up (in|from) (a |the |your )?(store|shop|warehouse)|"
        # "can I just drive over tomorrow and pick the lamp up myself?"
        r"pick (it|them|the \w+|my \w+) up (myself|ourselves|in person)|"
        r"(drive|come|pop|nip) (over|round|down|by) (\w+ ){0,3}and (pick|collect)|"
        r"(deliver|send) (it )?to (a|an|my) (parcel locker|amazon locker|packstation)|"
        r"selbst abholen|retrait en magasin|recoger en tienda|ritiro in negozio|"
        r"levantar na loja|afhalen in de winkel",
    ),
    (
        "a smart-home or voice assistant",
        r"alexa|google home|google assistant|google nest|siri|homekit|apple home|smartthings|"
        r"ifttt|voice (control|assistant|command)|by voice|sprachsteuerung|commande vocale|"
        r"control por voz|asistente de voz|assistente vocale|comando vocale|assistente de voz|"
        r"spraakbesturing",
    ),
    (
        "press or affiliate enquiries",
        r"press (enquiry|inquiry|release|kit)|journalist|affiliate (programme|program|link)|"
        r"media (enquiry|inquiry)|presseanfrage|demande (de )?presse|consulta de prensa|"
        r"richiesta stampa|pedido de imprensa|persaanvraag",
    ),
    (
        "changing the account's email address",
        r"change (the |my )?(login |log-in |account |sign[- ]in )?e-?mail( address)? (on|of|for) "
        r"(my|the) account|change (the |my )?(login|log-in|sign[- ]in) e-?mail|"
        r"update (the |my )?(login |account )?e-?mail address (on|of|for) (my|the) account|"
        r"e-?mail-?adresse (meines kontos )?ändern|changer (l'|mon )(adresse )?e-?mail|"
        r"cambiar (el|mi) (correo|e-?mail)|cambiare (l'|la mia )(indirizzo )?e-?mail|"
        r"e-?mailadres wijzigen",
    ),
    (
        "paying in instalments",
        r"klarna|clearpay|afterpay|paypal pay in 3|pay in (3|three|4|four|instalments|"
        r"installments)|(split|spread) (the )?(payment|cost)|"
        r"spread (it|the cost|the payment) (out )?over|"
        r"buy now,? pay later|\bbnpl\b|"
        r"(in|by) (monthly )?(instalments|installments)|finance (option|plan)|ratenzahlung|"
        r"(any kind of|some kind of|option to|can i) pay monthly\b(?! for (plus|the membership))|"
        r"in raten|paiement en (plusieurs fois|\d fois)|pago (a plazos|en cuotas)|"
        r"pagamento (a rate|rateale)|pagamento parcelado|gespreid betalen",
    ),
    (
        "a gift list or wedding registry",
        r"(wedding|gift|baby|birthday) (list|registry)|registry|liste de mariage|hochzeitsliste|"
        r"lista de bodas|lista (di )?nozze|lista de casamento|huwelijkslijst",
    ),
    (
        "a sales pitch to the shop",
        r"\bseo\b|organic (traffic|search)|page one (of|for|on) google|ranking on page one|"
        r"(our|my) (digital |marketing |growth |seo )?agency (has|helps|can)|lead generation|"
        # "Would you be open to a 15-minute call next week?": the pitch's own request
        r"(would you|are you) (be )?open to a (quick |short |brief |free )?(\d+[- ]minute )?"
        r"(call|chat|demo|meeting)",
    ),
    (
        "advice on brewing or using a product",
        # "what grind setting should I use for a double shot?", "for a V60 pour over?"
        r"(what|which) (grind |brew )?(setting|grind size)s? (should|would|do|for)\b|"
        r"grind (setting|size)s? (for|should|would)\b|dial(ling|led)? (it |them )?in\b|"
        r"(pour[- ]over|v60|aeropress|french press|cold brew)\b|mahlgrad|mouture|molienda|"
        r"macinatura",
    ),
    (
        "a manual or instructions in another language",
        # "The manual is English and German only. Do you have it in Polish?"
        rf"((manual|instructions|user guide|leaflet|handbook)s? (in|into)|(have|get|send) (it|one|"
        rf"a copy) in) ({_LANGUAGE_NAMES}|another language|other languages|my (own )?language)\b",
    ),
    (
        "a loan or sample for review",
        r"(lend|loan|borrow) (me |us )?(a|an|one|the) [\w -]{0,30}\b(for|to) (a )?(test|review|try)"
        r"\w*|(review|test) (sample|unit|model)s?\b|sample (unit|model) for",
    ),
    (
        "a collaboration or sponsorship",
        r"collab\w*|influencer\w*|pr package|sponsor\w*|partnership|brand ambassador|kooperation|"
        r"partenariat|colaboración|patrocin\w*|collaborazione|parceria|samenwerking",
    ),
)


@cache
def _compiled() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (topic, re.compile(rf"(?<!\w)(?:{pattern})", re.IGNORECASE)) for topic, pattern in TOPICS
    )


def topics_in(text: str) -> tuple[str, ...]:
    """The topics of TOPICS that `text` names, in table order."""
    return tuple(topic for topic, pattern in _compiled() if pattern.search(text))


def unanswered(asks: Sequence[str], said: Sequence[str]) -> str | None:
    """The topic every ask names and the library never mentions (`said`: those it does).

    None when one ask names no such topic (it is a request the ranking may answer), or when
    the library mentions the topic (it may have a reply for it).
    """
    named = [topics_in(ask) for ask in asks]
    if not named or not all(named):
        return None
    lacking = [t for t in dict.fromkeys(t for row in named for t in row) if t not in said]
    covered = all(any(t in lacking for t in row) for row in named)
    return lacking[0] if lacking and covered else None
