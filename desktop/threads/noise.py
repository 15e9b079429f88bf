r"""What a paste carries that no one said: HTML, "Sent from my iPhone", attachments, chat events.

Sign-offs ("Kind regards, Sam") are part of what a person wrote and stay; a signature
block after the "-- " delimiter, phone footers, attachment lines and chat-system events go.
"""

# Words and punctuation of 11 languages, on purpose:
# ruff: noqa: RUF001

from __future__ import annotations

import html
import re

_TAG_BREAK = re.compile(r"<br\s*/?>|</p\s*>|</div\s*>", re.IGNORECASE)
_TAG = re.compile(
    r"</?(?:p|div|span|b|i|u|em|strong|font|html|body|blockquote|br|li|ul|ol)\b[^<>]{0,200}>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,8});")

# Mail apps' footers, in the 11 languages.
_SENT_FROM = re.compile(
    r"^\s*(?:sent from my \w|sent (?:from|with|via) (?:outlook|yahoo|aol|gmail|mail for|windows)"
    r"|get outlook for |enviado desde mi |enviado (?:do|a partir do) meu |von meinem \S+ gesendet"
    r"|gesendet (?:von|mit) (?:meinem|outlook)|envoy[ée] (?:de|depuis) mon |inviato da (?:il )?mio "
    r"|inviato da iphone|verzonden (?:vanaf|met) mijn |отправлено с (?:моего |iphone)"
    r"|发自我的|从我的\S+发送|\S+から送信|내 \S+에서 보냄)",
    re.IGNORECASE,
)
_ATTACHMENT_WORDS = (
    r"attachments?|attached|image|photo|file|screenshot|anhang|anhänge|anlage|adjunto|"
    r"archivo adjunto|adjuntos|pi[èe]ces? jointes?|allegat[oi]|anexos?|bijlagen?|"
    r"вложени[ея]|附件|添付(?:ファイル)?|첨부(?: ?파일)?"
)
_FILE = (
    r"[^\s\[\]<>]{1,120}\.(?:png|jpe?g|gif|heic|webp|bmp|tiff?|pdf|docx?|xlsx?|csv|txt|zip|mp4|mov)"
)
_ATTACHMENT = re.compile(
    rf"^\s*(?:\[(?:{_ATTACHMENT_WORDS})\s*[:：][^\]\n]*\]"
    rf"|📎.*"
    rf"|(?:{_ATTACHMENT_WORDS})\s*(?:\(\d+\))?\s*[:：]\s*{_FILE}(?:\s*(?:\([^)\n]*\))?\s*[,;]\s*{_FILE})*\s*(?:\([^)\n]*\))?"
    rf"|<?{_FILE}>?|\[cid:[^\]\n]*\]|{_FILE}\s*\(\d[\d.,]*\s*[KkMm]?B\))\s*$",
    re.IGNORECASE,
)
# Chat-system events: "Owen joined the chat", "Chat started", "Visitor 4821 left the conversation".
_PREFIX = (
    r"^\s*(?:[-=*]{2,}\s*)?(?:\[[^\]\n]{1,25}\]\s*|\d{1,2}:\d{2}\s*(?:[ap]m)?\s*[-\u2013]?\s*)?"
)
_CHAT = (
    r"(?:(?:live|web|whatsapp|messenger|facebook|instagram|intercom|zendesk) )?"
    r"(?:chat|conversation|session|room|channel)"
)
_JOINED = (
    rf"(?:has |have |was |is )?(?:joined|left|entered|exited|rejoined)(?: the)?(?: {_CHAT})?"
    r"|se ha unido al chat|se uni[oó] al chat|ha salido del chat|ha abandonado el chat"
    r"|ist (?:dem|der) (?:chat|unterhaltung) beigetreten"
    r"|hat (?:den chat|die unterhaltung) verlassen"
    r"|a rejoint (?:la conversation|le chat|la discussion)|a quitt[ée] (?:la conversation|le chat)"
    r"|[èe] entrat[oa] nella (?:chat|conversazione)|ha lasciato la (?:chat|conversazione)"
    r"|entrou n[oa] (?:chat|conversa)|saiu d[oa] (?:chat|conversa)"
    r"|neemt deel aan (?:de chat|het gesprek)|heeft (?:de chat|het gesprek) verlaten"
    r"|присоединил(?:ся|ась) к (?:чату|диалогу)|покинул[а]? (?:чат|диалог)"
    r"|加入了(?:会话|对话|聊天)|离开了(?:会话|对话|聊天)"
    r"|がチャットに参加しました|がチャットから退出しました"
    r"|님이 채팅에 참여했습니다|님이 채팅을 나갔습니다"
)
_EVENT = re.compile(
    rf"{_PREFIX}(?P<actor>[^\s.!?,:][^\n.!?,:]{{0,50}}?)\s*(?:{_JOINED})"
    r"\s*[.!]?\s*(?:at [\d:]{3,8}\s*(?:[ap]m)?)?\s*[-=*]*\s*$",
    re.IGNORECASE,
)
_CHAT_STATE = re.compile(
    rf"{_PREFIX}(?:{_CHAT}(?: with [^\n]{{1,40}}?)?\s+(?:was |has been )?"
    r"(?:started|ended|closed|transferred|assigned|rated|reopened)\b[^\n]{0,60}"
    # An export's title: "Chat transcript", "Conversation with Visitor 4821".
    rf"|(?:{_CHAT}\s+(?:transcript|history|log)|transcript of (?:the )?{_CHAT}"
    rf"|{_CHAT} with (?-i:[A-ZÀ-Ý])[^\n.!?]{{0,40}})\s*[-:]?\s*[^\n.!?]{{0,40}}"
    # ... whose rest may name a page: "Chat transcript - larkfield.example/help - 04/12/2026"
    rf"|{_CHAT}\s+(?:transcript|history|log)\s+[-|·]\s+[^\s!?]+(?:\s+[-|·]\s+[^\n!?]{{0,30}})?)$",
    re.IGNORECASE,
)
# Every event names one of these; most lines name none and skip the slower patterns.
_EVENT_HINTS = (
    "joined", "left", "enter", "exit", "chat", "conversation", "session", "room", "channel",
    "unido", "salido", "abandonado", "beigetreten", "verlassen", "rejoint", "quitt", "entrat",
    "lasciato", "entrou", "saiu", "neemt deel", "toegetreden", "присоедин", "покинул", "加入",
    "离开", "参加", "退出", "참여", "나갔",
)  # fmt: skip
# Searched in the lower-cased line: literal alternatives without IGNORECASE are 5x faster.
_EVENT_HINT = re.compile("|".join(map(re.escape, _EVENT_HINTS)))
_PRONOUN_WORDS = "i we you he she they it ich wir yo je nous io eu ik я мы"
_PRONOUNS = frozenset(_PRONOUN_WORDS.split())


