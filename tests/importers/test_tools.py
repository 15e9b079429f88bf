"""Zammad, osTicket, Espanso and TextExpander importers on real and own samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from desktop.errors import ImportFileError
from desktop.importers import espanso, osticket, textexpander, zammad
from desktop.importers.base import each_record


def test_zammad_real_csv_semicolons_ragged_rows_and_html(shared: Path) -> None:
    parsed = zammad.parse(shared / "zammad" / "zammad-csv-import-text-module-simple.csv")
    first, second = parsed.responses
    assert (first.title, first.body, first.tags, first.notes) == (
        "some name1", "some\ncontent1", ("keyword1",), "-",
    )  # fmt: skip
    assert first.active is True  # empty `active` cell: Zammad's default
    assert second.body == "some content\ntest123"
    assert second.body_html == "some content<br>test123"


def test_zammad_real_api_json(shared: Path) -> None:
    (module,) = zammad.parse(
        shared / "zammad" / "zammad-py-text-modules-list-expand.json"
    ).responses
    assert (module.title, module.body, module.source_id, module.tags) == (
        "pytest tm",
        "hello",
        "1",
        (),
    )


def test_zammad_own_samples_map_placeholders(data: Path) -> None:
    parsed = zammad.parse(data / "zammad-text-modules.csv")
    greeting, old = parsed.responses
    assert greeting.body == (
        "Dear {{customer.first_name}},\n\nthanks for contacting us.\n{{agent.first_name}}"
    )
    assert greeting.tags == ("hello", "hi")
    assert old.active is False
    assert parsed.unknown_placeholders == ["#{config.product_name}"]
    (refund,) = zammad.parse(data / "zammad-text-modules.json").responses
    assert refund.tags == ("refund", "money")
    assert refund.body == "Hello {{customer.first_name}},\n\nyour ticket {{ticket.id}} is refunded."


def test_zammad_csv_row_without_name_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "tm.csv"
    path.write_text('name;keywords;content\nok;k;"two\nlines"\n;k;orphan\n')
    with pytest.raises(ImportFileError, match=r"tm\.csv, line 4: missing 'name'"):
        zammad.parse(path)


def test_osticket_real_premade_yaml(shared: Path) -> None:
    parsed = osticket.parse(shared / "osticket" / "osticket-en_US-premade.yaml")
    sample = parsed.responses[1]
    assert sample.title == "Sample (with variables)"
    assert sample.body == (
        "Hi {{customer.first_name}},\n\nYour ticket #{{ticket.id}} created on "
        "%{ticket.create_date} is in %{ticket.dept.name} department."
    )
    assert parsed.unknown_placeholders == ["%{ticket.create_date}", "%{ticket.dept.name}"]


def test_osticket_real_sql_dump_matches_yaml(shared: Path) -> None:
    sql = osticket.parse(shared / "osticket" / "bastscho-mysqldump-ost_canned_response.sql")
    yml = osticket.parse(shared / "osticket" / "osticket-en_US-premade.yaml")
    assert [r.body for r in sql.responses] == [r.body for r in yml.responses]
    assert [r.source_id for r in sql.responses] == ["1", "2"]
    assert sql.responses[0].body.startswith("osTicket is a widely-used open source support ticket")


def test_osticket_own_sql_with_columns_and_escapes(data: Path) -> None:
    reset, disabled = osticket.parse(data / "osticket-canned.sql").responses
    assert reset.body == (
        "Hi {{customer.first_name}},\nWe've reset your password; it's in your inbox at "
        "{{customer.email}}.\n%{staff.signature}"
    )
    assert reset.language == "de"
    assert disabled.active is False
    assert disabled.notes == "old"


def test_osticket_own_yaml(data: Path) -> None:
    received, unused = osticket.parse(data / "osticket-premade.yaml").responses
    assert received.body == "Hello {{customer.name}},\nwe have received ticket #{{ticket.id}}."
    assert received.notes == "Sent on creation"
    assert unused.active is False


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("INSERT INTO `ost_canned_response` VALUES (1,0,1,'A','unterminated);\n",
         "line 1: unterminated string"),
        ("-- x\nINSERT INTO ost_canned_response VALUES (1,0,1,'A','b','en',NULL,'t','t'),(2,0);\n",
         "line 2, row 2: 2 values for 9 columns"),
        ("CREATE TABLE foo (id int);\n", "no INSERT INTO"),
        ("INSERT INTO ost_canned_response VALUES (1,0,1,'','b','en',NULL,'t','t');",
         "row 1: missing title"),
    ],
)  # fmt: skip
def test_osticket_malformed_sql(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "dump.sql"
    path.write_text(content)
    with pytest.raises(ImportFileError, match=message):
        osticket.parse(path)


def test_espanso_real_hub_packages(shared: Path) -> None:
    phrases = espanso.parse(shared / "espanso" / "espanso-hub-common-phrases.yml")
    assert len(phrases.responses) == 60
    hello = phrases.responses[0]
    assert (hello.shortcode, hello.body) == (":hello", "Hello, how can I help you today?")
    french = espanso.parse(shared / "espanso" / "espanso-hub-french-politeness.yml")
    by_trigger = {r.shortcode: r for r in french.responses}
    assert by_trigger["msr"].notes == "Also triggered by: m."
    assert by_trigger[":cher"].body == "{{input.dear}}\u202f{{input.name}},"
    assert by_trigger[":cher"].title == "[dear]\u202f[name],"
    assert by_trigger["bapm"].body == "bonne après-midi"


def test_espanso_own_sample(data: Path) -> None:
    parsed = espanso.parse(data / "espanso-support.yml")
    ty, sig = parsed.responses
    assert (ty.title, ty.body) == ("Thank you", "Thank you for your patience! {{cursor}}")
    assert sig.body == "Best regards,\n{{input.agent}}"
    # The refund match inserts today's date when typed: skipped and said so, never "{{today}}".
    assert parsed.skipped == 3  # the date, the image and the regex match
    assert any(":refund" in w and "date variable ({{today}})" in w for w in parsed.warnings)
    assert parsed.unknown_placeholders == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("matches:\n  - trigger: a\n    replace: b\n  - trigger: [1]\n    replace: c\n",
         "record 2: 'trigger' must be text"),
        ("matches:\n  - trigger: a\n   replace: b\n", "line 3: not valid YAML"),
        ("- trigger: a\n", "expected an Espanso match file"),
    ],
)  # fmt: skip
def test_espanso_malformed(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "base.yml"
    path.write_text(content)
    with pytest.raises(ImportFileError, match=message):
        espanso.parse(path)


def test_espanso_yaml_cannot_build_python_objects(tmp_path: Path) -> None:
    path = tmp_path / "evil.yml"
    path.write_text("matches: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(ImportFileError, match="not valid YAML"):
        espanso.parse(path)


def test_textexpander_real_csv_without_header(shared: Path) -> None:
    parsed = textexpander.parse(shared / "textexpander" / "lloydi-html-references-links.csv")
    assert len(parsed.responses) == 60
    first = parsed.responses[0]
    assert (first.shortcode, first.title) == ("!a-l", "a (Link)")
    assert first.body.endswith("#the-a-element")


def test_textexpander_real_plist_reports_unmapped_macros(shared: Path) -> None:
    parsed = textexpander.parse(shared / "textexpander" / "mig8447-jekyll-trimmed.textexpander")
    (snippet,) = parsed.responses
    assert snippet.category == "Jekyll"
    assert snippet.source_id == "69678EBE-35B2-4D2A-8358-A6D9954A9224"
    assert 'title: "{{input.post_title}}"' in snippet.body
    assert "- <TAG>" in snippet.body  # XML-escaped text is text, not HTML
    assert "%snippet:jkldate%" in parsed.unknown_placeholders
    assert "%fillpartend%" in parsed.unknown_placeholders


def test_textexpander_own_csv_and_plist(data: Path) -> None:
    csv_parsed = textexpander.parse(data / "textexpander-snippets.csv")
    (thanks,) = csv_parsed.responses
    assert thanks.body == "Thanks for reaching out, {{cursor}}"
    # "ord;" pastes the clipboard when typed: skipped and said so, never "%clipboard" as text.
    assert csv_parsed.skipped == 1
    assert csv_parsed.warnings == [
        "TextExpander snippet 'ord;' inserts the clipboard (%clipboard) when it is typed; skipped."
    ]
    plist = textexpander.parse(data / "support.textexpander")
    (hello,) = plist.responses
    assert hello.body == 'Hello {{input.salutation|fallback:"Sir"}}, thanks & welcome!{{cursor}}'
    assert (hello.category, hello.shortcode) == ("Support", ";hi")
    assert plist.skipped == 1 and "JavaScript" in plist.warnings[0]


def test_textexpander_malformed(tmp_path: Path) -> None:
    csv_path = tmp_path / "te.csv"
    csv_path.write_text('"a","b","c"\n"only-one-cell"\n')
    with pytest.raises(ImportFileError, match=r"te\.csv, line 2"):
        textexpander.parse(csv_path)
    plist_path = tmp_path / "broken.textexpander"
    plist_path.write_text("<?xml version='1.0'?><plist><dict><key>x</key>")
    with pytest.raises(ImportFileError, match="not a valid TextExpander plist"):
        textexpander.parse(plist_path)


def test_records_give_typed_fields_and_errors_that_name_them(tmp_path: Path) -> None:
    path = tmp_path / "macros.json"
    first, second = each_record(path, [{"name": " Refund ", "id": 7}, {"name": ["x"]}])
    assert (first.required("name"), first.text("id"), first.text("missing", "x")) == (
        "Refund",
        "7",
        "x",
    )
    with pytest.raises(ImportFileError, match=r"macros.json, record 2: 'name' must be text"):
        second.text("name")
    with pytest.raises(ImportFileError, match=r"record 2: missing 'title'"):
        second.required("title")
    with pytest.raises(ImportFileError, match=r"record 1: expected a mapping"):
        list(each_record(path, ["not a record"], "a mapping"))
