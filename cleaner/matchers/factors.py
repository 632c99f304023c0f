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
from functools import lru_cache
from typing import Any

from cleaner.cache import as_bool, as_optional_str, remembered
from cleaner.matchers.base import fold

try:  # Python 3.11+
    sre_c: Any = importlib.import_module("re._constants")
    sre_p: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    sre_c = importlib.import_module("sre_constants")
    sre_p = importlib.import_module("sre_parse")

__all__ = [
    "MAX_FANOUT",
    "MIN_LITERAL",
    "analyse",
    "anchored_literals",
    "ends_at_line_end",
    "parse_tree",
    "properties_as_classes",
    "required_literals",
    "shared_anchor",
    "sre_c",
    "sre_p",
    "usable_literal",
]

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


#: Strings one of which a match contains, each with where it must sit in the line (an
#: anchor code, see :func:`analyse`). Each literal keeps its own anchor: in ``(?:a|b$)``
#: a match holds "a" anywhere or "b" at the end, which proposes fewer lines than "b"
#: anywhere.
Candidate = frozenset[tuple[str, int]]


def _code(start: bool, end: bool) -> int:
    return 2 if start and end else 1 if start else 3 if end else 0


#: Single characters common enough in prose that proposing every line with them is waste.
_COMMON_CHARS = frozenset("\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0\u00b7\u2022\u00e9")


def usable_literal(text: str, anchored: bool = False) -> bool:
    """Selective enough to propose lines: two characters, one rare non-ASCII symbol (©),
    or, when it must start or end the line, any single non-alphanumeric character."""
    if len(text) >= MIN_LITERAL:
        return True
    if len(text) != 1 or text.isalnum():
        return False
    return anchored or (not text.isascii() and text not in _COMMON_CHARS)


def _score(c: Candidate) -> tuple[int, int]:
    # A literal that must start or end the line proposes far fewer lines than its length
    # alone suggests: count each anchor as a few characters more; so is a rare symbol
    # ("©") against two common letters or digits ("19").
    return min(_weight(t) + 4 * (a in (1, 2)) + 4 * (a in (2, 3)) for t, a in c), -len(c)


def _weight(text: str) -> int:
    return 4 if len(text) == 1 and not text.isascii() and text not in _COMMON_CHARS else len(text)


def _best(candidates: list[Candidate]) -> Candidate | None:
    """The candidate that proposes the fewest lines, by length and anchoring."""
    usable = [c for c in candidates if c and all(usable_literal(t, a != 0) for t, a in c)]
    return max(usable, key=_score) if usable else None


#: Cap on the strings a run may fan out to through literal alternations. A run that
#: goes on through an alternation of short words (``(?:at|for|with|of|on|in) ``) is
#: far more selective than the word before it alone, and the scans take thousands of
#: literals at no cost per document; past the cap the run ends there.
MAX_FANOUT = 256


def _leading_strings(items: Iterable[Any]) -> tuple[frozenset[str], bool]:
    """The strings a match of the sequence starts with (case classes read as their one
    folded character, literal alternations and optional literals fanned out), and
    whether they are all of it: ``Sources?`` gives ({"source", "sources"}, True),
    ``since [A-Z]`` ({"since "}, False), ``\\d+`` ({""}, False). Anchors are zero-width
    and skipped. Sound because the text a match holds there is one of the strings (or
    starts with one)."""
    run: set[str] = {""}
    for op, av in _flatten(items):
        if (longer := _extended(run, op, av)) is not None:
            run = longer
            continue
        if op is sre_c.AT:
            continue
        if op is sre_c.BRANCH:
            parts = [_leading_strings(branch) for branch in av[1]]
            texts = {t for strings, _ in parts for t in strings}
            if len(run) * len(texts) > MAX_FANOUT:
                return frozenset(run), False
            run = {r + t for r in run for t in texts}
            if all(whole for _, whole in parts):
                continue
            return frozenset(run), False
        if op in _REPEATS and av[0] == 0 and av[1] == 1:
            strings, whole = _leading_strings(av[2])
            if whole and len(run) * (len(strings) + 1) <= MAX_FANOUT:
                run = run | {r + t for r in run for t in strings}
                continue
        return frozenset(run), False
    return frozenset(run), True


