"""Text contrast at WCAG 2.x AA (4.5:1) for the chips, the bands and every coloured label.

Read from the style sheet itself: each rule that sets a text colour is measured against its
own background, or against what it is drawn on (the window, the ready reply's box). The
conversation's role bands are measured with the labels drawn on them and the body text.
Disabled controls are left out, as WCAG leaves them out.
"""

from __future__ import annotations

import re

import pytest
from desktop import paths
from desktop.ui.widgets.conversation_pane import ROLE_BANDS, ROLE_COLORS
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

AA = 4.5
RULE = re.compile(r"([^{}]+)\{([^}]*)\}")
# What a rule without its own background is drawn on.
DRAWN_ON = {
    "QLabel#readyHeading": "#f0fdf4",
    'QFrame#readyReply[confident="false"] QLabel#readyHeading': "#fffbeb",
    "QLabel#readyTitle": "#fffbeb",  # the paler of the two boxes
    "QLabel#readyNote": "#fffbeb",
    "QToolButton#moreChips": "#efefef",
}


def luminance(colour: str) -> float:
    rgb = QColor(colour)
    channels = []
    for value in (rgb.redF(), rgb.greenF(), rgb.blueF()):
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(text: str, background: str) -> float:
    light, dark = sorted((luminance(text), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_is_wcags() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just below AA
    assert contrast("#ffffff", "#2563eb") == pytest.approx(5.17, abs=0.01)


def coloured_rules() -> list[tuple[str, str, str | None]]:
    """(selector, text colour, background or None) of each rule that sets a text colour."""
    sheet = (paths.resource_dir() / "styles" / "app.qss").read_text(encoding="utf-8")
    sheet = re.sub(r"/\*.*?\*/", "", sheet, flags=re.S)
    rules = []
    for selectors, body in RULE.findall(sheet):
        pairs = (part.split(":", 1) for part in body.split(";") if ":" in part)
        props = {key.strip(): value.strip() for key, value in pairs}
        colour = props.get("color")
        if colour is None or "palette(" in colour:
            continue
        background = props.get("background")
        for selector in (s.strip() for s in selectors.split(",")):
            if ":disabled" not in selector:
                rules.append((selector, "#ffffff" if colour == "white" else colour, background))
    return rules


def test_every_coloured_text_in_the_style_sheet_reaches_aa(qapp: QApplication) -> None:
    window = qapp.palette().color(QPalette.ColorRole.Window).name()
    failures = []
    rules = coloured_rules()
    assert len(rules) >= 20  # the chips, the bands' notes, the ready reply, the tabs
    for selector, colour, background in rules:
        behind = background or DRAWN_ON.get(selector, window)
        ratio = contrast(colour, behind)
        if ratio < AA:
            failures.append(f"{selector}: {colour} on {behind} is {ratio:.2f}:1")
    assert failures == []


def test_the_chips_every_kind_and_state() -> None:
    chips = [r for r in coloured_rules() if "chip" in r[0].lower() or "Chip" in r[0]]
    assert len(chips) >= 8
    for selector, colour, background in chips:
        assert contrast(colour, background or "#efefef") >= AA, selector


def test_the_conversation_bands_carry_their_labels_and_the_text() -> None:
    for role, band in ROLE_BANDS.items():
        assert contrast(ROLE_COLORS[role].name(), band.name()) >= AA  # "Customer:" on its band
        assert contrast("#000000", band.name()) >= AA  # the message itself
