"""HTML bodies to clean plain text with the standard library's parser (no evaluation)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "table", "blockquote", "pre", "hr", "section", "article", "header", "footer",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title"}
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]{0,20}(?:\s[^<>]{0,2000})?/?\s*>")


def looks_like_html(text: str) -> bool:
    return _TAG.search(text) is not None


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n\n" if tag == "p" else "\n")
            if tag == "li":
                self.parts.append("- ")
        elif tag == "a":
            self._href = dict(attrs).get("href")
            self._link_text = []
        elif tag == "attribute":
            # Intercom's <attribute key="user.name" default="there"/> is a placeholder.
            values = dict(attrs)
            key = values.get("key") or ""
            default = values.get("default")
            fallback = f'|fallback:"{default}"' if default else ""
            self.parts.append(f"{{{{{key}{fallback}}}}}" if key else "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK and tag not in ("br", "li"):  # the next <li> starts its own line
            self.parts.append("\n\n" if tag == "p" else "\n")
        elif tag == "a" and self._href is not None:
            # Keep the address: "visit our help centre" is useless without it.
            shown = "".join(self._link_text).strip()
            if self._href.startswith(("http://", "https://")) and self._href != shown:
                self.parts.append(f" ({self._href})")
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        text = re.sub(r"\s+", " ", data)  # HTML whitespace collapses
        self.parts.append(text)
        if self._href is not None:
            self._link_text.append(text)


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).replace("\xa0", " ").split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
