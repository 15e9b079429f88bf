"""The real window at a laptop's, a half screen's and a full screen's size: nothing is cut.

A long ready reply (long title, long text), a long draft, twelve reading chips, three
sentences the checks took out and a long "Grounded on" line, at
1024x640, 1280x720 and 1920x1080. Every visible button and text box must lie inside the
visible part of every widget that holds it, and every button must be wide enough for its
label; what matters most (the ready reply and its Copy, the draft's first lines and Copy) is
always there; what gives way first is the canned preview, then the canned list's rows.
"""

from __future__ import annotations

import contextlib

import pytest
from desktop.drafting.effects import RemovedSentence
from desktop.drafting.results import ReadyReply, SuggestionResult
from desktop.reading import Reading
from desktop.reading.intents import IntentGuess
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.store.library import open_library
from desktop.ui.main_window import MainWindow
from desktop.ui.widgets.engine_status import speed_text
from desktop.ui.widgets.suggestion_panel import DRAFT_LINES
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory

SIZES = ((1024, 640), (1280, 720), (1920, 1080))
LONG_TITLE = "Parcel tracking stuck for several days with the courier: how we chase it up for you"
LONG_BODY = "\n".join(
    f"{n}. We asked the courier about your parcel {{{{order_number}}}} and will write back "
    "the moment they reply; most stuck parcels move again within two working days."
    for n in range(1, 13)
)
CONVERSATION = (
    "Customer: Hi, my parcel tracking has been stuck with the courier for several days. "
    "Can you chase the courier up for me?\n"
    "Agent: Sorry about that! Could you share your order number?\n"
    "Customer: It's 48213. Please chase it up, the tracking still shows nothing."
)
LONG_DRAFT = " ".join(
    f"Sentence {n} of a long draft that the agent is still working on before sending it."
    for n in range(1, 40)
)
INTENTS = (
    "track_order", "delivery_period", "missing_item", "complaint", "contact_human_agent",
    "change_shipping_address", "cancel_order", "get_refund", "check_invoice",
)  # fmt: skip
TWELVE_CHIPS = Reading(
    language="en",
    sentiment="negative",
    emotion="frustrated",
    urgency="high",
    cues=(("urgent", "still shows nothing"),),
    intents=tuple(IntentGuess(name, 0.9 - n * 0.08) for n, name in enumerate(INTENTS)),
    abstain=False,
)


