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

__all__ = ["MIN_LITERAL", "analyse", "required_literals", "sre_c", "sre_p", "usable_literal"]

#: Shorter literals would propose nearly every line; such rules are checked on every line.
MIN_LITERAL = 2

# ``regex`` syntax that Python's parser accepts but reads differently: POSIX classes,
# version-1 set operations, fuzzy matching. Any of these and we do not guess.
_DIVERGENT = ("(?V1", "V1)", "{e", "{i", "{d", "{s", "(?V0")
_POSIX_CLASS = re.compile(r"\[:\^?[A-Za-z]+:\]")

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


Candidate = tuple[frozenset[str], bool]  # strings, and whether they start the line


#: Single characters common enough in prose that proposing every line with them is waste.
_COMMON_CHARS = frozenset("\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0\u00b7\u2022\u00e9")


def usable_literal(text: str) -> bool:
    """Long enough to be selective: two characters, or one rare non-ASCII symbol (©)."""
    return len(text) >= MIN_LITERAL or (
        len(text) == 1 and not text.isascii() and text not in _COMMON_CHARS and not text.isalpha()
    )


def _best(candidates: list[Candidate]) -> Candidate | None:
    """The candidate set whose shortest string is longest (fewest false proposals)."""
    usable = [c for c in candidates if c[0] and all(map(usable_literal, c[0]))]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(map(len, c[0])), c[1], -len(c[0])))


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


_BEGIN = tuple(
    getattr(sre_c, n) for n in ("AT_BEGINNING", "AT_BEGINNING_STRING") if hasattr(sre_c, n)
)


def _case_class(av: Any) -> str | None:
    """The one character a class like ``[Oo]`` stands for once case is folded, else None."""
    if not av or any(op is not sre_c.LITERAL for op, _ in av):
        return None
    folded = {fold(chr(c)) for _, c in av}
    return folded.pop() if len(folded) == 1 else None


def _candidates(items: Iterable[Any], anchored_start: bool = False) -> list[Candidate]:
    out: list[Candidate] = []
    run: set[str] = {""}
    # "anchored": the pattern opened with ^ (or \A) and nothing but the current run since
    anchored = anchored_start
    leading = True

    def flush() -> None:
        nonlocal run, anchored, leading
        if run != {""}:
            out.append((frozenset(fold(r) for r in run), anchored and leading))
        run = {""}
        leading = False

    for op, av in _flatten(items):
        if op is sre_c.LITERAL:
            run = {r + chr(av) for r in run}
            continue
        if op is sre_c.IN and (char := _case_class(av)) is not None:
            run = {r + char for r in run}
            continue
        if op is sre_c.AT:  # zero-width anchors keep literals on both sides contiguous
            if av in _BEGIN and run == {""} and leading:
                anchored = True
            elif run == {""}:
                leading = leading and av in _BEGIN
            continue
        if op is sre_c.BRANCH:
            texts = [_pure_literals(branch) for branch in av[1]]
            if all(t is not None for t in texts) and len(run) * len(texts) <= _MAX_FANOUT:
                run = {r + t for r in run for t in texts if t is not None}
                continue
            at_start = anchored and leading and run == {""}
            flush()
            alternatives = [_best(_candidates(branch, at_start)) for branch in av[1]]
            if alternatives and all(a is not None for a in alternatives):
                union = frozenset().union(*(a[0] for a in alternatives if a is not None))
                out.append((union, at_start and all(a[1] for a in alternatives if a)))
            continue
        flush()
        if op in _REPEATS:
            low, _high, body = av
            body = list(body)
            if low >= 2 and len(body) == 1 and body[0][0] is sre_c.LITERAL:
                out.append((frozenset({fold(chr(body[0][1]) * min(low, 8))}), False))
            elif low >= 1:
                inner = _best(_candidates(body))
                if inner is not None:
                    out.append((inner[0], False))
        # anything else (classes, dots, lookarounds, backrefs) ends the run and adds nothing
    flush()
    return out


def analyse(pattern: str) -> tuple[frozenset[str] | None, bool]:
    """Required literals of ``pattern`` (or None) and whether they must start the line."""
    if (
        any(marker in pattern for marker in _DIVERGENT)
        or _ODD_BRACES.search(pattern)
        or _POSIX_CLASS.search(pattern)
    ):
        return None, False
    try:
        parsed = sre_p.parse(pattern, 0)
    except Exception:  # any parse failure: regex-only syntax, so no guessing
        return None, False
    best = _best(_candidates(parsed))
    return (None, False) if best is None else best


def required_literals(pattern: str) -> frozenset[str] | None:
    """Case-folded strings one of which every match of ``pattern`` contains, or None.

    Case flags do not matter: both the literals and the scanned text are case-folded.
    """
    return analyse(pattern)[0]
