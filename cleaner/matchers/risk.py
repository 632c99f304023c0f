"""Regex shapes that can take exponential or polynomial time to fail on a line.

``clean rules lint`` reports them; the engine runs regexes free of them without the
per-call timeout (which costs several microseconds a call) on lines of ordinary length.
"""

from __future__ import annotations

from typing import Any

from cleaner.cache import as_bool, remembered
from cleaner.matchers.factors import parse_tree, sre_c

_REPEATS = tuple(
    getattr(sre_c, n)
    for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(sre_c, n)
)
_UNBOUNDED = 50  # a repeat with a higher upper bound is treated as unbounded


def backtracking_risks(pattern: str) -> list[str]:
    """Shapes of ``pattern`` that can take exponential or polynomial time to fail.

    >>> backtracking_risks(r'^(\\w+\\s?)+$')
    ['nested unbounded quantifiers: a repeated group that itself repeats']
    >>> backtracking_risks(r'^Photo: .*.*$')
    ['adjacent unbounded quantifiers over the same characters']
    >>> backtracking_risks(r'^Now Read: .+$')
    []
    """
    tree = parse_tree(pattern)
    if tree is None:
        return []
    found: list[str] = []
    _walk(list(tree), False, found)
    return sorted(set(found))


_SINGLE = tuple(
    getattr(sre_c, n)
    for n in ("LITERAL", "NOT_LITERAL", "IN", "ANY", "CATEGORY")
    if hasattr(sre_c, n)
)


@remembered("runs-safely", bool, as_bool)
def runs_safely(pattern: str) -> bool:
    """True when the pattern runs in near-linear time on a line, so it needs no timeout.

    Conservative on purpose: parsable by Python's parser (``regex``'s Unicode properties
    read as the one-character classes they are); no backreferences; every long repeat
    (more than 50) repeats a single character or class; and at most two long repeats
    when the pattern is anchored at the line start (one when it is not: every start
    position may run it), so no failing search can backtrack more than about the square
    of the line length: a few milliseconds on a line of ``SAFE_LINE`` characters, far
    under the per-rule timeout.

    >>> runs_safely(r'^Photo: .{1,80}$'), runs_safely(r'^x(a|aa)+$'), runs_safely(r'.*a.*b')
    (True, False, False)
    >>> runs_safely(r'[.!?]\\s+more$'), runs_safely(r'^By \\p{Lu}.*, .*$')
    (True, True)
    """
    parsed = parse_tree(pattern)
    if parsed is None:
        return False
    tree = list(parsed)
    long_repeats: list[int] = [0]

    def walk(items: list[Any]) -> bool:
        for op, av in items:
            if op in _REPEATS:
                body = list(av[2])
                if _is_unbounded(av):
                    long_repeats[0] += 1
                    if len(body) != 1 or body[0][0] not in _SINGLE:
                        return False
                elif not walk(body):
                    return False
            elif op is sre_c.SUBPATTERN:
                if not walk(list(av[-1])):
                    return False
            elif op is sre_c.BRANCH:
                if not all(walk(list(b)) for b in av[1]):
                    return False
            elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
                if not walk(list(av[1])):
                    return False
            elif op is getattr(sre_c, "GROUPREF", None) or op is getattr(
                sre_c, "GROUPREF_EXISTS", None
            ):
                return False
        return True

    if not walk(tree):
        return False
    anchored = (
        bool(tree)
        and tree[0][0] is sre_c.AT
        and tree[0][1] in (sre_c.AT_BEGINNING, sre_c.AT_BEGINNING_STRING)
    )
    return long_repeats[0] <= (2 if anchored else 1)


def _is_unbounded(av: Any) -> bool:
    _low, high, _ = av
    return bool(high == sre_c.MAXREPEAT or high > _UNBOUNDED)


def _flat(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for op, av in items:
        if op is sre_c.SUBPATTERN:
            out += _flat(list(av[-1]))
        else:
            out.append((op, av))
    return out


def _ambiguous_body(body: list[Any]) -> bool:
    """A repeated body that holds an unbounded repeat and nothing else it must match.

    ``(\\w+\\s?)+`` can split a run of letters in exponentially many ways; ``(\\w+\\s)+``
    cannot, because every round must consume a space the inner repeat cannot.
    """
    items = _flat(body)
    if any(op is sre_c.BRANCH for op, _ in items):
        return any(
            _ambiguous_body(list(b)) for op, av in items if op is sre_c.BRANCH for b in av[1]
        )
    has_inner = any(op in _REPEATS and _is_unbounded(av) for op, av in items)
    required = [
        (op, av)
        for op, av in items
        if op is not sre_c.AT and not (op in _REPEATS and (av[0] == 0 or _is_unbounded(av)))
    ]
    return has_inner and not required


def _walk(items: list[Any], inside: bool, found: list[str]) -> None:
    previous: Any = None
    for op, av in items:
        if op in _REPEATS:
            unbounded = _is_unbounded(av)
            body = list(av[2])
            if unbounded and _ambiguous_body(body):
                found.append("nested unbounded quantifiers: a repeated group that itself repeats")
            if (
                unbounded
                and previous is not None
                and previous[0] in _REPEATS
                and _is_unbounded(previous[1])
                and list(previous[1][2]) == body
            ):
                found.append("adjacent unbounded quantifiers over the same characters")
            _walk(body, inside or unbounded, found)
        elif op is sre_c.SUBPATTERN:
            _walk(list(av[-1]), inside, found)
        elif op is sre_c.BRANCH:
            for branch in av[1]:
                _walk(list(branch), inside, found)
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            _walk(list(av[1]), inside, found)
        previous = (op, av)