_BEGIN = tuple(
    getattr(sre_c, n) for n in ("AT_BEGINNING", "AT_BEGINNING_STRING") if hasattr(sre_c, n)
)
_END = tuple(getattr(sre_c, n) for n in ("AT_END", "AT_END_STRING") if hasattr(sre_c, n))


def _extended(run: set[str], op: Any, av: Any) -> set[str] | None:
    """The run's strings with one more character, when the item is a literal character or
    a class that folds to one (``[Oo]``); else None, and the caller decides what ends it."""
    if op is sre_c.LITERAL:
        return {r + chr(av) for r in run}
    if op is sre_c.IN and (char := _case_class(av)) is not None:
        return {r + char for r in run}
    return None


def _case_class(av: Any) -> str | None:
    """The one character a class like ``[Oo]`` stands for once case is folded, else None."""
    if not av or any(op is not sre_c.LITERAL for op, _ in av):
        return None
    folded = {fold(chr(c)) for _, c in av}
    return folded.pop() if len(folded) == 1 else None


def _ends_here(rest: list[tuple[Any, Any]], anchored_end: bool) -> bool:
    """Is nothing but an end anchor (or the end of an end-anchored pattern) left?"""
    if not rest:
        return anchored_end
    return rest[0][0] is sre_c.AT and rest[0][1] in _END


def _candidates(
    items: Iterable[Any],
    anchored_start: bool = False,
    anchored_end: bool = False,
) -> list[Candidate]:
    flat = list(_flatten(items))
    out: list[Candidate] = []
    run: set[str] = {""}
    # "anchored": the pattern opened with ^ (or \A) and nothing but the current run since
    anchored = anchored_start
    leading = True

    def flush(at_end: bool = False) -> None:
        nonlocal run, anchored, leading
        if run != {""}:
            code = _code(anchored and leading, at_end)
            out.append(frozenset((fold(r), code) for r in run))
        run = {""}
        leading = False

    for k, (op, av) in enumerate(flat):
        rest = flat[k + 1 :]
        if (longer := _extended(run, op, av)) is not None:
            run = longer
            continue
        if op is sre_c.AT:  # zero-width anchors keep literals on both sides contiguous
            if av in _BEGIN and run == {""} and leading:
                anchored = True
            elif av in _END and run != {""}:
                flush(at_end=True)
            elif run == {""}:
                leading = leading and av in _BEGIN
            continue
        if op is sre_c.BRANCH:
            parts = [_leading_strings(branch) for branch in av[1]]
            texts = {t for strings, _ in parts for t in strings}
            fits = len(run) * len(texts) <= MAX_FANOUT
            if fits and all(whole for _, whole in parts):
                run = {r + t for r in run for t in texts}
                continue
            at_start = anchored and leading and run == {""}
            at_end = _ends_here(rest, anchored_end)
            if fits and run != {""}:
                # the run goes on into every alternative as far as its leading
                # literals do (" shares" + "since ", "year to date"...): one candidate
                run = {r + t for r in run for t in texts}
            flush()
            alternatives = [_best(_candidates(b, at_start, at_end)) for b in av[1]]
            if alternatives and all(a is not None for a in alternatives):
                found = [a for a in alternatives if a is not None]
                out.append(frozenset().union(*found))
            continue
        if op in _REPEATS and av[0] == 0 and av[1] == 1:
            # an optional literal ("\\(?", "(?: Photo)?") fans the run out to both
            # readings, so the literals around it stay joined (and keep their anchors)
            strings, whole = _leading_strings(av[2])
            if whole and len(run) * (len(strings) + 1) <= MAX_FANOUT:
                run = run | {r + t for r in run for t in strings}
                continue
        flush()
        if op in _REPEATS:
            low, _high, body = av
            body = list(body)
            if low >= 2 and len(body) == 1 and body[0][0] is sre_c.LITERAL:
                out.append(frozenset({(fold(chr(body[0][1]) * min(low, 8)), 0)}))
            elif low >= 1:
                inner = _best(_candidates(body))
                if inner is not None:
                    out.append(frozenset((t, 0) for t, _ in inner))
        # anything else (classes, dots, lookarounds, backrefs) ends the run and adds nothing
    flush(at_end=anchored_end)
    return out


