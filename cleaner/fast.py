"""The fast engine: one literal scan proposes (line, rule) pairs; real patterns confirm.

Per document it case-folds the lines once, runs the set's Aho-Corasick automaton over
them, keeps the hits whose rules belong to the packs the document selected, and confirms
each with the rule's pattern and guards. Rules without a required literal are tried on
every line. What fires on a line is remembered until a ``strip`` changes that line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache

import regex

from cleaner.compiled import (
    EARLY_WORDS,
    NO_LIMIT,
    VERDICT_KEY,
    ActiveRules,
    CompiledIndex,
    CompiledRule,
    remember,
)
from cleaner.matchers.base import fold
from cleaner.matchers.shape import shape_spec
from cleaner.passes import Work
from cleaner.selection import zone_lines


def scan(
    index: CompiledIndex,
    keys: Sequence[str],
    groups: Iterable[str | None] | None = None,
    folded: str | None = None,
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(line, rule index) and (line, fingerprint index) literal hits, deduplicated; of
    the named groups' literals only (see :meth:`CompiledIndex.scan`) when given.
    ``folded`` is :func:`fold_lines` of the keys, when the caller has it."""
    if folded is None:
        folded = fold_lines(keys)
    rule_hits: set[tuple[int, int]] = set()
    fp_hits: set[tuple[int, int]] = set()
    for line, target in index.scan(folded, groups):
        if target >= 0:
            rule_hits.add((line, target))
        else:
            fp_hits.add((line, -1 - target))
    return sorted(rule_hits), sorted(fp_hits)


def fold_lines(keys: Sequence[str]) -> str:
    """The text the literal scan reads: the lines case-folded and joined."""
    return fold("\n".join(keys))


