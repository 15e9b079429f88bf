"""`agent-assist eval-conversations`: the whole pipeline measured on realistic pasted threads.

Each case (resources/eval/realistic/README.md) is a conversation as an agent pastes it, with
the acceptable first suggestions, one list of titles per customer need, what the agent already
did and what a reply must not claim. The pasted text goes through the same parse and the same
`Suggester.suggest` as the window and `suggest --json`; what it offers is measured:

- turns parsed exactly as labelled (roles, order, text);
- ready reply acceptable: its title is acceptable, or, when nothing fits, none is offered as
  confident (the panel says "No saved reply fits");
- nothing fits recognised (on the cases where nothing fits);
- needs covered: each need has one of its titles among the ready replies per need, the
  grounding or the alternatives;
- false action claims: a confirmation macro offered as a confident ready reply when the
  agent never did it, or an offered text stating a `must_not_claim` action;
- prompt text in the draft (an n-gram echo of the instructions);
- the draft in the customer's language, where the library answers that need in it.

No Qt.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.drafting.echo import prompt_echo
from desktop.drafting.pipeline import Suggester, load_system_prompt
from desktop.drafting.results import CheckedDraft, Need
from desktop.engine.base import Engine
from desktop.errors import InputError
from desktop.evaluation.library import memory_repository
from desktop.reading.language import detect
from desktop.settings import Settings
from desktop.store.action_macros import stated_action
from desktop.store.canned import CannedResponse
from desktop.threads.agreement import turns_agree
from desktop.transcript import parse


@dataclass(frozen=True)
class ConversationCase:
    id: str
    kind: str
    language: str
    raw: str
    turns: tuple[dict[str, str], ...]
    acceptable: frozenset[str]
    needs: tuple[frozenset[str], ...]
    agent_done: tuple[str, ...]
    must_not_claim: tuple[str, ...]


@dataclass
class CaseResult:
    case: ConversationCase
    parsed: bool
    ready_title: str | None
    ready_confident: bool
    acceptable: bool
    abstained: bool
    needs_covered: int
    false_claim: str | None
    echo: str | None
    draft_language: str | None
    draft: str
    offered_titles: tuple[str, ...] = ()


@dataclass
class KindFigures:
    cases: int = 0
    acceptable: int = 0
    parsed: int = 0
    needs: int = 0
    needs_covered: int = 0
    abstain_cases: int = 0
    abstained: int = 0
    false_claims: int = 0
    echoes: int = 0
    language_cases: int = 0
    language_right: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, result: CaseResult, title_languages: Mapping[str, str]) -> None:
        case = result.case
        self.cases += 1
        self.acceptable += result.acceptable
        self.parsed += result.parsed
        self.needs += len(case.needs)
        self.needs_covered += result.needs_covered
        if not case.acceptable:
            self.abstain_cases += 1
            self.abstained += result.abstained
        self.false_claims += result.false_claim is not None
        self.echoes += result.echo is not None
        # Counted where the library answers this need in the customer's language: otherwise
        # the English response is the right one (realistic/README.md, `non_english`).
        native = any(title_languages.get(t) == case.language for t in case.acceptable)
        if case.language != "en" and native:
            self.language_cases += 1
            self.language_right += result.draft_language == case.language
        if not result.acceptable:
            self.failures.append(case.id)

    def as_dict(self) -> dict[str, Any]:
        def share(part: int, whole: int) -> float | None:
            return round(part / whole, 3) if whole else None

        return {
            "cases": self.cases,
            "ready_reply_acceptable": share(self.acceptable, self.cases),
            "turns_parsed": share(self.parsed, self.cases),
            "needs_covered": share(self.needs_covered, self.needs),
            "nothing_fits_recognised": share(self.abstained, self.abstain_cases),
            "false_action_claims": self.false_claims,
            "prompt_text_in_draft": self.echoes,
            "customer_language": share(self.language_right, self.language_cases),
            "not_acceptable": self.failures,
        }


def load_conversation_cases(path: Path) -> list[ConversationCase]:
    """Read a JSONL file of realistic cases; a malformed line is named in the error."""
    if not path.is_file():
        raise InputError(f"Cases file not found: {path}.")
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            cases.append(
                ConversationCase(
                    id=str(row.get("id", number)),
                    kind=str(row.get("kind", "")),
                    language=str(row.get("language", "en")),
                    raw=str(row["raw"]),
                    turns=tuple(row.get("turns", ())),
                    acceptable=frozenset(row.get("acceptable", ())),
                    needs=tuple(frozenset(n) for n in row.get("needs", ())),
                    agent_done=tuple(row.get("agent_done", ())),
                    must_not_claim=tuple(row.get("must_not_claim", ())),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f"{path.name}, line {number}: not a conversation case ({exc}). Each line needs "
                'at least "raw" (the pasted conversation).'
            ) from exc
    if not cases:
        raise InputError(f"{path.name} holds no conversation cases.")
    return cases


def offered_titles(
    needs: Sequence[Need], grounding: Sequence[CannedResponse], alternatives: Sequence[CheckedDraft]
) -> tuple[str, ...]:
    """Every title the panel offers: ready replies per need, the grounding, the alternatives."""
    titles: list[str] = []
    for need in needs:
        if need.ready is not None:
            titles.append(need.ready.canned.title)
        titles += [c.title for c, _ in need.candidates[:3]]
    titles += [c.title for c in grounding]
    for alternative in alternatives:
        titles += [c.title for c in alternative.canned]
    return tuple(dict.fromkeys(titles))


def claims(text: str, phrases: Sequence[str]) -> str | None:
    """The first `must_not_claim` phrase `text` states as done, if any.

    A sentence claims "refund issued" when it states an action as already done (the same
    recogniser that finds confirmation macros, desktop.store.action_macros) and holds the
    phrase's words: "we have issued your refund" does, "we can still cancel it" does not.
    Read clause by clause: "you were charged twice, and I've refunded the duplicate" does
    not claim "refunded twice".
    """
    for sentence in re.split(r"(?<=[.!?])\s+|\n+|;\s+|,\s+(?=(?:and|but|so)\b)", text):
        if stated_action("", sentence) is None:
            continue
        lower = sentence.lower()
        for phrase in phrases:
            words = [w for w in re.findall(r"\w+", phrase.lower()) if len(w) > 2]
            if words and all(_stem_in(w, lower) for w in words):
                return phrase
    return None


def _stem_in(word: str, text: str) -> bool:
    """`word` in `text` as a form of the same word: "issued" in "issue", "refund" in "refunded".

    Not a longer word that shares its start: "delivered" is not in "the delivery address".
    """
    stem = word[:-2] if len(word) > 5 and word.endswith("ed") else word
    return re.search(rf"\b{re.escape(stem)}(?:e|ed|d|ing|s|es)?\b", text) is not None


def evaluate_case(
    suggester: Suggester, case: ConversationCase, seed: int, drafts: bool
) -> CaseResult:
    transcript = parse(case.raw)
    parsed = turns_agree(transcript.turns, case.turns) if case.turns else True
    if drafts:
        params = dataclasses.replace(suggester.params(), seed=seed)
        result = suggester.suggest(transcript, threading.Event(), _ignore, params=params)
        needs, text = result.needs, result.text
        titles = offered_titles(needs, result.grounding, result.alternatives)
    else:
        needs, text = suggester.understand(transcript).needs, ""
        titles = offered_titles(needs, (), ())
    ready = needs[0].ready if needs else None
    confident = ready is not None and ready.confident
    abstained = not confident
    if case.acceptable:
        acceptable = confident and ready is not None and ready.canned.title in case.acceptable
    else:
        acceptable = abstained
    covered = sum(1 for need in case.needs if need & set(titles))
    false_claim = None
    for need in needs:
        offered = need.ready
        pending = offered is not None and offered.confident and offered.pending
        if pending and offered is not None and offered.canned.title not in case.acceptable:
            false_claim = f"confirmation offered: {offered.canned.title}"
    for said in (ready.text if confident and ready else "", text):
        if false_claim is None and (found := claims(said, case.must_not_claim)):
            false_claim = f'states "{found}"'
    echo = prompt_echo(text, [suggester.system_prompt], [case.raw])
    # The draft's language; ranking only (no draft), the ready reply's.
    said = text or (ready.text if ready is not None else "")
    language = detect(said) if said.strip() else None
    return CaseResult(
        case,
        parsed,
        ready.canned.title if ready else None,
        confident,
        acceptable,
        abstained,
        covered,
        false_claim,
        echo,
        language,
        text,
        titles,
    )


def evaluate_conversations(
    cases: Sequence[ConversationCase],
    library: Sequence[CannedResponse],
    engine: Engine,
    settings: Settings,
    drafts: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Every case through the pipeline, summarised overall and per kind."""
    repo = memory_repository(library)
    suggester = Suggester(engine, repo, settings, load_system_prompt())
    languages = {r.title: r.language or "en" for r in library}
    overall = KindFigures()
    kinds: dict[str, KindFigures] = {}
    details = []
    for number, case in enumerate(cases, 1):
        result = evaluate_case(suggester, case, number, drafts)
        overall.add(result, languages)
        kinds.setdefault(case.kind, KindFigures()).add(result, languages)
        details.append(
            {
                "id": case.id,
                "kind": case.kind,
                "ready": result.ready_title,
                "confident": result.ready_confident,
                "acceptable": result.acceptable,
                "parsed": result.parsed,
                "needs_covered": f"{result.needs_covered}/{len(case.needs)}",
                "false_claim": result.false_claim,
                "echo": result.echo,
                "draft_language": result.draft_language,
            }
        )
        if progress is not None:
            progress(number, len(cases))
    return {
        "cases": len(cases),
        "model": engine.info.name,
        "overall": overall.as_dict(),
        "kinds": {kind: figures.as_dict() for kind, figures in sorted(kinds.items())},
        "details": details,
    }


def table(report: dict[str, Any]) -> list[str]:
    """The report as a plain-text table, one row per kind."""
    header = (
        f"{'kind':<14}{'n':>4}{'ready ok':>10}{'parsed':>8}{'needs':>7}{'abstain':>9}"
        f"{'claims':>8}{'echo':>6}{'lang':>6}"
    )
    lines = [f"{report['cases']} conversations, model {report['model']}", header]

    def cell(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    rows = [*report["kinds"].items(), ("overall", report["overall"])]
    for kind, figures in rows:
        lines.append(
            f"{kind:<14}{figures['cases']:>4}{cell(figures['ready_reply_acceptable']):>10}"
            f"{cell(figures['turns_parsed']):>8}{cell(figures['needs_covered']):>7}"
            f"{cell(figures['nothing_fits_recognised']):>9}{figures['false_action_claims']:>8}"
            f"{figures['prompt_text_in_draft']:>6}{cell(figures['customer_language']):>6}"
        )
    return lines


def _ignore(_text: str) -> None:
    pass
