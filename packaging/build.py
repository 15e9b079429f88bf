"""Build the packaged app with PyInstaller, then the archive agents install from.

Run with the project's virtual environment (`make package` does that):

    .venv/bin/python packaging/build.py [--dist DIR] [--onefile] [--no-archive] [--clean]
                                        [--packages-only] [--changelog FILE]

Produces dist/agent-assist/ (one folder) and the installers made from it: on Linux
dist/agent-assist_<version>_<arch>.deb and dist/agent-assist-<version>-linux-<arch>.tar.gz
(install.sh / uninstall.sh for the current user); elsewhere a zip (Windows; the Inno Setup
installer is packaging/windows/agent-assist.iss) or nothing more (macOS: the .app goes into a
.dmg, packaging/macos/make_dmg.sh). The version must have an entry in packaging/CHANGELOG.md,
checked before anything is built. PyInstaller's work folder stays in build/pyinstaller, so a
rebuild after a small change reuses its analysis cache.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import changelog
import linux_packages

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


def make_archive(dist: Path, app: Path, notes: tuple[str, str]) -> list[Path]:
    """The installers for this OS made from the one-folder build."""
    top = f"{NAME}-{version()}-{platform_tag()}"
    if sys.platform == "win32":
        # The Inno Setup installer (packaging/windows/agent-assist.iss) is the one agents use;
        # the zip is for a portable copy.
        archive = dist / f"{top}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(app.rglob("*")):
                zf.write(path, f"{top}/{app.name}/{path.relative_to(app).as_posix()}")
        return [archive]
    if sys.platform.startswith("linux"):
        made = [linux_packages.build_user_archive(app, dist, top)]
        if shutil.which("dpkg-deb"):
            made.insert(0, linux_packages.build_deb(app, dist, version(), *notes))
        else:  # not a Debian-family system: the user-install archive still works everywhere
            print("[build] no dpkg-deb here (Debian's dpkg package): skipping the .deb")
        return made
    return []  # macOS: packaging/macos/make_dmg.sh wraps the .app


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
    parser.add_argument(
        "--packages-only",
        action="store_true",
        help="make the installers from an existing DIST/agent-assist/, without PyInstaller",
    )
    parser.add_argument(
        "--changelog", type=Path, default=changelog.CHANGELOG, help="release notes to check"
    )
    args = parser.parse_args(argv)

    # First: a release without its changelog entry fails in a second, not after a build.
    try:
        notes = changelog.entry(version(), args.changelog)
    except changelog.ChangelogError as exc:
        print(f"[build] {exc}", file=sys.stderr)
        return 2
    dist = args.dist.resolve()
    if not args.packages_only:
        run_pyinstaller(dist, args.work.resolve(), args.onefile, args.clean)
    app = (
        dist / (NAME + (".exe" if sys.platform == "win32" else "")) if args.onefile else dist / NAME
    )
    if not app.exists():
        sys.exit(f"[build] expected {app} after PyInstaller, found nothing")
    print(f"[build] app: {app} ({human(folder_size(app))})")
    if not args.no_archive and not args.onefile:
        started = time.perf_counter()
        for package in make_archive(dist, app, notes):
            print(f"[build] installer: {package} ({human(package.stat().st_size)})")
        print(f"[build] installers made in {time.perf_counter() - started:.0f} s")
    exe = app / (NAME + (".exe" if sys.platform == "win32" else "")) if app.is_dir() else app
    print(f"[build] check it with: {exe} --self-test")
    return 0


if __name__ == "__main__":
    sys.exit(main())
