"""The local API over loopback: real server, real default model, real SQLite library file."""

from __future__ import annotations

import http.client
import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import pytest
from desktop.api import ApiHandle, PortInUseError, start_api
from desktop.engine.loading import load_engine
from desktop.errors import InputError
from desktop.settings import Settings
from desktop.store.library import Library, open_library

HELPDESK = "https://helpdesk.example.com"
CONVERSATION = "Customer: Hi, I was charged twice for my order. Can I get a refund please?"


def settings_for(model: Path) -> Settings:
    return Settings(
        model_path=str(model),
        context_tokens=2048,
        max_tokens=40,
        alternatives=1,
        api_origins=(HELPDESK,),
    )


@pytest.fixture(scope="module")
def library_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "library.db"
    open_library(path).close()  # created and seeded once, as the CLI does before the workers
    return path


def factory(path: Path) -> Any:
    def open_one() -> Library:
        return open_library(path, seed=False, verify=False)

    return open_one


@pytest.fixture(scope="module")
def api(library_path: Path, default_model: Path) -> Iterator[ApiHandle]:
    settings = settings_for(default_model)
    handle = start_api(settings, factory(library_path), lambda: load_engine(settings), port=0)
    assert handle.wait_loaded(60)
    yield handle
    handle.stop()


def request(
    api: ApiHandle,
    method: str,
    path: str,
    body: Any = None,
    token: str | None = "",
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> tuple[int, http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection(api.host, api.port, timeout=timeout)
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token or api.token}"
    data = (
        None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    )
    if data is not None:
        sent["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        return response.status, response, response.read()
    finally:
        conn.close()


def events_of(stream: http.client.HTTPResponse) -> Iterator[tuple[str, Any]]:
    """Server-sent events as (name, decoded data), until the stream ends."""
    name, data = "message", ""
    while line := stream.readline():
        text = line.decode().rstrip("\r\n")
        if text.startswith("event:"):
            name = text[6:].strip()
        elif text.startswith("data:"):
            data += text[5:].strip()
        elif not text and data:
            yield name, json.loads(data)
            name, data = "message", ""


def open_stream(
    api: ApiHandle, body: dict[str, Any]
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    conn = http.client.HTTPConnection(api.host, api.port, timeout=120)
    conn.request(
        "POST",
        "/v1/suggest",
        body=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"},
    )
    return conn, conn.getresponse()


def test_every_route_needs_the_token(api: ApiHandle) -> None:
    for method, path in (("GET", "/v1/health"), ("GET", "/v1/canned?q=refund")):
        status, response, _ = request(api, method, path, token=None)
        assert status == 401 and response.getheader("WWW-Authenticate") == "Bearer"
        assert request(api, method, path, token="not-the-token")[0] == 401
    assert request(api, "POST", "/v1/suggest", {"conversation": CONVERSATION}, token=None)[0] == 401
    status, _, body = request(api, "GET", "/v1/health")
    assert status == 200 and json.loads(body)["model_loaded"] is True


def test_only_loopback_addresses_are_allowed(library_path: Path) -> None:
    def never() -> Any:
        raise AssertionError("the model must not load for a refused address")

    for host in ("0.0.0.0", "192.168.1.20", "::", "example.com"):
        with pytest.raises(InputError, match=r"127\.0\.0\.1"):
            start_api(Settings(), factory(library_path), never, host=host, port=0)


def test_a_port_in_use_is_reported(api: ApiHandle, library_path: Path) -> None:
    with pytest.raises(PortInUseError, match="Cannot listen") as refused:
        start_api(Settings(), factory(library_path), lambda: None, port=api.port)  # type: ignore[arg-type,return-value]
    assert refused.value.port == api.port and isinstance(refused.value, InputError)


def test_other_host_names_are_refused(api: ApiHandle) -> None:
    """A page whose DNS name rebinds to 127.0.0.1 still sends its own Host header."""
    status, _, _ = request(api, "GET", "/v1/health", headers={"Host": "evil.example:80"})
    assert status == 400


def test_cors_only_for_allowed_origins(api: ApiHandle) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    status, response, _ = request(
        api, "OPTIONS", "/v1/suggest", token=None, headers={"Origin": HELPDESK, **preflight}
    )
    assert status == 200
    assert response.getheader("Access-Control-Allow-Origin") == HELPDESK
    status, response, _ = request(
        api, "OPTIONS", "/v1/suggest", token=None,
        headers={"Origin": "https://evil.example", **preflight},
    )  # fmt: skip
    assert status == 400 and response.getheader("Access-Control-Allow-Origin") is None
    _, allowed, _ = request(api, "GET", "/v1/health", headers={"Origin": HELPDESK})
    assert allowed.getheader("Access-Control-Allow-Origin") == HELPDESK
    _, other, _ = request(api, "GET", "/v1/health", headers={"Origin": "https://evil.example"})
    assert other.getheader("Access-Control-Allow-Origin") is None


def test_suggestion_streams_ready_reply_before_the_first_token(api: ApiHandle) -> None:
    conn, stream = open_stream(api, {"conversation": CONVERSATION, "seed": 3})
    try:
        assert stream.status == 200
        assert stream.getheader("Content-Type", "").startswith("text/event-stream")
        events = list(events_of(stream))
    finally:
        conn.close()
    names = [name for name, _ in events]
    assert names[0] == "ready" and "token" in names
    assert names.index("ready") < names.index("token") < names.index("draft")
    assert names[-1] == "done"
    ready = events[0][1]
    assert ready["title"] and ready["text"]
    draft = dict(events)["draft"]
    assert draft["text"] and isinstance(draft["checks"], list)
    done = events[-1][1]
    assert done["text"] == draft["text"] and done["finish_reason"] in ("stop", "length")


def test_bad_suggest_requests_are_refused_with_a_reason(api: ApiHandle) -> None:
    status, _, body = request(api, "POST", "/v1/suggest", {"conversation": "  "})
    assert status == 400 and "conversation" in json.loads(body)["error"]
    assert request(api, "POST", "/v1/suggest", b"{not json")[0] == 400
    status, _, body = request(api, "POST", "/v1/suggest", {"conversation": "hi", "tone": "rude"})
    assert status == 400
    big = {"conversation": "Customer: " + "a" * 300_000}
    assert request(api, "POST", "/v1/suggest", big)[0] == 413


def test_canned_search(api: ApiHandle) -> None:
    status, _, body = request(api, "GET", "/v1/canned?q=refund&limit=3")
    assert status == 200
    found = json.loads(body)["responses"]
    assert 1 <= len(found) <= 3
    assert all("refund" in (r["title"] + r["body"]).lower() for r in found)
    assert {"id", "title", "body", "shortcode", "source"} <= set(found[0])


def test_feedback_is_recorded_redacted(api: ApiHandle, library_path: Path) -> None:
    event = {
        "kind": "draft",
        "action": "copied",
        "offered_text": "Hi, your refund is on its way.",
        "copied_text": "Hi, your refund is on its way. Mail me at jo@example.com",
        "canned_ids": [1],
        "first_token_s": 0.4,
    }
    status, _, _ = request(api, "POST", "/v1/feedback", event)
    assert status == 201
    with sqlite3.connect(library_path) as db:
        kind, action, text, ids = db.execute(
            "SELECT kind, action, copied_text, canned_ids FROM feedback ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert (kind, action, ids) == ("draft", "copied", "[1]")
    assert "jo@example.com" not in text and "[email]" in text
    status, _, body = request(api, "POST", "/v1/feedback", {**event, "kind": "essay"})
    assert status == 400 and "kind" in json.loads(body)["error"]


def test_disconnect_mid_stream_frees_the_model(api: ApiHandle) -> None:
    conn, stream = open_stream(api, {"conversation": CONVERSATION, "alternatives": 5})
    first = next(events_of(stream))
    assert first[0] == "ready"
    conn.close()  # the agent closed the helpdesk tab
    started = time.monotonic()
    conn, stream = open_stream(api, {"conversation": CONVERSATION, "seed": 1})
    try:
        names = [name for name, _ in events_of(stream)]
    finally:
        conn.close()
    assert names[-1] == "done"
    assert time.monotonic() - started < 60


def test_a_request_flood_is_served_or_refused_without_hanging(api: ApiHandle) -> None:
    def one(n: int) -> int:
        if n % 25 == 0:
            conn, stream = open_stream(api, {"conversation": CONVERSATION, "seed": n})
            try:
                if stream.status == 200:
                    assert [name for name, _ in events_of(stream)][-1] in ("done", "error")
                else:
                    stream.read()
                return int(stream.status)
            finally:
                conn.close()
        path = "/v1/health" if n % 2 else f"/v1/canned?q=refund+{n}"
        return request(api, "GET", path, timeout=30)[0]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(one, n) for n in range(200)]
        done, not_done = wait(futures, timeout=120)
    assert not not_done, "requests hung"
    statuses = [f.result() for f in done]
    assert set(statuses) <= {200, 503}
    assert statuses.count(200) >= 150
    # and it still answers at once afterwards
    quick = time.monotonic()
    assert request(api, "GET", "/v1/health", timeout=5)[0] == 200
    assert time.monotonic() - quick < 2
    assert time.monotonic() - started < 120


def test_stop_ends_open_streams_and_frees_the_port(library_path: Path, default_model: Path) -> None:
    settings = settings_for(default_model)
    handle = start_api(settings, factory(library_path), lambda: load_engine(settings), port=0)
    assert handle.wait_loaded(60)
    conn, stream = open_stream(handle, {"conversation": CONVERSATION, "alternatives": 5})
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(n for n, _ in events_of(stream)))
    reader.start()
    started = time.monotonic()
    handle.stop()
    assert time.monotonic() - started < 15
    reader.join(15)
    conn.close()
    assert not reader.is_alive()
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection((handle.host, handle.port), timeout=2),
    ):
        pass
