"""The release notes for one version, from packaging/CHANGELOG.md. Standard library only.

A version without its own `## <version> - <date>` section is not a release: build.py stops
before PyInstaller runs, so a forgotten entry costs seconds, not a build.
"""

from __future__ import annotations

import re
from pathlib import Path

CHANGELOG = Path(__file__).resolve().parent / "CHANGELOG.md"
_HEADING = re.compile(r"^## +(?P<version>\S+) +- +(?P<date>\d{4}-\d{2}-\d{2}) *$")


class ChangelogError(Exception):
    """The changelog has no usable entry for the version; str() says what to add."""


def entry(version: str, path: Path = CHANGELOG) -> tuple[str, str]:
    """(date, notes) of `version`'s section; raises ChangelogError when there is none."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ChangelogError(f"Cannot read the changelog {path} ({exc.strerror}).") from exc
    for index, line in enumerate(lines):
        match = _HEADING.match(line)
        if not match or match["version"] != version:
            continue
        notes: list[str] = []
        for following in lines[index + 1 :]:
            if following.startswith("## "):
                break
            notes.append(following)
        text = "\n".join(notes).strip()
        if not text:
            raise ChangelogError(f"The {version} section of {path} is empty: say what changed.")
        return match["date"], text
    raise ChangelogError(
        f"{path} has no section for version {version}. Add one before building a release:\n"
        f"  ## {version} - YYYY-MM-DD\n  - what changed"
    )


if __name__ == "__main__":
    import sys

    # `python packaging/changelog.py 0.1.0` prints that version's notes (the release workflow's).
    try:
        print(entry(sys.argv[1])[1])
    except (ChangelogError, IndexError) as exc:
        sys.exit(str(exc) or "usage: changelog.py VERSION")
