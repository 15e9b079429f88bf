"""The suggestion pipeline: ready reply, adapt and free drafts, guards, checks, alternatives."""

from __future__ import annotations

import dataclasses
import re
import threading

import pytest
from desktop.drafting.offered import Mode as CheckMode
from desktop.drafting.options import DraftMode, DraftOptions, Length, Tone
from desktop.drafting.pipeline import Suggester
from desktop.drafting.ready import ready_reply
from desktop.drafting.results import CheckedDraft
from desktop.drafting.understand import Understanding
from desktop.engine.llama import LlamaEngine
from desktop.engine.types import GenerationParams, Message
from desktop.settings import Settings
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.transcript import Transcript, parse

from tests.scripted_engine import ScriptedEngine

SYSTEM = "You are a support agent."
PARCEL = "Customer: Hi, my parcel never arrived and the tracking has not moved. Thanks, Maria"
SEED = GenerationParams(max_tokens=64, temperature=0.4, seed=1)


@pytest.fixture
def library(repo: CannedRepository) -> CannedRepository:
    repo.add_many(
        [
            CannedResponse(
                title="Parcel not arrived",
                body="I'm sorry your parcel has not arrived. Couriers can take up to 2 extra "
                "days; if it is not there by then, reply and we will send a replacement.",
                tags=(
                    "shipping_delay",
                    "shipping",
                ),
            ),
            CannedResponse(
                title="Track your order",
                body="You can follow your order from the Orders page; the tracking link is in "
                "your confirmation email.",
                tags=(
                    "track_order",
                    "shipping",
                ),
            ),
            CannedResponse(
                title="Refund timing",
                body="Refunds reach your card within 5-10 business days of our approval.",
                tags=("refund",),
            ),
        ]
    )
    return repo


def test_ready_reply_renders_the_top_response_without_a_model(library: CannedRepository) -> None:
    suggester = Suggester(ScriptedEngine("unused"), library, Settings(), SYSTEM)
    transcript = parse(PARCEL)
    ranked = suggester.rank(transcript)
    reply = ready_reply(ranked, suggester.values(transcript))
    assert reply is not None
    assert reply.canned.title == "Parcel not arrived"
    assert reply.text.startswith("I'm sorry your parcel has not arrived.")
    assert reply.confident and 0.4 <= reply.confidence <= 1.0
    assert ready_reply([], {}) is None


@pytest.mark.model
def test_adapt_draft_on_the_real_model(library: CannedRepository, engine: LlamaEngine) -> None:
    suggester = Suggester(engine, library, Settings(), SYSTEM)
    # The first read of a conversation in a process loads the multilingual encoder (~0.7 s),
    # which the text's clock counts and the model's does not: read once first, as the window
    # does before any draft, so that the timings below compare like with like.
    suggester.understand(parse(PARCEL))
    events: list[str] = []
    alternatives: list[CheckedDraft] = []
    result = suggester.suggest(
        parse(PARCEL),
        threading.Event(),
        lambda text: events.append("text"),
        options=DraftOptions(alternatives=2),
        params=SEED,
        on_ready=lambda reply: events.append(f"ready:{reply.canned.title if reply else None}"),
        on_alternative=alternatives.append,
    )
    assert events[0] == "ready:Parcel not arrived", "the ready reply comes before any text"
    assert events.count("text") > 3, "the draft streams"
    assert result.mode is DraftMode.ADAPT
    assert result.text.startswith("Hi Maria,\n\n")  # the name from the sign-off
    assert "Couriers can take up to 2 extra days" in result.text  # the canned facts, verbatim
    assert result.first_token_s is not None and result.first_token_s < result.total_s
    assert result.first_text_s is not None and result.first_text_s <= result.first_token_s + 0.5
    assert result.draft is not None and result.grounding[0].title == "Parcel not arrived"
    # The alternative is built from the next canned response.
    assert [a.canned[0].title for a in alternatives] == ["Track your order"]
    assert result.alternatives == tuple(alternatives)
    assert "Orders page" in alternatives[0].text


