"""``clean cache``: what the cache folder holds, clearing it, and filling it ahead of time.

Every process reads back what an earlier one computed (see :mod:`cleaner.cache`,
:mod:`cleaner.datacache`, :mod:`cleaner.patterncache`, :mod:`cleaner.hsscan`). The first
process on a machine pays for all of it, pattern by pattern as documents need them, so
``clean cache warm`` does it at once: in a container image build, on a cluster node's
bootstrap, or before timing a run. ``clear`` removes only the files boilerclean writes,
never the folder's other contents.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from cleaner.cache import CHECKED_FILE
from cleaner.matchers.base import LazyPattern

#: (file pattern, what the files hold), in the order ``info`` lists them.
KINDS: tuple[tuple[str, str], ...] = (
    ("packs-*.pickle", "parsed packs"),
    ("compiled-*.bin", "compiled patterns"),
    ("analyses-*.jsonl", "analyses of patterns"),
    (CHECKED_FILE, "patterns checked by the loader"),
    ("hs-patterns-*.pickle", "Hyperscan pattern lists"),
    ("hs-*.db", "compiled Hyperscan databases"),
)


@dataclass(frozen=True)
class Kind:
    """One kind of cache file: how many there are and their size in bytes."""

    glob: str
    what: str
    files: int
    size: int


def _files(folder: Path, glob: str) -> list[Path]:
    return sorted(p for p in folder.glob(glob) if p.is_file())


def report(folder: Path) -> list[Kind]:
    """Each kind of file in ``folder``, with its count and size."""
    out = []
    for glob, what in KINDS:
        files = _files(folder, glob)
        size = 0
        for f in files:
            try:
                size += f.stat().st_size
            except OSError:
                continue
        out.append(Kind(glob, what, len(files), size))
    return out


def clear(folder: Path) -> tuple[int, int]:
    """Remove boilerclean's files from ``folder``: (files removed, bytes freed)."""
    removed = freed = 0
    for glob, _ in KINDS:
        for f in _files(folder, glob):
            try:
                size = f.stat().st_size
                f.unlink()
            except OSError:
                continue
            removed += 1
            freed += size
    return removed, freed


@dataclass(frozen=True)
class Warmed:
    """What ``warm`` did: packs loaded, patterns compiled, Hyperscan in use, seconds."""

    packs: int
    patterns: int
    hyperscan: bool
    seconds: float


def warm(rule_dirs: tuple[str, ...] = (), builtin: bool = True) -> Warmed:
    """Load the packs, build the Hyperscan database and compile every pattern of every
    rule and fingerprint, so that later processes read each back from the folder."""
    from cleaner.engine import Cleaner

    start = time.perf_counter()
    cleaner = Cleaner(rule_dirs=rule_dirs, builtin=builtin)
    accelerated = cleaner.accelerate()
    index = cleaner._index
    patterns: dict[int, LazyPattern] = {}
    for rule in index.rules:
        for lazy in (rule.pattern, rule.probe, *rule.guards):
            if isinstance(lazy, LazyPattern):
                patterns[id(lazy)] = lazy
    for fingerprint in index.fingerprints:
        patterns[id(fingerprint.pattern)] = fingerprint.pattern
    for lazy in patterns.values():
        lazy.compiled  # noqa: B018 - compiling is the point: it stores the pattern
    return Warmed(
        len(cleaner.ruleset.packs), len(patterns), accelerated, time.perf_counter() - start
    )
