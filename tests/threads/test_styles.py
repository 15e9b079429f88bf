"""Each paste style an agent really uses, written by hand (not taken from the dev set)."""

# Labels in Chinese and Japanese use the full-width colon:
# ruff: noqa: RUF001

from __future__ import annotations

import pytest
from desktop.transcript import Transcript, parse


def roles_and_texts(transcript: Transcript) -> list[tuple[str, str]]:
    return [(t.role, " ".join(t.text.split())) for t in transcript.turns]


def test_gmail_chain_newest_first_with_nested_quotes_reads_oldest_first() -> None:
    transcript = parse(
        "Thanks Priya, that worked - the code came through on the second try.\n"
        "\n"
        "Tom\n"
        "\n"
        "Sent from my iPhone\n"
        "\n"
        "On Wed, 12 Jun 2024 at 09:14, Brightside Help Desk <help@brightside.example> wrote:\n"
        "> Hi Tom,\n"
        ">\n"
        "> Sorry about that. Please try requesting the code again; it expires after 10 minutes.\n"
        ">\n"
        "> Best wishes,\n"
        "> Priya\n"
        "> Brightside Help Desk\n"
        ">\n"
        "> On Tue, 11 Jun 2024 at 22:03, Tom Fisher <tom.fisher@example.org> wrote:\n"
        "> > Hello, the verification code never arrives when I log in.\n"
        "> >\n"
        "> > Sent from my iPhone\n"
    )
    assert roles_and_texts(transcript) == [
        ("customer", "Hello, the verification code never arrives when I log in."),
        (
            "agent",
            "Hi Tom, Sorry about that. Please try requesting the code again; it expires after "
            "10 minutes. Best wishes, Priya",
        ),
        ("customer", "Thanks Priya, that worked - the code came through on the second try. Tom"),
    ]
    assert [t.speaker for t in transcript.turns] == ["Tom Fisher", "Brightside Help Desk", ""]
    assert transcript.agent_names == ()  # a team, not a person


def test_german_gmail_quote_with_the_name_after_the_verb() -> None:
    transcript = parse(
        "Danke, jetzt klappt es.\n\n"
        "Am Di., 11. Juni 2024 um 10:56 Uhr schrieb Nordlicht Kundenservice "
        "<service@nordlicht.example>:\n"
        ">Hallo Frau Becker,\n>bitte setzen Sie Ihr Passwort zurück.\n>\n"
        ">Am Mo., 10. Juni 2024 um 19:40 Uhr schrieb Anna Becker <anna@example.de>:\n"
        ">>Ich komme nicht in mein Konto.\n"
    )
    assert roles_and_texts(transcript) == [
        ("customer", "Ich komme nicht in mein Konto."),
        ("agent", "Hallo Frau Becker, bitte setzen Sie Ihr Passwort zurück."),
        ("customer", "Danke, jetzt klappt es."),
    ]


def test_the_agent_is_the_one_who_answers_when_no_sender_says_support() -> None:
    transcript = parse(
        "Great, thank you!\n\n"
        "Le mar. 11 juin 2024 à 10:56, Sam Moreau <sam@maisonclaire.example> a écrit :\n"
        "> Bonjour, votre colis part demain.\n>\n"
        "> Le lun. 10 juin 2024 à 19:40, Pierre Martin <pierre@example.fr> a écrit :\n"
        "> > Où est ma commande ?\n"
    )
    assert [t.role for t in transcript.turns] == ["customer", "agent", "customer"]


def test_outlook_header_blocks() -> None:
    transcript = parse(
        "Hi Sam,\n\nStill nothing has arrived. Can you check again?\n\nJane\n\n"
        "From: Oakridge Support <support@oakridge.example>\n"
        "Sent: Tuesday, June 11, 2024 10:56 AM\n"
        "To: Jane Miller <jane.miller@example.com>\n"
        "Subject: RE: Order 5521\n\n"
        "Hi Jane,\n\nIt left our warehouse yesterday.\n\nSam\n\n"
        "-----Original Message-----\n"
        "From: Jane Miller <jane.miller@example.com>\n"
        "Sent: Monday, June 10, 2024 7:40 PM\n"
        "To: support@oakridge.example\n"
        "Subject: Order 5521\n\n"
        "Where is my order?\n"
    )
    assert roles_and_texts(transcript) == [
        ("customer", "Where is my order?"),
        ("agent", "Hi Jane, It left our warehouse yesterday. Sam"),
        ("customer", "Hi Sam, Still nothing has arrived. Can you check again? Jane"),
    ]


def test_single_email_headers_are_not_the_message() -> None:
    transcript = parse(
        "Von: Anna Becker <anna.becker@example.de>\n"
        "Gesendet: Dienstag, 11. Juni 2024 10:56\n"
        "An: service@nordlicht.example\n"
        "Betreff: Rücksendung\n\n"
        "Hallo,\n\nwie kann ich die Lampe zurückschicken?\n\nGrüße\nAnna\n"
    )
    assert roles_and_texts(transcript) == [
        ("customer", "Hallo, wie kann ich die Lampe zurückschicken? Grüße Anna")
    ]


