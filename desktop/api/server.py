"""Start and stop the local API: loopback only, uvicorn on a thread of its own. No Qt.

The socket is bound here, before the server thread starts, so a port in use or a refused
address is an exception for the caller (the window shows it, the CLI prints it), and port 0
gives a free port whose number is known at once.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import uvicorn

from desktop.api.app import ApiConfig, build_app
from desktop.api.generation import EngineFactory, GenerationWorker
from desktop.api.slow_clients import header_limited_protocol
from desktop.api.store_worker import StoreWorker
from desktop.errors import InputError
from desktop.settings import Settings
from desktop.store.library import Library

logger = logging.getLogger(__name__)

LOOPBACK = {"127.0.0.1": "127.0.0.1", "localhost": "127.0.0.1", "::1": "::1"}
# Windows says WSAEADDRINUSE, or WSAEACCES for a port another program holds exclusively.
_IN_USE = {errno.EADDRINUSE, 10048, 10013}
MAX_CONNECTIONS = 64  # beyond this uvicorn answers 503 at once rather than queue without end
MIN_TOKEN_CHARS = 16  # a generated token has 43; a short one can be guessed from a web page


def loopback_address(host: str) -> str:
    """The address to bind for `host`; anything but this machine's loopback is refused.

    The API hands out drafts of customers' conversations: it must never be reachable from the
    network, whatever a settings file or a command line says.
    """
    address = LOOPBACK.get(host.strip().strip("[]").lower())
    if address is None:
        raise InputError(
            f"The API listens on this computer only (127.0.0.1); {host!r} is not allowed."
        )
    return address


class PortInUseError(InputError):
    """Another program listens on the port: the agent should pick another one."""

    def __init__(self, address: str, port: int, reason: str) -> None:
        super().__init__(f"Cannot listen on {address}:{port}: {reason}.")
        self.port = port


@dataclass
class ApiHandle:
    """A running API. `stop()` ends it: streams are cancelled, the model is freed."""

    host: str
    port: int
    token: str
    _server: uvicorn.Server
    _thread: threading.Thread
    _generation: GenerationWorker
    _store: StoreWorker

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def wait_loaded(self, timeout: float | None = None) -> bool:
        """True once the model has loaded (the first suggestion would otherwise wait for it)."""
        return self._generation.wait_loaded(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        self._generation.stop(timeout)  # running and waiting streams end with "done"
        self._server.should_exit = True
        self._thread.join(timeout)
        self._store.stop()
        if self._thread.is_alive():
            logger.warning("API server thread did not stop within %.0f s", timeout)


def start_api(
    settings: Settings,
    library_factory: Callable[[], Library],
    engine_factory: EngineFactory,
    *,
    token: str | None = None,
    host: str = "127.0.0.1",
    port: int | None = None,
    max_waiting: int = 4,
) -> ApiHandle:
    """Serve the API on loopback in background threads; returns once it accepts connections.

    `library_factory` is called on each worker thread (SQLite connections are per thread);
    `engine_factory` once, on the generation thread, which owns the model until `stop()`.
    """
    address = loopback_address(host)
    port = check_port(settings.api_port if port is None else port)
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise InputError(
            f"The API token is {len(token)} characters long; use at least {MIN_TOKEN_CHARS} "
            "(a short token can be guessed), or leave AGENT_ASSIST_API_TOKEN unset for a "
            "generated one."
        )
    sock = _bind(address, port)
    token = token or secrets.token_urlsafe(32)
    generation = GenerationWorker(settings, library_factory, engine_factory, max_waiting)
    store = StoreWorker(library_factory)
    app = build_app(ApiConfig(token, settings.api_origins), settings, generation, store)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        http=header_limited_protocol(),  # slow headers time out and cannot fill the server
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=3,
        server_header=False,
    )
    server = uvicorn.Server(config)
    # uvicorn installs signal handlers only on the main thread: here it leaves them alone.
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="api-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    bound_port = int(sock.getsockname()[1])
    handle = ApiHandle(address, bound_port, token, server, thread, generation, store)
    if not server.started:
        handle.stop()
        sock.close()
        raise InputError("The API server did not start; see the log.")
    logger.info("API listening on %s", handle.url)
    return handle


def check_port(port: object) -> int:
    """The port, if it is one: settings.json may say anything (99999 was an OverflowError)."""
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise InputError(
            f"The API port {port!r} is not a port: use a number from 1 to 65535 (api_port in "
            "the settings, or --port), or 0 for any free port."
        )
    return port


def _bind(address: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    if os.name != "nt":  # on Windows SO_REUSEADDR would let another program take the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((address, port))
    except OSError as exc:
        sock.close()
        if exc.errno in _IN_USE or getattr(exc, "winerror", None) in _IN_USE:
            raise PortInUseError(address, port, exc.strerror or str(exc)) from exc
        raise InputError(f"Cannot listen on {address}:{port}: {exc.strerror or exc}.") from exc
    sock.listen(128)
    return sock
