"""E-mail threads as pasted: newest first, with "On … wrote:" quoting or Outlook header blocks.

Each reply's own text sits above the line that introduces what it quotes ("On Tue, 11 Jun 2024
at 10:56, Sam <sam@…> wrote:", "Am … schrieb …:", "Le … a écrit :") or above a header block
("From: … / Sent: … / To: … / Subject: …"). Reading the thread means peeling those layers one
by one; the result is oldest first.
"""

# Words and punctuation of 11 languages, on purpose:
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from desktop.threads.labels import classify_line, role_of_name
from desktop.threads.model import Message

_WROTE = (
    r"wrote|writes|escribió|escribio|schrieb|a écrit|a ecrit|ha scritto|escreveu|schreef|"
    r"написал[а]?|пишет|写道|寫道|のメッセージ|書きました|님이 작성"
)
# "On … wrote:" in its many spellings: the verb ends the line, except in German and Dutch
# ("Am … schrieb Name <mail>:"); Gmail in Russian and Japanese has no verb at all
# ("вт, 11 июн. 2024 г. в 10:56, Name <mail>:"). Checked piece by piece: one regex with
# nested ".*?" backtracks quadratically on long lines, and this runs on every line.
_WROTE_END = re.compile(rf"(?:{_WROTE})\s*[:：]$", re.IGNORECASE)
_WROTE_MIDDLE = re.compile(r"\b(?:schrieb|schreef)\s+\S", re.IGNORECASE)
_TIME = re.compile(r"\d{1,2}:\d{2}")
_MAIL_END = re.compile(r"<[^<>\s]+@[^<>\s]+>\s*[:：]$")


def _is_wrote_line(line: str) -> bool:
    text = line.strip()
    if not text or text[-1] not in ":：" or text[0] == ">" or len(text) > 400:
        return False
    if not any(c.isdigit() for c in text):
        return False
    return bool(
        _WROTE_END.search(text)
        or _WROTE_MIDDLE.search(text)
        or (_MAIL_END.search(text) and _TIME.search(text))
    )


_WRAPPED_OPENER = re.compile(
    r"^\s*(?:On|El|Am|Le|Il|Em|Op|\d{4}[-年/.]|\w{2,3}[.,])", re.IGNORECASE
)
_MAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")

_FROM_FIELDS = r"from|von|de|da|van|от|发件人|寄件者|差出人|보낸 사람"
_TO_FIELDS = r"to|an|para|à|a|aan|кому|收件人|收件者|宛先|받는 사람"
# When and what: a block needs one of these besides the sender ("From: London / To: Paris"
# in a message is not an e-mail header).
_META_FIELDS = (
    r"sent|date|subject|gesendet|datum|betreff|enviado|fecha|asunto|envoyé|"
    r"objet|inviato|data|oggetto|enviada em|assunto|verzonden|onderwerp|отправлено|дата|"
    r"тема|发送时间|日期|主题|寄件日期|主旨|送信日時|日付|件名|보낸 날짜|날짜|제목"
)
_COPY_FIELDS = r"cc|bcc|reply-to|копия|抄送|참조"
_HEADER = re.compile(
    rf"^\s*\*?(?:(?P<from>{_FROM_FIELDS})|(?P<to>{_TO_FIELDS})|(?P<meta>{_META_FIELDS})"
    rf"|{_COPY_FIELDS})\*?\s*[:：]\*?"
    r"(?P<value>.*)$",
    re.IGNORECASE,
)
# Lines that only separate one message from the one it answers.
_SEPARATOR = re.compile(
    r"^\s*(?:_{8,}|-{2,}\s*(?:original message|forwarded message|ursprüngliche nachricht|"
    r"mensaje original|message d'origine|messaggio originale|mensagem original|"
    r"oorspronkelijk bericht|исходное сообщение|原始邮件|元のメッセージ|원본 메시지)\s*-{2,})\s*$",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"^ ?> ?")

Author = tuple[str, str]  # (name, address); either may be empty


def _header_block(lines: Sequence[str], start: int) -> int:
    """The number of header lines from `start` when they form a block led by a sender.

    Some web mail copies put a blank line between the fields; those count as part of it.
    """
    end = start
    found = 0
    while end < len(lines) and end - start < 16:
        if _HEADER.match(lines[end]):
            found, end = found + 1, end + 1
        elif not lines[end].strip() and end + 1 < len(lines) and _HEADER.match(lines[end + 1]):
            end += 1
        else:
            break
    fields = [_HEADER.match(line) for line in lines[start:end]]
    if not any(f and f["from"] for f in fields) or not any(f and f["meta"] for f in fields):
        return 0
    return end - start


