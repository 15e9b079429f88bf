"""Real threads (issue 20): what the panel offers for pasted email chains, helpdesk exports and
chats, on the shop library of the realistic dev set, with the real model and a real database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from desktop.drafting import calibration, counterparts, known, rerank, translations, tried
from desktop.drafting.echo import prompt_echo
from desktop.drafting.focus import (
    ANSWERED_WEIGHT,
    ASKS,
    MAX_SEGMENTS,
    PENDING_WEIGHT,
    focus_of,
    is_thanks_only,
    is_upset,
    says_it_works,
)
from desktop.drafting.pipeline import Suggester
from desktop.drafting.roles import roles_of
from desktop.drafting.understand import Understanding, _requests
from desktop.engine.llama import LlamaEngine
from desktop.evaluation.conversations import claims, evaluate_conversations, load_conversation_cases
from desktop.evaluation.library import memory_repository
from desktop.evaluation.ranking_eval import teach
from desktop.importers import parse_file
from desktop.importers.picks import Pick
from desktop.reading.concepts import concepts_in
from desktop.reading.meaning import ends
from desktop.reading.mood import find_cues
from desktop.reading.outside import topics_in
from desktop.settings import Settings
from desktop.store import ranking
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.library import open_library
from desktop.transcript import parse

from tests.conftest import EVAL

REALISTIC = EVAL / "realistic"
LIBRARY = REALISTIC / "library.json"
OUTSIDE_DEV = Path(__file__).parent / "data" / "threads_outside_dev.jsonl"
OUTSIDE_DEV_MULTI = Path(__file__).parent / "data" / "threads_outside_dev_multi.jsonl"

# An angry customer charged twice who wants the membership cancelled: nobody cancelled it.
DOUBLE_CHARGE = """From: Dana Price <dana.price@example.com>
Sent: Tuesday, 4 June 2024 09:12
To: Larkfield Customer Care
Subject: CHARGED TWICE

I have been charged TWICE for Larkfield Plus this month. Cancel my membership NOW and refund
the duplicate payment or I will dispute it with my bank!!!

Dana

Sent from my iPhone
"""

CANCELLED_BY_AGENT = """Customer: Hi, please cancel my Larkfield Plus membership, I don't use it.
Agent: Hi Tom, I've just cancelled your Larkfield Plus membership for you.
Customer: Great, can you confirm it's cancelled and I won't be charged again?
"""

THANKS = """Chloe (Larkfield Support)
May 20, 10:12
Hi Ruth, I've sent a replacement kettle today. You'll get tracking by email this evening.

