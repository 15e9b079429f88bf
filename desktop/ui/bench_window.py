"""The benchmark's Qt half: event-loop stalls and tokens reaching the suggestion widget.

Run by `agent-assist bench` as `python -m desktop.ui.bench_window` in a child process (so
the CLI stays free of Qt), it prints one JSON line. The real window is built on a throwaway
data folder, offscreen, exactly as `--self-test` builds it (worker thread, signals, widgets),
and a timer probe on the GUI thread records every gap in the event loop while the model
streams at full speed, while an agent types into the conversation, and while one types a
search.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The CLI only ever spawns this module, so it stays free of Qt.
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtTest import QTest

from desktop.ui.waiting import wait_until

PROBE_MS = 4  # the probe's period: a gap beyond it is time the event loop was busy
STALL_MS = 16.0  # one frame at 60 Hz
KEY_MS = 60  # an agent typing quickly: about 16 characters a second
CONVERSATION = (
    "Customer: Hi, I ordered running shoes last Monday and the tracking hasn't moved.\n"
    "Agent: Sorry about that! Could you share your order number?\n"
    "Customer: It's 48213. Where is my package? I need it before Saturday.\n"
)
TYPED = "Customer: Also, can I change the delivery address to my office?"
SEARCHED = "refund status"
TIMEOUT_S = 240.0


class StallProbe(QObject):
    """A repeating timer; each gap beyond its period is a stall of the event loop.

    A watcher thread says what the GUI thread was doing in each stall: once the probe is
    STALL_MS late, it reads the GUI thread's Python stack and keeps its innermost app frame
    (a slot of ours), or "Qt" when no app code was running (layout, painting, the OS).
    """

    def __init__(self) -> None:
        super().__init__()
        self.gaps_ms: list[float] = []
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(PROBE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._gui = threading.get_ident()
        self._culprits: Counter[str] = Counter()
        self._watching = threading.Event()

    def start(self) -> None:
        self.gaps_ms.clear()
        self._culprits.clear()
        self._last = time.perf_counter()
        self._timer.start()
        self._watching.set()
        threading.Thread(target=self._watch, name="stall-watch", daemon=True).start()

    def stop(self) -> dict[str, Any]:
        self._timer.stop()
        self._watching.clear()
        stalls = [g - PROBE_MS for g in self.gaps_ms]
        return {
            "max_stall_ms": round(max(stalls, default=0.0), 1),
            "stalls_over_16ms": sum(s > STALL_MS for s in stalls),
            "ticks": len(stalls),
            "stalled_in": dict(self._culprits.most_common(5)),
        }

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        self.gaps_ms.append((now - self._last) * 1000)
        self._last = now

    def _watch(self) -> None:
        seen = 0.0
        while self._watching.is_set():
            time.sleep(0.002)
            last = self._last
            if last != seen and (time.perf_counter() - last) * 1000 > PROBE_MS + STALL_MS:
                seen = last  # one sample per stall
                frame = sys._current_frames().get(self._gui)
                self._culprits[_innermost_app_frame(frame)] += 1


def _innermost_app_frame(frame: Any) -> str:
    """`module.function` of the innermost desktop/ frame (not this probe's), else "Qt"."""
    while frame is not None:
        code = frame.f_code
        name = code.co_filename.replace("\\", "/")
        if "/desktop/" in name and not name.endswith(("bench_qt.py", "waiting.py")):
            return f"{Path(name).stem}.{code.co_name}"
        frame = frame.f_back
    return "Qt"


def _typist(widget: Any, text: str) -> Callable[[], bool]:
    """Type `text` into `widget` one key every KEY_MS; returns "done yet?"."""
    remaining = list(text)
    timer = QTimer(widget)
    timer.setInterval(KEY_MS)

    def key() -> None:
        if not remaining:
            timer.stop()
            return
        char = remaining.pop(0)
        if char == "\n":  # keyClicks only knows printable characters
            QTest.keyClick(widget, Qt.Key.Key_Return)
        else:
            QTest.keyClicks(widget, char)

    timer.timeout.connect(key)
    timer.start()
    return lambda: not remaining


def measure(tokens: int) -> dict[str, Any]:
    from desktop import settings as settings_module
    from desktop.drafting.events import Finished, Token
    from desktop.ui.launch import build_window, create_app

    app = create_app([sys.argv[0]])
    settings = settings_module.Settings(max_tokens=tokens, draft_mode="free", alternatives=1)
    window = build_window(settings)
    out: dict[str, Any] = {}
    try:
        ready: list[Any] = []
        window.assist.model_ready.connect(ready.append)
        window.show()
        if not wait_until(lambda: bool(ready), TIMEOUT_S):
            raise TimeoutError("the model did not load")
        arrivals: list[float] = []
        results: list[Any] = []

        def on_news(event: object) -> None:
            if isinstance(event, Token):
                arrivals.append(time.perf_counter())
            elif isinstance(event, Finished):
                results.append(event.result)

        window.assist.news.connect(on_news)
        probe = StallProbe()

        # 1. Streaming at full speed, nothing else happening.
        window.conversation.set_text(CONVERSATION)
        wait_until(lambda: False, 0.3)  # let the conversation be parsed and ranked
        probe.start()
        window.drafts.generate()
        wait_until(lambda: bool(results), TIMEOUT_S)
        out["streaming"] = probe.stop()
        result = results[0]
        span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
        tps = (result.completion_tokens - 1) / span if span > 0 else 0.0
        out["decode_tps_widget"] = round(tps, 1)
        out["decode_tokens_widget"] = result.completion_tokens

        # 2. Typing in the conversation while the model streams.
        results.clear()
        probe.start()
        window.drafts.generate()
        editor = window.conversation.editor
        editor.moveCursor(editor.textCursor().MoveOperation.End)
        typed = _typist(editor, "\n" + TYPED)
        wait_until(lambda: typed() and bool(results), TIMEOUT_S)
        out["typing"] = probe.stop()

        # 3. Typing a search.
        probe.start()
        searched = _typist(window.canned.search, SEARCHED)
        wait_until(searched, TIMEOUT_S)
        wait_until(lambda: False, 0.5)  # the last search's results arrive
        out["searching"] = probe.stop()
    finally:
        window.close()
        QTimer.singleShot(0, app.quit)
        app.exec()
    phases = [out[p] for p in ("streaming", "typing", "searching")]
    out["max_stall_ms"] = max(p["max_stall_ms"] for p in phases)
    out["stalls_over_16ms"] = sum(p["stalls_over_16ms"] for p in phases)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.bench_qt")
    parser.add_argument("--tokens", type=int, default=128, help="tokens per draft")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="agent-assist-bench-qt-")
    os.environ["AGENT_ASSIST_HOME"] = home  # the user's data stays untouched
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        sys.stdout.write(json.dumps(measure(args.tokens)) + "\n")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    sys.stdout.flush()
    # Skip interpreter teardown: PySide6 can abort while collecting Qt objects there, and the
    # figures are already written.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
