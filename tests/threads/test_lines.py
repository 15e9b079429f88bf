"""Painting the paste by its parse: every pasted line gets the side it was read as."""

from __future__ import annotations

from desktop.threads.lines import line_roles
from desktop.transcript import parse

HELPDESK = (
    "Rebecca Shaw\nMay 20, 08:50\nHi, where is my order?\n\n"
    "Chloe (Support)\nMay 20, 09:00\nChecking now.\n\nChloe\n\n"
    "Rebecca Shaw\nMay 20, 09:30\nThanks"
)
EMAIL = (
    "Thanks, it came.\n\nSent from my iPhone\n\n"
    "On Tue, 11 Jun 2024 at 10:56, Oakridge Support <help@oakridge.example> wrote:\n"
    "> It is on its way.\n>\n"
    "> On Mon, 10 Jun 2024 at 09:00, Jane Doe <jane@example.com> wrote:\n"
    "> > Where is my order?\n"
)


def test_helpdesk_headers_take_the_role_of_their_message() -> None:
    roles = line_roles(HELPDESK, parse(HELPDESK).turns)
    c, a = "customer", "agent"
    assert roles == [c, c, c, None, a, a, a, None, a, None, c, c, c]


def test_newest_first_email_lines_get_their_writers_side() -> None:
    roles = line_roles(EMAIL, parse(EMAIL).turns)
    c, a = "customer", "agent"
    assert roles == [c, None, c, None, a, a, a, c, c, None]


def test_labelled_lines_keep_their_label_role() -> None:
    text = "Zara: hi\nOwen: hello, how can I help?\nZara: my order"
    assert line_roles(text, parse(text).turns) == ["customer", "agent", "customer"]


def test_a_signature_block_takes_the_side_of_the_message_above() -> None:
    text = (
        "Thanks, it came.\n\n"
        "On Tue, 11 Jun 2024 at 10:56, Oakridge Support <help@oakridge.example> wrote:\n"
        "> It is on its way.\n>\n> Kind regards,\n> Sam\n> Oakridge Customer Care\n>\n"
        "> On Mon, 10 Jun 2024 at 09:00, Jane Doe <jane@example.com> wrote:\n"
        "> > Where is my order?\n"
    )
    roles = line_roles(text, parse(text).turns)
    # "Oakridge Customer Care" under "Sam" is the agent's signature, not the customer's
    assert roles[text.split("\n").index("> Oakridge Customer Care")] == "agent"
