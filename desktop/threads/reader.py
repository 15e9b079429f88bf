"""Raw paste in, messages out: pick the paste's style, split it, clean it, name the sides."""

from __future__ import annotations

from desktop.threads import chat, emails, helpdesk, speakers
from desktop.threads.model import Message
from desktop.threads.noise import strip_noise, unescape


def read(text: str) -> list[Message]:
    """The messages of a pasted thread, oldest first, each with a role and (if known) a speaker."""
    lines = unescape(text).split("\n")
    joined: set[str] = set()
    if helpdesk.starts_with_block(lines):
        messages = helpdesk.split(lines)
    elif emails.looks_like_email(lines):
        messages = emails.split(lines)
    else:
        messages, joined = chat.split(lines)
    for message in messages:
        message.text = strip_noise(message.text)
    messages = [m for m in messages if m.text]
    speakers.resolve(messages, joined)
    return messages