# An escape pair, so that ``\\p`` (a backslash, then "p") is not read as a property.
_ESCAPE = re.compile(r"\\(?:[pP](?:\{[^}]*\}|[A-Za-z])|.)", re.DOTALL)


def properties_as_classes(pattern: str) -> str:
    """``regex``'s Unicode properties (``\\p{Lu}``, ``\\P{L}``, ``\\pL``) as ``\\w``/``\\W``.

    Python's parser rejects them. Each stands for one character, in or out of a set, and
    a class ends a literal run and adds nothing to it, so which class replaces it does not
    change the literals found: the analysis stays sound.
    """

    def swap(m: re.Match[str]) -> str:
        text = m.group()
        if text[1] == "p" and len(text) > 2:
            return "\\w"
        if text[1] == "P" and len(text) > 2:
            return "\\W"
        return text

    return _ESCAPE.sub(swap, pattern)


def _pairs_out(found: frozenset[tuple[str, int]] | None) -> list[list[Any]] | None:
    return None if found is None else [[t, a] for t, a in sorted(found)]


def _pairs_in(value: Any) -> frozenset[tuple[str, int]] | None:
    if value is None:
        return None
    out = frozenset((t, a) for t, a in value)
    if not all(isinstance(t, str) and isinstance(a, int) for t, a in out):
        raise TypeError("not literal and anchor pairs")
    return out


@remembered("anchored-literals", _pairs_out, _pairs_in)
def anchored_literals(pattern: str) -> frozenset[tuple[str, int]] | None:
    """Required literals of ``pattern``, each with where it must sit in the line (0
    anywhere, 1 at its start, 2 the whole line, 3 at its end), or None."""
    parsed = _parse(pattern)
    return None if parsed is None else _best(_candidates(parsed))


@lru_cache(maxsize=4096)
def parse_tree(pattern: str) -> Any:
    """Python's parse tree of a ``regex`` pattern (Unicode properties read as classes),
    or None when Python's parser cannot read it. Each pattern is read by several
    analyses (literals, line end, rare characters, backtracking risks), so the tree is
    kept; callers only read it."""
    try:
        return sre_p.parse(properties_as_classes(pattern), 0)
    except Exception:  # any parse failure: regex-only syntax
        return None


def _parse(pattern: str) -> Any:
    """:func:`parse_tree`, or None also where Python's parser would read the pattern
    differently (POSIX classes, set operations, fuzzy matching): no guessing there."""
    text = properties_as_classes(pattern)
    if (
        any(marker in text for marker in _DIVERGENT)
        or _ODD_BRACES.search(text)
        or _POSIX_CLASS.search(text)
    ):
        return None
    return parse_tree(pattern)


def analyse(pattern: str) -> tuple[frozenset[str] | None, int]:
    """Required literals of ``pattern`` (or None) and the anchor all of them share:
    0 anywhere, 1 at its start, 2 the whole line, 3 at its end."""
    return shared_anchor(anchored_literals(pattern))


def shared_anchor(found: frozenset[tuple[str, int]] | None) -> tuple[frozenset[str] | None, int]:
    """The literals of :func:`anchored_literals` and the anchor all of them share."""
    if found is None:
        return None, 0
    start = all(a in (1, 2) for _, a in found)
    end = all(a in (2, 3) for _, a in found)
    return frozenset(t for t, _ in found), _code(start, end)


def required_literals(pattern: str) -> frozenset[str] | None:
    """Case-folded strings one of which every match of ``pattern`` contains, or None.

    Case flags do not matter: both the literals and the scanned text are case-folded.
    """
    return analyse(pattern)[0]