def _wrote_line(lines: Sequence[str], i: int) -> int:
    """How many lines (1 or 2, when the mail app wrapped it) an "On … wrote:" line spans."""
    if _is_wrote_line(lines[i]):
        return 1
    if (
        i + 1 < len(lines)
        and len(lines[i]) < 200
        and _WRAPPED_OPENER.match(lines[i])
        and _is_wrote_line(f"{lines[i].rstrip()} {lines[i + 1].strip()}")
    ):
        return 2
    return 0


def looks_like_email(lines: Sequence[str]) -> bool:
    """An "On … wrote:" line, a header block, or a reply above two or more quoted lines."""
    text = "\n".join(lines)
    if ":" not in text and "：" not in text and ">" not in text:
        return False  # no "wrote:", no header field, no quote
    if any(
        _wrote_line(lines, i)
        or (":" in line[:40] and _HEADER.match(line) and _header_block(lines, i))
        for i, line in enumerate(lines)
    ):
        return True
    quoted = [i for i, line in enumerate(lines) if line.lstrip().startswith(">")]
    if len(quoted) < 2 or not any(line.strip() for line in lines[: quoted[0]]):
        return False
    return not any(classify_line(line)[0] for line in lines)  # "> " inside a labelled chat


def parse_author(text: str) -> Author:
    """Name and address from "Sam Lee <sam@x.example>", "sam@x.example", '"Lee, Sam" [mailto:…]'."""
    found = _MAIL.search(text)
    address = found.group(0).lower() if found else ""
    name = text[: found.start()] if found else text
    name = re.sub(r"[<\[(]?\s*(?:mailto:)?\s*$", "", name).strip(" \t\"'<>[](),;")
    return name, address


def _wrote_author(line: str) -> Author:
    found = _MAIL.search(line)
    before = line[: found.start()] if found else re.split(_WROTE, line, flags=re.IGNORECASE)[0]
    before = re.sub(rf"(?:{_WROTE})\s*$", "", before.rstrip(" <([\t"), flags=re.IGNORECASE)
    before = before.rsplit(",", 1)[-1]
    # Whatever date and time precede the name ("… alle ore 10:56 Name", "… um 10:56 Uhr schrieb").
    before = re.sub(
        rf"^.*\d{{1,2}}:\d{{2}}(?:\s*(?:Uhr|[ap]\.?m\.?|h))?\s*(?:(?:{_WROTE})\s+)?",
        "",
        before,
        flags=re.IGNORECASE,
    )
    name = before.strip(" \t\"'<>[](),;")
    return name, found.group(0).lower() if found else ""


def _message(lines: Sequence[str], author: Author | None) -> Message | None:
    start = 0
    while start < len(lines) and (not lines[start].strip() or _HEADER.match(lines[start])):
        start += 1  # a lone "Subject: Re: …" above the text is the mail's, not the writer's
    text = "\n".join(line for line in lines[start:] if not _SEPARATOR.match(line)).strip()
    if not text:
        return None
    if author is None:
        return Message(text, unnamed_top=True)
    name, address = author
    return Message(text, speaker=name or address, key=address or name.lower())


def _read(lines: Sequence[str], author: Author | None) -> list[Message]:
    """Messages of one quoting level, oldest first; `author` wrote its unquoted top."""
    for i, line in enumerate(lines):
        if line.lstrip().startswith(">"):
            continue
        wrote = _wrote_line(lines, i)
        if wrote:
            intro = " ".join(lines[i : i + wrote])
            rest = lines[i + wrote :]
            cut = next((j for j, q in enumerate(rest) if q.lstrip().startswith(">")), len(rest))
            on_top = not any(q.strip() for q in lines[:i])
            if on_top and cut < len(rest) and any(q.strip() for q in rest[:cut]):
                # "> On …, Kim <care@…> wrote:" quoted along with Kim's text right below it:
                # the line names the writer of that text; the deeper quote is older still.
                deeper = [_QUOTE.sub("", q, count=1) for q in rest[cut:]]
                own = _message(rest[:cut], _wrote_author(intro))
                return [*_read(deeper, None), *([own] if own else [])]
            quoted = [_QUOTE.sub("", q, count=1) for q in rest if q.lstrip().startswith(">")]
            after = [q for q in rest if not q.lstrip().startswith(">")]  # a reply below
            if not quoted:  # pasted from a tool that drops the ">" marks: the rest is quoted
                quoted, after = list(rest), []
            older = _read(quoted, _wrote_author(intro))
            own = _message([*lines[:i], *after], author)
            return [*older, *([own] if own else [])]
        size = _header_block(lines, i) if _HEADER.match(line) else 0
        if size:
            fields = [_HEADER.match(h) for h in lines[i : i + size]]
            sender = next(parse_author(f["value"]) for f in fields if f and f["from"])
            recipient = next((f["value"] for f in fields if f and f["to"]), "")
            if author is None and i > 0 and recipient and "," not in recipient:
                author = parse_author(recipient)  # the top answers the quoted message's sender
            older = _read(lines[i + size :], sender)
            own = _message(lines[:i], author)
            return [*older, *([own] if own else [])]
    quoted_at = [i for i, line in enumerate(lines) if line.lstrip().startswith(">")]
    if quoted_at and any(line.strip() for line in lines[: quoted_at[0]]):
        # Quoting with no "wrote:" line: the quoted part is older, by someone unnamed. Under
        # the top (the customer's, see speakers.py) that is the message being answered.
        quoted = [_QUOTE.sub("", lines[i], count=1) for i in quoted_at]
        own = _message([line for line in lines if not line.lstrip().startswith(">")], author)
        older = _read(quoted, ("", ""))
        if author is None and older:
            older[-1].role = "agent"
        elif author is not None and older and not older[-1].key:
            older[-1].answered_by = author[1] or author[0].lower()
        return [*older, *([own] if own else [])]
    own = _message(lines, author)
    return [own] if own else []


