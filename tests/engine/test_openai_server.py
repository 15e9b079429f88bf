"""The server engine against llama-cpp-python's own OpenAI-compatible server, on loopback.

The server runs the real default model in a child process on 127.0.0.1 at a free port. A few
misbehaving servers (one that stalls, one that sends a broken stream) are real sockets too,
written here with the standard library, because no well-behaved server produces them.
"""

from __future__ import annotations

import http.server
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop.engine import api_key
from desktop.engine.loading import load_engine
from desktop.engine.openai_server import Endpoint, ServerEngine, check_server
from desktop.engine.types import GenerationParams, Message
from desktop.errors import EngineError, ModelError
from desktop.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SERVE = Path(__file__).with_name("serve_llama.py")
ALIAS = "smollm"
KEY = "sk-test-123"
MESSAGES = (
    Message("system", "You are a helpful customer support agent."),
    Message("user", "Customer: My parcel is late. Where is it?\n\nWrite the agent's reply."),
)
STARTUP_S = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A `llama_cpp.server` child process serving the default model."""

    def __init__(self, model: Path, home: Path, *extra: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "AGENT_ASSIST_HOME": str(home)}
        self.log = home / f"server-{self.port}.log"
        home.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(SERVE), "--model", str(model), "--model_alias", ALIAS,
                 "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", "2048", *extra],
                env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not start in {STARTUP_S} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def server_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One home for every server: the first probes llama.cpp's CPU variants, the rest reuse it."""
    return tmp_path_factory.mktemp("server-home")


@pytest.fixture(scope="module")
def server(default_model: Path, server_home: Path) -> Iterator[Server]:
    running = Server(default_model, server_home)
    yield running
    running.stop()


def _drain(engine: ServerEngine, max_tokens: int = 4) -> list[str]:
    return list(engine.stream(MESSAGES, GenerationParams(max_tokens=max_tokens), threading.Event()))


def test_streams_a_reply_from_the_server(server: Server) -> None:
    engine = ServerEngine(server.url)
    assert engine.info.chat_format == "server"
    assert ALIAS in engine.info.name
    deltas = list(
        engine.stream(MESSAGES, GenerationParams(max_tokens=24, seed=1), threading.Event())
    )
    assert len(deltas) > 3
    assert "".join(deltas).strip()


def test_url_forms_all_reach_the_same_api(server: Server) -> None:
    for url in (
        server.url,
        server.url + "/",
        server.url + "/v1",
        server.url + "/v1/chat/completions",
    ):
        assert Endpoint.parse(url).url == f"http://127.0.0.1:{server.port}/v1"
    assert check_server(server.url + "/v1/").ok


def test_stop_mid_stream_returns_at_once(server: Server) -> None:
    engine = ServerEngine(server.url, ALIAS)
    cancel = threading.Event()
    received = []
    started = time.perf_counter()
    for delta in engine.stream(MESSAGES, GenerationParams(max_tokens=400), cancel):
        received.append(delta)
        if len(received) == 3:
            stopped = time.perf_counter()
            cancel.set()
    assert len(received) == 3
    assert time.perf_counter() - stopped < 0.2
    assert time.perf_counter() - started < 10
    # The server is free again for the next request.
    assert list(engine.stream(MESSAGES, GenerationParams(max_tokens=4), threading.Event()))


def test_wrong_model_name_is_named_with_what_the_server_offers(server: Server) -> None:
    result = check_server(server.url, "llama-70b")
    assert not result.ok
    assert "llama-70b" in result.message and ALIAS in result.message
    with pytest.raises(ModelError, match="does not offer the model 'llama-70b'"):
        ServerEngine(server.url, "llama-70b")


def test_a_url_without_the_api_says_so(server: Server) -> None:
    result = check_server(server.url + "/not-here")
    assert not result.ok
    assert "404" in result.message and "No OpenAI-compatible API" in result.message


def test_connection_refused_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    result = check_server(url)
    assert not result.ok and "connection refused" in result.message
    engine = ServerEngine(url, ALIAS, check=False)
    with pytest.raises(EngineError, match="connection refused"):
        list(engine.stream(MESSAGES, GenerationParams(max_tokens=4), threading.Event()))


def test_api_key_is_checked(default_model: Path, server_home: Path) -> None:
    guarded = Server(default_model, server_home, "--api_key", KEY)
    try:
        assert "401" in check_server(guarded.url, api_key="wrong").message
        wrong = ServerEngine(guarded.url, ALIAS, api_key="wrong", check=False)
        with pytest.raises(EngineError, match="refused the API key"):
            _drain(wrong)
        assert _drain(ServerEngine(guarded.url, api_key=KEY))
    finally:
        guarded.stop()


def test_server_killed_mid_stream_is_reported(default_model: Path, server_home: Path) -> None:
    doomed = Server(default_model, server_home)
    received: list[str] = []

    def read_then_kill() -> None:
        engine = ServerEngine(doomed.url, ALIAS)
        for delta in engine.stream(MESSAGES, GenerationParams(max_tokens=400), threading.Event()):
            received.append(delta)
            if len(received) == 2:
                doomed.process.kill()

    try:
        with pytest.raises(EngineError, match=r"mid-reply|before the reply was complete"):
            read_then_kill()
        assert len(received) >= 2  # what arrived before the crash was delivered
    finally:
        doomed.stop()


