"""Espanso match files (YAML): `matches:` with trigger(s), replace/markdown/html/form, label, vars.

Mapped: `$|$` -> {{cursor}}; form fields (`[[name]]` in `form:`, `{{form1.name}}` from a `form`
variable) -> {{input.name}}. Other variables (date, shell, clipboard...) are never run: kept
verbatim and reported.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from desktop.errors import ImportFileError
from desktop.importers import tokens
from desktop.importers.base import Parsed, load_yaml, make_title, record_error
from desktop.importers.html_text import html_to_text
from desktop.store.canned import CannedResponse

SOURCE = "espanso"
_TOKEN = re.compile(
    r"\$\|\$|\[\[[ \t]{0,8}(?P<field>[\w\-]{1,60})[ \t]{0,8}\]\]"
    r"|\{\{[ \t]{0,8}(?P<var>[\w\-]{1,60})(?:\.(?P<sub>[\w\-]{1,60}))?[ \t]{0,8}\}\}"
)


def _form_vars(match: dict[str, Any]) -> set[str]:
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


def _triggers(path: Path, index: int, match: dict[str, Any]) -> list[str]:
    triggers = match.get("triggers") if "triggers" in match else [match.get("trigger")]
    if not isinstance(triggers, list) or not all(isinstance(t, str) and t for t in triggers):
        raise record_error(path, index, match, "'trigger' must be text, 'triggers' a list of text")
    return list(triggers)


def parse(path: Path) -> Parsed:
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("matches"), list):
        raise ImportFileError(f"{path.name}: expected an Espanso match file with 'matches:'.")
    result = Parsed()
    for index, match in enumerate(data["matches"]):
        if not isinstance(match, dict):
            raise record_error(path, index, match, "expected a mapping")
        if "regex" in match and "trigger" not in match and "triggers" not in match:
            result.skip(f"Espanso regex match {match['regex']!r} has no fixed trigger; skipped.")
            continue
        triggers = _triggers(path, index, match)
        html = ""
        if isinstance(match.get("replace"), str):
            text = match["replace"]
        elif isinstance(match.get("markdown"), str):
            text = match["markdown"]
        elif isinstance(match.get("html"), str):
            html = match["html"]
            text = html_to_text(html)
        elif isinstance(match.get("form"), str):
            text = match["form"]
        else:
            result.skip(f"Espanso match {triggers[0]!r} has no text (image?); skipped.")
            continue
        body, unknown = _convert(text.strip(), _form_vars(match))
        if not body:
            result.skip(f"Espanso match {triggers[0]!r} is empty; skipped.")
            continue
        result.add_unknown(unknown)
        label = match.get("label")
        others = ", ".join(triggers[1:])
        result.responses.append(
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
            )
        )
    return result
