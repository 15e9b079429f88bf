"""Threads whose customers say their need in their own words (the twelfth blind set's style).

Each case is written here in words of its own, after a kind of miss seen in the read halves of
tests/data/blind_threads_12.jsonl; the never-read halves only measure.
"""

from __future__ import annotations

import pytest
from desktop.drafting import tried
from desktop.drafting.focus import focus_of, is_thanks_only, is_upset
from desktop.importers import parse_file
from desktop.reading.concepts import concepts_in
from desktop.reading.mood import find_cues
from desktop.store.canned import CannedRepository
from desktop.transcript import parse

from tests.shop_threads import LIBRARY, first, shop_library, understood


@pytest.fixture(scope="module")
def shop() -> CannedRepository:
    return shop_library()


@pytest.mark.parametrize(
    ("text", "thanks"),
    [
        # The answer understood, then thanks, with the story between: nothing asked.
        (
            "Ah right, that makes sense now. I didn't realise the bank adds its own days on top. "
            "I'll keep an eye out, I only wanted to check it hadn't gone missing. Thanks so much "
            "for explaining.",
            True,
        ),
        (
            "Well that's very clear, thank you. I think I was typing it in the wrong box all "
            "along. My grandson is coming on Sunday so we'll have a go together. You've been "
            "ever so patient.",
            True,
        ),
        (
            "ok thats all fine now thank you. sorry for the fuss, my daughter says I should write "
            "them down but I dont think thats wise. thanks again love",
            True,
        ),
        # News that it is over in other words, and loyalty promised, ask nothing either.
        (
            "Just so you know, the new jug came this morning, all in one piece. Really appreciate "
            "how fast that was.",
            True,
        ),
        ("Money landed already, cheers. I'll definitely be shopping with you again.", True),
        ("It came this morning but the lid is cracked again, thanks", False),
        # ... but not a problem or a question told after it.
        ("That makes sense. My parcel is damaged. Thanks", False),
        ("that makes sense thanks, and how do I return the other one", False),
        ("That's clear, thanks. The lamp is still not working though.", False),
        ("thanks. it's about 4 years old, works fine, just want an upgrade", False),
    ],
)
def test_an_answer_understood_and_thanked_asks_nothing(text: str, thanks: bool) -> None:
    assert is_thanks_only(text) is thanks


def test_a_new_order_after_the_agent_acted_is_a_new_request(shop: CannedRepository) -> None:
    thread = (
        "Customer: My parcel #61120 never came.\n"
        "Agent: I'm sorry. We have issued your refund of £20.00 for order #61120.\n"
        "Customer: Thanks. Silly me, I ordered it again this morning (#61188) before I saw "
        "this and I don't need two. Can that one be stopped before it goes out?"
    )
    result = understood(shop, thread)
    assert result.ranked[0][0].title != "Refund issued"
    assert "Cancel order - not yet shipped" in [c.title for c, _ in result.ranked[:3]]
    # ... while an order named before is still the one the agent acted on.
    both = (
        "Customer: I placed #61201 and #61202 by mistake, both the same pans.\n"
        "Agent: Done - I've cancelled #61202 and the money is on its way back.\n"
        "Customer: Thank you. So #61201 still comes and #61202 is cancelled, right?"
    )
    assert first(shop, both) == "Order cancelled"


@pytest.mark.parametrize(
    "text",
    [
        "I'm ringing my bank this afternoon to claw it back. ABSOLUTELY NO WARNING GIVEN.",
        "This sort of thing ends up on Watchdog. I am phoning my bank.",
    ],
)
def test_going_to_the_bank_or_the_press_is_a_threat(text: str) -> None:
    assert is_upset(find_cues(text, "en"))


def test_someone_above_you_is_a_manager_asked_for(shop: CannedRepository) -> None:
    thread = (
        "Customer: STILL NOTHING. Twelve days since you said the courier was looking into it. "
        "I want someone above you dealing with this now."
    )
    assert first(shop, thread) == "Escalation to supervisor"


def test_did_exactly_that_after_the_agents_steps_is_a_step_taken(shop: CannedRepository) -> None:
    thread = (
        "Customer: The orange light is on and the coffee comes out cold.\n"
        "Agent: That light means it needs a descale: run a descaling cycle with one sachet, "
        "hold the 1-cup and 2-cup buttons for 5 seconds, then rinse.\n"
        "Customer: Did exactly that on Sunday, full cycle, rinsed twice. The orange light is back "
        "after three cups and now it barely dribbles. It's 15 months old."
    )
    assert focus_of(parse(thread)).tried
    assert first(shop, thread) == "Warranty claim"


