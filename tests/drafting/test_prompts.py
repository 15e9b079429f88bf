from collections.abc import Sequence

from desktop.drafting.prompts import build_prompt
from desktop.engine.llama import LlamaEngine
from desktop.engine.types import Message
from desktop.store.canned import CannedResponse
from desktop.transcript import parse

SYSTEM = "You are a support agent."
GROUNDING = (
    CannedResponse(title="Delayed parcel", body="Sorry for the delay. Here is the tracking.", id=1),
    CannedResponse(title="Refund", body="Refunds take 5 days.", id=2),
)


def words(messages: Sequence[Message]) -> int:
    return sum(len(m.content.split()) + 4 for m in messages)


def word_count(text: str) -> int:
    return len(text.split())


def test_everything_fits_when_there_is_room() -> None:
    transcript = parse("Customer: where is my parcel?\nAgent: checking\nCustomer: thanks")
    prompt = build_prompt(SYSTEM, transcript, GROUNDING, words, word_count, budget=1000)
    assert prompt.turns_dropped == 0
    assert prompt.grounding == GROUNDING
    system, user = prompt.messages
    assert "Delayed parcel" in system.content and "Refunds take 5 days." in system.content
    assert user.content.startswith("Conversation:\nCustomer: where is my parcel?")
    assert user.content.rstrip().endswith("Write the agent's next reply to the customer.")


def test_oldest_turns_go_first_and_the_newest_stays() -> None:
    text = "\n".join(f"Customer: old message {i} " + "filler " * 20 for i in range(30))
    transcript = parse(text + "\nCustomer: where is my parcel right now?")
    prompt = build_prompt(SYSTEM, transcript, GROUNDING, words, word_count, budget=150)
    assert prompt.tokens <= 150
    assert prompt.turns_dropped > 0
    assert prompt.messages[1].content.count("where is my parcel right now?") == 1
    assert "old message 0 " not in prompt.messages[1].content


def test_a_single_huge_turn_keeps_its_end() -> None:
    transcript = parse("Customer: " + "blah " * 5000 + "so where is my refund?")
    prompt = build_prompt(SYSTEM, transcript, (), words, word_count, budget=300)
    assert prompt.tokens <= 300
    assert "where is my refund?" in prompt.messages[1].content


def test_trimming_with_the_real_tokenizer(engine: LlamaEngine) -> None:
    turns = "\n".join(
        f"Customer: I wrote before about order {i}, still nothing." for i in range(400)
    )
    transcript = parse(turns + "\nCustomer: please cancel my order today")
    budget = 600
    prompt = build_prompt(
        SYSTEM, transcript, GROUNDING, engine.count_prompt_tokens, engine.count_tokens, budget
    )
    assert prompt.tokens == engine.count_prompt_tokens(prompt.messages)
    assert prompt.tokens <= budget
    assert prompt.turns_kept >= 1
    assert "please cancel my order today" in prompt.messages[1].content
