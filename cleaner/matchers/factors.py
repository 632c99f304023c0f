"""Required literals of a regex: strings at least one of which every match must contain.

The fast engine scans a document once for all rules' required literals (case-folded, with
an Aho-Corasick automaton) and runs a rule's real regex only on lines where one of its
literals occurs. That is sound only if the literals really are required, so the analysis
is conservative: it reads the pattern with Python's own regex parser and gives up
(returns ``None``, meaning "check this rule on every line") on anything it cannot prove,
including the parts of ``regex`` syntax that Python's parser would read differently.

>>> sorted(required_literals(r'^(?:Now|Read) Next:\\s+\\w+'))
['now next:', 'read next:']
>>> sorted(required_literals(r'^(Photo|Image): \\w+'))
['image: ', 'photo: ']
>>> sorted(required_literals(r'^Photo: (?:Shutterstock|Getty Images)$'))
['photo: getty images', 'photo: shutterstock']
>>> required_literals(r'\\d+%') is None
True
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from cleaner.matchers.base import fold

try:  # Python 3.11+
    sre_c: Any = importlib.import_module("re._constants")
    sre_p: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    sre_c = importlib.import_module("sre_constants")
    sre_p = importlib.import_module("sre_parse")

__all__ = ["MIN_LITERAL", "required_literals", "sre_c", "sre_p"]

#: Shorter literals would propose nearly every line; such rules are checked on every line.
MIN_LITERAL = 2

# ``regex`` syntax that Python's parser accepts but reads differently: POSIX classes,
# version-1 set operations, fuzzy matching. Any of these and we do not guess.
_DIVERGENT = ("[[:", "[:", "(?V1", "V1)", "{e", "{i", "{d", "{s", "(?V0")

# Braces that are not a plain ``{n}``, ``{n,}``, ``{,m}`` or ``{n,m}``: fuzzy constraints
# such as ``{1<=e<=2}``, which Python's parser would read as literal text.
_ODD_BRACES = re.compile(r"\{(?!\d*,?\d*\})")

_REPEATS = tuple(
    getattr(sre_c, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(sre_c, name)
)
_ATOMIC = getattr(sre_c, "ATOMIC_GROUP", None)


def _flatten(items: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    """Inline groups: their contents are contiguous in a match, like the sequence around."""
    for op, av in items:
        if op is sre_c.SUBPATTERN:
            yield from _flatten(av[-1])
        elif _ATOMIC is not None and op is _ATOMIC:
            yield from _flatten(av)
        else:
            yield op, av


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The candidate set whose shortest string is longest (fewest false proposals)."""
    usable = [c for c in candidates if c and min(map(len, c)) >= MIN_LITERAL]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(map(len, c)), -len(c)))


def _pure_literals(branch: Iterable[Any]) -> str | None:
    """The text of an alternative made only of literals (and anchors), else None."""
    chars = []
    for op, av in _flatten(branch):
        if op is sre_c.LITERAL:
            chars.append(chr(av))
        elif op is not sre_c.AT:
            return None
    return "".join(chars)


#: Cap on the strings a run may fan out to through literal alternations.
_MAX_FANOUT = 64


def _candidates(items: Iterable[Any]) -> list[frozenset[str]]:
    out: list[frozenset[str]] = []
    run: set[str] = {""}

    def flush() -> None:
        nonlocal run
        if run != {""}:
            out.append(frozenset(fold(r) for r in run))
        run = {""}

    for op, av in _flatten(items):
        if op is sre_c.LITERAL:
            run = {r + chr(av) for r in run}
            continue
        if op is sre_c.AT:  # zero-width anchors keep literals on both sides contiguous
            continue
        if op is sre_c.BRANCH:
            texts = [_pure_literals(branch) for branch in av[1]]
            if all(t is not None for t in texts) and len(run) * len(texts) <= _MAX_FANOUT:
                run = {r + t for r in run for t in texts if t is not None}
                continue
            flush()
            alternatives = [_best(_candidates(branch)) for branch in av[1]]
            if alternatives and all(a is not None for a in alternatives):
                out.append(frozenset().union(*(a for a in alternatives if a is not None)))
            continue
        flush()
        if op in _REPEATS:
            low, _high, body = av
            if low >= 1:
                inner = _best(_candidates(body))
                if inner is not None:
                    out.append(inner)
        # anything else (classes, dots, lookarounds, backrefs) ends the run and adds nothing
    flush()
    return out


def required_literals(pattern: str) -> frozenset[str] | None:
    """Case-folded strings one of which every match of ``pattern`` contains, or None.

    Case flags do not matter: both the literals and the scanned text are case-folded.
    """
    if any(marker in pattern for marker in _DIVERGENT) or _ODD_BRACES.search(pattern):
        return None
    try:
        parsed = sre_p.parse(pattern, 0)
    except Exception:  # any parse failure: regex-only syntax, so no guessing
        return None
    return _best(_candidates(parsed))
