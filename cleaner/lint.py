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
from dataclasses import dataclass

import regex

from cleaner.errors import Problem
from cleaner.matchers import compile_matcher
from cleaner.matchers.base import fold
from cleaner.matchers.factors import required_literals
from cleaner.matchers.risk import backtracking_risks
from cleaner.model import Example, Pack, Rule
from cleaner.ruleset import RuleSet
from cleaner.selection import zone_lines


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
        if rule.unless_after:
            patterns.append(rule.unless_after)
        if rule.unless_before:
            patterns.append(rule.unless_before)
        for source in patterns:
            for risk in backtracking_risks(source):
                yield _problem(
                    rule, pack, f"regex risks catastrophic backtracking: {risk}", "error"
                )
        compiled = compile_matcher(rule.matcher)
        if compiled.literals is None:
            where = "every line"
            if rule.max_words is not None:
                where += f" of up to {rule.max_words} words"
            if compiled.needs is not None:
                where += f" that has one of {compiled.needs.pattern}"
            yield _problem(
                rule,
                pack,
                f"no literal the prefilter can use: this rule is tried on {where} "
                "(start the regex with a fixed word)",
                "warning",
            )


@dataclass(frozen=True)
class _ExampleLines:
    """One example's lines as fingerprints see them, worked out once for every
    fingerprint of every pack: linting compares each of them with each example."""

    pack: str
    example: Example
    keys: tuple[str, ...]
    #: indexes of the non-blank lines among the first or last ``zone`` ones
    zone: frozenset[int]
    #: all of it case-folded: a fingerprint none of whose literals it holds cannot fire
    folded: str
    #: the packs the example says apply to it (its ``packs``, its ``fires`` references)
    wanted: frozenset[str]


def _example_lines(ruleset: RuleSet, zone: int) -> list[_ExampleLines]:
    out = []
    for other in ruleset.packs:
        for ex in other.examples:
            keys = tuple(line.strip() for line in ex.input.split("\n"))
            zone_set = frozenset(zone_lines(keys, zone))
            wanted = set(ex.packs) | {ref.split("/", 1)[0] for ref in ex.fires if "/" in ref}
            out.append(
                _ExampleLines(
                    other.id, ex, keys, zone_set, fold("\n".join(keys)), frozenset(wanted)
                )
            )
    return out


def _fingerprint_checks(pack: Pack, examples: list[_ExampleLines]) -> Iterator[Problem]:
    for source, loc, everywhere in zip(
        pack.fingerprints, pack.fingerprint_locations, pack.anywhere_flags(), strict=True
    ):
        pattern = regex.compile(source)
        literals = required_literals(r"\A(?:" + source + r")\Z")
        if literals is None:
            yield Problem(
                pack.path,
                loc.line,
                loc.col,
                "fingerprint has no literal the "
                "prefilter can use: it is tried on every line near each end of "
                "every document",
                None,
                "warning",
            )
        for risk in backtracking_risks(source):
            yield Problem(
                pack.path,
                loc.line,
                loc.col,
                f"fingerprint risks catastrophic backtracking: {risk}",
                None,
                "error",
            )
        for lines in examples:
            ex = lines.example
            if lines.pack == pack.id:
                continue
            if pack.id in lines.wanted:
                continue
            if literals is not None and not any(lit in lines.folded for lit in literals):
                continue
            hits = [
                i
                for i, k in enumerate(lines.keys)
                if k and (everywhere or i in lines.zone) and pattern.fullmatch(k)
            ]
            if hits:
                yield Problem(
                    pack.path,
                    loc.line,
                    loc.col,
                    f"fingerprint fires on {lines.pack} example '{ex.name}' (line "
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
    examples = _example_lines(ruleset, zone)
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
        problems += _fingerprint_checks(pack, examples)
    return problems


def _full_id(ruleset: RuleSet, pack: str, ref: str) -> str:
    full = ref if "/" in ref else f"{pack}/{ref}"
    rule = ruleset.find_rule(full)
    return rule.id if rule is not None else full
