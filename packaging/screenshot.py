"""Make the README screenshots: the real window, real model, real canned library.

The main window shows the ready reply and a checked draft. The model writes freely here (the
mode where the checks matter most) and the draft is regenerated until the checks took at least
one sentence out; when two were, one is restored so both looks show: underlined and struck out.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshot.py [folder]

Uses a throwaway data folder so the user's library is untouched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["AGENT_ASSIST_HOME"] = tempfile.mkdtemp(prefix="agent-assist-shot-")

from desktop import settings as settings_module  # noqa: E402
from desktop.drafting.session import EngineState  # noqa: E402
from desktop.store.library import open_library  # noqa: E402
from desktop.suggest import SuggestionResult  # noqa: E402
from desktop.ui.launch import build_window, create_app  # noqa: E402
from desktop.ui.waiting import wait_until  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402

CONVERSATION = """Customer: Hi, I ordered a pair of running shoes last Monday and the tracking hasn't updated in four days.
Agent: Hi Sam, thanks for reaching out! Could you share your order number so I can take a look?
Customer: Sure, it's 48213. Can I call someone about it? What number or website should I use to check when my package will arrive?
"""


def wait(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    wait_until(condition, timeout_s)


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "resources" / "screenshots"
    out = folder / "main-window.png"
    app = create_app()
    open_library().close()  # seed
    settings = settings_module.Settings(
        max_tokens=120, temperature=0.8, draft_mode="free", alternatives=1
    )
    window = build_window(settings)
    window.resize(1280, 800)
    window.show()
    wait(lambda: window.assist.model_info is not None)
    window.conversation.set_text(CONVERSATION)
    wait(lambda: window.canned.list.count() > 0 and window.suggestion.ready.isVisible(), 10)
    results: list[SuggestionResult] = []
    window.assist.finished.connect(results.append)
    for attempt in range(10):
        window.drafts.generate()
        wait(lambda attempt=attempt: len(results) > attempt, 120)  # type: ignore[misc]
        draft = results[-1].draft
        if draft is not None and len(draft.offered.removed) >= (2 if attempt < 5 else 1):
            break
    removed = window.suggestion.removed
    if len(removed.buttons) >= 2:
        removed.buttons[0].click()  # one restored (underlined), one still struck out
    speed = window.engine_status.speed_label
    wait(lambda: window.assist.state == EngineState.IDLE and bool(speed.text()))
    wait(lambda: False, 0.4)  # let the last repaint land
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    print(f"saved {out}")
    window.open_manager()
    manager = window.manager
    assert manager is not None
    manager.resize(1200, 720)
    wait(lambda: manager.pane.table.model().rowCount() > 0, 10)
    manager.pane.table.selectRow(0)
    wait(lambda: False, 0.4)
    manager.grab().save(str(folder / "library-window.png"))
    print(f"saved {folder / 'library-window.png'}")
    window.close()
    # Quit the way the app does: exec() emits aboutToQuit, which stops every worker thread.
    QTimer.singleShot(0, app.quit)
    app.exec()
    # PySide6 6.12 can abort while the interpreter tears its objects down after a script like
    # this one ("bool_dealloc"); the work is done and saved, so leave without that teardown.
    sys.stdout.flush()
    os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
