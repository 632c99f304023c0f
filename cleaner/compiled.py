"""A rule set compiled once: patterns, guards and the one-pass literal prefilter.

The prefilter is one Aho-Corasick automaton over the case-folded required literals of
every rule and fingerprint of every loaded pack (those that must start a line are looked
for right after a line break only). One scan of a document proposes
(line, rule) pairs; the engine keeps those whose pack the document selected and confirms
each with the rule's real pattern. The automaton is built once for all packs, so its
cost does not multiply with the combinations of packs documents select.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeAlias, TypeVar

import ahocorasick
import regex

from cleaner.cache import pinned
from cleaner.fixes import tidy_line
from cleaner.matchers import compile_matcher, compile_pattern
from cleaner.matchers.base import (
    ANYWHERE,
    LINE_END,
    LINE_START,
    WHOLE_LINE,
    LazyPattern,
    Searcher,
    anchored_ok,
)
from cleaner.matchers.factors import required_class
from cleaner.matchers.pattern import class_pattern
from cleaner.matchers.risk import runs_safely
from cleaner.matchers.words import count_words
from cleaner.model import Rule
from cleaner.ruleset import RuleSet

_PLAN_LOCK = threading.Lock()
_K = TypeVar("_K")
_V = TypeVar("_V")

#: Word limits up to this are checked before the pattern, larger ones after it.
EARLY_WORDS = 30
#: A word limit no line reaches: :attr:`CompiledIndex.early_limits` of a rule without one.
NO_LIMIT = 1 << 30
#: Longer lines get the per-call regex timeout even from patterns that run safely.
SAFE_LINE = 2_000
#: Lines up to this long have their verdicts remembered (boilerplate is short; an
#: article paragraph rarely repeats), at most :data:`VERDICT_LIMIT` of them at a time.
VERDICT_KEY = 200
VERDICT_LIMIT = 32_768


def remember(store: dict[_K, _V], key: _K, value: _V) -> _V:
    """Keep a remembered answer in a store of at most :data:`VERDICT_LIMIT` entries
    (emptied when full: the answers that matter come back at once); returns ``value``."""
    if len(store) >= VERDICT_LIMIT:
        store.clear()
    store[key] = value
    return value


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its compiled pattern and guards; ``index`` is its place in the set."""

    rule: Rule
    index: int
    pattern: LazyPattern
    literals: frozenset[str] | None
    #: (literal, anchor) pairs the prefilter scans for (each literal's own anchor)
    targets: frozenset[tuple[str, int]]
    predicate: Callable[[str], bool] | None
    unless: LazyPattern | None
    #: What ``fires`` searches with: the pattern, or its reversed twin when every match
    #: must end at the line end (same answer, found faster).
    probe: Searcher
    #: Whether every match call needs the timeout. Literal matchers compile to escaped
    #: alternations (linear time); a regex free of backtracking-prone shapes needs it only
    #: on very long lines. The timeout costs several microseconds a call in ``regex``.
    guarded: bool
    #: Rules without literals: a class of characters the line must have (or None).
    needs: regex.Pattern[str] | None = None
    #: The rule's ``unless_after`` guard, compiled (see :meth:`Layout.introduced`).
    unless_after: LazyPattern | None = None
    #: The rule's ``unless_before`` guard, compiled (see :meth:`Layout.followed`).
    unless_before: LazyPattern | None = None

    @property
    def is_cut(self) -> bool:
        return self.rule.action in ("cut-after", "cut-before")

    @property
    def guards(self) -> tuple[LazyPattern, ...]:
        """The compiled guards the rule has (see :attr:`cleaner.model.Rule.guards`)."""
        return tuple(g for g in (self.unless, self.unless_after, self.unless_before) if g)

    def fires(self, key: str, timeout: float | None) -> bool:
        """Does the rule fire on this (trimmed, non-blank) line? May raise TimeoutError."""
        # a small word limit first: counting a few words is cheaper than most patterns
        # and rules out paragraphs; a large one (counting up to 90 words of a paragraph
        # costs twice a typical search) only once the pattern has matched
        limit = self.rule.max_words
        if limit is not None and limit <= EARLY_WORDS and count_words(key, limit) > limit:
            return False
        slow = timeout is not None and (self.guarded or len(key) > SAFE_LINE)
        if self.predicate is not None:
            if not self.predicate(key):
                return False
        elif (self.probe.search(key, timeout=timeout) if slow else self.probe.search(key)) is None:
            return False
        if limit is not None and limit > EARLY_WORDS and count_words(key, limit) > limit:
            return False
        if self.unless is None:
            return True
        hit = self.unless.search(key, timeout=timeout) if slow else self.unless.search(key)
        return hit is None

    def strip(self, key: str, timeout: float | None) -> tuple[str, list[tuple[int, int, str]]]:
        """Remove every match from the line; returns the rest (tidied) and the spans."""
        if timeout is None or not (self.guarded or len(key) > SAFE_LINE):
            matches = self.pattern.finditer(key)
        else:
            matches = self.pattern.finditer(key, timeout=timeout)
        spans = [(m.start(), m.end(), m.group()) for m in matches if m.end() > m.start()]
        if not spans:
            return key, []
        parts, last = [], 0
        for start, end, _ in spans:
            parts.append(key[last:start])
            last = end
        parts.append(key[last:])
        return tidy_line("".join(parts)), spans


