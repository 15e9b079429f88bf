"""LlamaEngine: a local GGUF model through llama-cpp-python. The only module that imports it."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import llama_cpp
import numpy as np
from llama_cpp import _internals as llama_internals
from llama_cpp.llama_grammar import LlamaGrammar

from desktop import paths
from desktop.engine import control_tokens, cpu_variants
from desktop.engine.chat_template import ChatTemplate, Formatted, TemplateRefusedError
from desktop.engine.model_file import check_gguf
from desktop.engine.state_cache import (
    MIN_KEPT_TOKENS,
    STATE_CACHE_BYTES,
    KeptState,
    StateCache,
    shared_length,
)
from desktop.engine.timings import RawTimings, StreamStats
from desktop.engine.types import GenerationParams, Message, ModelInfo
from desktop.errors import EngineError, LoadCancelledError, ModelError

logger = logging.getLogger(__name__)

__all__ = [
    "CpuBackend",
    "LlamaEngine",
    "RawTimings",
    "StreamStats",
    "check_gguf",
    "load_cpu_backend",
    "raw_timings",
    "run_cpu_probe",
]

# Used only when a GGUF carries no chat template of its own.
_CHATML_FALLBACK = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


# The name under which libllama loaded ggml, per platform: ctypes then gets that same copy
# (the wheel ships libggml.so and libggml.so.0 as two files, each with its own registry).
_GGML_NAMES = {"linux": "libggml.so.0", "darwin": "libggml.0.dylib", "win32": "ggml.dll"}


@dataclass(frozen=True)
class CpuBackend:
    """The llama.cpp CPU code loaded into this process, and why it was chosen."""

    variant: str
    reason: str
    notice: str = ""
    guard: cpu_variants.RuntimeGuard | None = None


def _backend_dirs() -> list[Path]:
    """Where a GGML_BACKEND_DL build keeps its libggml-cpu-<family> libraries.

    The wheel's top-level bin/ (so site-packages/bin) in development, llama_cpp/lib in the
    packaged app.
    """
    package = Path(llama_cpp.__file__).resolve().parent
    return [package / "lib", package.parent / "bin"]


def _ggml() -> ctypes.CDLL | None:
    name = _GGML_NAMES.get("linux" if sys.platform.startswith("linux") else sys.platform)
    try:
        ggml = ctypes.CDLL(name or "ggml")
    except OSError:
        return None  # no separate ggml library: the CPU code is built in
    ggml.ggml_backend_reg_count.restype = ctypes.c_size_t
    ggml.ggml_backend_load.argtypes = [ctypes.c_char_p]
    ggml.ggml_backend_load.restype = ctypes.c_void_p
    return ggml


def _probe(variant: cpu_variants.Variant, model: Path) -> cpu_variants.ProbeResult:
    return cpu_variants.run_probe(cpu_variants.probe_command(variant.path, model))


_backend_lock = threading.Lock()
_backend: CpuBackend | None = None


def load_cpu_backend(probe_model: Path, forced: str = "") -> CpuBackend:
    """Load llama.cpp's CPU code once per process: the variant this machine was shown to run.

    `probe_model` is the GGUF a probe decodes (the small default model where it exists).
    `forced` (or $AGENT_ASSIST_CPU_VARIANT, which wins) names a variant to use unprobed.
    Raises ModelError when no variant can run, instead of dying from an illegal instruction.
    """
    global _backend
    with _backend_lock:
        if _backend is not None:
            return _backend
        ggml = _ggml()
        if ggml is None or ggml.ggml_backend_reg_count() > 0:
            _backend = CpuBackend("built-in", "llama.cpp was built with its CPU code inside")
            return _backend
        # llama-cpp-python prints llama.cpp's log to stderr unless its logger is quiet; the
        # CLI's output stays clean, and what was chosen goes to our log instead.
        logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)
        variants = cpu_variants.discover(_backend_dirs())
        state_file = cpu_variants.StateFile(paths.cache_dir() / cpu_variants.STATE_FILE)
        choice = cpu_variants.choose(
            variants,
            cpu_variants.probe_machine(),
            state_file,
            build=llama_cpp.__version__,
            probe=functools.partial(_probe, model=probe_model),
            forced=os.environ.get(cpu_variants.OVERRIDE_ENV) or forced or None,
        )
        if not ggml.ggml_backend_load(str(choice.variant.path).encode()):
            raise ModelError(
                f"llama.cpp refused its {choice.variant.name} CPU code on this machine. "
                f"Unset {cpu_variants.OVERRIDE_ENV} (or the cpu_variant setting) to choose "
                "automatically."
            )
        features = llama_cpp.llama_print_system_info().decode(errors="replace").strip()
        logger.info(
            "llama.cpp CPU variant %s (%s); %s", choice.variant.name, choice.reason, features
        )
        guard = (
            cpu_variants.RuntimeGuard(state_file, choice.key, choice.variant.name)
            if choice.key
            else None
        )
        _backend = CpuBackend(choice.variant.name, choice.reason, choice.notice, guard)
        return _backend


def run_cpu_probe(argv: Sequence[str]) -> int:
    """Body of a probe child (`--cpu-probe LIBRARY MODEL`): load one variant, decode for real.

    Exit 0: it ran. EXIT_UNSUPPORTED: llama.cpp's cpuid check refused it. A crash kills only
    this child, which is the point.
    """
    library, model = (Path(a) for a in argv[:2])
    ggml = _ggml()
    if ggml is None:
        return 0
    logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)
    if not ggml.ggml_backend_load(str(library).encode()):
        return cpu_variants.EXIT_UNSUPPORTED
    llm = llama_cpp.Llama(model_path=str(model), n_ctx=256, verbose=False)
    # A batch of prompt tokens and then single-token decodes: the two matmul paths a draft uses.
    tokens = llm.tokenize(b"Hello, I would like to check the status of my order, please.")
    llm.eval(tokens)
    llm.eval([llm.sample()])
    llm.close()
    print(llama_cpp.llama_print_system_info().decode(errors="replace").strip())  # noqa: T201
    return 0


@functools.lru_cache(maxsize=16)
def _compiled_grammar(text: str) -> LlamaGrammar:
    """Parse a GBNF grammar once: drafts of one conversation share theirs."""
    try:
        return LlamaGrammar.from_string(text, verbose=False)
    except ValueError as exc:
        raise EngineError(f"Invalid sampling grammar: {exc}") from exc


def _control_token_pattern(llm: llama_cpp.Llama) -> re.Pattern[str] | None:
    """The text of every control token of the model (`<|im_start|>`, `</s>`, ...), as one pattern.

    See `control_tokens`: message text containing them must not become markup.
    """
    vocab = llm._model.vocab  # no public accessor in 0.3.x
    return control_tokens.pattern(
        llm.detokenize([token], special=True).decode("utf-8", errors="ignore")
        for token in range(llm.n_vocab())
        if llama_cpp.llama_vocab_get_attr(vocab, token) & llama_cpp.LLAMA_TOKEN_ATTR_CONTROL
    )


def _progress_hook(
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


class _ProgressLlama(llama_cpp.Llama):
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


def _save_state(llm: llama_cpp.Llama) -> KeptState:
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


def _load_state(llm: llama_cpp.Llama, state: KeptState, length: int) -> None:
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


def _resize_context(llm: llama_cpp.Llama, n_ctx: int) -> None:
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
                self._llm = _ProgressLlama(
                    model_path=str(model_path),
                    n_ctx=min(context_tokens, initial_context_tokens or context_tokens),
                    n_threads=threads or max(1, (os.cpu_count() or 2)),
                    n_threads_batch=threads_batch or None,
                    n_batch=batch_tokens,
                    n_gpu_layers=gpu_layers if llama_cpp.llama_supports_gpu_offload() else 0,
                    verbose=False,
                    on_progress=_progress_hook(progress, cancel),
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
        self._control = _control_token_pattern(self._llm)
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
            _load_state(llm, kept, length)
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
        _load_state(self._llm, kept, usable)
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
        self._states.put(key, _save_state(self._llm))

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
            grammar=_compiled_grammar(params.grammar) if params.grammar else None,
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
        _resize_context(self._llm, size)

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


def _sampler_chain(llm: llama_cpp.Llama, sampling: GenerationParams | None) -> Any:
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


# --- raw llama.cpp, for the benchmark ---------------------------------------------------------
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
    sampler = _sampler_chain(llm, sampling)
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
