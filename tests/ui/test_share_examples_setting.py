"""Team learning's switch (issue 23): off by default, on the Team page with what is shared."""

from pathlib import Path

from desktop import settings as settings_module
from desktop.settings import Settings
from desktop.ui.widgets.settings_dialog import SHARED_EXAMPLES, SettingsDialog
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_sharing_is_off_by_default_and_saved_when_turned_on(qtbot: QtBot, tmp_path: Path) -> None:
    assert Settings().share_examples is False
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert not dialog.share_examples.isChecked()
    hints = [label.text() for label in dialog.findChildren(QLabel)]
    assert SHARED_EXAMPLES in hints
    assert "never your drafts or your own responses" in SHARED_EXAMPLES
    dialog.share_examples.setChecked(True)
    edited = dialog.edited()
    assert edited.share_examples is True
    path = tmp_path / "settings.json"
    settings_module.save(edited, path)
    assert settings_module.load(path).share_examples is True
