"""Espanso match files (YAML): `matches:` with trigger(s), replace/markdown/html/form, label, vars.

Mapped: `$|$` -> {{cursor}}; form fields (`[[name]]` in `form:`, `{{form1.name}}` from a `form`
variable) -> {{input.name}}. Other variables (date, shell, clipboard...) are never run: kept
verbatim and reported.
"""

from __future__ import annotations

import re
from pathlib import Path

from desktop.errors import ImportFileError
from desktop.importers import tokens
from desktop.importers.base import Parsed, Record, each_record, load_yaml, make_title
from desktop.importers.html_text import html_to_text
from desktop.store.canned import CannedResponse

SOURCE = "espanso"
_TEXT_KEYS = ("replace", "markdown", "html", "form")  # where a match keeps its text, by priority
_TOKEN = re.compile(
    r"\$\|\$|\[\[[ \t]{0,8}(?P<field>[\w\-]{1,60})[ \t]{0,8}\]\]"
    r"|\{\{[ \t]{0,8}(?P<var>[\w\-]{1,60})(?:\.(?P<sub>[\w\-]{1,60}))?[ \t]{0,8}\}\}"
)


def _form_vars(match: Record) -> set[str]:
    found = set()
    for var in match.get("vars") or []:
        if isinstance(var, dict) and var.get("type") == "form" and isinstance(var.get("name"), str):
            found.add(var["name"])
    return found


def _convert(text: str, form_vars: set[str]) -> tuple[str, list[str]]:
    def replace(m: re.Match[str]) -> str | None:
        if m.group(0) == "$|$":
            return "{{cursor}}"
        if m["field"]:
            return tokens.ours(tokens.input_name(m["field"]))
        if m["var"] in form_vars and m["sub"]:
            return tokens.ours(tokens.input_name(m["sub"]))
        return None

    return tokens.rewrite(text, _TOKEN, replace)


def _triggers(match: Record) -> list[str]:
    triggers = match.get("triggers") if "triggers" in match else [match.get("trigger")]
    if not isinstance(triggers, list) or not all(isinstance(t, str) and t for t in triggers):
        raise match.error("'trigger' must be text, 'triggers' a list of text")
    return list(triggers)


def parse(path: Path) -> Parsed:
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("matches"), list):
        raise ImportFileError(f"{path.name}: expected an Espanso match file with 'matches:'.")
    result = Parsed()
    for match in each_record(path, data["matches"], "a mapping"):
        if "regex" in match and "trigger" not in match and "triggers" not in match:
            result.skip(
                f"Espanso regex match {match.get('regex')!r} has no fixed trigger; skipped."
            )
            continue
        triggers = _triggers(match)
        kind = next((k for k in _TEXT_KEYS if isinstance(match.get(k), str)), None)
        if kind is None:
            result.skip(f"Espanso match {triggers[0]!r} has no text (image?); skipped.")
            continue
        text: str = match.get(kind)
        html = text if kind == "html" else ""
        if html:
            text = html_to_text(html)
        body, unknown = _convert(text.strip(), _form_vars(match))
        if not body:
            result.skip(f"Espanso match {triggers[0]!r} is empty; skipped.")
            continue
        label = match.get("label")
        others = ", ".join(triggers[1:])
        result.keep(
            CannedResponse(
                title=label.strip()
                if isinstance(label, str) and label.strip()
                else make_title(body),
                body=body,
                body_html=html,
                shortcode=triggers[0],
                notes=f"Also triggered by: {others}" if others else "",
                source=SOURCE,
                source_id=triggers[0],
            ),
            unknown,
        )
    return result
