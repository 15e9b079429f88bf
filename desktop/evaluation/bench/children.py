"""Start-up and the Qt event loop for `agent-assist bench`, measured in child processes.

In a child process, so that this package and the CLI stay free of Qt.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

from desktop import paths
from desktop.evaluation.bench.config import BenchConfig

_SELF_TEST = re.compile(r"window shown ([\d.]+)s and model ready ([\d.]+)s")


def startup_figures() -> dict[str, Any]:
    """Process start to window shown and to model ready, from `--self-test`'s own clock."""
    command = [sys.executable] if paths.is_frozen() else [sys.executable, "-m", "desktop"]
    done = subprocess.run(
        [*command, "--self-test"], capture_output=True, text=True, timeout=300, check=False
    )
    found = _SELF_TEST.search(done.stdout)
    if not found:
        return {"startup_error": (done.stdout + done.stderr).strip()[-300:]}
    return {"window_shown_s": float(found[1]), "model_ready_s": float(found[2])}


def event_loop_figures(config: BenchConfig) -> dict[str, Any]:
    """The event-loop probe and the widget's decode speed, from the Qt child's JSON line."""
    if paths.is_frozen():
        return {"event_loop_error": "not measured in the packaged app"}
    child = "desktop.ui.bench_window"  # Qt stays in that process
    command = [sys.executable, "-m", child, "--tokens", str(config.decode_tokens)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=False, env=env
    )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            parsed: dict[str, Any] = json.loads(line)
            return parsed
    return {"event_loop_error": (done.stdout + done.stderr).strip()[-300:]}
