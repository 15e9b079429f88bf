"""Adapt a canned response to this customer: the model opens, the canned facts follow. Pure.

Small models invent when asked to write a whole reply (the 135M default invented phone
numbers, links and actions in a third of its drafts). So in adapt mode the model writes only
what a canned response cannot know: one sentence that acknowledges this customer's request,
started for it with the agent's greeting and a lead-in ("Thank you for reaching out about"),
so it has little room to wander and little to read before its first word. The facts and steps
come verbatim from the canned response, placeholders filled. A bigger model benefits the same
way (a better acknowledgement), and `DraftMode.FREE` keeps the write-it-all path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from desktop import placeholders
from desktop.drafting.checks import CANNED_PREFIX, CUSTOMER_PREFIX
from desktop.drafting.options import Length, Tone
from desktop.drafting.sentences import split
from desktop.engine.types import Message
from desktop.store.canned import CannedResponse
from desktop.transcript import Transcript

OPENING_SYSTEM = (
    "You are a customer support agent. Finish the first sentence of your reply to the "
    "customer: say in a few plain words what they need help with. Write that one sentence "
    "only. Do not give steps, links, numbers, prices, dates or promises, and do not say you "
    "have done anything."
)
# The last customer turns the model reads: the newest matters, older ones are context.
OPENING_TURNS = 3
OPENING_CHARS = 600  # per turn: acknowledging needs the gist, not a long paste

_LEADS = {
    Tone.FRIENDLY: "Thank you for reaching out about",
    Tone.FORMAL: "Thank you for contacting us regarding",
    Tone.EMPATHETIC: "I'm sorry to hear about",
    Tone.CONCISE: "Thanks for your message about",
}
_CLOSING = "If anything is unclear, just reply to this message and we will help."
# The model often echoes the customer's own words ("about my order"): the reply says "your".
_PERSPECTIVE = (
    (re.compile(r"\bI'm\b"), "you're"),
    (re.compile(r"\bI am\b"), "you are"),
    (re.compile(r"\bI've\b"), "you've"),
    (re.compile(r"\bI have\b"), "you have"),
    (re.compile(r"\bI\b"), "you"),
    (re.compile(r"\bmy\b", re.IGNORECASE), "your"),
    (re.compile(r"\bmine\b", re.IGNORECASE), "yours"),
    (re.compile(r"\bme\b"), "you"),
    (re.compile(r"\bmyself\b"), "yourself"),
)


# The customer's language, where the reading detects one of these: greeting (named, anonymous),
# formal greeting (named, anonymous), lead-in, empathetic lead-in. The model is also told to
# write in that language; a small English-only model may still answer in English.
_LOCAL: dict[str, tuple[str, str, str, str, str, str]] = {
    "es": ("Hola {},", "Hola,", "Estimado/a {}:", "Buenos días:",
           "Gracias por escribirnos sobre", "Sentimos mucho lo ocurrido con"),
    "pt": ("Olá {},", "Olá,", "Prezado/a {},", "Bom dia,",
           "Obrigado por nos escrever sobre", "Lamentamos muito o ocorrido com"),
    "fr": ("Bonjour {},", "Bonjour,", "Bonjour {},", "Madame, Monsieur,",
           "Merci de nous avoir écrit au sujet de", "Nous sommes désolés pour"),
    "de": ("Hallo {},", "Hallo,", "Guten Tag {},", "Guten Tag,",
           "Vielen Dank für Ihre Nachricht zu", "Es tut uns sehr leid wegen"),
    "it": ("Ciao {},", "Buongiorno,", "Gentile {},", "Buongiorno,",
           "Grazie per averci scritto riguardo a", "Ci dispiace molto per"),
    "nl": ("Hallo {},", "Hallo,", "Beste {},", "Goedendag,",
           "Bedankt voor uw bericht over", "Het spijt ons erg van"),
    "ru": ("Здравствуйте, {}!", "Здравствуйте!", "Уважаемый(ая) {}!", "Здравствуйте!",
           "Спасибо, что написали нам о", "Нам очень жаль, что"),
    "zh": ("{}，您好！", "您好！", "尊敬的{}，您好！", "您好！", "感谢您来信咨询", "非常抱歉"),
    "ja": ("{}様", "お客様", "{}様", "お客様", "お問い合わせいただきありがとうございます：",
           "ご不便をおかけして申し訳ございません："),
    "ko": ("{}님, 안녕하세요.", "안녕하세요.", "{}님께", "안녕하세요.", "문의해 주셔서 감사합니다:",
           "불편을 드려 죄송합니다:"),
}  # fmt: skip
LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German",
    "it": "Italian", "nl": "Dutch", "ru": "Russian", "zh": "Chinese", "ja": "Japanese",
    "ko": "Korean",
}  # fmt: skip


def greeting(tone: Tone, first_name: str | None, language: str = "en") -> str:
    if language in _LOCAL:
        named, anonymous, formal_named, formal_anonymous, _, _ = _LOCAL[language]
        if tone is Tone.FORMAL:
            return formal_named.format(first_name) if first_name else formal_anonymous
        return named.format(first_name) if first_name else anonymous
    if tone is Tone.FORMAL:
        return f"Dear {first_name}," if first_name else "Hello,"
    return f"Hi {first_name}," if first_name else "Hi there,"


def lead(tone: Tone, language: str = "en") -> str:
    if language in _LOCAL:
        return _LOCAL[language][5 if tone is Tone.EMPATHETIC else 4]
    return _LEADS[tone]


def wants_opening(length: Length) -> bool:
    """Short drafts skip the model's sentence: greeting and canned response only."""
    return length is not Length.SHORT


