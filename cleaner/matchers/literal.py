"""Literal matchers: ``prefix``, ``exact`` and ``contains``, each one string or a list.

They match the line with surrounding whitespace trimmed. ``ignore_case`` folds case fully
(``STRASSE`` matches ``Straße``). A literal is its own required literal, so these rules
cost nothing on lines that do not contain them.

>>> m = compile_prefix(("Now Read:", "Read Next:"), False)
>>> bool(m.pattern.search("Now Read: Five umbrellas")), bool(m.pattern.search("Now read: x"))
(True, False)
>>> bool(compile_exact(("Comments",), True).pattern.search("COMMENTS"))
True
"""

from __future__ import annotations

import regex

from cleaner.matchers.base import (
    ANYWHERE,
    LINE_START,
    WHOLE_LINE,
    CompiledMatcher,
    LazyPattern,
    fold,
)
from cleaner.matchers.factors import usable_literal


def _alternation(patterns: tuple[str, ...]) -> str:
    # Longest first, so that ``strip`` removes the longest literal that matches.
    ordered = sorted(set(patterns), key=lambda p: (-len(p), p))
    return "(?:" + "|".join(regex.escape(p, literal_spaces=True) for p in ordered) + ")"


def _compile(
    source: str,
    patterns: tuple[str, ...],
    ignore_case: bool,
    anchor: int,
) -> CompiledMatcher:
    flags = regex.IGNORECASE | regex.FULLCASE if ignore_case else 0
    literals = frozenset(fold(p) for p in patterns)
    literals_or_none = literals if all(map(usable_literal, literals)) else None
    return CompiledMatcher(LazyPattern(source, flags), literals_or_none, anchor)


def compile_prefix(patterns: tuple[str, ...], ignore_case: bool) -> CompiledMatcher:
    return _compile("^" + _alternation(patterns), patterns, ignore_case, LINE_START)


def compile_exact(patterns: tuple[str, ...], ignore_case: bool) -> CompiledMatcher:
    return _compile("^" + _alternation(patterns) + r"\Z", patterns, ignore_case, WHOLE_LINE)


def compile_contains(patterns: tuple[str, ...], ignore_case: bool) -> CompiledMatcher:
    return _compile(_alternation(patterns), patterns, ignore_case, ANYWHERE)
