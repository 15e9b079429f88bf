"""Headless `agent-assist stats`: what the agent did with the suggestions (local feedback)."""

from __future__ import annotations

import argparse
import json
import sys

from desktop.errors import InputError
from desktop.store.feedback import FeedbackRepository
from desktop.store.library import open_library


def stats_command(args: argparse.Namespace) -> int:
    if args.days < 1:
        raise InputError("--days must be at least 1.")
    library = open_library()
    try:
        stats = FeedbackRepository(library.repo.db).stats(args.days)
    finally:
        library.close()
    if args.json:
        sys.stdout.write(json.dumps(stats.as_json()) + "\n")
        return 0
    lines = [
        f"last {stats.days} days: {stats.offered} suggestions, {stats.copied} copied "
        f"({stats.acceptance:.0%}), {stats.copied_as_is} of them as offered",
        *(
            f"  {kind:<12} copied {counts.get('copied', 0)}, discarded {counts.get('discarded', 0)}"
            for kind, counts in sorted(stats.by_kind.items())
        ),
    ]
    if stats.mean_first_token_s is not None:
        lines.append(f"  mean first token {stats.mean_first_token_s:.2f} s")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
