"""The draft lifecycle on plain objects: no Qt, no widgets, no thread."""

import dataclasses
import subprocess
import sys
from pathlib import Path

from desktop.drafting.session import (
    AppendText,
    Ask,
    Cancel,
    ClearDraft,
    CopyText,
    DraftSession,
    DraftStatus,
    EngineState,
    FocusConversation,
    LoadModel,
    Notify,
    SaveSettings,
    SetControls,
    ShowProblem,
    ShowSources,
    UseSettings,
)
from desktop.engine.types import ModelInfo
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.suggest import FinishReason, SuggestionResult
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


def test_generate_starts_a_draft_under_a_new_request_id() -> None:
    session = ready()
    assert session.generate(TRANSCRIPT) == (ClearDraft(), Ask(1, TRANSCRIPT, ()))
    assert session.generate(TRANSCRIPT) == (ClearDraft(), Ask(2, TRANSCRIPT, ()))
    assert session.draft is not None and session.draft.request_id == 2


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
    assert session.grounded([REFUND]) == (ShowSources((REFUND,)),)
    assert session.token("Hel") == (AppendText("Hel"),)
    session.token("lo")
    assert session.finished(result("Hello")) == ()
    draft = session.draft
    assert draft is not None
    assert (draft.text, draft.grounding, draft.status) == ("Hello", (REFUND,), DraftStatus.DONE)
    assert draft.result is not None and draft.result.text == "Hello"


def test_the_length_limit_is_reported_and_a_failure_shown() -> None:
    session = ready()
    session.generate(TRANSCRIPT)
    assert session.finished(result("Hel", "length")) == (Notify("Draft reached the length limit."),)
    session.generate(TRANSCRIPT)
    assert session.failed("Generation failed: boom") == (
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
    session.finished(result("Hel", "cancelled"))
    assert session.draft is not None and session.draft.status == DraftStatus.STOPPED


def test_use_for_draft_pins_the_response_and_regenerate_keeps_it() -> None:
    session = ready()
    assert session.use_canned(REFUND, TRANSCRIPT, CONVERSATION) == (
        ClearDraft(),
        Ask(1, TRANSCRIPT, (REFUND,)),
    )
    assert session.regenerate(TRANSCRIPT) == (ClearDraft(), Ask(2, TRANSCRIPT, (REFUND,)))
    session.generate(TRANSCRIPT)
    assert session.regenerate(TRANSCRIPT) == (ClearDraft(), Ask(4, TRANSCRIPT, ()))


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
    assert session.copy_canned(REFUND, "Customer: hi") == (
        CopyText("Hi {{customer.first_name}}, Sam Lee"),
        Notify("Copied “Refund”. Unfilled: customer.first_name."),
    )


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
