"""Espanso match files (YAML): `matches:` with trigger(s), replace/markdown/html/form, label, vars.

Mapped: `$|$` -> {{cursor}}; form fields (`[[name]]` in `form:`, `{{form1.name}}` from a `form`
variable) -> {{input.name}}. A match that inserts a variable computed when it is typed (date,
shell, script, clipboard, random, ...; its own or from `global_vars:`) is skipped with a line in
the report: imported, its body would be the unresolved `{{mydate}}`. Nothing is ever run. Other
variables are kept verbatim and reported.
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


# Variable types whose value exists only when Espanso expands the match.
_DYNAMIC = {"date", "shell", "script", "clipboard", "random", "choice", "match"}
_VARIABLE = re.compile(r"\{\{[ \t]{0,8}(?P<name>[\w\-]{1,60})(?:\.[\w\-]{1,60})?[ \t]{0,8}\}\}")


def _var_types(variables: object) -> dict[str, str]:
    """Variable name -> type, from a `vars:` or `global_vars:` list."""
    found: dict[str, str] = {}
    for var in variables if isinstance(variables, list) else []:
        if isinstance(var, dict) and isinstance(var.get("name"), str):
            found[var["name"]] = str(var.get("type") or "")
    return found


def _dynamic_reason(text: str, types: dict[str, str]) -> str | None:
    """Why `text` cannot become a canned response: it inserts a value computed when typed."""
    used = [m["name"] for m in _VARIABLE.finditer(text)]
    for name in used:
        kind = types.get(name, "")
        if kind in _DYNAMIC:
            return f"inserts a {kind} variable ({{{{{name}}}}}) computed when it is typed"
    if (
        used
        and not _VARIABLE.sub("", text).strip()
        and not any(types.get(n) == "form" for n in used)
    ):
        return f"is only the variable {{{{{used[0]}}}}}, whose value exists only in Espanso"
    return None


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
    if (
        not isinstance(triggers, list)
        or not triggers  # `triggers: []` names no way to insert it
        or not all(isinstance(t, str) and t for t in triggers)
    ):
        raise match.error("'trigger' must be text, 'triggers' a list of text")
    return list(triggers)


def parse(path: Path) -> Parsed:
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("matches"), list):
        raise ImportFileError(f"{path.name}: expected an Espanso match file with 'matches:'.")
    result = Parsed()
    global_types = _var_types(data.get("global_vars"))
    for match in each_record(path, data["matches"], "a mapping"):
        if "regex" in match and "trigger" not in match and "triggers" not in match:
            result.skip(
                f"Espanso regex match {match.text('regex')[:80]!r} has no fixed trigger; skipped."
            )
            continue
        triggers = _triggers(match)
        kind = next((k for k in _TEXT_KEYS if isinstance(match.get(k), str)), None)
        if kind is None:
            result.skip(f"Espanso match {triggers[0]!r} has no text (image?); skipped.")
            continue
        text: str = match.get(kind)
        reason = _dynamic_reason(text, {**global_types, **_var_types(match.get("vars"))})
        if reason is not None:
            result.skip(f"Espanso match {triggers[0]!r} {reason}; skipped.")
            continue
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
