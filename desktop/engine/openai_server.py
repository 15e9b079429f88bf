"""ServerEngine: a team's model server speaking the OpenAI chat API, with streaming.

Works with llama.cpp's llama-server, vLLM, Ollama, LM Studio, llama-cpp-python's server and
hosted endpoints: all accept `POST <base>/v1/chat/completions` with `"stream": true` and
answer with server-sent events (`data: {chunk}` lines, then `data: [DONE]`).

Standard library only (http.client): TLS is verified with the system's trust store through
`ssl.create_default_context()`, and the engine owns its socket, so Stop can close it from the
cancelling thread: a stalled server never holds the Stop button.

Token counts are estimates (no tokenizer of the server's model here): one token per three
characters, which overestimates English (about four characters a token) on purpose, so the
prompt budget errs towards fitting the server's context.

A message list that ends with an assistant message (a draft to continue) is sent as it is:
llama-server and vLLM continue it only when asked in their own extensions, so a server may
answer it as a new turn instead.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import math
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desktop.engine.types import GenerationParams, Message, ModelInfo
from desktop.errors import EngineError, ModelError

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 120.0  # the first token of a long prompt on a busy server can take a while
CHARS_PER_TOKEN = 3.0
TOKENS_PER_MESSAGE = 4  # role markers and separators in a chat template
MAX_ERROR_BODY = 4096
MAX_STOP = 4  # OpenAI's limit; others accept more, none need more here
_CANCEL_POLL_S = 0.02


@dataclass(frozen=True)
class Endpoint:
    """A server address split the way http.client needs it."""

    scheme: str
    host: str
    port: int
    base_path: str  # always ends in /v1

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        """Accept `http://host:8080`, `.../v1` or `.../v1/chat/completions` alike."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelError(
                f"Server URL {url!r} is not an http(s) address, e.g. http://10.0.0.5:8080."
            )
        path = parts.path.rstrip("/")
        for suffix in ("/chat/completions", "/models"):
            path = path.removesuffix(suffix)
        if not path.endswith("/v1"):
            path += "/v1"
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return cls(parts.scheme, parts.hostname, port, path)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}{self.base_path}"


@dataclass(frozen=True)
class ServerCheck:
    """What a connection test found: whether drafting can use this server, and why not."""

    ok: bool
    message: str
    models: tuple[str, ...] = ()
    model: str = ""  # the model that will be asked (the configured one, or the only one)
    context_tokens: int = 0  # 0: the server does not say
    seconds: float = 0.0


@dataclass
class _Request:
    """One HTTP exchange; `abort()` may be called from another thread, `close()` may not."""

    connection: http.client.HTTPConnection
    aborted: threading.Event = field(default_factory=threading.Event)

    def abort(self) -> None:
        """Shut the socket down: a blocked read returns at once, in the reading thread.

        Only the socket is touched here; http.client's own objects are not thread-safe and
        are closed by the reading thread when it sees the shutdown.
        """
        self.aborted.set()
        sock = self.connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.connection.close()


def _connect(
    endpoint: Endpoint, connect_timeout: float, read_timeout: float
) -> http.client.HTTPConnection:
    if endpoint.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            endpoint.host,
            endpoint.port,
            timeout=connect_timeout,
            context=ssl.create_default_context(),
        )
    else:
        connection = http.client.HTTPConnection(
            endpoint.host, endpoint.port, timeout=connect_timeout
        )
    try:
        connection.connect()
    except ssl.SSLCertVerificationError as exc:
        raise EngineError(
            f"The server {endpoint.host} has a TLS certificate this computer does not trust "
            f"({exc.verify_message}). Ask your admin for the right address or certificate."
        ) from exc
    except ConnectionRefusedError as exc:
        raise EngineError(
            f"Cannot reach the model server at {endpoint.url}: connection refused. "
            "Is the server running, and is the port right?"
        ) from exc
    except socket.gaierror as exc:
        raise EngineError(f"Unknown server host {endpoint.host!r}: check the URL.") from exc
    except TimeoutError as exc:
        raise EngineError(
            f"The model server at {endpoint.url} did not answer within "
            f"{connect_timeout:.0f} s. Check the URL and your network."
        ) from exc
    except OSError as exc:
        raise EngineError(f"Cannot reach the model server at {endpoint.url}: {exc}.") from exc
    assert connection.sock is not None
    connection.sock.settimeout(read_timeout)
    return connection


def _error_text(body: bytes) -> str:
    """The message inside an OpenAI-style error body, or the body's start."""
    text = body[:MAX_ERROR_BODY].decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:300]
    error = data.get("error", data.get("detail", data)) if isinstance(data, dict) else data
    if isinstance(error, dict):
        error = error.get("message", error)
    return str(error)[:300]


