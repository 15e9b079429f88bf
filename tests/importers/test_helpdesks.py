"""Help-desk importers (Zendesk, Freshdesk, Chatwoot, Intercom, Help Scout) on all samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from desktop.errors import ImportFileError
from desktop.importers import chatwoot, freshdesk, helpscout, intercom, zendesk


def test_zendesk_real_list_skips_macros_without_comment(shared: Path) -> None:
    parsed = zendesk.parse(shared / "zendesk" / "zenpy-macros-list.json")
    assert [r.title for r in parsed.responses] == [
        "Customer not responding",
        "Downgrade and inform",
    ]
    assert parsed.skipped == 5
    first = parsed.responses[0]
    assert first.body.startswith("Hello {{customer.name}}. Our agent {{agent.name}} has tried")
    assert first.source_id == "6130892433178"
    assert parsed.unknown_placeholders == []


def test_zendesk_real_single_macro_envelope(shared: Path) -> None:
    parsed = zendesk.parse(shared / "zendesk" / "go-zendesk-macro.json")
    (macro,) = parsed.responses
    assert macro.title == "Close and redirect to topics"
    assert macro.body.endswith("please visit our forums.")  # trailing space trimmed


def test_zendesk_own_sample_array_value_html_and_categories(data: Path) -> None:
    parsed = zendesk.parse(data / "zendesk-macros.json")
    refund, delay = parsed.responses
    assert (refund.category, refund.title) == ("Billing", "Refund issued")
    assert refund.body.startswith(
        "Hi {{customer.first_name}},\n\nYour refund for ticket {{ticket.id}}"
    )
    assert refund.notes == "Use after the refund is processed"
    assert "{{dc.signature}}" in refund.body  # unknown: kept verbatim...
    assert parsed.unknown_placeholders == ["{{dc.signature}}"]  # ...and reported
    assert delay.active is False
    assert delay.body_html.startswith("<p>Hello")
    assert delay.body == (
        "Hello {{customer.name}},\n\n"
        "Your parcel is delayed. Track it here (https://example.com/track).\n\n- No action needed"
    )
    assert parsed.skipped == 1


def test_freshdesk_real_responses(shared: Path) -> None:
    parsed = freshdesk.parse(shared / "freshdesk" / "nango-freshdesk-folder-responses.json")
    assert [r.body for r in parsed.responses] == ["Test content", "Test content", "Hello World"]
    assert parsed.responses[0].body_html == "<div>Test content</div>"
    assert len({r.source_id for r in parsed.responses}) == 3


def test_freshdesk_folder_list_is_refused_clearly(shared: Path) -> None:
    with pytest.raises(ImportFileError, match="folder list"):
        freshdesk.parse(shared / "freshdesk" / "nango-freshdesk-canned-response-folders.json")


def test_freshdesk_own_folder_sample(data: Path) -> None:
    label, received = freshdesk.parse(data / "freshdesk-folder.json").responses
    assert label.category == received.category == "Returns"
    assert label.shortcode == "return-label"
    assert label.body == "Hi {{customer.first_name}}, here is your return label. {{agent.name}}"
    # Only HTML given: converted to text, entities decoded, the HTML kept.
    assert received.body == "We received your return & will refund it within 5 days.\nThanks!"
    assert "<b>5 days</b>" in received.body_html


def test_chatwoot_real_samples(shared: Path) -> None:
    single = chatwoot.parse(shared / "chatwoot" / "chatwoot-cli-golden-canned-responses-get.json")
    listed = chatwoot.parse(shared / "chatwoot" / "chatwoot-cli-golden-canned-responses-list.json")
    assert [(r.shortcode, r.body) for r in single.responses] == [("bye", "Goodbye!")]
    assert [r.shortcode for r in listed.responses] == ["hi", "bye"]
    assert listed.responses[0].title == "Hello!"


def test_chatwoot_own_sample_maps_contact_and_reports_inbox(data: Path) -> None:
    parsed = chatwoot.parse(data / "chatwoot-canned.json")
    assert parsed.responses[0].body == (
        "Hi {{customer.first_name}}, I'm {{agent.name}}. How can I help?"
    )
    assert parsed.unknown_placeholders == ["{{inbox.name}}"]


def test_intercom_real_samples_prefer_body_text(shared: Path) -> None:
    parsed = intercom.parse(
        shared / "intercom" / "intercom-openapi-2.16-list-macros-basic_list.json"
    )
    order, welcome = parsed.responses
    assert (
        order.body
        == 'Hi {{customer.name|fallback:"there"}}, your order #{{order.id}} is ready for pickup!'
    )
    assert welcome.body == "Welcome to our support! I'm {{agent.name}}. How can I help you today?"
    assert order.body_html.startswith("<p>Hi <attribute")
    single = intercom.parse(
        shared / "intercom" / "intercom-openapi-2.16-get-macro-support_macro.json"
    )
    assert single.responses[0].body.startswith('Hi {{customer.first_name|fallback:"there"}},\n\n')
    assert "{{conversation.custom_attributes.order_number}}" in single.unknown_placeholders


def test_intercom_html_only_uses_attribute_tags(data: Path) -> None:
    (macro,) = intercom.parse(data / "intercom-macro.json").responses
    assert macro.body == (
        'Hi {{customer.first_name|fallback:"there"}},\n\n'
        "Use the link we sent to {{customer.email}} to reset your password.\n\n"
        "I'm {{agent.name}}."
    )


def test_helpscout_saved_reply(data: Path) -> None:
    parsed = helpscout.parse(data / "helpscout-saved-reply.json")
    (reply,) = parsed.responses
    assert reply.body == (
        'Hi {{customer.first_name|fallback:"there"}},\n\nOrders ship within 2 days.\n'
        "{{agent.first_name}}\n{%mailbox.name%}"
    )
    assert parsed.unknown_placeholders == ["{%mailbox.name%}"]
    assert reply.body_html.startswith("Hi {%customer.firstName")


def test_helpscout_list_with_previews_only_warns(tmp_path: Path) -> None:
    path = tmp_path / "replies.json"
    path.write_text(json.dumps([{"id": 1, "name": "Hours", "preview": "We are open 9-5"}]))
    parsed = helpscout.parse(path)
    assert parsed.responses[0].body == "We are open 9-5"
    assert "only a preview" in parsed.warnings[0]


@pytest.mark.parametrize(
    ("module", "content", "message"),
    [
        (zendesk, '{"macros": [{"id": 1, "title": "A", "actions": []}, {"id": 2}]}',
         r"record 2 \('2'\): missing 'title'"),
        (zendesk, '{"macros": [{"title": "A", "actions": "status"}]}',
         r"record 1 \('A'\): 'actions'"),
        (freshdesk, '[{"id": 5, "title": ["x"], "content": "y"}]',
         r"record 1 .*'title' must be text"),
        (chatwoot, '[{"id": 1, "short_code": "a", "content": "b"}, {"id": 9, "content": "c"}]',
         r"record 2 \('9'\): missing 'short_code'"),
        (intercom, '{"type": "list", "data": [{"id": "1", "body_text": "x"}]}',
         r"record 1 .*'name'"),
        (helpscout, '[{"id": 1, "text": "x"}]', r"record 1 .*missing 'name'"),
        (zendesk, '{"macros": [\n{"title": "A",}\n]}', r"line 2: not valid JSON"),
        (chatwoot, '"just a string"', r"expected a list of records"),
    ],
)  # fmt: skip
def test_malformed_files_name_record_and_reason(
    tmp_path: Path, module: object, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ImportFileError, match=message):
        module.parse(path)  # type: ignore[attr-defined]


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('[{"title": "caf\xe9"}]'.encode("latin-1"))
    with pytest.raises(ImportFileError, match="not UTF-8"):
        freshdesk.parse(path)