Ruth Evans
May 22, 09:03
Just wanted to say the replacement arrived this morning and it's perfect. Thanks so much!
"""

SPANISH = """Cliente: Hola, ¿dónde está mi pedido #48213? Lo pedí hace una semana.
"""

TWO_NEEDS = """Customer: Hi! I'd like to return the Vela lamp from order #48120, it doesn't suit the room - how do I do that?
Also, how long does the refund take once you get it back?
"""  # noqa: E501


@pytest.fixture
def shop() -> CannedRepository:
    return memory_repository(list(parse_file(LIBRARY)[1].responses))


def understood(repo: CannedRepository, text: str) -> Understanding:
    # Understanding a thread needs no model: the engine is never touched.
    suggester = Suggester(None, repo, Settings(), "")  # type: ignore[arg-type]
    return suggester.understand(parse(text), count=5)


def test_an_undone_cancellation_is_never_the_ready_reply(shop: CannedRepository) -> None:
    result = understood(shop, DOUBLE_CHARGE)
    titles = [n.ready.canned.title for n in result.needs if n.ready is not None]
    assert "Plus cancelled" not in titles and "Duplicate charge refunded" not in titles
    assert all(not n.ready.pending for n in result.needs if n.ready is not None)
    # The upset customer is heard first; the confirmations wait for the agent, with a to-do.
    assert titles[0] == "Complaint acknowledgement"
    todo = {p.canned.title: p.action.todo for p in result.pending}
    assert set(todo) <= {"Plus cancelled", "Duplicate charge refunded", "Refund issued"}


@pytest.mark.parametrize(
    ("last", "closing"),
    [
        ("Great, thanks for the quick answer!", "Thanks - closing"),
        (
            "Refund's landed in my account this morning, all sorted. Cheers!",
            "Glad it worked - closing",
        ),
    ],
)
def test_the_closing_fits_what_the_thanks_is_for(
    shop: CannedRepository, last: str, closing: str
) -> None:
    thread = f"Customer: how much is Plus a year?\nAgent: £59 a year.\nCustomer: {last}"
    assert understood(shop, thread).ranked[0][0].title == closing


def test_a_follow_up_after_answering_the_agents_question_keeps_the_request(
    shop: CannedRepository,
) -> None:
    # The agent asked to find out more; the customer answers and asks a follow-up: the
    # request is still cancelling Plus, not anything the follow-up's words touch.
    thread = (
        "Client : Comment est-ce que je peux arrêter l'abonnement Plus ? Je ne commande presque "
        "plus.\n"
        "Agent : Bonjour, je regarde ça pour vous. Vous êtes sur l'offre mensuelle ou annuelle ?\n"
        "Client : Mensuelle. Et si j'arrête maintenant, est-ce que je perds la livraison "
        "gratuite tout de suite ?\n"
    )
    titles = [c.title for c, _ in understood(shop, thread).ranked[:2]]
    assert "Larkfield Plus - comment résilier" in titles
    assert "Plus - how to cancel" in titles
    # "Anything else?" closes a topic: what follows is a new request.
    focus = focus_of(parse(
        "Customer: my code won't work\nAgent: Applied it manually. Anything else?\n"
        "Customer: yes, can I pause Plus while we're away?\n"
    ))  # fmt: skip
    assert all("code" not in s for s in focus.segments)


def test_what_the_customer_or_agent_settled_no_longer_weighs_as_open() -> None:
    thread = (
        "Customer: It says my account is locked.\n"
        "Agent: Could you confirm your email? I'll send a link manually.\n"
        "Customer: sam@example.com\n"
        "Agent: Sent. Does it work?\n"
        "Customer: Got it, I'm in. Cheers\n"
        "Agent: Great! Anything else?\n"
        "Customer: Actually yes - my order still says processing. Will it go out today?\n"
    )
    earlier = focus_of(parse(thread)).weighted[1:]
    assert earlier and all(weight == ANSWERED_WEIGHT for _, weight in earlier)
    # Without the thanks and "anything else", the agent's questions leave them pending.
    unsettled = thread.replace("Got it, I'm in. Cheers", "still locked").replace(
        "Great! Anything else?", "Hmm, which browser?"
    )
    assert PENDING_WEIGHT in [weight for _, weight in focus_of(parse(unsettled)).weighted[1:]]


def test_a_completely_different_question_leaves_the_earlier_thread_out() -> None:
    thread = (
        "Customer: I'd like to return the glass lid, order 57574.\n"
        "Agent: You can start the return at larkfield.example/returns.\n"
        "Customer: Completely different question. Can a gift card pay for Plus?\n"
    )
    assert len(focus_of(parse(thread)).weighted) == 1
    assert len(focus_of(parse(thread.replace("Completely different question. ", ""))).weighted) == 2


def test_a_new_request_after_the_agents_action_is_answered_not_the_action(
    shop: CannedRepository,
) -> None:
    thread = (
        "[17:02] Agent: It arrived this morning and I've processed your refund of £64.00 today.\n"
        "[17:05] Dee: great stuff\n"
        "[17:06] Dee: oh while I'm here - the Aria grinder has been out of stock every time I "
        "look. Is it coming back before Christmas?\n"
    )
    result = understood(shop, thread)
    assert result.ranked[0][0].title == "Out of stock - restock alerts"
    # "Hi again, one last thing" moves on too.
    thread = (
        "Agent: I've arranged a replacement Vela lamp and it was dispatched today.\n"
        "Customer: New lamp arrived this morning and it's perfect, thank you!\n"
        "Customer: Hi again, sorry, one last thing from that order: there was also a milk pan "
        "in it which I've never used. How do I send that back to you?\n"
    )
    assert understood(shop, thread).ranked[0][0].title != "Replacement dispatched"


def test_a_change_said_with_it_confirms_what_the_thread_names(shop: CannedRepository) -> None:
    # "I've changed it" performs every change confirmation; the thread says it is the address.
    thread = (
        "[19:02] Pat: hi can i change the address on my order? new one is 4 Mill Lane, Leeds\n"
        "[19:06] Tariq (Larkfield): Done - I've changed it to 4 Mill Lane, Leeds LS1 2AB\n"
        "[19:07] Pat: amazing. so it wont go to the old flat now?\n"
    )
    assert understood(shop, thread).ranked[0][0].title == "Delivery address updated"


def test_the_confirmation_of_the_named_payment_leads_the_general_one(
    shop: CannedRepository,
) -> None:
    thread = (
        "Customer: Order 613771, I've been charged twice, both payments show as completed.\n"
        "Agent: You're right, both payments went through. I've now refunded the second £64.\n"
        "Customer: ok good. how long before it's back in my account\n"
    )
    assert understood(shop, thread).ranked[0][0].title == "Duplicate charge refunded"


def test_the_confirmation_is_ready_once_the_agent_did_it(shop: CannedRepository) -> None:
    result = understood(shop, CANCELLED_BY_AGENT)
    assert result.ready is not None and result.ready.canned.title == "Plus cancelled"
    assert result.ready.confident and not result.ready.pending


def test_a_thank_you_gets_the_closing(shop: CannedRepository) -> None:
    result = understood(shop, THANKS)
    assert result.focus.thanks_only
    assert result.ready is not None and result.ready.canned.title in {
        "Thanks - closing",
        "Glad it worked - closing",
    }
    assert result.ready.confident


def test_the_library_s_spanish_response_leads_for_a_spanish_customer(
    shop: CannedRepository,
) -> None:
    result = understood(shop, SPANISH)
    assert result.ready is not None and result.ready.canned.language == "es"


# A German customer asks to change the address; the library's German responses are about
# returns and refunds. Shared words ("Bestellung", "ich") must not make them the answer.
GERMAN_ADDRESS = """Kunde: Hallo, meine Bestellung #51234 ist noch nicht verschickt. Kann ich die Lieferadresse noch ändern? Die neue Adresse ist Bergstraße 7, 80331 München.
"""  # noqa: E501

GERMAN_RETURN = """Kunde: Guten Tag, ich möchte den Wasserkocher zurückschicken. Wie funktioniert die Rücksendung?
"""  # noqa: E501


def test_only_a_translation_of_the_answer_leads_in_the_customer_s_language(
    shop: CannedRepository,
) -> None:
    address = understood(shop, GERMAN_ADDRESS)
    assert address.ranked[0][0].title == "Change delivery address"
    assert address.ready is not None and address.ready.canned.language == "en"
    returning = understood(shop, GERMAN_RETURN)
    assert returning.ready is not None
    assert returning.ready.canned.title == "Artikel zurücksenden"


def test_translations_are_found_by_meaning(shop: CannedRepository) -> None:
    titles = {c.title: c.id for c in shop.all() if c.id is not None}
    ids = [titles[t] for t in (
        "How to return an item", "Artikel zurücksenden", "Cómo devolver un artículo",
        "Refund timing", "Rückerstattung - Bearbeitungsdauer",
        "Cancel order - not yet shipped", "Cancel order - already shipped",
    )]  # fmt: skip
    group = translations.groups(shop.db, ids, translations.languages_of(shop.db, ids))
    returns, german_returns, spanish_returns, refund, german_refund, cancel, shipped = ids
    assert group[german_returns] == group[spanish_returns] == group[returns] == returns
    assert group[german_refund] == group[refund] == refund
    assert group[refund] != group[returns]
    # Two English responses about one topic are two answers, however alike.
    assert group[cancel] == cancel and group[shipped] == shipped


# What the customer already tried (issue 20): the self-help response gives way to the next step.
PAYMENT_TRIED = """Customer: My payment fails every time at checkout. I've tried two different cards and PayPal, approved it in my banking app, and my bank says nothing is blocked on their side.
"""  # noqa: E501

RESET_TRIED = """Customer: I've asked for the password reset email four times and it never comes. I've checked spam and promotions already. It's jo.baker@example.org
"""  # noqa: E501

PROMO_TRIED = """Customer: Code WINTER15 says invalid. Before you send the usual list: my basket is £70, no sale items, no gift cards, and I've never used the code before.
"""  # noqa: E501


def test_what_the_customer_tried_is_not_sent_again(shop: CannedRepository) -> None:
    payment = understood(shop, PAYMENT_TRIED)
    assert payment.focus.tried
    assert payment.ready is not None
    assert payment.ready.canned.title == "Holding reply - looking into it"
    # ... and is not named as a second need either.
    named = [n.ready.canned.title for n in payment.needs if n.ready is not None]
    assert "Payment failed" not in named
    reset = understood(shop, RESET_TRIED)
    assert reset.ready is not None and reset.ready.canned.title == "Reset email not arriving"
    # The promo response's own fallback is the team's next step: it stays first.
    promo = understood(shop, PROMO_TRIED)
    assert promo.focus.tried
    assert promo.ready is not None and promo.ready.canned.title == "Promo code not working"


@pytest.mark.parametrize(
    "text",
    [
        "Cliente: Ya he revisado la carpeta de spam y no llega el correo.",
        "Kunde: Ich habe den Router schon neu gestartet, es geht trotzdem nicht.",
        "Client : J'ai déjà vérifié mes spams, rien.",
        "Cliente: Ho già provato con un'altra carta.",
        "Cliente: Já tentei outro cartão e nada.",
    ],
)
def test_tried_steps_are_read_in_the_customer_s_language(text: str) -> None:
    assert focus_of(parse(text)).tried


def test_steps_tried_in_the_request_the_agent_asked_about_still_count() -> None:
    # The agent's question leaves the earlier turn as the request; its tried steps stay read.
    text = (
        "Visitor 15:20: The light won't go off. I've descaled it twice exactly as the manual "
        "says.\n"
        "Ruth (Larkfield) 15:22: Did you use our descaler or a different brand?\n"
        "Visitor 15:23: yours, the sachets that came in the box\n"
    )
    assert focus_of(parse(text)).tried == ("I've descaled it twice exactly as the manual says",)


def test_steps_told_without_i_and_a_report_back_after_let_me_know() -> None:
    text = (
        "[09:12] Ana: My order 58644 says delivered on Friday but it's not here\n"
        "[10:40] Callum (Oakridge): Please check with your neighbours and give it until the end "
        "of today. Let me know if it still doesn't turn up.\n"
        "[08:05] Ana: Morning. Knocked both sides and across the road. Been round the back and "
        "the bins. I've put my email ana.r@example.com in the form too. Nothing.\n"
    )
    focus = focus_of(parse(text))
    assert focus.tried[:2] == (
        "Knocked both sides and across the road",
        "Been round the back and the bins",
    )
    assert "ana.r@example.com" in focus.tried[2]  # an address does not end the clause
    # "Let me know if ..." asked for a report: the request is still the turn before it.
    assert any("says delivered" in s for s in focus.segments)


@pytest.mark.parametrize(
    ("sentence", "asks"),
    [
        ("we wondered whether Larkfield might be willing to donate a prize", True),
        ("I'd be grateful if you could check", True),
        ("Is it possible to split the delivery", True),
        ("I can't even see it in my account", False),
        ("The parcel came on Tuesday", False),
    ],
)
def test_polite_requests_without_a_question_mark_ask(sentence: str, asks: bool) -> None:
    assert (ASKS.search(sentence) is not None) is asks


def test_a_tried_clause_stops_where_the_outcome_starts() -> None:
    # "tried again and it went through" tried a payment; "but now my bank shows two payments"
    # is the problem, whose words would make the charged-twice reply look exhausted.
    text = (
        "Customer: The first attempt failed so I tried again and it went through, but now my "
        "banking app shows TWO payments of £86.40."
    )
    assert focus_of(parse(text)).tried == ("I tried again and it went through",)


def test_a_donation_request_with_an_offer_in_return_fits_nothing(shop: CannedRepository) -> None:
    text = (
        "Customer: Dear Larkfield team, we wondered whether you might be willing to donate a "
        "prize for our school raffle. We would of course thank you on our posters and in the "
        "newsletter."
    )
    assert understood(shop, text).abstain
    # "We would of course thank you" offers; it asks nothing the library could answer.
    assert all("thank you" not in ask for ask in _requests(focus_of(parse(text))))


def test_a_follow_up_to_a_request_no_reply_fits_fits_nothing(shop: CannedRepository) -> None:
    thread = (
        "Customer: Hello! We're running a school Christmas raffle. Would Larkfield be willing "
        "to donate a prize?\n"
        "Agent: Hi Louise, thanks for thinking of us! Let me find out who looks after this.\n"
        "Customer: Thank you! Who should I address a formal letter to, and is there a deadline?"
    )
    assert understood(shop, thread).abstain
    # A follow-up that names a need of its own is ranked as usual.
    own = thread.rsplit("\n", 1)[0] + "\nCustomer: Also, where is my order #48213?"
    assert not understood(shop, own).abstain


def test_a_question_cut_at_and_can_is_one_question(shop: CannedRepository) -> None:
    # Cut at ", and can", each half alone names a different thing: the library lacks both.
    text = (
        "Beatrice: Hiya! I want to send a Vela lamp straight to my nan for Christmas. Do you do "
        "gift wrapping, and can you pop a handwritten card in with it? Happy to pay extra"
    )
    assert understood(shop, text).abstain


def test_after_the_wait_a_response_asks_for_the_team_takes_it_on(shop: CannedRepository) -> None:
    # "Charged twice - pending authorisation" asks for 3-5 business days, then a screenshot.
    waited = (
        "Customer: It's now 8 working days and both £64.00 payments are still on my statement. "
        "They're not even showing as pending any more. Screenshot attached."
    )
    assert understood(shop, waited).ranked[0][0].title == "Holding reply - looking into it"
    # ... even where another reply shares its words ("3-5 working days"): the team takes it on.
    banked = (
        "Customer: Back on 28 Oct I was charged twice for order #620988 (£112.40 x2). Your "
        "colleague said it was just a pending hold that would drop off in 3-5 working days. "
        "It's now 9 working days later and both payments show as completed, not pending. "
        "Screenshot attached."
    )
    assert understood(shop, banked).ranked[0][0].title == "Holding reply - looking into it"
    rung = (
        "Customer: my refund of £179 was processed on the 2nd. it's now the 21st and nothing.\n"
        "Customer: I've rung my bank twice and they say nothing is pending. I also checked it "
        "went to the same card I paid with."
    )
    assert understood(shop, rung).ranked[0][0].title == "Refund not received - payment trace"
    neither = (
        "Customer: Both £89.00 payments are still on my statement. Neither is showing as pending "
        "any more. Screenshot attached like you asked."
    )
    assert understood(shop, neither).ranked[0][0].title == "Holding reply - looking into it"
    fresh = "Customer: I was charged twice, £64.00 two times, one shows as pending. Why?"
    assert understood(shop, fresh).ranked[0][0].title == "Charged twice - pending authorisation"


def test_steps_that_are_a_contender_s_own_name_its_topic(shop: CannedRepository) -> None:
    # "reset" ranks "Password reset" first; the steps listed are the lamp how-to's, and after
    # every one of them the lamp still fails: a warranty claim, not a password reset.
    thread = (
        "Customer: My Vela lamp stopped pairing with the Larkfield Home app. I've put my phone "
        "on the 2.4 GHz wifi, turned Bluetooth on, switched the lamp off and on three times and "
        "held the button on the base for 10 seconds to reset it.\n"
        "Agent: Thanks, does it still light up?\n"
        "Customer: Yes but when I do the reset it won't blink blue any more, it just stays dim."
    )
    assert understood(shop, thread).ranked[0][0].title == "Warranty claim"
    # Without the steps, the same last message is no warranty claim.
    bare = "Customer: My Vela lamp won't pair with the app, what do I do?"
    assert understood(shop, bare).ranked[0][0].title == "How-to: connect Vela lamp to the app"


def test_a_list_of_steps_under_since_then_i_have() -> None:
    text = (
        "Customer: It dropped off the app last week. Since then I have:\n"
        "- made sure the phone is on the 2.4 network\n"
        "- held the base button for 10 secs to reset, twice\n"
        "What now?"
    )
    (steps,) = focus_of(parse(text)).tried
    assert "2.4 network" in steps and "held the base button" in steps


def test_a_list_of_tried_steps_under_a_colon(shop: CannedRepository) -> None:
    text = (
        "Customer: Payment keeps failing. Things I've already tried:\n"
        "- two different cards\n"
        "- approving it in my banking app\n"
        "- PayPal and Apple Pay\n"
        "- phoning my bank, who see no declined transactions\n"
        "Can you see what's wrong on your end?"
    )
    tried_steps = focus_of(parse(text)).tried
    assert len(tried_steps) == 1 and "PayPal and Apple Pay" in tried_steps[0]
    assert understood(shop, text).ranked[0][0].title == "Holding reply - looking into it"


def test_a_plain_question_tried_nothing() -> None:
    for text in ("Kunde: Wo ist meine Bestellung? Ich habe sie am Freitag bestellt.",
                 "Customer: Where is my order? It has been a week."):  # fmt: skip
        assert focus_of(parse(text)).tried == ()


def test_a_response_is_exhausted_by_its_steps_not_its_topic(shop: CannedRepository) -> None:
    by_title = {c.title: c for c in shop.all()}
    failed = by_title["Payment failed"]
    assert tried.exhausted(failed, ["tried another card and PayPal, approved it in my banking app"])
    # Naming the problem is not having tried its steps.
    assert not tried.exhausted(failed, ["tried to pay, the payment failed"])
    assert not tried.offers_next_step(failed)
    assert tried.offers_next_step(by_title["Promo code not working"])
    lamp = by_title["How-to: connect Vela lamp to the app"]
    assert tried.still_faulty(lamp, 'The app still says "device not responding" and it flickers')
    assert not tried.still_faulty(lamp, "It connected first time, thanks")
    # What the team will do is no step the customer took, however many words they share.
    trace = by_title["Refund not received - payment trace"]
    said = "I phoned my bank and they need a reference number from you, it's been 12 days"
    assert not tried.exhausted(trace, [said])
    # ... but a step the customer is asked to take still counts, "we'll send" beside it or not.
    assert tried.exhausted(
        by_title["Password reset"],
        ["I've reset my password, got the link and checked spam and promotions"],
    )


def test_a_done_action_is_confirmed_first_even_in_a_dispute(shop: CannedRepository) -> None:
    thread = (
        "Customer: I was charged twice for order #56630, £38.50 each, both taken.\n"
        "Agent: You're right, I've refunded the duplicate payment of £38.50 this afternoon.\n"
        "Customer: Can you put that in writing? My bank want it before they close the dispute "
        "I opened, and I'm furious this happened at all."
    )
    result = understood(shop, thread)
    assert result.ready is not None
    assert result.ready.canned.title == "Duplicate charge refunded"


MANAGER = """Customer: This is the second kettle that arrived dented. The 'replacement' is ALSO dented.
Agent: I'm so sorry, Priya. Could you send photos?
Customer: Photos attached, again. I want to speak to a manager, not get another sorry email.
"""  # noqa: E501


def test_a_customer_who_asks_for_a_manager_is_escalated(shop: CannedRepository) -> None:
    result = understood(shop, MANAGER)
    assert result.ready is not None
    assert result.ready.canned.title == "Escalation to supervisor"
    # The sentence asking for a manager is the escalation's need: the problem is ranked from
    # the others ("not another sorry email" is no e-mail problem).
    titles = [n.ready.canned.title for n in result.needs if n.ready is not None]
    assert titles[1].startswith("Damaged item"), titles


def test_a_second_request_inside_one_sentence_is_a_segment_of_its_own() -> None:
    text = "Customer: I'm locked out after too many attempts and I wanted to check on my order too."
    assert focus_of(parse(text)).segments == (
        "I'm locked out after too many attempts",
        "and I wanted to check on my order too.",
    )
    # "and" alone joins one request's parts.
    one = "Customer: The lid is cracked and the handle is loose on my new kettle."
    assert len(focus_of(parse(one)).segments) == 1


def test_a_huge_message_is_read_by_a_bounded_number_of_sentences() -> None:
    # Each sentence is ranked and embedded on its own: a pasted export of hundreds of them
    # took minutes (a repeated sentence was embedded once per copy).
    repeated = "Customer: " + "Where is my parcel for order 123? " * 300
    assert focus_of(parse(repeated)).segments == ("Where is my parcel for order 123?",)
    distinct = "Customer: " + " ".join(f"The parcel number {n} is late." for n in range(100))
    segments = focus_of(parse(distinct)).segments
    assert len(segments) == MAX_SEGMENTS
    assert segments[0] == "The parcel number 0 is late."
    assert segments[-1] == "The parcel number 99 is late."
    assert len(ends("x" * 100_000, rerank.EMBED_CHARS)) <= rerank.EMBED_CHARS + 3


def test_two_needs_in_one_message_are_both_found(shop: CannedRepository) -> None:
    result = understood(shop, TWO_NEEDS)
    offered = {c.title for n in result.needs for c, _ in n.candidates[:3]}
    assert offered & {"How to return an item", "Return label"}
    assert "Refund timing" in offered


ADDRESS_WITH_A_STORY = """Customer: Hi, I've just realised I put my old address on order #49102 (placed about 20 mins ago). Could you change it to Flat 3, 17 Harcourt Road, Leeds LS6 2QF?

