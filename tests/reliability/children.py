"""Child processes of the kill tests: wait for the line that says the child got that far."""

from __future__ import annotations

import subprocess
import time


def wait_for_line(child: subprocess.Popen[str], expected: str, timeout: float) -> None:
    """Read the child's output until the line `expected`; fail with its stderr if it never comes.

    (A child that prints nothing at all can still block a read: the timeout bounds the wait
    between lines, which is what these drivers need.)
    """
    assert child.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if line.strip() == expected:
            return
        if not line and child.poll() is not None:
            break
    child.kill()
    _out, err = child.communicate(timeout=30)
    raise AssertionError(f"the child never printed {expected!r}: {(err or '')[-2000:]}")
