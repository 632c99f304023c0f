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
a tail block peels off line by line. A rule with ``run: N`` applies to a line only when
it matches at least N consecutive live non-blank lines including that one (a menu, a
tag list, a block of teasers), judged at the start of the pass; one with ``min_lines: N``
only while the document has at least N live non-blank lines; one with ``repeated: true``
only on a line whose exact text a live line above it already has; one with
``unless_after: REGEX`` not on the items of a list whose lead-in matches it (see
:meth:`Layout.introduced`); one with ``unless_before: REGEX`` not on a line whose next
live non-blank line matches it, for a run rule the line below its run (see
:meth:`Layout.followed`). A cut that would remove
more than its share of the document's characters removes only its trigger line and
leaves a notice. The same share bounds a run rule: when the runs it would take (in its
scope) hold more than that share of the document's characters, the rule does not apply
to the document in that pass, and a notice says so. Menus and teaser lists are furniture
around an article; a document most of whose text comes in runs of short lines is made
of them (a poem, song lyrics, a list, a blog written in short lines of Chinese).

The engines differ only in how they find which rules fire on a line (a
:class:`LineMatcher`): the reference engine tries every rule on every line, every time;
the fast engine proposes candidates with one scan and confirms them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

import regex

from cleaner.compiled import SAFE_LINE, VERDICT_KEY, CompiledRule, remember
from cleaner.errors import RuleRuntimeError
from cleaner.fixes import Lines
from cleaner.matchers.base import LazyPattern
from cleaner.matchers.words import count_words
from cleaner.model import Notice, Removal

if TYPE_CHECKING:
    from cleaner.meter import RuleMeter


#: How far up :meth:`Layout.introduced` looks for the sentence that introduces a list.
LIST_REACH = 40
#: A line that ends like a sentence or a lead-in: the end of a list's run of items.
_ENDS_PUNCTUATED = regex.compile('[.!?:;\u2026]["\u201d\u2019\u00bb)\\]]*\\s*$')


class BudgetExceededError(Exception):
    """A document used up its time budget; the engine passes it through unchanged."""


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
        deadline: float | None = None,
        verdicts: dict[tuple[int, str], bool] | None = None,
        meter: RuleMeter | None = None,
    ) -> None:
        self.lines = lines
        self.verdicts = verdicts
        self.meter = meter
        self.keys = keys
        self.alive = [True] * len(keys)
        self.removals: list[Removal] = []
        self.notices: list[Notice] = []
        self.failed: set[int] = set()
        self.timeout = timeout
        self.strict = strict
        self.max_cut_share = max_cut_share
        self.total_chars = sum(map(len, keys))
        self.run_guarded: set[int] = set()
        self.deadline = deadline

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

    def _time_left(self) -> float | None:
        """The regex timeout for the next call: the rule timeout, capped by the budget."""
        if self.deadline is None:
            return self.timeout
        left = self.deadline - time.perf_counter()
        if left <= 0:
            raise BudgetExceededError
        return left if self.timeout is None else min(self.timeout, left)

    def fires(self, rule: CompiledRule, i: int) -> bool:
        if rule.index in self.failed:
            return False
        timeout = self._time_left()
        try:
            return rule.fires(self.keys[i], timeout)
        except Exception as exc:  # a rule must not take the run down with it
            self._fail(rule, i, exc)
            return False

    def firing(self, rules: Iterable[CompiledRule], i: int) -> list[CompiledRule]:
        """The rules that fire on line i, in the order given; one clock read per line.

        A rule that runs safely on a line of ordinary length takes no timeout, so only
        rules that do (guarded ones, long lines) read the clock again for theirs. With
        ``verdicts``, what a rule decided on a short line is remembered for every later
        line with the same text: whether a rule fires depends on the text alone.
        """
        key = self.keys[i]
        failed = self.failed
        long_line = len(key) > SAFE_LINE
        verdicts = self.verdicts if len(key) <= VERDICT_KEY else None
        timeout = self._time_left()
        meter = self.meter
        out = []
        for rule in rules:
            if rule.index in failed:
                continue
            if verdicts is not None:
                known = verdicts.get((rule.index, key))
                if known is not None:
                    if known:
                        out.append(rule)
                    continue
            if rule.guarded or long_line:
                timeout = self._time_left()
            try:
                fires = (
                    rule.fires(key, timeout) if meter is None else meter.fires(rule, key, timeout)
                )
            except Exception as exc:  # a rule must not take the run down with it
                self._fail(rule, i, exc)
                continue
            if fires:
                out.append(rule)
            if verdicts is not None:
                remember(verdicts, (rule.index, key), fires)
        return out

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
        limit = rule.rule.line_above
        if limit is not None and i > 0 and self.alive[i - 1]:
            above = self.keys[i - 1]
            # only the line directly above (a blank line between: they are not a pair)
            if above and count_words(above, limit) <= limit:
                self._record(rule, i - 1, trigger=self.lines.number(i))
                self.alive[i - 1] = False

    def strip(self, rule: CompiledRule, i: int) -> bool:
        """Strip the rule's spans from line i; True if the line changed."""
        timeout = self._time_left()
        try:
            rest, spans = rule.strip(self.keys[i], timeout)
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


