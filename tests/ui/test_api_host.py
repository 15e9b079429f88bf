"""The window's local API: real window offscreen, real model, real loopback HTTP.

Turned on in Settings it listens (off the GUI thread) with a token from the keyring, answers
only with that token, streams suggestions, restarts with a new token, stops when turned off;
a port in use is one clear status line; a flood is bounded and the window keeps drafting.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from desktop import paths
from desktop.drafting.events import Finished
from desktop.drafting.results import SuggestionResult
from desktop.engine import api_key
from desktop.settings import Settings
from desktop.ui.api_host import STOPPED, ApiHost, find_api_host, listening, port_in_use
from desktop.ui.main_window import MainWindow
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import WindowFactory
from tests.ui.news import of_kind
from tests.ui.test_main_window import wait_model
from tests.ui.test_server_settings import open_settings

HELPDESK = "https://helpdesk.example.com"
CONVERSATION = "Customer: Hi, I was charged twice for my order. Can I get a refund please?"
MODEL_WAIT_MS = 120_000


@pytest.fixture(autouse=True)
def fresh_token(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test reads the keyring anew; no token from the environment."""
    monkeypatch.delenv(api_key.LOCAL_TOKEN_ENV, raising=False)
    api_key.forget_local_api_token()
    yield
    api_key.forget_local_api_token()


@pytest.fixture
def ring() -> Iterator[MemoryKeyring]:
    import keyring

    memory = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """A box without an OS keyring (importing MemoryKeyring makes it keyring's default)."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def log_file(app_home: Path) -> Iterator[Path]:
    """The app's log file, as `configure_logging` writes it (INFO and up)."""
    paths.data_dir().mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(paths.log_path(), encoding="utf-8")
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    yield paths.log_path()
    root.removeHandler(handler)
    root.setLevel(level)
    handler.close()


@pytest.fixture
def api_window(make_window: WindowFactory) -> Iterator[WindowFactory]:
    """`make_window`, whose local API is stopped at the end (aboutToQuit never comes here)."""
    hosts: list[ApiHost] = []

    def make(settings: Settings) -> MainWindow:
        window = make_window(settings)
        hosts.append(host_of(window))
        return window

    yield make
    for host in hosts:
        host.shutdown()


def host_of(window: MainWindow) -> ApiHost:
    host = find_api_host(window)
    assert host is not None
    return host


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings(**changes: Any) -> Settings:
    return Settings(max_tokens=24, alternatives=1, **changes)