def _http_error(status: int, body: bytes, endpoint: Endpoint, model: str) -> EngineError:
    detail = _error_text(body)
    if status in (401, 403):
        return EngineError(
            f"The model server refused the API key ({status}). Enter the right key in "
            f"Settings (or set $AGENT_ASSIST_API_KEY). Server said: {detail}"
        )
    if status == 404:
        if "model" in detail.lower():
            return EngineError(
                f"The model server has no model {model!r} (404). Server said: {detail}"
            )
        return EngineError(
            f"No OpenAI-compatible API at {endpoint.url} (404). Use the server's address, "
            "e.g. http://host:8080 (with or without /v1)."
        )
    if status == 503:
        return EngineError(f"The model server is busy or still loading (503): {detail}")
    if status >= 500:
        return EngineError(f"The model server failed ({status}): {detail}")
    return EngineError(f"The model server rejected the request ({status}): {detail}")


class ServerEngine:
    """The Engine protocol over an OpenAI-compatible server. One request at a time."""

    def __init__(
        self,
        url: str,
        model: str = "",
        api_key: str = "",
        context_tokens: int = 4096,
        connect_timeout: float = CONNECT_TIMEOUT_S,
        read_timeout: float = READ_TIMEOUT_S,
        check: bool = True,
    ) -> None:
        """Point at `url`; with `check`, test the connection first and raise ModelError if down.

        The server's context size is used when it reports one; `context_tokens` otherwise.
        """
        self._endpoint = Endpoint.parse(url)
        self._api_key = api_key
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        started = time.perf_counter()
        self._model = model
        context = context_tokens
        if check:
            result = check_server(url, model, api_key, connect_timeout)
            if not result.ok:
                raise ModelError(result.message)
            self._model = result.model
            # A server's trained context may exceed what it serves per request: take the less.
            context = min(result.context_tokens or context_tokens, context_tokens)
        self._info = ModelInfo(
            path=Path(f"{self._endpoint.host}:{self._endpoint.port}{self._endpoint.base_path}"),
            name=f"{self._model or 'server model'} @ {self._endpoint.host}",
            chat_format="server",
            context_tokens=context,
            trained_context_tokens=context,
            size_bytes=0,
            load_seconds=time.perf_counter() - started,
        )

    @property
    def info(self) -> ModelInfo:
        return self._info

    @property
    def url(self) -> str:
        return self._endpoint.url

    def count_tokens(self, text: str) -> int:
        """An estimate: the server's tokenizer is not available here (see the module doc)."""
        return math.ceil(len(text) / CHARS_PER_TOKEN)

    def count_prompt_tokens(self, messages: Sequence[Message]) -> int:
        return sum(self.count_tokens(m.content) + TOKENS_PER_MESSAGE for m in messages)

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _body(self, messages: Sequence[Message], params: GenerationParams) -> bytes:
        body: dict[str, Any] = {
            "messages": [m.as_dict() for m in messages],
            "stream": True,
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
        }
        if self._model:
            body["model"] = self._model
        if params.seed is not None:
            body["seed"] = params.seed
        if params.stop:
            body["stop"] = list(params.stop[:MAX_STOP])
        return json.dumps(body).encode("utf-8")

    def stream(
        self, messages: Sequence[Message], params: GenerationParams, cancel: threading.Event
    ) -> Iterator[str]:
        if cancel.is_set():
            return
        connection = _connect(self._endpoint, self._connect_timeout, self._read_timeout)
        request = _Request(connection)
        done = threading.Event()
        watcher = threading.Thread(
            target=_close_on_cancel, args=(cancel, done, request), name="server-stop", daemon=True
        )
        watcher.start()
        try:
            yield from self._exchange(request, messages, params, cancel)
        finally:
            done.set()
            request.close()
            watcher.join(timeout=1.0)

    def _exchange(
        self,
        request: _Request,
        messages: Sequence[Message],
        params: GenerationParams,
        cancel: threading.Event,
    ) -> Iterator[str]:
        connection = request.connection
        try:
            connection.request(
                "POST",
                f"{self._endpoint.base_path}/chat/completions",
                body=self._body(messages, params),
                headers=self._headers(),
            )
            response = connection.getresponse()
            if response.status != 200:
                raise _http_error(
                    response.status, response.read(MAX_ERROR_BODY), self._endpoint, self._model
                )
            finished = False
            for data in _sse_data(response):
                if cancel.is_set():
                    return
                if data == "[DONE]":
                    return
                text, reason = _delta(data)
                if text:
                    yield text
                finished = finished or bool(reason)
            if not finished and not (cancel.is_set() or request.aborted.is_set()):
                raise EngineError(
                    "The model server closed the connection before the reply was complete "
                    "(it may have stopped or restarted). Try again."
                )
        except (OSError, http.client.HTTPException) as exc:
            if cancel.is_set() or request.aborted.is_set():
                return  # Stop closed the socket: not an error
            if isinstance(exc, TimeoutError):
                raise EngineError(
                    f"The model server sent nothing for {self._read_timeout:.0f} s. It may be "
                    "overloaded; try again or use the local model."
                ) from exc
            raise EngineError(
                f"The connection to the model server broke mid-reply ({type(exc).__name__}). "
                "The server may have stopped; try again."
            ) from exc

    def close(self) -> None:
        """Nothing held between requests: each stream opens and closes its own connection."""