@pytest.mark.parametrize(
    ("first", "second", "third"),
    [
        (
            "Lucía Gómez\n4 jun, 09:12",
            "Marta (Atención al cliente)\n4 jun, 10:02",
            "Lucía Gómez\n5 jun, 08:30",
        ),
        (
            "Jonas Weber\n20. Mai, 08:50",
            "Tom (Kundenservice)\n20. Mai, 09:41",
            "Jonas Weber\n21. Mai, 07:15",
        ),
        (
            "Claire Dubois\n4 juin 2024 à 09:12",
            "Sam (Service client)\n4 juin 2024 à 10:02",
            "Claire Dubois\n5 juin 2024 à 08:30",
        ),
        (
            "Rebecca Shaw\nMay 20, 2024, 8:50 AM",
            "Chloe Martin\nMay 20, 2024, 10:12 AM",
            "Rebecca Shaw\nYesterday at 09:05",
        ),
        (
            "Rebecca Shaw · 20/05/2024 08:50",
            "Chloe (Support) · 20/05/2024 10:12",
            "Rebecca Shaw · 21/05/2024 09:05",
        ),
        (
            "Rebecca Shaw\n\n2024-05-20 08:50",
            "Chloe\nOakridge Support\n2024-05-20 10:12",
            "Rebecca Shaw\n\n2024-05-21 09:05",
        ),
    ],
)
def test_helpdesk_blocks_in_several_date_formats(first: str, second: str, third: str) -> None:
    transcript = parse(
        f"{first}\nHi, my order has not arrived.\n\nAttachment: receipt.pdf\n\n"
        f"{second}\nHello, could you send me the order number?\n\nChloe\n\n"
        f"{third}\nIt is 77120.\n\nThanks"
    )
    assert roles_and_texts(transcript) == [
        ("customer", "Hi, my order has not arrived."),
        ("agent", "Hello, could you send me the order number? Chloe"),
        ("customer", "It is 77120. Thanks"),
    ]


def test_chat_widget_with_a_bot_and_a_visitor_number() -> None:
    transcript = parse(
        "Chat started: 11 Jun 2024, 10:30\n"
        "Bot: Hi! I'm Sunny, the virtual assistant. What can I help you with?\n"
        "Visitor 4821: where is my parcel\n"
        "Bot: I can help with that! What is your order number?\n"
        "Visitor 4821: 88213\n"
        "Bot: Thanks! Connecting you to a person.\n"
        "Owen joined the chat\n"
        "Owen: Hi, Owen here. Let me take a look.\n"
        "Visitor 4821: thanks, it was due yesterday\n"
        "Visitor 4821 left the chat\n"
    )
    assert [(t.role, t.speaker) for t in transcript.turns] == [
        ("agent", "Bot"),
        ("customer", "Visitor 4821"),
        ("agent", "Bot"),
        ("customer", "Visitor 4821"),
        ("agent", "Bot"),
        ("agent", "Owen"),
        ("customer", "Visitor 4821"),
    ]
    assert transcript.turns[-1].text == "thanks, it was due yesterday"
    assert transcript.agent_names == ("Owen",)


def test_timestamped_names_the_tagged_one_is_the_team() -> None:
    transcript = parse(
        "[16:45] Ethan: hi i cant get into my account\n"
        "[16:47] Maya (Support): Sorry about that! What happens when you log in?\n"
        "[16:49] Ethan: it asks for a code\n"
        "[16:50] Ethan: from the old phone\n"
    )
    assert [t.role for t in transcript.turns] == ["customer", "agent", "customer", "customer"]


def test_untagged_names_the_one_who_offers_help_is_the_agent() -> None:
    transcript = parse(
        "Owen: Hi Zara, thanks for waiting! What can I do for you?\n"
        "Zara Khan: my kettle leaks\n"
        "Owen: Sorry to hear that. Which model is it?\n"
        "Zara Khan: the Brewmaster\n"
    )
    assert [t.role for t in transcript.turns] == ["agent", "customer", "agent", "customer"]


def test_untagged_names_the_first_name_only_is_the_agent() -> None:
    transcript = parse(
        "Ana: Hi Hannah! All sorted on our side.\n"
        "Hannah Price: can I swap the pan for the bigger one?\n"
        "Ana: Of course.\n"
        "Hannah Price: great\n"
    )
    assert [t.role for t in transcript.turns] == ["agent", "customer", "agent", "customer"]


def test_untagged_names_otherwise_the_first_speaker_is_the_customer() -> None:
    transcript = parse(
        "Mei Chen: can u cancel order 4937 please\nOwen: Done, it's cancelled.\nMei Chen: thanks!\n"
    )
    assert [t.role for t in transcript.turns] == ["customer", "agent", "customer"]


