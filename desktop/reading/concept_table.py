"""The table of everyday support paraphrases that `desktop.reading.concepts` reads with.

Each concept: the name added to a text that says it, the plain sentence a customer would say
for it, and what customers write (case-insensitive, matched at word starts). General
e-commerce support language in the Latin-script languages the app reads (en, de, fr, es, it,
pt, nl), written from how customers phrase these needs, not from any one library; keep each
pattern specific enough that it never fires on an unrelated sentence. Places abroad are read
only after an English shipping verb: the shop's own country is not known, and a German shop's
"Lieferung nach Berlin" is domestic. No Qt.
"""

from __future__ import annotations

import re

# Places abroad, read only beside an English shipping verb (see the docstring).
_PLACES = (
    r"(norway|sweden|denmark|finland|iceland|switzerland|austria|germany|france|spain|"
    r"portugal|italy|ireland|netherlands|belgium|poland|greece|turkey|canada|usa|america|"
    r"mexico|brazil|australia|new zealand|japan|china|india|singapore|dubai|uae|"
    r"oslo|zurich|zürich|geneva|stockholm|copenhagen|helsinki|vienna|berlin|munich|paris|"
    r"madrid|barcelona|lisbon|rome|milan|dublin|amsterdam|brussels|warsaw|new york|"
    r"toronto|sydney|melbourne|tokyo)"
)

# Longer ago than a usual return window: "it's been 6 weeks", "over a month ago".
_LONG_AGO = (
    r"((been|over|more than|after|nearly|almost) (\d+|two|three|four|five|six|seven|eight|a "
    r"couple of|a few) (weeks|months)|(over|more than) (a|one) month|(\d+|two|three|six) "
    r"months ago|(over|more than|past) (the )?30 days)"
)