_SIGNATURE_DELIMITER = re.compile(r"^--\s*$")
# The footer companies add to every e-mail; nobody wrote it to this conversation.
_DISCLAIMER = re.compile(
    r"^\s*(?:(?:confidentiality notice|disclaimer|legal notice)\b"
    r"|this (?:e-?mail|message)(?: and any (?:files|attachments?)[^.\n]{0,40})? (?:is|are|may "
    r"contain|contains?) (?:strictly )?(?:confidential|privileged|intended))",
    re.IGNORECASE,
)


_INVISIBLE = str.maketrans({"\xa0": " ", "\u202f": " ", "\ufeff": None, "\u200b": None})


def unescape(text: str) -> str:
    """Turn HTML line breaks into newlines, drop simple tags, decode entities."""
    if "<" in text:
        text = _TAG.sub("", _TAG_BREAK.sub("\n", text))
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    # No-break spaces (French "Client\u00a0:") read as spaces; a BOM or zero-width space
    # before the first label would hide it.
    return text.translate(_INVISIBLE)


def has_event_hint(text: str) -> bool:
    """False when no line of `text` can be a chat event (most pastes)."""
    return _EVENT_HINT.search(text.lower()) is not None


def event_actor(line: str) -> str | None:
    """The name in a chat-system event line ("Owen joined the chat" -> "Owen"), or None.

    A chat-state line with no actor ("Chat started") gives "".
    """
    if len(line) > 140:
        return None
    if not _EVENT_HINT.search(line.lower()):
        return None
    match = _EVENT.match(line)
    if match:
        actor = match["actor"].strip(" -=*")
        if len(actor.split()) <= 4 and actor.lower() not in _PRONOUNS:
            return actor
    return "" if _CHAT_STATE.match(line) else None


