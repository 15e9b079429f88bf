"""Reading ahead: the default draft's instructions, then the most used responses' grounding."""

import threading

from desktop import prewarm
from desktop.drafting import adapt
from desktop.drafting.options import Tone
from desktop.drafting.pipeline import load_system_prompt
from desktop.engine.llama import LlamaEngine
from desktop.engine.types import GenerationParams
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.transcript import parse

RESPONSES = [
    CannedResponse(title="Track your order", body="Open Orders to see where your parcel is."),
    CannedResponse(title="Refund timing", body="Refunds reach your card within 5 days."),
    CannedResponse(title="Reset password", body="Use the Forgot password link to sign in."),
]


def test_the_most_used_responses_come_after_the_opening(
    engine: LlamaEngine, repo: CannedRepository
) -> None:
    repo.add_many(RESPONSES)
    ids = {c.title: c.id or 0 for c in repo.all()}
    assert prewarm.most_used(repo) == []  # nothing used yet: nothing guessed
    for _ in range(3):
        repo.record_use(ids["Refund timing"])
    repo.record_use(ids["Reset password"])
    assert prewarm.most_used(repo) == [ids["Refund timing"], ids["Reset password"]]

    prompts = prewarm.prompts(engine, repo, load_system_prompt())
    assert [p[0].content for p in prompts[:1]] == [adapt.OPENING_SYSTEM]
    assert "Refund timing" in prompts[1][0].content
    assert "Reset password" in prompts[2][0].content and len(prompts) == 3


def test_each_prompt_read_ahead_is_kept(engine: LlamaEngine, repo: CannedRepository) -> None:
    repo.add_many(RESPONSES)
    repo.record_use(next(c.id or 0 for c in repo.all() if c.title == "Refund timing"))
    engine.state_cache.clear()
    for messages in prewarm.prompts(engine, repo, load_system_prompt()):
        while not engine.prewarm_step(messages):
            pass
    assert len(engine.state_cache) == 2  # the opening and one grounding, nothing partial
    # The next draft in the default mode starts from the kept opening instructions.
    hits = engine.state_cache.hits
    engine._llm.reset()  # the KV cache forgets: the kept state must be loaded
    opening = adapt.opening_messages(
        parse("Customer: where is my refund?"), None, Tone.FRIENDLY, None
    )
    params = GenerationParams(max_tokens=4, seed=1)
    "".join(engine.stream(opening, params, threading.Event()))
    assert engine.state_cache.hits == hits + 1
