"""The conversation pane on a pasted email chain: the bands follow the parse, not the labels."""

from __future__ import annotations

import pytest
from desktop.ui.widgets.conversation_pane import AGENT, CUSTOMER, ConversationPane
from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.gui

EMAIL_CHAIN = """Hi Sam, it's p.whitaker@example.net - he's looked in his junk folder too.

Thanks
Sandra

On Tue, 11 Jun 2024 at 10:56, Larkfield Customer Care <care@larkfield.example> wrote:
> Hi Sandra,
>
> Could you confirm the email address you entered for your dad?
>
> Kind regards,
> Sam
>
> On Mon, 10 Jun 2024 at 19:40, Sandra Whitaker <sandra.whitaker@example.com> wrote:
> > Hello, I bought an e-gift card for my dad and he never got it. Can you help?
"""

HELPDESK = """Rebecca Ashworth
May 20, 08:50
Hi, my order #47420 was due last Tuesday. Can you help?

Chloe (Larkfield Support)
May 20, 10:12
Hi Rebecca, I've asked DPD to investigate.

Rebecca Ashworth
May 20, 10:30
Ok thanks. Can I also change my address?
"""


def states(pane: ConversationPane) -> dict[str, int]:
    document = pane.editor.document()
    found = {}
    block = document.firstBlock()
    while block.isValid():
        if block.text().strip():
            found[block.text()] = block.userState()
        block = block.next()
    return found


def test_an_email_chain_is_banded_as_the_parser_read_it(qtbot: QtBot) -> None:
    pane = ConversationPane()
    qtbot.addWidget(pane)
    pane.set_text(EMAIL_CHAIN)
    by_line = states(pane)
    assert by_line["> Could you confirm the email address you entered for your dad?"] == AGENT
    assert by_line["Hi Sam, it's p.whitaker@example.net - he's looked in his junk folder too."] == (
        CUSTOMER
    )
    quoted = "> > Hello, I bought an e-gift card for my dad and he never got it. Can you help?"
    assert by_line[quoted] == CUSTOMER
    # Labels alone would have left the quoted agent reply in the customer's colour.
    assert pane.summary.text().startswith("3 turns: 2 customer")
    assert "1 agent" in pane.summary.text()


def test_helpdesk_blocks_name_both_sides_in_the_summary(qtbot: QtBot) -> None:
    pane = ConversationPane()
    qtbot.addWidget(pane)
    pane.set_text(HELPDESK)
    assert pane.summary.text() == "3 turns: 2 customer (Rebecca Ashworth), 1 agent (Chloe)"
    by_line = states(pane)
    assert by_line["Hi Rebecca, I've asked DPD to investigate."] == AGENT
    assert by_line["Ok thanks. Can I also change my address?"] == CUSTOMER


def test_typing_after_the_parse_still_bands_by_label(qtbot: QtBot) -> None:
    pane = ConversationPane()
    qtbot.addWidget(pane)
    pane.set_text("Customer: where is my order?")
    pane.editor.appendPlainText("Agent: checking now")
    pane.transcript()
    assert states(pane)["Agent: checking now"] == AGENT


def test_repainting_the_bands_is_not_an_edit(qtbot: QtBot) -> None:
    pane = ConversationPane()
    qtbot.addWidget(pane)
    changes: list[object] = []
    pane.transcript_changed.connect(changes.append)
    pane.set_text(EMAIL_CHAIN)
    qtbot.wait(600)  # past the typing pause: a repaint reported as an edit would parse again
    assert len(changes) == 1