@dataclass(frozen=True, slots=True)
class CompiledFingerprint:
    pack: str
    index: int
    pattern: LazyPattern
    literals: frozenset[str] | None
    anchor: int
    #: counts on any line, not only among the first and last ``zone`` lines
    anywhere: bool = False
    #: Whether a match call needs the timeout (see :attr:`CompiledRule.guarded`): the
    #: timeout makes ``regex`` read the clock as it goes, which costs far more than the
    #: match of a linear pattern on a line of ordinary length
    guarded: bool = True

    def fullmatch(self, key: str, timeout: float | None) -> bool:
        """Is the line this fingerprint? May raise TimeoutError."""
        if timeout is not None and (self.guarded or len(key) > SAFE_LINE):
            return self.pattern.fullmatch(key, timeout=timeout) is not None
        return self.pattern.fullmatch(key) is not None


#: Literals this short, anywhere in a line, are in most paragraphs (see :func:`_weak`).
WEAK_LITERAL = 3


def _weak(rule: Rule, targets: frozenset[tuple[str, int]]) -> bool:
    """Whether the rule is a regex whose literals are all short and unanchored, and its
    early word limit would reject the paragraphs they propose it on anyway."""
    limit = rule.max_words
    return (
        rule.matcher.kind == "regex"
        and bool(targets)
        and limit is not None
        and limit <= EARLY_WORDS
        and all(len(lit) <= WEAK_LITERAL and anchor == ANYWHERE for lit, anchor in targets)
    )


def _compile_rule(rule: Rule, index: int) -> CompiledRule:
    matcher = compile_matcher(rule.matcher)
    literals = matcher.literals
    targets = matcher.targets()
    if literals is not None and any("\n" in lit for lit in literals):
        literals = None  # cannot occur in a line; let the real pattern decide everywhere
        targets = frozenset()
    needs = matcher.needs
    if _weak(rule, targets):
        # a word-limited rule whose literals are all short and may sit anywhere ("may",
        # "mar": the months of a date line) is proposed on most paragraphs by its literal
        # and rejected by its word limit; proposed by the limit alone it costs less
        literals, targets = None, frozenset()
        need = required_class(rule.matcher.patterns[0])
        needs = None if need is None else class_pattern(need)
    unless = compile_pattern(rule.unless) if rule.unless else None
    sources = [
        *(rule.matcher.patterns if rule.matcher.kind == "regex" else ()),
        *((rule.unless,) if rule.unless else ()),
    ]
    guarded = not all(runs_safely(p) for p in sources)
    return CompiledRule(
        rule,
        index,
        matcher.pattern,
        literals,
        targets,
        matcher.predicate,
        unless,
        matcher.probe or matcher.pattern,
        guarded,
        needs if literals is None else None,
        compile_pattern(rule.unless_after) if rule.unless_after else None,
        compile_pattern(rule.unless_before) if rule.unless_before else None,
    )


