import json
import time
from collections import Counter
from pathlib import Path

from desktop.reading.language import detect
from desktop.reading.mood import read_mood

DATA = Path(__file__).resolve().parents[1] / "data" / "reading" / "sentiment.jsonl"


def test_negative_recall_and_precision_on_the_labelled_set() -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    pairs = Counter(
        (r["sentiment"], read_mood([r["text"]], detect(r["text"])).sentiment) for r in rows
    )
    true_negative = sum(n for (gold, _), n in pairs.items() if gold == "negative")
    said_negative = sum(n for (_, said), n in pairs.items() if said == "negative")
    hits = pairs[("negative", "negative")]
    assert hits / true_negative >= 0.85
    assert hits / said_negative >= 0.75


def test_each_label_comes_with_its_cues() -> None:
    mood = read_mood(
        ["WHERE IS MY REFUND!!! Third time I write, I need it before Friday or I call my lawyer"],
        "en",
    )
    assert (mood.sentiment, mood.emotion, mood.urgency) == ("negative", "angry", "high")
    kinds = {kind for kind, _ in mood.cues}
    assert {"deadline", "repeat", "threat", "shouting"} <= kinds
    assert ("threat", "lawyer") in mood.cues


def test_cues_in_other_languages() -> None:
    assert read_mood(["这是我第三次联系你们了，太离谱了！"], "zh").sentiment == "negative"  # noqa: RUF001
    assert read_mood(["Das ist dringend, bitte sofort!"], "de").urgency == "high"
    assert read_mood(["Muchas gracias, todo perfecto"], "es").emotion == "happy"
    assert read_mood(["Je suis inquiète, ma carte a été volée"], "fr").emotion == "worried"


def test_thanks_after_a_complaint_reads_as_resolved() -> None:
    mood = read_mood(["This is ridiculous, still no parcel.", "It arrived, thanks a lot!"], "en")
    assert mood.sentiment == "positive"


def test_cyrillic_lower_case_is_not_shouting() -> None:
    assert read_mood(["Можно ли изменить адрес доставки?"], "ru").sentiment == "neutral"
    assert read_mood(["ГДЕ МОЙ ЗАКАЗ"], "ru").sentiment == "negative"  # noqa: RUF001


def test_well_under_ten_milliseconds() -> None:
    texts = ["I've been waiting for weeks, this is unacceptable. Please refund me today."] * 3
    start = time.perf_counter()
    for _ in range(100):
        read_mood(texts, "en")
    assert (time.perf_counter() - start) / 100 < 0.01
