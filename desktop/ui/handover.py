"""Single-instance handover: a second `agent-assist` passes its text to the running window.

The desktop's own shortcut settings can run `agent-assist --from-selection` on every platform
(Wayland included, where an app cannot grab a global key), so that command must be quick and
must not open a second window. It connects to a per-user local socket (a Unix socket, or a
named pipe on Windows), sends one JSON line, waits for "ok" and exits; the running window
comes forward and takes the text as a new conversation. No instance listening: the caller
starts the app itself with the text.

Protocol: one UTF-8 line `{"text": "..."}` from the client (an empty text only raises the
window), answered by `ok`. Lines over MAX_BYTES are refused, so a stray client cannot make the
window buffer without end.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import time

from PySide6.QtCore import QByteArray, QObject, Qt, Signal, Slot
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop import paths
from desktop.ui.draft_controller import DraftController
from desktop.ui.main_window import MainWindow

logger = logging.getLogger(__name__)

MAX_BYTES = 2_000_000  # a conversation is cut to 100,000 characters anyway
CONNECT_MS = 500
REPLY_MS = 3000


def server_name() -> str:
    """Per user and per data folder: two users, or a portable copy, never meet."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    digest = hashlib.sha256(f"{user}\0{paths.data_dir()}".encode()).hexdigest()[:16]
    return f"agent-assist-{digest}"


def captured_text(selection: bool) -> str:
    """The X11/Wayland primary selection where the platform has one, else the clipboard."""
    clipboard = QGuiApplication.clipboard()
    if selection and clipboard.supportsSelection():
        text = clipboard.text(QClipboard.Mode.Selection)
        if text.strip():
            return text
    return clipboard.text(QClipboard.Mode.Clipboard)


def send(text: str, name: str | None = None) -> bool:
    """Hand `text` to the running instance; False when none answers (start the app then)."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(QByteArray(json.dumps({"text": text}).encode() + b"\n"))
    socket.flush()
    answered = False
    deadline = time.monotonic() + REPLY_MS / 1000
    while time.monotonic() < deadline and not answered:
        socket.waitForReadyRead(100)
        answered = bytes(socket.readAll().data()).startswith(b"ok")
    socket.disconnectFromServer()
    return answered


class HandoverServer(QObject):
    """Listens on the per-user socket and emits what second instances send.

    Signals:
        received(str): text handed over ("" when a plain second launch only wants the window).
    """

    received = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)
        self._buffers: dict[QLocalSocket, bytearray] = {}

    def listen(self, name: str | None = None) -> bool:
        name = name or server_name()
        # A crash leaves the Unix socket file behind; nobody answered on it, so it is stale.
        QLocalServer.removeServer(name)
        listening = self._server.listen(name)
        if not listening:
            logger.warning("Handover socket %s: %s", name, self._server.errorString())
        return listening

    def close(self) -> None:
        self._server.close()

    @Slot()
    def _on_new_connection(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        if len(buffer) > MAX_BYTES:
            logger.warning("Handover refused: over %d bytes", MAX_BYTES)
            socket.abort()
            return
        line, newline, _ = buffer.partition(b"\n")
        if not newline:
            return
        del self._buffers[socket]
        try:
            text = json.loads(line.decode())["text"]
            if not isinstance(text, str):
                raise TypeError("text is not a string")
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("Handover refused: %s", exc)
            socket.abort()
            return
        socket.write(QByteArray(b"ok\n"))
        socket.flush()
        socket.disconnectFromServer()
        self.received.emit(text)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()


class HandoverInbox(QObject):
    """What the window does with handed-over text: come forward, show it in a tab, reply.

    The text goes to the shown tab when that is empty or holds the start of the same
    conversation (the agent selected it again with new messages), else to a new tab, so the
    conversation the agent was on stays open. The ready reply follows from the tab's ranking
    as after a paste; the draft starts at once (queued behind another tab's, if one runs), or
    as soon as a still-loading model is ready.
    """

    def __init__(self, window: MainWindow, parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self._window = window
        self._pending: list[DraftController] = []
        window.assist.model_ready.connect(self._on_model_ready)

    @Slot(str)
    def receive(self, text: str) -> None:
        self.bring_forward()
        if not text.strip():
            return
        tab = self._window.receive_conversation(text)
        if self._window.assist.model_info is None:
            self._pending.append(tab.drafts)  # draft once the model loads
        else:
            tab.drafts.generate()

    def bring_forward(self) -> None:
        window = self._window
        if window.isMinimized():
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.show()
        window.raise_()
        window.activateWindow()

    @Slot(object)
    def _on_model_ready(self, _info: object) -> None:
        pending, self._pending = self._pending, []
        for drafts in pending:
            try:
                drafts.generate()
            except RuntimeError:  # its tab was closed while the model loaded
                continue


def serve(window: MainWindow, name: str | None = None) -> tuple[HandoverServer, HandoverInbox]:
    """Listen for second instances and route their text into `window`."""
    inbox = HandoverInbox(window)
    server = HandoverServer(window)
    server.received.connect(inbox.receive)
    server.listen(name)
    return server, inbox
