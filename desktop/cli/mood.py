"""`agent-assist eval-mood [FILES] [--json] [--cues-only]`: how well the mood reader reads.

Per file and language: negative recall and precision, and accuracy (3-class where the labels
are negative/neutral/positive; for the realistic conversations, "angry kind" against the rest).
Then the cost of the meaning signal per message once the encoder is loaded, wall and CPU time,
so a slow machine shows as one (the figure is printed, not asserted).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from desktop.cli.registry import EVAL_DIR
from desktop.errors import InputError
from desktop.reading.meaning import MeaningReader, default_reader, head_path, load_head
from desktop.reading.mood_eval import Labelled, MoodScore, load_labelled, score

DEFAULT_FILES = (
    EVAL_DIR / "sentiment" / "umsab_val.jsonl",
    EVAL_DIR / "realistic" / "conversations.jsonl",
)
TIMED = 200  # messages timed for the per-message cost


def eval_mood_command(args: argparse.Namespace) -> int:
    files: list[Path] = list(args.files) or list(DEFAULT_FILES)
    for path in files:
        if not path.is_file():
            raise InputError(f"no such file: {path}")
    timed: list[Labelled] = []
    for path in files:
        items = load_labelled(path)
        timed.extend(items[: TIMED - len(timed)])
        rows = score(items, meaning=not args.cues_only)
        if args.json:
            out = {"file": str(path), "scores": [r.as_dict() for r in rows]}
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(_table(path, rows))
    if not args.cues_only:
        sys.stdout.write(_timing(timed) + "\n")
    return 0


def _table(path: Path, rows: list[MoodScore]) -> str:
    lines = [f"{path}", "  lang      n  neg  neg-recall  neg-precision  accuracy"]
    for r in rows:
        lines.append(
            f"  {r.language:<5} {r.messages:>5} {r.negatives:>4}  {r.recall:>10.2f}"
            f"  {r.precision:>13.2f}  {r.accuracy:>8.2f}"
        )
    return "\n".join(lines) + "\n"


def _timing(items: list[Labelled]) -> str:
    shared = default_reader()
    if shared is None:
        return "meaning signal unavailable (no encoder or head): cues only"
    # A reader of its own: the shared one remembers the messages just scored.
    reader = MeaningReader(shared.embedder, load_head(head_path()))
    texts = list(dict.fromkeys(turn.text for item in items for turn in item.turns[-1:]))
    reader.read("warm up")
    wall, cpu = [], []
    for text in texts:
        started, cpu_started = time.perf_counter(), time.process_time()
        reader.read(text)
        cpu.append(time.process_time() - cpu_started)
        wall.append(time.perf_counter() - started)
    return (
        f"meaning signal: {statistics.median(wall) * 1e3:.2f} ms per message (median wall), "
        f"{statistics.median(cpu) * 1e3:.2f} ms CPU, over {len(texts)} messages"
    )
