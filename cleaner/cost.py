"""``clean rules cost``: which rules a corpus spends its cleaning time on.

Throughput stays nearly flat as packs grow only while each rule is checked on few lines:
a rule whose literal is common in articles, one without a literal, or a pattern that
backtracks over long paragraphs can cost more than the rest of its pack together. This
cleans a sample corpus as corpus mode would (the same fields give each document its
URL, publisher, date and language) with a :class:`~cleaner.meter.RuleMeter` on the
engine, and ranks the rules by the time their patterns took. Checks remembered from an
earlier identical line cost nothing and are not counted, as in a real run.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from cleaner.engine import Cleaner
from cleaner.errors import CleanerError
from cleaner.matchers import compile_matcher, compile_pattern
from cleaner.meter import RuleMeter
from cleaner.model import Rule
from cleaner.suggest import Skipped, SourceDocument


@dataclass(frozen=True, slots=True)
class RuleCost:
    """One rule's checks on the corpus: how many ran, how many fired, how long they took."""

    rule_id: str
    checks: int
    fired: int
    seconds: float
    #: How the fast engine picks the lines to check it on: "literal" (a required
    #: literal occurs), "shape" (the line has the shape), "no literal" (every line within
    #: its word limit that has the rare characters it needs, if any)
    proposed: str

    @property
    def micros_per_check(self) -> float:
        return 1e6 * self.seconds / self.checks if self.checks else 0.0


@dataclass
class CostReport:
    """What a corpus cost to clean, in total and per rule (slowest first)."""

    documents: int = 0
    chars: int = 0
    seconds: float = 0.0  # cleaning, all of it (scan, passes, rule checks)
    compile_seconds: float = 0.0  # compiling every pattern first, not counted above
    rules: list[RuleCost] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def check_seconds(self) -> float:
        return sum(r.seconds for r in self.rules)

    def to_json(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "chars": self.chars,
            "seconds": round(self.seconds, 6),
            "rule_check_seconds": round(self.check_seconds, 6),
            "compile_seconds": round(self.compile_seconds, 6),
            "skipped": [{"ref": s.ref, "reason": s.reason} for s in self.skipped],
            "rules": [
                {
                    "rule": r.rule_id,
                    "checks": r.checks,
                    "fired": r.fired,
                    "seconds": round(r.seconds, 6),
                    "micros_per_check": round(r.micros_per_check, 2),
                    "proposed_by": r.proposed,
                }
                for r in self.rules
            ],
        }


def measure(documents: Iterable[SourceDocument | Skipped], cleaner: Cleaner) -> CostReport:
    """Clean every document with a meter on ``cleaner`` (removed again afterwards).

    Verdicts a process remembers are shared by every Cleaner of the same rules, so lines
    this process has already judged are not counted again: measure in a fresh process
    (as ``clean rules cost`` does) for the cost of a run.
    """
    report = CostReport()
    meter = RuleMeter()
    cleaner.accelerate()  # the corpus-mode engine, built before the clock starts
    report.compile_seconds = compile_all(cleaner.ruleset.rules)
    cleaner.meter = meter
    try:
        for doc in documents:
            if isinstance(doc, Skipped):
                report.skipped.append(doc)
                continue
            start = time.perf_counter()
            try:
                cleaner.clean(
                    doc.text,
                    url=doc.url,
                    publisher=_known(cleaner, doc.publisher),
                    date=doc.date,
                    language=doc.language,
                )
            except CleanerError as exc:
                report.skipped.append(Skipped(doc.ref, f"{type(exc).__name__}: {exc}"))
                continue
            report.seconds += time.perf_counter() - start
            report.documents += 1
            report.chars += len(doc.text)
    finally:
        cleaner.meter = None
    rules = cleaner.ruleset.rules  # in the engine's order: a rule's index is its place
    report.rules = sorted(
        (
            RuleCost(
                rules[i].id,
                meter.calls[i],
                meter.fired.get(i, 0),
                meter.seconds[i],
                _proposed_by(rules[i]),
            )
            for i in meter.calls
        ),
        key=lambda r: (-r.seconds, r.rule_id),
    )
    return report


def compile_all(rules: Iterable[Rule]) -> float:
    """Compile every pattern of these rules now (patterns are compiled on first use,
    which would count a rule's compile as part of its first check); returns the time."""
    start = time.perf_counter()
    for rule in rules:
        matcher = compile_matcher(rule.matcher)
        for lazy in (matcher.pattern, matcher.probe):
            if lazy is not None:
                _ = lazy.compiled
        for guard in rule.guards:
            _ = compile_pattern(guard).compiled
    return time.perf_counter() - start


def _proposed_by(rule: Rule) -> str:
    if rule.matcher.kind == "shape":
        return "shape"
    return "literal" if compile_matcher(rule.matcher).literals is not None else "no literal"


def _known(cleaner: Cleaner, name: str | None) -> str | None:
    from cleaner.corpus.records import known_publisher

    return known_publisher(cleaner, name)


def format_report(report: CostReport, top: int) -> str:
    """The table ``clean rules cost`` prints."""
    mb = report.chars / 1e6
    size = f"{mb:.1f} MB" if mb >= 0.1 else f"{report.chars / 1e3:.0f} KB"
    rate = f"{mb / report.seconds:.1f} MB/s" if report.seconds else "-"
    share = report.check_seconds / report.seconds if report.seconds else 0.0
    out = [
        f"{report.documents:,} documents, {size} of text, cleaned in "
        f"{report.seconds:.2f} s ({rate}); rule checks {report.check_seconds:.2f} s "
        f"({share:.0%} of it); compiling the patterns first took {report.compile_seconds:.2f} s",
    ]
    if report.skipped:
        out.append(f"{len(report.skipped)} record(s) skipped (first: {report.skipped[0].ref}: "
                   f"{report.skipped[0].reason})")  # fmt: skip
    if not report.rules:
        out.append("no rule was checked on any line")
        return "\n".join(out) + "\n"
    width = max(len(r.rule_id) for r in report.rules[:top])
    out.append(
        f"{'rule':<{width}}  {'share':>6}  {'ms':>8}  {'checks':>9}  {'fired':>8}  "
        f"{'us/check':>8}  proposed by"
    )
    total = report.check_seconds or 1.0
    for r in report.rules[:top]:
        out.append(
            f"{r.rule_id:<{width}}  {r.seconds / total:>6.1%}  {1000 * r.seconds:>8.1f}  "
            f"{r.checks:>9,}  {r.fired:>8,}  {r.micros_per_check:>8.1f}  "
            f"{r.proposed}"
        )
    if len(report.rules) > top:
        rest = report.rules[top:]
        out.append(
            f"... {len(rest)} more rule(s): {1000 * sum(r.seconds for r in rest):.1f} ms together"
        )
    return "\n".join(out) + "\n"
