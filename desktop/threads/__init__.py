"""Read a pasted support thread as the agent pastes it. Pure Python, no Qt.

`reader.read` turns raw text into messages, oldest first, each with a speaker and a role:
e-mail chains (quoted replies, Outlook headers) in `emails`, helpdesk exports (name, date line,
message) in `helpdesk`, labelled chats (`Customer:`, `Kunde:`, `[10:32] Zara:`, `Visitor 4821:`)
in `chat`; `noise` drops what nobody wrote and `speakers` decides who the agent is. `labels` and
`dates` hold the words of the 11 languages. `agreement` measures a parse against a labelled one;
`lines` maps a parse back onto the pasted lines. `desktop.transcript.parse` is the public entry
point; it wraps the messages into Turns.
"""
