"""The mood reader on messages nobody tuned it for (issue 25): the real encoder, the real sets.

Floors sit a little under what the reader reached when it was built (README, "Reading the
conversation"): a change that loses ground fails here. UMSAB measures only; nothing is fitted on it.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from desktop.app import build_parser
from desktop.cli import registry
from desktop.paths import eval_dir
from desktop.reading.language import detect
from desktop.reading.meaning import default_reader, head_path, load_head, prepared
from desktop.reading.mood import find_cues, read_mood
from desktop.reading.mood_eval import MoodScore, load_labelled, score
from desktop.reading.noise import normalise
from desktop.store.multilingual import default_multilingual

ROOT = Path(__file__).resolve().parents[2]
UMSAB = eval_dir() / "sentiment" / "umsab_val.jsonl"
REALISTIC = eval_dir() / "realistic" / "conversations.jsonl"
LABELLED = ROOT / "tests" / "data" / "reading" / "sentiment.jsonl"
# The first blind set chooses the biases since the second was written; the second measures.
FIRST_BLIND = ROOT / "tests" / "data" / "reading" / "mood_blind.jsonl"
BLIND = ROOT / "tests" / "data" / "reading" / "mood_blind_2.jsonl"
THIRD_BLIND = ROOT / "tests" / "data" / "reading" / "mood_blind_3.jsonl"

pytestmark = pytest.mark.skipif(default_reader() is None, reason="no multilingual encoder")


def _by_language(rows: list[MoodScore]) -> dict[str, MoodScore]:
    return {row.language: row for row in rows}


@pytest.fixture(scope="module")
def umsab() -> tuple[dict[str, MoodScore], dict[str, MoodScore]]:
    items = load_labelled(UMSAB)
    return _by_language(score(items)), _by_language(score(items, meaning=False))


def test_umsab_tweets_overall(umsab: tuple[dict[str, MoodScore], dict[str, MoodScore]]) -> None:
    now, cues_only = umsab
    # Reached: recall 0.62, precision 0.51, accuracy 0.52 (cue lists alone: 0.10, 0.40, 0.36;
    # with the first 1,222 prototypes only: 0.55, 0.51, 0.49; seven writers: 0.57, 0.52, 0.51).
    assert now["all"].recall >= 0.58
    assert now["all"].precision >= 0.49
    assert now["all"].accuracy >= 0.48
    assert now["all"].recall >= cues_only["all"].recall + 0.35


def test_umsab_every_language(umsab: tuple[dict[str, MoodScore], dict[str, MoodScore]]) -> None:
    now, cues_only = umsab
    for language in ("ar", "de", "en", "es", "fr", "pt"):  # the encoder's languages
        assert now[language].recall >= 0.54, language  # lowest reached: ar 0.58
        assert now[language].precision >= 0.45, language  # lowest reached: en 0.49
        assert now[language].recall > cues_only[language].recall + 0.25, language
    # Romanised Hindi is outside the encoder's languages: still well above the cue lists.
    assert now["hi"].recall >= 0.38 and now["hi"].precision >= 0.32  # 0.43, 0.35


def test_realistic_angry_conversations() -> None:
    rows = _by_language(score(load_labelled(REALISTIC)))
    # Reached: all 10 angry ones, and 15 of the 80 others (16 with seven writers; cue lists
    # alone: 8 and 15). The head
    # fitted on 1,222 prototypes read 7 of the others as negative but missed more upset
    # messages: its biases are now chosen for recall (packaging/fit_mood_head.py), and a
    # customer who already tried everything counts as "not angry" here.
    assert rows["all"].recall >= 0.9
    assert rows["all"].precision >= 0.35
    assert rows["all"].accuracy >= 0.78


def test_the_calibration_set_still_reads_right() -> None:
    rows = _by_language(score(load_labelled(LABELLED)))
    # 0.91, 0.91 (0.97, 0.88 before ten writers' sentences and the first blind set calibrated)
    assert rows["all"].recall >= 0.88 and rows["all"].precision >= 0.85


def test_messages_written_by_others_and_never_read(blind: dict[str, MoodScore]) -> None:
    # 320 support messages, reviews and posts in en, it, nl, ru, es, de, ja, zh by two helpers
    # who saw nothing of the app (tests/data/reading/mood_blind_2.md); only their figures were
    # looked at, once before and once after the head was refitted.
    # Reached: recall 0.80, precision 0.74, accuracy 0.77 (the head before: 0.77, 0.73, 0.75).
    assert blind["all"].recall >= 0.77
    assert blind["all"].precision >= 0.7
    assert blind["all"].accuracy >= 0.74
    for language in ("de", "en", "es", "it", "ja", "nl", "ru", "zh"):
        assert blind[language].recall >= 0.6, language  # lowest reached: nl 0.62, zh 0.69


def test_a_third_pair_of_writers_never_read() -> None:
    # 320 more in fr, pt, ko, en, nl, it, zh, de by two other helpers (mood_blind_3.md), looked
    # at only through these figures. Reached: recall 0.76, precision 0.72, accuracy 0.77; lowest
    # recall de and ko 0.62. Short of the 0.80 at 0.75: the floors keep what holds.
    rows = _by_language(score(load_labelled(THIRD_BLIND)))
    assert rows["all"].recall >= 0.73
    assert rows["all"].precision >= 0.69
    assert rows["all"].accuracy >= 0.74
    for language in ("de", "en", "fr", "it", "ko", "nl", "pt", "zh"):
        assert rows[language].recall >= 0.6, language


def test_the_first_blind_set_now_calibrating(first_blind: dict[str, MoodScore]) -> None:
    # The first 320 blind messages (tests/data/reading/mood_blind.md), read by
    # packaging/fit_mood_head.py for its biases since the second set was written.
    # Reached: recall 0.89, precision 0.78, accuracy 0.82 (before they calibrated: 0.89, 0.74,
    # 0.80).
    assert first_blind["all"].recall >= 0.85
    assert first_blind["all"].precision >= 0.74
    assert first_blind["all"].accuracy >= 0.78


@pytest.fixture(scope="module")
def blind() -> dict[str, MoodScore]:
    return _by_language(score(load_labelled(BLIND)))


@pytest.fixture(scope="module")
def first_blind() -> dict[str, MoodScore]:
    return _by_language(score(load_labelled(FIRST_BLIND)))


@pytest.mark.parametrize(
    "text",
    [
        "The box came crushed and the kettle leaks.",
        "Seit zwei Wochen warte ich auf mein Geld.",
        "Llevo un mes esperando el reembolso.",
        "A caixa chegou amassada e o fone não liga.",
    ],
)
def test_a_complaint_without_a_cue_word_reads_negative(text: str) -> None:
    language = detect(text)
    assert read_mood([text], language, meaning=False).sentiment == "neutral"  # no list has it
    assert read_mood([text], language).sentiment == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Can I change my delivery address please?",
        "Kann ich meine Lieferadresse ändern?",
        "Comment puis-je changer mon mot de passe ?",
        "Quiero saber el horario de la tienda.",
        "配送先を変更できますか？",  # noqa: RUF001
    ],
)
def test_a_plain_request_stays_neutral(text: str) -> None:
    assert read_mood([text], detect(text)).sentiment == "neutral"


def test_negation_turns_a_happy_word_into_frustration() -> None:
    assert ("frustrated", "not happy") in find_cues("I'm not happy with the refund.", "en")
    assert ("frustrated", "nicht zufrieden") in find_cues("Ich bin nicht zufrieden.", "de")
    for meaning in (True, False):
        mood = read_mood(["I'm not happy with the refund."], "en", meaning=meaning)
        assert (mood.sentiment, mood.emotion) == ("negative", "frustrated")


def test_thanks_before_but_is_not_thanks() -> None:
    text = "Thanks for the reply, but I still haven't received anything."
    assert not [cue for cue in find_cues(text, "en") if cue[0] == "happy"]
    assert read_mood([text], "en").sentiment == "negative"
    assert read_mood(["Merci, tout est parfait maintenant !"], "fr").sentiment == "positive"


@pytest.mark.parametrize(
    ("noisy", "clean"),
    [
        (
            "RT @airline: my bag is lost again http://t.co/x1 www.example.com",
            "my bag is lost again",
        ),
        ("sooooo happy &amp; relieved", "soo happy & relieved"),
        ("ﻃﻔﻞ", "طفل"),  # Arabic presentation forms, as some keyboards send them
        ("thanks 👍🏽", "thanks good"),  # the skin tone carries no mood
        ("❤️ it 😂", "love it"),  # 😂 is as often laughter at a mess: dropped
        ("still broken :( 😡", "still broken sad angry"),
        ("#worstservice → 10€ :Dx", "#worstservice → 10€ :Dx"),
    ],
)
def test_chat_noise_is_taken_out_before_embedding(noisy: str, clean: str) -> None:
    assert normalise(noisy) == clean
    assert prepared(noisy) == clean


def test_a_message_that_is_all_noise_is_read_as_written() -> None:
    assert prepared("@user http://t.co/abc") == "@user http://t.co/abc"


def test_an_angry_emoji_reads_negative_and_a_heart_positive() -> None:
    reader = default_reader()
    assert reader is not None
    assert reader.read("😡😡").label == "negative"
    assert reader.read("❤️❤️").label == "positive"


def test_a_message_read_twice_is_embedded_once() -> None:
    reader = default_reader()
    assert reader is not None
    assert reader.read("Where is my parcel?") is reader.read("Where  is my parcel?")


def test_precise_cues_hold_whatever_the_meaning() -> None:
    assert read_mood(["This is ridiculous."], "en").emotion == "angry"
    assert read_mood(["WHERE IS MY REFUND"], "en").sentiment == "negative"
    assert read_mood(["Thank you so much!!"], "en").sentiment == "positive"  # "!!" is delight


def test_shipped_head_is_what_the_fit_script_makes() -> None:
    """The weights come from the CC0 prototypes and the calibration sets, nothing else."""
    script = ROOT / "packaging" / "fit_mood_head.py"
    spec = importlib.util.spec_from_file_location("fit", script)
    assert spec is not None and spec.loader is not None
    fit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fit)
    embedder = default_multilingual()
    assert embedder is not None
    texts, labels = fit.every_labelled(fit.prototype_files())
    assert len(texts) == 5272  # the first 1,222 and nine files of 450 by other writers
    with np.load(head_path(), allow_pickle=False) as data:
        l2 = float(data["l2"])  # chosen by cross-validation on the prototypes alone
    assert l2 in fit.L2_GRID
    weights, _ = fit.fit(embedder.embed(texts).astype(np.float64), labels, l2)
    shipped = load_head(head_path())
    assert np.allclose(shipped.weights, weights, atol=1e-4)
    assert "umsab_val" not in script.read_text(encoding="utf-8")
    assert "mood_blind_2" not in script.read_text(encoding="utf-8")  # measures only
    assert "mood_blind_3" not in script.read_text(encoding="utf-8")


def test_eval_mood_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    sample = tmp_path / "sample.jsonl"
    sample.write_text("\n".join(json.dumps(r) for r in rows[:30]), encoding="utf-8")
    assert registry.run(build_parser().parse_args(["eval-mood", str(sample), "--json"])) == 0
    out = capsys.readouterr().out.splitlines()
    scores = json.loads(out[0])["scores"]
    assert scores[-1]["language"] == "all" and scores[-1]["messages"] == 30
    assert out[1].startswith("meaning signal: ")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "hi", "label": "happy"}\n', encoding="utf-8")
    assert registry.run(build_parser().parse_args(["eval-mood", str(bad)])) == 1
    assert "bad.jsonl:1" in capsys.readouterr().err
