"""The Settings dialog's Local API page: on or off and its port, allowed origins, the token.

The token lives in the OS keyring, like the team server's key; a new one (none yet, or "New
token") is kept only when the settings are saved with the API on, and the launcher then
restarts the API with it. The status line says what the running API does, or why it cannot.
"""

from __future__ import annotations

import secrets

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop.engine.api_key import (
    LOCAL_TOKEN_BYTES,
    TokenSource,
    local_api_token,
    renew_local_api_token,
)
from desktop.settings import Settings
from desktop.ui.api_host import ApiHost, find_api_host

LOOPBACK_ONLY = "Listens on 127.0.0.1 only: other computers cannot reach it."
NEW_TOKEN = "A new token: kept when you save with the API on."


class LocalApiSettings(QObject):
    """The page's controls, made as children of `dialog` (its parent finds the running API)."""

    def __init__(self, settings: Settings, dialog: QWidget) -> None:
        super().__init__(dialog)  # no reference back to it: the dialog goes when its parent does
        self.enabled = QCheckBox("On:", dialog)
        self.enabled.setChecked(settings.api_enabled)
        self.port = QSpinBox(dialog)
        self.port.setRange(0, 65535)
        self.port.setSingleStep(1)
        self.port.setValue(settings.api_port)
        self.port.setSpecialValueText("any free port")
        self._port_row = QHBoxLayout()
        self._port_row.addWidget(self.enabled)
        self._port_row.addWidget(self.port, 1)
        self.origins_edit = QLineEdit(", ".join(settings.api_origins), dialog)
        self.origins_edit.setPlaceholderText("comma separated, e.g. https://helpdesk.example.com")
        token, source = local_api_token(create=False)  # read only: nothing saved unless used
        # Made here when there is none yet, or by "New token"; saved with the API on.
        self._new_token = "" if token else secrets.token_urlsafe(LOCAL_TOKEN_BYTES)
        self._renewed = False
        self.token = QLineEdit(token or self._new_token, dialog)
        self.token.setReadOnly(True)
        self.copy_token_button = QPushButton("Copy", dialog)
        self.new_token_button = QPushButton("New token", dialog)
        self.new_token_button.setEnabled(source != TokenSource.ENVIRONMENT)
        self._token_row = QHBoxLayout()
        self._token_row.addWidget(self.token, 1)
        self._token_row.addWidget(self.copy_token_button)
        self._token_row.addWidget(self.new_token_button)
        self.status = QLabel("", dialog)
        self.status.setObjectName("apiStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self._token_source = source
        host = self._host()
        if host is not None:
            host.changed.connect(self._show_status)
        self._show_status()
        self.copy_token_button.clicked.connect(self._on_copy_token_clicked)
        self.new_token_button.clicked.connect(self._on_new_token_clicked)

    def add_rows(self, page: QFormLayout) -> None:
        page.addRow("Answer on port", self._port_row)
        page.addRow("Allowed web origins", self.origins_edit)
        page.addRow("Token (Bearer)", self._token_row)
        page.addRow(self.status)

    def origins(self) -> tuple[str, ...]:
        """The allowed origins as typed; a trailing slash dropped (browsers send none)."""
        parts = (part.strip().rstrip("/") for part in self.origins_edit.text().split(","))
        return tuple(dict.fromkeys(part for part in parts if part))

    def keep_token(self, api_enabled: bool) -> str:
        """On Save: keep a new token if it is to be used; a problem to tell, or ""."""
        keep = self._new_token and (api_enabled or self._renewed)
        if keep and renew_local_api_token(self._new_token) == TokenSource.SESSION:
            return str(TokenSource.SESSION)
        return ""

    @Slot()
    def _show_status(self) -> None:
        """Loopback only; where the token lives; what the running API does (or why it cannot)."""
        host = self._host()
        lines = [LOOPBACK_ONLY]
        if self._new_token:
            lines.append(NEW_TOKEN)
        if not self._new_token or self._token_source != TokenSource.KEYRING:
            lines.append(str(self._token_source))  # no keyring, or set by the environment
        if host is not None:
            lines.append(host.status)
        self.status.setText("\n".join(lines))

    def _host(self) -> ApiHost | None:
        dialog = self.parent()
        return find_api_host(None if dialog is None else dialog.parent())

    @Slot()
    def _on_copy_token_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.token.text())

    @Slot()
    def _on_new_token_clicked(self) -> None:
        self._new_token = secrets.token_urlsafe(LOCAL_TOKEN_BYTES)
        self._renewed = True
        self.token.setText(self._new_token)
        self._show_status()
