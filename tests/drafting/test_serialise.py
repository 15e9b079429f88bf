"""One JSON form of a suggestion (suggest --json, the local API): what each key says."""

from __future__ import annotations

from desktop.drafting.results import SuggestionResult
from desktop.drafting.serialise import suggestion_json
from desktop.reading import Reading


def test_the_reading_cannot_hide_whether_a_saved_reply_fits() -> None:
    # A thank-you: no intent is guessed (the reading abstains) yet the closing reply fits.
    reading = Reading("en", "positive", "happy", "low", (), (), abstain=True)
    result = SuggestionResult("Glad it works!", (), 10, 3, 0.1, 0.2, "stop", reading=reading)
    payload = suggestion_json(result, "model")
    assert payload["abstain"] is False  # the suggestion's own answer
    assert payload["intents_abstain"] is True  # the reading's, under its own name
    assert payload["sentiment"] == "positive" and payload["language"] == "en"
