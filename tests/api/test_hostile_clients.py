"""Hostile clients of the local API (issue 22), on a real server over loopback.

Deeply nested JSON, ports that are not ports, slow headers and bodies (real sockets, bounded in
number and time), a refused CORS preflight, a short token, a client gone mid-body. Each gets a
clear answer, no traceback, and the window's own requests keep getting through.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop.api import ApiHandle, slow_clients, start_api
from desktop.engine.loading import load_engine
from desktop.errors import InputError
from desktop.settings import Settings

from tests.api.test_api import HELPDESK, factory, request, settings_for

HEADER_SECONDS = 1.5
BODY_SECONDS = 1.5
MOST_WAITING = 8


@pytest.fixture(scope="module")
def api(library_path: Path, default_model: Path) -> Iterator[ApiHandle]:
    """A server whose slow-client limits are short, so the tests take seconds."""
    settings = settings_for(default_model)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(slow_clients, "HEADER_SECONDS", HEADER_SECONDS)
        patch.setattr(slow_clients, "BODY_SECONDS", BODY_SECONDS)
        patch.setattr(slow_clients, "MAX_WAITING_HEADERS", MOST_WAITING)
        handle = start_api(settings, factory(library_path), lambda: load_engine(settings), port=0)
        assert handle.wait_loaded(60)
        yield handle
    handle.stop()


@pytest.fixture(scope="module")
def library_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desktop.store.library import open_library

    path = tmp_path_factory.mktemp("hostile-api") / "library.db"
    open_library(path).close()
    return path


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """What uvicorn logs: its loggers do not propagate to the root, where caplog listens."""
    loggers = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error")]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in loggers:
        logger.removeHandler(caplog.handler)


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage()[:300] for r in errors]


def test_json_nested_1000_deep_is_a_400(
    api: ApiHandle, server_log: pytest.LogCaptureFixture
) -> None:
    deep = "[" * 1000 + "]" * 1000
    for path in ("/v1/feedback", "/v1/suggest"):
        body = ('{"kind": "draft", "action": "copied", "conversation": ' + deep + "}").encode()
        status, _, answer = request(api, "POST", path, body)
        assert status == 400, answer
        assert "nests deeper" in json.loads(answer)["error"]
    _no_tracebacks(server_log)


@pytest.mark.parametrize("port", [99999, -1, 65536])
def test_a_port_that_is_not_a_port_is_one_clear_error(library_path: Path, port: int) -> None:
    def never() -> None:
        raise AssertionError("nothing may load for a refused port")

    with pytest.raises(InputError, match=r"not a port: use a number from 1 to 65535"):
        start_api(Settings(api_port=port), factory(library_path), never)  # type: ignore[arg-type]


@pytest.mark.parametrize("token", ["x", "short-token"])
def test_a_short_token_is_refused(library_path: Path, token: str) -> None:
    with pytest.raises(InputError, match="at least 16"):
        start_api(Settings(), factory(library_path), lambda: None, token=token, port=0)  # type: ignore[arg-type,return-value]


def _slow_header_clients(api: ApiHandle, count: int) -> list[socket.socket]:
    clients = []
    for _ in range(count):
        client = socket.create_connection((api.host, api.port), timeout=5)
        client.sendall(b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        clients.append(client)
    return clients


def _closed_by_server(client: socket.socket) -> bool:
    try:
        return client.recv(1024) == b""
    except (ConnectionResetError, TimeoutError):
        return True


def test_slow_headers_cannot_lock_the_window_out(api: ApiHandle) -> None:
    # More slow clients than the server's 64 connections: before, every other request got 503.
    clients = _slow_header_clients(api, 70)
    try:
        started = time.monotonic()
        status, _, _ = request(api, "GET", "/v1/health", timeout=10)
        assert status == 200
        assert time.monotonic() - started < 5
        time.sleep(HEADER_SECONDS + 1)
        # The last few were still waiting; their time is up now: every one was closed.
        assert all(_closed_by_server(c) for c in clients[-MOST_WAITING:])
    finally:
        for client in clients:
            client.close()


def test_a_slow_body_gets_408_and_the_connection_closed(api: ApiHandle) -> None:
    client = socket.create_connection((api.host, api.port), timeout=BODY_SECONDS + 5)
    try:
        client.sendall(
            b"POST /v1/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Authorization: Bearer {api.token}\r\n".encode()
            + b'Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{"kind"'
        )
        started = time.monotonic()
        answer = b""
        while chunk := client.recv(4096):
            answer += chunk
        assert time.monotonic() - started < BODY_SECONDS + 3
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    finally:
        client.close()


def test_a_client_gone_mid_body_leaves_no_traceback(
    api: ApiHandle, server_log: pytest.LogCaptureFixture
) -> None:
    for path in ("/v1/feedback", "/v1/suggest"):
        client = socket.create_connection((api.host, api.port), timeout=5)
        client.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
            + f"Authorization: Bearer {api.token}\r\n".encode()
            + b'Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"conv'
        )
        time.sleep(0.3)
        client.close()
    time.sleep(0.5)
    assert request(api, "GET", "/v1/health")[0] == 200
    _no_tracebacks(server_log)


def _preflight(api: ApiHandle, origin: str) -> tuple[int, dict[str, str]]:
    status, response, _ = request(
        api,
        "OPTIONS",
        "/v1/suggest",
        token=None,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    return status, {k.lower(): v for k, v in response.getheaders()}


def test_a_refused_preflight_grants_no_private_network_access(api: ApiHandle) -> None:
    status, headers = _preflight(api, "https://evil.example")
    assert status == 400
    assert "access-control-allow-private-network" not in headers
    status, headers = _preflight(api, HELPDESK)
    assert status == 200
    assert headers.get("access-control-allow-private-network") == "true"
