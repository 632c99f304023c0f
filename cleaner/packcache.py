"""Parsed rule packs kept on disk, so that a process does not parse the same YAML again.

Parsing the built-in packs (composing the YAML, checking every rule, analysing its
patterns, the checks across packs) takes about a second, and every ``clean`` run, corpus
worker, Spark or datatrove task paid it again for packs that had not changed. A parsed
rule set is plain data (frozen dataclasses of strings, numbers and dates), kept with
:mod:`cleaner.datacache` under a key that covers the package's code and each pack's
path, origin and text. Only a load without errors is kept, and it is read back building
nothing but the classes of :mod:`cleaner.model`, :class:`cleaner.errors.Problem` and
``datetime.date``: a forged file can do no more than a forged pack (see SECURITY.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Sequence

from cleaner import datacache, model
from cleaner.errors import Problem
from cleaner.model import Pack, PackSource

PREFIX = "packs-"
#: The classes a kept file may build.
_ALLOWED: dict[tuple[str, str], type] = {
    **{
        ("cleaner.model", name): cls
        for name, cls in vars(model).items()
        if isinstance(cls, type) and cls.__module__ == "cleaner.model"
    },
    ("cleaner.errors", "Problem"): Problem,
    ("datetime", "date"): dt.date,
}

Parsed = tuple[tuple[Pack, ...], tuple[Problem, ...]]


def _by_fields(obj: object) -> tuple[type, tuple[object, ...]]:
    """Pickle a data class as a call with its field values: reading it back runs the
    generated ``__init__``, several times faster than the default slotted-state path
    (which looks the fields up again for every object)."""
    cls = type(obj)
    return cls, tuple(getattr(obj, f.name) for f in dataclasses.fields(cls))  # type: ignore[arg-type]


_REDUCERS = {cls: _by_fields for cls in _ALLOWED.values() if dataclasses.is_dataclass(cls)}


def cache_key(sources: Sequence[PackSource]) -> str:
    """Names the parse of these sources by this code ("" when it cannot be named)."""
    code = datacache.code_digest()
    if not code:
        return ""
    h = hashlib.sha256(code.encode())
    for s in sources:
        for part in (s.path, s.origin, s.text):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
    return h.hexdigest()[:32]


def load(key: str) -> Parsed | None:
    """The packs and warnings kept under ``key``, or None."""
    found = datacache.read(PREFIX, key, _ALLOWED)
    if (
        isinstance(found, tuple)
        and len(found) == 2
        and isinstance(found[0], tuple)
        and all(isinstance(p, Pack) for p in found[0])
        and isinstance(found[1], tuple)
        and all(isinstance(p, Problem) for p in found[1])
    ):
        return found
    return None


def store(key: str, packs: Sequence[Pack], warnings: Sequence[Problem]) -> None:
    """Keep a parse for the next process."""
    datacache.write(PREFIX, key, (tuple(packs), tuple(warnings)), _REDUCERS)