def without_quoted_history(text: str) -> str:
    """A message's text without the quoted earlier mails an e-mail reply carries below it.

    For helpdesk exports, whose messages are e-mails that quote what the export already shows.
    """
    if ">" not in text and "---" not in text and "___" not in text:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        wrote = _wrote_line(lines, i)
        quoted_next = any(q.lstrip().startswith(">") for q in lines[i + wrote : i + wrote + 2])
        if (wrote and quoted_next) or (_SEPARATOR.match(line) and i > 0):
            return "\n".join(lines[:i]).rstrip()
    return text


def _team_signer(text: str) -> str:
    """The name signed above the team's name ("Rosa", then "Larkfield Customer Care"), or "".

    "" also when the message does not end with the team's name.
    """
    tail = [line.strip() for line in text.split("\n") if line.strip()][-3:]
    for above, line in itertools.pairwise(tail):
        if role_of_name(line) == "agent" and re.fullmatch(r"[^\W\d_][\w'-]+", above):
            return above
    return ""


def _answered_top(messages: list[Message]) -> list[Message]:
    """Oldest first, even when the paste put the team's message above the customer's reply.

    Newest-first is how mail quotes, but some helpdesks export a conversation oldest first
    with each message under its own header. When the top is signed by the team and the
    message under it greets or thanks that signer by name ("Hi Rosa, that's great"), the
    message under it answers the top, so it is the newer one.
    """
    if len(messages) < 2 or not messages[-1].unnamed_top:
        return messages
    top, below = messages[-1], messages[-2]
    signer = _team_signer(top.text)
    if not signer or not re.search(rf"\b{re.escape(signer)}\b", below.text[:160]):
        return messages
    top.role, below.role = "agent", None
    return [*messages[:-2], top, below]


def split(lines: Sequence[str]) -> list[Message]:
    """The thread's messages, oldest first; the top's author is unknown unless a header says."""
    return _answered_top(_read(without_forwarded(lines), None))


# "---------- Forwarded message ---------", "Begin forwarded message:" and their translations
_FORWARDED = re.compile(
    r"^\s*(?:-{2,}\s*)?(?:forwarded message|begin forwarded message|weitergeleitete nachricht|"
    r"message transféré|mensaje reenviado|messaggio inoltrato|mensagem encaminhada|"
    r"doorgestuurd bericht|пересылаемое сообщение|转发的邮件|転送されたメッセージ)"
    r"\s*:?\s*(?:-{2,})?\s*$",
    re.IGNORECASE,
)


def without_forwarded(lines: Sequence[str]) -> list[str]:
    """`lines` with a forwarded e-mail's separator and header fields taken out, its text kept.

    What a customer forwards under their own words ("see below from our finance person", "Is
    this really from you?") is theirs to show, not a turn by its sender: read as one, a prize
    e-mail's sender became the customer and the customer the agent. A forward at the very top
    is the message the customer writes under, and is left as it is.
    """
    kept: list[str] = []
    header = False
    for line in lines:
        if _FORWARDED.match(line.lstrip("> ")) and any(k.strip() for k in kept):
            header = True
            continue
        if header and (_HEADER.match(line) or not line.strip()):
            continue
        header = False
        kept.append(line)
    return kept
