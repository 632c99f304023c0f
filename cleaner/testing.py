"""Runs packs' own examples; shared by ``clean rules test`` and the pytest suite.

An example runs the way a user's document would: with ``publisher: <its pack>`` unless it
gives a ``url``, a ``publisher`` or ``detect: true`` (no hint at all), with ``common``
applied as usual. It passes when the output is as expected, every rule in ``fires`` fired,
no rule in ``near_miss_for`` did, and every pack in ``packs`` was selected. An example
marked ``xfail`` must fail (strictly: an unexpected pass is a failure too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cleaner.engine import Cleaner
from cleaner.errors import CleanerError
from cleaner.model import Example, Result


@dataclass(frozen=True, slots=True)
class Outcome:
    """What running one example found; ``problems`` is empty when it passed."""

    example: Example
    problems: tuple[str, ...]
    result: Result | None = None

    @property
    def passed(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """``path:line:col: fail [example] message`` lines for a rule author."""
        loc = self.example.location
        where = f"{loc.path}:{loc.line}:{loc.col}" if loc else self.example.pack
        return [f"{where}: fail [{self.example.name}] {p}" for p in self.problems]


def _qualify(pack: str, ref: str) -> str:
    return ref if "/" in ref else f"{pack}/{ref}"


def _context(cleaner: Cleaner, ex: Example) -> dict[str, object]:
    publisher = ex.publisher
    no_hint = publisher is None and not ex.detect and not ex.url
    if no_hint and cleaner.ruleset.pack(ex.pack).kind != "shared":
        publisher = ex.pack
    return {"url": ex.url, "publisher": publisher, "date": ex.date, "language": ex.language}


def _check(cleaner: Cleaner, ex: Example) -> tuple[list[str], Result | None]:
    try:
        result = cleaner.clean(ex.input, **_context(cleaner, ex))  # type: ignore[arg-type]
    except CleanerError as exc:
        return [f"raised {type(exc).__name__}: {exc}"], None
    problems: list[str] = []
    fired = {r.rule_id for r in result.removals}
    ruleset = cleaner.ruleset
    expected = ex.input if ex.expected is None else ex.expected
    if result.text.rstrip("\n") != expected.rstrip("\n"):
        problems.append(_diff_message(expected, result.text))
    if ex.expected is None and result.removals:
        problems.append("expected no removals, but " + ", ".join(sorted(fired)) + " fired")
    for ref in ex.fires:
        rule = ruleset.find_rule(_qualify(ex.pack, ref))
        if rule is None or rule.id not in fired:
            problems.append(f"{_qualify(ex.pack, ref)} did not fire")
    for ref in ex.near_miss_for:
        rule = ruleset.find_rule(_qualify(ex.pack, ref))
        if rule is not None and rule.id in fired:
            lines = sorted({r.line for r in result.removals if r.rule_id == rule.id})
            problems.append(f"{rule.id} fired on a near miss (line {', '.join(map(str, lines))})")
    for pack in ex.packs:
        if pack not in result.pack_ids:
            problems.append(
                f"pack {pack} was not selected (selected: {', '.join(result.pack_ids) or 'none'})"
            )
    return problems, result


def _diff_message(expected: str, got: str) -> str:
    want = expected.rstrip("\n").split("\n")
    have = got.rstrip("\n").split("\n")
    for i, (a, b) in enumerate(zip(want, have, strict=False), 1):
        if a != b:
            return f"output differs at line {i}: expected {a!r}, got {b!r}"
    if len(want) > len(have):
        return f"output lacks line {len(have) + 1}: {want[len(have)]!r}"
    return f"output has an extra line {len(want) + 1}: {have[len(want)]!r}"


def run_example(cleaner: Cleaner, ex: Example) -> Outcome:
    """Run one example; honours ``xfail``."""
    problems, result = _check(cleaner, ex)
    if ex.xfail is not None:
        if problems:
            return Outcome(ex, (), result)
        return Outcome(ex, (f"passed, but is marked xfail ({ex.xfail})",), result)
    return Outcome(ex, tuple(problems), result)


def run_examples(cleaner: Cleaner, packs: Iterable[str] | None = None) -> list[Outcome]:
    """Run the examples of the given packs (all loaded packs by default), in file order,
    then their ``html:`` examples (:func:`cleaner.htmlrules.run_html_examples`)."""
    from cleaner.htmlrules import run_html_examples

    wanted = None if packs is None else set(packs)
    return [
        run_example(cleaner, ex)
        for pack in cleaner.ruleset.packs
        if wanted is None or pack.id in wanted
        for ex in pack.examples
    ] + run_html_examples(cleaner, wanted)