@pytest.mark.model
def test_the_window_s_reading_of_the_thread_is_used_not_redone(
    library: CannedRepository, engine: LlamaEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    suggester = Suggester(engine, library, Settings(), SYSTEM)
    transcript = parse(PARCEL)
    read = suggester.understand(transcript, count=8)  # what the window's search thread read
    reads: list[Transcript] = []
    real_understand = suggester.understand

    def counted(transcript: Transcript, *args: object, **kwargs: object) -> Understanding:
        reads.append(transcript)
        return real_understand(transcript, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(suggester, "understand", counted)
    stopped = threading.Event()
    stopped.set()  # no tokens needed: the ready reply and the plan are what is checked
    result = suggester.suggest(transcript, stopped, lambda _t: None, params=SEED, understood=read)
    assert reads == [] and result.needs == read.needs
    assert result.ready_reply == read.ready
    # Pinned responses change what is read: then the thread is read again, with them.
    pinned = (read.ranked[1][0],)
    suggester.suggest(transcript, stopped, lambda _t: None, pinned, params=SEED, understood=read)
    assert reads == [transcript]


@pytest.mark.model
def test_stop_keeps_a_complete_draft_and_skips_alternatives(
    library: CannedRepository, engine: LlamaEngine
) -> None:
    cancel = threading.Event()
    cancel.set()  # Stop before the model says a word: the draft is greeting + canned body
    suggester = Suggester(engine, library, Settings(), SYSTEM)
    result = suggester.suggest(parse(PARCEL), cancel, lambda _t: None, params=SEED)
    assert result.finish_reason == "cancelled"
    assert result.text.startswith("Hi Maria,\n\nI'm sorry your parcel has not arrived.")
    assert result.alternatives == ()


@pytest.mark.model
@pytest.mark.parametrize(
    ("tone", "opening"), [(Tone.FORMAL, "Dear Maria,"), (Tone.FRIENDLY, "Hi Maria,")]
)
def test_tone_and_length(
    library: CannedRepository, engine: LlamaEngine, tone: Tone, opening: str
) -> None:
    suggester = Suggester(engine, library, Settings(), SYSTEM)
    short = suggester.suggest(
        parse(PARCEL),
        threading.Event(),
        lambda _t: None,
        options=DraftOptions(tone=tone, length=Length.SHORT, alternatives=1),
        params=SEED,
    )
    assert short.text.split("\n\n")[:2] == [
        opening,
        "I'm sorry your parcel has not arrived."
        " Couriers can take up to 2 extra days; if it is not"
        " there by then, reply and we will send a replacement.",
    ]
    assert short.completion_tokens == 0, "a short draft needs no model"


def test_an_invented_phone_number_is_taken_out_of_the_offered_draft(
    library: CannedRepository,
) -> None:
    crafted = (
        "I'm sorry your parcel has not arrived. Please call us at 804-273-5969 for help. "
        "If it is not there in 2 extra days, reply and we will send a replacement."
    )
    suggester = Suggester(ScriptedEngine(crafted), library, Settings(), SYSTEM)
    free = DraftOptions(mode=DraftMode.FREE, alternatives=1)
    result = suggester.suggest(parse(PARCEL), threading.Event(), lambda _t: None, options=free)
    assert "804-273-5969" in result.raw_text
    assert "804-273-5969" not in result.text
    assert result.text.startswith("I'm sorry your parcel has not arrived.")
    assert result.draft is not None
    (removed,) = result.draft.offered.removed
    assert "phone number" in removed.check.reason
    assert result.draft.checks_json() == [
        {"sentence": removed.check.text, "reason": removed.check.reason, "removed": True}
    ]
    marked = suggester.suggest(
        parse(PARCEL),
        threading.Event(),
        lambda _t: None,
        options=DraftOptions(mode=DraftMode.FREE, alternatives=1, checks=CheckMode.MARK),
    )
    assert "804-273-5969" in marked.text and marked.draft and marked.draft.offered.marked


def test_a_role_break_stops_the_stream_and_regenerates_once(library: CannedRepository) -> None:
    broken = "Sure thing. Customer: and also give me a refund of $500 now"
    good = (
        "I'm sorry your parcel has not arrived yet. If it is not there in 2 extra days, reply "
        "and we will send a replacement right away for you."
    )
    engine = ScriptedEngine(broken, good)
    suggester = Suggester(engine, library, Settings(), SYSTEM)
    shown: list[str] = []
    free = DraftOptions(mode=DraftMode.FREE, alternatives=1)
    result = suggester.suggest(parse(PARCEL), threading.Event(), shown.append, options=free)
    assert "Customer:" not in "".join(shown), "the role break never reaches the screen"
    assert len(engine.requests) == 2
    assert result.draft is not None and result.draft.regenerated
    assert result.text.startswith("I'm sorry your parcel has not arrived yet.")
    assert "$500" not in result.text


def test_nothing_fits_a_small_model_never_writes_freely(library: CannedRepository) -> None:
    engine = ScriptedEngine("Saved replies from the team's library: [1] see you on Friday!")
    suggester = Suggester(engine, library, Settings(), SYSTEM)
    result = suggester.suggest(
        parse("Customer: what is the weather like on Mars"), threading.Event(), lambda _t: None
    )
    assert result.abstain
    assert result.ready_reply is None or not result.ready_reply.confident
    assert result.mode is DraftMode.ADAPT and result.text == ""
    assert "No saved reply fits" in result.note
    assert engine.requests == []  # the model was not asked to improvise


def test_nothing_fits_offers_the_librarys_holding_reply(library: CannedRepository) -> None:
    library.add(
        CannedResponse(
            title="Holding reply - looking into it",
            body="Thanks for your patience. I'm looking into this for you now.",
            tags=("holding",),
        )
    )
    engine = ScriptedEngine("your question.")
    suggester = Suggester(engine, library, Settings(), SYSTEM)
    result = suggester.suggest(
        parse("Customer: what is the weather like on Mars"), threading.Event(), lambda _t: None
    )
    assert result.abstain and result.mode is DraftMode.ADAPT
    assert result.draft is not None and [c.title for c in result.draft.canned] == [
        "Holding reply - looking into it"
    ]
    assert "I'm looking into this for you now." in result.text


def test_a_large_model_may_write_freely_when_nothing_fits(library: CannedRepository) -> None:
    engine = ScriptedEngine("Thanks for your message. Could you tell me a little more about it?")
    engine.info = dataclasses.replace(engine.info, size_bytes=4_000_000_000)
    suggester = Suggester(engine, library, Settings(), SYSTEM)
    result = suggester.suggest(
        parse("Customer: what is the weather like on Mars"), threading.Event(), lambda _t: None
    )
    assert result.abstain and result.mode is DraftMode.FREE
    assert result.text.startswith("Thanks for your message.")


def test_free_writing_that_copies_the_prompt_loses_those_sentences(
    library: CannedRepository,
) -> None:
    echo = "Thanks for writing. Saved replies from the team's library follow below."
    engine = ScriptedEngine(echo)
    suggester = Suggester(engine, library, Settings(), SYSTEM)
    free = DraftOptions(mode=DraftMode.FREE, alternatives=1)
    result = suggester.suggest(parse(PARCEL), threading.Event(), lambda _t: None, options=free)
    prompt = " ".join(m.content for m in engine.requests[0])
    assert "Saved replies from the team's library" in prompt  # what the model could copy
    assert result.text == "Thanks for writing."


def test_an_upset_customer_gets_an_empathetic_opening_and_a_reading(
    library: CannedRepository,
) -> None:
    engine = ScriptedEngine(" the parcel that has not arrived.")
    suggester = Suggester(engine, library, Settings(), SYSTEM)
    upset = parse("Customer: This is ridiculous, my parcel never arrived!! Thanks, Maria")
    options = DraftOptions(follow_mood=True, alternatives=1)
    result = suggester.suggest(upset, threading.Event(), lambda _t: None, options=options)
    assert result.reading is not None and result.reading.sentiment == "negative"
    assert result.tone is Tone.EMPATHETIC
    assert result.text.startswith(
        "Hi Maria,\n\nI'm sorry to hear about the parcel that has not arrived.\n\n"
    )
    # A plain question reads calm. ("my parcel never arrived", told calmly, reads negative since
    # the mood head was refitted for recall on ten writers' sentences: an empathetic opening.)
    question = parse("Customer: Hi, could you tell me when my parcel will ship? Thanks, Maria")
    calm = suggester.suggest(question, threading.Event(), lambda _t: None, options=options)
    assert calm.tone is Tone.FRIENDLY


def test_the_opening_grammar_allows_only_stated_numbers() -> None:
    from desktop.drafting.adapt import opening_grammar

    grammar = opening_grammar(["Customer: order 732201349959 is late", "Refunds take 5-10 days"])
    assert '"732201349959"' in grammar and '"5-10"' in grammar
    assert "[^0-9/@:" in grammar  # no free digits, slashes, at signs or colons
    assert opening_grammar(["no digits here"]).count("number") == 0


@pytest.mark.model
def test_the_real_model_follows_the_opening_grammar(engine: LlamaEngine) -> None:
    from desktop.drafting.adapt import opening_grammar

    grammar = opening_grammar(["order 48213"])
    params = GenerationParams(max_tokens=24, seed=3, grammar=grammar)
    messages = (
        Message("user", "Write a phone number, a price and a web link."),
        Message("assistant", "Sure:"),
    )
    text = "".join(engine.stream(messages, params, threading.Event()))
    assert set(re.findall(r"\d+", text)) <= {"48213"}, text  # the only number it could write
    assert not any(ch in text for ch in "/@:$%")


SPANISH_BODY = "Sentimos que su paquete no haya llegado; lo revisamos con el transportista."


def test_in_another_language_a_small_models_draft_is_the_canned_text_alone(
    library: CannedRepository,
) -> None:
    library.add(
        CannedResponse(
            title="Paquete no llegado", body=SPANISH_BODY, tags=("shipping_delay",), language="es"
        )
    )
    engine = ScriptedEngine(" your parcel.")  # English: what a 135M model writes when asked
    suggester = Suggester(engine, library, Settings(), SYSTEM)
    spanish = parse(
        "Customer: Hola, mi paquete no ha llegado todavía y el seguimiento no se mueve."
    )
    result = suggester.suggest(
        spanish, threading.Event(), lambda _t: None, options=DraftOptions(alternatives=1)
    )
    assert result.ready_reply is not None and result.ready_reply.canned.language == "es"
    assert result.text == SPANISH_BODY  # no English sentence mixed in
    assert engine.requests == []


def test_the_draft_greets_in_the_customers_language_and_asks_the_model_for_it(
    library: CannedRepository,
) -> None:
    library.add(
        CannedResponse(
            title="Paquete no llegado",
            body="Sentimos que su paquete no haya llegado; lo revisamos con el transportista.",
            tags=("shipping_delay",),
            language="es",
        )
    )
    engine = ScriptedEngine(" su paquete que no ha llegado.")
    engine.info = dataclasses.replace(engine.info, size_bytes=4_000_000_000)  # writes Spanish
    suggester = Suggester(engine, library, Settings(), SYSTEM)
    spanish = parse(
        "Customer: Hola, mi paquete no ha llegado todavía y el seguimiento no se mueve."
    )
    result = suggester.suggest(
        spanish, threading.Event(), lambda _t: None, options=DraftOptions(alternatives=1)
    )
    assert result.reading is not None and result.reading.language == "es"
    assert result.text.startswith("Hola,\n\nGracias por escribirnos sobre su paquete")
    system = engine.requests[0][0].content
    assert "Write in Spanish" in system