@pytest.mark.parametrize(
    ("customer", "agent"),
    [
        ("Cliente:", "Agente:"),
        ("Kunde:", "Mitarbeiter:"),
        ("Client :", "Conseiller :"),
        ("Cliente:", "Atendente:"),
        ("Cliente:", "Operatore:"),
        ("Klant:", "Medewerker:"),
        ("Клиент:", "Оператор:"),
        ("客户：", "客服："),
        ("お客様：", "担当者："),
        ("고객:", "상담원:"),
        ("[09:12] Client :", "[09:14] Conseillère :"),
        ("**Customer:**", "**Agent:**"),
    ],
)
def test_native_labels(customer: str, agent: str) -> None:
    lines = [f"{agent} Hello?", f"{customer} Where is my order 4821?"]
    lines += [f"{agent} Let me check.", f"{customer} Thanks"]
    transcript = parse("\n".join(lines))
    assert roles_and_texts(transcript) == [
        ("agent", "Hello?"),
        ("customer", "Where is my order 4821?"),
        ("agent", "Let me check."),
        ("customer", "Thanks"),
    ]


def test_signatures_attachments_and_html_entities() -> None:
    transcript = parse(
        "Customer: The lid arrived cracked &amp; the box was crushed. Photos attached.\n\n"
        "[image: IMG_2231.jpg]\n"
        "Attachments: lid.jpg, box.jpg\n\n"
        "Kind regards,\nGraham\n\n"
        "-- \nGraham Hill\nHill &amp; Sons Joinery\n07700 900123\n"
    )
    assert roles_and_texts(transcript) == [
        (
            "customer",
            "The lid arrived cracked & the box was crushed. Photos attached. Kind regards, Graham",
        )
    ]


def test_words_with_a_colon_inside_a_message_do_not_start_turns() -> None:
    transcript = parse(
        "Customer: Hi, a few things\n"
        "Order: 4821\n"
        "Tracking: https://track.example/4821\n"
        "Note: the box was damaged\n"
        "Agent: Thanks, checking now.\n"
    )
    assert [t.role for t in transcript.turns] == ["customer", "agent"]
    assert "Tracking: https://track.example/4821" in transcript.turns[0].text


def test_a_single_name_label_opening_the_paste_is_a_speaker() -> None:
    transcript = parse("Aaron Blake: my lamp won't connect to the app")
    assert roles_and_texts(transcript) == [("customer", "my lamp won't connect to the app")]


def test_a_headline_with_a_colon_is_not_a_speaker() -> None:
    transcript = parse("Fresnoy le Grand (02) : de nouvelles éoliennes")
    assert roles_and_texts(transcript) == [
        ("customer", "Fresnoy le Grand (02) : de nouvelles éoliennes")
    ]


@pytest.mark.parametrize(
    "export",
    [
        # Freshdesk-like: what the author did, a relative date with the full one after it.
        "Rebecca Shaw reported via email\n2 days ago (Mon, 20 May 2024 at 8:50 AM)\n{0}\n\n"
        "Chloe Martin replied\n1 day ago (Tue, 21 May 2024 at 9:10 AM)\n{1}\n\n"
        "Rebecca Shaw replied\n3 hours ago (Wed, 22 May 2024 at 10:00 AM)\n{2}",
        # The date above the name.
        "May 20, 08:50\nRebecca Shaw\n{0}\n\nMay 20, 10:12\nChloe (Support)\n{1}\n\n"
        "May 21, 09:00\nRebecca Shaw\n{2}",
        # Chat-app copy: name and time on one line, no blank line between messages.
        "Rebecca Shaw  8:50 AM\n{0}\nChloe (Support)  10:12 AM\n{1}\nRebecca Shaw  9:00 AM\n{2}",
    ],
    ids=["freshdesk", "date-first", "chat-app"],
)
def test_other_export_shapes(export: str) -> None:
    said = ["Hi, my order has not arrived.", "I've chased the courier.", "Any news?"]
    transcript = parse(export.format(*said))
    assert roles_and_texts(transcript) == list(
        zip(["customer", "agent", "customer"], said, strict=True)
    )
    assert transcript.turns[0].speaker == "Rebecca Shaw"


def test_a_helpdesk_message_keeps_its_own_dates_and_drops_quoted_history() -> None:
    transcript = parse(
        "Rebecca Shaw\nMay 20, 08:50\nCan you deliver on this slot?\n\n"
        "Thursday\n22 May, 10:00\n\n"
        "On Mon, 20 May 2024 at 08:40, Oakridge <help@oakridge.example> wrote:\n"
        "> Your order has shipped.\n"
    )
    assert roles_and_texts(transcript) == [
        ("customer", "Can you deliver on this slot? Thursday 22 May, 10:00")
    ]