@remembered("ends-at-line-end", bool, as_bool)
def ends_at_line_end(pattern: str) -> bool:
    """Must every match of ``pattern`` end at the end of the line (``$`` or ``\\Z`` last in
    every alternative)? Such a pattern is searched fastest from the end (``regex``'s
    REVERSE flag): only the last position can start it, where a forward search tries
    every position. Whether a line matches is the same either way.

    Atomic groups, possessive repeats and backreferences match differently from the
    other end (``(?>\\w+)s$`` never matches "cats" forwards, but does backwards), so a
    pattern with any of them is not probed in reverse. Nor is one that must start the line
    and may end in a long run of any character (``^By .{0,300}$``): from the end, every
    length of that run is a place to try the rest, where the forward search fails at
    once. A match that may start anywhere is tried at every position forwards, so there
    only a run longer than a line of a caption's length counts against the reverse search
    (``[.!?] Photo: [^.!?]{2,60}$`` is confirmed several times faster from the end).

    >>> ends_at_line_end(r'[.!?] (?:more|More)$'), ends_at_line_end(r'(?:a$|b)')
    (True, False)
    >>> ends_at_line_end(r'(?>\\w+)s$'), ends_at_line_end(r'(a)x\\1$')
    (False, False)
    >>> ends_at_line_end(r'^By \\w+.{0,300}$'), ends_at_line_end(r'^By (?:x|[^.]+)$')
    (False, False)
    >>> ends_at_line_end(r'^By \\w+ \\S+$')
    True
    >>> ends_at_line_end(r'[.!?] Photo: [^.!?]{2,60}$'), ends_at_line_end(r'\\. Photo: .{0,300}$')
    (True, False)
    """
    tree = _parse(pattern)
    if tree is None or not _same_both_ways(list(tree)):
        return False

    def ends(items: Any, anchored: bool) -> bool:
        items = list(items)
        if not items:
            return False
        anchored = anchored or _starts_line(items)
        op, av = items[-1]
        if op is sre_c.AT:
            run = _LOOSE_RUN if anchored else _LOOSE_RUN_UNANCHORED
            return av in _END and not _loose_tail(items[:-1], run)
        if op is sre_c.SUBPATTERN:
            return ends(av[-1], anchored)
        if op is sre_c.BRANCH:
            return all(ends(branch, anchored) for branch in av[1])
        return False

    return ends(tree, False)


def _starts_line(items: list[Any]) -> bool:
    """Must every match start at the line start (``^`` or ``\\A`` first in every
    alternative)?"""
    if not items:
        return False
    op, av = items[0]
    if op is sre_c.AT:
        return av in _BEGIN
    if op is sre_c.SUBPATTERN:
        return _starts_line(list(av[-1]))
    if op is sre_c.BRANCH:
        return all(_starts_line(list(branch)) for branch in av[1])
    return False


#: A run of any character longer than this, last before the line end, makes a reverse
#: search slower than a forward one when the match must also start the line: forwards,
#: only the first position is tried.
_LOOSE_RUN = 16
#: The same for a match that may start anywhere: forwards, every position of the line is
#: a start to try, where backwards each length of the run is one; a caption credit's
#: ``[^.!?:]{2,60}$`` is searched fastest from the end.
_LOOSE_RUN_UNANCHORED = 80


def _broad(op: Any, av: Any) -> bool:
    """Any character, or all but a few (``.``, ``[^.]``): a run that spans words."""
    if op is sre_c.ANY or op is sre_c.NOT_LITERAL:
        return True
    return op is sre_c.IN and bool(av) and av[0][0] is sre_c.NEGATE


def _loose_tail(items: list[Any], run: int) -> bool:
    """May the text just before the end be a run of a broad class (``.{0,300}``,
    ``[^.]+``) longer than ``run``? Looks into groups and every alternative of a last
    branch."""
    if not items:
        return False
    op, av = items[-1]
    if op in _REPEATS:
        body = list(av[2])
        if av[1] > run and len(body) == 1 and _broad(*body[0]):
            return True
        return _loose_tail(body, run) if av[1] > 1 else False
    if op is sre_c.SUBPATTERN:
        return _loose_tail(list(av[-1]), run)
    if op is sre_c.BRANCH:
        return any(_loose_tail(list(branch), run) for branch in av[1])
    return False


_ONE_WAY = tuple(
    getattr(sre_c, n)
    for n in ("ATOMIC_GROUP", "POSSESSIVE_REPEAT", "GROUPREF", "GROUPREF_EXISTS")
    if hasattr(sre_c, n)
)