class Layout:
    """Where each live non-blank line stands at the start of a pass, for scopes and runs."""

    def __init__(self, work: Work, found: dict[int, Sequence[CompiledRule]]) -> None:
        n = len(work.keys)
        self.order = [i for i in range(n) if work.alive[i] and work.keys[i]]
        self.rank = {i: k for k, i in enumerate(self.order)}
        self.found = found
        self.keys = work.keys
        self.work = work
        self._first: dict[str, int] | None = None
        self._run_ok: dict[int, bool] = {}

    def first_rank(self, key: str) -> int:
        """The position of the first live line with exactly this text."""
        if self._first is None:
            self._first = {}
            for k, i in enumerate(self.order):
                self._first.setdefault(self.keys[i], k)
        return self._first[key]

    def applies(self, rule: CompiledRule, i: int) -> bool:
        """Do the rule's positional conditions (scope, run, min_lines, repeated, the
        ``unless_after`` and ``unless_before`` guards) hold here?"""
        r = rule.rule
        k = self.rank[i]
        if r.min_lines is not None and len(self.order) < r.min_lines:
            return False
        if not self.in_scope(rule, k):
            return False
        if r.run is not None and (self.run_length(rule, k) < r.run or not self.runs_allowed(rule)):
            return False
        if r.repeated and self.first_rank(self.keys[i]) == k:
            return False
        if rule.unless_after is not None and self.introduced(rule.unless_after, k):
            return False
        return rule.unless_before is None or not self.followed(rule, rule.unless_before, k)

    def introduced(self, guard: LazyPattern, k: int) -> bool:
        """Is the line at position k an item of a list that a line above introduces?

        Up from it over live lines that do not end in punctuation (the other items), the
        first line that does is the one that decides: ``guard`` (the rule's
        ``unless_after``) matches it ("The following members voted against the proposal:").
        Shape rules take a run of short unpunctuated lines for a menu or a teaser block, and
        so would they a list of names or places under the sentence that announces it. On the
        way up, an unpunctuated line the guard matches decides too: a heading that names its
        list without a colon ("Ingredients", "Pros", "Line-ups", set as a subheading). At
        most :data:`LIST_REACH` lines up: a block that long is no list of the sentence's.
        """
        alive, keys, order = self.work.alive, self.keys, self.order
        for j in range(k - 1, max(k - 1 - LIST_REACH, -1), -1):
            i = order[j]
            if not alive[i]:  # dropped earlier in this pass
                continue
            key = keys[i]
            if guard.search(key) is not None:
                return True
            if _ENDS_PUNCTUATED.search(key):
                return False
        return False

    def followed(self, rule: CompiledRule, guard: LazyPattern, k: int) -> bool:
        """Does ``guard`` (the rule's ``unless_before``) match the line below position k?

        That is the next live non-blank line: blank lines and the lines earlier passes
        removed do not count. A house heading ("More to Read") has a teaser headline or a
        name under it; a story's subheading in the same words has its paragraph. The last
        line has nothing below it: the guard does not hold. For a rule with ``run``, the
        line below the run (the consecutive lines the rule matches, as :meth:`run_length`
        counts them), so a run is kept or goes as a whole, not all but its last line.
        """
        alive, keys, order = self.work.alive, self.keys, self.order
        below = k + 1
        if rule.rule.run is not None:
            while below < len(order) and self._matches(rule, below):
                below += 1
        for j in range(below, len(order)):
            i = order[j]
            if alive[i]:  # nothing below is dropped before its turn; a cut ends the pass
                return guard.search(keys[i]) is not None
        return False

    def in_scope(self, rule: CompiledRule, k: int) -> bool:
        """Is position k within the rule's scope (its first or last lines)?"""
        scope = rule.rule.scope
        if scope is None:
            return True
        if scope.head is not None and k + 1 > scope.head:
            return False
        return scope.tail is None or len(self.order) - k <= scope.tail

    def runs_allowed(self, rule: CompiledRule) -> bool:
        """Whether the runs a run rule would take this pass stay within the document's
        share (see the module docstring); decided once per rule and pass."""
        allowed = self._run_ok.get(rule.index)
        if allowed is not None:
            return allowed
        need, n, taken, k = rule.rule.run or 1, len(self.order), 0, 0
        while k < n:
            start = k
            while k < n and self._matches(rule, k):
                k += 1
            if k - start >= need:
                taken += sum(
                    len(self.keys[self.order[j]]) for j in range(start, k) if self.in_scope(rule, j)
                )
            k = max(k, start + 1)
        work = self.work
        limit = work.max_cut_share * work.total_chars
        allowed = taken <= limit
        if not allowed and rule.index not in work.run_guarded:
            work.run_guarded.add(rule.index)
            work.notices.append(
                Notice(
                    "cut-guarded",
                    f"{rule.rule.id} would remove {taken / work.total_chars:.0%} of the document "
                    f"as runs of lines (limit {work.max_cut_share:.0%}); not applied",
                    rule.rule.id,
                    None,
                )
            )
        self._run_ok[rule.index] = allowed
        return allowed

    def _matches(self, rule: CompiledRule, j: int) -> bool:
        """Does the rule fire on the line at position j (this pass's findings)?"""
        return any(x.index == rule.index for x in self.found.get(self.order[j], ()))

    def run_length(self, rule: CompiledRule, k: int) -> int:
        """Consecutive live non-blank lines around position k on which the rule matches."""
        matches = self._matches
        length, j = 1, k - 1
        while j >= 0 and matches(rule, j):
            length, j = length + 1, j - 1
        j = k + 1
        while j < len(self.order) and matches(rule, j):
            length, j = length + 1, j + 1
        return length


def run_passes(work: Work, matcher: LineMatcher, positional: bool) -> None:
    """Apply rules until nothing changes (see the module docstring for the exact order).

    ``positional``: some active rule has a scope or a run, so positions are needed.
    """
    while True:
        lines = [i for i in matcher.candidate_lines() if work.alive[i] and work.keys[i]]
        if not lines:
            return
        found = {i: matcher.matching(i) for i in lines}  # fixed for the pass (see above)
        layout = Layout(work, found) if positional else None
        changed = False
        for i in lines:
            for rule in found[i]:
                if layout is not None and not layout.applies(rule, i):
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
        if _cut(work, found, lines, "cut-after", layout) or _cut(
            work, found, lines[::-1], "cut-before", layout
        ):
            continue
        return


def _cut(
    work: Work,
    found: dict[int, Sequence[CompiledRule]],
    lines: list[int],
    action: str,
    layout: Layout | None,
) -> bool:
    """Apply the first line's cut, if that line's first applicable rule is ``action``."""
    for i in lines:
        for rule in found[i]:
            if layout is not None and not layout.applies(rule, i):
                continue
            if rule.rule.action == action:
                work.cut(rule, i)
                return True
            break
    return False
