"""What llama-cpp-python 0.3.x lacks, done through its C bindings.

Load progress and abort, chat templates kept from its own unbudgeted Jinja, KV state saved and
restored without the 100 MB logits copy, a context resized in place, its sampler chain in C
(for the raw benchmark), and grammars compiled once.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import _internals as llama_internals
from llama_cpp.llama_grammar import LlamaGrammar

from desktop.engine import control_tokens
from desktop.engine.state_cache import KeptState
from desktop.engine.types import GenerationParams
from desktop.errors import EngineError

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=16)
def compiled_grammar(text: str) -> LlamaGrammar:
    """Parse a GBNF grammar once: drafts of one conversation share theirs."""
    try:
        return LlamaGrammar.from_string(text, verbose=False)
    except ValueError as exc:
        raise EngineError(f"Invalid sampling grammar: {exc}") from exc


def control_token_pattern(llm: llama_cpp.Llama) -> re.Pattern[str] | None:
    """The text of every control token of the model (`<|im_start|>`, `</s>`, ...), as one pattern.

    See `control_tokens`: message text containing them must not become markup.
    """
    vocab = llm._model.vocab  # no public accessor in 0.3.x
    return control_tokens.pattern(
        llm.detokenize([token], special=True).decode("utf-8", errors="ignore")
        for token in range(llm.n_vocab())
        if llama_cpp.llama_vocab_get_attr(vocab, token) & llama_cpp.LLAMA_TOKEN_ATTR_CONTROL
    )


def progress_hook(
    progress: Callable[[float], None] | None, cancel: threading.Event | None
) -> Callable[[float], bool]:
    def hook(fraction: float) -> bool:
        if progress is not None:
            try:
                progress(fraction)
            except Exception:
                logger.exception("load progress callback failed")
        return not (cancel is not None and cancel.is_set())  # False aborts the load

    return hook


class ProgressLlama(llama_cpp.Llama):
    """A Llama whose load reports progress and can be aborted.

    llama-cpp-python 0.3.x does not expose llama.cpp's `progress_callback`; its __init__
    builds `model_params` and loads the weights right after, so the callback is attached the
    moment those params are assigned.
    """

    def __init__(self, *args: Any, on_progress: Callable[[float], bool], **kwargs: Any) -> None:
        # Kept on the instance: llama.cpp holds only a raw pointer to it while loading.
        self._progress_callback = llama_cpp.llama_progress_callback(
            lambda fraction, _data: on_progress(fraction)
        )
        super().__init__(*args, **kwargs)

    # llama-cpp-python compiles every chat template in the metadata as it loads, in a Jinja
    # environment of its own with no time or size budget: a hostile template hung or allocated
    # 3 GB right there (issue 22). It sees the metadata without them; the engine reads them
    # from `full_metadata` and renders them itself, within a budget (engine/chat_template.py).
    @property
    def metadata(self) -> dict[str, str]:
        return {
            key: value
            for key, value in self._full_metadata.items()
            if not key.startswith("tokenizer.chat_template")
        }

    @metadata.setter
    def metadata(self, value: dict[str, str]) -> None:
        self._full_metadata = value

    @property
    def full_metadata(self) -> dict[str, str]:
        return dict(self._full_metadata)

    @property
    def model_params(self) -> llama_cpp.llama_model_params:
        return self._model_params

    @model_params.setter
    def model_params(self, params: llama_cpp.llama_model_params) -> None:
        params.progress_callback = self._progress_callback
        self._model_params = params


def save_state(llm: llama_cpp.Llama) -> KeptState:
    """The context's state now, KV cells and all.

    Not Llama.save_state: that also copies a 100 MB logits array, and its load_state fails on
    any prompt shorter than the batch. llama.cpp writes straight into the bytearray kept.
    """
    size = llama_cpp.llama_state_get_size(llm.ctx)
    data = bytearray(size)
    view = (ctypes.c_uint8 * size).from_buffer(data)
    written = llama_cpp.llama_state_get_data(llm.ctx, view, size)
    del view  # a bytearray with a live export cannot be resized
    del data[written:]
    tokens = tuple(int(t) for t in llm.input_ids[: llm.n_tokens])
    return KeptState(tokens, data)


def load_state(llm: llama_cpp.Llama, state: KeptState, length: int) -> None:
    """Make `llm` hold the first `length` tokens of `state`, as if it had just read them."""
    size = len(state.data)
    buffer = (
        (ctypes.c_uint8 * size).from_buffer(state.data)
        if isinstance(state.data, bytearray)
        else (ctypes.c_uint8 * size).from_buffer_copy(state.data)
    )
    if llama_cpp.llama_state_set_data(llm.ctx, buffer, size) != size:
        raise EngineError("llama.cpp refused a kept model state")
    llm.input_ids[:length] = state.tokens[:length]
    llm.n_tokens = length
    llm._requires_eval = True  # no logits yet: generate() reads at least one token


def resize_context(llm: llama_cpp.Llama, n_ctx: int) -> None:
    """Give `llm` a fresh llama.cpp context of `n_ctx` cells (its KV cache is allocated whole).

    llama-cpp-python has no resize; the weights stay, the old context (and what it had read)
    goes. The new one is closed with the Llama, before its model.
    """
    params = llama_cpp.llama_context_params.from_buffer_copy(llm.context_params)
    params.n_ctx = n_ctx
    fresh = llama_internals.LlamaContext(model=llm._model, params=params, verbose=False)
    old, llm._ctx = llm._ctx, fresh
    llm._stack.callback(fresh.close)
    old.close()  # type: ignore[no-untyped-call]
    llm.context_params = params
    llm._n_ctx = llm.n_ctx()
    llm.input_ids = np.zeros((llm._n_ctx,), dtype=np.intc)
    llm.n_tokens = 0
    llm._requires_eval = True


def sampler_chain(llm: llama_cpp.Llama, sampling: GenerationParams | None) -> Any:
    """The chain llama-cpp-python builds for `create_completion` (its `_init_sampler`), in C."""
    if sampling is None or sampling.temperature <= 0:
        return llama_cpp.llama_sampler_init_greedy()
    chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
    for sampler in (
        llama_cpp.llama_sampler_init_penalties(
            llm.n_vocab(), llm.last_n_tokens_size, sampling.repeat_penalty, 0.0, 0.0
        ),
        llama_cpp.llama_sampler_init_top_k(40),
        llama_cpp.llama_sampler_init_typical(1.0, 1),
        llama_cpp.llama_sampler_init_top_p(sampling.top_p, 1),
        llama_cpp.llama_sampler_init_min_p(0.05, 1),
        llama_cpp.llama_sampler_init_temp(sampling.temperature),
        llama_cpp.llama_sampler_init_dist(sampling.seed if sampling.seed is not None else 0),
    ):
        llama_cpp.llama_sampler_chain_add(chain, sampler)
    return chain