def test_an_exports_title_lines_are_not_a_message() -> None:
    ticket = parse(
        "Ticket #4821: Order not received\n\n"
        "Rebecca Shaw\nMay 20, 08:50\nHi, where is it?\n\n"
        "Chloe (Support)\nMay 20, 09:00\nChecking now."
    )
    assert roles_and_texts(ticket) == [("customer", "Hi, where is it?"), ("agent", "Checking now.")]
    chat = parse("Chat transcript\nConversation with Visitor 4821\nVisitor 4821: hi\nAgent: hello")
    assert roles_and_texts(chat) == [("customer", "hi"), ("agent", "hello")]


def test_a_message_that_mentions_a_date_stays_whole() -> None:
    text = "Hi,\nI ordered the lamp\nMay 20, 08:50\nand still nothing"
    assert roles_and_texts(parse(text)) == [("customer", " ".join(text.split()))]


def test_an_email_disclaimer_is_not_part_of_the_message() -> None:
    transcript = parse(
        "From: Jo Park <jo@parkandco.example>\nDate: Mon, 3 Jun 2024 09:00\nSubject: Invoice\n\n"
        "Please send a VAT invoice for order 5521.\n\nJo\n\n"
        "This email and any attachments are confidential and intended solely for the addressee."
    )
    assert roles_and_texts(transcript) == [
        ("customer", "Please send a VAT invoice for order 5521. Jo")
    ]


def test_a_reply_above_quoted_lines_with_no_wrote_line() -> None:
    transcript = parse(
        "Thanks, but it still does not work.\n\n"
        "> Please reset your password at example.com/reset.\n> Sam\n"
    )
    assert roles_and_texts(transcript) == [
        ("agent", "Please reset your password at example.com/reset. Sam"),
        ("customer", "Thanks, but it still does not work."),
    ]


def test_two_one_word_names_on_the_first_two_lines_are_a_chat() -> None:
    transcript = parse("Zara: hi where is my order\nOwen: checking now")
    assert roles_and_texts(transcript) == [
        ("customer", "hi where is my order"),
        ("agent", "checking now"),
    ]
    assert roles_and_texts(parse("Sam: hi\nPS: thanks")) == [("customer", "Sam: hi PS: thanks")]


def test_a_role_with_the_persons_name_in_brackets() -> None:
    transcript = parse("Customer (Jane Doe): Hi, order 48213?\nAgent: Sorry!\nCustomer: Thanks")
    assert [(t.role, t.speaker) for t in transcript.turns] == [
        ("customer", "Jane Doe"),
        ("agent", "Agent"),
        ("customer", "Customer"),
    ]


def test_an_address_in_brackets_is_not_a_team_tag() -> None:
    transcript = parse(
        "Rebecca Shaw (rebecca@example.com)\nMay 20, 08:50\nHi, where is my order?\n\n"
        "Chloe (Oakridge Support)\nMay 20, 09:00\nChecking."
    )
    assert [(t.role, t.speaker) for t in transcript.turns] == [
        ("customer", "Rebecca Shaw"),
        ("agent", "Chloe"),
    ]


def test_wrapped_wrote_lines_and_a_subject_line_above_the_reply() -> None:
    transcript = parse(
        "Subject: Re: Order 4821\n\nHi Sam, still nothing.\n\n"
        "On Tue, 11 Jun 2024 at 10:56, Oakridge Customer Care <\n"
        "care@oakridge.example> wrote:\n"
        "> Hi Jane, it is on its way.\n>\n"
        "> On Mon, 10 Jun 2024 at 09:00, Jane Doe\n"
        "> <jane@example.com> wrote:\n"
        ">> Where is my order?\n"
    )
    assert roles_and_texts(transcript) == [
        ("customer", "Where is my order?"),
        ("agent", "Hi Jane, it is on its way."),
        ("customer", "Hi Sam, still nothing."),
    ]


def test_more_label_shapes() -> None:
    team = parse("Oakridge: Hi! How can we help?\nPriya: my order\nOakridge: Which one?")
    assert [t.role for t in team.turns] == ["agent", "customer", "agent"]
    timed = parse("Owen (Support) [10:33]: hi\nZara [10:34]: my order\nOwen (Support) [10:35]: ok")
    assert [t.role for t in timed.turns] == ["agent", "customer", "agent"]
    titled = parse("Agent Owen: hi\nCustomer: hello")
    assert [(t.role, t.speaker) for t in titled.turns] == [
        ("agent", "Owen"),
        ("customer", "Customer"),
    ]
    assert titled.agent_names == ("Owen",)


