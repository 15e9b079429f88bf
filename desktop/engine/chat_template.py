"""Render a model's chat template within a time and size budget, in Jinja's sandbox. No Qt.

A GGUF's `tokenizer.chat_template` is code from whoever made the file. llama.cpp's Python
binding renders it in Jinja's immutable sandbox, which stops attribute walks to `__globals__`
but not a template that loops for hours or builds a 3 GB string (issue 22). Here the render
runs on a short-lived thread that is stopped when it overruns its time; string repetition,
`%` formatting and filter widths past the size budget are refused before they allocate, and
the output is measured as it is produced. Any failure is one TemplateRefusedError line; the engine
then falls back to its built-in template.
"""

from __future__ import annotations

import ctypes
import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import ImmutableSandboxedEnvironment

TIME_BUDGET_SECONDS = 5.0  # a real template renders in milliseconds
MAX_OUTPUT_CHARS = 4_000_000  # far past any context window a laptop model has


class TemplateRefusedError(Exception):
    """The chat template could not be used: the reason, in one line."""


class _OverrunError(Exception):
    """Raised inside the rendering thread when its time is up."""


def _too_big(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > MAX_OUTPUT_CHARS


def _sized(value: object) -> int:
    return len(value) if isinstance(value, str | list | tuple | dict) else 0


def _refuse_big(*values: object) -> None:
    """Refuse a width or count past the budget, before anything is allocated."""
    if any(_too_big(v) for v in values):
        raise TemplateRefusedError("the chat template asks for a string past its size budget")


def _check_result(result: Any) -> Any:
    """Refuse a result past the budget: growth stops at the step that crosses it."""
    if _sized(result) > MAX_OUTPUT_CHARS:
        raise TemplateRefusedError("the chat template builds a string past its size budget")
    return result


def _check_replace(text: object, old: object, new: object) -> None:
    """`str.replace` multiplies: 'A'*4M with each 'A' made 4M long is 16e12 characters."""
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        grows = max(len(new) - len(old), 0)
        if grows and len(text) + text.count(old) * grows > MAX_OUTPUT_CHARS:
            raise TemplateRefusedError("the chat template builds a string past its size budget")


def _capped(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses a width or count past the size budget (`center(3000000000)`)."""

    @functools.wraps(function)  # keeps jinja's pass_context/pass_environment marks
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _refuse_big(*args, *kwargs.values())
        plain = [a for a in args if not isinstance(a, jinja2.runtime.Context | jinja2.Environment)]
        if name == "replace" and len(plain) >= 3:
            _check_replace(plain[0], plain[1], plain[2])
        return _check_result(function(*args, **kwargs))

    return wrapper


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with `a ~ b` joined by the environment (which counts)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802 - Jinja's name
        self.write("environment.bounded_join((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _BudgetedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with the operations that allocate in one step checked first."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self) -> None:
        super().__init__(loader=jinja2.BaseLoader(), trim_blocks=True, lstrip_blocks=True)
        self.filters = {name: _capped(name, f) for name, f in self.filters.items()}

    @staticmethod
    def bounded_join(parts: tuple[Any, ...]) -> str:
        texts = [str(p) for p in parts]
        if sum(len(t) for t in texts) > MAX_OUTPUT_CHARS:
            raise TemplateRefusedError("the chat template builds a string past its size budget")
        return "".join(texts)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sized and len(seq) * times > MAX_OUTPUT_CHARS:
                    raise TemplateRefusedError(
                        "the chat template builds a string past its size budget"
                    )
        if operator == "+" and _sized(left) + _sized(right) > MAX_OUTPUT_CHARS:
            raise TemplateRefusedError("the chat template builds a string past its size budget")
        if operator == "**" and isinstance(right, int) and abs(right) > 1024:
            raise TemplateRefusedError("the chat template raises a number to a huge power")
        if operator == "%" and isinstance(left, str) and any(c.isdigit() for c in left):
            # "%3000000000s": refuse widths with more digits than the budget has.
            digits = max((len(run) for run in _digit_runs(left)), default=0)
            if digits > len(str(MAX_OUTPUT_CHARS)):
                raise TemplateRefusedError("the chat template pads a string past its size budget")
        return _check_result(super().call_binop(context, operator, left, right))

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _refuse_big(*args, *kwargs.values())  # "a".center(3000000000)
        if getattr(__obj, "__name__", "") == "replace" and len(args) >= 2:
            _check_replace(getattr(__obj, "__self__", None), args[0], args[1])
        return _check_result(super().call(__context, __obj, *args, **kwargs))


def _digit_runs(text: str) -> list[str]:
    runs, run = [], ""
    for char in text:
        if char.isdigit():
            run += char
        elif run:
            runs.append(run)
            run = ""
    return [*runs, run] if run else runs


def _stop(thread: threading.Thread) -> None:
    """Raise _OverrunError inside `thread` at its next bytecode: a template is pure Python."""
    ident = thread.ident
    if ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(ident), ctypes.py_object(_OverrunError)
        )


@dataclass(frozen=True)
class Formatted:
    """What the engine needs from a rendered prompt (llama_cpp's ChatFormatterResponse)."""

    prompt: str
    stop: list[str]
    added_special: bool = True


def _raise_exception(message: str) -> None:
    raise TemplateRefusedError(f"the chat template raised: {message}")


def _strftime_now(fmt: str) -> str:
    return datetime.now().strftime(str(fmt)[:100])


class ChatTemplate:
    """One compiled chat template; call it with messages for the prompt text."""

    def __init__(
        self,
        source: str,
        eos_token: str,
        bos_token: str,
        time_budget: float = TIME_BUDGET_SECONDS,
    ) -> None:
        try:
            self._template = _BudgetedEnvironment().from_string(source)
        except (jinja2.TemplateError, RecursionError, MemoryError, ValueError) as exc:
            raise TemplateRefusedError(f"the chat template does not compile: {_line(exc)}") from exc
        self._eos = eos_token
        self._bos = bos_token
        self._time_budget = time_budget

    def __call__(self, messages: Sequence[Mapping[str, Any]]) -> Formatted:
        values = {
            "messages": list(messages),
            "eos_token": self._eos,
            "bos_token": self._bos,
            "raise_exception": _raise_exception,
            "add_generation_prompt": True,
            "functions": None,
            "function_call": None,
            "tools": None,
            "tool_choice": None,
            "strftime_now": _strftime_now,
        }
        return Formatted(self._render(values), [self._eos] if self._eos else [])

    def _render(self, values: dict[str, Any]) -> str:
        outcome: list[str | BaseException] = []

        def run() -> None:
            try:
                parts: list[str] = []
                size = 0
                for chunk in self._template.generate(**values):
                    size += len(chunk)
                    if size > MAX_OUTPUT_CHARS:
                        raise TemplateRefusedError(
                            "the chat template's output passed its size budget"
                        )
                    parts.append(chunk)
                outcome.append("".join(parts))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller as one line
                outcome.append(exc)

        thread = threading.Thread(target=run, name="chat-template", daemon=True)
        thread.start()
        thread.join(self._time_budget)
        if thread.is_alive():
            _stop(thread)
            thread.join(1.0)
            raise TemplateRefusedError(
                f"the chat template ran past its {self._time_budget:g} s budget"
            )
        result = outcome[0] if outcome else TemplateRefusedError("the chat template stopped")
        if isinstance(result, TemplateRefusedError):
            raise result
        if isinstance(result, _OverrunError):
            raise TemplateRefusedError(
                f"the chat template ran past its {self._time_budget:g} s budget"
            )
        if isinstance(result, BaseException):
            raise TemplateRefusedError(f"the chat template failed: {_line(result)}") from result
        return result


def _line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first[:200]}" if first else type(exc).__name__
