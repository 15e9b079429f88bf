"""LlamaEngine: a local GGUF model through llama-cpp-python. The only module that imports it."""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import llama_cpp
from llama_cpp import llama_chat_format

from desktop.engine.types import GenerationParams, Message, ModelInfo
from desktop.errors import EngineError, ModelError

logger = logging.getLogger(__name__)

GGUF_MAGIC = b"GGUF"

# Used only when a GGUF carries no chat template of its own.
_CHATML_FALLBACK = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


# The name under which libllama loaded ggml, per platform: ctypes then gets that same copy
# (the wheel ships libggml.so and libggml.so.0 as two files, each with its own registry).
_GGML_NAMES = {"linux": "libggml.so.0", "darwin": "libggml.0.dylib", "win32": "ggml.dll"}


def _backend_dirs() -> list[Path]:
    """Where a GGML_BACKEND_DL build keeps its libggml-cpu-<family> libraries.

    The wheel's top-level bin/ (so site-packages/bin) in development, llama_cpp/lib in the
    packaged app.
    """
    package = Path(llama_cpp.__file__).resolve().parent
    return [package / "lib", package.parent / "bin"]


@functools.cache
def load_cpu_backends() -> str:
    """Load llama.cpp's CPU code, the variant best suited to this CPU; returns which one.

    A build with static backends needs nothing (returns "built-in"). Raises ModelError when
    a dynamic build finds no backend at all, instead of llama.cpp's bare load failure.
    """
    name = _GGML_NAMES.get("linux" if sys.platform.startswith("linux") else sys.platform)
    try:
        ggml = ctypes.CDLL(name or "ggml")
    except OSError:
        return "built-in"  # no separate ggml library: nothing to load
    ggml.ggml_backend_reg_count.restype = ctypes.c_size_t
    if ggml.ggml_backend_reg_count() > 0:
        return "built-in"
    ggml.ggml_backend_load_all_from_path.argtypes = [ctypes.c_char_p]
    # llama-cpp-python prints llama.cpp's log to stderr unless its logger is quiet; the CLI's
    # output stays clean, and what was chosen goes to our log instead.
    logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)
    for folder in _backend_dirs():
        if any(folder.glob("*ggml-cpu*")):
            ggml.ggml_backend_load_all_from_path(str(folder).encode())
            if ggml.ggml_backend_reg_count() > 0:
                features = llama_cpp.llama_print_system_info().decode(errors="replace")
                logger.info("llama.cpp CPU backend from %s: %s", folder, features.strip())
                return str(folder)
    raise ModelError(
        "llama.cpp found no CPU backend (libggml-cpu-*) next to its libraries. "
        "Reinstall Agent Assist (or run `make setup` again)."
    )


def check_gguf(path: Path) -> None:
    """Fail early, with a message a user can act on, before llama.cpp sees the file."""
    if not path.exists():
        raise ModelError(
            f"Model file not found: {path}. Choose a .gguf file (Model > Choose model)."
        )
    if not path.is_file():
        raise ModelError(f"{path} is a folder, not a model file. Choose a .gguf file.")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise ModelError(f"Cannot read the model file {path}: {exc.strerror}.") from exc
    if magic != GGUF_MAGIC:
        raise ModelError(
            f"{path.name} is not a GGUF model (it does not start with the GGUF signature). "
            "Pick a quantized .gguf file made for llama.cpp."
        )


class LlamaEngine:
    """Owns one `llama_cpp.Llama`; create and use it on a single thread."""

    def __init__(self, model_path: Path, context_tokens: int = 4096, threads: int = 0) -> None:
        check_gguf(model_path)
        load_cpu_backends()
        started = time.perf_counter()
        try:
            self._llm = llama_cpp.Llama(
                model_path=str(model_path),
                n_ctx=context_tokens,
                n_threads=threads or max(1, (os.cpu_count() or 2)),
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(
                f"llama.cpp could not load {model_path.name}: {exc}. The file may be damaged, "
                "truncated, or of an architecture this llama.cpp version does not support."
            ) from exc
        metadata: dict[str, str] = dict(self._llm.metadata)
        template = metadata.get("tokenizer.chat_template")
        self._formatter = llama_chat_format.Jinja2ChatFormatter(
            template=template or _CHATML_FALLBACK,
            eos_token=self._token_text(self._llm.token_eos()),
            bos_token=self._token_text(self._llm.token_bos()),
            stop_token_ids=[self._llm.token_eos()],
        )
        chat_format = "gguf-template" if template else "chatml-fallback"
        logger.info("loaded %s with chat format %s", model_path.name, chat_format)
        self._info = ModelInfo(
            path=model_path,
            # The file name is what the user picked; general.name is often opaque.
            name=model_path.stem,
            chat_format=chat_format,
            context_tokens=self._llm.n_ctx(),
            trained_context_tokens=self._llm._model.n_ctx_train(),  # no public accessor in 0.3.x
            size_bytes=model_path.stat().st_size,
            load_seconds=time.perf_counter() - started,
        )

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
        formatted = self._formatter(messages=[cast(Any, m.as_dict()) for m in messages])
        tokens = self._llm.tokenize(
            formatted.prompt.encode("utf-8"), add_bos=not formatted.added_special, special=True
        )
        stop = (
            formatted.stop
            if isinstance(formatted.stop, list)
            else [formatted.stop]
            if formatted.stop
            else []
        )
        return tokens, [s for s in stop if s]

    def count_prompt_tokens(self, messages: Sequence[Message]) -> int:
        return len(self._prompt(messages)[0])

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
        chunks = self._llm.create_completion(
            prompt=tokens,
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
        try:
            for chunk in iterator:
                self._set_abort(None)
                if cancel.is_set():
                    break  # leaving the generator stops decoding at this token
                text = chunk["choices"][0].get("text") or ""
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

    def _set_abort(self, callback: Any) -> None:
        self._abort = callback  # keep the ctypes callback alive while llama.cpp holds it
        llama_cpp.llama_set_abort_callback(
            self._llm.ctx, callback or llama_cpp.ggml_abort_callback(), None
        )

    def close(self) -> None:
        llm = getattr(self, "_llm", None)
        if llm is not None:
            llm.close()