def test_french_outlook_headers_and_japanese_gmail() -> None:
    outlook = parse(
        "Merci !\n\n"
        "De : Service client Oakridge <service@oakridge.example>\n"
        "Envoyé : mardi 11 juin 2024 10:56\nÀ : Anna <anna@example.fr>\nObjet : RE: Commande\n\n"
        "Bonjour Anna, votre colis est en route.\n\n"
        "De : Anna <anna@example.fr>\nEnvoyé : lundi 10 juin 2024 09:00\n"
        "À : service@oakridge.example\nObjet : Commande\n\nOù est ma commande ?"
    )
    assert [t.role for t in outlook.turns] == ["customer", "agent", "customer"]
    gmail = parse(
        "ありがとうございます。\n\n"
        "2024年6月11日(火) 10:56 オークリッジ サポート <support@oakridge.example>:\n"
        "> ご注文は発送済みです。\n>\n"
        "> 2024年6月10日(月) 9:00 田中 <tanaka@example.jp>:\n>> 注文はどこですか？"
    )
    assert roles_and_texts(gmail) == [
        ("customer", "注文はどこですか？"),
        ("agent", "ご注文は発送済みです。"),
        ("customer", "ありがとうございます。"),
    ]


def test_a_channel_in_brackets_is_not_a_team_tag() -> None:
    transcript = parse(
        "Rebecca Shaw (via email)\nMay 20, 08:50\nHi, where is my order?\n\n"
        "Chloe Martin\nMay 20, 09:00\nChecking."
    )
    assert [(t.role, t.speaker) for t in transcript.turns] == [
        ("customer", "Rebecca Shaw"),
        ("agent", "Chloe Martin"),
    ]


def test_a_shops_own_sender_is_the_team_side() -> None:
    # A membership reminder quoted under the customer's reply: plus@ is the shop's sender.
    transcript = parse(
        "Hi, I'd like to move to the yearly plan instead - how do I do it?\n"
        "\n"
        "Olu\n"
        "\n"
        "On Sat, 28 Nov 2026 at 09:00, Oakridge Plus <plus@oakridge.example> wrote:\n"
        "> Hi Olu,\n"
        "> Just a reminder that your next monthly payment of £5.99 will be taken on 3 December.\n"
    )
    assert [role for role, _ in roles_and_texts(transcript)] == ["agent", "customer"]


def test_a_bots_hand_over_leaves_the_customers_request_open() -> None:
    from desktop.drafting.focus import focus_of

    thread = (
        "Bot: Please describe your question in a few words.\n"
        "Visitor 4821: i want to stop paying for plus, how do i cancel it\n"
        "Bot: Thanks! An agent will be with you shortly. Average wait: 3 minutes.\n"
        "Visitor 4821: still here. just want it stopped before it renews on the 9th\n"
    )
    assert "how do i cancel it" in focus_of(parse(thread)).open_text


def test_helpdesk_headers_between_dashes() -> None:
    transcript = parse(
        "Ticket #88214 | Can't log in - new phone\n"
        "Status: Open | Requester: Farid Haddad <farid@example.org>\n"
        "\n"
        "----- Farid Haddad, 30 Nov 2026 21:14 -----\n"
        "I changed phones and my authenticator app didn't move across.\n"
        "\n"
        "----- Public reply by Nadia (Agent), 1 Dec 2026 09:05 -----\n"
        "Hi Farid, please reply with the postcode of your most recent order.\n"
        "\n"
        "----- Farid Haddad, 1 Dec 2026 10:47 -----\n"
        "Postcode is G12 8QQ. Also, what is this £27.50 payment?\n"
    )
    assert [role for role, _ in roles_and_texts(transcript)] == ["customer", "agent", "customer"]
    assert transcript.turns[-1].text.startswith("Postcode is G12 8QQ")


def test_a_subject_line_and_addressed_names_above_blocks_of_two_shapes() -> None:
    transcript = parse(
        "Conversation #3417 · Invoice\n"
        "Agnes Thornbury · agnes.t@example.com\n"
        "Dec 4, 2026, 3:12 PM\n"
        "\n"
        "Perfect, found the Download invoice button. No need to reply.\n"
        "\n"
        "---\n"
        "Luca (Larkfield) · Dec 4, 2026, 2:55 PM\n"
        "Hi Agnes, you can download a VAT invoice from My orders.\n"
    )
    # The newest is on top: by their dates, Luca's reply came first.
    assert roles_and_texts(transcript) == [
        ("agent", "Hi Agnes, you can download a VAT invoice from My orders."),
        ("customer", "Perfect, found the Download invoice button. No need to reply."),
    ]
    assert transcript.turns[1].speaker == "Agnes Thornbury"


def test_a_chat_under_a_title_line_with_a_date() -> None:
    transcript = parse(
        "Web chat transcript · 10 Nov 2026\n"
        "Guest 4821: how much is next day delivery\n"
        "Jas (Larkfield): Hi! Next-day is £5.95 if you order before 2pm.\n"
        "Guest 4821: ah ok cool. cheers\n"
    )
    assert [(t.role, t.speaker) for t in transcript.turns] == [
        ("customer", "Guest 4821"),
        ("agent", "Jas"),
        ("customer", "Guest 4821"),
    ]


