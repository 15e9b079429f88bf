"""Rewrites: the prompt, the room given, the cleanup and the checks; one run on the real model."""

import threading

from desktop.drafting import rewrite
from desktop.drafting.rewrite import Action
from desktop.engine.llama import LlamaEngine
from desktop.engine.types import GenerationParams

DRAFT = "Hi Jane,\n\nYou can track order 48213 on the Orders page. It usually updates daily."
SOURCES = ["where is order 48213?", "You can track order {{order.id}} on the Orders page."]


def test_the_prompt_asks_to_keep_every_fact_and_add_none() -> None:
    system, user = rewrite.messages(Action.FORMAL, f"  {DRAFT}\n")
    assert system.role == "system" and user.role == "user"
    assert user.content.startswith(
        "Rewrite the text below to be more formal. Keep every fact, number, link and step; "
        "do not add any."
    )
    assert user.content.endswith(DRAFT)


def test_expanding_gets_twice_the_room_and_every_rewrite_a_low_temperature() -> None:
    base = GenerationParams(max_tokens=256, temperature=0.9, stop=("\n",))
    shorter = rewrite.params(base, Action.SHORTEN, 40)
    longer = rewrite.params(base, Action.EXPAND, 40)
    assert (shorter.max_tokens, longer.max_tokens) == (72, 112)
    assert shorter.temperature == rewrite.TEMPERATURE and shorter.stop == ()


def test_the_models_preamble_and_quotes_are_not_part_of_the_text() -> None:
    done = rewrite.finish("  old text\n", 'Here is the rewritten text:\n"New text."', SOURCES)
    assert done.text == "  New text.\n"  # the original's surrounding whitespace is kept
    assert done.changed and not done.flagged


def test_an_invented_specific_is_flagged_and_the_originals_facts_are_not() -> None:
    streamed = "Track order 48213 on the Orders page, or call 804-273-5969."
    done = rewrite.finish(DRAFT, streamed, SOURCES)
    (flagged,) = done.flagged
    assert "804-273-5969" in flagged.reason
    # "daily" and 48213 are in the original: rewriting them is fine.
    assert not rewrite.finish(DRAFT, "Order 48213 updates daily.", []).flagged


def test_nothing_usable_or_a_stop_keeps_the_original() -> None:
    assert rewrite.finish(DRAFT, "  \n", SOURCES).text == DRAFT
    stopped = rewrite.finish(DRAFT, "Half a rew", SOURCES, cancelled=True)
    assert stopped.cancelled and stopped.text == DRAFT and not stopped.changed


def test_a_rewrite_streams_from_the_real_model(engine: LlamaEngine) -> None:
    pieces: list[str] = []
    done = rewrite.run(
        engine,
        Action.SHORTEN,
        DRAFT,
        GenerationParams(seed=1),
        threading.Event(),
        pieces.append,
        SOURCES,
    )
    assert len(pieces) > 1 and "".join(pieces).strip()
    assert done.original == DRAFT and done.text.strip()
    assert done.checks  # every sentence of the rewrite was checked
    cancel = threading.Event()
    cancel.set()
    stopped = rewrite.run(
        engine, Action.EXPAND, DRAFT, GenerationParams(), cancel, pieces.append, SOURCES
    )
    assert stopped.cancelled and stopped.text == DRAFT
