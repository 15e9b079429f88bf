"""Speaker labels in the 11 languages the app reads, and what role a label or a name announces.

A label is a role word ("Customer:", "Kunde:", "Client :", "客户：") or a name ("Zara:",
"Visitor 4821:", "Owen (Larkfield):"), with an optional timestamp before it. Role words decide
the role at once; names are resolved later from the whole thread (see speakers.py).
"""

# Words and punctuation of 11 languages, on purpose:
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import re
from functools import lru_cache

from desktop.threads.model import Role

# Words for the customer's side: en, es, pt, it, fr, de, nl, ru, zh, ja, ko.
CUSTOMER_WORDS = (
    "customer",
    "client",
    "user",
    "end user",
    "end-user",
    "visitor",
    "guest",
    "requester",
    "buyer",
    "caller",
    "contact",
    "shopper",
    "enquirer",
    "member",
    "subscriber",
    "vip",
    "miembro",
    "suscriptor",
    "mitglied",
    "abonnent",
    "membre",
    "abonné",
    "membro",
    "abbonato",
    "assinante",
    "участник",
    "подписчик",
    "会员",
    "会員",
    "회원",
    "cliente",
    "usuario",
    "usuaria",
    "usuário",
    "utilizador",
    "visitante",
    "comprador",
    "compradora",
    "solicitante",
    "utente",
    "visitatore",
    "acquirente",
    "richiedente",
    "utilisateur",
    "utilisatrice",
    "visiteur",
    "visiteuse",
    "acheteur",
    "demandeur",
    "kunde",
    "kundin",
    "benutzer",
    "nutzer",
    "besucher",
    "käufer",
    "gast",
    "klant",
    "gebruiker",
    "bezoeker",
    "koper",
    "клиент",
    "клиентка",
    "покупатель",
    "пользователь",
    "посетитель",
    "заказчик",
    "客户",
    "客戶",
    "顾客",
    "顧客",
    "用户",
    "用戶",
    "访客",
    "訪客",
    "客人",
    "买家",
    "買家",
    "お客様",
    "お客さま",
    "ユーザー",
    "訪問者",
    "ゲスト",
    "고객",
    "고객님",
    "사용자",
    "방문자",
    "손님",
)
# Words for the team's side. Phrases that contain a customer word ("customer care",
# "atención al cliente") are matched before the customer words.
AGENT_WORDS = (
    "agent",
    "support",
    "support agent",
    "support team",
    "team member",
    "staff member",
    "support team member",
    "assistant",
    "rep",
    "representative",
    "staff",
    "operator",
    "advisor",
    "adviser",
    "associate",
    "specialist",
    "customer service",
    "customer services",
    "customer support",
    "customer care",
    "customer success",
    "client services",
    "helpdesk",
    "help desk",
    "service desk",
    "team",
    "you",
    "me",
    "agente",
    "asesor",
    "asesora",
    "operador",
    "operadora",
    "soporte",
    "atención al cliente",
    "atencion al cliente",
    "servicio al cliente",
    "servicio de atención al cliente",
    "representante",
    "especialista",
    "atendente",
    "suporte",
    "atendimento",
    "atendimento ao cliente",
    "consultor",
    "consultora",
    "assistente",
    "operatore",
    "operatrice",
    "assistenza",
    "assistenza clienti",
    "servizio clienti",
    "consulente",
    "supporto",
    "conseiller",
    "conseillère",
    "conseillere",
    "opérateur",
    "opératrice",
    "service client",
    "service clients",
    "service clientèle",
    "assistance",
    "équipe",
    "mitarbeiter",
    "mitarbeiterin",
    "berater",
    "beraterin",
    "kundenservice",
    "kundendienst",
    "kundenberater",
    "kundenberaterin",
    "kundenbetreuung",
    "servicemitarbeiter",
    "sachbearbeiter",
    "medewerker",
    "medewerkster",
    "klantenservice",
    "adviseur",
    "оператор",
    "агент",
    "поддержка",
    "служба поддержки",
    "специалист",
    "консультант",
    "менеджер",
    "客服",
    "客服人员",
    "客服代表",
    "客服专员",
    "人工客服",
    "坐席",
    "担当者",
    "担当",
    "オペレーター",
    "サポート",
    "カスタマーサポート",
    "スタッフ",
    "窓口",
    "상담원",
    "상담사",
    "상담원님",
    "직원",
    "고객센터",
    "지원팀",
)
# A chat widget's automatic replies speak for the team.
BOT_WORDS = (
    "bot",
    "chatbot",
    "chat bot",
    "virtual assistant",
    "ai assistant",
    "automated assistant",
    "auto-reply",
    "asistente virtual",
    "assistente virtuale",
    "assistente virtual",
    "assistant virtuel",
    "virtueller assistent",
    "бот",
    "чат-бот",
    "机器人",
    "智能客服",
    "ボット",
    "チャットボット",
    "챗봇",
)
# Words that say a sender or a name tag is the team, not a person writing in.
TEAM_WORDS = (
    *AGENT_WORDS,
    *BOT_WORDS,
    "care",
    "service",
    "services",
    "help",
    "servicio",
    "servizio",
    "serviço",
    "kundencenter",
    "sav",
)
_AGENT_FIRST = tuple(w for w in TEAM_WORDS if any(c in w.split() for c in CUSTOMER_WORDS))


