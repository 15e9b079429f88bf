"""Run the Qt event loop until a condition holds: for scripts and the self-test, not widgets.

A QEventLoop with a polling QTimer, not a `processEvents()` loop: PySide6 6.12 on Python 3.11
drops a reference to None on every call of a static void method such as
`QApplication.processEvents()`, and a few thousand calls abort the interpreter.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer


def wait_until(done: Callable[[], bool], timeout_s: float) -> bool:
    """Spin the event loop until `done()` (checked every 5 ms); False on time-out."""
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(5)

    def tick() -> None:
        if done() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(tick)
    timer.start()
    loop.exec()
    timer.stop()
    return done()
