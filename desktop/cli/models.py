"""Headless `agent-assist models`: the models on this machine, as the picker lists them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop import settings as settings_module
from desktop.engine import speed as speed_module
from desktop.engine.catalog import Catalog, ModelEntry, all_folders, recommend, scan
from desktop.engine.model_facts import format_parameters
from desktop.errors import ModelError

GIB = 1024**3


def models_command(args: argparse.Namespace) -> int:
    settings = settings_module.load()
    folders = all_folders([*settings.model_folders, *(str(f) for f in args.folder)])
    catalog = scan(folders, context_tokens=args.context or settings.context_tokens)
    best = recommend(catalog)
    if args.speed is not None:
        return _measure(Path(args.speed) if args.speed else None, best, settings.cpu_variant)
    if args.writing is not None:
        return _check_writing(Path(args.writing) if args.writing else None, settings)
    if args.json:
        sys.stdout.write(json.dumps(_as_json(catalog, best, settings.model_path), indent=2) + "\n")
        return 0
    shown = [e for e in catalog.entries if args.all or e.usable]
    sys.stdout.write(_table(shown, best, speed_module.SpeedCache()) + "\n")
    hidden = len(catalog.entries) - len(shown)
    free = catalog.memory.available_bytes / GIB
    sys.stderr.write(
        f"{len(shown)} models ({hidden} unusable hidden, --all shows them); {free:.1f} GiB "
        f"free; scanned in {catalog.seconds:.2f} s. Recommended: "
        f"{best.name if best else 'none fits this machine'}\n"
    )
    return 0


def _measure(path: Path | None, best: ModelEntry | None, cpu_variant: str) -> int:
    """`--speed [PATH]`: one JSON object with the measured (or cached) speed."""
    model = path or (Path(best.path) if best else None)
    if model is None:
        sys.stderr.write("No model fits this machine: name one with --speed PATH.\n")
        return 1
    try:
        found = speed_module.measure(model, cpu_variant=cpu_variant)
    except ModelError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    result = {"path": str(model), **found.as_json(), "cpu_variant": found.cpu_variant}
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    sys.stderr.write(f"{model.name}: {found.label} ({found.prompt_tps:.0f} reading the prompt)\n")
    return 0


def _check_writing(path: Path | None, settings: settings_module.Settings) -> int:
    """`--writing [PATH]`: whether the model (default: the configured one) may write freely."""
    from desktop.drafting.pipeline import load_system_prompt
    from desktop.drafting.writing_check import WritingCache, run_check, verdict
    from desktop.engine.loading import load_engine

    model = path or settings.resolved_model_path()
    cache = WritingCache()
    check = cache.get(model)
    if check is None:
        # Always the local file: a team server's model is not this file.
        try:
            engine = load_engine(settings.replace(model_path=str(model), server_url=""))
        except ModelError as exc:
            sys.stderr.write(f"{exc}\n")
            return 1
        try:
            check = run_check(engine, load_system_prompt())
        finally:
            engine.close()
        cache.put(model, check)
    sys.stdout.write(json.dumps({"path": str(model), **check.as_json()}, indent=2) + "\n")
    sys.stderr.write(verdict(check, model.name) + "\n")
    return 0


def _model_json(entry: ModelEntry, speeds: speed_module.SpeedCache) -> dict[str, object]:
    known = speeds.get(Path(entry.path))
    return {**entry.as_json(), "speed": known.as_json() if known else None}


def _as_json(catalog: Catalog, best: ModelEntry | None, current: str) -> dict[str, object]:
    speeds = speed_module.SpeedCache()
    return {
        "memory": {
            "total_bytes": catalog.memory.total_bytes,
            "available_bytes": catalog.memory.available_bytes,
        },
        "context_tokens": catalog.context_tokens,
        "scan_seconds": round(catalog.seconds, 4),
        "recommended": best.path if best else None,
        "current": current or None,
        "folders": [
            {"source": f.source, "path": str(f.path), "exists": f.path.is_dir()}
            for f in catalog.folders
        ],
        "models": [_model_json(entry, speeds) for entry in catalog.entries],
    }


def _table(
    entries: list[ModelEntry], best: ModelEntry | None, speeds: speed_module.SpeedCache
) -> str:
    header = (
        "", "NAME", "SOURCE", "ARCH", "PARAMS", "QUANT", "CTX", "CHAT", "SIZE", "NEEDS", "TOK/S",
        "",
    )  # fmt: skip
    rows = [header]
    for e in entries:
        f = e.facts
        note = e.reason or ("" if e.fits else "too large for free memory")
        known = speeds.get(Path(e.path)) if e.usable else None
        rows.append(
            (
                "*" if best is not None and e.path == best.path else "",
                e.name[:48],
                e.source,
                f.architecture or "-",
                format_parameters(f.parameters) if f.parameters else "-",
                f.quantization or "-",
                str(f.trained_context or "-"),
                "yes" if f.chat_template else "no",
                f"{e.size_bytes / GIB:.1f}G",
                f"{e.memory_bytes / GIB:.1f}G",
                f"{known.decode_tps:.0f}" if known else "-",
                note,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