# (name added to the text, the plain sentence for it, what customers write). Patterns are
# matched case-insensitively at word starts; keep each one specific enough that it never fires
# on an unrelated sentence.
CONCEPTS: tuple[tuple[str, str, str], ...] = (
    (
        "unexpected renewal charge",
        "I was charged when my membership renewed and I did not expect it",
        # a charge in the same sentence as a membership that went on by itself: "a free month
        # of plus ... it turns into a paid thing", "nobody told me it would carry on every year"
        # (bounded: an unbounded look along a 200 KB paste with no full stop is quadratic)
        r"(?=[^.!?\n]{0,150}\b(charg\w*|payment|paid|came out|taken|took|debited|billed)\b)"
        r"[^.!?\n]{0,150}\b(auto-?renew\w*|renewed (itself|automatically|without))|"
        # "I'd honestly forgotten I even had the membership"
        r"forg[eo]t(ten)? (that )?(i |we )?(even |still )?(had|have|was (still )?(signed up|"
        r"subscribed|a member)) (to )?(the |a |my |that )?(membership|subscription|plus)|"
        r"turn(s|ed)? into a paid|carr(y|ies|ied) on (every|each) (year|month)|"
        # "nobody told me it would just carry on and take money again"
        r"(carr(y|ies|ied) on|keeps? going|kept going|continu(e|es|ed)) (and |to )?(take|taking|"
        r"took|charg\w*|bill\w*|debit\w*)",
    ),
    (
        "charged twice",
        "I was charged twice for one order",
        r"(two|2|three|3|double|duplicate|multiple|several) (separate |pending |identical |same )?"
        r"(payments|charges|transactions|debits)|two lots of|"
        # "my banking app is now showing £189.00 three separate times"
        r"[£$€]\s?\d+(?:[.,]\d\d)? (\w+ ){0,2}(two|three|four|2|3|4|several|multiple) "
        r"(separate |different )?times|"
        r"(charged|billed|debited|paid|taken) (me )?(twice|two times|double)|"
        # "my banking app shows £64.90 twice", "the payment is on there twice"
        r"[£$€]\s?\d+(?:[.,]\d\d)? (is |appears |shows |showing )?(on there |up )?twice|"
        r"(shows|showed|shown|showing|appears|appeared|appearing|went through|gone through|"
        r"come out|came out) (up |on there )?twice|"
        r"(zweimal|doppelt) (abgebucht|belastet|berechnet|bezahlt)|zwei (abbuchungen|zahlungen)|"
        r"(deux|double) (prélèvements|débits|paiements)|(débité|prélevé|facturé) deux fois|"
        r"dos (cargos|cobros|pagos)|(cobrado|cobraron|cargado) dos veces|"
        r"due (addebiti|pagamenti|movimenti|transazioni)|soldi due volte|"
        r"dos (movimientos|transacciones)|zwei (buchungen|umsätze)|deux (opérations|transactions)|"
        r"(addebitato|pagato) due volte|duas cobranças|"
        r"(cobrado|debitado) duas vezes|(dubbel|twee keer) (betaald|afgeschreven|gerekend)",
    ),
    (
        "damaged",
        "the item arrived damaged",
        r"crack(ed|s)?|smashed|shattered|dented|(a|massive|big|huge) dent\b|crushed|chipped|"
        r"snapped|broken|"
        r"beschädigt|zerbrochen|gebrochen|kaputt angekommen|gesprungen|einen (sprung|riss)|"
        r"cassée?s?|brisée?s?|abîmée?s?|endommagée?s?|fissurée?s?|"
        r"rot[oa]s?|dañad[oa]s?|quebrad[oa]s?|partid[oa]s?|rachad[oa]s?|amolgad[oa]s?|"
        r"danificad[oa]s?|rott[oa]|danneggiat[oa]|incrinat[oa]|ammaccat[oa]|crepat[oa]|"
        r"ha una crepa|schiacciat[oa]|"
        r"ammaccatur[ae]|abollad[oa]s?|abolladura|amolgadela|fissure|une bosse|eine delle|"
        r"dellen|beule|deuk|barst|"
        r"beschadigd|kapot|gebroken",
    ),
    (
        "payment failed",
        "my card payment was declined",
        r"(card|payment|transaction)s? (keeps? )?(getting |being |was |is )?(declined|rejected|"
        r"refused|failing|failed)|declined at checkout|"
        # "the page jumps back to the basket and says declined"
        r"(says|said|saying|shows|showed|showing|just|got|keeps? getting) declined|"
        r"won'?t (go through|accept my card)|"
        r"(payment|transaction|purchase) (could ?n[o']t|can'?t|cannot|did ?n'?t|won'?t) (be )?"
        r"(complete|process|go through)|"
        r"(can'?t|cannot|could ?n[o']t|unable to) (pay|check ?out|complete (the |my )?(payment|"
        r"purchase|order))|"
        r"(karte|zahlung) (wird|wurde) abgelehnt|zahlung fehlgeschlagen|"
        r"(carte|paiement) (est |a été )?(refusée?|rejetée?)|paiement échoué|"
        r"(tarjeta|pago) (fue |es )?(rechazad[oa]|denegad[oa])|"
        r"(carta|pagamento) (è |viene |é )?(rifiutat[oa]|recusad[oa])|"
        r"(kaart|betaling) (wordt |is )?geweigerd",
    ),
    (
        "international shipping abroad",
        "do you deliver to other countries",
        r"abroad|overseas|internationally|outside (the )?(uk|eu|us|usa|europe|country)|"
        r"ins ausland|à l'étranger|al extranjero|all'estero|para o exterior|naar het buitenland|"
        rf"(ship|send|deliver|post)\w*\b.{{0,50}}\b{_PLACES}(?!\w)|"
        rf"(?<!\w){_PLACES}(?!\w).{{0,50}}\b(ship|send|deliver|post)|"
        # "could you post it straight to him over there? would he have to pay anything when it
        # arrives?", "Do you deliver over there?"
        r"(ship|send|deliver|post)\w* (it |them )?(straight )?(to (him|her|them) )?over there|"
        r"(have|need) (anything|something|extra|more) (extra )?to pay when (it|they|the \w+) "
        r"(arrives?|turns? up|comes?|gets? there)|pay anything when (it|they) (arrives?|turns? up)|"
        r"customs (charges?|fees?|duty|duties)|import (duty|duties|tax|vat)",
    ),
    (
        "refund timing",
        "when will I get my refund",
        r"(get|have|receive|see) (my|the) money( back)?|money back|"
        # "Roughly how long before the £89 lands back on my card?"
        r"(lands?|landed|is|gets?|comes?) back (on|in|into) (my|the) (card|account|bank)|"
        # "how long until the money is back on my card?"
        r"(how long|when)\b.{0,30}\b(money|it|that|the amount|my \w+) (is |will be |gets? )?back "
        r"(on|in|to) (my|the) (card|account|bank)|"
        # "roughly when I should see it back" (the money, once the return has landed)
        r"when (i|we) (should|will|would|can|might) (see|expect) (it|that|the money) back(?! from)|"
        r"(should|will|would) (i|we) (see|expect) (it|that|the money) back(?! from)|"
        r"(when|how long)\b.{0,30}\b"
        r"refund|geld zurück|erstattung|rembours|reembols|rimbors|geld terug|terugbetaling|"
        r"mit dem geld rechnen|zurückbekomme|zurückerhalte|(récupérer|ravoir) (mon|l') ?argent|"
        r"rückerstattung|gutschrift|(geld|betrag) wieder(bekomme|erhalte)|wiederbekomme|"
        r"bis (ich|wir) [^.?!]{0,30}\bwieder ?(habe|hab|haben)\b|"
        r"geld (ist )?(noch nicht|immer noch nicht)|noch kein geld|pas encore (été )?rembours|"
        r"todavía no (he recibido|me han devuelto) (el|mi) (dinero|reembolso)|"
        r"(recibir|recuperar) (mi|el) "
        r"dinero|riavere i (miei )?soldi|receber o (meu )?dinheiro|mijn geld terugkrijgen",
    ),
    (
        "faulty warranty repair",
        "the product is faulty and stopped working",
        r"stopped working|(doesn'?t|does not|won'?t|no longer) (work|turn on|switch on|heat|"
        r"charge|pair)|leak(s|ing)?|faulty|defective|broke down|"
        r"funktioniert nicht mehr|defekt|undicht|ne (fonctionne|marche) plus|en panne|"
        r"fuite|dejó de funcionar|no funciona|averiad[oa]|gotea|non funziona|guast[oa]|"
        r"perde acqua|parou de funcionar|não funciona|vaza|werkt niet meer|lekt|"
        r"(rattl|grind|buzz|click|squeak|screech|hum)\w* (noise|sound)|"
        r"makes? a (loud |strange |weird |horrible |funny )?(noise|sound)|"
        r"no (water|coffee|steam|air|light|power) (comes?|coming|came) (out|through)|"
        r"only a (dribble|trickle) (comes?|came) out|"
        # "il motore gira per due secondi e poi si blocca con un ronzio"
        r"si blocca|(con|fa) un ronzio|fa un rumore|se (bloquea|atasca)|hace un ruido|zumbido|"
        r"macht (ein )?(lautes |komisches )?geräusch|brummt|se bloque|fait un bruit|bourdonne|"
        r"(switches|turns|cuts) (itself )?off|"
        # "won't hold a charge anymore ... it cuts out after 30 seconds"
        r"(won'?t|doesn'?t|does not|no longer|not) (hold|holding|keep|keeping) (a |its |any )?"
        r"charge|cuts? out after|"
        # "it has not been turning itself off when the water boils"
        r"(doesn'?t|does not|won'?t|isn'?t|is not|not|never|no longer) (been )?(turn|switch)\w* "
        r"(itself |themselves )off|"
        r"keeps (switching|turning|cutting) off",
    ),
    (
        "cancel order",
        "I want to cancel my order",
        r"changed my mind|(don'?t|no longer) (want|need) (it|them|the order)|"
        # "my account still says Processing on it. can that one be stopped?"
        r"(can|could) (that|it|this|the order)( one)? (still )?be (stopped|cancell?ed|halted)|"
        # "it went through twice ... Can you kill the second one please"
        r"(cancel|kill|scrap|ditch|void) (the )?(second|other|extra|duplicate|spare) "
        r"(one|order|lot)\b|"
        # "Can you stop it before it goes anywhere?"
        r"\b(stop|cancel|halt|catch) (it|them|that|that one|this one|the order|"
        r"the (\w+ ){0,2}order|the (second|other|extra|duplicate|spare) (one|lot|order|parcel|set))"
        r"\b[^.?!]{0,20}\b(before|from) (it |they )?(goes|go|ships?|gets? (to|here)|arrives?|"
        r"shipping|leaves?|leaving|"
        r"(is|are|being|gets?|getting) (sent|shipped|dispatched|packed)|going)\b|"
        r"stornier|annuler|annulation|cancelar|cancelación|annullare|annullamento|annuleren",
    ),
    (
        "descale limescale",
        "how do I descale my coffee machine",
        # "l'acqua è durissima ... il calcare", "the orange light stays on and it pours slowly"
        r"descal(e|ed|es|ing)\b|limescale|hard water|scale build|entkalk\w*|\bkalk\b|verkalkt|"
        r"détartr\w*|"
        r"calcaire|descalcific\w*|\bcal\b|decalcific\w*|\bcalcare\b|acqua (è )?(dura|durissima)|"
        r"agua dura|eau (très )?calcaire|ontkalk\w*|(orange|amber) (warning )?light|"
        r"(lucina|spia|luce) arancion\w*|(voyant|lumière) orange|(luz|piloto) naranja|"
        r"orangene?s? (lampe|licht|leuchte)|oranje lampje|glow\w* orange|white crust",
    ),
    (
        "cancel membership subscription",
        "I want to cancel my membership",
        r"(cancel|end|stop) (my |the |our )?([\w-]+ )?(membership|subscription)|stop paying for|"
        # "Don't really need it going forward - how do I stop it taking money?"
        r"(stop|end) (it|them|you|the (membership|subscription)) (from )?(taking|charging|billing|"
        r"debiting)\b|ne (pas|plus) être prélevée? (encore|à nouveau|de nouveau)|"
        # "Je ne veux plus être prélevée tous les mois": no more monthly payments
        r"ne (veux|souhaite) plus être (prélevée?|débitée?|facturée?) (tous les|chaque) mois|"
        r"(arrêter|stopper|mettre fin aux?) (les |mes )?prélèvements|"
        r"(abbuchungen|lastschriften?) (stoppen|beenden)|(detener|parar) (los|mis) cobros|"
        r"(interrompere|fermare) (gli|i miei) addebiti|"
        r"(parar|cancelar) (as|os) (cobranças|débitos)|"
        r"(don'?t|do not|no longer) want to (be charged|pay) (every|each) month|"
        r"nicht mehr jeden monat (abgebucht|belastet|zahlen)|"
        r"no quiero (que me sigan cobrando|seguir pagando) cada mes|"
        r"(abo|abonnement|mitgliedschaft) (kündigen|beenden)|résilier|arrêter (l'|mon )"
        r"(abonnement|adhésion)|(annuler|résilier) (mon |l')abonnement|darme de baja|"
        r"cancelar (mi |la )?(suscripción|membresía)|disdire|annullare (l'|il mio )abbonamento|"
        r"cancelar a (assinatura|subscrição)|(abonnement|lidmaatschap) opzeggen|"
        # "Je voudrais tout arrêter avant le prochain prélèvement": stopping before the next charge
        r"(stop|cancel|end|arrêter|annuler|stoppen|beenden|kündigen|cancelar|parar|disdire|"
        r"fermare|opzeggen)\b[^.?!\n]{0,30}\b(before|avant|vor|antes|prima|voor) (the |le |la |"
        r"der |dem |el |il |o |a |de |het )?(next|prochaine?|nächsten?|próxim[oa]|prossim[oa]|"
        r"volgende) (payment|charge|renewal|billing|prélèvement|paiement|renouvellement|"
        r"abbuchung|zahlung|verlängerung|cobro|pago|renovación|addebito|pagamento|rinnovo|"
        r"betaling|incasso)|"
        # A membership named, then a wish to stop, in the other languages the app reads: "j'avais
        # pris l'abonnement Plus ... je préfère arrêter complètement"
        # "je voudrais arrêter mon Plus", "mein Plus kündigen"
        r"(arrêter|stopper|annuler|résilier|cancelar|disdire|annullare|interrompere|opzeggen|"
        r"stoppen|beenden) (mon |ma |l'|le |la |mi |il mio |la mia |o meu |a minha |mijn )?"
        r"(?-i:Plus\b)|(?-i:Plus\b) (kündigen|beenden|opzeggen|stopzetten)|"
        # (the membership's name only capitalised: French "plus" is also "no more")
        r"(abonnement|adhésion|(?-i:\bPlus\b)|abo\b|mitgliedschaft|suscripción|membresía|"
        r"abbonamento|assinatura|lidmaatschap)[^|]{0,300}?\b(arrêter|s'arrête|stopper|mettre fin|"
        r"ne (veux|souhaite) (pas|plus) (continuer|payer|être prélevée?)|pas être prélevée?|"
        r"kündigen|beenden|"
        r"nicht (mehr )?verlängern|dar(me)? de baja|cancelar(la|lo)?|no (quiero|deseo) (seguir|"
        r"continuar|pagar)|disdire|annullar(e|lo)|interromper(e|lo)|non (voglio|desidero) "
        r"(continuare|rinnovare|pagare)|opzeggen|stopzetten|niet (meer )?(verlengen|betalen))",
    ),
    (
        "return window",
        "how long do I have to return it",
        r"how long( after [\w ]{1,20}?)? (can|do|does|have|has|will|would) \w+( \w+)? (still )?"
        r"(have |got |get )*((to|for) )?(return|(send|take|post|bring)( \w+)? back)|"
        r"how (many|long) days (do|to) .{0,20}return|"
        r"(until|till) when can (i|we|she|he|they) (still )?(return|send)|return (period|window)|"
        r"(can|could) (it|they|this|these|those) still (go|be sent|be taken|be returned)( back)?|"
        # "can she still return it in the new year, or will it be too late by then?"
        r"(can|could) (i|we|she|he|they) still (return|send|take|bring|post)\b|"
        # "whether I would still be able to send it back once I am home, or will I have missed
        # my chance by then?"
        r"(would|will) (i|we|she|he|they) still be able to (return|send|take|bring|post)\b|"
        r"(have |has )?missed (my|our|her|his|their|the) (chance|window|deadline)|"
        # "these shops only give you a month ... whether I am still allowed to?"
        r"(i am|i'?m|we are|we'?re|she is|she'?s|he is|he'?s|they are|they'?re|am i|are we|"
        r"is she|is he|are they) still (allowed|able|in time|within)\b|"
        r"(only )?(give|gives|allow|allows) (you|customers|people) (a|one) month|"
        r"(will|would|is) (it|that|this) (be )?(going to be )?too late\b|\bis too late\b|"
        r"wie lange (habe|hat|haben) .{0,30}(zurück|rückgabe)|combien de temps .{0,30}retourner|"
        r"cuánto tiempo .{0,30}devolver|quanto tempo .{0,30}(restituire|devolver)",
    ),
    (
        "return an item",
        "I want to return an item",
        r"(send|take|post|bring) (it|them|this|that|these|those|the \w+) back|returning|"
        r"get (it|them|this|these|those) back to you|"
        r"zurückschicken|zurücksenden|zurückgeben|rücksendung|renvoyer|renvoie|retourner|"
        r"devolver|devolución|devuelv\w*|devolv\w*|restituire|restituisc\w*|rimand\w* indietro|"
        r"reso\b|devolução|terugsturen|terugstuur|retourneren|retourneer",
    ),
    (
        "exchange",
        "I want to exchange it for a different one",
        r"swap|exchange|(different|bigger|smaller|other) (size|colou?r)|umtausch|tauschen|"
        # "change it to the green one", "change them for the 28cm"
        r"change (it|them|this|that) (to|for) (the|a|an) ([\w-]+ ){0,2}(one|ones|size|colou?r)\b|"
        # "Can I just send it back for the white one?"
        r"(send|take|bring|post) (it|them) back for (the|a|an) ([\w-]+ ){0,2}(one|ones|size)\b|"
        r"échanger|échange|cambiar por|cambio de talla|cambiare|sostituire con|trocar|ruilen",
    ),
    (
        "change delivery address",
        "I need to change my delivery address",
        r"(wrong|new|different|old|change( the| my)?) (delivery |shipping )?address|"
        r"moved house|(to|at) my (old|previous) (flat|house|place|home)|"
        # "it's set to come to our house ... so it needs to go there instead"
        r"(needs?|has|have) to (go|be (sent|delivered)) (there|to (him|her|them|his|her|their) "
        r"\w+|to (my|our) \w+) instead|(go|send it|deliver it|ship it|send them) there instead|"
        r"(send|sent|deliver|ship|redirect|go|goes|went|come)( it| them| the (order|parcel))? to "
        r"(my|our|the) (office|work|workplace|parents'?|(mum|mom|mother|dad|father|sister|brother|"
        r"daughter|son|friend|partner|gran|grandma|grandad|aunt|uncle|neighbou?r)'?s?|new "
        r"(place|flat|house|home))( (flat|house|place|home))?( instead)?|"
        r"(adresse|lieferadresse) (ändern|falsch)|neue adresse|"
        r"(changer|modifier) (l'|mon )?adresse|nouvelle adresse|"
        r"cambiar (la )?dirección|nueva dirección|cambiare (l')?indirizzo|nuovo indirizzo|"
        r"mudar (o )?endereço|novo endereço|adres wijzigen|nieuw adres",
    ),
    (
        "invoice receipt",
        "I need an invoice for my order",
        r"invoice|vat (number|invoice|receipt)|(need|want|get|send|copy of|lost) (a |an |the |my )?"
        r"(proper |itemised )?rec(ei|ie)pt|"
        # "a proper reciept with the vat shown and the societys name on it"
        r"rec(ei|ie)pts?\b.{0,60}\b(vat|tax|name on it|company|business|society|charity|club)\b|"
        r"(vat|tax) (is |was )?(shown|showing)|"
        # "proper paperwork with the company's name on it for our bookkeeper"
        r"vat (no\b|reg)|(tax|vat) (shown|listed|itemi[sz]ed|broken out) separately|"
        r"(shows?|showing|with) the (vat|tax) (separately|broken out|itemi[sz]ed|on it)|"
        r"(proper |official |formal )?(paperwork|document|documentation|bill)\b.{0,80}\b(vat|tax|"
        r"company|"
        r"business|practice|firm|accounts|accountant|bookkeeper|expenses|reimburs\w*)|rechnung|quittung|facture|factura|recibo|fattura|ricevuta|"
        r"nota fiscal|factuur|bonnetje",
    ),
    (
        "password reset log in",
        "I can't log in to my account",
        r"(can'?t|cannot|unable to) (log|sign) ?in|locked out|forgot(ten)? (my )?password|"
        r"(can'?t|cant|cannot) get (in|into) my (account|acct|acc)|forgot(ten)? (my )?pw\b|"
        r"forgot (the )?pw thing|reset (my )?pw\b|palavra-passe|não consigo entrar|"
        r"passwort|mot de passe|contraseña|password dimenticata|senha|wachtwoord",
    ),
    (
        "account locked",
        "my account is locked after too many attempts",
        r"(account|acct|i'?m|i am|i'?ve been|i have been|i got|i was) (is |was |has been |"
        r"got |been |now )?(locked|blocked|suspended|frozen)\b|(locked|blocked) me out|"
        r"too many (failed |wrong |incorrect )?(attempts|tries|log ?ins)|"
        r"konto (ist )?gesperrt|compte (est )?bloqué|cuenta bloqueada|account bloccato",
    ),
    (
        "reset email not arriving",
        "the password reset email never arrives",
        r"(reset|password) (e-?mails?|links?) (never|doesn'?t|don'?t|hasn'?t|haven'?t|isn'?t|"
        r"aren'?t|won'?t|still (hasn'?t|haven'?t)|not) (come|comes|arrive|arrives|arrived|"
        r"arriving|turn(ed)? up|show(ed)? up|came)|(never|not|haven'?t|didn'?t) (get|getting|got|"
        r"receiv\w+) (the|a|any) (reset|password) (e-?mails?|links?)|"
        # "the email with the link to make a new password never comes"
        r"(e-?mail|link)\b[^.?!\n]{0,40}\b(new password|reset)\b[^.?!\n]{0,30}\bnever "
        r"(comes|came|arrives|arrived|turns up|shows up)",
    ),
    (
        "promo discount code",
        "my discount code doesn't work",
        r"promo ?codes?|promotional code|voucher|coupon|discount code|gutschein|rabattcode|"
        r"code promo|code de réduction|cupón|código de descuento|codice sconto|cupom|kortingscode",
    ),
    (
        "wrong item received",
        "I received the wrong item",
        r"(wrong|incorrect) (item|product)|not what i ordered|(sent|received|got|delivered|"
        r"shipped|came with|arrived with)( me)? (the |a |an )?(wrong|incorrect)|"
        r"falsche[nrs]? (artikel|produkt) (geliefert|erhalten|bekommen)|"
        r"mauvais(e)? (article|taille|couleur|produit)|"
        r"(artículo|talla|color|producto) (equivocad[oa]|incorrect[oa])|"
        r"(articolo|taglia|colore|prodotto) sbagliat[oa]|(item|tamanho|cor) errad[oa]|"
        r"verkeerde (artikel|maat|kleur)|"
        # "the sticker on the side says Clay, but what's inside is unmistakably the black one"
        r"(but|and) what'?s inside is (\w+ )?(the|a|an)\b|"
        # "non è quello che ho pagato", "das ist nicht das, was ich bestellt habe"
        r"non è quello che ho (ordinato|pagato|comprato)|"
        r"no es lo que (pedí|he pedido|compré|pagué)|"
        r"ce n'est pas ce que j'ai (commandé|payé|acheté)|nicht (das|der|die),? was ich bestellt|"
        r"não é o que (encomendei|comprei|paguei)|niet wat ik (besteld|gekocht) heb|"
        r"not what (i|we) (paid for|bought)|"
        # "I ordered the 24cm pan but the box that came today has a 28cm frying pan in it"
        r"ordered (the |a |an )?[\w\s()#-]{0,40}?,? but (i |we )?((got|received|you sent( me)?|"
        r"they sent( me)?|was sent) (a|an|the|two|2)|it'?s a|it is a|the (box|parcel|package)"
        r"( that came| that arrived)?( today| yesterday)? (has|had|contained))\b|"
        r"ordered (the |a |an )?[\w\s()#-]{0,40}? and what (turned up|arrived|came|you sent)( me)? "
        r"(is|was) (a|an|the)\b",
    ),
    (
        "missing item",
        "an item is missing from my parcel",
        r"missing from|(wasn'?t|was not|isn'?t|is not|weren'?t) in the (box|parcel|package)|"
        r"only (received|got) (one|two|\d)|(fehlt|fehlen) (im|in der) (paket|sendung)|"
        r"manquant|(falta|faltan|manca|mancano|ontbreekt) (?!(un|una|ein|uno|een) "
        r"(pezzo|pieza|stück|stuk|trozo|pedazo|pedaço|bout)\b)",
    ),
    (
        "delayed",
        "my parcel is delayed",
        r"running late|(is|was|it'?s|still) (late|overdue)|no (tracking )?updates?|"
        r"(hasn'?t|has not|still not|not yet) (arrived|come|turned up|been delivered)|"
        r"still waiting (for|on)|"
        r"(hasn'?t|has not) (moved|updated|changed)|stuck (at|in)|verspätet|verspätung|"
        # "has said 'In transit to local depot' and not moved once"
        r"\bnot (moved|budged|changed|updated) (once|at all|since|in|for)\b|"
        r"(hasn'?t|has not) budged|"
        r"en retard|retardé|retrasad[oa]|con retraso|in ritardo|atrasad[oa]|vertraagd|"
        # "el seguimiento no se ha movido", "der Status hat sich nicht geändert", "le suivi ne
        # bouge plus": tracking that has not moved
        r"no se ha (movido|actualizado)|sigue sin (llegar|moverse)|todavía no (ha )?llegad[oa]|"
        r"(hat sich|bewegt sich) (seit \w+( \w+)? )?nicht|noch nicht (angekommen|da)|"
        r"ne bouge (plus|pas)|n'a pas (bougé|été mis à jour)|toujours pas (arrivée?|reçue?)|"
        r"non si (è )?(mosso|aggiornato)|non (è )?ancora arrivat[oa]|"
        r"não (se )?(mexeu|atualizou)|ainda não chegou|nog (steeds )?niet (aangekomen|bezorgd)",
    ),
    (
        "delivery cost and time",
        "how much is delivery and how long does it take",
        r"(how much|what) (is|are|does|do) (the )?(delivery|shipping|postage|p&p)\b|"
        r"(delivery|shipping|postage) (costs?|charges?|fees?|prices?|options|times)|"
        r"(is|does) (next[- ]day|express|standard|tracked) (delivery|shipping)? ?(cost )?extra|"
        r"how much (is|for|does) (next[- ]day|express|faster)|"
        r"if i (order|buy)\b.{0,60}\b(arrive|get (to|here|there)|be (there|here|with)|reach)|"
        r"versandkosten|lieferzeit|frais de (port|livraison)|délais? de livraison|"
        r"gastos de envío|plazo de entrega|spese di spedizione|tempi di consegna|"
        r"portes de envio|verzendkosten|levertijd",
    ),
    (
        "lost parcel",
        "my parcel is lost",
        r"(went|gone|is) missing|disappeared|never (turned up|showed up|arrived)|"
        r"verloren gegangen|perdu|extraviad[oa]|smarrit[oa]|extraviad[oa]|kwijt",
    ),
    (
        "marked not received",
        "tracking says delivered but I haven't received it",
        r"(says|said|shows?|showing|marked|marks it) (as |it was |it'?s )?delivered|"
        r"als zugestellt|marqué comme livré|indica (que )?entregado|risulta consegnat[oa]|"
        r"consta como entregue|als bezorgd",
    ),
    (
        # Where a parcel left while nobody was home would be: what a customer already searched.
        "safe place around the property",
        "I've looked around the house and in the safe places",
        r"bin (store|shed|area)|(back|front) (garden|yard|door step)|porch|garden shed|"
        r"concierge|mail ?room|post ?room|parcel (locker|box)|doorstep|behind the (gate|bins?)|"
        r"recycling (bin|area)|nachbarn|mülltonne|voisins|gardien|vecinos|conserje|portería|"
        r"vicini|portineria|vizinhos|portaria|buren",
    ),
    (
        "out of stock restock",
        "when will it be back in stock",
        r"sold out|back in stock|out of stock|restock|ausverkauft|wieder (verfügbar|da)|"
        r"épuisé|rupture de stock|agotad[oa]|esaurit[oa]|esgotad[oa]|uitverkocht",
    ),
    (
        "price match",
        "can you match a cheaper price",
        r"cheaper (elsewhere|at|on|from)|(lower|better|cheaper) price|"
        r"(found|seen|saw) it (for less|cheaper)|günstiger|moins cher|más barato|"
        r"(see|seeing|found|spotted) it (for|at) [£$€]\d+\S* (at|on|in)\b|"
        r"(the|refund the|pay me the|get the) (price )?difference back|refund (me )?the difference|"
        r"(found|seen|saw|spotted) (it|the same \w+|one) (for|at) [£$€]?\d+\S* (at|on|in)\b|"
        r"(found|seen|saw|spotted) it (on|at|in) [^.!?\n]{1,100}? for [£$€]\d+|"
        # "Hartwells have the exact same one, white, brand new, for £149"
        r"(exact |very )?same (one|thing|model|item|product)\b[^.!?\n]{0,60}? for (only |just )?"
        r"[£$€]\d+|"
        # "Hartley & Finch have literally the same set at £94 as of this morning"
        r"(have|has|sell|sells|selling|got) (literally |exactly )?the (exact |very )?same "
        r"(\w+ ){1,3}?(at|for) (only |just )?[£$€]\d+|"
        r"più economico|mais barato|goedkoper",
    ),
    (
        "unrecognised charge",
        "there is a charge I don't recognise",
        r"(don'?t|do not) recogni[sz]e|unrecogni[sz]ed (charge|payment|transaction)|"
        r"never (made|authori[sz]ed|ordered)|"
        r"(never|didn'?t|did not) (ever )?sign(ed)? up|(don'?t|do not) (think|remember) i "
        r"(ever )?(signed|sign) up|"
        r"(didn'?t|did not) (make|authori[sz]e) (this|that|the)|fraud|"
        r"nicht autorisiert|pas autorisé|no reconozco|non riconosco|não reconheço|"
        r"niet herken|(ne )?reconnais pas|(haven'?t|have not|didn'?t|did not|never) ordered "
        r"anything|n'ai rien commandé|no he (pedido|comprado) nada|nichts bestellt|"
        r"non ho ordinato (niente|nulla)|não (fiz|pedi|comprei) nada|niets besteld",
    ),
    (
        "return label",
        "I need a return label",
        r"(print|printer|printing)\b.{0,30}\blabel|label\b.{0,30}\b(print|printer)|"
        r"qr ?code|(no|without a|don'?t have a) printer|rücksendeetikett|étiquette de retour|"
        r"etiqueta de devolución|etichetta di reso|etiqueta de devolução|retourlabel",
    ),
    (
        "connect to the app",
        "my device won't connect to the app",
        # "the whole point was changing the colours from my phone", "the app can't find it"
        r"(colou?rs?|brightness|settings) (from|on|with|via|through) (my|the|your) (phone|app)|"
        r"(won'?t|doesn'?t|can'?t|cannot|couldn'?t|never|not) (connect|pair|link|sync|show up)\b"
        r".{0,30}\b(app|phone|wi-?fi|bluetooth)\b|(app|phone) (can'?t|won'?t|doesn'?t|never) "
        r"(find|see|detect|connect)|(no )?device (not )?found",
    ),
    (
        "two-factor authentication",
        "I lost my phone and can't get my two-factor code",
        r"2fa|two[- ]factor|authenticator|(verification|security|login) code|"
        r"(lost|new|broke|changed) (my )?phone|"
        # "the app that gives me the 6 digit numbers was on it"
        r"(6|six)[- ]digit (codes?|numbers?)|asks? for (the|a) code after\b",
    ),
    (
        "shipped dispatched",
        "my order has already been dispatched",
        r"(it'?s|its|it is|order is|parcel is) (already )?on (its|it'?s) way|"
        r"(has|have|had|was|been) already (been )?(shipped|dispatched|sent)|"
        r"(has|have) (already )?left (our|the|your) (warehouse|depot)|"
        r"(got|had|received) (the|a|my) (dispatch|shipping|shipment) (email|confirmation)|"
        r"(dispatch|shipping|shipment) (email|confirmation|notification) (came|arrived)|"
        r"bereits (versandt|verschickt)|schon unterwegs|déjà (été )?expédiée?|ya (ha sido|fue) "
        r"enviad[oa]|già (stat[oa] )?spedit[oa]|já (foi )?enviad[oa]|al verzonden",
    ),
    (
        "pause membership",
        "can I pause my membership for a few months",
        r"(stop|suspend) paying\b.{0,40}\bwhile|while (we'?re|i'?m) (away|travelling|abroad)|"
        r"(no (sense|point)|pointless) (in )?paying for (it|plus|the membership)|"
        r"rather not lose (it|plus|my membership)|"
        r"(stop|pause|suspend) (it|plus|my membership|the (plus )?membership|my plus|"
        r"the subscription|my subscription) for (those |these |a few |some )?(two |three |2 |3 )?"
        r"months|"
        r"rather than cancel(ling)? (it|my membership|plus|the membership)|"
        r"rather than cancell?ing\b|"
        # "Can I stop it just for that stretch ... I don't want to lose it altogether"
        r"(stop|pause|suspend|freeze) (it|plus|my membership|the membership) (just )?for "
        r"(that|this|the|a) (stretch|period|time|while|bit)|"
        r"(don'?t|do not) want to lose (it|plus|my membership|the membership) "
        r"(altogether|completely)|"
        r"without losing (it|my membership|plus|the membership)|"
        r"put (it|my (membership|subscription|plus)) on hold|freeze (my )?(membership|"
        r"subscription)|take a break from (plus|my membership|the subscription)|"
        r"(mitgliedschaft|abo) (pausieren|ruhen lassen)|mettre (mon abonnement )?en pause|"
        r"pausar (mi|la) (suscripción|membresía)|mettere in pausa|pausar a assinatura|"
        r"lidmaatschap pauzeren",
    ),
    (
        "use a gift card to pay",
        "can I pay with a gift card",
        # "one of your e-vouchers. if we put £75 on it", "un buono Larkfield da 50 euro"
        r"\be-?vouchers?|gift ?vouchers?|(put|load|top up|add) [£$€]?\d+ on (it|one|a|the)\b|"
        # "a Larkfield gift card ... it's an email with a long code. how do I actually spend it"
        r"(gift ?card|voucher)\b[^?]{0,160}\bhow (do|can|would|should) (i|we|she|he) (actually )?"
        r"(spend|use|redeem)\b|"
        r"buono (regalo|acquisto|\w+ da \d+)|dove (devo |posso )?(metterlo|inserirlo|usarlo)|"
        r"(use|pay with|redeem|spend) (a |an |the |my |her |his |this )?(e-?)?gift ?card|"
        r"(e-?)?gift ?card\b.{0,80}\b(use it|pay for|towards|to pay)|"
        r"(mit|per) gutschein (bezahlen|zahlen)|payer avec (une|la|ma) carte cadeau|"
        r"pagar con (una|la|mi) tarjeta regalo|pagare con (una|la) gift card|"
        r"pagar com (um|o) cartão presente|betalen met (een|de|mijn) cadeaukaart",
    ),
    (
        "gift card balance",
        "how do I check my gift card balance",
        r"(how much|what'?s|what is) (is |money |credit )?(still )?(left|remaining) on "
        r"(it|the card|my card|the gift ?card|my gift ?card|the voucher)|"
        r"(e-?)?gift ?card'?s? balance|balance (on|of) (my|the|a|her|his) (e-?)?gift ?card|"
        # "a Larkfield card with a long code on the back. I've no idea how much is on it"
        # "a Larkfield voucher ... it's a 16 digit code on a card"
        r"\b(\d+[ -]?digit|long) code on (a|the) card\b|"
        r"\bcard with a (long )?code\b.{0,200}\bhow much (money |credit )?is (left |still )?on "
        r"(it|there)|"
        r"(gift ?card|voucher)\b.{0,200}\b(find out|see|check|know|no idea|not sure) "
        r"(what'?s|what is|how much is) "
        r"(left |still )?on (it|the card|there)\b|"
        r"(guthaben|restbetrag) (auf|der|des) (dem |meinem )?gutschein|"
        r"solde de (ma|la) carte cadeau|"
        r"saldo de (mi|la) tarjeta regalo|saldo (della|sulla) (mia )?gift ?card",
    ),
    (
        "order still processing",
        "my order hasn't been dispatched yet",
        r"(hasn'?t|has not|not|still not|isn'?t|is not|wasn'?t) (been )?(shipped|dispatched|sent)"
        r"( yet| out)?|no (dispatch|shipping|shipment) (email|confirmation|notification)|"
        r"(says|shows|showing|is|it'?s|still) (still )?[\"'“]?(being )?(processing|processed|"
        r"prepared|preparing)|"
        r"keine versandbestätigung|noch nicht (versandt|verschickt)|pas encore (été )?expédiée?|"
        r"todavía no (se ha )?enviad[oa]|non (è )?ancora (stat[oa] )?spedit[oa]|"
        r"ainda não (foi )?enviad[oa]|nog niet verzonden",
    ),
    (
        "outside the returns window",
        "can I still return it after 30 days",
        rf"(return|send (it|them) back|bring (it|them) back)\w*\b.{{0,60}}\b{_LONG_AGO}|"
        rf"{_LONG_AGO}.{{0,60}}\b(return|send (it|them) back)|"
        # "I know it's too late to return it", not "is it too late to send back ...?"
        r"(?<!is it )(?<!is that )(?<!it be )(?<!that be )too late to (return|send)",
    ),
    (
        "unsubscribe emails",
        "stop sending me marketing emails",
        r"unsubscribe|(stop|too many) (sending me )?(emails|e-mails|newsletters)|"
        r"newsletter abbestellen|désabonner|darme de baja|disiscriver|uitschrijven",
    ),
    (
        "copy of my data",
        "what personal data do you hold about me",
        r"(what|which|all the) (personal )?(data|information|info|details) (you|you'?re|you are|"
        r"do you|they|they'?re|companies|a company) (hold|have|holding|store|storing|keep|"
        r"keeping)|copy of (my |all (of )?(my |the )?"
        r"|the )?(personal )?(data|information|info)\b|subject access|access request|\bdsar\b|"
        r"(everything|whatever|anything) (that )?[\w ]{1,25}? (holds?|has|have|keeps?|stores?) "
        r"(on|about) me|"
        # "can you send me whatever you've got on file for me?", "what each one keeps on me"
        r"(whatever|everything|all) (you'?ve got|you have|you hold|you keep) on (file|record)|"
        r"what (each one|each site|you|they) (keeps?|holds?|has) on me|"
        r"auskunft über (meine|die) (gespeicherten )?daten|datenauskunft|accès à mes données|"
        r"copia de mis datos|copia dei miei dati|cópia dos meus dados|inzage in mijn gegevens",
    ),
    (
        "delete account data",
        "please delete my account and my data",
        r"(delete|close|remove) (my )?(account|data|details)|right to (be forgotten|erasure)|"
        # "He wants that account and everything on it gone completely"
        r"(account|profile)( and (everything|all the data|all his data|all her data|all my data) "
        r"(on|in) it)? (gone|wiped|erased|removed|deleted)|"
        r"(delete|remove|wipe|erase|close) (his|her|their|our|the|that|this) (old )?"
        r"(account|profile|data)|"
        r"(konto|daten) löschen|supprimer (mon )?compte|(borrar|eliminar) (mi )?cuenta|"
        r"(cancellare|eliminare) (il mio )?account|(excluir|apagar) (minha )?conta|"
        r"account verwijderen",
    ),
)