def test_load_engine_uses_the_server_when_it_is_up(server: Server) -> None:
    engine = load_engine(Settings(server_url=server.url, server_model=ALIAS))
    assert isinstance(engine, ServerEngine)
    assert engine.info.notice == ""


def test_load_engine_falls_back_to_the_local_model_and_says_so(default_model: Path) -> None:
    down = f"http://127.0.0.1:{_free_port()}"
    engine = load_engine(Settings(server_url=down, context_tokens=1024))
    try:
        assert engine.info.path == default_model
        assert "Model server unavailable" in engine.info.notice
        assert "connection refused" in engine.info.notice
        assert list(engine.stream(MESSAGES, GenerationParams(max_tokens=4), threading.Event()))
    finally:
        engine.close()


def test_suggest_streams_from_the_server(server: Server, tmp_path: Path) -> None:
    conversation = tmp_path / "c.txt"
    conversation.write_text("Customer: Hi, my parcel has not arrived yet. Order 4821.\n")
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "suggest", "--server", server.url,
         "--server-model", ALIAS, "--json", "--max-tokens", "24", str(conversation)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["model"] == f"{ALIAS} @ 127.0.0.1"
    assert result["text"].strip()


def test_no_server_configured_means_no_connection(
    default_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The offline default: loading opens no socket at all."""
    opened: list[object] = []
    real = socket.socket.connect

    def spy(self: socket.socket, address: object) -> None:
        opened.append(address)
        real(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", spy)
    engine = load_engine(Settings(context_tokens=512))
    engine.close()
    assert opened == []


# --- servers that misbehave -----------------------------------------------------------------


@pytest.fixture
def stalled_server() -> Iterator[str]:
    """Accepts connections and never answers: Stop must not wait for it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []

    def accept() -> None:
        try:
            while True:
                accepted.append(listener.accept()[0])
        except OSError:
            return

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()
    for conn in accepted:
        conn.close()


def test_stop_does_not_wait_for_a_stalled_server(stalled_server: str) -> None:
    engine = ServerEngine(stalled_server, "m", check=False)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.perf_counter()
    assert list(engine.stream(MESSAGES, GenerationParams(), cancel)) == []
    assert time.perf_counter() - started < 1.0


def test_a_silent_server_times_out_with_a_message(stalled_server: str) -> None:
    engine = ServerEngine(stalled_server, "m", check=False, read_timeout=0.3)
    with pytest.raises(EngineError, match="sent nothing for"):
        list(engine.stream(MESSAGES, GenerationParams(), threading.Event()))


class _Scripted(http.server.BaseHTTPRequestHandler):
    """Answers every POST with the class's `status` and `body`."""

    status = 200
    body = b""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(self.status)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def scripted() -> Iterator[tuple[str, type[_Scripted]]]:
    handler = type("Handler", (_Scripted,), {})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (200, b'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: {oops\n\n', "malformed"),
        (200, b'data: {"error":{"message":"out of memory"}}\n\n', "out of memory"),
        (200, b'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n', "before the reply"),
        (500, b'{"error":{"message":"CUDA error"}}', r"failed \(500\): CUDA error"),
        (503, b'{"error":{"message":"Loading model"}}', "busy or still loading"),
        (404, b'{"error":{"message":"The model `x` does not exist."}}', "has no model 'x'"),
        (400, b'{"error":{"message":"context length exceeded"}}', "rejected the request"),
    ],
)
def test_server_errors_become_clear_messages(
    scripted: tuple[str, type[_Scripted]], status: int, body: bytes, message: str
) -> None:
    url, handler = scripted
    handler.status, handler.body = status, body
    engine = ServerEngine(url, "x", check=False)
    with pytest.raises(EngineError, match=message):
        list(engine.stream(MESSAGES, GenerationParams(), threading.Event()))


def test_sse_events_split_across_lines_and_comments_are_read(
    scripted: tuple[str, type[_Scripted]],
) -> None:
    url, handler = scripted
    handler.body = (
        b": keep-alive\r\n\r\n"
        b'data: {"choices":[{"delta":{"role":"assistant"}}]}\r\n\r\n'
        b'data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n'
        b'data: {"choices":[{"delta":{"content":"lo"},"finish_reason":"stop"}]}\n\n'
        b"data: [DONE]\n\n"
    )
    engine = ServerEngine(url, "x", check=False)
    assert list(engine.stream(MESSAGES, GenerationParams(), threading.Event())) == ["Hel", "lo"]


def test_token_counts_are_a_conservative_estimate() -> None:
    engine = ServerEngine("http://127.0.0.1:9", "m", check=False)
    text = "Thanks for your patience, your refund is on its way."
    assert engine.count_tokens(text) >= len(text) / 4  # real tokenizers: ~4 chars a token
    assert engine.count_prompt_tokens(MESSAGES) > sum(
        engine.count_tokens(m.content) for m in MESSAGES
    )


def test_the_api_key_comes_from_the_environment_without_a_keyring(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.core.load_keyring("keyring.backends.fail.Keyring"))
    try:
        monkeypatch.setenv(api_key.ENV_VAR, KEY)
        assert api_key.get_api_key("http://team:8080") == KEY
        assert api_key.set_api_key("http://team:8080", "secret") is False
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def self_signed_server(tmp_path: Path) -> Iterator[str]:
    """An HTTPS server whose certificate no trust store knows."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Scripted)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_tls_certificates_are_verified(self_signed_server: str) -> None:
    result = check_server(self_signed_server, timeout=5.0)
    assert not result.ok
    assert "does not trust" in result.message
