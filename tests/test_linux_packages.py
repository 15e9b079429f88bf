"""The Linux installers, installed for real: the .deb with dpkg into a throwaway root, the
archive with its install.sh into a throwaway home; each runs --self-test from the installed
launcher, passes desktop-file-validate, and leaves nothing behind once removed.

The installer tests share the session's PyInstaller build (marked `frozen`, slow); the
changelog and desktop-entry checks at the bottom are quick and always run.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from desktop import __version__
from desktop.system import autostart

from tests.frozen_build import NAME, ROOT, clean_env, packaging_module

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the .deb and install.sh are Linux's"
)
WAIT = 600


@pytest.fixture(scope="module")
def validate() -> str:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip(
            "desktop-file-validate is not installed (Debian/Ubuntu: apt-get install "
            "desktop-file-utils; `make test` installs it when run as root)"
        )
    return tool


def assert_valid_entry(validate: str, entry: Path) -> None:
    """No error, no warning, not even a hint: the menus of every desktop read it the same."""
    done = subprocess.run([validate, str(entry)], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), (
        done.stdout + done.stderr
    )


def tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def self_test(launcher: Path, tmp_path: Path, env: dict[str, str]) -> str:
    """Run --self-test from the installed launcher; returns its summary line."""
    done = subprocess.run(
        [str(launcher), "--self-test"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = [line for line in done.stdout.splitlines() if line.startswith("self-test")]
    assert summary and summary[0].startswith(f"self-test ok: {NAME} {__version__}"), done.stdout
    print(f"\n{launcher}: {summary[0]}")  # the start-up figures, shown with -s
    return summary[0]


def dpkg_command(root: Path, log: Path) -> list[str]:
    command = ["dpkg", f"--root={root}", f"--log={log}"]
    if os.geteuid() == 0:
        return command
    if shutil.which("fakeroot") is None:
        pytest.skip("installing a .deb into a root folder needs root or fakeroot")
    return ["fakeroot", *command, "--force-not-root"]


@linux_only
@pytest.mark.frozen
def test_the_deb_installs_runs_and_purges_without_a_trace(
    frozen_dist: Path, tmp_path: Path, validate: str
) -> None:
    if shutil.which("dpkg") is None:
        pytest.skip("dpkg is not installed (not a Debian-family system)")
    linux = packaging_module("linux_packages")
    deb = frozen_dist / f"{NAME}_{linux.deb_version(__version__)}_{linux.deb_arch()}.deb"
    assert deb.is_file(), sorted(p.name for p in frozen_dist.iterdir())
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Package", "Version", "Depends"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"Package: {NAME}\nVersion: {linux.deb_version(__version__)}\n" in fields
    assert "libxkbcommon0" in fields  # Qt's system libraries are declared, not assumed

    # A throwaway dpkg database. Its status lists no packages, so the declared dependencies
    # cannot be met inside it: --force-depends, which only skips that check.
    root = tmp_path / "root"
    admin = root / "var" / "lib" / "dpkg"
    for folder in ("info", "updates", "triggers"):
        (admin / folder).mkdir(parents=True)
    (admin / "status").touch()
    before = tree(root)
    dpkg = dpkg_command(root, tmp_path / "dpkg.log")
    installed = subprocess.run(
        [*dpkg, "--force-depends", "--install", str(deb)], capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    launcher = root / "usr" / "bin" / NAME
    assert os.readlink(launcher) == f"../../opt/{NAME}/{NAME}"  # works under any root
    assert (root / "opt" / NAME / NAME).is_file()
    assert (root / "usr/share/icons/hicolor/256x256/apps" / f"{NAME}.png").is_file()
    assert (root / "usr/share/icons/hicolor/16x16/apps" / f"{NAME}.png").is_file()
    assert "License: MIT" in (root / "usr/share/doc" / NAME / "copyright").read_text()
    changelog = gzip.decompress((root / "usr/share/doc" / NAME / "changelog.gz").read_bytes())
    assert changelog.decode().startswith(f"{NAME} ({linux.deb_version(__version__)}) ")
    assert_valid_entry(validate, root / "usr/share/applications" / f"{NAME}.desktop")
    listed = subprocess.run([*dpkg, "--listfiles", NAME], capture_output=True, text=True)
    assert f"/usr/bin/{NAME}" in listed.stdout.splitlines()

    env = clean_env(tmp_path / "home") | {"HOME": str(tmp_path / "user")}
    self_test(launcher, tmp_path, env)

    purged = subprocess.run([*dpkg, "--purge", NAME], capture_output=True, text=True)
    assert purged.returncode == 0, purged.stdout + purged.stderr
    left = {p for p in tree(root) - before if not p.startswith("var/lib/dpkg/")}
    assert not left, f"left behind after --purge: {sorted(left)[:20]}"
    assert not list((admin / "info").glob(f"{NAME}.*"))


@linux_only
@pytest.mark.frozen
def test_the_user_install_needs_no_root_and_uninstalls_without_a_trace(
    frozen_dist: Path, tmp_path: Path, validate: str
) -> None:
    archives = sorted(frozen_dist.glob(f"{NAME}-{__version__}-linux-*.tar.gz"))
    assert len(archives) == 1, sorted(p.name for p in frozen_dist.iterdir())
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archives[0]) as tar:
        tar.extractall(unpacked, filter="tar")
    (top,) = unpacked.iterdir()
    home = tmp_path / "home with space"  # the menu entry's Exec must quote it
    home.mkdir()
    (home / ".bashrc").write_text("# the user's own file\n")
    before = tree(home)
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}

    for _ in range(2):  # the second run is an upgrade over the first
        done = subprocess.run(
            ["sh", str(top / "install.sh")], env=env, capture_output=True, text=True, timeout=WAIT
        )
        assert done.returncode == 0, done.stdout + done.stderr
    app = home / ".local" / "opt" / NAME
    launcher = home / ".local" / "bin" / NAME
    assert launcher.resolve() == (app / NAME).resolve()
    entry = home / ".local/share/applications" / f"{NAME}.desktop"
    assert_valid_entry(validate, entry)
    exec_line = next(line for line in entry.read_text().splitlines() if line.startswith("Exec="))
    assert exec_line == f"Exec={autostart.exec_quote(str(launcher))}"
    assert (home / ".local/share/icons/hicolor/48x48/apps" / f"{NAME}.png").is_file()

    self_test(launcher, tmp_path, clean_env(tmp_path / "data") | env)

    # The app's own start-at-login entry runs the installed app: uninstall removes it too.
    login = home / ".config" / "autostart" / f"{NAME}.desktop"
    login.parent.mkdir(parents=True)
    login.write_text(autostart.desktop_entry([str(app / NAME), autostart.FLAG], None))
    (home / ".config" / "autostart" / "other.desktop").write_text("[Desktop Entry]\n")
    done = subprocess.run(
        ["sh", str(app / "uninstall.sh")], env=env, capture_output=True, text=True, timeout=WAIT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    left = tree(home) - before - {".config", ".config/autostart", ".config/autostart/other.desktop"}
    assert not left, f"left behind by uninstall.sh: {sorted(left)}"


# --- quick: no build needed -----------------------------------------------------------------
def test_the_menu_entry_in_resources_is_valid(validate: str) -> None:
    assert_valid_entry(validate, ROOT / "resources" / f"{NAME}.desktop")


def test_a_version_without_a_changelog_entry_is_refused(tmp_path: Path) -> None:
    changelog = packaging_module("changelog")
    date, notes = changelog.entry(__version__)  # the real changelog has this version
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) and notes.startswith("- ")
    other = tmp_path / "CHANGELOG.md"
    old = "# Changelog\n\n## 0.0.1 - 2020-01-01\n\n- old\n"
    other.write_text(f"{old}\n## {__version__} - 2026-01-01\n")
    with pytest.raises(changelog.ChangelogError, match="empty"):
        changelog.entry(__version__, other)
    other.write_text(old)
    with pytest.raises(changelog.ChangelogError, match=f"no section for version {__version__}"):
        changelog.entry(__version__, other)
    # The build stops on it before PyInstaller runs: a second, and no dist folder.
    dist = tmp_path / "dist"
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(dist),
         "--changelog", str(other)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"no section for version {__version__}" in done.stderr
    assert not dist.exists()


@pytest.mark.parametrize(
    ("pep440", "debian"),
    [("0.1.0", "0.1.0"), ("1.2.0rc1", "1.2.0~rc1"), ("1.2.0.dev3", "1.2.0~dev3"),
     ("1.2.0.post1", "1.2.0+post1")],
)  # fmt: skip
def test_debian_versions_sort_like_python_ones(pep440: str, debian: str) -> None:
    assert packaging_module("linux_packages").deb_version(pep440) == debian
    if shutil.which("dpkg") and pep440 != "0.1.0":
        # dpkg's own ordering agrees: a pre-release sorts before, a post-release after.
        relation = "lt" if "~" in debian else "gt"
        assert (
            subprocess.run(["dpkg", "--compare-versions", debian, relation, "1.2.0"]).returncode
            == 0
        )


def test_every_icon_size_is_a_png_of_that_size() -> None:
    icons = packaging_module("linux_packages").icon_pngs()
    assert {16, 32, 48, 256} <= set(icons)
    for size, png in icons.items():
        assert png.startswith(b"\x89PNG")
        assert int.from_bytes(png[16:20], "big") == size  # IHDR width
