"""Make the README screenshots: the real window, real model, real canned library.

reading-chips.png: a Spanish conversation read at a glance (language, mood, urgency, intents)
with its ready reply, before any draft. model-picker.png: File > Choose model on a home folder
planted with header-only GGUFs laid out like each local-LLM app's (real headers, sparse files:
no weights), beside the real default model.

The main window shows the ready reply and a checked draft. The model writes freely here (the
mode where the checks matter most) and the draft is regenerated until the checks took at least
one sentence out; when two were, one is restored so both looks show: underlined and struck out.
tabs.png: three conversations in tabs, one drafting while the shown one waits its turn.
compact.png: the compact strip (Ctrl+Shift+M) that sits beside the helpdesk.
thread.png: an email chain pasted as Gmail quotes it, on a team's own library (the realistic
dev set's shop, samples replaced): the quoted agent reply banded as the agent's, the ready reply
and an adapted draft.
window-1024x640.png, window-1280x720.png, window-1920x1080.png: the same window at half a
laptop's screen, a laptop's and a full screen's size (nothing cut; the canned preview and
list give way first).

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshot.py [folder]

Uses a throwaway data folder so the user's library is untouched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["AGENT_ASSIST_HOME"] = tempfile.mkdtemp(prefix="agent-assist-shot-")

from desktop import settings as settings_module  # noqa: E402
from desktop.drafting.events import Finished  # noqa: E402
from desktop.drafting.results import SuggestionResult  # noqa: E402
from desktop.drafting.session import EngineState  # noqa: E402
from desktop.library.service import import_file  # noqa: E402
from desktop.store.library import open_library  # noqa: E402
from desktop.ui.launch import build_window, create_app  # noqa: E402
from desktop.ui.main_window import MainWindow  # noqa: E402
from desktop.ui.waiting import wait_until  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402

CONVERSATION = """Customer: Hi, I ordered a pair of running shoes last Monday and the tracking hasn't updated in four days.
Agent: Hi Sam, thanks for reaching out! Could you share your order number so I can take a look?
Customer: Sure, it's 48213. Can I call someone about it? What number or website should I use to check when my package will arrive?
"""


PASSWORD = """Customer: I can't log in anymore, it says my password is wrong. How do I reset it?
"""
REFUND = """Customer: The headphones I returned last week still haven't been refunded. When do I get my money back?
"""

SPANISH = """Customer: Hola, pedí unas zapatillas hace una semana y el seguimiento no se ha movido. ¿Cuándo llegará mi paquete? Es urgente, lo necesito antes del viernes.
"""
GIB = 1024**3
SIZES = ((1024, 640), (1280, 720), (1920, 1080))  # half a laptop, a laptop, a full screen
# (folder under the fake home, file, architecture, title, parameters in billions, embedding,
#  layers, vocabulary, trained context, llama.h file type, size in GiB)
PLANTED = (
    (".ollama/models", "llama3.2:3b", "llama", "Llama 3.2 3B Instruct", 3.2, 3072, 28, 128256,
     131072, 15, 1.9),
    (".lmstudio/models/lmstudio-community/Qwen2.5-7B-Instruct-GGUF",
     "Qwen2.5-7B-Instruct-Q4_K_M.gguf", "qwen2", "Qwen2.5 7B Instruct", 7.6, 3584, 28, 152064,
     32768, 15, 4.4),
    (".local/share/nomic.ai/GPT4All", "Phi-3-mini-4k-instruct.Q4_0.gguf", "phi3",
     "Phi 3 Mini 4k Instruct", 3.8, 3072, 32, 32064, 4096, 2, 2.0),
    (".config/Jan/data/llamacpp/models/gemma-3-4b-it", "model.gguf", "gemma3",
     "Gemma 3 4B It", 3.9, 2560, 34, 262144, 131072, 15, 2.3),
    (".cache/llama.cpp", "bartowski_Llama-3.3-70B-Instruct-Q4_K_M.gguf", "llama",
     "Llama 3.3 70B Instruct", 70.6, 8192, 80, 128256, 131072, 15, 39.6),
    (".lmstudio/models/lmstudio-community/Qwen2.5-VL-7B-Instruct-GGUF",
     "mmproj-model-f16.gguf", "clip", "Qwen2.5 VL projector", 0.7, 1280, 32, 0, 0, 1, 1.3),
)  # fmt: skip


# An email chain as Gmail pastes it: two needs, the agent's reply quoted under the customer's.
THREAD = """Hi Sam, it's p.whitaker@example.net - I double checked and it's right. He's looked in \
his junk folder too. Also once he has it, can he use it together with the gift card his \
neighbour gave him on the same order?

