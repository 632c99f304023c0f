"""The compiled form every matcher kind produces."""

from __future__ import annotations

from dataclasses import dataclass

import regex


@dataclass(frozen=True, slots=True)
class CompiledMatcher:
    """A rule's pattern and the literals (case-folded) one of which every match contains."""

    pattern: regex.Pattern[str]
    literals: frozenset[str] | None
