"""``clean rules lint``: what loading does not catch but a reviewer should see.

Loading already rejects schema and type errors, bad regexes, duplicate ids and unknown
keys. Lint adds the checks that look across rules and examples:

- every rule has an example where it fires and a near miss where it must not;
- a fingerprint must not fire on another pack's examples (unless the example says that
  pack is expected there, with ``packs:`` or by naming one of its rules in ``fires``);
- regex shapes prone to catastrophic backtracking (nested unbounded quantifiers,
  adjacent unbounded quantifiers over the same characters);
- rules the prefilter cannot help (no required literal: tried on every line);
- packs without ``sources``, and domains claimed by two packs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import regex

from cleaner.errors import Problem
from cleaner.matchers import compile_matcher
from cleaner.matchers.factors import sre_c, sre_p
from cleaner.model import Pack, Rule
from cleaner.ruleset import RuleSet
from cleaner.selection import in_zone

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
    try:
        tree = sre_p.parse(pattern, 0)
    except Exception:
        return []
    found: list[str] = []
    _walk(list(tree), False, found)
    return sorted(set(found))


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


def _problem(rule: Rule | None, pack: Pack, message: str, level: str) -> Problem:
    loc = rule.location if rule is not None else None
    return Problem(
        pack.path,
        loc.line if loc else 1,
        loc.col if loc else 1,
        message,
        rule.id if rule else None,
        level,
    )


def _rule_checks(pack: Pack, fired_by: set[str], near: set[str]) -> Iterator[Problem]:
    for rule in pack.rules:
        names = {rule.id} | {f"{pack.id}/{a}" for a in rule.aliases}
        if not names & fired_by:
            yield _problem(
                rule, pack, "no example where this rule fires (add one with fires:)", "error"
            )
        if not names & near:
            yield _problem(
                rule,
                pack,
                "no near-miss example (add article text that shares "
                "its words, with near_miss_for:)",
                "error",
            )
        patterns = [rule.matcher.patterns[0]] if rule.matcher.kind == "regex" else []
        if rule.unless:
            patterns.append(rule.unless)
        for source in patterns:
            for risk in backtracking_risks(source):
                yield _problem(
                    rule, pack, f"regex risks catastrophic backtracking: {risk}", "error"
                )
        if compile_matcher(rule.matcher).literals is None:
            yield _problem(
                rule,
                pack,
                "no literal the prefilter can use: this rule is tried on "
                "every line (start the regex with a fixed word)",
                "warning",
            )


def _fingerprint_checks(ruleset: RuleSet, pack: Pack, zone: int) -> Iterator[Problem]:
    for source, loc in zip(pack.fingerprints, pack.fingerprint_locations, strict=True):
        pattern = regex.compile(source)
        for risk in backtracking_risks(source):
            yield Problem(
                pack.path,
                loc.line,
                loc.col,
                f"fingerprint risks catastrophic backtracking: {risk}",
                None,
                "error",
            )
        for other in ruleset.packs:
            if other.id == pack.id:
                continue
            for ex in other.examples:
                wanted = pack.id in ex.packs or any(
                    ref.startswith(pack.id + "/") for ref in ex.fires
                )
                if wanted:
                    continue
                keys = [line.strip() for line in ex.input.split("\n")]
                hits = [
                    i
                    for i, k in enumerate(keys)
                    if k and in_zone(keys, i, zone) and pattern.fullmatch(k)
                ]
                if hits:
                    yield Problem(
                        pack.path,
                        loc.line,
                        loc.col,
                        f"fingerprint fires on {other.id} example '{ex.name}' (line "
                        f"{hits[0] + 1}); if that is right, list '{pack.id}' in its packs:",
                        None,
                        "error",
                    )


def lint(ruleset: RuleSet, packs: Iterable[str] | None = None, zone: int = 12) -> list[Problem]:
    """All lint findings for the given packs (default: every loaded pack)."""
    wanted = None if packs is None else set(packs)
    fired_by: set[str] = set()
    near: set[str] = set()
    for pack in ruleset.packs:
        for ex in pack.examples:
            for ref in ex.fires:
                fired_by.add(_full_id(ruleset, pack.id, ref))
            for ref in ex.near_miss_for:
                near.add(_full_id(ruleset, pack.id, ref))
    owners: dict[str, str] = {}
    problems: list[Problem] = list(ruleset.warnings)
    for pack in ruleset.packs:
        for domain in pack.domains:
            if domain in owners and (wanted is None or pack.id in wanted):
                problems.append(
                    Problem(
                        pack.path,
                        1,
                        1,
                        f"domain {domain} is also claimed by pack {owners[domain]}",
                        None,
                        "warning",
                    )
                )
            owners.setdefault(domain, pack.id)
        if wanted is not None and pack.id not in wanted:
            continue
        if pack.kind != "shared" and not pack.sources:
            problems.append(
                Problem(
                    pack.path,
                    1,
                    1,
                    "no sources: list the real pages the rules were written from",
                    None,
                    "warning",
                )
            )
        problems += _rule_checks(pack, fired_by, near)
        problems += _fingerprint_checks(ruleset, pack, zone)
    return problems


def _full_id(ruleset: RuleSet, pack: str, ref: str) -> str:
    full = ref if "/" in ref else f"{pack}/{ref}"
    rule = ruleset.find_rule(full)
    return rule.id if rule is not None else full
