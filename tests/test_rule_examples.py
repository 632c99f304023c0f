"""Every example of every built-in pack, as its own test, on both engines."""

from __future__ import annotations

import dataclasses

import pytest

from cleaner import Cleaner, RuleSet
from cleaner.model import Example
from cleaner.testing import run_example

RULES = RuleSet.load(env=False)
CASES = [pytest.param(ex, id=f"{ex.pack}.yaml::{ex.name}") for ex in RULES.examples]


@pytest.mark.parametrize("example", CASES)
def test_example_fast(example: Example, cleaner: Cleaner) -> None:
    outcome = run_example(cleaner, example)
    assert outcome.passed, "\n".join(outcome.lines())


@pytest.mark.parametrize("example", CASES)
def test_example_reference(example: Example, reference_cleaner: Cleaner) -> None:
    outcome = run_example(reference_cleaner, example)
    assert outcome.passed, "\n".join(outcome.lines())


def test_every_rule_has_firing_and_near_miss_examples() -> None:
    fired = {(ex.pack, ref) for ex in RULES.examples for ref in ex.fires}
    near = {(ex.pack, ref) for ex in RULES.examples for ref in ex.near_miss_for}

    def named(refs: set[tuple[str, str]]) -> set[str]:
        return {ref if "/" in ref else f"{pack}/{ref}" for pack, ref in refs}

    missing_fire = [r.id for r in RULES.rules if r.id not in named(fired)]
    missing_near = [r.id for r in RULES.rules if r.id not in named(near)]
    assert not missing_fire, f"rules without a firing example: {missing_fire}"
    assert not missing_near, f"rules without a near-miss example: {missing_near}"


def test_every_guard_below_keeps_a_line_in_a_near_miss() -> None:
    """A rule with ``unless_before`` has a near miss that only the guard keeps: the same
    rule without it fires there (a story's own subheading over its paragraph)."""
    guarded = [r for r in RULES.rules if r.unless_before]
    assert guarded
    unproven = []
    for rule in guarded:
        packs = tuple(
            dataclasses.replace(
                p,
                rules=tuple(
                    dataclasses.replace(r, unless_before=None) if r.id == rule.id else r
                    for r in p.rules
                ),
            )
            for p in RULES.packs
        )
        bare = Cleaner(RuleSet(packs), accelerate=False)
        near = [
            ex
            for ex in RULES.examples
            if rule.id in {ref if "/" in ref else f"{ex.pack}/{ref}" for ref in ex.near_miss_for}
        ]
        said = f"{rule.id} fired on a near miss"
        if not any(p.startswith(said) for ex in near for p in run_example(bare, ex).problems):
            unproven.append(rule.id)
    assert not unproven, f"no near miss that only unless_before keeps: {unproven}"


def test_builtin_packs_lint_clean() -> None:
    from cleaner.lint import lint

    errors = [str(p) for p in lint(RULES) if p.level == "error"]
    assert not errors, "\n".join(errors)


def test_publisher_packs_list_sources() -> None:
    thin = [p.id for p in RULES.packs if p.kind != "shared" and len(p.sources) < 3]
    assert not thin, f"packs with fewer than three source pages: {thin}"


def test_common_list_lead_in_anchors_differ_only_in_the_widget_check() -> None:
    """The common pack writes its list lead-in twice (YAML cannot join two strings): once
    with the widget-word check the label rules need, once plain for the shape rules. An
    edit of one alone would make the two kinds of rule disagree on what a list is."""
    guards = {r.unless_after for r in RULES.rules if r.pack == "common" and r.unless_after}
    full = next(g for g in guards if g.startswith(r"^(?!.*\b(?:[Ss]hare"))
    plain = next(g for g in guards if g.startswith(r"^[^:]{25,}:"))
    body = full[full.index(r"(?:[^:]{25,}:") + len("(?:") : -1]

    def branches(pattern: str) -> list[str]:  # a branch's own "^" changes nothing here
        return [b.removeprefix("^") for b in pattern.split("|")]

    assert branches(body) == branches(plain)
