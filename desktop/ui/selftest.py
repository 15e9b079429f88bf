"""`agent-assist --self-test`: prove an installation works end to end, in one line.

Runs the real start-up path (QApplication, database, window, background model load) on a
throwaway data folder and an offscreen window, then drafts one reply and ranks canned
responses. Prints `self-test ok: ...` with start-up timings and exits 0, or prints
`self-test FAILED: <reason>` and exits 1. Packaged builds are checked with it (tests/
test_frozen.py), so it must need nothing beyond what the bundle carries.

Waiting goes through desktop.ui.waiting.wait_until (why: see there).
"""

from __future__ import annotations

import faulthandler
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# app.py imports this module only for --self-test, so the CLI stays free of Qt.
from PySide6.QtCore import QTimer

from desktop import __version__, paths
from desktop.ui.waiting import wait_until

SAMPLE_CONVERSATION = (
    "Customer: Hi, I ordered running shoes last Monday and the tracking hasn't moved.\n"
    "Agent: Sorry about that! Could you share your order number?\n"
    "Customer: It's 48213. Where is my package? I need it before Saturday.\n"
)
WINDOW_SIZE = (1280, 800)
MAX_TOKENS = 40
TIMEOUT_S = 180.0  # model load or one draft; generous for a slow laptop on battery


class SelfTestError(Exception):
    """A check failed; the message is the one-line reason."""


def _seconds_since_process_start() -> float | None:
    """How long ago the process (or, for a one-file build, its unpacking parent) started.

    Linux only, from /proc (10 ms resolution); elsewhere None, and timings are then counted
    from the start of the self-test instead.
    """
    try:
        pid = os.getpid()
        # A one-file build runs in a child of the bootloader that unpacked it; that unpacking
        # is part of what the user waits for, so measure from the parent.
        # (A one-folder build unpacks nothing: its _MEIPASS lies inside the app's folder.)
        meipass = getattr(sys, "_MEIPASS", None)
        app_folder = Path(sys.executable).resolve().parent
        if paths.is_frozen() and meipass and not Path(meipass).resolve().is_relative_to(app_folder):
            pid = os.getppid()
        stat = Path(f"/proc/{pid}/stat").read_text()
        start_ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: starttime
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _wait(done: Callable[[], bool], what: str) -> None:
    if not wait_until(done, TIMEOUT_S):
        raise SelfTestError(f"timed out after {TIMEOUT_S:.0f} s waiting for {what}")


class _Clock:
    """Seconds since process start (or since the self-test started, where unknown)."""

    def __init__(self) -> None:
        self._origin = time.perf_counter()
        since_start = _seconds_since_process_start()
        self.from_process_start = since_start is not None
        self._offset = since_start or 0.0

    def now(self) -> float:
        return self._offset + time.perf_counter() - self._origin


def _check(clock: _Clock) -> str:
    # Imported here, timed as part of start-up: Qt and llama.cpp are the bulk of it.
    from desktop import settings as settings_module
    from desktop.drafting.events import Failed, Finished
    from desktop.store.library import open_library
    from desktop.store.ranking import rank_for
    from desktop.transcript import parse
    from desktop.ui.launch import build_window, create_app

    model = paths.default_model_path()
    if not model.is_file():
        raise SelfTestError(f"the bundled model is missing: {model}")
    app = create_app([sys.argv[0]])

    library = open_library()  # first-run seeding, as run_gui does before the window
    settings = settings_module.Settings(max_tokens=MAX_TOKENS, temperature=0.0)
    ready: list[Any] = []
    failures: list[str] = []
    window = build_window(settings)  # starts loading the model in the background
    try:
        window.assist.model_ready.connect(ready.append)
        window.assist.model_failed.connect(failures.append)
        window.resize(*WINDOW_SIZE)
        window.show()
        handle = window.windowHandle()
        _wait(handle.isExposed, "the window to show")
        window_shown = clock.now()

        _wait(lambda: bool(ready or failures), "the model to load")
        if failures:
            raise SelfTestError(f"the model did not load: {failures[0]}")
        model_ready = clock.now()
        info = ready[0]

        # After the window, as in the app, where the search thread builds the index meanwhile.
        try:
            ranked = rank_for(library.repo, parse(SAMPLE_CONVERSATION), 3)
            seeded = library.seeded
        finally:
            library.close()
        if not seeded:
            raise SelfTestError("the seed canned library is missing or empty")
        if not ranked:
            raise SelfTestError("no canned response ranked for the sample conversation")

        results: list[Any] = []

        def on_news(event: object) -> None:
            if isinstance(event, Finished):
                results.append(event.result)
            elif isinstance(event, Failed):
                failures.append(event.message)

        window.assist.news.connect(on_news)
        window.conversation.set_text(SAMPLE_CONVERSATION)
        window.drafts.generate()
        _wait(lambda: bool(results or failures), "a suggestion")
        if failures:
            raise SelfTestError(f"the suggestion failed: {failures[0]}")
        result = results[0]
        if not result.text.strip():
            raise SelfTestError("the model produced an empty suggestion")

        pixmap = window.grab()
        if pixmap.isNull() or pixmap.width() == 0:
            raise SelfTestError("the main window rendered nothing")
        size = f"{pixmap.width()}x{pixmap.height()}"
    finally:
        window.close()
        # Quit the way the app does: exec() emits aboutToQuit on leaving, which runs every
        # shutdown build_window registered (model thread, search threads, ...).
        QTimer.singleShot(0, app.quit)
        app.exec()

    origin = "after process start" if clock.from_process_start else "after self-test start"
    return (
        f"agent-assist {__version__}, model={info.name}, load {info.load_seconds:.2f}s, "
        f"window shown {window_shown:.2f}s and model ready {model_ready:.2f}s {origin}, "
        f"first token {result.first_token_s or 0:.2f}s, {result.completion_tokens} tokens, "
        f"{result.tokens_per_s:.0f} tok/s, canned top={ranked[0].title!r} "
        f"({len(ranked)} ranked of {seeded} seeded), window {size}, "
        f"llama.cpp CPU variant {info.cpu_variant_reason or info.cpu_variant}"
    )


# Every wait inside has its own limit; this catches what has none (a thread that never ends):
# the self-test then dies with every thread's stack on stderr instead of hanging.
WATCHDOG_S = 180


def run_self_test() -> int:
    """Run every check; print one summary line; 0 when all passed."""
    faulthandler.dump_traceback_later(WATCHDOG_S, exit=True)
    clock = _Clock()
    try:
        home = tempfile.mkdtemp(prefix="agent-assist-selftest-")
    except OSError as exc:
        sys.stdout.write(f"self-test FAILED: cannot create a temporary folder: {exc}\n")
        return 1
    # Before anything reads a path or starts Qt: the user's data stays untouched, and the
    # window renders without a display.
    os.environ["AGENT_ASSIST_HOME"] = home
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        summary = _check(clock)
    except Exception as exc:  # noqa: BLE001 - the self-test reports every failure as one line
        sys.stdout.write(f"self-test FAILED: {exc}\n")
        sys.stdout.flush()
        return 1
    finally:
        shutil.rmtree(home, ignore_errors=True)
    sys.stdout.write(f"self-test ok: {summary}\n")
    sys.stdout.flush()  # before interpreter teardown, where Qt may still abort
    return 0
