"""Nothing leaves the laptop: no socket in a whole headless session, no conversation in the logs,
and a model's chat template cannot run code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from desktop import paths
from desktop.engine.chat_template import ChatTemplate, TemplateRefusedError
from desktop.engine.llama import LlamaEngine
from jinja2.sandbox import ImmutableSandboxedEnvironment
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

ROOT = Path(__file__).resolve().parents[2]

# A conversation with words found nowhere else, so the log can be searched for them.
CONVERSATION = (
    "Customer: Hello, my name is Quorvina Blandtree. My parcel 48213 never arrived in "
    "Zelminster and the courier left a note saying xylophonic depot.\n"
    "Agent: Sorry to hear that! Let me check.\n"
    "Customer: Please hurry, the gift is for my grandmother Ottoline.\n"
)
SECRET_WORDS = ("Quorvina", "Blandtree", "Zelminster", "xylophonic", "Ottoline")

# Runs in the child: every way Python opens a network connection raises and is recorded, then
# a whole headless session runs through the app's own entry point.
CHILD = r"""
import json, socket, sys

attempts = []

def _refuse(*args, **kwargs):
    attempts.append("socket: " + repr(args)[:200])
    raise OSError("network blocked by the test")

def _audit(event, args):
    if event.split(".")[0] in ("socket", "urllib", "http", "ftplib", "smtplib", "webbrowser"):
        attempts.append(event + ": " + repr(args)[:200])
        raise OSError("network blocked by the test: " + event)

class _Socket:
    def __init__(self, *args, **kwargs):
        _refuse(*args)

socket.socket = _Socket
socket.create_connection = _refuse
socket.socketpair = _refuse
sys.addaudithook(_audit)

from desktop.app import main
from desktop.store.library import open_library

conversation, freshdesk, exported = sys.argv[1:4]
codes = {}
for argv in (
    ["canned", "list"],
    ["canned", "import", freshdesk],
    ["canned", "export", exported],
    ["read", conversation],
    ["suggest", conversation, "--max-tokens", "24", "--seed", "1"],
    ["suggest", conversation, "--max-tokens", "24", "--seed", "2", "--mode", "free"],
    ["canned", "backups"],
):
    codes[" ".join(argv[:2])] = main(argv)
library = open_library()
found = [r.title for r in library.repo.search("parcel")]
library.close()
sys.stdout.write("\nRESULT " + json.dumps({"codes": codes, "found": found, "attempts": attempts}))
"""


@pytest.mark.model
def test_a_whole_headless_session_opens_no_socket_and_logs_no_conversation(
    app_home: Path, tmp_path: Path
) -> None:
    conversation = tmp_path / "conversation.txt"
    conversation.write_text(CONVERSATION, encoding="utf-8")
    freshdesk = tmp_path / "freshdesk.jsonl"
    record = {
        "id": 1,
        "title": "Lost parcel",
        "content": "We will trace your parcel today.",
        "content_html": "<div>We will trace your parcel today.</div>",
        "folder_id": 7,
    }
    freshdesk.write_text(json.dumps({"stream": "canned_responses", "data": record}) + "\n")
    exported = tmp_path / "library.json"

    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(conversation), str(freshdesk), str(exported)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ROOT,
        env={**os.environ, "AGENT_ASSIST_HOME": str(app_home)},
    )

    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.rsplit("RESULT ", 1)[1])
    assert result["attempts"] == []
    assert set(result["codes"].values()) == {0}, (result, child.stderr[-3000:])
    assert "Lost parcel" in result["found"]
    assert json.loads(exported.read_text(encoding="utf-8"))  # the export was written
    draft = child.stdout.rsplit("RESULT ", 1)[0]
    assert "Quorvina" in draft or len(draft) > 40  # the drafts were made and printed
    log = paths.log_path().read_text(encoding="utf-8")
    assert "suggest" in log or "loaded" in log  # the session did log, at INFO
    for word in SECRET_WORDS:
        assert word not in log, f"the conversation's word {word!r} is in the log"
    # Nor any sentence of the drafts.
    for line in draft.splitlines():
        if len(line.strip()) > 30:
            assert line.strip() not in log, f"draft text in the log: {line!r}"


# --- chat templates from a model's metadata --------------------------------------------------

HOSTILE_TEMPLATES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "{{ joiner.__init__.__globals__['__builtins__']['open']('/etc/passwd').read() }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].system('touch PWNED') }}",
    "{% import os %}{{ os.system('touch PWNED') }}",
    "{% include '/etc/passwd' %}",
    "{% extends '/etc/passwd' %}",
    "{{ open('/etc/passwd').read() }}",
    "{% set m = messages %}{{ m.append({'role': 'system', 'content': 'x'}) }}",
    "{{ messages.__class__.__base__.__subclasses__() }}",
    "{{ raise_exception.__globals__ }}",
    "{{ strftime_now.__globals__ }}",
    "{{ range.__self__ }}",
    "{{ 'a'.format.__globals__ }}",
]


@pytest.mark.parametrize("template", HOSTILE_TEMPLATES)
def test_a_models_chat_template_cannot_run_code_or_read_files(
    template: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    messages = [{"role": "user", "content": "hello"}]
    try:
        formatter = Jinja2ChatFormatter(template=template, eos_token="</s>", bos_token="<s>")
        result = formatter(messages=messages)  # type: ignore[arg-type]
    except jinja2.TemplateError:
        pass  # SecurityError, UndefinedError, TemplateNotFound, syntax: refused
    else:
        assert "<class" not in result.prompt
        assert "root:" not in result.prompt
        assert "__builtins__" not in result.prompt
        assert "function" not in result.prompt
    assert messages == [{"role": "user", "content": "hello"}]
    assert not (tmp_path / "PWNED").exists()


def test_attribute_tricks_are_refused_by_the_sandbox_not_merely_undefined() -> None:
    formatter = Jinja2ChatFormatter(
        template="{{ ''.__class__.__mro__ }}", eos_token="</s>", bos_token="<s>"
    )
    with pytest.raises(jinja2.exceptions.SecurityError):
        formatter(messages=[{"role": "user", "content": "hi"}])


@pytest.mark.model
def test_the_engine_formats_prompts_with_a_sandboxed_formatter(engine: LlamaEngine) -> None:
    # The app's own budgeted template (desktop/engine/chat_template.py), on Jinja's sandbox.
    formatter = engine._formatter
    assert isinstance(formatter, ChatTemplate)
    assert isinstance(formatter._template.environment, ImmutableSandboxedEnvironment)
    with pytest.raises(TemplateRefusedError):
        ChatTemplate("{{ ''.__class__.__mro__ }}", "</s>", "<s>")(
            [{"role": "user", "content": "hi"}]
        )