def _same_both_ways(items: list[Any]) -> bool:
    """No construct whose matches depend on the direction of the search."""
    for op, av in items:
        if op in _ONE_WAY:
            return False
        if op is sre_c.SUBPATTERN:
            inner = [list(av[-1])]
        elif op is sre_c.BRANCH:
            inner = [list(b) for b in av[1]]
        elif op in _REPEATS:
            inner = [list(av[2])]
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            inner = [list(av[1])]
        else:
            continue
        if not all(_same_both_ways(seq) for seq in inner):
            return False
    return True


# -- required characters ---------------------------------------------------------------------
#: Rough share of characters in news text, for choosing the rarest required class.
_DIGIT_SHARE = 0.004
_CHAR_SHARE = {".": 0.02, ",": 0.02, "-": 0.006, "'": 0.004, '"': 0.004, "\u2019": 0.004}
_OTHER_SHARE = 0.001
#: A class whose characters make up more than this share of text is no filter.
MAX_CLASS_SHARE = 0.045

Need = frozenset[str]  # characters, and "\\d" for any decimal digit


def _share(need: Need) -> float:
    return sum(10 * _DIGIT_SHARE if c == "\\d" else _CHAR_SHARE.get(c, _OTHER_SHARE) for c in need)


def _caseless(ch: str) -> bool:
    """A character no case-insensitive match can stand in for: not a letter, no case."""
    return not ch.isalpha() and not ch.isspace() and ch.lower() == ch.upper() == ch.casefold()


def _class_need(av: Any) -> Need | None:
    """The characters of a class, if all are caseless (and ranges are short)."""
    out: set[str] = set()
    for op, value in av:
        if op is sre_c.LITERAL:
            ch = chr(value)
            if not _caseless(ch):
                return None
            out.add(ch)
        elif op is sre_c.RANGE:
            low, high = value
            if high - low > 32 or not all(_caseless(chr(c)) for c in range(low, high + 1)):
                return None
            out.update(chr(c) for c in range(low, high + 1))
        elif op is sre_c.CATEGORY and value is sre_c.CATEGORY_DIGIT:
            out.add("\\d")
        else:
            return None  # negation, words, spaces, letters: no small set
    return frozenset(out)


def _needs(items: Iterable[Any]) -> list[Need]:
    """Character sets each of which every match of the sequence contains one of."""
    out: list[Need] = []
    for op, av in items:
        if op is sre_c.LITERAL:
            if _caseless(chr(av)):
                out.append(frozenset({chr(av)}))
        elif op is sre_c.IN:
            need = _class_need(av)
            if need:
                out.append(need)
        elif op is sre_c.SUBPATTERN:
            out.extend(_needs(av[-1]))
        elif op in _REPEATS and av[0] >= 1:
            out.extend(_needs(av[2]))
        elif op is sre_c.ASSERT and av[0] >= 0:  # a lookahead's text is in the line too
            out.extend(_needs(av[1]))
        elif op is sre_c.BRANCH:
            per_branch = [_rarest(_needs(branch)) for branch in av[1]]
            if all(n is not None for n in per_branch):
                out.append(frozenset().union(*(n for n in per_branch if n is not None)))
    return out


def _rarest(needs: list[Need]) -> Need | None:
    return min(needs, key=_share) if needs else None


@remembered("required-class", as_optional_str, as_optional_str)
def required_class(pattern: str) -> str | None:
    """A one-class pattern that every line the pattern matches must match, when the
    pattern has no usable literal but needs a rare character (a digit and a date
    separator, a slash, a pipe): the fast engine proposes such a rule only on lines that
    have one. None when no required class is rare enough.

    Only characters without case count (digits, punctuation, symbols), so the class holds
    whatever the pattern's case flags.

    >>> required_class(r'^\\S.{1,80}\\s[|•]\\s\\w+$'), required_class(r'^By \\w+$')
    ('[\\\\|•]', None)
    >>> required_class(r'^(?:\\d{1,2}:\\d{2}|Noon)$'), required_class(r'^\\w+ \\d{4}$')
    (None, '[\\\\d]')
    """
    tree = _parse(pattern)
    if tree is None:
        return None
    need = _rarest(_needs(tree))
    if need is None or _share(need) > MAX_CLASS_SHARE:
        return None
    return "[" + "".join(c if c == "\\d" else re.escape(c) for c in sorted(need)) + "]"
