"""The compiled form every matcher kind produces."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import regex

from cleaner.patterncache import compile_pattern


def fold(text: str) -> str:
    """Case-fold for the prefilter, on both the literals and the scanned text.

    ``str.casefold`` turns "İ" into "i" plus a combining dot and leaves the dotless i (U+0131)
    alone, where the ``regex`` module's case-insensitive matching sees a plain "i" in
    both; dropping U+0307 and mapping U+0131 to "i" on both sides keeps the prefilter a
    superset of what the patterns match.
    """
    folded = text.casefold()
    if folded.isascii():
        return folded
    return folded.replace("\u0307", "").replace("\u0131", "i")


ANYWHERE, LINE_START, WHOLE_LINE, LINE_END = 0, 1, 2, 3


class Searcher(Protocol):
    """What the engine searches a line with: a compiled pattern, or a lazy one."""

    def search(self, string: str, *, timeout: float | None = None) -> object: ...


class LazyPattern:
    """A pattern compiled on its first use.

    Compiling is most of loading the packs (the ``regex`` module parses in Python), and
    most rules are never confirmed in a given corpus: a matcher's pattern is compiled
    when a document first needs it, once the loader knows it is good (it compiles it
    itself, or a run on this machine did: see :mod:`cleaner.cache`). A reversed probe
    is a second compile of the same pattern, put off the same way.
    """

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.pattern = source  # the text, as ``regex.Pattern.pattern``
        self.flags = flags
        self._compiled: regex.Pattern[str] | None = None

    @property
    def compiled(self) -> regex.Pattern[str]:
        """The compiled pattern (raises ``regex.error`` if the text is not a pattern)."""
        compiled = self._compiled
        if compiled is None:  # two threads may both compile: either result will do
            compiled = self._compiled = compile_pattern(self.pattern, self.flags)
        return compiled

    def search(self, string: str, *, timeout: float | None = None) -> regex.Match[str] | None:
        return self.compiled.search(string, timeout=timeout)

    def fullmatch(self, string: str, *, timeout: float | None = None) -> regex.Match[str] | None:
        return self.compiled.fullmatch(string, timeout=timeout)

    def finditer(self, string: str, *, timeout: float | None = None) -> Iterator[regex.Match[str]]:
        return self.compiled.finditer(string, timeout=timeout)


def anchored_ok(anchor: int, starts_line: bool, ends_line: bool) -> bool:
    """Does a literal hit at this place satisfy the literal's anchor?"""
    if anchor == ANYWHERE:
        return True
    if anchor == LINE_START:
        return starts_line
    if anchor == LINE_END:
        return ends_line
    return starts_line and ends_line


@dataclass(frozen=True, slots=True)
class CompiledMatcher:
    """A rule's pattern and the literals (case-folded) one of which every match contains."""

    pattern: LazyPattern
    literals: frozenset[str] | None
    #: Where a literal must sit for the pattern to match: 0 anywhere in the line,
    #: 1 at its start, 2 the whole line, 3 at its end. The prefilter proposes fewer lines.
    anchor: int = 0
    #: For matchers that are not text patterns (``shape``): decides instead of ``pattern``.
    predicate: Callable[[str], bool] | None = None
    #: Each literal with its own anchor, when they differ (see ``anchored_literals``).
    anchored: frozenset[tuple[str, int]] | None = None
    #: The same pattern compiled to search from the line end, for patterns that must
    #: end there: whether a line matches is the same, found several times faster.
    probe: LazyPattern | None = None
    #: For a pattern without literals: a class of rare characters (a digit, a slash, a
    #: date separator) every line it matches has one of; the fast engine proposes the
    #: rule only on such lines (see ``factors.required_class``).
    needs: regex.Pattern[str] | None = None

    def targets(self) -> frozenset[tuple[str, int]]:
        """(literal, anchor) pairs the prefilter scans for; empty without literals."""
        if self.anchored is not None:
            return self.anchored
        return frozenset((lit, self.anchor) for lit in self.literals or ())
