"""The ``regex`` matcher: one pattern in the ``regex`` module's syntax, searched in the line.

Anchor it yourself (``^Now Read:``); the line has no surrounding whitespace and no line
break. ``ignore_case`` sets ``IGNORECASE``. Patterns that start with a literal word are
prefiltered; others run on every line and ``clean rules lint`` says so.

>>> m = compile_regex((r"^Photo: (?:Shutterstock|Getty Images)$",), False)
>>> bool(m.pattern.search("Photo: Shutterstock")), sorted(m.literals or ())
(True, ['photo: getty images', 'photo: shutterstock'])
"""

from __future__ import annotations

from functools import lru_cache

import regex

from cleaner.matchers.base import CompiledMatcher, LazyPattern
from cleaner.matchers.factors import (
    anchored_literals,
    ends_at_line_end,
    required_class,
    shared_anchor,
)


@lru_cache(maxsize=1024)
def class_pattern(source: str) -> regex.Pattern[str]:
    """One compiled object per required class: rules that need the same characters
    share it, and the engine searches a line for it once."""
    return regex.compile(source)


def compile_regex(patterns: tuple[str, ...], ignore_case: bool) -> CompiledMatcher:
    (source,) = patterns
    flags = regex.IGNORECASE if ignore_case else 0
    anchored = anchored_literals(source)
    literals, anchor = shared_anchor(anchored)
    reverse = ends_at_line_end(source)
    probe = LazyPattern(source, flags | regex.REVERSE) if reverse else None
    need = required_class(source) if literals is None else None
    return CompiledMatcher(
        LazyPattern(source, flags),
        literals,
        anchor,
        anchored=anchored,
        probe=probe,
        needs=class_pattern(need) if need is not None else None,
    )
