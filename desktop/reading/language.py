"""Which language the customer writes: py3langid's model, limited to the languages the app supports.

py3langid (BSD, a numpy port of langid.py) is an n-gram naive Bayes model: no network, well
under a millisecond a message. Limiting it to SUPPORTED turns rare look-alikes ("pt" read as
galician, "nl" as afrikaans) into the nearest supported answer; on short support messages in
11 languages that took it to every message right (README, "Reading the conversation").
The app runs it from a compact copy of the model holding only those 11 languages
(resources/langid/, made by packaging/make_langid_model.py, memory-mapped by langid_model):
the same answers as py3langid with set_languages(SUPPORTED) for a few MB instead of ~80 MB.

CJK scripts decide alone where the n-gram model hesitates on a few characters: kana means
Japanese, hangul Korean, and han without either Chinese.
"""

from __future__ import annotations

import re
from functools import cache

from desktop.paths import resource_dir
from desktop.reading.langid_model import CompactLangid

SUPPORTED = ("en", "de", "fr", "es", "pt", "it", "nl", "ru", "zh", "ja", "ko")
NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
    "ru": "Russian",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
}
UNKNOWN = ""  # no letters to go by
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LETTER = re.compile(r"[^\W\d_]")


@cache
def _identifier() -> CompactLangid:
    return CompactLangid(resource_dir() / "langid")


def detect(text: str) -> str:
    """ISO 639-1 code of `text`'s language among SUPPORTED ("" when it has no letters)."""
    if not _LETTER.search(text):
        return UNKNOWN
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _HAN.search(text) and len(_HAN.findall(text)) * 2 >= len(_LETTER.findall(text)):
        return "zh"
    language, _score = _identifier().classify(text)
    return language