def test_a_claim_ranked_first_after_its_how_to_was_followed_is_offered_as_sure(
    shop: CannedRepository,
) -> None:
    thread = (
        "Customer: My Barista One just makes a loud humming noise and no water comes out at all. "
        "What I've tried already: ran the descaling cycle with the sachet from the box, unplugged "
        "it for a night, refilled the tank and pushed it in until it clicked. It's three weeks "
        "old. What now?"
    )
    result = understood(shop, thread)
    ready = result.needs[0].ready
    assert ready is not None and ready.canned.title == "Warranty claim"
    assert ready.confident


def test_photos_sent_as_asked_finish_the_photo_request() -> None:
    library = list(parse_file(LIBRARY)[1].responses)
    photos = next(c for c in library if c.title == "Damaged item - photos please")
    assert tried.exhausted(photos, ("Photos attached as asked, three of the jug",))
    assert tried.exhausted(photos, ("I've attached a couple of pics of the handle",))
    assert not tried.exhausted(photos, ("I looked everywhere for the receipt",))


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("now it says I'm blocked and to try again in half an hour", "account locked"),
        ("too many wrong attempts apparently", "account locked"),
        ("Hartwells have the exact same one, grey, for £129", "price match"),
        ("would I still be able to send it back after New Year?", "return window"),
        ("or will I have missed my chance by then?", "return window"),
        ("our accountant wants proper paperwork with the firm's name on it", "invoice receipt"),
        ("no rush, just wondering when we should expect the money back", "refund timing"),
        ("I bought it to change the colours from my phone", "connect to the app"),
        ("the app can't find the lamp however long I wait", "connect to the app"),
        ("my banking app shows £42.50 twice from LARKFIELD LTD", "charged twice"),
        ("it showed up twice on my statement", "charged twice"),
        ("it would be easier if it went to my brother's flat instead", "change delivery address"),
        ('my account just says "Preparing" since Sunday', "order still processing"),
    ],
)
def test_everyday_paraphrases_name_their_need(text: str, concept: str) -> None:
    assert concept in concepts_in(text)


def test_a_blocked_card_is_no_locked_account() -> None:
    assert "account locked" not in concepts_in("the card was blocked by my bank")


def test_asking_whether_it_is_broken_says_no_damage() -> None:
    assert "damaged" not in concepts_in("is it broken or am I doing something wrong")
    assert "damaged" in concepts_in("the handle is broken")
    assert "refund timing" not in concepts_in("when will I see it back from the repair shop?")


@pytest.mark.parametrize(
    "thread",
    [
        # A letter whose only request is a raffle prize; "the only address I could find" and
        # "when the storm came" ask nothing.
        "Customer: Dear team, I hope this reaches the right person - it was the only address I "
        "could find. Our village hall is holding a summer fete, which this year raises money "
        "for the roof that leaked when the storm came. We wondered whether you might be willing "
        "to give something for the raffle.",
        # Collecting in person, after a question about where to ask.
        "Customer: hi, is this the right place for orders?\n"
        "Agent: Yes! What can I help with?\n"
        "Customer: the website says it won't come in time. can I just drive over to your "
        "warehouse tomorrow and pick the lamp up myself?",
        # A short question that only goes on from the one before asks nothing new.
        "Customer: We're getting married in May! Do you do wedding lists that guests can buy "
        "from? Or anything similar?",
        # A trade-in asked without the word.
        "Customer: My old Krups is ten years old. If I buy the Barista One, would you take the "
        "Krups and knock something off?",
        # A pitch's own request is the call it asks for.
        "Customer: Hi, your site isn't on page one for 'best coffee grinder'. Our agency has "
        "helped 30 shops double their organic traffic. Would you be open to a quick call on "
        "Thursday?",
    ],
)
def test_a_request_the_library_has_no_reply_for_is_said_so(
    shop: CannedRepository, thread: str
) -> None:
    assert understood(shop, thread).abstain


def test_two_payments_for_ones_own_order_are_no_unrecognised_charge(
    shop: CannedRepository,
) -> None:
    # The bank's descriptor ("LARKFIELD LTD") is in the unrecognised-charge reply's body; the
    # customer who pastes it has recognised the charge, twice.
    thread = (
        "Customer: hi the page hung so i paid again and now my banking app shows £38.20 twice "
        "from LARKFIELD LTD, one of them pending. order #61822. which one is real??"
    )
    assert first(shop, thread) == "Charged twice - pending authorisation"
    unknown = "Customer: There's a £38.20 payment to LARKFIELD LTD I don't recognise at all."
    assert first(shop, unknown) == "Unrecognised charge"