@dataclass(frozen=True, slots=True)
class ActiveRules:
    """The rules that apply to a document, in order, with what the engines look up."""

    rules: tuple[CompiledRule, ...]
    rank: dict[int, int]
    unfiltered: tuple[CompiledRule, ...]
    positional: bool  # some rule has a scope or a run
    #: the fast engine's notes on this set of rules (how its rules without a literal
    #: are proposed); lives as long as this set of active rules is cached
    memo: dict[str, Any] = field(default_factory=dict, compare=False)


class CompiledIndex:
    """Everything the engines need from a rule set, built once and then read-only."""

    def __init__(self, ruleset: RuleSet) -> None:
        from cleaner.matchers.factors import analyse

        self.ruleset = ruleset
        self.rules: list[CompiledRule] = []
        self.pack_rules: dict[str, list[CompiledRule]] = {}
        self.fingerprints: list[CompiledFingerprint] = []
        with pinned():  # the cache folder, read once for every pattern analysed
            for pack in ruleset.packs:
                bucket = self.pack_rules.setdefault(pack.id, [])
                for rule in pack.rules:
                    compiled = _compile_rule(rule, len(self.rules))
                    self.rules.append(compiled)
                    bucket.append(compiled)
                if pack.kind == "shared":
                    continue
                for source, everywhere in zip(
                    pack.fingerprints, pack.anywhere_flags(), strict=True
                ):
                    # a fingerprint matches the whole line, so a leading literal starts it
                    lits, anchor = analyse(r"\A(?:" + source + r")\Z")
                    self.fingerprints.append(
                        CompiledFingerprint(
                            pack.id,
                            len(self.fingerprints),
                            compile_pattern(source),
                            lits,
                            anchor,
                            everywhere,
                            not runs_safely(source),
                        )
                    )
        self.unfiltered_rules = [r for r in self.rules if r.literals is None]
        #: per rule index: its word limit when :meth:`CompiledRule.fires` checks it before
        #: the pattern (see :data:`EARLY_WORDS`), else :data:`NO_LIMIT`
        self.early_limits = [
            w if (w := r.rule.max_words) is not None and w <= EARLY_WORDS else NO_LIMIT
            for r in self.rules
        ]
        self._dated = {
            p
            for p, rs in self.pack_rules.items()
            if any(r.rule.valid_from or r.rule.valid_until for r in rs)
        }
        self._lingual = {
            p for p, rs in self.pack_rules.items() if any(r.rule.languages for r in rs)
        }
        self._active: Callable[[tuple[str, ...], dt.date | None, str | None], ActiveRules] = (
            lru_cache(maxsize=1024)(self._compute_active)
        )
        self.unfiltered_fingerprints = [f for f in self.fingerprints if f.literals is None]
        self.literal_targets = self._literal_targets()
        kinds = {pack.id: pack.kind for pack in ruleset.packs}
        #: rule index -> its pack, for the rules of packs that apply to some documents
        #: only (not the shared ones): their literals are looked for once the document's
        #: packs are known, so that a hundred packs' words do not hit on every document
        self.groups = {r.index: r.rule.pack for r in self.rules if kinds[r.rule.pack] != "shared"}
        base, by_group = split_targets(self.literal_targets, self.groups)
        #: the literals of each Aho-Corasick automaton by group (None: fingerprints and
        #: the shared packs' rules); an automaton is built when first scanned with, since
        #: with Hyperscan most never are (building them all was a third of a second)
        self._targets: dict[str | None, Targets] = {None: base}
        self._targets.update(by_group)
        self._automata: dict[str | None, Automata] = {}
        self._every: Automata = None
        self._every_built = False
        #: (rule index, line) -> whether the rule fires there, for short lines (see
        #: :data:`VERDICT_KEY`): a corpus repeats its boilerplate lines thousands of times.
        self.verdicts: dict[tuple[int, str], bool] = {}
        #: (plan id, line) -> the literal-less rules a short line proposes, one store for
        #: every set of active rules (bounded like ``verdicts``); a plan id names one
        #: tuple of such rules, which few distinct pack combinations have
        self.proposals: dict[tuple[int, str], tuple[int, ...]] = {}
        #: (rules proposed on a short line, in rank order; the line) -> those of them
        #: that fire there: a boilerplate line comes back with the same proposals, and
        #: one lookup replaces a verdict lookup per rule (bounded like ``verdicts``)
        self.firing: dict[tuple[tuple[int, ...], str], tuple[CompiledRule, ...]] = {}
        self._plan_ids: dict[tuple[int, ...], int] = {}

    def plan_id(self, rules: tuple[int, ...]) -> int:
        """A small number naming this tuple of rule indexes, the same for every caller."""
        with _PLAN_LOCK:
            return self._plan_ids.setdefault(rules, len(self._plan_ids))

    def active(
        self, packs: tuple[str, ...], date: dt.date | None, language: str | None
    ) -> ActiveRules:
        """Active rules for these packs; cached (date and language only key it if used)."""
        if date is not None and not self._dated.intersection(packs):
            date = None
        if language is not None and not self._lingual.intersection(packs):
            language = None
        return self._active(packs, date, language)

    def _compute_active(
        self, packs: tuple[str, ...], date: dt.date | None, language: str | None
    ) -> ActiveRules:
        rules = tuple(
            r for p in packs for r in self.pack_rules[p] if r.rule.active_on(date, language)
        )
        return ActiveRules(
            rules,
            {r.index: k for k, r in enumerate(rules)},
            tuple(r for r in rules if r.literals is None),
            any(
                r.rule.scope is not None
                or r.rule.run is not None
                or r.rule.min_lines is not None
                or r.rule.repeated
                or r.rule.unless_after is not None
                or r.rule.unless_before is not None
                for r in rules
            ),
        )

    def _literal_targets(self) -> dict[tuple[str, int], tuple[int, ...]]:
        """(literal, anchor) -> the rules (>= 0) and fingerprints (< 0) it proposes."""
        targets: dict[tuple[str, int], list[int]] = {}
        # sorted: sets iterate in a per-process order, and the Hyperscan database built
        # from these must come out byte for byte the same in every process to be cached
        for r in self.rules:
            for target in sorted(r.targets):
                targets.setdefault(target, []).append(r.index)
        for f in self.fingerprints:
            for lit in sorted(f.literals or ()):
                targets.setdefault((lit, f.anchor), []).append(-1 - f.index)
        return {key: tuple(ids) for key, ids in targets.items()}

    def scan(
        self, folded: str, groups: Iterable[str | None] | None = None
    ) -> Iterator[tuple[int, int]]:
        """(line index, target) for each literal hit; target >= 0 a rule, < 0 a fingerprint.

        ``folded`` is the document's lines, case-folded and joined by ``\\n``. ``groups``
        names the automata to run (None in it: the fingerprints' and shared packs'); by
        default all of them.
        """
        if groups is None:
            if not self._every_built:  # two threads may both build it: either will do
                self._every = _automata(self.literal_targets)
                self._every_built = True
            yield from _scan(folded, self._every)
            return
        for name in groups:
            try:
                automaton = self._automata[name]
            except KeyError:
                targets = self._targets.get(name)
                if targets is None:
                    continue
                automaton = self._automata[name] = _automata(targets)
            yield from _scan(folded, automaton)


