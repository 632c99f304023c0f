"""Matchers: what each ``kind`` of rule looks for, compiled once at load.

Every kind compiles to a ``regex`` pattern (the exact semantics, used for confirming a
match and for ``strip`` spans) plus the case-folded literals every match must contain
(used by the fast engine's one-pass prefilter; ``None`` means "try every line").
The registry below is explicit: a new kind is a module and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import regex

from cleaner.cache import is_checked
from cleaner.matchers import literal, pattern, shape
from cleaner.matchers.base import CompiledMatcher, LazyPattern
from cleaner.model import Matcher

MATCHER_KINDS: dict[str, Callable[[tuple[str, ...], bool], CompiledMatcher]] = {
    "prefix": literal.compile_prefix,
    "exact": literal.compile_exact,
    "contains": literal.compile_contains,
    "regex": pattern.compile_regex,
    "shape": shape.compile_shape,
}


#: Compiled matchers and patterns are immutable and compiling them is the bulk of loading
#: the packs (``regex`` parses in Python, and its own cache of 500 patterns thrashes at
#: our size), so each is compiled once per process: the loader compiles to validate,
#: the compiled index reuses the result.
_CACHE_SIZE = 16_384


@lru_cache(maxsize=_CACHE_SIZE)
def compile_matcher(matcher: Matcher) -> CompiledMatcher:
    """Compile a rule's matcher (raises ``regex.error`` on a bad pattern)."""
    return MATCHER_KINDS[matcher.kind](matcher.patterns, matcher.ignore_case)


@lru_cache(maxsize=_CACHE_SIZE)
def compile_pattern(source: str) -> LazyPattern:
    """A plain pattern (``unless`` guards, fingerprints), compiled once per process, when
    first used (see :func:`check_pattern` for the loader's check)."""
    return LazyPattern(source)


def check_pattern(pattern: LazyPattern) -> regex.Pattern[str] | None:
    """Compile a pattern no earlier run has checked (raises ``regex.error`` if it is not
    one) and return it; None for one that a run on this machine already compiled (it is
    then compiled when a document first needs it). The caller marks it checked once it
    has passed the caller's own checks too (:func:`cleaner.cache.mark_checked`)."""
    if is_checked(pattern.pattern, pattern.flags):
        return None
    return pattern.compiled


__all__ = [
    "MATCHER_KINDS",
    "CompiledMatcher",
    "LazyPattern",
    "check_pattern",
    "compile_matcher",
    "compile_pattern",
]
