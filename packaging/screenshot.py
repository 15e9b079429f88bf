"""Make the README screenshot: the real window, real model, real canned library.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshot.py [out.png]

Uses a throwaway data folder so the user's library is untouched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["AGENT_ASSIST_HOME"] = tempfile.mkdtemp(prefix="agent-assist-shot-")

from desktop import settings as settings_module  # noqa: E402
from desktop.context import open_library  # noqa: E402
from desktop.ui.launch import build_window, create_app  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

CONVERSATION = """Customer: Hi, I ordered a pair of running shoes last Monday and the tracking hasn't updated in four days.
Agent: Hi Sam, thanks for reaching out! Could you share your order number so I can take a look?
Customer: Sure, it's 48213. I need them before a race on Saturday. Can you tell me when my package will arrive?
"""


def wait(app: QApplication, condition: object, timeout_ms: int = 60_000) -> None:
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(50)
    elapsed = [0]

    def tick() -> None:
        elapsed[0] += 50
        if condition() or elapsed[0] > timeout_ms:  # type: ignore[operator]
            loop.quit()

    timer.timeout.connect(tick)
    timer.start()
    loop.exec()


def main() -> int:
    out = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else ROOT / "resources" / "screenshots" / "main-window.png"
    )
    app = create_app()
    open_library().close()  # seed
    settings = settings_module.Settings(max_tokens=120, temperature=0.3)
    window = build_window(settings)
    window.resize(1360, 820)
    window.show()
    wait(app, lambda: window.assist.model_info is not None)
    window.conversation.set_text(CONVERSATION)
    wait(app, lambda: window.canned.list.count() > 0, 5_000)
    finished: list[object] = []
    window.assist.finished.connect(finished.append)
    window.generate()
    wait(app, lambda: bool(finished))
    wait(app, lambda: False, 400)  # let the last repaint land
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    print(f"saved {out}")
    window.close()
    window.assist.shutdown()
    window.search.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
