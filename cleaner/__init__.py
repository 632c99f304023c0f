"""boilerclean: strip publisher boilerplate from scraped news text, explaining each removal.

>>> from cleaner import clean
>>> clean("Stocks rose on Monday.\\nPhoto: Shutterstock")
'Stocks rose on Monday.'
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable

from cleaner.engine import Cleaner
from cleaner.errors import (
    CleanerError,
    InputError,
    MissingExtraError,
    RuleFileError,
    RuleLoadError,
    RuleRuntimeError,
    UnknownPublisherError,
)
from cleaner.fixes import Normalization
from cleaner.model import AppliedPack, Document, Notice, Removal, Result
from cleaner.ruleset import RuleSet

__version__ = "0.1.0"

_DEFAULT: Cleaner | None = None
_DEFAULT_LOCK = threading.Lock()


def load_rules(
    paths: Iterable[str | os.PathLike[str]] = (),
    *,
    builtin: bool = True,
    env: bool = True,
) -> RuleSet:
    """Load built-in packs plus packs from ``paths`` (and ``BOILERCLEAN_RULES``)."""
    return RuleSet.load(paths, builtin=builtin, env=env)


def default_cleaner() -> Cleaner:
    """The shared Cleaner with the built-in packs (and ``BOILERCLEAN_RULES``), made once."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Cleaner()
        return _DEFAULT


def clean(
    text: str,
    url: str | None = None,
    publisher: str | None = None,
    date: dt.date | str | None = None,
    language: str | None = None,
) -> str:
    """Clean one document with the built-in packs and return the text."""
    return (
        default_cleaner()
        .clean(
            text,
            url=url,
            publisher=publisher,
            date=date,
            language=language,
        )
        .text
    )


__all__ = [
    "AppliedPack",
    "Cleaner",
    "CleanerError",
    "Document",
    "InputError",
    "MissingExtraError",
    "Normalization",
    "Notice",
    "Removal",
    "Result",
    "RuleFileError",
    "RuleLoadError",
    "RuleRuntimeError",
    "RuleSet",
    "UnknownPublisherError",
    "__version__",
    "clean",
    "default_cleaner",
    "load_rules",
]
