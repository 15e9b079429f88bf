"""Format detection (`--format auto`), the registry, tokens mapping and HTML to text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from desktop import importers
from desktop.errors import ImportFileError
from desktop.importers import tokens
from desktop.importers.base import Parsed
from desktop.importers.html_text import html_to_text

REAL = {
    "zendesk/go-zendesk-macro.json": "zendesk",
    "zendesk/zenpy-macros-list.json": "zendesk",
    "freshdesk/nango-freshdesk-folder-responses.json": "freshdesk",
    "freshdesk/nango-freshdesk-canned-response-folders.json": "freshdesk",
    "chatwoot/chatwoot-cli-golden-canned-responses-get.json": "chatwoot",
    "chatwoot/chatwoot-cli-golden-canned-responses-list.json": "chatwoot",
    "zammad/zammad-csv-import-text-module-simple.csv": "zammad",
    "zammad/zammad-py-text-modules-list-expand.json": "zammad",
    "intercom/intercom-openapi-2.16-list-macros-basic_list.json": "intercom",
    "intercom/intercom-openapi-2.16-get-macro-support_macro.json": "intercom",
    "osticket/osticket-en_US-premade.yaml": "osticket",
    "osticket/bastscho-mysqldump-ost_canned_response.sql": "osticket",
    "espanso/espanso-hub-common-phrases.yml": "espanso",
    "espanso/espanso-hub-french-politeness.yml": "espanso",
    "textexpander/lloydi-html-references-links.csv": "textexpander",
    "textexpander/mig8447-jekyll-trimmed.textexpander": "textexpander",
}
OWN = {
    "zendesk-macros.json": "zendesk",
    "freshdesk-folder.json": "freshdesk",
    "chatwoot-canned.json": "chatwoot",
    "zammad-text-modules.csv": "zammad",
    "zammad-text-modules.json": "zammad",
    "intercom-macro.json": "intercom",
    "osticket-canned.sql": "osticket",
    "osticket-premade.yaml": "osticket",
    "helpscout-saved-reply.json": "helpscout",
    "espanso-support.yml": "espanso",
    "textexpander-snippets.csv": "textexpander",
    "support.textexpander": "textexpander",
}


@pytest.mark.parametrize(("name", "fmt"), REAL.items())
def test_detects_every_real_sample(shared: Path, name: str, fmt: str) -> None:
    assert importers.detect(shared / name) == fmt


@pytest.mark.parametrize(("name", "fmt"), OWN.items())
def test_detects_every_own_sample(data: Path, name: str, fmt: str) -> None:
    assert importers.detect(data / name) == fmt


def test_every_registered_parser_loads() -> None:
    names = importers.format_names()
    assert {"json", "csv", "zendesk", "helpscout", "textexpander"} <= set(names)
    for name in names:
        assert callable(importers.parser_for(name))


def test_bitext_is_a_format_like_any_other(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    record = {"id": "x", "title": "T", "body": "B", "intent": "i", "source": {"dataset": "d"}}
    path.write_text(json.dumps([record]))
    fmt, parsed = importers.parse_file(path)
    assert fmt == "bitext"
    assert isinstance(parsed, Parsed)
    assert [(r.title, r.tags, r.source_id) for r in parsed.responses] == [("T", ("i",), "x")]


def test_unknown_content_asks_for_format(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text('{"hello": "world"}')
    with pytest.raises(
        ImportFileError, match=r"Cannot tell the format of notes\.json; pass --format"
    ):
        importers.detect(path)
    with pytest.raises(ImportFileError, match="Unknown format 'gorgias'"):
        importers.parser_for("gorgias")


@pytest.mark.parametrize(
    ("syntax", "text", "expected", "unknown"),
    [
        ("mustache", "Hi {{ticket.requester.first_name}}", "Hi {{customer.first_name}}", []),
        ("mustache", "{{ user.name | fallback: \"pal\" }}", '{{customer.name|fallback:"pal"}}', []),
        ("mustache", "{% if x %}a{% endif %}", "{% if x %}a{% endif %}",
         ["{% if x %}", "{% endif %}"]),
        ("helpscout", "{%customer.firstName,fallback=there%}",
         '{{customer.first_name|fallback:"there"}}', []),
        ("zammad", "#{ticket.customer.firstname} #{ticket.group.name}",
         "{{customer.first_name}} #{ticket.group.name}", ["#{ticket.group.name}"]),
        ("osticket", "%{ticket.name.first} %{ticket.number}",
         "{{customer.first_name}} {{ticket.id}}", []),
        ("zammad", "literal {{page.title}}", "literal {{page.title}}", ["{{page.title}}"]),
    ],
)  # fmt: skip
def test_placeholder_syntaxes_map_onto_ours(
    syntax: str, text: str, expected: str, unknown: list[str]
) -> None:
    assert tokens.convert(text, syntax) == (expected, unknown)


def test_fallback_with_quote_is_made_safe() -> None:
    converted, _ = tokens.convert('{%customer.firstName,fallback=the "boss"%}', "helpscout")
    assert converted == '{{customer.first_name|fallback:"the  boss "}}'


def test_html_to_text_drops_scripts_and_keeps_structure() -> None:
    html = (
        "<h1>Title</h1><script>alert('x')</script><style>p{}</style>"
        "<p>One&nbsp;two   three</p><ol><li>a</li><li>b</li></ol><p>x<br/>y</p>"
    )
    assert html_to_text(html) == "Title\n\nOne two three\n\n- a\n- b\n\nx\ny"
