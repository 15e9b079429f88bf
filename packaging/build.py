"""Build the packaged app with PyInstaller, then the archive agents install from.

Run with the project's virtual environment (`make package` does that):

    .venv/bin/python packaging/build.py [--dist DIR] [--onefile] [--no-archive] [--clean]

Produces dist/agent-assist/ (one folder) and dist/agent-assist-<version>-<os>-<arch>.tar.gz
holding that folder, INSTALL.txt, the .desktop entry and the icon. PyInstaller's work folder
stays in build/pyinstaller, so a rebuild after a small change reuses its analysis cache.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "agent_assist.spec"
NAME = "agent-assist"


def version() -> str:
    text = (ROOT / "desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if match is None:
        sys.exit("no __version__ in desktop/__init__.py")
    return match.group(1)


def platform_tag() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    if system.startswith("linux"):
        system = "linux"
    machine = platform.machine().lower().replace("amd64", "x86_64").replace("arm64", "aarch64")
    return f"{system}-{machine}"


def folder_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def human(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def run_pyinstaller(dist: Path, work: Path, onefile: bool, clean: bool) -> None:
    env = {**os.environ, "AGENT_ASSIST_ONEFILE": "1" if onefile else "0"}
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level=WARN",
        f"--distpath={dist}",
        f"--workpath={work}",
        str(SPEC),
    ]
    if clean:
        cmd.insert(3, "--clean")
    print(f"[build] {' '.join(cmd[1:])}", flush=True)
    started = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)
    print(f"[build] PyInstaller finished in {time.perf_counter() - started:.0f} s", flush=True)


def make_archive(dist: Path, app: Path) -> Path:
    """A tarball (zip on Windows) with one top folder: the app, install note, menu entry."""
    top = f"{NAME}-{version()}-{platform_tag()}"
    extras = [
        (ROOT / "packaging" / "INSTALL.txt", "INSTALL.txt"),
        (ROOT / "resources" / f"{NAME}.desktop", f"{NAME}.desktop"),
        (ROOT / "resources" / "icons" / f"{NAME}.png", f"{NAME}.png"),
    ]
    if sys.platform == "win32":
        archive = dist / f"{top}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(app.rglob("*")):
                zf.write(path, f"{top}/{app.name}/{path.relative_to(app).as_posix()}")
            for source, arcname in extras:
                zf.write(source, f"{top}/{arcname}")
        return archive
    archive = dist / f"{top}.tar.gz"
    # Level 6: the model barely compresses, level 9 would only cost time.
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(app, arcname=f"{top}/{app.name}")
        for source, arcname in extras:
            tar.add(source, arcname=f"{top}/{arcname}")
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument(
        "--work", type=Path, default=ROOT / "build" / "pyinstaller", help="PyInstaller cache"
    )
    parser.add_argument(
        "--onefile",
        action="store_true",
        default=os.environ.get("AGENT_ASSIST_ONEFILE", "") not in ("", "0"),
        help="one executable instead of a folder (also: AGENT_ASSIST_ONEFILE=1)",
    )
    parser.add_argument("--no-archive", action="store_true", help="skip the tarball")
    parser.add_argument("--clean", action="store_true", help="drop PyInstaller's cache first")
    args = parser.parse_args(argv)

    dist = args.dist.resolve()
    run_pyinstaller(dist, args.work.resolve(), args.onefile, args.clean)
    app = (
        dist / (NAME + (".exe" if sys.platform == "win32" else "")) if args.onefile else dist / NAME
    )
    if not app.exists():
        sys.exit(f"[build] expected {app} after PyInstaller, found nothing")
    print(f"[build] app: {app} ({human(folder_size(app))})")
    if not args.no_archive and not args.onefile:
        started = time.perf_counter()
        archive = make_archive(dist, app)
        print(
            f"[build] archive: {archive} ({human(archive.stat().st_size)}, "
            f"{time.perf_counter() - started:.0f} s)"
        )
    exe = app / (NAME + (".exe" if sys.platform == "win32" else "")) if app.is_dir() else app
    print(f"[build] check it with: {exe} --self-test")
    return 0


if __name__ == "__main__":
    sys.exit(main())