def test_a_tickets_fields_and_a_chat_apps_title_are_not_the_message() -> None:
    ticket = parse(
        "Ticket #40917 — two orders\n"
        "Requester: Gwen Pritchard <gwenp@example.org>\n"
        "Status: Open · Priority: Normal\n"
        "\n"
        "Hello there, my order 618051 still says processing.\n"
    )
    assert roles_and_texts(ticket) == [
        ("customer", "Hello there, my order 618051 still says processing.")
    ]
    chat = parse(
        "WhatsApp Chat with Larkfield Care\n"
        "[22/11/2026, 10:04] Larkfield Care: We've processed the refund today.\n"
        "[27/11/2026, 18:31] Grace: it's landed, thanks\n"
    )
    assert [t.role for t in chat.turns] == ["agent", "customer"]


def test_a_tickets_fields_above_a_single_message_are_no_chat_labels() -> None:
    ticket = parse(
        "Ticket #30418  ·  Web form  ·  Priority: Normal\n"
        "Requester: Gordon Pryce <gpryce54@example.com>\n"
        "Subject: Christmas presents - returns after xmas?\n"
        "\n"
        "Gordon Pryce — 4 Dec 2026 11:02\n"
        "Good morning. Can she still return the lamp in the new year?\n"
    )
    assert roles_and_texts(ticket) == [
        ("customer", "Good morning. Can she still return the lamp in the new year?")
    ]
    assert ticket.turns[0].speaker == "Gordon Pryce"


def test_a_full_name_after_a_role_label_is_the_other_speaker() -> None:
    transcript = parse(
        "Support (Hannah): Hi Freddie, the extra pending amount is released within 3-5 days.\n"
        "\n"
        "Freddie Lowe: Right, it's now 8 working days. Can you look into it please\n"
        "\n"
        "Order Number: 613058\n"
    )
    assert [(t.role, t.speaker) for t in transcript.turns] == [
        ("agent", "Hannah"),
        ("customer", "Freddie Lowe"),
    ]
    assert "Order Number: 613058" in transcript.turns[-1].text


def test_a_chat_name_that_ends_in_an_emoji() -> None:
    transcript = parse(
        "[22/11/2026, 10:04] Larkfield Care: Hi Grace, we've processed the refund today.\n"
        "[27/11/2026, 18:31] Grace \U0001f338: hiya just to say its landed in my account today\n"
    )
    assert [(t.role, t.speaker) for t in transcript.turns] == [
        ("agent", "Larkfield Care"),
        ("customer", "Grace"),
    ]


@pytest.mark.parametrize(
    "holding",
    [
        "Operatore: Buongiorno Giulia, mi dispiace molto! Controllo subito.",
        "Medewerker: Hallo Sanne, vervelend! Ik kijk even mee.",
        "Agent: Thanks for getting in touch, let me check.",
        # A helpdesk's automatic receipt answers nothing either.
        "Larkfield: Your request (#88213) has been received and one of our team will be in "
        "touch shortly.",
        "Larkfield: Thanks for contacting Larkfield! We've received your message.",
        "Kundenservice: Vielen Dank für Ihre Nachricht! Wir melden uns so schnell wie möglich.",
        # A question that only asks the customer to wait
        "Operatore: Buongiorno, mi dispiace molto! Mi dà un attimo che verifico l'ordine?",
        # ... and a greeting with thanks for waiting
        "Ellis: Hi, thanks for waiting, I'm Ellis. Sorry you're stuck!",
    ],
)
def test_a_holding_line_leaves_the_customers_earlier_turn_open(holding: str) -> None:
    from desktop.drafting.focus import focus_of

    thread = (
        "Customer: the pan arrived today with a bent handle and a dent on the rim\n"
        f"{holding}\n"
        "Customer: thanks, what should I do?\n"
    )
    assert "bent handle" in focus_of(parse(thread)).open_text


def test_a_customers_own_business_mailbox_is_the_customer() -> None:
    # hello@ and info@ are a small business's addresses as often as a shop's.
    transcript = parse(
        "From: Bella Marquez <hello@bellamarquezhome.example>\n"
        "Date: Mon, 3 Jun 2024 22:19\n"
        "Subject: Collab?\n"
        "\n"
        "Hi lovely team! Would you be open to a paid collaboration?\n"
    )
    assert [role for role, _ in roles_and_texts(transcript)] == ["customer"]


def test_the_signature_block_under_the_name_is_not_the_message() -> None:
    transcript = parse(
        "Good morning,\n"
        "\n"
        "Our finance team needs a VAT invoice addressed to the company. Could you arrange this?\n"
        "\n"
        "Kind regards,\n"
        "\n"
        "Margaret Hollis\n"
        "Office Manager | Brackwater Architects Ltd\n"
        "T: 0117 496 0321\n"
    )
    text = transcript.turns[-1].text
    assert text.endswith("Margaret Hollis") and "Manager" not in text
    # A P.S. after the signature is still the customer's.
    with_ps = parse("Thanks,\nJo\nOffice Manager\nP.S. can you also send the invoice?\n")
    assert with_ps.turns[-1].text.endswith("P.S. can you also send the invoice?")
    assert "Office Manager" not in with_ps.turns[-1].text