def _alternation(words: tuple[str, ...]) -> str:
    spelled = sorted({w for w in words}, key=len, reverse=True)  # longest first
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in spelled)


def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # \b does not separate CJK characters from each other, so those match as substrings.
    return re.compile(rf"(?<![^\W_])(?:{_alternation(words)})(?![^\W_])", re.IGNORECASE)


def _cjk_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    cjk = tuple(w for w in words if any(ord(c) > 0x2E80 for c in w))
    return re.compile(_alternation(cjk))


_AGENT_FIRST_RE = _word_pattern(_AGENT_FIRST)
_CUSTOMER_RE = _word_pattern(CUSTOMER_WORDS)
_TEAM_RE = _word_pattern(TEAM_WORDS)
_CUSTOMER_CJK = _cjk_pattern(CUSTOMER_WORDS)
_TEAM_CJK = _cjk_pattern(TEAM_WORDS)


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@lru_cache(maxsize=4096)  # a thread repeats its few speakers' names on every line
def role_of_name(name: str) -> Role | None:
    """The role a name or tag announces ("Visitor 4821", "Larkfield Support"), or None."""
    if name[:1] == "@" or (" " not in name and _CAMEL.search(name)):
        name = _CAMEL.sub(" ", name.lstrip("@")).replace("_", " ")  # "@LarkfieldHelp"
    if _AGENT_FIRST_RE.search(name) or _TEAM_CJK.search(name):
        return "agent"
    if _CUSTOMER_RE.search(name) or _CUSTOMER_CJK.search(name):
        return "customer"
    if _TEAM_RE.search(name):
        return "agent"
    return None


