"""Raw paste in, messages out: pick the paste's style, split it, clean it, name the sides."""

from __future__ import annotations

from desktop.threads import chat, emails, handles, helpdesk, speakers
from desktop.threads.model import Message
from desktop.threads.noise import is_noise_line, strip_noise, unescape


def read(text: str) -> list[Message]:
    """The messages of a pasted thread, oldest first, each with a role and (if known) a speaker."""
    messages, joined = _split(unescape(text).split("\n"))
    for message in messages:
        message.text = strip_noise(message.text)
    messages = [m for m in messages if m.text]
    speakers.resolve(messages, joined)
    return messages


def _split(lines: list[str]) -> tuple[list[Message], set[str]]:
    """The messages by the paste's style, and the names that joined a chat (the team's)."""
    if helpdesk.starts_with_block(lines):
        messages = helpdesk.split(lines)
        if len(messages) > 1:
            return messages, set()
        # A title line ("Web chat transcript · 10 Nov 2026") looks like one helpdesk header;
        # a chat's labels under it split the paste where the export found one message.
        # The ticket's fields above it ("Requester: Gordon Pryce <...>") are no chat labels.
        cleared = [
            "" if i < helpdesk.PREAMBLE_LINES and is_noise_line(line) else line
            for i, line in enumerate(lines)
        ]
        labelled, joined = chat.split(cleared)
        if labelled and not labelled[0].speaker and helpdesk.is_header(labelled[0].text):
            labelled = labelled[1:]  # the title line itself
        return (labelled, joined) if len(labelled) > 1 else (messages, set())
    if emails.looks_like_email(lines):
        return emails.split(lines), set()
    if handles.looks_like_handles(lines):
        return handles.split(lines), set()
    return chat.split(lines)
