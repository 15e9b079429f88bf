"""Zendesk tickets with their audits: each macro an agent applied, with the thread before it.

The Ticket Audits API (`GET /api/v2/tickets/{id}/audits`) returns `{"audits": [...]}`; an
export script usually keeps them per ticket: `{"tickets": [{"id", "requester_id", "subject",
"description", "audits": [...]}]}`. Both are read. An audit is one update of a ticket, with
`events`: a `Comment` event is a message (`author_id`, `body`, `public`), and a macro reference
event (`"type": "AgentMacroReference"`, `macro_id`, `macro_title`) says an agent applied a
macro in that update. Each macro applied becomes a pick: the conversation up to that update
(the requester's comments as the customer's turns, public replies as the agent's) and the
macro, found by its id among responses imported from Zendesk, else by its title. No Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from desktop.importers.picks import Pick
from desktop.transcript import Transcript, Turn

MACRO_EVENT = "AgentMacroReference"


def is_audits(data: Any) -> bool:
    """True for an audits response, or tickets that carry their audits."""
    if isinstance(data, dict) and isinstance(data.get("audits"), list):
        return True
    tickets = data.get("tickets") if isinstance(data, dict) else data
    return isinstance(tickets, list) and any(
        isinstance(t, dict) and isinstance(t.get("audits"), list) for t in tickets
    )


def picks_from(data: Any) -> list[Pick]:
    """Every macro application in `data` (see is_audits), oldest first per ticket."""
    picks: list[Pick] = []
    for ticket, audits in _tickets(data):
        picks.extend(_ticket_picks(ticket, audits))
    return picks


def _tickets(data: Any) -> Iterable[tuple[dict[str, Any], list[dict[str, Any]]]]:
    if isinstance(data, dict) and isinstance(data.get("audits"), list):
        by_ticket: dict[Any, list[dict[str, Any]]] = {}
        for audit in data["audits"]:
            if isinstance(audit, dict):
                by_ticket.setdefault(audit.get("ticket_id"), []).append(audit)
        for ticket_id, audits in by_ticket.items():
            yield {"id": ticket_id}, audits
        return
    tickets = data.get("tickets") if isinstance(data, dict) else data
    for ticket in tickets or []:
        if isinstance(ticket, dict) and isinstance(ticket.get("audits"), list):
            yield ticket, [a for a in ticket["audits"] if isinstance(a, dict)]


def _ticket_picks(ticket: dict[str, Any], audits: list[dict[str, Any]]) -> list[Pick]:
    audits = sorted(audits, key=lambda a: (str(a.get("created_at") or ""), a.get("id") or 0))
    # The requester asks; without the ticket's requester_id, the author of its first update.
    requester = ticket.get("requester_id")
    if requester is None and audits:
        requester = audits[0].get("author_id")
    turns: list[Turn] = []
    picks: list[Pick] = []
    for audit in audits:
        events = [e for e in audit.get("events") or [] if isinstance(e, dict)]
        for event in events:
            if event.get("type") == MACRO_EVENT and any(t.role == "customer" for t in turns):
                title = str(event.get("macro_title") or "")
                macro_id = event.get("macro_id")
                ref = f"zendesk:{macro_id}" if macro_id is not None else ""
                picks.append(Pick(Transcript(tuple(turns)), title or ref, ref))
        for event in events:  # the macro answered what came before this update
            if event.get("type") != "Comment" or not str(event.get("body") or "").strip():
                continue
            author = event.get("author_id", audit.get("author_id"))
            if author == requester:
                turns.append(Turn("customer", str(event["body"]).strip()))
            elif event.get("public", True):
                turns.append(Turn("agent", str(event["body"]).strip()))
    return picks