# "[10:32] ", "10:32 AM - ", "(10:32) ", "2024-06-04 10:32:11 ", "04/06/2024, 10:32 - ".
TIMESTAMP = (
    r"(?:\[[^\]\n]{1,25}\]\s*"
    r"|\(?(?:\d{4}-\d{2}-\d{2}[ T]|\d{1,2}[./]\d{1,2}[./]\d{2,4},?\s+)?"
    r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\)?\s*[-\u2013]?\s*)?"
)
_COLON = r"\*{0,2}\s*[:：]\*{0,2}"  # "**Customer:**" in exports that keep Markdown
_ROLE_WORDS = _alternation((*CUSTOMER_WORDS, *AGENT_WORDS, *BOT_WORDS))
# A role word alone, or a name with a role word in brackets: "Jane Doe (customer):".
# Or the other way round: "Customer (Jane Doe):".
_ROLE_LABEL = re.compile(
    rf"^\s*{TIMESTAMP}\*{{0,2}}(?:(?P<word>{_ROLE_WORDS})(?:\s*\([^():：\n]{{1,40}}\))?"
    rf"|(?P<name>[^:：\n()]{{1,40}}?)\s*\((?P<tag>{_ROLE_WORDS})\)){_COLON}[ \t]?",
    re.IGNORECASE,
)
# A name label: up to four words, each a capitalised word, a number or a linking particle
# ("Visitor 4821", "Mei Chen", "José da Silva", "王伟"), an optional tag in brackets and an
# optional time before the colon ("Zara [10:32]:").
_NAME = r"[^\W\d_][\w'’.\-]{0,24}(?:[ \t]+(?:[-|·][ \t]+)?(?:[^\W\d_][\w'’.\-]{0,24}|\d{1,8})){0,3}"
# "Grace 🌸:": a chat name may end in emoji, which are not part of the name.
_EMOJI = r"(?:[ \t]*[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]+)?"
_NAME_LABEL = re.compile(
    rf"^\s*(?P<stamp>{TIMESTAMP})\*{{0,2}}(?P<name>{_NAME}){_EMOJI}"
    rf"(?:[ \t]*\((?P<tag>[^()\n:：]{{1,40}})\))?"
    rf"(?:[ \t]*[\[(]?\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s*[ap]\.?m\.?)?[\])]?)?{_COLON}[ \t]?",
    re.IGNORECASE,
)
_NAME_TIME_LABEL = re.compile(
    rf"^\s*(?P<stamp>{TIMESTAMP})\*{{0,2}}(?P<name>{_NAME}?){_EMOJI}"
    rf"(?:[ \t]*\((?P<tag>[^()\n:：]{{1,40}})\))?"
    rf"[ \t]+\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s*[ap]\.?m\.?)?{_COLON}[ \t]?",
    re.IGNORECASE,
)
_PARTICLE_WORDS = (
    "de da das do dos del della di du la le van von der den ten ter bin al el y e from at"
)
_PARTICLES = frozenset(_PARTICLE_WORDS.split())
# Words that start "Word: text" lines inside messages and e-mail headers, never speakers.
_NOT_NAME_WORDS = """
    subject re fw fwd aw wg rv tr sv ps pps nb note notes order orders update edit
    date time sent from to cc bcc reply answer question problem issue tracking tracking number
    email e-mail mail phone tel mobile address ticket case status total price amount
    reference ref step error warning important urgent reason details description summary
    tip example info information link url website account name username password code
    order number invoice item items product products model serial quantity size colour color
    attachment attachments attached image images file files photo photos screenshot
    hi hello hey dear hola buenas buenos bonjour salut hallo guten ciao buongiorno olá ola oi
    hej hoi goedemiddag goedemorgen здравствуйте привет thanks thank cheers regards
    asunto para de enviado fecha pedido objet envoyé à commande betreff von an gesendet datum
    bestellung oggetto inviato ordine assunto enviada encomenda onderwerp aan verzonden
    bestelling тема от кому отправлено заказ
    pros cons yes no ok okay p.s update1 update2 day week month today yesterday tomorrow
    mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday
    postcode zip city country street town county region location brand sku qty cost fee
    balance card iban booking reservation confirmation fax web delivery shipping billing
    payment method carrier courier plan membership subscription device version browser app
    store shop pin otp my your our the this that these those i we it he she they
    dirección direccion código codigo postal teléfono telefono adresse telefon postleitzahl plz
    lieferadresse rechnung indirizzo codice morada endereço adres telefoon адрес индекс
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
_NOT_FIELDS = frozenset(
    f"{kind} {what}"
    for kind in ("delivery", "billing", "shipping", "new", "old", "email", "e-mail", "home")
    for what in ("address", "number", "code", "date")
) | {
    "tracking number",
    "order number",
    "phone number",
    "account number",
    "reference number",
    "case number",
    "ticket number",
    "zip code",
    "post code",
    "order id",
    "card number",
}


def classify_line(line: str) -> tuple[Role | None, int]:
    """Return the role a line's role-word label announces (None if none) and its length."""
    if ":" not in line[:120] and "：" not in line[:120]:  # most lines: no label, no regex
        return None, 0
    match = _ROLE_LABEL.match(line)
    if not match:
        return None, 0
    word = match["word"] or match["tag"]
    role = role_of_name(word)
    return role or "agent", match.end()


_TEAM_FIRST = re.compile(r"^(?P<team>[^\W\d_][\w'’.]*) [-|·] (?P<name>[^\W\d_][\w'’. ]*)$")
_FROM_TEAM = re.compile(r"^(?P<name>.+?) (?:from|at) (?P<team>[^\W\d_].*)$")
NameLabel = tuple[str, str, bool, int]  # name, tag, timestamped, length of the label


