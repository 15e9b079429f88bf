"""Canned responses that state an action as done, and whether the agent's turns say it was done.

Measured on the realistic shop library and its 90 labelled conversations, and on hand-written
statements in English, Spanish, German, French, Italian and Portuguese that are not in it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from desktop.store.action_macros import StatedAction, done_as_asked, performed, stated_action

REALISTIC = Path(__file__).resolve().parents[2] / "resources" / "eval" / "realistic"
# The library's confirmation macros and the labels `agent_done` / `must_not_claim` give them.
CONFIRMATIONS = {
    "Delivery address updated": {"address updated"},
    "Order cancelled": {"order cancelled"},
    "Replacement dispatched": {"replacement dispatched"},
    "Refund issued": {"refund issued"},
    "Duplicate charge refunded": {"duplicate charge refunded"},
    "Account deleted": {"account deleted"},
    "Plus cancelled": {"plus membership cancelled", "membership cancelled"},
    "Plus paused": {"plus membership paused", "membership paused"},
    "Plus plan changed": {"plan changed"},
}


def library() -> list[dict[str, str]]:
    responses: list[dict[str, str]] = json.loads(
        (REALISTIC / "library.json").read_text(encoding="utf-8")
    )["responses"]
    return responses


def test_the_nine_confirmation_macros_and_nothing_else_are_recognised() -> None:
    found = {r["title"] for r in library() if stated_action(r["title"], r["body"])}
    assert found == set(CONFIRMATIONS)  # their how-to counterparts included: 55 not recognised


def test_what_the_shop_library_states_reads_as_a_to_do() -> None:
    by_title = {r["title"]: r for r in library()}
    plus = by_title["Plus cancelled"]
    action = stated_action(plus["title"], plus["body"])
    assert action is not None
    assert (action.lemma, action.phrase, action.todo) == (
        "cancel",
        "cancelled your Larkfield Plus membership",
        "Cancel the Larkfield Plus membership",
    )
    lemmas = {
        title: getattr(stated_action(title, by_title[title]["body"]), "lemma", None)
        for title in CONFIRMATIONS
    }
    assert lemmas == {
        "Delivery address updated": "update",
        "Order cancelled": "cancel",
        "Replacement dispatched": "dispatch",
        "Refund issued": "refund",
        "Duplicate charge refunded": "refund",
        "Account deleted": "delete",
        "Plus cancelled": "cancel",
        "Plus paused": "pause",
        "Plus plan changed": "change",
    }
    assert StatedAction.from_json(action.as_json()) == action
    assert StatedAction.from_json("") is None
    assert StatedAction.from_json("{broken") is None


def test_performed_agrees_with_the_conversations_labels() -> None:
    """A macro in `acceptable` (or whose action is in `agent_done`) is performed; one whose
    action is only in `must_not_claim` is not."""
    actions = {r["title"]: stated_action(r["title"], r["body"]) for r in library()}
    checked, wrong = 0, []
    for line in (REALISTIC / "conversations.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        agent = [t["text"] for t in case["turns"] if t["role"] == "agent"]
        done = {d.lower() for d in case["agent_done"]}
        forbidden = {m.lower() for m in case["must_not_claim"]}
        for title, labels in CONFIRMATIONS.items():
            if title in case["acceptable"] or labels & done:
                expected = True
            elif labels & forbidden:
                expected = False
            else:
                continue
            action = actions[title]
            assert action is not None
            checked += 1
            if performed(action, agent) != expected:
                wrong.append((case["id"], title, expected))
    assert checked >= 80
    assert wrong == []


@pytest.mark.parametrize(
    ("body", "lemma"),
    [
        ("I have cancelled your subscription. You will not be charged again.", "cancel"),
        ("We have issued your refund of $20. It will appear in 5 days.", "refund"),
        ("Your delivery address has been updated to 4 Mill Lane.", "update"),
        ("Your replacement has been dispatched and will arrive tomorrow.", "dispatch"),
        ("Good news: I've gone ahead and refunded the shipping fee.", "refund"),
        ("Your account has now been deleted, as requested.", "delete"),
        ("Your membership is now paused until June.", "pause"),
        ("We've just reset your password; check your inbox.", "reset"),
        ("I have unlocked your account.", "unlock"),
        ("All done: I've switched you to the annual plan.", "change"),
        ("I've now put your Plus Monthly membership on pause for 2 months.", "pause"),
        ("We have put your order on hold until Monday.", "pause"),
        ("He cancelado tu suscripción, {{customer.first_name}}.", "cancel"),
        ("Hemos reembolsado el importe de tu pedido.", "refund"),
        ("Tu dirección de entrega ha sido actualizada.", "update"),
        ("Ich habe Ihre Mitgliedschaft gekündigt.", "cancel"),
        ("Wir haben Ihnen den Betrag soeben erstattet.", "refund"),
        ("Ihre Lieferadresse wurde aktualisiert.", "update"),
        ("J'ai annulé votre commande {{order.id}}.", "cancel"),
        ("Votre abonnement a été résilié.", "cancel"),
        ("Nous avons procédé au remboursement de votre commande.", "refund"),
        ("Ho annullato il tuo ordine.", "cancel"),
        ("Cancelei a sua assinatura.", "cancel"),
    ],
)
def test_statements_of_a_done_action_are_recognised(body: str, lemma: str) -> None:
    action = stated_action("", body)
    assert action is not None
    assert action.lemma == lemma


@pytest.mark.parametrize(
    "body",
    [
        "You can cancel your subscription from your account settings.",
        "I can cancel it for you if you reply to confirm.",
        "Once we have issued your refund, you will receive an email.",
        "Your order has been dispatched and you can track it here.",  # the shop's process
        "We have shipped your order; tracking follows.",
        "Refunds are processed within 2 business days.",
        "We refund the difference once we receive the item.",
        "Have you already cancelled the order?",
        "I haven't cancelled anything yet.",
        "We have updated our privacy policy.",  # the team's own thing
        "I'm escalating your case to my team lead.",  # what the reply itself does
        "If your order has already been shipped, we cannot cancel it.",
        "Your order hasn't been dispatched yet, so we can still cancel it.",
        "We'll send you a replacement.",
        "Review your cart to ensure you have added all the articles you need.",
        "Puedes cancelar tu suscripción en cualquier momento.",
        "Sobald wir Ihre Rücksendung erhalten haben, erstatten wir den Betrag.",
        "Ich habe Ihre Bestellung nicht storniert.",
        "Wenn Sie die Mitgliedschaft gekündigt haben, erhalten Sie eine E-Mail.",
        "Votre commande a bien été expédiée.",
        "Una vez que hayamos recibido el artículo, procesaremos el reembolso.",
        "Die Rückerstattung wird innerhalb von 2 Werktagen veranlasst.",
        "As it's been 7 days since it was processed, I'll ask the payments team.",
        "We put orders on hold while a payment is checked.",
        "If I've put your plan on pause, you won't be charged.",
    ],
)
def test_how_tos_offers_and_the_shops_process_are_not(body: str) -> None:
    assert stated_action("", body) is None


PLUS = "I have cancelled your Larkfield Plus membership, Ann. You won't be charged again."
ADDRESS = "Good news: I've updated the delivery address on order {{order.id}} to {{input.addr}}."
DUPLICATE = "You were charged twice, and I've refunded the duplicate payment of {{input.amount}}."


@pytest.mark.parametrize(
    ("body", "agent_turn", "done"),
    [
        (PLUS, "I've just cancelled it for you.", True),
        (PLUS, "Done! Your subscription is now cancelled.", True),
        (PLUS, "Ich habe Ihre Mitgliedschaft gekündigt.", True),
        (PLUS, "Ya he cancelado tu suscripción.", True),
        (PLUS, "I've cancelled your order #1234.", False),  # another object
        (PLUS, "I can cancel it for you.", False),
        (PLUS, "Shall I cancel the membership?", False),
        (PLUS, "Once I've cancelled it you'll get an email.", False),
        (PLUS, "I'll cancel it now.", False),
        (ADDRESS, "done - your address is now 4 Mill Lane, Leeds", True),
        (ADDRESS, "It hasn't been packed yet so I've changed it now.", True),
        (ADDRESS, "I can change the address if it hasn't been packed.", False),
        (DUPLICATE, "I've refunded the duplicate £64.99 now.", True),
        (DUPLICATE, "We have issued your refund of £20.", False),  # not the duplicate
        (DUPLICATE, "I've asked the payments team to refund you.", False),
        # which one of the thread's payments; the customer moved to another plan
        (DUPLICATE, "Both payments were taken. I've refunded the second £112.00 now.", True),
        (DUPLICATE, "Yes, both went through. I've refunded the second one just now.", True),
        (DUPLICATE, "You're right. I've sent the duplicate £20.00 back to your card.", True),
        (ADDRESS, "Good timing. That's all switched over to 7 Mill Lane now.", True),
        (
            "I've switched your membership to {{input.new_plan}}.",
            "Ik heb je lidmaatschap zojuist omgezet naar Plus Jaarlijks.",
            True,
        ),
        (ADDRESS, "Is that switched over now?", False),
        (
            "Your Plus membership is now paused.",
            "All sorted, your Plus is on hold for 2 months now.",
            True,
        ),
        ("Your Plus membership is now paused.", "Your Plus will be on hold once it renews.", False),
        (
            "I've deleted your Larkfield account.",
            "Done: your Larkfield account and the data linked to it have been removed.",
            True,
        ),
        (
            "I've switched your membership to {{input.new_plan}}.",
            "I've switched you to Plus Annual just now.",
            True,
        ),
        # A noun's action, done to what follows "of".
        (
            "I've deleted your Larkfield account.",
            "I've completed the deletion of your account and its personal data.",
            True,
        ),
        # An order by its number is the order.
        ("I have cancelled order {{order.id}}.", "So I've just cancelled 618772 for you.", True),
        ("I have cancelled order {{order.id}}.", "I've just cancelled A-660431 for you.", True),
        # A verb with its particle: "sent out", "sent off".
        (
            "Your replacement has been dispatched and will arrive tomorrow.",
            "I've sent out a replacement kettle this afternoon, tracking to follow.",
            True,
        ),
        (
            "Your replacement has been dispatched and will arrive tomorrow.",
            "I've signed off on the claim; the warehouse will be in touch.",
            False,
        ),
    ],
)
def test_performed_reads_the_agents_words(body: str, agent_turn: str, done: bool) -> None:
    action = stated_action("", body)
    assert action is not None
    assert performed(action, ["Sure, let me look.", agent_turn]) is done


def test_recognition_is_fast_on_long_and_hostile_text() -> None:
    hostile = "I have " * 5000 + "{{" * 5000 + "cancelled " * 5000 + "Ich habe " * 5000
    start = time.perf_counter()
    stated_action("", hostile)
    performed(StatedAction("cancel", "cancelled it", "Cancel it"), [hostile])
    assert time.perf_counter() - start < 3.0


@pytest.mark.parametrize(
    ("asked", "reply", "statement"),
    [
        (
            ["Hi, can I cancel order #60017 please?"],
            "That's gone through for you now.",
            "I've cancelled order #60017.",
        ),
        (
            ["yes please", "please pause my Plus for 2 months"],
            "All sorted on our side.",
            "I've paused your Plus.",
        ),
        # what the agent offered and the customer took up
        (
            ["yes please", "Would you like me to move you over?"],
            "All sorted.",
            "I've moved you over.",
        ),
        (["where is my parcel?"], "Done!", ""),  # nothing was asked to be done
        (["please cancel my order"], "Done - I've refunded it instead.", ""),  # says its own action
        (["please cancel my order"], "I'll look into it.", ""),  # no "done"
    ],
)
def test_a_bare_done_does_what_was_asked(asked: list[str], reply: str, statement: str) -> None:
    assert done_as_asked(asked, reply) == statement
