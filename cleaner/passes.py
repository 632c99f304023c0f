"""The semantics of applying rules to a document's lines, shared by both engines.

Rules apply in passes until nothing changes (a fixpoint), which is what makes cleaning
idempotent. In each pass, with line positions taken at the start of the pass:

1. every live line is checked against the active rules in order (pack order, then file
   order); the first rule that fires on it and is in scope decides. A ``drop-line`` rule
   drops it, a ``strip`` rule removes its spans (if a strip finds nothing to remove, the
   next rule is asked), a cut rule makes it a cut trigger and nothing happens yet;
2. only if step 1 changed nothing: the topmost ``cut-after`` trigger cuts itself and
   everything below; if there is none, the bottommost ``cut-before`` trigger cuts itself
   and everything above.

A scope counts non-blank lines that are still alive, from the document's edge inward, so
a tail block peels off line by line. A cut that would remove more than its share of the
document's characters removes only its trigger line and leaves a notice.

The engines differ only in how they find which rules fire on a line (a
:class:`LineMatcher`): the reference engine tries every rule on every line, every time;
the fast engine proposes candidates with one scan and confirms them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from cleaner.compiled import CompiledRule
from cleaner.errors import RuleRuntimeError
from cleaner.fixes import Lines
from cleaner.model import Notice, Removal


class Work:
    """The mutable state of one document while rules apply to it."""

    def __init__(
        self,
        lines: Lines,
        keys: list[str],
        *,
        timeout: float | None,
        strict: bool,
        max_cut_share: float,
    ) -> None:
        self.lines = lines
        self.keys = keys
        self.alive = [True] * len(keys)
        self.removals: list[Removal] = []
        self.notices: list[Notice] = []
        self.failed: set[int] = set()
        self.timeout = timeout
        self.strict = strict
        self.max_cut_share = max_cut_share
        self.total_chars = sum(map(len, keys))

    # -- guarded rule calls ----------------------------------------------------------------
    def _fail(self, rule: CompiledRule, i: int, exc: BaseException) -> None:
        timeout = isinstance(exc, TimeoutError)
        reason = "timed out" if timeout else f"raised {type(exc).__name__}: {exc}"
        line = self.lines.number(i)
        if self.strict:
            raise RuleRuntimeError(rule.rule.id, line, reason) from exc
        self.failed.add(rule.index)
        self.notices.append(
            Notice(
                "rule-timeout" if timeout else "rule-error",
                f"rule {rule.rule.id} {reason}; skipped for this document",
                rule.rule.id,
                line,
            )
        )

    def fires(self, rule: CompiledRule, i: int) -> bool:
        if rule.index in self.failed:
            return False
        try:
            return rule.fires(self.keys[i], self.timeout)
        except Exception as exc:  # a rule must not take the run down with it
            self._fail(rule, i, exc)
            return False

    # -- positions -----------------------------------------------------------------------
    def positions(self) -> tuple[list[int], list[int]]:
        """1-based position of each live non-blank line from the top and from the bottom."""
        n = len(self.keys)
        head, tail = [0] * n, [0] * n
        order = [i for i in range(n) if self.alive[i] and self.keys[i]]
        for pos, i in enumerate(order, 1):
            head[i] = pos
            tail[i] = len(order) - pos + 1
        return head, tail

    # -- actions ---------------------------------------------------------------------------
    def _record(self, rule: CompiledRule, i: int, trigger: int | None = None) -> None:
        r = rule.rule
        self.removals.append(
            Removal(
                r.id, r.category, r.action, self.lines.number(i), self.keys[i], trigger_line=trigger
            )
        )

    def drop(self, rule: CompiledRule, i: int) -> None:
        self._record(rule, i)
        self.alive[i] = False

    def strip(self, rule: CompiledRule, i: int) -> bool:
        """Strip the rule's spans from line i; True if the line changed."""
        try:
            rest, spans = rule.strip(self.keys[i], self.timeout)
        except Exception as exc:
            self._fail(rule, i, exc)
            return False
        if not spans:
            return False
        r, number = rule.rule, self.lines.number(i)
        for start, end, text in spans:
            self.removals.append(Removal(r.id, r.category, r.action, number, text, (start, end)))
        if rest:
            self.keys[i] = rest
            self.lines.bodies[i] = rest
        else:
            self.alive[i] = False
        return True

    def cut(self, rule: CompiledRule, i: int) -> None:
        n = len(self.keys)
        span = range(i, n) if rule.rule.action == "cut-after" else range(0, i + 1)
        victims = [j for j in span if self.alive[j]]
        share = rule.rule.max_cut_share or self.max_cut_share
        removed = sum(len(self.keys[j]) for j in victims)
        trigger = self.lines.number(i)
        if self.total_chars and removed / self.total_chars > share:
            self.notices.append(
                Notice(
                    "cut-guarded",
                    f"{rule.rule.id} would cut {removed / self.total_chars:.0%} of the document "
                    f"(limit {share:.0%}); removed only its trigger line",
                    rule.rule.id,
                    trigger,
                )
            )
            victims = [i]
        for j in victims:
            if self.keys[j]:
                self._record(rule, j, trigger)
            self.alive[j] = False


class LineMatcher(Protocol):
    """How an engine finds which active rules fire on a line."""

    def candidate_lines(self) -> Iterable[int]:
        """Lines that may have a firing rule, top to bottom (a superset is fine)."""

    def matching(self, i: int) -> Sequence[CompiledRule]:
        """The active rules that fire on line i's current text, in rule order."""

    def changed(self, i: int) -> None:
        """Line i's text changed (a strip); forget what was known about it."""


def _in_scope(rule: CompiledRule, i: int, head: list[int], tail: list[int]) -> bool:
    scope = rule.rule.scope
    if scope is None:
        return True
    if scope.head is not None:
        return head[i] <= scope.head
    return tail[i] <= (scope.tail or 0)


def run_passes(work: Work, matcher: LineMatcher, scoped: bool) -> None:
    """Apply rules until nothing changes (see the module docstring for the exact order)."""
    no_positions: list[int] = []
    while True:
        lines = [i for i in matcher.candidate_lines() if work.alive[i] and work.keys[i]]
        if not lines:
            return
        head, tail = work.positions() if scoped else (no_positions, no_positions)
        found = {i: matcher.matching(i) for i in lines}  # fixed for the pass (see above)
        changed = False
        for i in lines:
            for rule in found[i]:
                if rule.rule.scope is not None and not _in_scope(rule, i, head, tail):
                    continue
                if rule.is_cut:
                    break  # the line's first rule is a cut: it is a trigger, see below
                if rule.rule.action == "strip":
                    if work.strip(rule, i):
                        matcher.changed(i)
                        changed = True
                        break
                    continue
                work.drop(rule, i)
                changed = True
                break
        if changed:
            continue
        if _cut(work, found, lines, "cut-after", head, tail) or _cut(
            work,
            found,
            lines[::-1],
            "cut-before",
            head,
            tail,
        ):
            continue
        return


def _cut(
    work: Work,
    found: dict[int, Sequence[CompiledRule]],
    lines: list[int],
    action: str,
    head: list[int],
    tail: list[int],
) -> bool:
    """Apply the first line's cut, if that line's first in-scope rule is ``action``."""
    for i in lines:
        for rule in found[i]:
            if rule.rule.scope is not None and not _in_scope(rule, i, head, tail):
                continue
            if rule.rule.action == action:
                work.cut(rule, i)
                return True
            break
    return False