# A social-media handle as a chat label: "@jordanwhelan_:", "priya.cooks:". Lower case is fine
# here, unlike a name: the "@", "." or "_" is what makes it a handle, not prose.
_HANDLE_LABEL = re.compile(
    rf"^\s*(?P<stamp>{TIMESTAMP})(?P<name>@[^\W_][\w.]{{1,29}}"
    r"|[^\W\d_][^\W_]{1,20}[._][\w.]{0,20}[^\W_])\s*[:：][ \t]?",
    re.IGNORECASE,
)


def is_handle(name: str) -> bool:
    """Whether a label's name is a social-media handle ("@larkfieldhelp", "priya.cooks")."""
    return _HANDLE_LABEL.match(f"{name}:") is not None


def name_label(line: str) -> NameLabel | None:
    """A "Name:" label at the start of `line`: (name, tag, timestamped, length), or None.

    Only the shape is checked here; whether the name really is a speaker depends on the
    rest of the thread (chat.py).
    """
    if ":" not in line[:120] and "：" not in line[:120]:
        return None
    handle = _HANDLE_LABEL.match(line)
    if handle and not handle["name"].lower().startswith("www.") and handle["name"][-1] != ".":
        return handle["name"], "", bool(handle["stamp"].strip()), handle.end()
    match = _NAME_LABEL.match(line)
    if not match:
        return None
    name = match["name"]
    words = [w for w in name.split() if w not in ("-", "|", "·")]  # "Larkfield - Hannah"
    end = match.end()
    if words[-1].isdigit() and line[end - 1] in ":：" and line[end : end + 2].isdigit():
        # "Visitor 12:31: hi": a name and a time before the colon, not "Visitor 12"
        timed = _NAME_TIME_LABEL.match(line)
        if timed is None:
            return None  # "Zara 10:32 AM": a time, not "Zara 10" and a colon
        match, name = timed, timed["name"]
        words, end = name.split(), timed.end()
    first = words[0]
    # The first word only: surnames such as Price, Card or Page are stop words too.
    if first.lower().strip(".") in _NOT_NAMES or " ".join(words[-2:]).lower() in _NOT_FIELDS:
        return None
    if not (first[0].isupper() or (not first[0].isascii() and not first[0].islower())):
        return None
    if any(not (w[0].isupper() or w.isdigit() or w.lower() in _PARTICLES) for w in words[1:]):
        return None
    if len(words) == 1 and len(first) >= 4 and first.isupper():  # "URGENT:", "UPDATE:"
        return None
    tag = (match["tag"] or "").strip()
    if "@" in tag:  # "Jane (jane@example.com):": an address, not a team
        tag = ""
    if tag and sum(c.isalpha() for c in tag) < 2:  # "Fresnoy le Grand (02) :" is a headline
        return None
    team_first = _TEAM_FIRST.match(name)
    if team_first and not tag:  # "Larkfield - Hannah": the team, then the person
        name, tag = team_first["name"], team_first["team"]
    team = _FROM_TEAM.match(name)
    if team and not tag:  # "Chloe from Larkfield", "Owen at Larkfield": the team in the name
        name, tag = team["name"], team["team"]
    return name, tag, bool(match["stamp"].strip()), match.end()


# What a helpdesk writes after a requester's name: how the message came in, not who sent it.
_CHANNEL_TAG = re.compile(
    r"^(?:(?:via|by|from|per|por|über|par|tramite|através de|через|通过|経由)\s+)?"
    r"(?:e-?mail|web(?: ?form)?|form|chat|live chat|phone|call|sms|text|whatsapp|facebook|"
    r"messenger|instagram|twitter|x|api|portal|app|mobile|widget|correo|telefon|téléphone|"
    r"telefono|telefone|電話|电话|邮件|메일)$",
    re.IGNORECASE,
)


def is_channel_tag(tag: str) -> bool:
    """A channel ("via email", "web form", "WhatsApp"), which says nothing of the side."""
    return bool(_CHANNEL_TAG.match(tag.strip()))