def opening_messages(
    transcript: Transcript,
    canned: CannedResponse | None,
    tone: Tone,
    first_name: str | None,
    language: str = "en",
) -> tuple[Message, ...]:
    """System, the customer's words (and the canned topic), and the opening to continue."""
    turns = transcript.customer_turns()[-OPENING_TURNS:] or transcript.turns[-1:]
    said = "\n".join(f"Customer: {t.text[-OPENING_CHARS:]}" for t in turns)
    topic = f"\n\nThe rest of the reply is our saved answer about: {canned.title}" if canned else ""
    prefix = f"{greeting(tone, first_name, language)}\n\n{lead(tone, language)}"
    system = OPENING_SYSTEM
    if language in _LOCAL:
        system += f" Write in {LANGUAGE_NAMES[language]}, the customer's language."
    return (
        Message("system", system),
        Message("user", said + topic),
        Message("assistant", prefix),
    )


def finish_opening(
    tone: Tone, continuation: str, sentences: int = 1, language: str = "en"
) -> str | None:
    """The lead-in plus the model's words up to its first sentence end, in the agent's voice.

    None when the model wrote nothing usable (the draft then opens with the greeting alone).
    """
    text = continuation.strip("\n")
    if not text.strip():
        return None
    parts = split(text)
    kept = "".join(text[p.start : p.end] + " " for p in parts[:sentences]).strip()
    if not kept or len(kept.split()) < 2:
        return None
    if kept[-1] not in ".!?":
        kept = kept.rstrip(",;: ") + "."
    if language not in _LOCAL:  # the pronoun swap is English
        for pattern, replacement in _PERSPECTIVE:
            kept = pattern.sub(replacement, kept)
    joiner = "" if kept[0] in ",.，。：:" or language in ("zh", "ja") else " "
    return f"{lead(tone, language)}{joiner}{kept}"


def render_body(canned: CannedResponse, values: Mapping[str, str]) -> str:
    """The canned body with what is known filled in; the rest stays for the fill-in form."""
    return placeholders.render(canned.body.strip(), values).text


def assemble(
    tone: Tone,
    first_name: str | None,
    opening: str | None,
    body: str,
    length: Length,
    language: str = "en",
) -> str:
    parts = [greeting(tone, first_name, language)]
    if opening:
        parts.append(opening)
    parts.append(body)
    if length is Length.DETAILED:
        parts.append(_CLOSING)
    return "\n\n".join(p for p in parts if p)


def check_sources(
    transcript: Transcript, grounding: Sequence[CannedResponse], values: Mapping[str, str]
) -> list[str]:
    """What a draft may rely on: the conversation, the canned responses, the known values."""
    return [
        # Marked, so a promise cannot rest on what the customer asked for (checks.py).
        *(
            f"{CUSTOMER_PREFIX}{t.text}" if t.role == "customer" else t.text
            for t in transcript.turns
        ),
        # Marked too: what a canned response says was done counts only once the agent did it.
        *(f"{CANNED_PREFIX}{c.title}\n{c.body}" for c in grounding),
        *values.values(),
    ]


_NUMBER = re.compile(r"\d(?:[\d,.\-/]{0,30}\d)?")
MAX_GRAMMAR_NUMBERS = 40


def opening_grammar(sources: Sequence[str]) -> str:
    """GBNF under which the model's sentence cannot invent a number, link, email or amount.

    Digits may appear only as a number the sources state, copied whole; characters that URLs,
    emails, amounts and role labels need (`/ @ : $ € £ % # < > { } [ ]`) and line breaks
    cannot appear at all. What remains checkable (a made-up product name) the checks catch.
    """
    numbers = sorted({m.group() for text in sources for m in _NUMBER.finditer(text)}, key=len)
    numbers = numbers[-MAX_GRAMMAR_NUMBERS:]  # the longest: ids matter more than "2"
    banned = r"0-9/@:$€£%#<>{}\[\]\n\r\\"
    rules = ["root ::= piece*", f"piece ::= [^{banned}]"]
    if numbers:
        rules[1] += " | number"
        rules.append("number ::= " + " | ".join(f'"{n}"' for n in numbers))
    return "\n".join(rules) + "\n"
