"""Raw llama.cpp, for the benchmark: the model read and decoded with no app code at all."""

from __future__ import annotations

import ctypes
import time
from collections.abc import Sequence

import llama_cpp

from desktop.engine.llama.engine import LlamaEngine
from desktop.engine.llama.shims import sampler_chain
from desktop.engine.timings import RawTimings
from desktop.engine.types import GenerationParams
from desktop.errors import EngineError


def raw_timings(
    engine: LlamaEngine,
    prompt: Sequence[int],
    decode_tokens: int,
    threads: tuple[int, int] | None = None,
    sampling: GenerationParams | None = None,
) -> RawTimings:
    """Read `prompt` and decode `decode_tokens` in a tight loop over llama.cpp's C API.

    No app code and no llama-cpp-python Python layer: a fresh context on the engine's own
    weights with the engine's own context settings (threads, batch), so the comparison is
    like for like. End-of-text is ignored, so exactly `decode_tokens` are decoded.
    `threads` (decode, prompt) overrides the engine's thread counts, to compare settings.
    `sampling`: llama.cpp's own sampler chain with the app's settings (what `stream` asks
    llama-cpp-python for: penalties, top-k, top-p, min-p, temperature); without it, greedy.
    """
    llm = engine._llm
    params = llama_cpp.llama_context_params.from_buffer_copy(llm.context_params)
    params.n_ctx = max(params.n_ctx, len(prompt) + decode_tokens + 1)
    if threads is not None:
        params.n_threads, params.n_threads_batch = threads
    ctx = llama_cpp.llama_init_from_model(llm.model, params)
    if not ctx:
        raise EngineError("llama.cpp could not create a context for the raw benchmark")
    sampler = sampler_chain(llm, sampling)
    one = (llama_cpp.llama_token * 1)()
    try:
        # As LlamaEngine._warm_up does: the first decode of a context pays one-time costs.
        one[0] = prompt[0]
        llama_cpp.llama_decode(ctx, llama_cpp.llama_batch_get_one(one, 1))
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(ctx), True)
        ids = (llama_cpp.llama_token * len(prompt))(*prompt)
        step = llm.n_batch
        started = time.perf_counter()
        for start in range(0, len(prompt), step):
            chunk = ctypes.cast(
                ctypes.byref(ids, start * ctypes.sizeof(llama_cpp.llama_token)),
                ctypes.POINTER(llama_cpp.llama_token),
            )
            batch = llama_cpp.llama_batch_get_one(chunk, min(step, len(prompt) - start))
            if llama_cpp.llama_decode(ctx, batch) != 0:
                raise EngineError("llama_decode failed reading the prompt")
        one[0] = llama_cpp.llama_sampler_sample(sampler, ctx, -1)
        prompt_s = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(decode_tokens):
            if llama_cpp.llama_decode(ctx, llama_cpp.llama_batch_get_one(one, 1)) != 0:
                raise EngineError("llama_decode failed while decoding")
            one[0] = llama_cpp.llama_sampler_sample(sampler, ctx, -1)
        decode_s = time.perf_counter() - started
    finally:
        llama_cpp.llama_sampler_free(sampler)
        llama_cpp.llama_free(ctx)
    return RawTimings(len(prompt), prompt_s, decode_tokens, decode_s)
