"""Requests a shop library often lacks: named in the languages the app reads, never on an order."""

import pytest
from desktop.reading import outside


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Hi, do you do engraving?", "engraving or personalisation"),
        ("Can I get it personalised with our initials?", "engraving or personalisation"),
        ("Können Sie eine Gravur machen?", "engraving or personalisation"),
        ("Do you do gift wrapping?", "gift wrapping"),
        ("can you ask if they do corporate gift cards?", "wholesale or trade"),
        ("ideally one invoice on 30-day terms", "wholesale or trade"),
        ("Do the Cove pans work on an induction hob?", "a product's specification before buying"),
        ("Is the milk jug dishwasher safe?", "a product's specification before buying"),
        ("Sind die Pfannen induktionsgeeignet?", "a product's specification before buying"),
        ("Which grinder should I buy for espresso?", "a recommendation which product to buy"),
        ("Do you do a student discount?", "a discount for a group of people"),
        ("and could we pay on 30-day invoice terms?", "wholesale or trade"),
        ("can you pop a handwritten card in with it?", "gift wrapping"),
        ("Is the packaging recyclable?", "packaging or sustainability"),
        ("Can I click and collect?", "collecting an order or a parcel locker"),
        ("I'm a journalist writing a piece on home coffee", "press or affiliate enquiries"),
        ("¿Lo podéis enviar con papel de regalo?", "gift wrapping"),
        ('I got a text saying "pay £1.99 redelivery fee". Is this you??', "a suspicious message"),
        ("Is this text really from you?", "a suspicious message"),
        (
            "Would Larkfield be willing to donate a prize for our raffle?",
            "a donation for a good cause",
        ),
        ("Can I buy just a replacement grille rather than a new tray?", "spare parts"),
        ("Do you have a shop I can visit, or a stockist near me?", "a shop to visit"),
        ("do u have a shop in leeds, want to see the grinder in person", "a shop to visit"),
        ("Does the lamp work with Alexa?", "a smart-home or voice assistant"),
        ("Could you leave the prices off? A gift receipt would be ideal", "a gift receipt"),
        (
            "Do you take the old machine away for recycling?",
            "a trade-in or taking an old appliance away",
        ),
        ("C'est une arnaque ?", "a suspicious message"),
        ("Where do I send my CV?", "a job application"),
        ("Do you have a wholesale programme?", "wholesale or trade"),
        ("Would you be open to a paid collaboration?", "a collaboration or sponsorship"),
        ("can I split the payment into 3 with Klarna?", "paying in instalments"),
        ("Or any kind of pay monthly?", "paying in instalments"),
        ("Is there a way to spread it out over a few months?", "paying in instalments"),
        (
            "How do I change the login email on my account to my personal one?",
            "changing the account's email address",
        ),
        (
            "do you have any kind of take-back scheme for old appliances?",
            "a trade-in or taking an old appliance away",
        ),
    ],
)
def test_a_request_libraries_often_lack_is_named(text: str, topic: str) -> None:
    assert topic in outside.topics_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Where is my order #48213?",
        "I would like personalised assistance with my refund",
        "The link you sent me is broken",
        "El paquete llegó con un golpe",  # a dent, not a scam
        "Is the strap genuine leather?",
        "This is a SCAM and I am reporting you to Trading Standards",
        "Please send a replacement, the lid arrived cracked",
        "Kann ich in einer Filiale ein Konto eröffnen?",
        "I bought it as a gift for my mum and it arrived broken",
        "Can I record a video of the fault? Puedo grabar un video",
        "The pan warped on my induction hob, can I return it?",  # a fault, not a question
        "I put the jug in the dishwasher and the handle came off",
        "My parcel went to a parcel shop and I cannot find it",
        "The box arrived damaged and the packaging was soaked",
        "I pay monthly for Plus, can I switch to annual?",
        "My payment failed twice at checkout",
        "Please confirm the email address on your account",
        "I changed my email but the reset link never came",
    ],
)
def test_everyday_requests_name_none(text: str) -> None:
    assert outside.topics_in(text) == ()


def test_unanswered_only_when_every_ask_names_a_topic_the_library_never_mentions() -> None:
    engraving = "Hi, do you do engraving?"
    assert outside.unanswered([engraving], ()) == "engraving or personalisation"
    # The library mentions it: it may have the reply, the ranking decides.
    assert outside.unanswered([engraving], ("engraving or personalisation",)) is None
    # Another request is answerable: that one carries the reply.
    assert outside.unanswered([engraving, "Where is my order?"], ()) is None
    assert outside.unanswered([], ()) is None