def rescan(
    index: CompiledIndex,
    keys: Sequence[str],
    lines: Iterable[int],
    rule_hits: Iterable[tuple[int, int]],
    fp_hits: Iterable[tuple[int, int]],
    groups: Iterable[str | None] | None = None,
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Hits of a Hyperscan scan with some lines' hits replaced by :func:`scan`'s (lines
    whose case folding the byte patterns cannot express): a literal never spans lines,
    so the rest stand. ``groups`` as for :meth:`CompiledIndex.scan`: a scan of the
    fingerprints' and shared packs' literals (``(None,)``) leaves the publisher packs'
    to :func:`scan_lines` once the document's packs are known."""
    redo = set(lines)
    rules = {h for h in rule_hits if h[0] not in redo}
    fps = {h for h in fp_hits if h[0] not in redo}
    for i, target in _scan_lines(index, keys, sorted(redo), groups):
        if target >= 0:
            rules.add((i, target))
        else:
            fps.add((i, -1 - target))
    return sorted(rules), sorted(fps)


def scan_lines(
    index: CompiledIndex, keys: Sequence[str], lines: Sequence[int], groups: Iterable[str | None]
) -> set[tuple[int, int]]:
    """(line, rule) hits of these groups' literals in some lines only (the lines
    :func:`rescan` read, once the document's packs are known; ascending, as
    :meth:`cleaner.hsscan.HyperscanScanner.special_lines` gives them)."""
    return {(i, t) for i, t in _scan_lines(index, keys, lines, groups) if t >= 0}


def _scan_lines(
    index: CompiledIndex,
    keys: Sequence[str],
    lines: Sequence[int],
    groups: Iterable[str | None] | None,
) -> Iterator[tuple[int, int]]:
    """(line, target) hits in ``lines`` (ascending), scanned as one text: an automaton
    run per line costs more than the line."""
    if not lines:
        return
    folded = "\n".join(fold(keys[i]) for i in lines)
    for j, target in index.scan(folded, groups):
        yield lines[j], target


def detect(
    index: CompiledIndex,
    keys: Sequence[str],
    fp_hits: Iterable[tuple[int, int]],
    zone: int,
    timeout: float | None,
) -> dict[str, int]:
    """Same answer as :func:`cleaner.reference.detect`, trying only proposed lines."""
    tries = list(fp_hits)
    if not tries and not index.unfiltered_fingerprints:
        return {}
    inside = zone_lines(keys, zone)
    for fp in index.unfiltered_fingerprints:
        lines = range(len(keys)) if fp.anywhere else inside
        tries += [(i, fp.index) for i in lines if keys[i]]
    found: dict[str, int] = {}
    for i, f in sorted(tries):
        fp = index.fingerprints[f]
        if fp.pack in found and found[fp.pack] <= i:
            continue
        if i not in inside and not fp.anywhere:
            continue
        try:
            hit = fp.fullmatch(keys[i], timeout)
        except Exception:
            hit = False
        if hit:
            found[fp.pack] = i
    return found


class PrefilterMatcher:
    """Confirmed matches per line, computed once from the scan's proposals."""

    def __init__(
        self,
        work: Work,
        index: CompiledIndex,
        active: ActiveRules,
        rule_hits: Iterable[tuple[int, int]],
    ) -> None:
        self.work = work
        self.index = index
        self.rank = active.rank
        self.active = active
        self.unfiltered = active.unfiltered
        self.found: dict[int, Sequence[CompiledRule]] = {}
        proposed: dict[int, set[int]] = {}
        for line, r in rule_hits:
            if r in self.rank:
                proposed.setdefault(line, set()).add(r)
        if self.unfiltered:
            self._propose_unfiltered(proposed)
        for i, ids in proposed.items():
            self._confirm(i, ids)

    def _propose_unfiltered(self, proposed: dict[int, set[int]]) -> None:
        """Rules without a literal: shape rules where the line has the shape, other rules
        where the line is short enough for their word limit (most such rules, dates,
        bylines and footers, have one; paragraphs are longer). A ``repeated`` rule can
        only apply to a line whose text another line has too, so it is proposed on those
        lines alone, unless it has a ``run``: its run counts the lines it matches, repeats
        or not. What a short line proposes is remembered: boilerplate repeats."""
        keys = self.work.keys
        plans = self.active.memo.get("plans")
        if plans is None:
            rules = [r for r in self.unfiltered if not _repeats_only(r)]
            plans = self.active.memo["plans"] = (
                self.index.plan_id(tuple(r.index for r in rules)),
                _Plan.of(rules),
                _Plan.of([r for r in self.unfiltered if _repeats_only(r)]),
            )
        plan, plain, repeated = plans
        seen = self.index.proposals
        if plain:
            for i, key in enumerate(keys):
                if not key:
                    continue
                if len(key) <= VERDICT_KEY:
                    ids = seen.get((plan, key))
                    if ids is None:
                        ids = remember(seen, (plan, key), plain.ids(key))
                else:
                    ids = plain.ids(key)
                if ids:
                    proposed.setdefault(i, set()).update(ids)
        if repeated:
            counts = Counter(keys)
            for i, key in enumerate(keys):
                if key and counts[key] > 1 and (ids := repeated.ids(key)):
                    proposed.setdefault(i, set()).update(ids)

    def _confirm(self, i: int, ids: Iterable[int]) -> None:
        work = self.work
        key = work.keys[i]
        ids = self._within_word_limits(key, ids)
        if not ids:
            self.found.pop(i, None)
            return
        order = tuple(sorted(ids, key=self.rank.__getitem__))
        hits: Sequence[CompiledRule] | None = None
        # what fires on a short line is the same in every document, unless a rule failed
        # in this one (it is skipped here) or a meter times each evaluation
        memo = (
            self.index.firing
            if len(key) <= VERDICT_KEY
            and work.verdicts is not None
            and work.meter is None
            and not work.failed
            else None
        )
        if memo is not None:
            hits = memo.get((order, key))
        if hits is None:
            rules = self.index.rules
            hits = work.firing([rules[r] for r in order], i)
            if memo is not None and not work.failed:  # a rule that failed decided nothing
                remember(memo, (order, key), tuple(hits))
        if hits:
            self.found[i] = hits
        else:
            self.found.pop(i, None)

    def _within_word_limits(self, key: str, ids: Iterable[int]) -> Iterable[int]:
        """The proposed rules whose early word limit the line is not over.

        Most proposals of a common word ("may", "more") fall on paragraphs, and a rule
        with a small limit (a date line of ten words) rejects them by counting words
        before its pattern. One bounded split of the line answers that for all of them
        at once: a line that splits into more than ``limit`` words is over the limit
        for :func:`cleaner.matchers.words.count_words` too (it never counts fewer), so
        :meth:`CompiledRule.fires` would say no. Skipped under a meter, which times every
        evaluation (``clean rules cost``)."""
        if self.work.meter is not None:
            return ids
        limits = self.index.early_limits
        words = -1
        kept = []
        for r in ids:
            limit = limits[r]
            if limit != NO_LIMIT:
                if words < 0:
                    words = len(key.split(None, EARLY_WORDS))
                if words > limit:
                    continue
            kept.append(r)
        return kept

    def candidate_lines(self) -> Iterable[int]:
        return sorted(self.found)

    def matching(self, i: int) -> Sequence[CompiledRule]:
        hits = self.found.get(i, ())
        failed = self.work.failed
        return [r for r in hits if r.index not in failed] if failed else hits

    def changed(self, i: int) -> None:
        keys = self.work.keys
        key = keys[i]
        ids = {r.index for r in self.unfiltered}
        ids.update(t for _, t in self.index.scan(fold(key)) if t in self.rank)
        self._confirm(i, ids)
        # the new text may repeat other lines, which makes them candidates for the
        # ``repeated`` rules that were not proposed there
        repeated = {r.index for r in self.unfiltered if r.rule.repeated}
        if repeated and key:
            for j, other in enumerate(keys):
                if other == key and j != i:
                    self._confirm(j, {r.index for r in self.found.get(j, ())} | repeated)


def _repeats_only(rule: CompiledRule) -> bool:
    """Whether the rule need only be proposed on lines whose text another line has: a
    ``repeated`` rule, unless a ``run`` makes the lines it matches count around them."""
    return rule.rule.repeated and rule.rule.run is None


@lru_cache(maxsize=1024)
def _finder(source: str) -> Callable[[str], bool]:
    """Whether a line has a character of a required class (``factors.required_class``
    writes ``[...]``: escaped characters, ``\\d`` for any digit). ``in`` finds a
    character several times faster than a ``regex`` class search over a paragraph; a
    class with digits keeps the pattern (Unicode digits are many)."""
    inner = source[1:-1]
    if "\\d" in inner:
        pattern = regex.compile(source)
        return lambda key: pattern.search(key) is not None
    chars = tuple(re.sub(r"\\(.)", r"\1", inner))
    if len(chars) == 1:
        (char,) = chars
        return lambda key: char in key
    return lambda key: any(c in key for c in chars)


def _shape_words(rule: CompiledRule) -> int:
    """The ``max_words`` of a shape rule's spec (``max_words=8``, which every shape has):
    a line that splits into more words than that does not have the shape, since
    :func:`cleaner.matchers.words.count_words` never counts fewer than ``str.split``."""
    return int(shape_spec(rule.rule.matcher.patterns)["max_words"])


class _Plan:
    """How a line proposes a group of rules without a literal: one bounded word count
    for the rules' word limits and the shapes' word counts, the rare characters some of
    them need (each class searched once), then each distinct shape once (a paragraph is
    over every shape's word count, so it checks none)."""

    __slots__ = ("limits", "shapes", "top")

    def __init__(
        self,
        limits: list[tuple[int, int | None, Callable[[str], bool] | None]],
        shapes: list[tuple[Callable[[str], bool], tuple[int, ...], int]],
    ) -> None:
        self.limits = limits
        self.top = max(
            [w for _, w, _ in limits if w is not None] + [most for _, _, most in shapes],
            default=0,
        )
        self.shapes = shapes

    @classmethod
    def of(cls, rules: Sequence[CompiledRule]) -> _Plan:
        by_shape: dict[tuple[str, ...], list[CompiledRule]] = {}
        limits: list[tuple[int, int | None, Callable[[str], bool] | None]] = []
        for r in rules:
            if r.predicate is not None:
                by_shape.setdefault(r.rule.matcher.patterns, []).append(r)
            else:
                finder = None if r.needs is None else _finder(r.needs.pattern)
                limits.append((r.index, r.rule.max_words, finder))
        # widest word limit first: a long line stops at the first limit it is over
        limits.sort(key=lambda item: (item[1] is not None, -(item[1] or 0)))
        shapes = []
        for group in by_shape.values():
            check = group[0].predicate
            assert check is not None
            most = _shape_words(group[0]) if group[0].rule.matcher.kind == "shape" else NO_LIMIT
            shapes.append((check, tuple(r.index for r in group), most))
        return cls(limits, shapes)

    def __bool__(self) -> bool:
        return bool(self.limits or self.shapes)

    def ids(self, key: str) -> tuple[int, ...]:
        out: list[int] = []
        # a short line: the words are counted when first needed (a class search is
        # cheaper); a long one is a paragraph over most word limits: count first
        words = len(key.split(None, self.top)) if len(key) > VERDICT_KEY else -1
        if self.limits:
            found: dict[Callable[[str], bool], bool] = {}
            for r, w, needs in self.limits:
                if w is not None and w < words:  # words known (>= 0) and over this limit
                    break  # the limits that follow are no wider
                if needs is not None:
                    has = found.get(needs)
                    if has is None:
                        has = found[needs] = needs(key)
                    if not has:
                        continue
                if w is not None:
                    if words < 0:
                        words = len(key.split(None, self.top))
                    if words > w:
                        continue
                out.append(r)
        for check, ids, most in self.shapes:
            if most < words:  # words known and over the shape's word count
                continue
            if check(key):
                out += ids
        return tuple(out)