def test_a_chat_label_with_the_time_before_the_colon() -> None:
    transcript = parse(
        "Visitor 12:31: how much is next day delivery?\n"
        "Ollie (Larkfield) 12:32: Hi! It's £5.95 before 2pm.\n"
        "Visitor 12:33: ok great thats all i needed cheers\n"
    )
    assert [role for role, _ in roles_and_texts(transcript)] == ["customer", "agent", "customer"]
    assert transcript.turns[-1].text == "ok great thats all i needed cheers"


def test_replied_by_exports_with_separator_lines() -> None:
    transcript = parse(
        "Ticket #88602 · Locked out\n"
        "----\n"
        "Replied by: Callum Reyes (callum@example.com) on Wed, 2 Dec 2026 at 08:12 PM\n"
        "It says my account is locked.\n"
        "----\n"
        "Replied by: Larkfield Support on Wed, 2 Dec 2026 at 08:20 PM\n"
        "Hi Callum, resetting your password unlocks it straight away.\n"
        "----\n"
        "Replied by: Callum Reyes on Thu, 3 Dec 2026 at 07:36 AM\n"
        "My order still says processing. Will it go out today?\n"
    )
    assert roles_and_texts(transcript) == [
        ("customer", "It says my account is locked."),
        ("agent", "Hi Callum, resetting your password unlocks it straight away."),
        ("customer", "My order still says processing. Will it go out today?"),
    ]


def test_a_thanks_line_inside_a_message_is_no_signature() -> None:
    # Only a name under a sign-off opens a signature block: what follows "Thanks" here is
    # the customer's request, and nothing of it is dropped.
    transcript = parse("Customer: Hi,\nThanks\nCan you cancel order 48123?\nAlso my refund?")
    assert transcript.turns[-1].text.endswith("Also my refund?")


def test_an_export_with_the_teams_message_above_the_customers_reply() -> None:
    # Oldest first, each message under its own header: the customer's reply thanks the
    # team's signer by name, so it answers the message above it.
    transcript = parse(
        "Hi Dana,\n\nI've now moved your order 551208 to next Tuesday.\n\nBest,\nMarek\n"
        "Oakridge Customer Care\n\n---\n\nFrom: Dana Holt <dana.holt@example.com>\n"
        "Sent: 02 March 2026 10:15\nSubject: Re: Delivery day\n\n"
        "Thanks Marek, that's perfect. Will I get a new tracking email?\n\nDana"
    )
    assert [t.role for t in transcript.turns] == ["agent", "customer"]
    assert transcript.turns[-1].text.startswith("Thanks Marek")


def test_a_reply_on_top_of_the_teams_mail_stays_newest() -> None:
    # The usual order: the customer's reply on top, quoting the team's mail below.
    transcript = parse(
        "Thanks Marek, will I get a new tracking email?\n\nDana\n\n"
        "From: Oakridge Customer Care <care@oakridge.example>\nSent: 02 March 2026 09:40\n"
        "Subject: Delivery day\n\nHi Dana, I've moved your order to next Tuesday.\n\nBest,\n"
        "Marek\nOakridge Customer Care"
    )
    assert [t.role for t in transcript.turns] == ["agent", "customer"]
    assert transcript.turns[-1].text.startswith("Thanks Marek")


def test_quoted_text_under_a_customers_mail_is_the_teams() -> None:
    transcript = parse(
        "From: Ray Gill <ray.gill@example.net>\nDate: Fri, 4 Dec 2026 09:00\n"
        "To: Oakridge Support <support@oakridge.example>\nSubject: Re: Your refund\n\n"
        "Dear Ana,\n\nThe money is back in my account. Many thanks.\n\nRay\n\n"
        "> Hi Ray, I've refunded the £30 today. Ana"
    )
    assert [t.role for t in transcript.turns] == ["agent", "customer"]


def test_social_media_handles_label_a_chat() -> None:
    transcript = parse(
        "Instagram · Direct messages · @oakridge.home\n\n"
        "@OakridgeHelp: Hi Sam, I've resent the receipt to your email.\n"
        "sam_k.88: got it thanks"
    )
    assert roles_and_texts(transcript) == [
        ("agent", "Hi Sam, I've resent the receipt to your email."),
        ("customer", "got it thanks"),
    ]
    # An address or a sentence with a colon is no handle.
    assert len(parse("see www.oakridge.example: it lists the stores").turns) == 1


