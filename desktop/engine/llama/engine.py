"""LlamaEngine: a local GGUF model through llama-cpp-python, streaming drafts token by token."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import llama_cpp

from desktop import paths
from desktop.engine import control_tokens
from desktop.engine.chat_template import ChatTemplate, Formatted, TemplateRefusedError
from desktop.engine.llama.backend import load_cpu_backend
from desktop.engine.llama.shims import (
    ProgressLlama,
    compiled_grammar,
    control_token_pattern,
    load_state,
    progress_hook,
    resize_context,
    save_state,
)
from desktop.engine.model_file import check_gguf
from desktop.engine.state_cache import (
    MIN_KEPT_TOKENS,
    STATE_CACHE_BYTES,
    StateCache,
    shared_length,
)
from desktop.engine.timings import StreamStats
from desktop.engine.types import GenerationParams, Message, ModelInfo
from desktop.errors import EngineError, LoadCancelledError, ModelError

logger = logging.getLogger(__name__)


# Used only when a GGUF carries no chat template of its own.
_CHATML_FALLBACK = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


# llama.cpp allocates (and clears) every KV cell up front: ~22 KB a cell for the default model.
# The app's free-mode prompts run to ~800 tokens plus a 256-token reply (dev set, 270 cases);
# a longer conversation grows the context when it comes.
INITIAL_CONTEXT_TOKENS = 2048
PREWARM_STEP = 48  # prompt tokens a read-ahead step reads: ~0.1 s on 2 cores


class LlamaEngine:
    """Owns one `llama_cpp.Llama`; create and use it on a single thread."""

    def __init__(
        self,
        model_path: Path,
        context_tokens: int = 4096,
        threads: int = 0,
        cpu_variant: str = "",
        *,
        threads_batch: int = 0,
        batch_tokens: int = 512,
        gpu_layers: int = 0,
        progress: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
        state_cache_bytes: int = STATE_CACHE_BYTES,
        initial_context_tokens: int = INITIAL_CONTEXT_TOKENS,
    ) -> None:
        """Load `model_path` (slow: seconds for a large model; call it off the GUI thread).

        `progress(fraction)` is called from llama.cpp while the weights load; setting `cancel`
        aborts the load at its next progress step and raises LoadCancelledError.
        `state_cache_bytes` bounds the KV states kept per grounding (0: keep none).
        `context_tokens` is the most a prompt and its reply may use; llama.cpp's KV cache starts
        at `initial_context_tokens` (its cells are allocated whole) and doubles up to it when a
        request needs more.
        """
        check_gguf(model_path)
        default = paths.default_model_path()
        backend = load_cpu_backend(default if default.is_file() else model_path, cpu_variant)
        started = time.perf_counter()
        guarded = backend.guard.loading() if backend.guard else contextlib.nullcontext()
        with guarded:
            try:
                self._llm = ProgressLlama(
                    model_path=str(model_path),
                    n_ctx=min(context_tokens, initial_context_tokens or context_tokens),
                    n_threads=threads or max(1, (os.cpu_count() or 2)),
                    n_threads_batch=threads_batch or None,
                    n_batch=batch_tokens,
                    n_gpu_layers=gpu_layers if llama_cpp.llama_supports_gpu_offload() else 0,
                    verbose=False,
                    on_progress=progress_hook(progress, cancel),
                )
            except (ValueError, RuntimeError, OSError) as exc:
                if cancel is not None and cancel.is_set():
                    raise LoadCancelledError(f"Loading {model_path.name} was cancelled.") from exc
                raise ModelError(
                    f"llama.cpp could not load {model_path.name}: {exc}. The file may be "
                    "damaged, truncated, or of an architecture this llama.cpp version does "
                    "not support."
                ) from exc
            self._warm_up()
        self._states = StateCache(state_cache_bytes)
        self.last_stream = StreamStats()
        self._partial: tuple[int, ...] = ()  # the read-ahead's progress, kept between steps
        metadata = self._llm.full_metadata
        template = metadata.get("tokenizer.chat_template")
        self._eos = self._token_text(self._llm.token_eos())
        self._bos = self._token_text(self._llm.token_bos())
        self._formatter, template_notice = self._own_template(template, model_path.name)
        self._control = control_token_pattern(self._llm)
        chat_format = "gguf-template" if template and not template_notice else "chatml-fallback"
        logger.info("loaded %s with chat format %s", model_path.name, chat_format)
        self._info = ModelInfo(
            path=model_path,
            # The file name is what the user picked; general.name is often opaque.
            name=model_path.stem,
            chat_format=chat_format,
            context_tokens=max(context_tokens, self._llm.n_ctx()),
            trained_context_tokens=self._llm._model.n_ctx_train(),  # no public accessor in 0.3.x
            size_bytes=model_path.stat().st_size,
            load_seconds=time.perf_counter() - started,
            cpu_variant=backend.variant,
            cpu_variant_reason=backend.reason,
            notice=". ".join(n for n in (backend.notice, template_notice) if n),
        )

    def _fallback_template(self) -> ChatTemplate:
        return ChatTemplate(_CHATML_FALLBACK, self._eos, self._bos)

    def _own_template(self, template: str | None, name: str) -> tuple[ChatTemplate, str]:
        """The GGUF's chat template if it compiles and renders a sample in budget, else ours.

        The template is the file author's code: a sandbox escape, an endless loop or a huge
        string falls back to the built-in template with one line saying so (issue 22).
        """
        if not template:
            return self._fallback_template(), ""
        sample = [
            {"role": "system", "content": "You are a support agent."},
            {"role": "user", "content": "Hello"},
        ]
        try:
            own = ChatTemplate(template, self._eos, self._bos)
            own(sample)
        except TemplateRefusedError as exc:
            notice = f"{name}'s chat template was refused ({exc}); using the built-in template"
            logger.warning("%s", notice)
            return self._fallback_template(), notice
        return own, ""

    def _format(self, messages: Sequence[dict[str, Any]]) -> Formatted:
        """The prompt text; a template that fails on these messages is replaced for good."""
        try:
            return self._formatter(messages)
        except TemplateRefusedError as exc:
            notice = f"the chat template was refused ({exc}); using the built-in template"
            logger.warning("%s", notice)
            self._formatter = self._fallback_template()
            self._info = replace(self._info, chat_format="chatml-fallback", notice=notice)
            return self._formatter(messages)

    def _warm_up(self) -> None:
        """Decode a token now, inside the crash guard.

        It runs the CPU kernels while a crash can still be traced to the variant, and pages in
        the weights, so the first draft does not pay for that.
        """
        tokens = self._llm.tokenize(b"Hello", add_bos=True, special=False)
        self._llm.eval(tokens[:2])
        self._llm.reset()  # type: ignore[no-untyped-call]

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self._llm.detokenize([token], special=True).decode("utf-8", errors="ignore")

    @property
    def info(self) -> ModelInfo:
        return self._info

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _prompt(self, messages: Sequence[Message]) -> tuple[list[int], list[str]]:
        # A final assistant message is text the reply must continue (the Engine contract):
        # the template opens the assistant's turn, and that text follows it unclosed.
        prefix = ""
        if messages and messages[-1].role == "assistant":
            prefix, messages = messages[-1].content, messages[:-1]
        # Message text is data: only the template's own markers may become control tokens.
        safe = [
            {**m.as_dict(), "content": control_tokens.defuse(m.content, self._control)}
            for m in messages
        ]
        formatted = self._format(safe)
        tokens = self._llm.tokenize(
            (formatted.prompt + control_tokens.defuse(prefix, self._control)).encode("utf-8"),
            add_bos=not formatted.added_special,
            special=True,
        )
        return tokens, [s for s in formatted.stop if s]

    def count_prompt_tokens(self, messages: Sequence[Message]) -> int:
        return len(self._prompt(messages)[0])

    def prompt_token_ids(self, messages: Sequence[Message]) -> list[int]:
        """The exact tokens `stream` feeds llama.cpp for `messages` (the benchmark reads them)."""
        return self._prompt(messages)[0]

    @property
    def state_cache(self) -> StateCache:
        return self._states

    # --- keeping what was read: the KV state of the system message (instructions + grounding)
    def _grounding_tokens(self, messages: Sequence[Message], tokens: list[int]) -> int:
        """How many leading `tokens` are the system message: the part conversations share.

        The chat template is applied to the system message alone; where its text stops
        agreeing with the whole prompt's (the next turn's role) is the boundary. 0 when there
        is no system message followed by anything.
        """
        if len(messages) < 2 or messages[0].role != "system":
            return 0
        whole = self._format([dict(m.as_dict()) for m in messages]).prompt
        alone = self._format([dict(messages[0].as_dict())]).prompt
        end = next(
            (i for i, (a, b) in enumerate(zip(whole, alone, strict=False)) if a != b),
            min(len(whole), len(alone)),
        )
        head = self._llm.tokenize(whole[:end].encode("utf-8"), add_bos=False, special=True)
        offset = 1 if tokens and head[:1] != tokens[:1] else 0  # a BOS the template lacks
        return shared_length(tokens[offset:], head) + offset

    def _restore_grounding(self, tokens: list[int], length: int) -> None:
        """Before reading `tokens`: have the first `length` of them in llama.cpp's KV cache.

        Already there (Regenerate, the same topic again): nothing to do. Kept from an earlier
        conversation: loaded in milliseconds instead of re-read. Otherwise the grounding is
        read now, on its own, and its state kept for the next conversation on this topic.
        """
        llm = self._llm
        key = tuple(tokens[:length])
        if length < MIN_KEPT_TOKENS or not self._states.capacity_bytes:
            return
        shared = shared_length(llm.input_ids[: llm.n_tokens].tolist(), tokens)
        if shared >= length:
            if key not in self._states:
                self._keep(key)
            return
        kept = self._states.get(key)
        if kept is not None:
            load_state(llm, kept, length)
            return
        shared = self._load_longest_prefix(key, shared)
        llm.n_tokens = shared  # eval() drops the KV cells past this
        llm.eval(tokens[shared:length])
        self._keep(key)

    def _load_longest_prefix(self, key: tuple[int, ...], shared: int) -> int:
        """Load the kept state sharing most of `key`, if it beats the `shared` tokens in place.

        Returns how many tokens of `key` llama.cpp holds now.
        """
        prefix, kept, usable = self._states.longest_prefix(key)
        if kept is None or usable < MIN_KEPT_TOKENS or usable <= shared:
            return shared
        self._states.get(prefix)
        load_state(self._llm, kept, usable)
        return usable

    def prewarm_step(self, messages: Sequence[Message], step_tokens: int = PREWARM_STEP) -> bool:
        """Read up to `step_tokens` more of `messages`' system message; True once it is kept.

        The worker calls this between real requests while the agent is idle, so a draft on a
        familiar topic starts from the kept state. A step is short (~0.1 s here), so a request
        arriving meanwhile waits at most that. What the steps have read so far is kept too (one
        partial state, replaced each step), so a request between two steps costs a reload,
        not a restart.
        """
        tokens = self._prompt(messages)[0]
        length = self._grounding_tokens(messages, tokens)
        key = tuple(tokens[:length])
        if (
            length < MIN_KEPT_TOKENS
            or length >= self._llm.n_ctx()
            or not self._states.capacity_bytes
            or key in self._states
        ):
            return True
        llm = self._llm
        shared = shared_length(llm.input_ids[: llm.n_tokens].tolist(), key)
        shared = self._load_longest_prefix(key, shared)
        end = min(length, shared + step_tokens)
        llm.n_tokens = shared
        if end > shared:
            llm.eval(tokens[shared:end])
        if self._partial:
            self._states.discard(self._partial)
        self._partial = key[:end] if end < length else ()
        self._keep(key[:end])
        return end >= length

    def _keep(self, key: tuple[int, ...]) -> None:
        """Save the context's state under `key`, evicting first so the bound always holds."""
        self._states.room_for(llama_cpp.llama_state_get_size(self._llm.ctx))
        self._states.put(key, save_state(self._llm))

    def stream(
        self, messages: Sequence[Message], params: GenerationParams, cancel: threading.Event
    ) -> Iterator[str]:
        tokens, stop = self._prompt(messages)
        room = self._info.context_tokens - len(tokens)
        if room <= 0:
            raise EngineError(
                f"The prompt ({len(tokens)} tokens) does not fit the model's context "
                f"({self._info.context_tokens}). Shorten the conversation."
            )
        self._make_room(len(tokens) + min(params.max_tokens, room))
        chunks = self._llm.create_completion(
            prompt=tokens,
            grammar=compiled_grammar(params.grammar) if params.grammar else None,
            max_tokens=min(params.max_tokens, room),
            temperature=params.temperature,
            top_p=params.top_p,
            repeat_penalty=params.repeat_penalty,
            seed=params.seed,
            stop=[*stop, *params.stop],
            stream=True,
        )
        iterator = cast(Iterator[dict[str, Any]], chunks)
        # Reading a long prompt can take seconds on a big model; llama.cpp's abort callback lets
        # Stop interrupt it. It is only armed until the first token: it runs on every graph
        # node, and between tokens the cancel check below is enough.
        abort = llama_cpp.ggml_abort_callback(lambda _data: cancel.is_set())
        self._set_abort(abort)
        stats = self.last_stream = StreamStats()
        try:
            self._restore_grounding(tokens, self._grounding_tokens(messages, tokens))
            for chunk in iterator:
                self._set_abort(None)
                if cancel.is_set():
                    break  # leaving the generator stops decoding at this token
                choice = chunk["choices"][0]
                if choice.get("finish_reason") is None:  # one a token; the last one ends it
                    stats.last_at = time.perf_counter()
                    stats.first_at = stats.first_at or stats.last_at
                    stats.tokens += 1
                text = choice.get("text") or ""
                if text:
                    yield text
        except RuntimeError:
            if not cancel.is_set():
                raise
            # llama_decode returned "aborted": Stop arrived while the prompt was being read.
        finally:
            self._set_abort(None)
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    def _make_room(self, needed: int) -> None:
        """Grow llama.cpp's context to hold `needed` tokens (doubling, up to the configured size).

        What the old context had read is lost; the kept grounding states still load.
        """
        size = self._llm.n_ctx()
        if needed <= size:
            return
        while size < needed:
            size *= 2
        size = min(size, self._info.context_tokens)
        logger.info("growing the model's context from %d to %d tokens", self._llm.n_ctx(), size)
        resize_context(self._llm, size)

    @property
    def allocated_context_tokens(self) -> int:
        """The KV cells llama.cpp holds now (at most `info.context_tokens`)."""
        return int(self._llm.n_ctx())

    def _set_abort(self, callback: Any) -> None:
        self._abort = callback  # keep the ctypes callback alive while llama.cpp holds it
        llama_cpp.llama_set_abort_callback(
            self._llm.ctx, callback or llama_cpp.ggml_abort_callback(), None
        )

    def close(self) -> None:
        llm = getattr(self, "_llm", None)
        if llm is not None:
            llm.close()
