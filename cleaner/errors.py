"""The exceptions boilerclean raises, in one tree.

Everything the public API raises on purpose derives from :class:`CleanerError`, so a
caller can catch one class::

    CleanerError
    ├── RuleFileError        one problem in a pack file, with file:line:col and rule id
    ├── RuleLoadError        every RuleFileError found while loading (raised once, all listed)
    ├── UnknownPublisherError  --publisher / publisher= names no loaded pack
    ├── InputError           unreadable input: missing file, invalid UTF-8 (byte offset)
    ├── RuleRuntimeError     a rule failed or timed out on a document and strict mode is on
    └── MissingExtraError    an optional integration's extra is not installed

The CLI maps these to exit codes (README, "When things go wrong").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class CleanerError(Exception):
    """Base class of every error boilerclean raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One finding about a pack file, printed as ``path:line:col: level [id] message``."""

    path: str
    line: int
    col: int
    message: str
    rule_id: str | None = None
    level: str = "error"

    def __str__(self) -> str:
        tag = f" [{self.rule_id}]" if self.rule_id else ""
        return f"{self.path}:{self.line}:{self.col}: {self.level}{tag} {self.message}"


class RuleFileError(CleanerError):
    """A single problem in a pack file."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.path = problem.path
        self.line = problem.line
        self.col = problem.col
        self.rule_id = problem.rule_id


class RuleLoadError(CleanerError):
    """All problems found while loading packs; loading reports them together, not one by one."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> tuple[RuleFileError, ...]:
        return tuple(RuleFileError(p) for p in self.problems)


class UnknownPublisherError(CleanerError):
    """A publisher name that is no pack id, alias or domain."""

    def __init__(self, name: str, suggestion: str | None = None) -> None:
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        super().__init__(f"unknown publisher '{name}'{hint}; see 'clean rules list'")
        self.name = name
        self.suggestion = suggestion


class InputError(CleanerError):
    """Input that cannot be read: a missing file, a directory, invalid UTF-8."""


class RuleRuntimeError(CleanerError):
    """A rule raised or timed out on a document while strict mode was on."""

    def __init__(self, rule_id: str, line: int, reason: str) -> None:
        super().__init__(f"rule {rule_id} failed on line {line}: {reason}")
        self.rule_id = rule_id
        self.line = line
        self.reason = reason


class MissingExtraError(CleanerError, ImportError):
    """An integration needs an optional dependency; the message names the pip extra."""

    def __init__(self, extra: str, module: str) -> None:
        super().__init__(
            f"this feature needs '{module}': pip install \"boilerclean[{extra}]\"",
        )
        self.extra = extra
        self.module = module