Thanks, Priya
"""  # noqa: E501


def test_the_sentence_that_asks_outvotes_the_order_number(shop: CannedRepository) -> None:
    focus = focus_of(parse(ADDRESS_WITH_A_STORY))
    pool = rerank.candidates(shop.db, focus)
    titles = {r.id: r.title for r in shop.all()}
    assert len(pool.ids) == len(pool.features) == len(pool.confidence) >= 10
    assert all(len(row) == len(rerank.FEATURES) for row in pool.features)
    asks = rerank.FEATURES.index("request")
    wanted = next(n for n, i in enumerate(pool.ids) if titles[i] == "Change delivery address")
    # The asking sentence matches the address change best.
    assert max(pool.features, key=lambda row: row[asks]) == pool.features[wanted]
    # The confirmation ("Delivery address updated") is the policy's to move back, after this.
    how_to = [titles[i] for i, _ in rerank.order(pool) if titles[i] != "Delivery address updated"]
    assert how_to[0] == "Change delivery address"
    ready = understood(shop, ADDRESS_WITH_A_STORY).ready
    assert ready is not None and ready.canned.title == "Change delivery address"


ENGRAVING = (
    "Amelia (customer): Hi, do you do engraving? I'd like the 28cm pan engraved with our "
    "names as a gift"
)


def test_a_request_the_library_never_mentions_is_nothing_fits(shop: CannedRepository) -> None:
    # "as a gift" pulls the gift-card replies up; engraving is nowhere in the library.
    result = understood(shop, ENGRAVING)
    assert result.abstain and result.ready is not None and not result.ready.confident
    assert result.ready.confidence <= calibration.OUTSIDE_PROBABILITY


def test_the_question_decides_what_is_asked_not_the_story_around_it(
    shop: CannedRepository,
) -> None:
    # The only question is about a gift receipt; "I just don't want my sister to see what I
    # paid" is the reason, not a second request, and "returns and refunds" are not asked.
    result = understood(
        shop,
        "Customer: As it's a present, could you leave the prices off whatever goes in the "
        "parcel - a gift receipt instead of the invoice? I know how returns and refunds work, "
        "I just don't want my sister to see what I paid.",
    )
    assert result.abstain and result.ready is not None and not result.ready.confident


def test_a_library_that_mentions_the_topic_keeps_its_reply(shop: CannedRepository) -> None:
    shop.add(
        CannedResponse(
            title="Engraving service",
            body="We can engrave names or a short message on any pan for £9.95. Add "
            "engraving at checkout, or reply with the text and we'll add it to your order.",
        )
    )
    result = understood(shop, ENGRAVING)
    assert not result.abstain
    assert result.ready is not None and result.ready.canned.title == "Engraving service"


def test_an_off_topic_request_is_not_offered_as_ready(shop: CannedRepository) -> None:
    off = understood(
        shop, "Customer: Do you sell garden furniture? Looking for a bench for the patio."
    )
    on = understood(shop, "Customer: my parcel says delivered but it is not here, order 48811")
    assert off.abstain and off.ready is not None and not off.ready.confident
    assert not on.abstain and on.ready is not None and on.ready.confident
    meaning = calibration.FEATURES.index("meaning")
    # What tells them apart: no response means what the off-topic sentence means.
    assert off.features[meaning] < 0.3 < on.features[meaning]


def test_what_the_agent_just_did_is_confirmed_whatever_the_customer_s_words(
    shop: CannedRepository,
) -> None:
    text = (
        "Agent: I have just updated the delivery address on order #41122 to 4 Mill Lane.\n"
        "Customer: ok can you confirm that in writing please"
    )
    result = understood(shop, text)
    assert result.ready is not None and result.ready.canned.title == "Delivery address updated"
    assert result.ready.confident and not result.ready.pending
    assert result.ready.confidence == calibration.ACTED_PROBABILITY
    # Without the agent's turn the same words confirm nothing.
    alone = understood(shop, "Customer: ok can you confirm that in writing please")
    assert all(n.ready is None or n.ready.canned.title != "Delivery address updated"
               or n.ready.pending for n in alone.needs)  # fmt: skip


def test_a_role_s_response_says_nothing_but_its_role(app_home: Path) -> None:
    # The seeded sample library: "Delayed parcel: apology and next steps" apologises for one
    # problem ("I have checked with the courier"), and "Update payment method or card details"
    # is no holding reply; an upset customer charged twice is heard with neither.
    library = open_library()
    try:
        upset = understood(
            library.repo,
            "Customer: I was charged TWICE for my membership this month!!! This is ridiculous. "
            "Cancel it NOW and give me my money back or I'm calling my bank.",
        )
        heard = upset.needs[0].ready
        assert heard is not None and heard.canned.title == "Apology for a bad experience"
        roles = roles_of(library.repo)
        titles = {r.id: r.title for r in library.repo.all()}
        # Only the sample that is nothing but a holding reply holds ("Update payment method
        # or card details" shares "details" with it).
        assert [titles[i] for i in roles.holding] == ["Holding reply: looking into it"]
        assert [titles[i] for i in roles.escalate] == ["Escalation to a manager or supervisor"]
        assert "Delayed parcel: apology and next steps" not in [
            titles[i] for i in roles.acknowledge
        ]
    finally:
        library.close()


def test_focus_weighs_the_open_request_over_answered_turns() -> None:
    focus = focus_of(parse(CANCELLED_BY_AGENT))
    assert focus.open_text.startswith("Great, can you confirm")
    assert focus.weighted[0] == (focus.open_text, 1.0)
    assert all(weight < 1.0 for _, weight in focus.weighted[1:])


def test_the_customers_news_settles_their_own_earlier_messages() -> None:
    chat = (
        "Customer: I lost my phone and can't get past the login code\n"
        "Agent: Use one of your backup codes, under 'Use a backup code'.\n"
        "Customer: hang on, might be in my password manager\n"
        "Customer: found them, I'm in!! thank you"
    )
    focus = focus_of(parse(chat))
    assert focus.thanks_only
    assert focus.open_text == "found them, I'm in!! thank you"
    # Without news, two open messages are both read: thanks in advance asks for nothing.
    waiting = focus_of(parse("Customer: where is order 5521?\nCustomer: thanks in advance"))
    assert "order 5521" in waiting.open_text
    assert not waiting.thanks_only


def test_a_bare_done_is_read_as_what_the_customer_asked() -> None:
    chat = (
        "Customer: can I cancel order #60017 please?\n"
        "Agent: No problem - that's gone through for you now.\n"
        "Customer: so it's definitely cancelled?"
    )
    assert focus_of(parse(chat)).agent_texts[-1].endswith("I've cancelled order #60017.")


def test_what_the_agent_just_did_is_confirmed_even_when_the_rest_is_outside(
    shop: CannedRepository,
) -> None:
    # "no more emails" alone names a topic the library lacks; after the agent deleted the
    # account, the confirmation answers it.
    thread = (
        "Customer: Please delete my account and all my details.\n"
        "Agent: Hi Colm, I've now deleted your account and the personal data linked to it.\n"
        "Customer: So that's everything gone and I won't be getting any more emails from you?"
    )
    result = understood(shop, thread)
    assert result.ready is not None and result.ready.confident
    assert result.ready.canned.title == "Account deleted"


def test_after_the_wait_a_done_refund_gives_way_to_the_trace(shop: CannedRepository) -> None:
    # The agent's "we've issued your refund" is not confirmed again once its wait is over.
    thread = (
        "Agent: Good news - we've issued your refund of £74.50 for order #49920. It should show "
        "within 5-7 business days depending on your bank.\n"
        "Customer: It's now been 12 working days and it still isn't on my card. My bank says "
        "nothing is pending and I need a reference number from you."
    )
    assert understood(shop, thread).ranked[0][0].title == "Refund not received - payment trace"


def test_a_thanks_before_a_new_question_closes_what_came_before() -> None:
    thread = (
        "Customer: My parcel is delayed, any update?\n"
        "Agent: It's on the van today.\n"
        "Customer: Will do, thanks for chasing.\n"
        "Customer: Hi again! The orange light on my Barista One won't go off. I think it wants "
        "descaling? What do I do?"
    )
    focus = focus_of(parse(thread))
    assert "chasing" not in focus.open_text and "descaling" in focus.open_text
    # Alone, the thanks still closes the thread.
    assert focus_of(parse(thread.rsplit("\n", 1)[0])).thanks_only


def test_hi_again_opens_a_new_topic() -> None:
    thread = (
        "Customer: My parcel is delayed, any update?\n"
        "Agent: It's on the van today.\n"
        "Customer: Hi again! The orange light on my Barista One won't go off. What do I do?"
    )
    assert len(focus_of(parse(thread)).weighted) == 1  # the delay no longer weighs
    assert len(focus_of(parse(thread.replace("Hi again! ", ""))).weighted) == 2


def test_a_wait_told_in_weeks_or_as_the_days_waited_is_over(shop: CannedRepository) -> None:
    for waited in (
        "It is now more than two weeks later and it is not on my card.",
        "I have already waited the 5-7 days your email mentions and it is not on my card.",
    ):
        thread = (
            "Agent: Good news - we've issued your refund of £42.50 for order #55921. It should "
            "show within 5-7 business days depending on your bank.\n"
            f"Customer: {waited} My bank says nothing is pending from you."
        )
        top = understood(shop, thread).ranked[0][0].title
        assert top == "Refund not received - payment trace", waited
    issued = next(c for c in shop.all() if c.title == "Refund issued")
    assert not tried.waited_out(issued, "I was told to wait, fine.")
    assert tried.waited_out(issued, "that's well over 7 working days now and still nothing")


def test_no_device_found_after_every_step_is_a_fault(shop: CannedRepository) -> None:
    lamp = next(c for c in shop.all() if c.title == "How-to: connect Vela lamp to the app")
    assert tried.still_faulty(lamp, 'Still "No device found".')
    assert not tried.still_faulty(lamp, "It found the device straight away")


def test_yes_to_the_agent_s_have_you_checked_is_a_step_taken(shop: CannedRepository) -> None:
    thread = (
        "Visitor: im trying to reset my password and the email never comes. done it 4 times\n"
        "Ruth: Hi, sorry about that! Have you had a look in your spam or junk folder?\n"
        "Visitor: yes spam, junk, promotions, all of them. nothing."
    )
    assert understood(shop, thread).ranked[0][0].title == "Reset email not arriving"
    # "No" took no step: checking spam is still the answer.
    no = thread.replace("yes spam, junk, promotions, all of them. nothing.", "no, where is that?")
    assert not focus_of(parse(no)).tried


@pytest.mark.parametrize(
    ("thread", "first"),
    [
        pytest.param(
            # "Refund timing" says the bank "usually takes 5-7 business days"; they have passed.
            "Customer: Your email said my refund of £64.00 for the return on order #60915 was "
            "processed on 23 November. It is now 7 December and there is still nothing. I have "
            "checked the card I paid with, I have rung my bank and they say nothing is pending, "
            "and I have waited the 5-7 days your email said.",
            "Refund not received - payment trace",
            id="after-the-bank-s-days-the-refund-is-traced",
        ),
        pytest.param(
            # The only sentence with "need" is the passing one; the problem is said without
            # asking.
            "Customer: hi cant get into my acct. did the forgot pw thing 3 times now, nothing "
            "comes. checked spam, promotions, even the bin. its a gmail. pls help need to check "
            "an order",
            "Reset email not arriving",
            id="a-need-said-as-a-problem-outweighs-a-passing-request",
        ),
        pytest.param(
            "Customer: Barista One, about 14 months old. The orange light came on so I descaled "
            "it, 500ml water, a sachet, held both buttons, the full 20 min, then a tank of clean "
            "water. Orange light is STILL on, and now it's dripping water onto the worktop.\n"
            "Agent: Sorry to hear that! Is it the Barista One from order #50112?\n"
            "Customer: Yes that's the one. What do I do now?",
            "Warranty claim",
            id="still-on-and-dripping-after-descaling-is-a-fault-even-after-a-question",
        ),
        pytest.param(
            "Customer: I bought a £40 e-gift card for my goddaughter for 30 November. She still "
            "hasn't got it. She's looked in junk and spam, and I've double-checked the address "
            "on my confirmation email, which is correct. Could you sort this out please?",
            "Gift card email not received",
            id="a-reply-that-offers-to-resend-stays-first-after-its-checks",
        ),
    ],
)
def test_the_step_after_what_the_customer_did_or_said_leads(
    shop: CannedRepository, thread: str, first: str
) -> None:
    assert understood(shop, thread).ranked[0][0].title == first


def test_photos_already_attached_move_on_to_the_replacement(shop: CannedRepository) -> None:
    thread = (
        "Customer: My lamp arrived with the shade cracked and the box dented. As your help page "
        "asks, I've attached photos of the shade, the outer box and the shipping label. I'd "
        "rather not have to pack it up and post it back. What happens next?"
    )
    assert understood(shop, thread).ranked[0][0].title == "Damaged item - replacement or refund"
    # ... and said without "I", with what they show between.
    passive = (
        "Customer: My lamp arrived with the shade cracked and the box dented. Photos of the "
        "shade, the outer box and the label are attached. What happens next?"
    )
    assert understood(shop, passive).ranked[0][0].title == "Damaged item - replacement or refund"


def test_steps_told_with_did_count_as_tried() -> None:
    text = (
        "Customer: yes bluetooth is on. I did the off-on 3 times, it blinks blue, then the app "
        "says device not found. I made a mistake with the network at first."
    )
    steps = " ".join(focus_of(parse(text)).tried)
    assert "off-on 3 times" in steps
    assert "mistake" not in steps  # making a mistake is no step taken
    # Signing up for a trial is no step taken either.
    trial = "Customer: i did the free trial in the summer and forgot about it. can I cancel?"
    assert not focus_of(parse(trial)).tried


def test_an_automatic_reply_answers_nothing() -> None:
    thread = (
        "Customer: My parcel says delivered but it is not here.\n"
        "Agent: [Auto-reply] Thanks for contacting us! We've received your message (ticket "
        "#204101) and a member of the team will reply within 24 hours. You can track orders any "
        "time on our help page.\n"
        "Customer: Just to add - the photo shows a blue door. Mine is white."
    )
    assert "says delivered" in focus_of(parse(thread)).open_text


def test_an_address_is_no_threat() -> None:
    # "5 Linden Court" names no court case
    assert not any(kind == "threat" for kind, _ in find_cues("Send it to 5 Linden Court", "en"))
    assert ("threat", "to court") in find_cues("I will take you to court", "en")


def test_a_password_manager_is_no_manager_to_escalate_to() -> None:
    assert not is_upset([("threat", "password manager")])
    assert is_upset([("threat", "manager")])
    assert not is_upset([("threat", "a nice review")])  # praise, not a threat
    assert is_upset([("threat", "a bad review")])
    # A one-star review is a threat; a five-star one is praise.
    for threat in ("leaving a 1-star review everywhere", "I'll give you one star on every site"):
        assert is_upset(find_cues(threat, "en")), threat
    assert not find_cues("I'll leave you a 5 star review!", "en")


def test_news_in_a_condition_is_no_news() -> None:
    assert not says_it_works("I'll let you know if it hasn't turned up by Friday")
    assert says_it_works("It turned up this morning, thanks")


@pytest.mark.parametrize(
    ("text", "thanks"),
    [
        ("oh brilliant thank you so much!! 😊", True),
        ("that worked, i'm in. cheers", True),
        ("Claro, es el A-10990. Gracias", False),  # an answer to the agent's question
        ("thanks. Separately, I'd like to cancel my Plus membership", False),
        ("got it | one more thing, the code BDAY20 says invalid", False),
        ("Thanks, but it still doesn't work", False),
        ("It works now, thank you so much for your help! Have a lovely weekend.", True),
        ("Thanks for your help. Can you also cancel my order?", False),
        ("thanks for the help, but it still does not work", False),
        # Goodbyes, wishes and good news close a conversation too.
        ("cheers sofia, have a good one", True),
        ("no that's all\nbye!", True),
        ("\U0001f64f", True),
        ("Merci beaucoup, c'est parfait. Bonne journée à vous !", True),
        ("Un saludo, hasta la próxima", True),
        ("Die Mühle ist heute angekommen und funktioniert einwandfrei. Vielen Dank!", True),
        (
            "Received, that's exactly what our accountant needed. Thank you Dan!\n"
            "Meera Pillai\nPillai & Rowe Architects\nStudio 4, 12 Quay Street, Bristol BS1 4DB",
            True,
        ),
        # ... but not a request said without a question mark, nor one after a goodbye.
        ("vale gracias, y si hay que pagar el envío de vuelta dímelo", False),
        (
            "Je souhaiterais des renseignements sur mes prélèvements s'il vous plaît, au revoir",
            False,
        ),
        ("Thanks!\nJo\nP.S. can you also send the invoice?", False),
        ("Just seen the refund come through, much quicker than I expected. Thanks!", True),
        ("Worked!! Logged in and changed it. Thank you so much Priya", True),
        ("The parcel arrived but the lid is missing. Thanks", False),
        # A goodbye's own words ask for nothing: "no need to reply", "nothing else".
        (
            "Perfect, found it. That's everything I needed - no need to reply. Have a good one!",
            True,
        ),
        ("Nothing else, thanks", True),
        ("Ok, that makes sense - thanks for explaining. I'll keep an eye on my account.", True),
        (
            "I wanted to say thank you to Aisha for her help last week. The replacement arrived "
            "and works perfectly. No need to reply.",
            True,
        ),
        ("No need to reply, but can you also send the invoice?", False),
        (
            "Yes!! That was it, the 5G thing. Made it join the other network and it popped up "
            "straight away. Thank you so much Ellie, you're a star",
            True,
        ),
        # Praise closes, even in a long letter that mentions what went wrong ...
        (
            "Just writing to say the kettle came yesterday and works a treat. I was really "
            "impressed with how fast you sorted the broken one, it's not often you get that. I "
            "will be recommending you to my neighbours.\n\nWith kind regards,\nJoan Pike (still "
            "on the old phone)",
            True,
        ),
        # A long letter that tells its story around the thanks ...
        (
            "Just a note to say thank you for being so patient on the phone. My neighbour came "
            "round yesterday and we printed the label together, and I took the box to the post "
            "office this morning. The man there said it was all fine and dandy. You were very "
            "kind. A happy Christmas to you and the whole team.\n\nYours sincerely,\nEdna Marsh",
            True,
        ),
        # ... but not one that asks for something in passing, nor one that still has a problem.
        (
            "Thank you for all your help last year. Our school holds a fair every December and "
            "we raised a lot of money last time. We wondered whether you might be willing to "
            "donate a prize for the raffle this year. Thank you for considering it.",
            False,
        ),
        (
            "Thanks so much for sending the new lid so quickly, it came on Monday and fits "
            "perfectly. My daughter has been using the kettle every day since she moved into "
            "her flat and loves it to bits. The base is still making a clicking noise though. "
            "Thank you again and have a good weekend.",
            False,
        ),
        ("Thanks Laura. I'll let you know if it hasn't turned up by Wednesday.", True),
        # A chatty "it worked" with the story of the problem in it ...
        (
            "WELL. it was the 5GHz thing all along. my son set the router up and there are two "
            "networks and ive been on the wrong one for a week. lamp's on now and the cat loves "
            "it. anyway thank you so much Priya, have a lovely weekend!",
            True,
        ),
        # ... but not a complaint that names a star rating, nor "not impressed".
        (
            "Your tracking says DELIVERED yesterday. It was NOT, I was home all day. If it's not "
            "sorted today I'm leaving a 1 star review everywhere I can find!!!",
            False,
        ),
        ("My order came today and the carafe is cracked. Not impressed tbh", False),
        # ... nor news denied: "I haven't got it" is no "got it".
        (
            "now your site wants a code every time I log in and obviously I haven't got it\n"
            "thanks. never saved any backup codes either before you ask",
            False,
        ),
        ("thanks, but it never arrived", False),
        # News that it is over, thanks, and the story between ...
        (
            "Found it!! The driver left it with number 14 and they were away for the weekend. "
            "Sorry for the hassle and thanks for your help.",
            True,
        ),
        ("the 10 sec reset did it!! showing in the app now\nthank you sooo much", True),
        # ... but not a problem told after the news, however short, nor news without thanks.
        ("It arrived, thanks. The lid is cracked.", False),
        ("Your return has arrived at our warehouse. We'll process your refund soon.", False),
        ("Det fungerar nu! Tack så mycket 😊", True),
        ("The money landed overnight. All good, you can close this. Thanks!", True),
        ("hi, I'm in London next week, can I collect it?", False),
        # ... but not praise that asks for something.
        ("Great service as always, could you also send the invoice?", False),
        ("I was impressed at first but the lid is still broken", False),
    ],
)
def test_thanks_only(text: str, thanks: bool) -> None:
    assert is_thanks_only(text) is thanks


def test_upset_needs_precise_cues() -> None:
    assert is_upset([("shouting", "BEEN CHARGED TWICE TAKEN TWICE"), ("shouting", "?!")])
    assert is_upset([("threat", "chargeback")])
    assert not is_upset([("shouting", "LARKFIELD LTD")])  # a name in capitals
    assert not is_upset([("threat", "close my account")])  # a request, not a threat
    assert not is_upset([("shouting", "!!")])  # as often delight


def test_prompt_echo_is_an_ngram_overlap_not_a_phrase_list() -> None:
    system = "Saved replies from the team's library follow. Answer the customer's last message."
    assert prompt_echo("Saved replies from the team's library: [1]", [system]) is not None
    # Words the customer wrote themselves are not an echo of the prompt.
    said = "answer the customer's last message please"
    assert prompt_echo("I will answer the customer's last message", [system], [said]) is None
    assert prompt_echo("Your parcel is on its way.", [system]) is None


def test_claims_are_statements_of_done_actions() -> None:
    assert claims("We have issued your refund of £20.", ["refund issued"]) == "refund issued"
    assert claims("We can still cancel it before it ships.", ["order cancelled"]) is None
    assert claims("Once we receive it, we'll issue your refund.", ["refund issued"]) is None
    # "the delivery address" is not "delivered"; "refunded" is a refund
    assert claims("I've updated the delivery address on your order.", ["delivered"]) is None
    # one clause says what happened, the other what was done
    said = "You were charged twice, and I've refunded the duplicate payment."
    assert claims(said, ["refunded twice"]) is None
    assert claims("I've refunded you twice now, sorry.", ["refunded twice"]) == "refunded twice"
    assert claims("I've refunded the second payment.", ["refund"]) == "refund"
    assert claims("I've cancelled your order.", ["order cancelled"]) == "order cancelled"


@pytest.mark.model
def test_suggest_json_gives_turns_needs_and_pending_actions(tmp_path: Path) -> None:
    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "desktop", *args],
            input=stdin, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip

    imported = run("canned", "import", str(LIBRARY), "--replace-samples")
    assert imported.returncode == 0, imported.stderr
    result = run("suggest", "-", "--json", "--seed", "1", stdin=DOUBLE_CHARGE)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [t["role"] for t in payload["turns"]] == ["customer"]
    assert "Sent from my iPhone" not in payload["turns"][0]["text"]
    assert payload["needs"] and payload["needs"][0]["ready_reply"]["title"]
    assert payload["abstain"] is False
    titles = {p["title"] for p in payload["pending_actions"]}
    assert titles <= {"Plus cancelled", "Duplicate charge refunded", "Refund issued"}
    for pending in payload["pending_actions"]:
        assert pending["todo"]  # what the agent must do before sending it
    # The offered draft claims nothing the agent did not do.
    assert claims(payload["text"], ["membership cancelled", "refund issued"]) is None


@pytest.mark.model
def test_eval_conversations_on_a_slice_of_the_dev_set(engine: LlamaEngine) -> None:
    cases = load_conversation_cases(REALISTIC / "conversations.jsonl")[:6]
    library = list(parse_file(LIBRARY)[1].responses)
    report = evaluate_conversations(cases, library, engine, Settings(), drafts=True)
    overall = report["overall"]
    assert overall["cases"] == 6
    assert overall["prompt_text_in_draft"] == 0
    assert overall["false_action_claims"] == 0
    assert 0.0 <= overall["ready_reply_acceptable"] <= 1.0
    assert len(report["details"]) == 6


# Threads written for this project after the dev set, by helpers who never read the app's
# code (tests/data/*.md): (file, cases, ready replies acceptable now, the floor a regression
# falls under).
LATER_SETS = [
    ("threads_outside_dev_kinds.jsonl", 30, 0.833, 0.73),
    ("threads_dev2.jsonl", 40, 0.925, 0.8),
    ("threads_holdout_final.jsonl", 45, 0.956, 0.86),
    ("blind_threads.jsonl", 54, 0.944, 0.83),  # 0.537 when first measured, before any look
    ("threads_long_messages.jsonl", 36, 0.806, 0.69),  # 0.417 first measured, blind
    ("threads_terse_messages.jsonl", 36, 0.944, 0.83),  # 0.528 first measured, blind
    ("threads_varied_authors.jsonl", 54, 0.944, 0.83),  # 0.630 first measured, blind
    ("blind_threads_2.jsonl", 54, 0.926, 0.81),  # 0.667 five times while unread
    ("blind_threads_3.jsonl", 72, 0.917, 0.8),  # 0.444 first measured, blind
    ("blind_threads_4.jsonl", 72, 0.931, 0.82),  # 0.639 first measured; read last
    ("blind_threads_5.jsonl", 72, 0.917, 0.8),  # 0.583 first measured; half never read
    ("blind_threads_6.jsonl", 72, 0.931, 0.82),  # 0.764 first measured; half never read
    ("blind_threads_7.jsonl", 72, 0.931, 0.82),  # 0.750 first measured; half never read
    ("blind_threads_8.jsonl", 72, 0.889, 0.77),  # 0.736 first measured; half never read
    ("blind_threads_9.jsonl", 72, 0.806, 0.69),  # 0.653 first measured; half never read
    ("blind_threads_10.jsonl", 72, 0.708, 0.59),  # 0.472 first measured; half never read
    ("blind_threads_11.jsonl", 72, 0.708, 0.59),  # 0.639 first measured; never read
    ("blind_threads_12.jsonl", 144, 0.736, 0.62),  # 0.576 first measured; half never read
    ("blind_threads_13.jsonl", 72, 0.75, 0.63),  # 0.694 first measured; never read
    ("blind_threads_14.jsonl", 144, 0.792, 0.67),  # 0.667 first measured; half never read
    ("blind_threads_15.jsonl", 144, 0.785, 0.67),  # 0.625 first measured; half never read
    ("blind_threads_16.jsonl", 144, 0.785, 0.66),  # 0.708 first measured; half never read
    ("blind_threads_17.jsonl", 144, 0.84, 0.72),  # 0.688 first measured; half never read
    ("blind_threads_18.jsonl", 144, 0.792, 0.67),  # 0.729 first measured; half never read
]


@pytest.mark.parametrize(("name", "cases", "measured", "floor"), LATER_SETS)
def test_threads_written_since_the_dev_set(
    name: str, cases: int, measured: float, floor: float
) -> None:
    path = Path(__file__).parent / "data" / name
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "eval-conversations", str(path), "--canned",
         str(LIBRARY), "--no-drafts", "--json"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    overall = json.loads(done.stdout)["overall"]
    assert overall["cases"] == cases
    assert overall["false_action_claims"] == 0
    assert overall["turns_parsed"] >= 0.95
    assert floor <= overall["ready_reply_acceptable"] <= 1.0, (name, measured)


def test_eval_conversations_command_ranks_the_whole_dev_set() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "eval-conversations", "--no-drafts", "--json"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    overall = report["overall"]
    assert report["cases"] == 90
    assert overall["turns_parsed"] >= 0.95
    assert overall["false_action_claims"] == 0
    # Where the work of issue 20 stands on the dev set (0.43 before it); a regression fails.
    assert overall["ready_reply_acceptable"] >= 0.85
    assert overall["needs_covered"] >= 0.88
    assert set(report["kinds"]) == {
        "single", "multi_intent", "nothing_fits", "thanks_only", "angry", "already_tried",
        "long_thread", "non_english", "agent_acted",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("thread", "expected"),
    [
        # "card" alone had named the gift-card responses first.
        (
            "Customer: Hi, my card keeps being rejected when I try to pay, it works fine in "
            "other shops. Any idea why?",
            "Payment failed",
        ),
        (
            "Customer: Could you post one of the grinders to my dad in Vienna? It's for his "
            "birthday.",
            "International shipping",
        ),
        (
            "Customer: My statement shows duplicate charges of £23.50 for one order, can you look?",
            "Charged twice - pending authorisation",
        ),
    ],
)
def test_a_need_said_in_other_words_finds_its_response(
    shop: CannedRepository, thread: str, expected: str
) -> None:
    result = understood(shop, thread)
    assert result.ranked[0][0].title == expected


def test_each_confirmation_has_its_clear_counterpart_or_none(shop: CannedRepository) -> None:
    titles = {r.id: r.title for r in shop.get_many(list(range(1, 200)))}
    named = {titles[a]: titles[b] for a, b in counterparts.counterparts(shop).items()}
    assert named["Duplicate charge refunded"] == "Charged twice - pending authorisation"
    assert named["Delivery address updated"] == "Change delivery address"
    # As near "Cancel order - already shipped" as "- not yet shipped": no clear counterpart.
    assert "Order cancelled" not in named


def test_an_undone_confirmation_ranked_first_gives_way_to_its_counterpart(
    shop: CannedRepository,
) -> None:
    thread = (
        "Cliente: Buonasera, sul conto vedo due addebiti per lo stesso ordine #48123. "
        "Potete verificare?"
    )
    first_id = rerank.order(rerank.candidates(shop.db, focus_of(parse(thread))))[0][0]
    assert shop.get_many([first_id])[0].title == "Duplicate charge refunded"  # nobody refunded
    result = understood(shop, thread)
    assert result.ranked[0][0].title == "Charged twice - pending authorisation"


def test_a_reply_asking_for_the_order_number_waits_when_the_thread_gives_it(
    shop: CannedRepository,
) -> None:
    given = understood(
        shop, "Customer: Hi, my bank shows I paid twice for order #48001, please sort it"
    )
    assert given.ranked[0][0].title != "Need your order number"
    library = shop.get_many(list(range(1, 200)))
    asking = next(r for r in library if r.title == "Need your order number")
    assert known.asks_for_known(asking, {"order.id": "48001"})
    assert not known.asks_for_known(asking, {})
    warranty = next(r for r in library if r.title == "Warranty claim")
    assert not known.asks_for_known(warranty, {"order.id": "48001"})  # its purpose is another


def test_a_fallback_that_names_the_next_step_leads_once_the_steps_are_tried(
    shop: CannedRepository,
) -> None:
    # The self-help reply's own fallback: "... we'll open an investigation with the carrier".
    result = understood(
        shop,
        "Customer: Tracking says it was delivered on Monday but it's not here. I've already "
        "checked with my neighbours, looked all around the property and in every safe place I "
        "can think of. Order #48321.",
    )
    assert result.ranked[0][0].title == "Lost parcel - carrier investigation"
    self_help = next(c for c, _ in result.ranked if c.title.startswith("Parcel marked delivered"))
    assert tried.exhausted(self_help, result.focus.tried)
    assert tried.next_step(self_help, result.ranked) == 0


def test_searched_safe_places_exhaust_the_marked_delivered_reply(shop: CannedRepository) -> None:
    # The bin store, the garden and the concierge are the reply's "safe place around your
    # property", in other words: the carrier investigation its fallback names leads.
    result = understood(
        shop,
        "Jo Reyes (customer): Tracking says delivered at 09:40 but nothing here. I've checked "
        "the porch and the bin store, and the concierge hasn't got it. Order #48412.",
    )
    assert result.ranked[0][0].title == "Lost parcel - carrier investigation"
    # Where a parcel was left is not a search the customer made.
    assert focus_of(parse("Customer: the driver left it on the porch, where is it?")).tried == ()
    # Searches told as what the customer did, with an irregular past ("gave it until today").
    result = understood(
        shop,
        "Customer: Tracking says order #48413 was delivered on Friday. It wasn't. We've been "
        "round the whole garden and the bins, I've knocked on both neighbours, and we gave it "
        "until today like you said. What now?",
    )
    assert result.ranked[0][0].title == "Lost parcel - carrier investigation"


@pytest.mark.parametrize(
    "thread",
    [
        "Customer: my Vela lamp won't connect. I've switched it off and on three times, held "
        "the button for 10 seconds and reinstalled the app. Still nothing.",
        "Kunde: Die Vela-Lampe verbindet sich nicht. Ich habe schon alles versucht: WLAN auf "
        "2,4 GHz, Bluetooth an, Knopf 10 Sekunden gedrückt. Funktioniert immer noch nicht.",
    ],
)
def test_a_device_that_still_fails_after_every_step_is_a_warranty_claim(
    shop: CannedRepository, thread: str
) -> None:
    assert understood(shop, thread).ranked[0][0].title == "Warranty claim"


def test_the_fallbacks_own_case_of_the_same_topic_is_the_next_step(
    shop: CannedRepository,
) -> None:
    # "Password reset" ends "if it doesn't arrive ... check your spam": the customer did, and
    # "Reset email not arriving" is that case of the same topic.
    result = understood(
        shop,
        "Customer: I've asked for a password reset on larkfield.example/reset three times. "
        "Nothing has arrived. I've looked in spam, junk and the Promotions tab, and waited.",
    )
    assert result.ranked[0][0].title == "Reset email not arriving"


def test_the_next_step_after_every_tried_step_is_offered_as_ready(shop: CannedRepository) -> None:
    # "2.4ghz" does not end the tried clause; the steps are the how-to's own, so the topic is
    # certain and the warranty claim is ready, not a lead under "no saved reply fits".
    result = understood(
        shop,
        "Visitor: my vela lamp wont connect to the app. before you ask: router is 2.4ghz, "
        "bluetooth on, switched it off/on 3x till it blinks blue, held the base button 10 sec "
        "to reset it. app just says device not found",
    )
    assert result.ready is not None and result.ready.canned.title == "Warranty claim"
    assert result.ready.confident and not result.abstain
    assert "bluetooth" in " ".join(result.focus.tried)


def test_a_payment_that_still_fails_is_not_a_warranty_claim(shop: CannedRepository) -> None:
    # The payment reply walks through no device's steps: still failing is the bank's matter.
    result = understood(
        shop,
        "Customer: I've tried two different cards and PayPal, approved it in my banking app, "
        "and it still doesn't work.",
    )
    assert result.ranked[0][0].title != "Warranty claim"
    by_title = {c.title: c for c in shop.all()}
    assert not tried.still_faulty(by_title["Payment failed"], "still doesn't work")
    assert tried.still_faulty(by_title["How-to: connect Vela lamp to the app"], "no luck")
    assert not tried.still_faulty(by_title["How-to: connect Vela lamp to the app"], "it works")


def test_a_shipped_order_is_not_answered_as_not_yet_shipped(shop: CannedRepository) -> None:
    result = understood(
        shop,
        "Dana Price (customer): hiya, can I cancel #48870? wanted the blue one not the grey. "
        "I already got the dispatch email this morning though",
    )
    assert result.ranked[0][0].title == "Cancel order - already shipped"
    titles = [c.title for c, _ in result.ranked]
    assert "Cancel order - not yet shipped" not in titles[:3]


def test_what_the_agent_already_sent_is_not_offered_again(shop: CannedRepository) -> None:
    # The agent's turn is the gift-card how-to in the agent's words; the customer is back.
    thread = (
        "Customer: my gift card code won't go through at checkout\n"
        "Agent: Sorry about that! Enter the 16-digit code at checkout under 'Gift card or promo "
        "code', and check the balance at larkfield.example/giftcard. Gift cards can't be used "
        "to buy other gift cards or Plus.\n"
        "Customer: Still says invalid. Basket is just a kettle."
    )
    result = understood(shop, thread)
    how_to = next(c for c, _ in result.ranked if c.title.startswith("Gift cards - how to use"))
    assert tried.already_sent(how_to, result.focus.agent_texts)
    assert result.ranked[0][0].title != how_to.title
    # A confirmation the agent's turn states is left to the actions rule.
    cancelled = next(c for c in shop.all() if c.title == "Order cancelled")
    assert not tried.already_sent(
        cancelled,
        [
            "I've cancelled your order and refunded £42.50 "
            "to your original payment method, email soon"
        ],
    )


def test_did_all_of_that_is_a_tried_step() -> None:
    text = (
        "Agent: Could you look around the property and ask your neighbours?\n"
        "Customer: Did all of that over the weekend - both neighbours, the recycling bins."
    )
    assert focus_of(parse(text)).tried != ()


def test_threads_written_outside_the_dev_set(shop: CannedRepository) -> None:
    # 30 one-need threads written for this test, not taken from the dev set and not tuned
    # on (first measured: 27 right first). A fall below 25 is a regression in generalising.
    cases = [json.loads(line) for line in OUTSIDE_DEV.read_text(encoding="utf-8").splitlines()]
    right = sum(understood(shop, c["raw"]).ranked[0][0].title in c["acceptable"] for c in cases)
    assert len(cases) == 30
    assert right >= 25


def test_the_agents_picks_lead_the_thread_reading_too(shop: CannedRepository) -> None:
    # Without picks the reader puts the lost-parcel investigation first; the team answers
    # such threads with the delay reply, and after three picks the thread reading agrees.
    thread = "Customer: any news on my parcel? it's been a few days"
    target = "Parcel delayed"
    assert understood(shop, thread).ranked[0][0].title != target
    taught = [
        "Customer: any news on my parcel? it's been a few days now",
        "Customer: any news on my parcel please, it's been a few days",
        "Customer: hi, any news on the parcel? it has been a few days",
    ]
    teach(shop, [Pick(parse(text), target) for text in taught])
    assert ranking.learned_closeness(shop.db, ranking.query_from([(thread, 1.0)]))
    assert understood(shop, thread).ranked[0][0].title == target
    found = rerank.candidates(shop.db, focus_of(parse(thread)))
    column = rerank.FEATURES.index("learned")
    learned = {i: row[column] for i, row in zip(found.ids, found.features, strict=True)}
    taught_id = next(c.id or -1 for c, _ in understood(shop, thread).ranked if c.title == target)
    assert learned[taught_id] > 0.3  # three near-identical picks
    assert all(value == 0.0 for i, value in learned.items() if i != taught_id)
    assert rerank.WEIGHTS[column] > 0.0


def test_without_picks_the_learned_feature_is_zero(shop: CannedRepository) -> None:
    found = rerank.candidates(shop.db, focus_of(parse("Customer: any news on my parcel?")))
    column = rerank.FEATURES.index("learned")
    assert found.ids and all(row[column] == 0.0 for row in found.features)


def test_a_short_generic_question_leaves_the_topic_to_the_sentence_before(
    shop: CannedRepository,
) -> None:
    # "O que faço?" (what do I do?) asks about the broken handle; it names no topic itself.
    thread = (
        "Cliente: Olá, a minha encomenda chegou hoje e a caneca veio com a asa partida. O que faço?"
    )
    assert understood(shop, thread).ranked[0][0].title == "Damaged item - photos please"


def test_an_answer_to_the_agents_question_keeps_the_request_before_it(
    shop: CannedRepository,
) -> None:
    # The latest turn only answers "Has it arrived yet?": the request is the turn before it.
    thread = (
        "Sam Lee\nJun 3, 10:02\nHi, I ordered the wrong size pan, can I swap it for the 28cm?\n\n"
        "Tom (Larkfield)\nJun 3, 10:30\nHi Sam, sure! Has it arrived yet?\n\n"
        "Sam Lee\nJun 3, 11:05\nYes it came yesterday, still in the box"
    )
    result = understood(shop, thread)
    assert "can I swap it" in result.focus.segments[0]
    assert result.ranked[0][0].title == "Exchange an item"


def test_calling_the_bank_is_a_threat_that_is_heard_first(shop: CannedRepository) -> None:
    thread = (
        "Customer: I was charged for Plus again this month but I cancelled it in March!!! "
        "Refund me now or I'm calling my bank"
    )
    result = understood(shop, thread)
    first = result.needs[0].ready
    assert first is not None and first.canned.title == "Complaint acknowledgement"


def test_multi_turn_threads_written_outside_the_dev_set(shop: CannedRepository) -> None:
    # 10 threads (emails, chats, helpdesk blocks, a bot hand-over, es/fr, an upset customer, a
    # thank-you, one nothing fits) written for this test and not tuned on: 8 read right when
    # written. A fall below 7 is a regression in generalising.
    cases = [json.loads(line) for line in OUTSIDE_DEV_MULTI.read_text("utf-8").splitlines()]
    right = 0
    for case in cases:
        result = understood(shop, case["raw"])
        ready = result.ready
        if not case["needs"]:
            right += result.abstain or ready is None or not ready.confident
            continue
        titles = {t for need in case["needs"] for t in need} | {"Complaint acknowledgement"}
        right += bool(ready and ready.confident and ready.canned.title in titles)
    assert len(cases) == 10
    assert right >= 7


def test_a_moment_to_look_holds_and_ok_thanks_closes_nothing(shop: CannedRepository) -> None:
    thread = (
        "Customer: hi, the toaster I bought last week has a crack in the side panel\n"
        "Customer: and separately my promo code SUMMER10 keeps saying it has expired\n"
        "Agent: Hello! I can help with both, give me a moment to look at your account.\n"
        "Customer: ok thx, I'm at work so might be slow to answer"
    )
    focus = focus_of(parse(thread))
    assert not focus.thanks_only
    assert "promo code" in focus.open_text and "crack" in focus.open_text


def test_the_news_then_the_thanks_in_a_turn_of_its_own_is_thanks_only() -> None:
    thread = (
        "Customer: the lamp doesn't show up in the app\n"
        "Agent: Please switch your phone to the 2.4 GHz network and try Add device again.\n"
        "Customer: one sec\n"
        "Customer: right, switched network and it's in the app now!\n"
        "Customer: thanks a lot, my daughter says they can set their own colours now"
    )
    assert focus_of(parse(thread)).thanks_only


def test_an_angry_letter_with_news_words_is_no_thanks() -> None:
    letter = (
        "Customer: This is my second email. The blender arrived with the jug in pieces and "
        "nobody has replied. I have sent photos twice. I am out of pocket and I just want "
        "this SORTED before the weekend. If nobody answers I'll be leaving a review."
    )
    assert not focus_of(parse(letter)).thanks_only
    # News and praise alone still close a conversation.
    assert is_thanks_only("Lovely. The pan came this morning, it's perfect.")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("This is the 3rd time I've had to chase this", "repeat"),
        ("This is my third email about the same parcel and still nothing", "repeat"),
        ("Reply by Friday or I will be leaving a review on every site", "threat"),
        ("Fix this today or I'm cancelling", "threat"),
    ],
)
def test_repeats_ultimatums_and_review_threats_are_cues(text: str, kind: str) -> None:
    assert kind in {k for k, _ in find_cues(text, "en")}, text


def test_a_third_time_with_an_outcry_is_upset() -> None:
    assert is_upset(find_cues("3rd time this has gone wrong. A milk pan?!", "en"))
    assert not is_upset(find_cues("A milk pan?!", "en"))


def test_a_job_title_is_no_manager_and_a_code_is_no_shouting() -> None:
    assert not find_cues("Hi, I'm the practice manager at a dental clinic", "en")
    assert not find_cues("I'm the office manager here", "en")
    assert find_cues("I want your manager now", "en") == [("threat", "manager")]
    # A postcode and a VAT number in capitals are not shouting; three shouted words are.
    assert not [c for c in find_cues("Ship to HG1 2XQ, VAT GB 123456", "en") if c[0] == "shouting"]
    assert ("shouting", "WHERE IS MY REFUND") in find_cues("WHERE IS MY REFUND", "en")


def test_changing_an_item_to_another_colour_is_an_exchange(shop: CannedRepository) -> None:
    assert "exchange" in concepts_in("Could I change it to the blue one instead?")
    assert "exchange" in concepts_in("can we change them for the bigger size")
    assert "exchange" not in concepts_in("I need to change my delivery address")


def test_asking_to_buy_a_spare_part_is_outside_the_library() -> None:
    assert "spare parts" in topics_in("Do you sell the replacement glass jug for this machine?")
    assert "spare parts" in topics_in("I thought you might do spares for older models")
    assert not topics_in("My replacement jug arrived cracked")


def test_a_language_the_library_lacks_is_ranked_by_meaning_not_shared_words(
    shop: CannedRepository,
) -> None:
    # Italian, which no response is written in: "ordine #40112" shares only "order" with "Where
    # is my order?", which that word alone used to pull into the top three.
    thread = (
        "Cliente: Ciao, ho ricevuto il macinacaffè Aria (ordine #40112, ordinato da mia madre "
        "per me). Oggi l'ho aperto e il coperchio è incrinato e la scatola era rovinata.\n"
        "Operatore: Ciao! Mi dispiace, un attimo che verifico l'ordine.\n"
        "Cliente: Ok. Che cosa devo fare? Grazie"
    )
    top = [c.title for c, _ in understood(shop, thread).ranked[:3]]
    assert top[0] == "Damaged item - photos please"
    assert "Where is my order?" not in top
    assert "it" not in roles_of(shop).languages and "fr" in roles_of(shop).languages


def test_a_membership_that_went_on_by_itself_is_an_unexpected_renewal() -> None:
    for text in (
        "I took the free month and forgot it turns into a paid plan afterwards",
        "Nobody said the membership would carry on every year",
        "It auto-renewed and I was charged £59 with no warning",
    ):
        assert "unexpected renewal charge" in concepts_in(text), text
    # Asking how renewal works, or to cancel before it, is no charge to explain.
    assert not concepts_in("Does the membership auto-renew?")
    assert not concepts_in("I want to cancel before it renews next month")


BREWING = "advice on brewing or using a product"
MANUAL = "a manual or instructions in another language"
SPEC = "a product's specification before buying"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Which grind setting would you use for espresso?", BREWING),
        ("any tips for an aeropress with this grinder", BREWING),
        ("Is there a user guide in Czech?", MANUAL),
        ("Could you send it in Greek language please", MANUAL),
        ("Can I collect it myself tomorrow?", "collecting an order or a parcel locker"),
        ("Could you lend us a purifier for a review?", "a loan or sample for review"),
        ("Are the saucepans ok on an induction hob?", SPEC),
        ("Is the coating PFAS-free?", SPEC),
        ("La poignée, c'est de l'acier inoxydable ou de l'aluminium ?", SPEC),
        ("Can we set up a wedding list with you?", "a gift list or wedding registry"),
        ("Our agency doubled their organic traffic in 90 days", "a sales pitch to the shop"),
    ],
)
def test_requests_a_shop_library_rarely_answers(text: str, topic: str) -> None:
    assert topic in topics_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "The instructions in the box are missing",
        "The grinder's setting dial is stuck",
        "Can you send the manual in English?",
        "I want to return it myself",
        "The pan is fine now, thanks",
        "Can I pay with a gift card?",
    ],
)
def test_everyday_requests_name_no_such_topic(text: str) -> None:
    assert not topics_in(text)


def test_asking_whether_it_is_still_in_time_to_return_is_the_return_window() -> None:
    for text in (
        "If he doesn't like it, can he still send it back in January?",
        "Will it be too late by then to return them?",
        "I read 30 days on the website. Is too late or I can still send it?",
    ):
        assert "return window" in concepts_in(text), text
    assert "return window" not in concepts_in("How do I send it back? I have no printer")


def test_german_ways_of_asking_when_the_money_comes_back_are_refund_timing() -> None:
    for text in (
        "Wann bekomme ich die Gutschrift auf meine Karte?",
        "Wie lange dauert es, bis ich mein Geld wiederbekomme?",
        "Ich warte noch auf die Rückerstattung.",
    ):
        assert "refund timing" in concepts_in(text), text
    assert "refund timing" not in concepts_in("Wie schicke ich den Artikel zurück?")


def test_while_i_have_you_moves_on_from_what_the_agent_did(shop: CannedRepository) -> None:
    thread = (
        "Customer: The kettle arrived with a cracked lid, photos attached.\n"
        "Agent: So sorry! I've sent out a replacement kettle today, tracking to follow.\n"
        "Customer: perfect\n"
        "Customer: oh while I have you - can I get a VAT invoice for that order in our company "
        "name? It's Fernhill Design Ltd."
    )
    assert understood(shop, thread).ranked[0][0].title == "Invoice / VAT receipt"


def test_me_again_with_nothing_wrong_opens_a_new_topic() -> None:
    thread = (
        "Customer: My pan arrived dented.\n"
        "Agent: Sorry! A replacement is on its way.\n"
        "Customer: Hi Sam, me again. Nothing wrong with the pan! Could I get a VAT receipt?"
    )
    assert len(focus_of(parse(thread)).weighted) == 1  # the earlier turns are left out


def test_a_last_question_moves_on_from_the_refund_just_issued(shop: CannedRepository) -> None:
    thread = (
        "Customer: The lamp never arrived, please can I have my money back? Order #51234.\n"
        "Agent: I'm sorry! I've issued your refund of £89 today.\n"
        "Customer: Thanks so much. Last question! My brother lives in Bergen and I'd like to "
        "send him a grinder for his birthday. Do you deliver to Norway, and will he have to pay "
        "anything when it arrives?"
    )
    assert understood(shop, thread).ranked[0][0].title == "International shipping"


def test_a_warning_light_gone_off_is_news_that_it_worked() -> None:
    text = "Did the descale last night. The red light has gone off and it tastes better already!"
    assert says_it_works(text)
    assert is_thanks_only(text + " Thanks for your help.")
    assert not is_thanks_only("The light went off and now it won't turn on. Thanks")


@pytest.mark.parametrize(
    "text",
    [
        "Pedí unas zapatillas hace una semana y el seguimiento no se ha movido.",
        "Der Status hat sich seit Tagen nicht geändert",
        "Le suivi ne bouge plus depuis lundi",
        "Il pacco non è ancora arrivato",
    ],
)
def test_tracking_that_has_not_moved_is_a_delay_in_every_language(text: str) -> None:
    assert "delayed" in concepts_in(text)


def test_no_concept_or_topic_pattern_looks_along_a_sentence_without_bound() -> None:
    # "[^.!?]*" tried at every word of a 200 KB paste with no full stop is quadratic: a
    # renewal pattern with one took minutes on a huge paste. Every such look is bounded.
    import re

    from desktop.reading.concept_table import CONCEPTS
    from desktop.reading.outside import TOPICS

    patterns = [(name, p) for name, _view, p in CONCEPTS] + list(TOPICS)
    unbounded = [name for name, p in patterns if re.search(r"\[\^[^\]]*\][*+]", p)]
    assert unbounded == []
    # ... and the renewal pattern still reads a charge beside a membership that renewed itself.
    assert "unexpected renewal charge" in concepts_in("It auto-renewed and took £59 from me")
