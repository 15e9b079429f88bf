"""Help > Statistics: what the agent did with the suggestions (local feedback, never sent).

The figures are summed on the search thread (`CannedSearch.request_stats`); the dialog only
shows them: acceptance per day as a small bar list, the canned responses copied most, and
the mean time to the first token.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.ui.canned_search import StatsView

DAYS = 30
BAR = 24  # characters of the longest day's bar


class StatsDialog(QDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Statistics")
        self.summary = QLabel("Counting…", self)
        self.days = QLabel(self)
        self.days.setTextFormat(Qt.TextFormat.PlainText)
        self.days.setStyleSheet("font-family: monospace;")
        self.canned = QLabel(self)
        self.canned.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.summary, self.days, self.canned):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.days, self.canned, buttons):
            layout.addWidget(widget)
        self.resize(520, 420)

    @Slot(object)
    def show_stats(self, view: StatsView) -> None:
        stats = view.stats
        if not stats.offered:
            self.summary.setText(
                f"No suggestions copied or discarded in the last {stats.days} days yet."
            )
            self.days.clear()
            self.canned.clear()
            return
        first = (
            f"; first model token {stats.mean_first_token_s:.2f} s on average"
            if stats.mean_first_token_s is not None
            else ""
        )
        self.summary.setText(
            f"Last {stats.days} days: {stats.offered} suggestions, {stats.copied} copied "
            f"({stats.acceptance:.0%}), {stats.copied_as_is} of them sent as offered{first}."
        )
        most = max(offered for _, _, offered in stats.by_day) or 1
        rows = ["Copied / offered per day"]
        for day, copied, offered in stats.by_day[-14:]:
            bar = "█" * round(BAR * copied / most) + "░" * round(BAR * (offered - copied) / most)
            rows.append(f"{day}  {bar} {copied}/{offered}")
        self.days.setText("\n".join(rows))
        titles = view.titles
        lines = [
            f"{count:>4} copied  {titles.get(canned_id, f'response #{canned_id} (deleted)')}"
            for canned_id, count in stats.top_canned[:8]
        ]
        self.canned.setText("Most useful canned responses\n" + "\n".join(lines))