def call(
    url: str, method: str, path: str, token: str | None, body: Any = None, timeout: float = 30
) -> tuple[int, http.client.HTTPResponse, http.client.HTTPConnection]:
    """One request; the caller reads the response (a stream, maybe) and closes the connection."""
    where = urlsplit(url)
    conn = http.client.HTTPConnection(where.hostname or "", where.port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    return response.status, response, conn


def status_of(url: str, token: str | None, path: str = "/v1/health") -> int:
    status, response, conn = call(url, "GET", path, token)
    response.read()
    conn.close()
    return status


def events_of(stream: http.client.HTTPResponse) -> list[str]:
    """The names of the server-sent events, until the stream ends."""
    names: list[str] = []
    while line := stream.readline():
        text = line.decode().rstrip("\r\n")
        if text.startswith("event:"):
            names.append(text[6:].strip())
    return names


def suggest(url: str, token: str, seed: int = 1) -> tuple[int, list[str]]:
    body = {"conversation": CONVERSATION, "seed": seed}
    status, response, conn = call(url, "POST", "/v1/suggest", token, body, timeout=300)
    try:
        return status, events_of(response) if status == 200 else [response.read().decode()]
    finally:
        conn.close()


def memory_kib() -> dict[str, int]:
    """This process's proportional and anonymous resident memory (Linux), in KiB."""
    rollup = Path("/proc/self/smaps_rollup")
    if not rollup.exists():
        return {}
    fields = dict(line.split(":", 1) for line in rollup.read_text().splitlines()[1:])
    return {name: int(fields[name].split()[0]) for name in ("Rss", "Pss", "Anonymous")}


def save_dialog(qtbot: QtBot, window: MainWindow, **edits: Any) -> None:
    dialog = open_settings(window)
    if "enabled" in edits:
        dialog.api.enabled.setChecked(edits["enabled"])
    if "port" in edits:
        dialog.api.port.setValue(edits["port"])
    if edits.get("new_token"):
        dialog.api.new_token_button.click()
    dialog.accept()


def test_turned_on_in_settings_it_answers_with_the_token_only(
    qtbot: QtBot, api_window: WindowFactory, ring: MemoryKeyring, log_file: Path
) -> None:
    window = api_window(settings())
    host = host_of(window)
    wait_model(qtbot, window)
    assert host.status == STOPPED  # off by default
    before = memory_kib()

    dialog = open_settings(window)
    assert "127.0.0.1 only" in dialog.api.status.text()
    shown = dialog.api.token.text()
    assert len(shown) >= 40 and not ring.saved  # shown, saved only once the API is on
    dialog.api.copy_token_button.click()
    assert QGuiApplication.clipboard().text() == shown
    dialog.api.enabled.setChecked(True)
    dialog.api.port.setValue(free_port())
    dialog.api.origins_edit.setText(f" {HELPDESK}/ , ")
    dialog.accept()
    assert ring.saved == {(api_key.SERVICE, api_key.LOCAL_TOKEN_ENTRY): shown}

    qtbot.waitUntil(lambda: bool(host.url), timeout=30_000)
    url = host.url
    assert window.statusBar().currentMessage() == listening(url)
    assert window.statusBar().currentMessage().startswith("Local API on http://127.0.0.1:")
    assert host.token == shown
    saved = json.loads(paths.settings_path().read_text(encoding="utf-8"))
    assert saved["api_enabled"] is True and saved["api_origins"] == [HELPDESK]

    qtbot.waitUntil(lambda: host.wait_loaded(0), timeout=MODEL_WAIT_MS)
    after = memory_kib()
    if before:
        extra = {name: (after[name] - before[name]) // 1024 for name in before}
        print(f"\nlocal API's own engine: extra resident MiB {extra}")

    assert status_of(url, shown) == 200
    assert status_of(url, None) == 401
    assert status_of(url, "not-the-token") == 401
    status, names = suggest(url, shown)
    assert status == 200
    assert names[0] == "ready" and names[1] == "token" and names[-1] == "done"

    save_dialog(qtbot, window, new_token=True)  # a leaked token is replaced in one click
    qtbot.waitUntil(lambda: host.token not in ("", shown), timeout=30_000)
    renewed = host.token
    assert ring.saved[(api_key.SERVICE, api_key.LOCAL_TOKEN_ENTRY)] == renewed
    qtbot.waitUntil(lambda: bool(host.url), timeout=30_000)
    assert status_of(host.url, shown) == 401
    assert status_of(host.url, renewed) == 200

    first_url = host.url
    save_dialog(qtbot, window, port=free_port())  # another port: restarted there
    qtbot.waitUntil(lambda: host.url not in ("", first_url), timeout=30_000)
    assert status_of(host.url, renewed) == 200
    with pytest.raises(ConnectionRefusedError):
        status_of(first_url, renewed)
    dialog = open_settings(window)
    assert dialog.api.token.text() == renewed and "OS keyring" in dialog.api.status.text()
    assert listening(host.url) in dialog.api.status.text()
    dialog.reject()
    save_dialog(qtbot, window, enabled=False)
    qtbot.waitUntil(lambda: host.status == STOPPED, timeout=30_000)
    assert window.statusBar().currentMessage() == STOPPED
    for gone in (url, first_url):
        with pytest.raises(ConnectionRefusedError):
            status_of(gone, renewed)

    logged = log_file.read_text(encoding="utf-8")
    assert "local API stopped" in logged  # the log was written to ...
    stored = paths.settings_path().read_text(encoding="utf-8")
    for token in (shown, renewed):  # ... and holds no token, nor do the settings
        assert token not in logged and token not in stored


def test_a_port_in_use_is_one_clear_line_and_the_window_keeps_working(
    qtbot: QtBot, api_window: WindowFactory, no_keyring: None
) -> None:
    with socket.socket() as taken:  # another program on the port
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        window = api_window(settings(api_enabled=True, api_port=port))
        host = host_of(window)
        expected = port_in_use(port)
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == expected, timeout=30_000)
        assert expected.endswith("choose another port in Settings > Local API.")
        assert host.status == expected and not host.url

        wait_model(qtbot, window)
        window.conversation.set_text(CONVERSATION)
        with qtbot.waitSignal(
            window.assist.news, timeout=MODEL_WAIT_MS, check_params_cb=of_kind(Finished)
        ) as finished:
            window.drafts.generate()
        result: SuggestionResult = finished.args[0].result
        assert result.text.strip()
    dialog = open_settings(window)
    assert "No OS keyring" in dialog.api.status.text()  # the token lives for this run only
    assert expected in dialog.api.status.text()
    dialog.reject()


def test_a_request_flood_is_bounded_and_the_window_keeps_drafting(
    qtbot: QtBot, api_window: WindowFactory, ring: MemoryKeyring
) -> None:
    window = api_window(settings(api_enabled=True, api_port=0))  # 0: any free port
    host = host_of(window)
    qtbot.waitUntil(lambda: bool(host.url), timeout=30_000)
    wait_model(qtbot, window)
    qtbot.waitUntil(lambda: host.wait_loaded(0), timeout=MODEL_WAIT_MS)
    ticks = [0]

    def tick() -> None:
        ticks[0] += 1

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    url, token = host.url, host.token
    pool = ThreadPoolExecutor(max_workers=30)
    try:
        flood: list[Future[tuple[int, list[str]]]] = [
            pool.submit(suggest, url, token, n) for n in range(30)
        ]
        window.conversation.set_text(CONVERSATION)
        at_start = ticks[0]
        with qtbot.waitSignal(
            window.assist.news, timeout=MODEL_WAIT_MS, check_params_cb=of_kind(Finished)
        ) as finished:
            window.drafts.generate()
        draft: SuggestionResult = finished.args[0].result
        assert draft.text.strip()  # the window drafted while the API was flooded
        qtbot.waitUntil(lambda: all(f.done() for f in flood), timeout=300_000)
    finally:
        pool.shutdown(wait=True)
        timer.stop()
    assert ticks[0] > at_start  # the event loop ran all along
    results = [f.result() for f in flood]
    statuses = [status for status, _ in results]
    print(f"\nflood of 30 suggestions: {statuses.count(200)} served, "
          f"{statuses.count(503)} refused (503); {ticks[0] - at_start} timer ticks")  # fmt: skip
    assert set(statuses) <= {200, 503}
    assert 200 in statuses and 503 in statuses
    for status, names in results:
        if status == 200:
            assert names[0] == "ready" and names[-1] in ("done", "error")
        else:
            assert "Busy" in names[0]
    assert status_of(url, token) == 200  # and it still answers afterwards