# A helpdesk ticket's fields above its messages: "Status: Open · Priority: Normal",
# "Requester: Gwen Pritchard <gwen@example.org>", "Ticket #40917 — two orders".
_TICKET_FIELD = re.compile(
    r"^\s*(?:(?:requester|created|updated|status|priority|assignee|assigned to|tags|group|"
    r"channel|source|ticket id)\s*:\s*\S[^\n]{0,70}|(?:ticket|case)\s*#\s?\d+\b[^\n]{0,60}"
    # ... the team's internal note, which the customer never saw
    r"|internal note\b[^\n]*"
    # ... a social inbox's title: "Instagram · Direct messages · @larkfield.home"
    r"|(?:instagram|facebook|messenger|whatsapp|twitter|tiktok|linkedin)\s*[·|•\u2013\u2014-]"
    r"[^\n]{0,80}"
    # ... and a line that is only a name and an address (a requester label's value)
    r"|[^\n<>:]{1,60}<[^<>\s]+@[^<>\s]+>)$",
    re.IGNORECASE,
)


def is_noise_line(line: str) -> bool:
    """A mail app's footer, an attachment line or a ticket's field: no one wrote it.

    Chat events are read in chat.py.
    """
    if _SENT_FROM.match(line) and len(line.split()) <= 8:
        return True
    return bool(_ATTACHMENT.match(line) or _TICKET_FIELD.match(line))


# The same patterns over a whole message at once: most messages have no noise at all, and one
# search in C is much cheaper than four matches per line in Python.
_ANY_NOISE = tuple(
    re.compile(p.pattern, p.flags | re.MULTILINE)
    for p in (_SIGNATURE_DELIMITER, _DISCLAIMER, _SENT_FROM, _ATTACHMENT, _TICKET_FIELD)
)


def strip_noise(text: str) -> str:
    """A message's own text: noise lines dropped, cut at a signature delimiter or disclaimer.

    The signature block under a sign-off and its name ("Office Manager | Brackwater Ltd",
    "T: 0117 496 0321") goes too: "Manager" there asks for no manager.
    """
    if not any(p.search(text) for p in _ANY_NOISE) and not _SIGN_OFF.search(text):
        return text.strip()
    kept: list[str] = []
    for line in text.split("\n"):
        if _SIGNATURE_DELIMITER.match(line) or _DISCLAIMER.match(line):
            break
        if not is_noise_line(line):
            kept.append(line.rstrip())
    return "\n".join(_without_signature_block(kept)).strip()


# A line that is only a sign-off, in the app's languages.
_SIGN_OFF = re.compile(
    r"^\s*(?:kind regards|best regards|warm regards|regards|best wishes|best|many thanks|"
    r"thanks|thank you|cheers|all the best|sincerely|yours sincerely|yours faithfully|"
    r"mit freundlichen grüßen|viele grüße|beste grüße|cordialement|bien à vous|saludos|"
    r"un saludo|atentamente|cordiali saluti|distinti saluti|atenciosamente|cumprimentos|"
    r"met vriendelijke groet(?:en)?|groeten)[,!.]?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
SIGNATURE_LINES = 12  # a sign-off this near the end opens the signature block
# The name under a sign-off: a few words, no sentence ("Margaret Hollis", "Sam", "- Jo").
_NAME_LINE = re.compile(
    r"^[\s>]*[-\u2013\u2014]*\s*[^\W\d_][\w.'\u2019-]*(?:,?\s+[^\W\d_][\w.'\u2019-]*){0,3}\s*$"
)


def _without_signature_block(lines: list[str]) -> list[str]:
    """`lines` up to the name under their last sign-off, keeping a P.S. after it."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for at in reversed(filled[-SIGNATURE_LINES:]):
        if _SIGN_OFF.match(lines[at]):
            after = [i for i in filled if i > at]
            if not after:
                return lines
            name = after[0]
            if not _NAME_LINE.match(lines[name]):
                continue  # "Thanks" then "Can you also ...": no signature, the message goes on
            postscript = [
                i for i in after[1:] if re.match(r"\s*p\.?\s?s\b", lines[i], re.IGNORECASE)
            ]
            return lines[: name + 1] + (lines[postscript[0] :] if postscript else [])
    return lines
