"""The draft lifecycle on plain objects: no Qt, no widgets, no thread."""

import dataclasses
import subprocess
import sys
from pathlib import Path

from desktop.drafting.effects import (
    AppendText,
    Ask,
    Cancel,
    ClearDraft,
    CopyText,
    FocusConversation,
    LoadModel,
    Notify,
    SaveSettings,
    SetControls,
    ShowProblem,
    ShowSources,
    UseSettings,
)
from desktop.drafting.events import (
    Alternative,
    Drafted,
    Failed,
    Finished,
    Grounded,
    ReadyReplyFound,
    Rewritten,
    Token,
)
from desktop.drafting.results import FinishReason, SuggestionResult
from desktop.drafting.session import (
    DraftSession,
    EngineState,
)
from desktop.drafting.understand import understand_conversation
from desktop.drafting.versions import DraftStatus
from desktop.engine.types import ModelInfo
from desktop.evaluation.library import memory_repository
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.transcript import parse

CONVERSATION = "Customer (Jane Doe): where is order #48213?\nAgent: checking\nCustomer: thanks"
TRANSCRIPT = parse(CONVERSATION)
REFUND = CannedResponse(id=4, title="Refund", body="Hi {{customer.first_name}}, {{agent.name}}")


def ready(settings: Settings | None = None) -> DraftSession:
    session = DraftSession(settings or Settings())
    session.engine_changed(EngineState.IDLE, model_loaded=True)
    return session


def result(text: str, reason: FinishReason = "stop") -> SuggestionResult:
    return SuggestionResult(text, (REFUND,), 100, 3, 0.1, 0.2, reason)