Thanks
Sandra

Sent from my iPhone

On Tue, 11 Jun 2024 at 10:56, Larkfield Customer Care <care@larkfield.example> wrote:
> Hi Sandra,
>
> Thanks for getting in touch and sorry to hear that. Could you confirm the email address you \
entered for your dad so I can check what happened?
>
> Kind regards,
> Sam
> Larkfield Customer Care
>
> On Mon, 10 Jun 2024 at 19:40, Sandra Whitaker <sandra.whitaker@example.com> wrote:
> > Hello, I bought an e-gift card for my dad (£50, order #48390) for his birthday last \
Friday and he says he never got it. Can you help?
"""


def what_shows(window: MainWindow) -> str:
    """A line on what the window shows at its size (the README's figures)."""
    canned, chips = window.canned, window.suggestion.chips
    row = max(canned.list.sizeHintForRow(0), 1)
    rows = min(canned.list.viewport().height() // row, canned.list.count())
    shown = sum(chip.isVisible() for chip in chips.chips())
    draft = window.suggestion.draft
    lines = draft.viewport().height() // draft.fontMetrics().lineSpacing()
    preview = "preview shown" if canned.preview.isVisible() else "preview hidden"
    return (
        f"ready reply whole, draft {lines} lines, chips {shown}/{len(chips.chips())} on one "
        f"line, canned list {rows} rows, {preview}"
    )


def wait(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    wait_until(condition, timeout_s)


def plant_home(home: Path) -> None:
    """Header-only GGUFs where each app keeps its models (sparse: their size without the disk)."""
    from desktop.engine.gguf_header import TensorInfo
    from tests.engine.gguf_files import encode_header
    from tests.engine.test_catalog import plant_ollama

    for folder, name, arch, title, billions, embd, layers, vocab, context, ftype, size in PLANTED:
        metadata: dict[str, object] = {
            "general.architecture": arch, "general.name": title, "general.file_type": ftype,
            f"{arch}.context_length": context, f"{arch}.embedding_length": embd,
            f"{arch}.block_count": layers, f"{arch}.attention.head_count": embd // 128,
            f"{arch}.attention.head_count_kv": 8,
            "tokenizer.chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}",
        }  # fmt: skip
        per_layer = int((billions * 1e9 - embd * max(vocab, 1)) / layers / embd)
        tensors = [TensorInfo("token_embd.weight", (embd, max(vocab, 1)), 12)]
        tensors += [
            TensorInfo(f"blk.{n}.ffn_up.weight", (embd, per_layer), 12) for n in range(layers)
        ]
        header = encode_header(metadata, tensors)  # type: ignore[arg-type]
        if folder.startswith(".ollama"):
            model, tag = name.split(":")
            blob = plant_ollama(home / folder, model, tag)
            path = blob
        else:
            path = home / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.write(header)
            handle.truncate(int(size * GIB))


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "resources" / "screenshots"
    out = folder / "main-window.png"
    app = create_app()
    open_library().close()  # seed
    settings = settings_module.Settings(
        max_tokens=120, temperature=0.8, draft_mode="free", alternatives=1
    )
    window = build_window(settings)
    window.resize(1280, 800)
    window.show()
    wait(lambda: window.assist.model_info is not None)
    chips = window.suggestion.chips
    window.conversation.set_text(SPANISH)
    wait(lambda: chips.isVisible() and window.suggestion.ready.isVisible(), 10)
    wait(lambda: False, 0.4)
    window.grab().save(str(folder / "reading-chips.png"))
    print(f"saved {folder / 'reading-chips.png'}")
    window.conversation.set_text(CONVERSATION)
    wait(lambda: window.canned.list.count() > 0 and window.suggestion.ready.isVisible(), 10)
    results: list[SuggestionResult] = []
    window.assist.news.connect(
        lambda event: results.append(event.result) if isinstance(event, Finished) else None
    )
    for attempt in range(10):
        window.drafts.generate()
        wait(lambda attempt=attempt: len(results) > attempt, 120)  # type: ignore[misc]
        draft = results[-1].draft
        if draft is not None and len(draft.offered.removed) >= (2 if attempt < 5 else 1):
            break
    removed = window.suggestion.removed
    if len(removed.buttons) >= 2:
        removed.buttons[0].click()  # one restored (underlined), one still struck out
    speed = window.engine_status.speed_label
    wait(lambda: window.assist.state == EngineState.IDLE and bool(speed.text()))
    wait(lambda: False, 0.4)  # let the last repaint land
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    print(f"saved {out}")
    for width, height in SIZES:
        window.resize(width, height)
        wait(lambda: False, 0.4)
        sized = folder / f"window-{width}x{height}.png"
        window.grab().save(str(sized))
        print(f"saved {sized}: {what_shows(window)}")
    window.resize(1280, 800)
    wait(lambda: False, 0.2)
    first = window.current_tab
    second = window.new_tab()
    second.conversation.set_text(PASSWORD)
    third = window.new_tab()
    third.conversation.set_text(REFUND)
    wait(lambda: third.suggestion.ready.isVisible(), 10)
    second.drafts.generate()
    third.drafts.generate()  # the model is busy with the second tab: this one waits
    wait(lambda: len(second.suggestion.draft.toPlainText()) > 60, 60)
    wait(lambda: False, 0.2)
    window.grab().save(str(folder / "tabs.png"))
    print(f"saved {folder / 'tabs.png'}")
    wait(lambda: third.assist.position == -1 and window.assist.state == EngineState.IDLE, 120)
    window.tabs.show_tab(first)
    window.compact_mode.set_compact(True)
    wait(lambda: False, 0.4)
    window.grab().save(str(folder / "compact.png"))
    print(f"saved {folder / 'compact.png'}")
    window.compact_mode.set_compact(False)
    window.open_manager()
    manager = window.manager
    assert manager is not None
    manager.resize(1200, 720)
    wait(lambda: manager.pane.table.model().rowCount() > 0, 10)
    manager.pane.table.selectRow(0)
    wait(lambda: False, 0.4)
    manager.grab().save(str(folder / "library-window.png"))
    print(f"saved {folder / 'library-window.png'}")
    manager.close()
    # A real thread on a team's own library (the realistic dev set's shop), in adapt mode.
    library = open_library()
    import_file(
        library.repo, ROOT / "resources" / "eval" / "realistic" / "library.json", "auto", True
    )
    library.close()
    window._apply_settings(settings.replace(draft_mode="adapt", alternatives=2))
    thread = window.new_tab()
    thread.conversation.set_text(THREAD)
    wait(lambda: thread.suggestion.ready.isVisible(), 20)
    results.clear()
    thread.drafts.generate()
    wait(lambda: bool(results) and window.assist.state == EngineState.IDLE, 120)
    wait(lambda: False, 0.4)
    window.grab().save(str(folder / "thread.png"))
    print(f"saved {folder / 'thread.png'}")
    home = Path(os.environ["AGENT_ASSIST_HOME"]) / "user"
    plant_home(home)
    os.environ["HOME"] = str(home)  # the picker scans the known apps' folders under it
    for name in ("OLLAMA_MODELS", "HF_HOME", "HF_HUB_CACHE", "LLAMA_CACHE", "JAN_DATA_FOLDER",
                 "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):  # fmt: skip
        os.environ.pop(name, None)
    window.choose_model()
    picker = window.models.picker
    assert picker is not None
    picker.resize(1260, 400)
    wait(lambda: picker.catalog is not None, 30)
    picker.show_all.setChecked(True)
    wait(lambda: False, 0.4)
    picker.grab().save(str(folder / "model-picker.png"))
    print(f"saved {folder / 'model-picker.png'}")
    picker.reject()
    window.close()
    # Quit the way the app does: exec() emits aboutToQuit, which stops every worker thread.
    QTimer.singleShot(0, app.quit)
    app.exec()
    # PySide6 6.12 can abort while the interpreter tears its objects down after a script like
    # this one ("bool_dealloc"); the work is done and saved, so leave without that teardown.
    sys.stdout.flush()
    os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
