"""Reading chips in the real window: real ranking, real reading, real SQLite, real model."""

import time

import pytest
from desktop import paths
from desktop.library.service import import_file
from desktop.reading import Reading
from desktop.settings import Settings
from desktop.store.library import open_library
from desktop.ui.widgets.reading_chips import ReadingChips
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import EVAL
from tests.ui.conftest import WindowFactory
from tests.ui.test_main_window import paste, wait_model

SPANISH = (
    "Customer: Hola, pedí unas zapatillas hace una semana y el seguimiento no se ha movido. "
    "¿Cuándo llegará mi paquete? Es urgente, lo necesito antes del viernes."
)
# Upset, not only asking: a plain "where is my parcel" reads neutral since issue 25.
CHINESE = "Customer: 你好，我上周订的鞋子还没到，物流信息一直没有更新。太让人失望了！"  # noqa: RUF001
OUT_OF_SCOPE = "Customer: What is the interest rate on a 30-year fixed mortgage at a 700 score?"


def visible_texts(chips: ReadingChips) -> list[str]:
    """Every chip's text, also those folded behind "+N more"."""
    return [w.text() for w in chips.chips()]  # type: ignore[attr-defined]


def paste_and_time(qtbot: QtBot, window: object, text: str) -> float:
    """Seconds from the paste to the chips and the ready reply on screen."""
    chips = window.suggestion.chips  # type: ignore[attr-defined]
    ready = window.suggestion.ready  # type: ignore[attr-defined]
    before = window.reading.reading  # type: ignore[attr-defined]
    started = time.perf_counter()
    paste(window.conversation.editor, text)  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: window.reading.reading is not before and chips.isVisible() and ready.isVisible(),  # type: ignore[attr-defined]
        timeout=30_000,
    )
    return time.perf_counter() - started


def test_spanish_and_chinese_show_language_mood_urgency_and_a_ready_reply(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    wait_model(qtbot, window)
    chips = window.suggestion.chips
    assert chips.isHidden()  # no conversation, no chips

    seconds = paste_and_time(qtbot, window, SPANISH)
    print(f"\npaste -> chips and ready reply (Spanish): {seconds * 1000:.0f} ms")
    texts = visible_texts(chips)
    assert "ES Spanish" in texts
    assert chips.urgency.text() == "Urgent"
    assert "urgente" in chips.urgency.toolTip() and "antes del" in chips.urgency.toolTip()
    assert chips.intents, "the likely intents show with their confidence"
    assert all(chip.text().endswith("%") for chip in chips.intents)
    assert window.suggestion.ready.text.toPlainText().strip()
    # The default model writes English: the note says so and points at the model picker.
    assert chips.note.isVisible() and "Choose model" in chips.note.text()
    assert "Spanish" in chips.note.text()

    window.conversation.editor.clear()
    qtbot.waitUntil(lambda: chips.isHidden(), timeout=30_000)
    seconds = paste_and_time(qtbot, window, CHINESE)
    print(f"paste -> chips and ready reply (Chinese): {seconds * 1000:.0f} ms")
    assert "ZH Chinese" in visible_texts(chips)
    assert chips.mood.text() == "Negative · frustrated"
    assert "还没" in chips.mood.toolTip()
    assert window.suggestion.ready.isVisible() and window.suggestion.ready.text.toPlainText()
    assert seconds < 2.0


def test_intent_chip_filters_the_canned_list(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(Settings())
    paste_and_time(qtbot, window, CHINESE)
    chips = window.suggestion.chips
    chip = chips.intents[0]
    intent = str(chip.property("intent"))
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "filed under" in window.canned.title.text(), timeout=30_000)
    shown = [window.canned.list.item(i) for i in range(window.canned.list.count())]
    assert shown, "the seeded library files responses under the reading's intents"
    for item in shown:
        response = item.data(Qt.ItemDataRole.UserRole)
        primary = response.tags[0] if response.tags else response.category
        assert primary.casefold() == intent.casefold()
    assert chip.isChecked()
    assert window.canned.intent_filter.isVisible() and intent in window.canned.intent_filter.text()
    # The filter chip by the search box lifts it.
    qtbot.mouseClick(window.canned.intent_filter, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "filed under" not in window.canned.title.text(), timeout=30_000)
    assert not window.canned.intent_filter.isVisible()
    assert not chip.isChecked()


def test_nothing_fits_says_no_matching_canned_response(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    paste_and_time(qtbot, window, OUT_OF_SCOPE)
    chips = window.suggestion.chips
    assert chips.no_match.isVisible()
    assert chips.intents == []
    ready = window.suggestion.ready
    assert ready.heading.text() == "No saved reply fits"
    assert ready.title.text().startswith("· closest:")
    assert not chips.note.isVisible()  # English: no note on the model's language


def test_multilingual_library_chinese_question(qtbot: QtBot, make_window: WindowFactory) -> None:
    """The evaluation's banking library imported through the library service, as an agent would."""
    library = open_library()
    report = import_file(library.repo, EVAL / "multilingual_canned.json")
    library.close()
    assert report.added >= 14
    window = make_window(Settings())
    paste_and_time(qtbot, window, "Customer: 我在国外刷卡被拒绝了，怎么办？")  # noqa: RUF001
    chips = window.suggestion.chips
    assert "ZH Chinese" in visible_texts(chips)
    assert window.suggestion.ready.isVisible()


def test_mood_chip_restyles_only_when_the_sentiment_changes(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's style sheet colours the mood chip by sentiment; a new reading with the same
    sentiment leaves the style alone (a repolish stalls the event loop for nothing)."""
    chips = ReadingChips()
    qtbot.addWidget(chips)
    chips.setStyleSheet((paths.resource_dir() / "styles" / "app.qss").read_text(encoding="utf-8"))
    chips.show()
    repolished: list[str] = []
    restyle = ReadingChips._repolish

    def counted(widget: QWidget) -> None:
        repolished.append(widget.property("sentiment"))
        restyle(widget)

    monkeypatch.setattr(ReadingChips, "_repolish", staticmethod(counted))

    def mood_colour(sentiment: str) -> str:
        reading = Reading("en", sentiment, "", "low", (), (), True)
        chips.show_reading(reading)
        return chips.mood.palette().color(QPalette.ColorRole.WindowText).name()

    negative = mood_colour("negative")
    assert mood_colour("negative") == negative
    positive = mood_colour("positive")
    neutral = mood_colour("neutral")
    assert (negative, positive, neutral) == ("#991b1b", "#166534", "#374151")
    assert mood_colour("neutral") == neutral
    assert mood_colour("negative") == negative
    assert repolished == ["negative", "positive", "neutral", "negative"]
