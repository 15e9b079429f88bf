"""Read a pasted support thread as the agent pastes it. Pure Python, no Qt.

`reader.read` turns raw text into messages, oldest first, each with a speaker and a role:
e-mail chains (quoted replies, Outlook headers), helpdesk exports (name, date line, message)
and labelled chats (`Customer:`, `Kunde:`, `[10:32] Zara:`, `Visitor 4821:`) alike.
`desktop.transcript.parse` is the public entry point; it wraps these into Turns.
"""
