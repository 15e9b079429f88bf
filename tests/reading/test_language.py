import json
from pathlib import Path

import pytest
from desktop.reading.language import SUPPORTED, detect

DATA = Path(__file__).resolve().parents[1] / "data" / "reading" / "short_messages.jsonl"
MESSAGES = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def test_the_test_set_covers_every_supported_language() -> None:
    assert {m["language"] for m in MESSAGES} == set(SUPPORTED)


def test_short_support_messages_in_eleven_languages() -> None:
    wrong = [(m["language"], detect(m["text"]), m["text"]) for m in MESSAGES]
    wrong = [w for w in wrong if w[0] != w[1]]
    assert len(wrong) <= len(MESSAGES) * 0.02, wrong


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("注文しました", "ja"),
        ("退款", "zh"),
        ("환불", "ko"),
        ("1234 !!", ""),
        ("Where is my parcel?", "en"),
    ],
)
def test_scripts_and_empty_text(text: str, language: str) -> None:
    assert detect(text) == language
