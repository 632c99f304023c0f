"""The reference engine: every rule tried on every line, every pass. Slow and plain.

It pins down what cleaning means; the fast engine must return exactly what it returns
(differential tests run both on generated and real text).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cleaner.compiled import CompiledIndex, CompiledRule
from cleaner.passes import Work
from cleaner.selection import in_zone


def detect(
    index: CompiledIndex, keys: Sequence[str], zone: int, timeout: float | None
) -> dict[str, int]:
    """Pack id -> first line index where one of its fingerprints matches a whole line
    (among the first or last ``zone`` lines, or anywhere for ``fingerprints_anywhere``)."""
    found: dict[str, int] = {}
    for fp in index.fingerprints:
        for i, key in enumerate(keys):
            if not key or not (fp.anywhere or in_zone(keys, i, zone)):
                continue
            try:
                hit = fp.pattern.fullmatch(key, timeout=timeout) is not None
            except Exception:
                hit = False
            if hit:
                found[fp.pack] = min(found.get(fp.pack, i), i)
                break
    return found


class NaiveMatcher:
    """Tries each active rule on the line, every time it is asked."""

    def __init__(self, work: Work, active: Sequence[CompiledRule]) -> None:
        self.work = work
        self.active = active

    def candidate_lines(self) -> Iterable[int]:
        return range(len(self.work.keys))

    def matching(self, i: int) -> Sequence[CompiledRule]:
        return [r for r in self.active if self.work.fires(r, i)]

    def changed(self, i: int) -> None:
        pass
