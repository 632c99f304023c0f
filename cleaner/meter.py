"""Time spent in each rule, for ``clean rules cost``.

A rule's cost is its pattern's time on the lines the prefilter proposes it for, which
depends on the corpus: a literal common in articles ("editor", "more"), a rule with no
literal at all, or a pattern that backtracks over long paragraphs can make one rule cost
more than the rest of a pack. The meter is handed to the engine's line checks and times
each evaluation that really runs (a verdict remembered from an earlier line costs
nothing and is not counted). Normal runs have no meter and pay one test per line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from cleaner.compiled import CompiledRule


@dataclass
class RuleMeter:
    """Evaluations, firings and seconds per rule index."""

    calls: dict[int, int] = field(default_factory=dict)
    fired: dict[int, int] = field(default_factory=dict)
    seconds: dict[int, float] = field(default_factory=dict)

    def fires(self, rule: CompiledRule, key: str, timeout: float | None) -> bool:
        """``rule.fires`` timed; exceptions reach the caller as they would unmetered."""
        start = time.perf_counter()
        try:
            hit = rule.fires(key, timeout)
        finally:
            i = rule.index
            self.seconds[i] = self.seconds.get(i, 0.0) + time.perf_counter() - start
            self.calls[i] = self.calls.get(i, 0) + 1
        if hit:
            self.fired[i] = self.fired.get(i, 0) + 1
        return hit
