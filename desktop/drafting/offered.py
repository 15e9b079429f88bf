"""The draft as offered to the agent: flagged sentences taken out (or only marked). Pure, no Qt.

Copy must copy exactly what the panel offers, so the offered text is computed here once, not
re-derived by the widget. With the default model flagged sentences are removed: a removed list
item takes its marker with it and the list is renumbered, a removed line takes its line break,
and no blank lines pile up where a paragraph vanished. Each removal remembers where it stood,
so the panel can show it struck through there, and `OfferedDraft.restore` puts it back, still
marked, by recomputing from the original draft (no fragile patching of the offered text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from desktop.drafting.checks import SentenceCheck
from desktop.drafting.sentences import LIST_MARKER, NUMBERED


class Mode(StrEnum):
    REMOVE = "remove"  # flagged sentences are taken out of the offered text
    MARK = "mark"  # flagged sentences stay, marked


@dataclass(frozen=True)
class Removed:
    index: int  # position in the checks
    check: SentenceCheck
    at: int  # offset in the offered text where the sentence stood


@dataclass(frozen=True)
class Marked:
    index: int  # position in the checks
    check: SentenceCheck
    start: int  # span in the offered text
    end: int


@dataclass(frozen=True)
class OfferedDraft:
    """The text Copy copies, and which flagged sentences were removed or are still marked."""

    text: str
    removed: tuple[Removed, ...]
    marked: tuple[Marked, ...]
    draft: str
    checks: tuple[SentenceCheck, ...]
    mode: Mode
    restored: frozenset[int] = field(default_factory=frozenset)

    def restore(self, index: int) -> OfferedDraft:
        """This draft with the removed sentence `index` put back in its place, marked."""
        return apply_checks(self.draft, self.checks, self.mode, self.restored | {index})


def apply_checks(
    draft: str,
    checks: Sequence[SentenceCheck],
    mode: Mode | str = Mode.REMOVE,
    restored: frozenset[int] = frozenset(),
) -> OfferedDraft:
    """The offered draft: in remove mode flagged sentences not in `restored` are taken out."""
    mode = Mode(mode)
    checks = tuple(checks)
    drop = {i for i, c in enumerate(checks) if c.flagged and i not in restored}
    if mode is Mode.MARK or not drop:
        marked = tuple(Marked(i, c, c.start, c.end) for i, c in enumerate(checks) if c.flagged)
        return OfferedDraft(draft, (), marked, draft, checks, mode, restored)
    return _Builder(draft, checks, drop).build(mode, restored)


class _Builder:
    """Rebuilds the draft line by line without the dropped sentences."""

    def __init__(self, draft: str, checks: tuple[SentenceCheck, ...], drop: set[int]) -> None:
        self.draft, self.checks, self.drop = draft, checks, drop
        self.lines: list[str] = []  # the offered lines
        # (index, line, column): where a removed sentence stood, a marked one starts and ends
        self.removed: list[tuple[int, int, int]] = []
        self.marked: list[tuple[int, int, int, int]] = []
        self.numbers = _Renumbering()

    def build(self, mode: Mode, restored: frozenset[int]) -> OfferedDraft:
        dropped = False  # a content line was dropped since the last one kept
        line_start = 0
        by_line = self._sentences_by_line()
        for number, line in enumerate(self.draft.split("\n")):
            indices = by_line.get(number, [])
            if not indices:  # blank (or marker-only) line: keep unless it would double up
                if not (dropped and (not self.lines or not self.lines[-1].strip())):
                    self.lines.append(line)
                self.numbers.other(line)
            elif all(i in self.drop for i in indices):
                self.removed += [(i, len(self.lines), 0) for i in indices]
                self.numbers.dropped(line)
                dropped = True
            else:
                self.lines.append(self._kept_line(line, line_start, indices))
                dropped = False
            line_start += len(line) + 1
        if dropped:
            while self.lines and not self.lines[-1].strip():
                self.lines.pop()
        return self._result(mode, restored)

    def _sentences_by_line(self) -> dict[int, list[int]]:
        by_line: dict[int, list[int]] = {}
        for i, check in enumerate(self.checks):
            by_line.setdefault(self.draft.count("\n", 0, check.start), []).append(i)
        return by_line

    def _kept_line(self, line: str, line_start: int, indices: list[int]) -> str:
        first = self.checks[indices[0]]
        text = self.numbers.kept(line[: first.start - line_start])
        row = len(self.lines)
        previous: int | None = None
        for i in indices:
            check = self.checks[i]
            if i in self.drop:
                self.removed.append((i, row, len(text)))
                continue
            if previous is not None:
                text += self.draft[self.checks[i - 1].end : check.start]  # the gap before it
            if check.flagged:
                self.marked.append((i, row, len(text), len(text) + len(check.text)))
            text += check.text
            previous = i
        if indices[-1] not in self.drop:
            text += line[self.checks[indices[-1]].end - line_start :]
        return text

    def _result(self, mode: Mode, restored: frozenset[int]) -> OfferedDraft:
        text = "\n".join(self.lines)
        starts = [0]
        for line in self.lines:
            starts.append(starts[-1] + len(line) + 1)

        def offset(row: int, column: int) -> int:
            return min(starts[row] + column, len(text)) if row < len(self.lines) else len(text)

        removed = tuple(Removed(i, self.checks[i], offset(r, c)) for i, r, c in self.removed)
        marked = tuple(
            Marked(i, self.checks[i], offset(r, s), offset(r, e)) for i, r, s, e in self.marked
        )
        return OfferedDraft(
            text, removed, tuple(sorted(marked, key=lambda m: m.index)),
            self.draft, self.checks, mode, restored,
        )  # fmt: skip


class _Renumbering:
    """Keeps "1. 2. 3." consecutive when items of a numbered list are dropped."""

    def __init__(self) -> None:
        self.last_original: int | None = None
        self.last_new = 0

    def kept(self, prefix: str) -> str:
        match = NUMBERED.match(prefix)
        if match is None:
            self.last_original = None
            return prefix
        number = int(match.group(2))
        new = self.last_new + 1 if self._continues(number) else number
        self.last_original, self.last_new = number, new
        return f"{match.group(1)}{new}{match.group(3)}{prefix[match.end() :]}"

    def dropped(self, line: str) -> None:
        marker = LIST_MARKER.match(line)
        match = NUMBERED.match(marker.group()) if marker else None
        if match is None:
            self.last_original = None
            return
        number = int(match.group(2))
        if not self._continues(number):
            self.last_new = number - 1
        self.last_original = number

    def other(self, line: str) -> None:
        if line.strip():
            self.last_original = None  # a marker-only line ends the list; blank lines do not

    def _continues(self, number: int) -> bool:
        return self.last_original is not None and number == self.last_original + 1
