"""Chat and tweet noise taken out before a message is embedded for its mood.

The sentence encoder reads words: a URL, an @handle or "RT" carries no mood but pulls a short
message's vector toward "a link" or "a reply"; an emoji is an unknown piece to its vocabulary,
so the few whose mood is plain (😡, 💔, 👍, ❤, ":(") become a word it knows ("angry"). HTML
entities (&amp;) and presentation forms (Arabic ﻃﻔﻞ, full-width letters) are folded by NFKC.
Hashtags stay as written: splitting them ("#worstservice") read worse on every set measured.
"""

from __future__ import annotations

import html
import re
import unicodedata

URL = re.compile(r"(?:https?://|www\.)\S*|\bhttps?\b", re.IGNORECASE)
MENTION = re.compile(r"(?<!\w)@\w+:?")
RETWEET = re.compile(r"\bRT\b:?")
REPEATED = re.compile(r"(\w)\1{2,}")  # "sooooo" -> "soo": one spelling for every stretch
JOINERS = "\ufe0f\ufe0e\u200d"  # emoji variation selectors and the zero-width joiner
# The few emoji and emoticons whose mood is plain, as a word the encoder knows in every language.
# Their Unicode names mislead ("heavy black heart"), and 😂 or 😭 are as often laughter as grief:
# every other emoji is dropped.
EMOJI = {
    **dict.fromkeys("😡🤬😠😤", "angry"),
    **dict.fromkeys("💔😢😞☹🙁😔😟", "sad"),
    "👎": "bad",
    **dict.fromkeys("❤♥💕💖💗😍🥰😘", "love"),
    **dict.fromkeys("😊🙂😀😃😄☺", "happy"),
    "👍": "good",
    "🙏": "thank you",
}
EMOTICON = re.compile(r"(?<!\S)(?:[:;=]-?[()D]|:'\()(?!\S)")


def normalise(text: str) -> str:
    """`text` without URLs, handles, "RT" and HTML entities; plain emoji spelled as words."""
    text = unicodedata.normalize("NFKC", html.unescape(text))
    text = RETWEET.sub(" ", MENTION.sub(" ", URL.sub(" ", text)))
    text = REPEATED.sub(r"\1\1", text)
    text = EMOTICON.sub(lambda m: " sad " if "(" in m.group() else " happy ", text)
    words = "".join(_spelled(ch) for ch in text if ch not in JOINERS)
    return " ".join(words.split())


def _spelled(ch: str) -> str:
    """A plain emoji as its word, any other emoji or pictograph as a space."""
    if ch in EMOJI:
        return f" {EMOJI[ch]} "
    if ch < "\u2600" or unicodedata.category(ch) not in ("So", "Sk"):  # arrows, ™ stay
        return ch
    return " "
