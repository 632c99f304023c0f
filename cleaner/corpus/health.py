"""Rule health after a corpus run: per publisher, how much went and which rules slept.

Rules rot quietly. A publisher changes its template and a footer rule stops matching, or
a new page layout makes a cut rule take the article with it; either way the output looks
plausible. Two numbers per publisher catch most of it: the share of characters removed,
compared with a previous run's (``--health-baseline``, a ``--stats-json`` file), and the
rules of its packs that fired on none of its documents. Both are noise on a handful of
documents, so rule lists and warnings need :data:`MIN_DOCUMENTS`.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.corpus.stats import Stats
from cleaner.errors import InputError
from cleaner.ruleset import RuleSet

#: Fewest documents of a publisher for its unfired rules and a drift warning to mean much.
MIN_DOCUMENTS = 20
#: A removed share is out of line when it moves by more than this many points ...
DRIFT_POINTS = 0.05
#: ... and by more than this fraction of its usual value.
DRIFT_RELATIVE = 0.5
#: The ``--stats-json`` key that holds the per-publisher report (and a baseline's shares).
JSON_KEY = "publisher_health"
#: The words of a drift warning: the two causes worth checking first.
DRIFT_CAUSE = "a template change broke the rules, or a rule is eating articles"


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """A publisher's numbers in an earlier run."""

    documents: int
    removed_share: float


@dataclass(frozen=True, slots=True)
class Baseline:
    """An earlier run's removed shares, read from its ``--stats-json`` file."""

    path: str
    publishers: Mapping[str, BaselineEntry]


@dataclass(frozen=True, slots=True)
class PublisherHealth:
    """One publisher's numbers in this run; ``never_fired`` is None below MIN_DOCUMENTS."""

    publisher: str
    documents: int
    characters: int
    removed_characters: int
    never_fired: tuple[str, ...] | None
    baseline: BaselineEntry | None = None

    @property
    def removed_share(self) -> float:
        return self.removed_characters / self.characters if self.characters else 0.0

    @property
    def drifted(self) -> bool:
        """Far from the baseline's share, with enough documents on both sides to say so."""
        if self.baseline is None or self.documents < MIN_DOCUMENTS:
            return False
        if self.baseline.documents < MIN_DOCUMENTS:
            return False
        return drifted(self.removed_share, self.baseline.removed_share)

    def warning(self) -> str | None:
        if not self.drifted or self.baseline is None:
            return None
        return (
            f"{self.publisher}: removed {self.removed_share:.1%} of characters, usually "
            f"{self.baseline.removed_share:.1%}: {DRIFT_CAUSE}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "characters": self.characters,
            "removed_characters": self.removed_characters,
            "removed_share": round(self.removed_share, 6),
            "never_fired": None if self.never_fired is None else list(self.never_fired),
            "baseline_share": None if self.baseline is None else self.baseline.removed_share,
            "drifted": self.drifted,
        }


def drifted(share: float, usual: float) -> bool:
    """Whether ``share`` is far from ``usual``: by more than 5 points and more than half.

    >>> drifted(0.30, 0.20), drifted(0.31, 0.20), drifted(0.09, 0.02), drifted(0.07, 0.02)
    (False, True, True, False)
    """
    return abs(share - usual) > max(DRIFT_POINTS, DRIFT_RELATIVE * usual) + 1e-12


def load_baseline(path: str) -> Baseline:
    """Read a previous ``--stats-json``; raises InputError when it has no publisher report."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the health baseline: {exc.strerror}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: the health baseline is not JSON: {exc}") from exc
    report = data.get(JSON_KEY) if isinstance(data, dict) else None
    if not isinstance(report, dict):
        raise InputError(
            f"{path}: no '{JSON_KEY}' in it; give the --stats-json file of an earlier run"
        )
    out: dict[str, BaselineEntry] = {}
    for publisher, entry in report.items():
        if not isinstance(entry, dict):
            continue
        docs, share = entry.get("documents"), entry.get("removed_share")
        if not isinstance(docs, int) or not isinstance(share, (int, float)):
            continue
        if math.isfinite(share) and 0 <= share <= 1:
            out[str(publisher)] = BaselineEntry(docs, float(share))
    return Baseline(path, out)


def _pack_rules(ruleset: RuleSet, publisher: str) -> list[str]:
    """Rule ids of a publisher's pack and the non-shared packs it extends, in file order."""
    if publisher not in ruleset:
        return []
    ids: list[str] = []
    seen: set[str] = set()
    stack = [publisher]
    while stack:
        pack_id = stack.pop(0)
        if pack_id in seen or pack_id not in ruleset:
            continue
        seen.add(pack_id)
        pack = ruleset.pack(pack_id)
        if pack.kind == "shared":
            continue
        ids += [r.id for r in pack.rules]
        stack += list(pack.extends)
    return ids


def publisher_health(
    stats: Stats,
    ruleset: RuleSet,
    baseline: Baseline | None = None,
) -> tuple[PublisherHealth, ...]:
    """Every publisher of the run, most documents first."""
    out = []
    for publisher, documents in sorted(stats.publishers.items(), key=lambda kv: (-kv[1], kv[0])):
        never = None
        if documents >= MIN_DOCUMENTS:
            fired = stats.publisher_rules.get(publisher, Counter())
            never = tuple(r for r in _pack_rules(ruleset, publisher) if not fired.get(r))
        out.append(
            PublisherHealth(
                publisher=publisher,
                documents=documents,
                characters=stats.publisher_chars[publisher],
                removed_characters=stats.publisher_removed[publisher],
                never_fired=never,
                baseline=None if baseline is None else baseline.publishers.get(publisher),
            )
        )
    return tuple(out)


def health_json(report: tuple[PublisherHealth, ...], baseline: Baseline | None) -> dict[str, Any]:
    """The ``--stats-json`` keys: the per-publisher report and the drift warnings."""
    return {
        JSON_KEY: {h.publisher: h.to_json() for h in report},
        "health_baseline": None if baseline is None else baseline.path,
        "health_warnings": [w for h in report if (w := h.warning()) is not None],
    }


def health_summary(
    report: tuple[PublisherHealth, ...],
    baseline: Baseline | None,
    shown_rules: int = 5,
) -> str:
    """Lines for the end-of-run summary: publishers with enough documents, then warnings."""
    big = [h for h in report if h.documents >= MIN_DOCUMENTS]
    if not big:
        return ""
    against = f"; baseline {baseline.path}" if baseline is not None else ""
    out = [f"  publisher health (publishers with >= {MIN_DOCUMENTS} documents{against}):"]
    width = max(len(h.publisher) for h in big)
    for h in big:
        usual = ""
        if h.baseline is not None:
            usual = f" (baseline {h.baseline.removed_share:.1%})"
        never = list(h.never_fired or ())
        slept = ", ".join(never[:shown_rules]) or "none"
        if len(never) > shown_rules:
            slept += f" (+{len(never) - shown_rules} more)"
        out.append(
            f"    {h.publisher:<{width}}  {h.documents:>7,} docs  removed "
            f"{h.removed_share:6.1%}{usual}  never fired: {slept}"
        )
    for h in big:
        warning = h.warning()
        if warning is not None:
            out.append(f"  warning: {warning}")
    return "\n".join(out) + "\n"
