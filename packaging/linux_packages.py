"""The Linux installers made from the one-folder build: a .deb and a user-install archive.

Standard library plus `dpkg-deb` (Debian's dpkg package, present on every Debian/Ubuntu):

- agent-assist_<version>_<arch>.deb: the app in /opt/agent-assist, /usr/bin/agent-assist, the
  menu entry, hicolor icons, copyright and changelog. No maintainer scripts: the icon cache and
  menu database are refreshed by the file triggers of hicolor-icon-theme and
  desktop-file-utils, and dpkg alone removes every file it installed.
- agent-assist-<version>-linux-<arch>.tar.gz: the app plus install.sh / uninstall.sh, which
  put it under ~/.local for the current user without root.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import platform
import re
import shutil
import struct
import subprocess
import tarfile
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "agent-assist"
LINUX = Path(__file__).resolve().parent / "linux"
DESKTOP_ENTRY = ROOT / "resources" / f"{NAME}.desktop"
ICO = ROOT / "resources" / "icons" / f"{NAME}.ico"
PNG = ROOT / "resources" / "icons" / f"{NAME}.png"
MAINTAINER = "Agent Assist maintainers <agent-assist@localhost>"
# Qt's libraries that the bundle leaves to the system (desktop/system/display_check.py lists
# the same with the sonames it looks for); glibc from the build machine (Debian 12).
DEPENDS = (
    "libc6 (>= 2.36), libgl1, libegl1, libxkbcommon0, libfontconfig1, libdbus-1-3, "
    "libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-render-util0, "
    "libxcb-xkb1, libxkbcommon-x11-0, libxcb-shape0"
)
SUMMARY = "Offline reply suggestions for customer-support agents"
DESCRIPTION = (
    " Paste a customer conversation; a local language model (llama.cpp, bundled) drafts a\n"
    " reply grounded on the team's canned responses. Nothing leaves the computer."
)


def deb_arch() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        machine, machine
    )


def deb_version(version: str) -> str:
    """PEP 440 to Debian ordering: 1.2.0rc1 sorts before 1.2.0 only as 1.2.0~rc1."""
    version = re.sub(r"\.?(a|b|rc|dev)(\d+)", r"~\1\2", version)
    return re.sub(r"\.?post(\d+)", r"+post\1", version)


def icon_pngs() -> dict[int, bytes]:
    """Every PNG entry of the Windows .ico (16-256 px), for the hicolor theme's size folders."""
    data = ICO.read_bytes()
    _reserved, _kind, count = struct.unpack_from("<HHH", data, 0)
    icons = {}
    for index in range(count):
        width, _h, _c, _r, _p, _bpp, size, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        blob = data[offset : offset + size]
        if blob.startswith(b"\x89PNG"):
            icons[width or 256] = blob
    icons[256] = PNG.read_bytes()
    return icons


def _copy_app(app: Path, target: Path) -> None:
    """The one-folder build, hard-linked where the file system allows (it is 300+ MB)."""

    def link_or_copy(source: str, dest: str) -> None:
        try:
            os.link(source, dest)
        except OSError:
            shutil.copy2(source, dest)

    shutil.copytree(app, target, symlinks=True, copy_function=link_or_copy)


def _write(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    path.chmod(mode)


def _normalise_modes(root: Path) -> None:
    """Debian's rules: folders 755, executables 755, everything else 644 (owner root)."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir() or path.stat().st_mode & 0o111:
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def debian_changelog(version: str, date: str, notes: str) -> bytes:
    """The release notes as a Debian changelog entry (policy 4.4), gzipped reproducibly."""
    when = format_datetime(datetime.fromisoformat(date).replace(hour=12, tzinfo=UTC))
    body = "\n".join(f"  {line}" if line.strip() else "" for line in notes.splitlines())
    text = (
        f"{NAME} ({deb_version(version)}) stable; urgency=medium\n\n{body}\n\n"
        f" -- {MAINTAINER}  {when}\n"
    )
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


def build_deb(app: Path, dist: Path, version: str, date: str, notes: str) -> Path:
    """dist/agent-assist_<version>_<arch>.deb from the one-folder build `app`."""
    stage = dist / "deb-root"
    shutil.rmtree(stage, ignore_errors=True)
    _copy_app(app, stage / "opt" / NAME)
    (stage / "usr" / "bin").mkdir(parents=True)
    # Relative, so the link also works in a package unpacked under another root (tests, chroots).
    (stage / "usr" / "bin" / NAME).symlink_to(Path("../../opt") / NAME / NAME)
    _write(stage / "usr/share/applications" / f"{NAME}.desktop", DESKTOP_ENTRY.read_bytes())
    for size, png in sorted(icon_pngs().items()):
        _write(stage / f"usr/share/icons/hicolor/{size}x{size}/apps/{NAME}.png", png)
    doc = stage / "usr/share/doc" / NAME
    _write(doc / "copyright", (LINUX / "copyright").read_bytes())
    _write(doc / "changelog.gz", debian_changelog(version, date, notes))
    _normalise_modes(stage)

    files = sorted(p for p in stage.rglob("*") if p.is_file() and not p.is_symlink())
    installed_kib = sum(p.stat().st_size for p in files) // 1024 + 1
    md5sums = "".join(
        f"{hashlib.md5(p.read_bytes()).hexdigest()}  {p.relative_to(stage).as_posix()}\n"
        for p in files
    )
    control = (
        f"Package: {NAME}\nVersion: {deb_version(version)}\nArchitecture: {deb_arch()}\n"
        f"Maintainer: {os.environ.get('AGENT_ASSIST_MAINTAINER', MAINTAINER)}\n"
        f"Installed-Size: {installed_kib}\nDepends: {DEPENDS}\n"
        f"Section: utils\nPriority: optional\nDescription: {SUMMARY}\n{DESCRIPTION}\n"
    )
    _write(stage / "DEBIAN" / "control", control)
    _write(stage / "DEBIAN" / "md5sums", md5sums)
    (stage / "DEBIAN").chmod(0o755)

    deb = dist / f"{NAME}_{deb_version(version)}_{deb_arch()}.deb"
    # zstd: as small as xz here (the model and libraries barely compress) and 10x faster;
    # dpkg reads it since 1.21.18 (Debian 12, Ubuntu 21.10), which glibc 2.36 implies anyway.
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zzstd", "--build", str(stage), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(stage)
    return deb


def build_user_archive(app: Path, dist: Path, top: str) -> Path:
    """dist/<top>.tar.gz: the app, install.sh, uninstall.sh, the menu entry and icons."""
    archive = dist / f"{top}.tar.gz"

    def executable(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    # Level 6: the model barely compresses, level 9 would only cost time.
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(app, arcname=f"{top}/{NAME}", filter=executable)
        for script in ("install.sh", "uninstall.sh"):
            tar.add(LINUX / script, arcname=f"{top}/{script}", filter=executable)
        tar.add(ROOT / "packaging" / "INSTALL.txt", arcname=f"{top}/INSTALL.txt", filter=executable)
        tar.add(DESKTOP_ENTRY, arcname=f"{top}/{NAME}.desktop", filter=executable)
        for size, png in sorted(icon_pngs().items()):
            info = tarfile.TarInfo(f"{top}/icons/{size}x{size}/{NAME}.png")
            info.size, info.mode = len(png), 0o644
            tar.addfile(info, io.BytesIO(png))
    return archive