def _close_on_cancel(cancel: threading.Event, done: threading.Event, request: _Request) -> None:
    """Abort the exchange the moment `cancel` is set, even while a read is blocked."""
    while not done.is_set():
        if cancel.wait(_CANCEL_POLL_S):
            request.abort()
            return


def _sse_data(response: http.client.HTTPResponse) -> Iterator[str]:
    """The `data:` payloads of a server-sent event stream (multi-line events joined)."""
    lines: list[str] = []
    while True:
        raw = response.readline(1 << 20)
        if not raw:
            if lines:
                yield "\n".join(lines)
            return
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line:
            if lines:
                yield "\n".join(lines)
                lines = []
        elif line.startswith("data:"):
            lines.append(line[5:].removeprefix(" "))
        # Comments (": ping") and event:/id:/retry: fields carry nothing for chat.


def _delta(data: str) -> tuple[str, str]:
    """(text, finish_reason) of one chat.completion.chunk; raise on an error or a bad chunk."""
    try:
        chunk = json.loads(data)
    except ValueError as exc:
        raise EngineError(
            f"The model server sent a malformed stream (not JSON: {data[:80]!r})."
        ) from exc
    if not isinstance(chunk, dict):
        raise EngineError(f"The model server sent a malformed stream chunk: {data[:80]!r}.")
    if "error" in chunk:
        raise EngineError(f"The model server reported an error: {_error_text(data.encode())}")
    choices = chunk.get("choices")
    if not isinstance(choices, list):
        raise EngineError(f"The model server sent a chunk without choices: {data[:80]!r}.")
    if not choices:
        return "", ""  # usage-only chunks (stream_options.include_usage)
    choice = choices[0] if isinstance(choices[0], dict) else {}
    delta = choice.get("delta") or {}
    text = delta.get("content") if isinstance(delta, dict) else None
    return (text if isinstance(text, str) else ""), str(choice.get("finish_reason") or "")


def check_server(
    url: str, model: str = "", api_key: str = "", timeout: float = CONNECT_TIMEOUT_S
) -> ServerCheck:
    """The settings' connection test: reach `/v1/models`, check the key and the model name.

    Never raises for a server problem; the message says what is wrong and what to do.
    """
    started = time.perf_counter()
    try:
        endpoint = Endpoint.parse(url)
        connection = _connect(endpoint, timeout, timeout)
    except (ModelError, EngineError) as exc:
        return ServerCheck(False, str(exc), seconds=time.perf_counter() - started)
    try:
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        connection.request("GET", f"{endpoint.base_path}/models", headers=headers)
        response = connection.getresponse()
        body = response.read(16 << 20)
        if response.status != 200:
            error = _http_error(response.status, body, endpoint, model)
            return ServerCheck(False, str(error), seconds=time.perf_counter() - started)
        listed = _listed_models(body)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return ServerCheck(
            False,
            f"The server at {endpoint.url} did not answer like an OpenAI-compatible API "
            f"({type(exc).__name__}).",
            seconds=time.perf_counter() - started,
        )
    finally:
        connection.close()
    names = tuple(name for name, _ in listed)
    seconds = time.perf_counter() - started
    if model and names and model not in names:
        offered = ", ".join(names[:8])
        return ServerCheck(
            False,
            f"The server does not offer the model {model!r}. It offers: {offered}.",
            names,
            seconds=seconds,
        )
    chosen = model or (names[0] if len(names) == 1 else "")
    if not chosen and names:
        return ServerCheck(
            False,
            f"The server offers {len(names)} models; choose one: {', '.join(names[:8])}.",
            names,
            seconds=seconds,
        )
    context = dict(listed).get(chosen, 0)
    where = endpoint.url
    return ServerCheck(True, f"Connected to {where}: model {chosen or '(default)'}.", names,
                       chosen, context, seconds)  # fmt: skip


def _listed_models(body: bytes) -> list[tuple[str, int]]:
    """(id, context size or 0) for each model in a `/v1/models` answer."""
    data = json.loads(body)
    entries = data.get("data", []) if isinstance(data, dict) else []
    listed = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        meta = entry.get("meta") if isinstance(entry.get("meta"), dict) else {}
        # vLLM says max_model_len; llama-server says meta.n_ctx_train (its slots may be less).
        context = entry.get("max_model_len") or (meta or {}).get("n_ctx_train") or 0
        listed.append((entry["id"], context if isinstance(context, int) else 0))
    return listed