Targets = dict[tuple[str, int], tuple[int, ...]]  # (literal, anchor) -> rules, fingerprints
#: One automaton over a group's literals (see :func:`_automata`), or None for no literal.
Automata: TypeAlias = "ahocorasick.Automaton | None"
#: What a hit of one automaton word proposes, by where it lies (index: the literal starts
#: a line 2, ends one 1), as in :func:`cleaner.hsscan._outcomes`.
Outcomes = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...]]


def split_targets(
    literal_targets: Targets, groups: dict[int, str]
) -> tuple[Targets, dict[str, Targets]]:
    """The targets every document needs (fingerprints, rules in no group), and by group
    the targets only a document that the group applies to needs."""
    base: Targets = {}
    by_group: dict[str, dict[tuple[str, int], list[int]]] = {}
    for key, ids in literal_targets.items():
        everyone = tuple(t for t in ids if t < 0 or t not in groups)
        if everyone:
            base[key] = everyone
        for t in ids:
            if t >= 0 and t in groups:
                by_group.setdefault(groups[t], {}).setdefault(key, []).append(t)
    return base, {
        name: {key: tuple(ids) for key, ids in targets.items()}
        for name, targets in sorted(by_group.items())
    }


def _automata(literal_targets: Targets) -> Automata:
    """One Aho-Corasick automaton for a group's literals, run over the folded text with a
    line break put in front (:func:`_scan`). A literal that must start its line (or be all
    of it) is a word with that line break in front: short ones such as "by" or "on "
    occur all over a text, but hit only where they open a line, and one pass over the
    text finds both kinds (a trie looked up at each line's start cost a slice and a lookup
    per prefix of every line, a third of the pure-Python scan). Such a word is only the
    literal's first :data:`START_KEY` characters, the rest checked on a hit: line-start
    literals are whole boilerplate lines of 36 characters on average, and building the
    automaton over all of them took a quarter of a second of every process's start.

    Each word's value: the literals it stands for, as (length, the rest that must follow
    the word, what a hit proposes at each place, see :func:`_word_outcomes`)."""
    with _collector_paused():
        return _build(literal_targets)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector around a build that makes tens of thousands of
    tuples and keeps them all (cycles it makes none): each collection of the oldest
    generation would walk every object of the loaded packs, and building an automaton
    set off several, more than half of the build's time."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _build(literal_targets: Targets) -> Automata:
    words: dict[str, list[tuple[int, str, int, tuple[int, ...]]]] = {}
    for (lit, anchor), ids in literal_targets.items():
        if not lit:
            continue  # an empty literal proposes nothing (no prefix of length 0 is read)
        if anchor in (LINE_START, WHOLE_LINE):
            key, rest = "\n" + lit[:START_KEY], lit[START_KEY:]
        else:
            key, rest = lit, ""
        words.setdefault(key, []).append((len(lit), rest, anchor, ids))
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    add = automaton.add_word
    for key, found in words.items():
        if len(found) == 1:  # most words: one literal with one anchor
            length, rest, anchor, ids = found[0]
            add(key, ((length, rest, _word_outcomes([(anchor, ids)])),))
            continue
        same: dict[tuple[int, str], list[tuple[int, tuple[int, ...]]]] = {}
        for length, rest, anchor, ids in found:
            same.setdefault((length, rest), []).append((anchor, ids))
        add(key, tuple((n, r, _word_outcomes(groups)) for (n, r), groups in same.items()))
    automaton.make_automaton()
    return automaton


