"""`agent-assist api`: the local HTTP API without the window (helpdesk sidebars, scripts)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType

from desktop import settings as settings_module
from desktop.api import start_api
from desktop.engine.loading import load_engine
from desktop.errors import InputError
from desktop.store.library import open_library, open_worker_library

TOKEN_VARIABLE = "AGENT_ASSIST_API_TOKEN"


def api_command(args: argparse.Namespace) -> int:
    settings = settings_module.load()
    if args.port is not None and not 0 <= args.port <= 65535:
        raise InputError("--port must be between 0 and 65535.")
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    open_library().close()  # checks, migrates and seeds the file once, before the workers
    handle = start_api(
        settings,
        open_worker_library,
        lambda: load_engine(settings),
        token=token or None,
        host=args.host,
        port=args.port,
    )
    stopping = threading.Event()

    def on_signal(_number: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    out = sys.stdout
    out.write(f"Agent Assist API on {handle.url}\n")
    if not token:
        out.write(f"Token (send as 'Authorization: Bearer ...'): {handle.token}\n")
        out.write(f"Set {TOKEN_VARIABLE} to choose your own.\n")
    origins = ", ".join(settings.api_origins) or "none (set api_origins in the settings)"
    out.write(f"Browser origins allowed: {origins}\nLoading the model... ")
    out.flush()
    handle.wait_loaded()
    out.write("ready. Ctrl+C stops.\n")
    out.flush()
    try:
        while not stopping.wait(0.5):  # a timed wait, so Ctrl+C is seen on Windows too
            pass
    except KeyboardInterrupt:
        pass
    finally:
        handle.stop()
    out.write("Stopped.\n")
    return 0
