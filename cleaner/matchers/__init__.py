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

from cleaner.matchers import literal, pattern, shape
from cleaner.matchers.base import CompiledMatcher
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
def compile_pattern(source: str) -> regex.Pattern[str]:
    """A plain pattern (``unless`` guards, fingerprints), compiled once per process."""
    return regex.compile(source)


__all__ = ["MATCHER_KINDS", "CompiledMatcher", "compile_matcher", "compile_pattern"]