def test_the_session_needs_no_qt() -> None:
    code = (
        "import sys, desktop.drafting.session; "
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_generate_starts_a_new_numbered_draft() -> None:
    session = ready()
    assert session.generate(TRANSCRIPT) == (ClearDraft(), Ask(TRANSCRIPT, ()))
    first = session.draft
    assert session.generate(TRANSCRIPT) == (ClearDraft(), Ask(TRANSCRIPT, ()))
    second = session.draft
    assert first is not None and second is not None and first is not second
    assert (first.request_id, second.request_id) == (1, 2)


def test_the_window_s_reading_goes_with_a_request_for_the_same_thread() -> None:
    session = ready()
    repo = memory_repository([REFUND, CannedResponse(title="Parcel", body="On its way.")])
    read = understand_conversation(repo, TRANSCRIPT, {})
    session.understood(TRANSCRIPT, read, TRANSCRIPT.to_text())
    assert session.generate(TRANSCRIPT)[-1] == Ask(TRANSCRIPT, (), read)
    other = parse("Customer: a different thread entirely")
    assert session.generate(other)[-1] == Ask(other, (), None)  # read of another thread
    pinned = session.use_canned(REFUND, TRANSCRIPT, TRANSCRIPT.to_text())
    assert pinned[-1] == Ask(TRANSCRIPT, (REFUND,), None)  # pinned: read again with them


def test_generate_is_refused_until_a_model_and_a_conversation_are_there() -> None:
    session = DraftSession(Settings())
    assert session.generate(TRANSCRIPT) == (Notify("The model is not ready yet."),)
    session.engine_changed(EngineState.NO_MODEL, model_loaded=False)
    assert session.generate(TRANSCRIPT) == (
        Notify("No model is loaded: choose one with File > Choose model."),
    )
    session.engine_changed(EngineState.IDLE, model_loaded=True)
    assert session.generate(parse("")) == (
        Notify("Paste the customer's conversation on the left first."),
        FocusConversation(),
    )
    assert session.draft is None


def test_tokens_grounding_and_the_end_build_the_draft() -> None:
    session = ready()
    session.generate(TRANSCRIPT)
    assert session.on_event(Grounded((REFUND,))) == (ShowSources((REFUND,)),)
    assert session.on_event(Token("Hel")) == (AppendText("Hel"),)
    session.on_event(Token("lo"))
    assert session.on_event(Finished(result("Hello"))) == ()
    draft = session.draft
    assert draft is not None
    assert (draft.text, draft.grounding, draft.status) == ("Hello", (REFUND,), DraftStatus.DONE)
    assert draft.result is not None and draft.result.text == "Hello"


def test_the_length_limit_is_reported_and_a_failure_shown() -> None:
    session = ready()
    session.generate(TRANSCRIPT)
    assert session.on_event(Finished(result("Hel", "length"))) == (
        Notify("Draft reached the length limit."),
    )
    session.generate(TRANSCRIPT)
    assert session.on_event(Failed("Generation failed: boom")) == (
        Notify("Generation failed: boom"),
        ShowProblem("Generation failed: boom"),
    )
    assert session.draft is not None and session.draft.status == DraftStatus.FAILED


def test_stop_cancels_only_while_generating() -> None:
    session = ready()
    assert session.stop() == ()
    session.generate(TRANSCRIPT)
    session.engine_changed(EngineState.GENERATING, model_loaded=True)
    assert session.stop() == (Cancel(), Notify("Stopped."))
    session.on_event(Finished(result("Hel", "cancelled")))
    assert session.draft is not None and session.draft.status == DraftStatus.STOPPED


def test_use_for_draft_pins_the_response_and_regenerate_keeps_it() -> None:
    session = ready()
    assert session.use_canned(REFUND, TRANSCRIPT, CONVERSATION) == (
        ClearDraft(),
        Ask(TRANSCRIPT, (REFUND,)),
    )
    assert session.regenerate(TRANSCRIPT) == (ClearDraft(), Ask(TRANSCRIPT, (REFUND,)))
    session.generate(TRANSCRIPT)
    assert session.regenerate(TRANSCRIPT) == (ClearDraft(), Ask(TRANSCRIPT, ()))


def test_without_a_model_the_canned_response_becomes_the_draft() -> None:
    session = DraftSession(Settings(agent_name="Sam Lee"))
    session.engine_changed(EngineState.NO_MODEL, model_loaded=False)
    assert session.use_canned(REFUND, TRANSCRIPT, CONVERSATION) == (
        ClearDraft(),
        AppendText("Hi Jane, Sam Lee"),
        ShowSources((REFUND,)),
    )
    assert session.draft is not None and session.draft.request_id is None


def test_controls_follow_the_engine() -> None:
    session = DraftSession(Settings())
    assert session.controls() == SetControls(can_generate=False, can_stop=False)
    assert session.engine_changed(EngineState.IDLE, model_loaded=True) == (
        SetControls(can_generate=True, can_stop=False),
    )
    assert session.engine_changed(EngineState.GENERATING, model_loaded=True) == (
        SetControls(can_generate=False, can_stop=True),
    )
    assert session.engine_changed(EngineState.LOADING, model_loaded=True) == (
        SetControls(can_generate=False, can_stop=False),
    )


def test_copy_warns_once_about_unfilled_placeholders() -> None:
    session = ready()
    text = "Hi {{customer.first_name}}, done."
    assert session.copy("  ") == (Notify("Nothing to copy yet."),)
    warned = session.copy(text)
    assert len(warned) == 1 and isinstance(warned[0], ShowProblem)
    assert "{{customer.first_name}}" in warned[0].text
    assert session.copy(text) == (
        ShowProblem(""),
        CopyText(text),
        Notify("Reply copied to the clipboard."),
    )
    again = session.copy(text + "!")  # copied once: the next Copy of unfilled text warns afresh
    assert isinstance(again[0], ShowProblem) and again[0].text
    assert session.copy("Hi {{not a placeholder we know}}")[1] == CopyText(
        "Hi {{not a placeholder we know}}"
    )


def test_copying_a_canned_response_fills_what_is_known() -> None:
    session = ready(Settings(agent_name="Sam Lee", company_name="Acme"))
    values = session.placeholder_values(CONVERSATION)
    assert values["agent.first_name"] == "Sam" and values["company.name"] == "Acme"
    assert values["order.id"] == "48213"
    copied, picked, told = session.copy_canned(REFUND, "Customer: hi")
    assert copied == CopyText("Hi {{customer.first_name}}, Sam Lee")
    assert told == Notify("Copied “Refund”. Unfilled: customer.first_name.")
    # The agent's choice for this thread is recorded: the ranking learns from it.
    assert isinstance(picked, RecordFeedback)
    event = picked.event
    assert (event.kind, event.action, list(event.canned_ids)) == ("canned", "copied", [4])
    assert event.conversation == "Customer: hi" and event.copied_text == copied.text


def test_settings_reload_the_model_only_when_they_shape_it() -> None:
    session = ready()
    lighter = Settings(max_tokens=64, agent_name="Sam")
    assert session.apply_settings(lighter) == (SaveSettings(lighter), UseSettings(lighter))
    assert session.settings == lighter
    other = lighter.replace(model_path="/models/other.gguf")
    assert session.apply_settings(other) == (SaveSettings(other), LoadModel(other))
    fewer = other.replace(threads=2)
    assert session.apply_settings(fewer)[1] == LoadModel(fewer)


def test_model_messages() -> None:
    session = DraftSession(Settings())
    info = ModelInfo(Path("m.gguf"), "m", "gguf-template", 2048, 8192, 1, 0.16)
    assert session.model_ready(info) == (ShowProblem(""), Notify("Model loaded in 0.2 s."))
    notice = "llama.cpp's zen4 CPU code crashed last time; using another variant"
    fallback = dataclasses.replace(info, notice=notice)
    assert session.model_ready(fallback)[1] == Notify(f"{notice}. Model loaded in 0.2 s.")
    (banner,) = session.model_failed("The model could not load.")
    assert isinstance(banner, ShowProblem)
    assert banner.text.startswith("The model could not load.\nCanned responses still work")


# --- the ready reply, the checked draft, alternatives, steering, rewrites, feedback -------------
from desktop.drafting import adapt  # noqa: E402
from desktop.drafting.checks import check_draft  # noqa: E402
from desktop.drafting.effects import (  # noqa: E402
    AskRewrite,
    BeginRewrite,
    CountUse,
    Effects,
    FillThenCopy,
    FinishRewrite,
    Mark,
    RecordFeedback,
    RemovedSentence,
    RewriteText,
    ShowAlternatives,
    ShowDraft,
    ShowReadyReply,
)
from desktop.drafting.offered import apply_checks  # noqa: E402
from desktop.drafting.results import CheckedDraft  # noqa: E402
from desktop.drafting.rewrite import Action, Rewrite, finish  # noqa: E402
from desktop.drafting.versions import insert_in_paragraph  # noqa: E402
from desktop.store.feedback import FeedbackEvent  # noqa: E402

TRACK = CannedResponse(
    id=7, title="Tracking", body="You can track order {{order.id}} on the Orders page."
)
ASK = CannedResponse(id=8, title="Ask", body="Please send {{input.photo}} of order {{order.id}}.")
INVENTED = "Please call us at 804-273-5969 for an update."
RAW = (
    "Hi Jane,\n\nThank you for reaching out about your order. "
    f"{INVENTED}\n\nYou can track order 48213 on the Orders page."
)
OFFERED = (
    "Hi Jane,\n\nThank you for reaching out about your order.\n\n"
    "You can track order 48213 on the Orders page."
)
PHONE_REASON = (
    'phone number "804-273-5969" appears in neither the conversation nor the canned responses'
)


def crafted(text: str = RAW, mode: str = "remove", canned: CannedResponse = TRACK) -> CheckedDraft:
    """A draft checked exactly as the pipeline checks one (sources, checks, offered text)."""
    values = placeholder_values()
    sources = adapt.check_sources(TRANSCRIPT, (canned,), values)
    return CheckedDraft(apply_checks(text, check_draft(text, sources), mode), (canned,))


def placeholder_values() -> dict[str, str]:
    return DraftSession(Settings()).placeholder_values(TRANSCRIPT.to_text())


def finished_with(
    session: DraftSession, main: CheckedDraft, *alternatives: CheckedDraft
) -> Effects:
    session.generate(TRANSCRIPT)
    for alternative in alternatives:
        assert (
            session.on_event(Alternative(alternative)) == ()
        )  # still streaming: counted at the end
    done = dataclasses.replace(
        result(main.text), draft=main, first_token_s=0.3, total_s=1.5, raw_text=main.offered.draft
    )
    return session.on_event(Finished(done))


def feedback(effects: tuple[object, ...]) -> list[FeedbackEvent]:
    return [e.event for e in effects if isinstance(e, RecordFeedback)]


def test_the_ready_reply_is_the_top_response_rendered_with_its_confidence() -> None:
    session = ready(Settings(agent_name="Sam"))
    (shown,) = session.ranked(TRANSCRIPT, [(TRACK, 0.8), (REFUND, 0.3)], CONVERSATION)
    assert isinstance(shown, ShowReadyReply) and shown.reply is not None
    assert shown.reply.text == "You can track order 48213 on the Orders page."
    assert shown.reply.confident and shown.reply.confidence == 0.8
    (weak,) = session.ranked(TRANSCRIPT, [(REFUND, 0.1)], CONVERSATION)
    assert isinstance(weak, ShowReadyReply) and weak.reply is not None
    assert not weak.reply.confident  # the panel says "low confidence"
    cleared = session.ranked(parse(""), [], "")  # the agent cleared the conversation
    assert cleared[-1] == ShowReadyReply(None) and session.ready is None
    assert [(e.kind, e.action) for e in feedback(cleared)] == [("ready_reply", "discarded")]


def test_the_model_s_own_ready_reply_replaces_the_shown_one_only_when_it_differs() -> None:
    session = ready()
    (shown,) = session.ranked(TRANSCRIPT, [(TRACK, 0.8)], CONVERSATION)
    assert isinstance(shown, ShowReadyReply) and shown.reply is not None
    session.generate(TRANSCRIPT)
    assert session.on_event(ReadyReplyFound(shown.reply)) == ()  # the same reply: kept
    assert session.on_event(ReadyReplyFound(None)) == ()
    pinned = dataclasses.replace(shown.reply, canned=REFUND, text="Hi, your refund is on its way.")
    assert session.on_event(ReadyReplyFound(pinned)) == (ShowReadyReply(pinned),)
    assert session.ready is not None and session.ready.reply == pinned


def test_copying_the_ready_reply_counts_a_use_and_records_feedback_once() -> None:
    session = ready()
    session.ranked(TRANSCRIPT, [(TRACK, 0.8)], CONVERSATION)
    effects = session.copy_ready()
    text = "You can track order 48213 on the Orders page."
    assert effects[:2] == (CopyText(text), CountUse(TRACK))
    (event,) = feedback(effects)
    assert (event.kind, event.action, event.copied_text, list(event.canned_ids)) == (
        "ready_reply",
        "copied",
        text,
        [7],
    )
    assert feedback(session.copy_ready()) == []  # one row per ready reply


def test_a_ready_reply_with_unknown_placeholders_asks_for_them_before_copying() -> None:
    session = ready()
    session.ranked(TRANSCRIPT, [(ASK, 0.9)], CONVERSATION)
    assert session.copy_ready() == (FillThenCopy(ASK),)
    filled = session.ready_copied("Please send a photo of order 48213.")
    assert filled[0] == CopyText("Please send a photo of order 48213.")


def test_a_replaced_conversation_discards_what_was_not_copied() -> None:
    session = ready()
    session.ranked(TRANSCRIPT, [(TRACK, 0.8)], CONVERSATION)
    grown = parse(CONVERSATION + "\nCustomer: any news?")
    assert feedback(session.ranked(grown, [(TRACK, 0.8)], CONVERSATION)) == []
    finished_with(session, crafted())
    other = parse("Customer: I want to change my password")
    events = feedback(session.ranked(other, [(REFUND, 0.6)], "Customer: password"))
    assert [(e.kind, e.action) for e in events] == [
        ("draft", "discarded"),
        ("ready_reply", "discarded"),
    ]


def test_the_finished_draft_shows_the_offered_text_and_what_was_taken_out() -> None:
    session = ready()
    effects = finished_with(session, crafted())
    assert effects == (
        ShowDraft(OFFERED, (), (RemovedSentence(2, INVENTED, PHONE_REASON),), undoable=False),
        ShowAlternatives(0, 1),
    )
    marked = finished_with(session, crafted(mode="mark"))
    start = RAW.index(INVENTED)
    assert marked[0] == ShowDraft(
        RAW, (Mark(start, start + len(INVENTED), PHONE_REASON),), (), undoable=False
    )


def test_a_stopped_draft_keeps_what_was_written() -> None:
    session = ready()
    session.generate(TRANSCRIPT)
    stopped = dataclasses.replace(result("Hi", "cancelled"), draft=crafted())
    assert session.on_event(Finished(stopped)) == ()


def test_restore_puts_the_sentence_back_marked_as_one_undoable_edit() -> None:
    session = ready()
    finished_with(session, crafted())
    shown, note = session.restore(2, OFFERED)
    start = RAW.index(INVENTED)
    assert shown == ShowDraft(
        RAW, (Mark(start, start + len(INVENTED), PHONE_REASON),), (), undoable=True
    )
    assert isinstance(note, Notify)
    assert session.restore(2, RAW) == ()  # nothing left to restore


def test_restore_after_edits_adds_the_sentence_to_the_end_of_its_paragraph() -> None:
    session = ready()
    finished_with(session, crafted())
    edited = OFFERED.replace("Hi Jane,", "Hello Jane,")
    shown = session.restore(2, edited)[0]
    assert isinstance(shown, ShowDraft) and shown.undoable
    assert shown.text == edited.replace("your order.", f"your order. {INVENTED}")
    assert [shown.text[m.start : m.end] for m in shown.marks] == [INVENTED]
    assert insert_in_paragraph("One.\n\nTwo.", 7, "Three.") == "One.\n\nTwo. Three."


def test_copy_warns_once_while_unsupported_sentences_remain() -> None:
    session = ready()
    finished_with(session, crafted(mode="mark"))
    (warning,) = session.copy(RAW)
    assert isinstance(warning, ShowProblem) and "1 sentence states" in warning.text
    copied = session.copy(RAW)
    assert CopyText(RAW) in copied
    (event,) = feedback(copied)
    assert (event.kind, event.action, event.first_token_s, event.total_s) == (
        "draft",
        "copied",
        0.3,
        1.5,
    )
    # The check runs on the text being copied: with the sentence edited out, no warning.
    assert CopyText(OFFERED) in session.copy(OFFERED)


def test_alternatives_flip_keep_edits_and_copy_as_alternatives() -> None:
    session = ready()
    second = crafted("Hi Jane,\n\nYou can track order 48213 on the Orders page.")
    effects = finished_with(session, crafted(), second)
    assert effects[-1] == ShowAlternatives(0, 2)
    flipped = session.flip(1, OFFERED + " Edited.")
    assert flipped[0] == ShowDraft(second.text, (), (), undoable=False)
    assert flipped[1:] == (ShowAlternatives(1, 2), ShowSources((TRACK,)))
    back = session.flip(1, second.text)
    assert isinstance(back[0], ShowDraft) and back[0].text == OFFERED + " Edited."
    session.flip(-1, back[0].text)
    (event,) = feedback(session.copy(second.text))
    assert event.kind == "alternative"


def test_an_alternative_after_the_first_draft_updates_the_count() -> None:
    session = ready()
    finished_with(session, crafted())
    assert session.on_event(Alternative(crafted(mode="mark"))) == (ShowAlternatives(0, 2),)


def test_a_new_draft_discards_the_uncopied_one() -> None:
    session = ready()
    finished_with(session, crafted())
    started = session.regenerate(TRANSCRIPT)
    assert [(e.kind, e.action) for e in feedback(started)] == [("draft", "discarded")]
    assert started[-2:] == (ClearDraft(), Ask(TRANSCRIPT, ()))


def test_tone_and_length_are_saved_and_regenerate_the_draft() -> None:
    session = ready()
    formal = Settings(tone="formal")
    assert session.set_style(TRANSCRIPT, tone="formal") == (
        SaveSettings(formal),
        UseSettings(formal),
        Notify("The next draft uses it."),
    )
    assert session.set_style(TRANSCRIPT, tone="formal") == ()  # unchanged: nothing to do
    finished_with(session, crafted())
    effects = session.set_style(TRANSCRIPT, length="short")
    short = formal.replace(draft_length="short")
    assert effects[:2] == (SaveSettings(short), UseSettings(short))
    assert effects[-2:] == (ClearDraft(), Ask(TRANSCRIPT, ()))


def test_a_rewrite_streams_in_place_and_ends_in_one_replacement() -> None:
    session = ready()
    finished_with(session, crafted())
    effects = session.rewrite(Action.SHORTEN, "", OFFERED, TRANSCRIPT)
    assert effects[0] == BeginRewrite()
    ask = effects[1]
    assert isinstance(ask, AskRewrite) and ask.text == OFFERED
    assert OFFERED in ask.sources and any("order #48213" in s for s in ask.sources)
    assert session.on_event(Token("Hi")) == (RewriteText("Hi"),)
    new = "Hi Jane, track order 48213 on the Orders page. Or call 555-010-9999."
    done = session.on_event(Rewritten(finish(OFFERED, new, ask.sources)))
    start = new.index("Or call")
    assert done[0] == FinishRewrite(new, (Mark(start, len(new), done[0].marks[0].reason),))  # type: ignore[union-attr]
    assert session.on_event(Token("x")) == (AppendText("x"),)  # the rewrite is over


def test_a_stopped_or_empty_rewrite_puts_the_original_back() -> None:
    session = ready()
    session.rewrite(Action.FIX, "teh text", "Hi, teh text", TRANSCRIPT)
    stopped = Rewrite("teh text", "teh text", (), cancelled=True)
    assert session.on_event(Rewritten(stopped))[0] == FinishRewrite("teh text", ())
    session.rewrite(Action.FIX, "teh text", "Hi, teh text", TRANSCRIPT)
    assert session.on_event(Failed("Rewrite failed: boom"))[0] == FinishRewrite("teh text", ())
    assert session.rewrite(Action.FIX, " ", "", TRANSCRIPT) == (Notify("Nothing to rewrite yet."),)


def test_the_first_draft_is_shown_before_the_alternatives_are_written() -> None:
    session = ready()
    session.generate(TRANSCRIPT)
    main, second = crafted(), crafted("Hi Jane,\n\nYou can track order 48213 on the Orders page.")
    shown = session.on_event(Drafted(main))
    assert isinstance(shown[0], ShowDraft) and shown[0].text == main.text
    assert shown[1] == ShowAlternatives(0, 1)
    assert session.on_event(Alternative(second)) == (
        ShowAlternatives(0, 2),
    )  # counted as it arrives
    done = dataclasses.replace(
        result(main.text), draft=main, alternatives=(second,), raw_text=main.offered.draft
    )
    assert session.on_event(Finished(done)) == (ShowAlternatives(0, 2),)  # nothing shown twice
    assert session.on_event(Drafted(main)) == ()  # late or repeated: ignored


# --- confirmations of actions (issue 20) ----------------------------------------------------------
PLUS_CANCELLED = CannedResponse(
    title="Plus cancelled", body="I have cancelled your Larkfield Plus membership. No more charges."
)


def test_a_confirmation_nobody_acted_on_is_copied_only_when_asked_twice() -> None:
    session = DraftSession(Settings())
    asked = parse("Customer: please cancel my Larkfield Plus membership")
    (shown,) = session.ranked(asked, [(PLUS_CANCELLED, 0.9)], asked.to_text())
    assert isinstance(shown, ShowReadyReply) and shown.reply is not None
    assert shown.reply.pending and shown.reply.action is not None
    first = session.copy_ready()
    assert not any(isinstance(e, CopyText) for e in first)
    assert first and isinstance(first[0], Notify)
    assert "Cancel the Larkfield Plus membership" in first[0].text
    second = session.copy_ready()
    assert any(isinstance(e, CopyText) for e in second)  # the agent did it and copies


def test_the_confirmation_copies_at_once_after_the_agent_did_it() -> None:
    session = DraftSession(Settings())
    done = parse(
        "Customer: please cancel my Larkfield Plus membership\n"
        "Agent: I've just cancelled your Larkfield Plus membership.\n"
        "Customer: thanks, can you confirm?"
    )
    (shown,) = session.ranked(done, [(PLUS_CANCELLED, 0.9)], done.to_text())
    assert isinstance(shown, ShowReadyReply) and shown.reply is not None
    assert not shown.reply.pending
    assert any(isinstance(e, CopyText) for e in session.copy_ready())


def test_a_copied_ready_reply_carries_its_conversation_for_learning() -> None:
    session = DraftSession(Settings())
    session.ranked(TRANSCRIPT, [(TRACK, 0.8)], CONVERSATION)
    events = feedback(session.copy_ready())
    assert events and events[0].canned_ids == [TRACK.id]
    assert "where is order #48213?" in events[0].conversation  # the store keeps it as an example