def test_a_newest_first_export_with_dashed_headers_reads_oldest_first() -> None:
    transcript = parse(
        "Ticket #5512 | Subject: Refund | Status: Pending\n\n"
        "--- Customer replied · Ana Ruiz (ana.ruiz@example.com) · Thu, 3 Dec 2026 at 9:10 AM ---\n"
        "It's in my account now, thanks.\n\n"
        "--- Reply from Tom (Agent) · Mon, 30 Nov 2026 at 4:00 PM ---\n"
        "Hi Ana, I've processed the refund today.\n\n"
        "--- Ana Ruiz · Sun, 29 Nov 2026 at 11:45 AM ---\n"
        "When will I get my refund for order 7781?"
    )
    assert roles_and_texts(transcript) == [
        ("customer", "When will I get my refund for order 7781?"),
        ("agent", "Hi Ana, I've processed the refund today."),
        ("customer", "It's in my account now, thanks."),
    ]


def test_a_transcripts_roster_and_title_are_not_messages() -> None:
    transcript = parse(
        "Chat transcript - oakridge.example/help - 04/12/2026\n"
        "Agent: Mira   Visitor: Joe Bloggs\n\n"
        "09:31 Visitor: my code never arrives\n"
        "09:33 Mira: Hi Joe! Try the backup code link under the box.\n"
    )
    assert [t.role for t in transcript.turns] == ["customer", "agent"]
    assert transcript.turns[0].text == "my code never arrives"


def test_a_chat_label_with_the_team_before_the_name() -> None:
    transcript = parse(
        "[11:20] Chidi Okafor: hi, can you change the address on my order?\n"
        "[11:25] Oakridge - Hannah: That's all switched over now.\n"
        "[11:26] Chidi Okafor: amazing, thanks"
    )
    assert [(t.role, t.speaker) for t in transcript.turns] == [
        ("customer", "Chidi Okafor"),
        ("agent", "Hannah"),
        ("customer", "Chidi Okafor"),
    ]


def test_a_ticket_view_with_fields_and_an_internal_note_above_its_messages() -> None:
    transcript = parse(
        "Ticket #204288 · change address\n"
        "Status: Open · Requester: Abe Tes · Order #A-59702 (Not yet packed) · Est. delivery Mon 7 "
        "Dec\n"
        "Internal note (Grace): OMS updated - ship-to now Flat 2, 17 Marlow Road.\n"
        "\n"
        "Abe Tes - 4 Dec, 13:05\n"
        "Hi, I put my old address on order A-59702 by mistake.\n"
        "\n"
        "Grace (Oakridge) - 4 Dec, 13:22\n"
        "Hi Abe, I've changed the delivery address on A-59702.\n"
    )
    assert [(t.role, t.speaker) for t in transcript.turns] == [
        ("customer", "Abe Tes"),
        ("agent", "Grace"),
    ]


def test_the_name_the_agent_greets_is_the_customer() -> None:
    transcript = parse(
        "Larkbot: Hi! What can I help you with today?\n"
        "Visitor: replacement for my grinder\n"
        "Jae-won (Oakridge): Hi Malik, I've just arranged a replacement for you.\n"
        "Malik: so it's actually been sent?"
    )
    assert [t.role for t in transcript.turns] == ["agent", "customer", "agent", "customer"]


def test_a_long_ticket_subject_line_above_dashed_headers() -> None:
    transcript = parse(
        "Helpdesk Ticket #318802 | Subject: Kettle lid does not close properly | Requester: "
        "Marta Kowalczyk (marta.k@example.pl)\n"
        "\n"
        "--- Marta Kowalczyk · Tue, 1 Dec 2026 at 9:02 AM ---\n"
        "Hello, the lid of my kettle does not close, order #60211.\n"
        "\n"
        "--- Reply from Ola (Agent) · Tue, 1 Dec 2026 at 10:15 AM ---\n"
        "Hi Marta, sorry! Could you send a photo of the lid?\n"
        "\n"
        "--- Marta Kowalczyk · Tue, 1 Dec 2026 at 10:40 AM ---\n"
        "Photo attached. Also, can I get a VAT invoice?\n"
    )
    assert [t.role for t in transcript.turns] == ["customer", "agent", "customer"]
    assert transcript.turns[-1].text.startswith("Photo attached")


def test_wrote_and_replied_lines_with_the_date_in_brackets() -> None:
    transcript = parse(
        "Anna Berg wrote (2 Mar 2026, 08:10):\n"
        "hi, my grinder makes a rattling noise\n"
        "\n"
        "Sam at Larkfield replied (2 Mar 2026, 09:40):\n"
        "Hi Anna, sorry to hear that. Could you send a short video?\n"
        "\n"
        "Anna Berg wrote (2 Mar 2026, 10:02):\n"
        "sent it just now. also can I change my delivery address for the next order?\n"
    )
    assert [(t.role, t.speaker) for t in transcript.turns] == [
        ("customer", "Anna Berg"),
        ("agent", "Sam at Larkfield"),
        ("customer", "Anna Berg"),
    ]