# A product that "won't work" is faulty; a code, card or page that won't work is not, nor is a
# "broken" site. An item the customer already sent back is past its damage: "a refund for the
# broken headphones I returned" asks for the refund.
NOT_WITH = {
    "damaged": re.compile(
        r"\b(returned|sent (it|them) back|posted (it|them) back|zurückgeschickt|renvoyé|"
        r"devuelto|restituito|devolvi|"
        r"(site|page|app|link|checkout)s? (is |seems |looks )?(still )?broken|"
        r"broken (web)?(site|page|app|link|checkout)|"
        # "is it broken or am I being thick?": asks whether, after a story of no damage
        r"(is|could|might) (it|this|that|the \w+) (be )?(broken|faulty|defective) or|"
        # "My husband is convinced it's broken. I think it's the water round here"
        r"(convinced|thinks|reckons|worried|afraid) (that )?(it'?s|it is) broken)\b",
        re.IGNORECASE,
    ),
    # "Ich habe die Mühle zurückgeschickt": a return already made is not asked for.
    "return an item": re.compile(
        # "they said it's up to the merchant to send it back": the money, not the item
        r"\bup to (the merchant|the shop|you|larkfield) to (send|pay|give) it back|"
        r"\b((i|we) (have |'ve |already )*(sent|posted|returned|dropped off) (it|them|the \w+)"
        r"( \w+)? back|(i|we) (have |'ve |already )*(sent|posted) back (the|my|our) |"
        # "I dropped the Cove pans back at the post office on the way in"
        r"(i|we) (have |'ve |already )*(dropped|posted|took|taken|sent) (the |my |it |them )?"
        r"[\w ]{0,25}?back (at|to|via|off)|"
        r"(ich|wir) (habe|haben) .{0,60}zurück(geschickt|gesendet|gegeben)|"
        r"(ich|wir) (habe|haben) (die |meine )?rücksendung .{0,80}"
        r"(abgegeben|aufgegeben|verschickt)|"
        r"j'ai (déjà )?renvoyé|(he|hemos) devuelto|ho (già )?restituito|já devolvi|"
        r"(ik|we) (heb|hebben) .{0,40}teruggestuurd|"
        # "how long has she got to send it back?" asks for the window, not the how-to
        r"how long( after [\w ]{1,20}?)? (can|do|does|have|has|will|would) \w+( \w+)? (still )?"
        r"(have |got |get )*((to|for) )?(return|(send|take|post|bring)( \w+)? back)|"
        r"(can|could) (it|they|this|these|those) still (go|be sent|be taken|be returned)|"
        r"(would|will) (i|we|she|he|they) still be able to (return|send|take|bring|post)\b|"
        r"(have |has )?missed (my|our|her|his|their|the) (chance|window|deadline)|"
        r"(i am|i'?m|we are|we'?re|she is|she'?s|he is|he'?s|they are|they'?re|am i|are we|"
        r"is she|is he|are they) still (allowed|able|in time|within)\b|"
        # "I'd rather not have to pack it up and post it back": no return asked for
        r"(rather not|don'?t want to|do not want to|prefer not to) (have to )?"
        r"(\w+ (it|them) up and )?(post|send|return|take|bring))",
        re.IGNORECASE,
    ),
    # "How do I get them back to you and get my money back?" asks how to return; the return
    # reply tells when the money follows.
    "refund timing": re.compile(
        r"\bhow (do|can|should|would) (i|we) (return|send|post|get|ship)\b|"
        # "got the money back btw nice one": the refund has arrived
        r"(?<!n't )(?<!not )(?<!never )\b(got|received) (the|my|our) (money|refund) back\b",
        re.IGNORECASE,
    ),
    # "I sent back the kettle, tracking says it was delivered to you": the return arrived
    "marked not received": re.compile(
        r"\b(delivered (back )?to (you|your warehouse|the warehouse)|you (have|'ve) (got|received) "
        r"it|sent (it|them|the \w+) back|returned (it|them|the \w+))\b",
        re.IGNORECASE,
    ),
    # "stop paying for those months without losing the membership": a pause, not a cancel
    "cancel membership subscription": re.compile(
        r"\b(without (losing|cancel\w*)|rather not (lose|cancel)|keep (my|the) (membership|"
        r"plus)|for (those |these |a few |some )?(two |three |\d )?months|"
        r"(rather than|instead of) cancel\w*|while i'?m (away|travelling|abroad)|"
        r"senza (disdire|perdere)|sans (résilier|perdre|annuler)|ohne (zu )?(kündigen|verlieren)|"
        r"sin (cancelar|perder|darme de baja)|sem (cancelar|perder)|zonder (op te zeggen|"
        r"te verliezen))\b",
        re.IGNORECASE,
    ),
    # "I don't want to close my account, I just want the texts to stop"
    "delete account data": re.compile(
        r"\b(don'?t|do not|not|never) (want|wish|mean|need|asking) to (close|delete|remove)\b|"
        r"\b(don'?t|do not|not|never) (want|wish|need) (the|my|his|her) (account|profile) "
        r"(deleted|closed|removed|gone|wiped)",
        re.IGNORECASE,
    ),
    # "Did the descale like you said. The orange light has gone off": a step taken, news it worked
    "descale limescale": re.compile(
        r"\b((did|done|ran|run|finished|completed) (the|a|another) (\w+ )?descal\w*|"
        r"descal\w* (worked|did (it|the trick)|sorted it|fixed it)|"
        r"(light|it)( has| have| is|'s)? (gone|went)( off| out| away)?\b|"
        r"(light|it) is now (off|out)|"
        r"tastes? better|did the trick)",
        re.IGNORECASE,
    ),
    # "one of your vouchers in the card, how do I find out what's left on it?": a gift voucher's
    # balance, where no code is named
    "promo discount code": re.compile(
        r"^(?!.*\b(codes?|coupons?|codice|código|kortingscode|rabattcode)\b).*"
        r"\b(left|remaining|balance|guthaben|solde|saldo)\b|\be-?vouchers?\b|\bgift ?vouchers?\b|"
        # "a voucher for my birthday, it's a 16 digit code on a card": a gift card's number
        r"\b\d+[ -]?digit code\b|\bcode on (a|the) card\b",
        re.IGNORECASE | re.DOTALL,
    ),
    # "l'indirizzo della residenza come indirizzo di fatturazione": the card's address, no invoice
    "invoice receipt": re.compile(
        r"^(?!.*\b(invoice|receipt|rechnung|facture|factura|fattura|recibo|ricevuta|factuur|"
        r"quittung|beleg)\b).*\b(billing address|indirizzo di fatturazione|adresse de facturation|"
        r"direcci[oó]n de facturaci[oó]n|rechnungsadresse|"
        r"endere[cç]o de (faturamento|fatura[cç][aã]o)|factuuradres)\b",
        re.IGNORECASE | re.DOTALL,
    ),
    "faulty warranty repair": re.compile(
        r"\b(code|voucher|coupon|link|website|site|page|app|card|password|login|account|"
        r"e-?mail|checkout|payment)s?\b",
        re.IGNORECASE,
    ),
}


# States of an order that exclude each other: a reply saying one is wrong when the customer
# says the other ("cancel it? I've had the 'on its way' email" is not "hasn't shipped yet").
OPPOSITE = {
    "shipped dispatched": "order still processing",
    "order still processing": "shipped dispatched",
    # Two payments for one's own order are a charge recognised, twice: not one nobody knows
    # ("my banking app shows two payments of £64.99 from LARKFIELD LTD").
    "charged twice": "unrecognised charge",
}
