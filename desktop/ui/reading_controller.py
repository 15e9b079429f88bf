"""ReadingController: shows the search thread's reading of the conversation as chips.

The reading is made on the search thread together with the ready reply (CannedSearch.ranked),
so the GUI thread only lays out a few labels. Clicking an intent chip filters the canned list
to that intent; an abstaining reading turns the ready reply into "no matching canned response";
a customer who writes another language than the default model's gets a note on the model.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Slot

from desktop import paths
from desktop.drafting.understand import Understanding
from desktop.engine.types import ModelInfo
from desktop.reading import Reading
from desktop.reading.language import NAMES
from desktop.transcript import Transcript
from desktop.ui.assist import AssistController
from desktop.ui.tab_search import TabSearch
from desktop.ui.widgets.canned_panel import CannedPanel
from desktop.ui.widgets.reading_chips import ReadingChips
from desktop.ui.widgets.ready_reply_box import ReadyReplyBox

MODEL_LANGUAGE = "en"  # what the bundled default model writes


def language_note(language: str, model: ModelInfo | None) -> str:
    """Advice when the customer's language is one the loaded default model cannot write well."""
    if not language or language == MODEL_LANGUAGE or model is None or not is_default(model):
        return ""
    name = NAMES.get(language, language)
    return (
        f"The customer writes {name}; the default model writes English. For drafts in {name}, "
        "choose a multilingual model (File > Choose model). Canned responses still work."
    )


def is_default(model: ModelInfo) -> bool:
    try:
        return Path(model.path).resolve() == paths.default_model_path().resolve()
    except OSError:
        return False


class ReadingController(QObject):
    """Feeds ReadingChips from the ranking; turns intent clicks into a canned-list filter."""

    def __init__(
        self,
        search: TabSearch,
        assist: AssistController,
        chips: ReadingChips,
        ready: ReadyReplyBox,
        canned: CannedPanel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._search = search
        self._assist = assist
        self._chips = chips
        self._ready = ready
        self._canned = canned
        self.reading: Reading | None = None
        search.ranked.connect(self._on_search_ranked)
        assist.model_ready.connect(self._on_assist_model_ready)
        chips.intent_clicked.connect(self.filter_intent)
        canned.intent_cleared.connect(self._on_canned_intent_cleared)

    @Slot(object, object, object)
    def _on_search_ranked(
        self,
        _transcript: Transcript,
        understood: Understanding | None,
        reading: Reading | None,
    ) -> None:
        self.reading = reading
        self._chips.show_reading(reading)
        self._ready.set_no_match(understood is not None and understood.abstain)
        self._update_note()
        if reading is None and self._search.intent:
            self.filter_intent("")  # the conversation was cleared: so is its filter

    @Slot(object)
    def _on_assist_model_ready(self, _info: ModelInfo) -> None:
        self._update_note()

    def _update_note(self) -> None:
        language = self.reading.language if self.reading is not None else ""
        self._chips.show_note(language_note(language, self._assist.model_info))

    @Slot(str)
    def filter_intent(self, intent: str) -> None:
        """List only the canned responses filed under `intent` ("" lists them all again)."""
        self._chips.set_filtered(intent)
        self._canned.show_intent_filter(intent)
        self._search.set_intent(intent)

    @Slot()
    def _on_canned_intent_cleared(self) -> None:
        self.filter_intent("")
