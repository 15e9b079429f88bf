import pytest
from desktop.errors import InputError
from desktop.transcript import MAX_CHARS, classify_line, parse


def test_labelled_turns_are_split_by_role() -> None:
    transcript = parse(
        "Customer: Hi, where is my order?\nIt was due Monday.\n"
        "Agent: Let me check.\nCustomer: Thanks"
    )
    assert [(t.role, t.text) for t in transcript.turns] == [
        ("customer", "Hi, where is my order?\nIt was due Monday."),
        ("agent", "Let me check."),
        ("customer", "Thanks"),
    ]


def test_unlabelled_block_is_the_customers_message() -> None:
    transcript = parse("my parcel never arrived and nobody answers my emails")
    assert [t.role for t in transcript.turns] == ["customer"]
    assert (
        transcript.latest_customer_text() == "my parcel never arrived and nobody answers my emails"
    )


@pytest.mark.parametrize(
    ("line", "role"),
    [
        ("Client: hello", "customer"),
        ("[10:32] Customer: hello", "customer"),
        ("10:32 AM - Agent: hi", "agent"),
        ("Jane Doe (customer): hi", "customer"),
        ("Mark (Support): hi", "agent"),
        ("support agent: hello", "agent"),
        ("Note: this is not a label", None),
        ("Order: 1234", None),
    ],
)
def test_label_synonyms(line: str, role: str | None) -> None:
    assert classify_line(line)[0] == role


def test_text_before_the_first_label_belongs_to_the_customer() -> None:
    transcript = parse("Subject: refund\nAgent: Hello!")
    assert [t.role for t in transcript.turns] == ["customer", "agent"]


def test_blank_and_empty_turns_are_dropped() -> None:
    transcript = parse("\n\nCustomer:   \nAgent: hello\n\n")
    assert [(t.role, t.text) for t in transcript.turns] == [("agent", "hello")]
    assert parse("   ").is_empty


def test_binary_input_is_refused_with_a_clear_message() -> None:
    with pytest.raises(InputError, match="binary"):
        parse("PK\x03\x04\x00\x00\x14\x00binary" * 20)


def test_huge_input_keeps_the_newest_part_on_a_line_boundary() -> None:
    text = "".join(f"Customer: message number {i}\n" for i in range(20_000))
    transcript = parse(text)
    assert transcript.truncated
    assert transcript.turns[-1].text == "message number 19999"
    assert all(t.text.startswith("message number") for t in transcript.turns)
    assert sum(len(t.text) for t in transcript.turns) < MAX_CHARS


def test_windows_newlines_and_control_characters_are_cleaned() -> None:
    transcript = parse("Customer: hi\x07 there\r\nAgent: hello\r\n")
    assert [(t.role, t.text) for t in transcript.turns] == [
        ("customer", "hi there"),
        ("agent", "hello"),
    ]
