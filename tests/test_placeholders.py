"""Placeholders: finding, rendering (hostile input too) and values from a conversation."""

from __future__ import annotations

import time

import pytest
from desktop import placeholders
from desktop.placeholders import extract_values, find, names, render
from desktop.transcript import parse


def test_find_reads_names_and_fallbacks() -> None:
    text = 'Hi {{customer.first_name|fallback:"there"}}, I am {{ agent.name }}.'
    found = find(text)
    assert [(p.name, p.fallback) for p in found] == [
        ("customer.first_name", "there"),
        ("agent.name", None),
    ]
    assert text[found[1].start : found[1].end] == "{{ agent.name }}"
    assert names("{{a.b}} {{c}} {{a.b}}") == ["a.b", "c"]


def test_render_fills_values_then_fallbacks_and_reports_the_rest() -> None:
    rendered = render(
        'Hi {{customer.first_name|fallback:"there"}}, order {{order.id}} ({{input.reason}}).',
        {"order.id": "48213", "customer.first_name": ""},
    )
    assert rendered.text == "Hi there, order 48213 ({{input.reason}})."
    assert rendered.unresolved == ("input.reason",)


def test_render_removes_cursor_and_reports_its_offset() -> None:
    rendered = render("Hello {{agent.name}}! {{cursor}}Bye {{cursor}}", {"agent.name": "Ana"})
    assert rendered.text == "Hello Ana! Bye "
    assert rendered.cursor == len("Hello Ana! ")
    assert render("no cursor", {}).cursor is None


def test_values_are_inserted_verbatim_never_rescanned() -> None:
    rendered = render("{{customer.name}}", {"customer.name": "{{agent.name}} {{cursor}}"})
    assert rendered.text == "{{agent.name}} {{cursor}}"
    assert rendered.unresolved == ()


@pytest.mark.parametrize(
    "hostile",
    [
        "{{__import__('os').system('echo hi')}}",
        "{{ {{ }}",
        "{{customer.name",
        "}}{{",
        "{{7*7}}",
        '{{customer.name|fallback:"unterminated}}',
        "{{ config.__class__ }}x",
        "${{customer.name}}",
    ],
)
def test_hostile_templates_are_plain_text(hostile: str) -> None:
    rendered = render(hostile, {"customer.name": "Jane"})
    # Only a well-formed name is ever substituted; everything else stays exactly as written.
    expected = hostile.replace("{{customer.name}}", "Jane")
    assert rendered.text == expected
    assert "49" not in rendered.text


def test_dunder_lookalike_names_are_just_unresolved() -> None:
    assert render("{{__class__}}", {}).unresolved == ("__class__",)


@pytest.mark.parametrize(
    "text",
    [
        "{{" * 200_000,
        '{{a|fallback:"' * 100_000,
        "{{ " + " " * 500_000,
        "{" * 1_000_000 + "}" * 1_000_000,
        "{{" + "a" * 1_000_000 + "}}",
    ],
    ids=["open-braces", "open-fallbacks", "spaces", "braces", "long-name"],
)
def test_huge_hostile_input_renders_in_linear_time(text: str) -> None:
    start = time.perf_counter()
    rendered = render(text, {})
    extract_values(text)
    assert time.perf_counter() - start < 2.0
    assert rendered.text == text


def test_extract_values_from_a_labelled_conversation() -> None:
    conversation = (
        "Customer (Jane Doe): Hi, my order 48213 never arrived. I'm jane.doe@example.com\n"
        "Agent: Sorry! I opened ticket #5521 for you.\n"
        "Customer: Thanks, Jane\n"
    )
    values = extract_values(conversation)
    assert values == {
        "order.id": "48213",
        "ticket.id": "5521",
        "customer.email": "jane.doe@example.com",
        "customer.name": "Jane Doe",
        "customer.first_name": "Jane",
    }


def test_extract_values_sign_off_and_hash_order() -> None:
    values = extract_values("Customer: Where is #77310? It is late.\nThanks,\nMarco")
    assert values["order.id"] == "77310"
    assert values["customer.first_name"] == "Marco"


def test_extract_values_refuses_ambiguous_or_agent_values() -> None:
    values = extract_values(
        "Customer: order 11111 and order 22222 are both late, thanks, please hurry\n"
        "Agent: write to help@shop.example\n"
    )
    assert "order.id" not in values  # two different orders: ask instead of guessing
    assert "customer.email" not in values  # the agent's address is not the customer's
    assert "customer.name" not in values  # "please hurry" is not a name


@pytest.mark.parametrize(
    "conversation",
    [
        "Customer (Jane Doe): Hi, my order 48213 never arrived. I'm jane.doe@example.com\n"
        "Agent: Sorry! I opened ticket #5521 for you.\nCustomer: Thanks, Jane\n",
        "Customer: Where is #77310? It is late.\nThanks,\nMarco",
        "Customer: order 11111 and order 22222 are both late\nAgent: write to help@shop.example",
    ],
)
def test_a_parsed_conversation_gives_the_values_its_text_gives(conversation: str) -> None:
    # The pipeline hands over the thread it parsed: the values the pasted text gives, with
    # nothing parsed a second time (the speakers the parse kept name the customer).
    transcript = parse(conversation)
    assert extract_values(transcript) == extract_values(conversation)
    assert placeholders.values_for(transcript, "Sam Lee") == placeholders.values_for(
        conversation, "Sam Lee"
    )


def test_a_helpdesk_export_names_the_customer_by_their_turns() -> None:
    export = (
        "Marta Lopez\nJun 12, 14:02\nHi, my grinder will not turn. Order A-20331.\n\n"
        "Larkfield Support\nJun 12, 15:10\nSorry! Could you send a short video?\n\n"
        "Marta Lopez\nJun 13, 09:45\nVideo attached."
    )
    values = extract_values(parse(export))
    assert values["customer.name"] == "Marta Lopez" and values["customer.first_name"] == "Marta"
    # An email reply signed with a name alone on its last line.
    reply = "Hi,\n\nYes I got the refund, thanks. Why was I charged for return postage?\n\nTom"
    assert extract_values(parse(reply))["customer.first_name"] == "Tom"
    assert "customer.name" not in extract_values(parse("Customer: late order\nPlease help\nUrgent"))
    # A role or a visitor number names nobody.
    chat = "Visitor 3391: hi, where is my order?\nOwen: checking now"
    assert "customer.name" not in extract_values(parse(chat))


def test_known_names() -> None:
    assert placeholders.is_known("customer.first_name")
    assert placeholders.is_known("input.refund_amount")
    assert not placeholders.is_known("input.")
    assert not placeholders.is_known("dc.signature")
