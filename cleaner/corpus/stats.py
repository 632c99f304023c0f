"""Counters for a corpus run: what came in, what went out, what was removed and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cleaner.model import Result


@dataclass
class Stats:
    """Summable counts; workers fill one per chunk and the parent adds them up."""

    documents: int = 0
    changed: int = 0
    rejects: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    removed_lines: int = 0
    categories: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    publishers: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    # worker processes that died mid-chunk, and chunks that killed a worker twice (their
    # records went to the rejects file unchanged); set by the parent, never merged
    worker_deaths: int = 0
    chunks_rejected: int = 0
    # per publisher, for rule health (cleaner.corpus.health): characters of the document
    # before removals (kept + removed, line breaks not counted), characters removed, and
    # how often each rule fired on its documents
    publisher_chars: Counter[str] = field(default_factory=Counter)
    publisher_removed: Counter[str] = field(default_factory=Counter)
    publisher_rules: dict[str, Counter[str]] = field(default_factory=dict)

    def add_result(self, result: Result) -> None:
        self.documents += 1
        if result.changed:
            self.changed += 1
        lines = set()
        for r in result.removals:
            self.categories[r.category] += 1
            self.rules[r.rule_id] += 1
            lines.add(r.line)
        self.removed_lines += len(lines)
        publisher = next((p.id for p in result.packs if p.reason != "common"), "(none)")
        self.publishers[publisher] += 1
        removed = sum(len(r.text) for r in result.removals)
        kept = len(result.text) - result.text.count("\n")
        self.publisher_chars[publisher] += kept + removed
        self.publisher_removed[publisher] += removed
        if result.removals:
            fired = self.publisher_rules.setdefault(publisher, Counter())
            fired.update(r.rule_id for r in result.removals)
        for n in result.warnings:
            self.warnings[n.code] += 1

    def merge(self, other: Stats) -> None:
        self.documents += other.documents
        self.changed += other.changed
        self.rejects += other.rejects
        self.bytes_in += other.bytes_in
        self.bytes_out += other.bytes_out
        self.removed_lines += other.removed_lines
        self.categories.update(other.categories)
        self.rules.update(other.rules)
        self.publishers.update(other.publishers)
        self.warnings.update(other.warnings)
        self.publisher_chars.update(other.publisher_chars)
        self.publisher_removed.update(other.publisher_removed)
        for publisher, fired in other.publisher_rules.items():
            self.publisher_rules.setdefault(publisher, Counter()).update(fired)

    def to_json(self, seconds: float, **extra: Any) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "changed": self.changed,
            "rejects": self.rejects,
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "removed_lines": self.removed_lines,
            "seconds": round(seconds, 3),
            "mb_per_s": round(self.bytes_in / 1e6 / seconds, 2) if seconds > 0 else None,
            "removals_by_category": dict(self.categories.most_common()),
            "removals_by_rule": dict(self.rules.most_common()),
            "publishers": dict(self.publishers.most_common()),
            "warnings": dict(self.warnings),
            "worker_deaths": self.worker_deaths,
            "chunks_rejected": self.chunks_rejected,
            **extra,
        }

    def summary(self, seconds: float, rejects_path: str | None = None) -> str:
        rate = self.bytes_in / 1e6 / seconds if seconds > 0 else 0.0
        share = f" ({self.changed / self.documents:.1%})" if self.documents else ""
        out = [
            f"clean: {self.documents:,} documents in {seconds:.1f} s, "
            f"{self.bytes_in / 1e6:,.1f} MB -> {self.bytes_out / 1e6:,.1f} MB ({rate:,.1f} MB/s)",
            f"  documents changed: {self.changed:,}{share}; lines removed: {self.removed_lines:,}",
        ]

        def top(counter: Counter[str], n: int = 8) -> str:
            return "; ".join(f"{k} {v:,}" for k, v in counter.most_common(n)) or "none"

        out.append(f"  removals by category: {top(self.categories, 15)}")
        out.append(f"  top rules: {top(self.rules)}")
        out.append(f"  top publishers: {top(self.publishers)}")
        if self.warnings:
            out.append(f"  warnings: {top(self.warnings)}")
        if self.worker_deaths:
            out.append(
                f"  worker deaths: {self.worker_deaths:,} (their chunks were retried one at a "
                f"time; {self.chunks_rejected:,} chunk(s) killed a worker again and went to "
                "rejects)"
            )
        if self.rejects:
            where = f" -> {rejects_path}" if rejects_path else ""
            out.append(f"  rejects: {self.rejects:,}{where}")
        else:
            out.append("  rejects: 0")
        return "\n".join(out) + "\n"