def window_rect(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def visible_area(widget: QWidget, window: QWidget) -> QRect:
    """The part of the window that every ancestor of `widget` leaves visible."""
    area = window.rect()
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        area = area.intersected(window_rect(parent, window))
        parent = parent.parentWidget()
    return area


def in_scroll_area(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def problems(window: MainWindow) -> list[str]:
    """Every visible button or text box that is cut off, or too narrow for its label."""
    found = []
    kinds = (QAbstractButton, QPlainTextEdit, QLineEdit, QComboBox, QScrollArea)
    widgets = [w for kind in kinds for w in window.findChildren(kind) if w.isVisible()]
    for widget in widgets:
        name = widget.accessibleName() or widget.objectName() or type(widget).__name__
        if isinstance(widget, QAbstractButton) and widget.text():
            name = f"{name} '{widget.text()}'"
        rect = window_rect(widget, window)
        if rect.isEmpty():
            found.append(f"{name}: no room at all ({rect})")
        elif in_scroll_area(widget):
            pass  # a scroll area clips its rows on purpose (it must be whole itself)
        elif not visible_area(widget, window).contains(rect):
            found.append(f"{name}: cut off ({rect} outside {visible_area(widget, window)})")
        if widget.height() < widget.minimumHeight() or widget.width() < widget.minimumWidth():
            found.append(f"{name}: squeezed below its minimum ({widget.size()})")
        if isinstance(widget, QAbstractButton | QComboBox):
            hint = widget.minimumSizeHint() if isinstance(widget, QComboBox) else widget.sizeHint()
            if widget.width() < hint.width() or widget.height() < hint.height():
                found.append(f"{name}: label cut ({widget.size()} < {hint})")
    return found


@pytest.fixture
def loaded_window(qtbot: QtBot, make_window: WindowFactory) -> MainWindow:
    """The real window with a long ready reply, a long draft and twelve chips.

    The conversation is ranked for real first; then the panes are given the longest
    content they meet (a long canned response, a long draft, a reading with nine intents).
    """
    window = make_window(Settings())
    window.conversation.set_text(CONVERSATION)
    ready = window.suggestion.ready
    qtbot.waitUntil(ready.isVisible, timeout=30_000)
    library = open_library()
    canned = library.repo.add(
        CannedResponse(LONG_TITLE, LONG_BODY, category="shipping", tags=("track_order",))
    )
    library.close()
    ready.show_reply(ReadyReply(canned, LONG_BODY, 0.93, True, ("order_number",)))
    suggestion = window.suggestion
    suggestion.draft.setPlainText(LONG_DRAFT)
    suggestion.chips.show_reading(TWELVE_CHIPS)
    suggestion.removed.show_removed(
        [RemovedSentence(n, f"Invented sentence {n}: call 804-273-596{n}.", "a phone number")
         for n in range(3)]
    )  # fmt: skip
    suggestion.show_sources([canned] * 3)
    return window


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_nothing_is_cut_at_each_size(
    qtbot: QtBot, loaded_window: MainWindow, width: int, height: int
) -> None:
    window = loaded_window
    window.resize(width, height)
    # The layouts settle over a few passes (the chips fold on the resize). Under load a pass
    # can find a minimum a few pixels taller for a moment and the window grows to it; Qt does
    # not shrink it back by itself, so the size is asked again until the settled layout fits.

    def fits() -> bool:
        if (window.width(), window.height()) != (width, height):
            window.resize(width, height)
            return False
        return True

    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(fits, timeout=5000)
    assert (window.width(), window.height()) == (width, height), "the window must fit"
    assert problems(window) == []

    suggestion = window.suggestion
    ready = suggestion.ready
    for widget in (ready, ready.text, ready.copy_button, suggestion.draft, suggestion.copy_button):
        assert widget.isVisible(), widget.accessibleName()
    line = suggestion.draft.fontMetrics().lineSpacing()
    assert suggestion.draft.viewport().height() >= DRAFT_LINES * line  # its first lines
    chips = suggestion.chips
    assert len(chips.chips()) == 12
    assert chips.height() < 3 * chips.more.sizeHint().height()  # folded into one line
    if not all(chip.isVisible() for chip in chips.chips()):
        assert chips.more.isVisible() and chips.more.text().endswith("more")
    canned = window.canned
    assert canned.list.isVisible() and canned.use_button.isVisible()
    if height >= 1080:
        assert canned.preview.isVisible()
    if height <= 640:
        assert not canned.preview.isVisible()  # the preview gives way first


def test_more_unfolds_the_chips_and_the_panes_keep_their_width(
    qtbot: QtBot, loaded_window: MainWindow
) -> None:
    window = loaded_window
    window.resize(1024, 640)
    qtbot.wait(50)
    chips = window.suggestion.chips
    folded = [chip for chip in chips.chips() if not chip.isVisible()]
    assert folded, "twelve chips do not fit one line at 1024 px"
    assert chips.more.text() == f"+{len(folded)} more"
    chips.more.click()
    qtbot.wait(50)
    assert all(chip.isVisible() for chip in chips.chips()) and chips.more.text() == "Less"
    assert problems(window) == []
    chips.more.click()
    qtbot.wait(50)

    # Another tab with no chips at all: the conversation pane keeps its width.
    widths = window.main_splitter.sizes()
    other = window.new_tab()
    qtbot.wait(50)
    assert window.main_splitter.sizes() == widths
    window.tabs.show_tab(window.tabs.tabs[0])
    qtbot.wait(50)
    assert window.main_splitter.sizes() == widths
    assert other.suggestion.chips.isHidden()


def test_compact_mode_is_a_narrow_strip_with_the_ready_reply_draft_and_copy(
    qtbot: QtBot, loaded_window: MainWindow
) -> None:
    window = loaded_window
    window.resize(1280, 720)
    qtbot.wait(50)
    window.compact_mode.set_compact(True)
    qtbot.wait(50)
    assert window.width() <= 440
    suggestion = window.suggestion
    for widget in (suggestion.ready.copy_button, suggestion.draft, suggestion.copy_button):
        assert widget.isVisible()
    assert not window.canned.isVisible() and not window.conversation.isVisible()
    assert problems(window) == []


def test_status_messages_fit_beside_the_model_and_speed_at_1024(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    qtbot.waitUntil(lambda: window.assist.model_info is not None, timeout=60_000)
    window.resize(1024, 640)
    status = window.engine_status
    status.speed_label.setText(
        speed_text(SuggestionResult("x", (), 400, 120, 0.04, 4.5, "stop"))  # the longest kind
    )
    window.conversation.set_text(CONVERSATION)
    window.new_tab()
    window.tabs.show_index(0)
    window.tabs.close_current()
    qtbot.wait(50)
    bar = window.statusBar()
    message = bar.currentMessage()
    assert message.startswith("Closed “")
    permanent = [w for w in bar.findChildren(QWidget) if w.isVisible() and w.parent() is bar]
    room = bar.width() - sum(w.width() for w in permanent) - 12 * len(permanent)
    assert bar.fontMetrics().horizontalAdvance(message) <= room


def test_text_follows_the_system_font_size(qtbot: QtBot, make_window: WindowFactory) -> None:
    """A larger system font reaches every pane (no size is fixed in the style sheet)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    normal = app.font()
    larger = QFont(normal)
    larger.setPointSizeF(normal.pointSizeF() * 1.4)
    app.setFont(larger)
    try:
        window = make_window(Settings())
        window.conversation.set_text(CONVERSATION)
        ready = window.suggestion.ready
        qtbot.waitUntil(ready.isVisible, timeout=30_000)
        chips = window.suggestion.chips
        widgets = [ready.text, ready.copy_button, window.suggestion.draft, *chips.chips()]
        for widget in (*widgets, window.canned.list, window.conversation.editor):
            assert widget.font().pointSizeF() == pytest.approx(larger.pointSizeF())
        window.resize(1280, 720)
        qtbot.wait(50)
        assert problems(window) == []
    finally:
        app.setFont(normal)