#: Characters of a line-start literal that its automaton word holds (:func:`_automata`).
START_KEY = 12


def _word_outcomes(groups: list[tuple[int, tuple[int, ...]]]) -> Outcomes:
    """The targets a hit proposes for each of the four places it may lie (starts a line
    or not, ends one or not): worked out once per word, so a hit costs one lookup. Most
    words stand for one anchor (read from :data:`_PLACES`: this runs for every word of
    every automaton built)."""
    if len(groups) == 1:
        anchor, ids = groups[0]
        places = _PLACES[anchor]
        return (
            ids if places[0] else (),
            ids if places[1] else (),
            ids if places[2] else (),
            ids if places[3] else (),
        )
    by_place: list[list[int]] = [[], [], [], []]
    for anchor, ids in groups:
        for where, ok in enumerate(_PLACES[anchor]):
            if ok:
                by_place[where].extend(ids)
    return tuple(by_place[0]), tuple(by_place[1]), tuple(by_place[2]), tuple(by_place[3])


#: By anchor: whether a hit at each of the four places (index: starts a line 2, ends one
#: 1) satisfies it.
_PLACES = {
    anchor: tuple(anchored_ok(anchor, where >= 2, where % 2 == 1) for where in range(4))
    for anchor in (ANYWHERE, LINE_START, WHOLE_LINE, LINE_END)
}


def _scan(folded: str, automaton: Automata) -> Iterator[tuple[int, int]]:
    if automaton is None:
        return
    text = "\n" + folded  # every line, the first one too, starts after a line break
    line, previous, last = -1, 0, len(text) - 1
    count, starts = text.count, text.startswith
    for end, entries in automaton.iter(text):
        line += count("\n", previous, end)  # a word never ends in a line break
        previous = end
        for length, rest, outcomes in entries:
            stop = end
            if rest:
                if not starts(rest, end + 1):
                    continue
                stop += len(rest)
            where = (2 if text[stop - length] == "\n" else 0) + (
                1 if stop == last or text[stop + 1] == "\n" else 0
            )
            for target in outcomes[where]:
                yield line, target
