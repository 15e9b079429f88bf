"""A real library window in its own process, driven like an agent would, for the kill tests.

`python -m tests.reliability.manager_driver import FILE` or `... edit TITLE`: builds the real
CannedManager (real worker thread, real SQLite under $AGENT_ASSIST_HOME), adds one response
through the form and saves it (prints `committed`), then either starts an import of FILE from
the window (prints `importing`) or types TITLE into that response's form without saving until
the form's autosave has it on disk (prints `typed`). Then it runs the event loop until killed.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.autosave.library_edit import EditAutosaveStore, default_path
from desktop.store.library import Library, open_library
from desktop.ui.manager import CannedManager
from desktop.ui.waiting import wait_until
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

COMMITTED_TITLE = "Committed from the window"
TIMEOUT_S = 60.0


def worker_library() -> Library:
    return open_library(seed=False, verify=False)


def say(line: str) -> None:
    print(line, flush=True)


def commit_one(window: CannedManager) -> None:
    """New, fill in, Ctrl+S: the way an agent adds a response; waits until it is stored."""
    saved: list[object] = []
    window.library_changed.connect(lambda: saved.append(True))
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(window.editor.title_edit, COMMITTED_TITLE)
    QTest.keyClicks(window.editor.body_edit, "Saved with Ctrl+S before the kill.")
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    if not wait_until(lambda: bool(saved) and window.editor.base.id is not None, TIMEOUT_S):
        raise SystemExit("the save never landed")
    # The form is clean: settle its autosave now (a clear, queued after any earlier write), so
    # a kill that comes soon after finds no copy of the form as it was before Ctrl+S.
    window.autosave.save_now()
    store = EditAutosaveStore(default_path())
    if not wait_until(lambda: store.load() is None, TIMEOUT_S):
        raise SystemExit("the saved form's autosave copy was never cleared")


def main(argv: list[str]) -> int:
    mode, argument = argv
    app = QApplication([])
    open_library().close()  # first-run seeding, as the app's start-up does
    window = CannedManager(worker_library)
    window.show()
    if not wait_until(lambda: window.pane.model.rowCount() > 0, TIMEOUT_S):
        raise SystemExit("the list never filled")
    commit_one(window)
    say("committed")
    if mode == "import":
        window.import_file(argument, "json")
        say("importing")
    else:
        window.editor.title_edit.selectAll()
        QTest.keyClicks(window.editor.title_edit, argument)
        QTest.keyClicks(window.editor.body_edit, " And a line typed after it.")
        store = EditAutosaveStore(default_path())

        def kept() -> bool:
            snapshot = store.load()
            return snapshot is not None and snapshot.edited.title == argument

        if not wait_until(kept, TIMEOUT_S):
            raise SystemExit("the form was never kept on disk")
        say("typed")
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
