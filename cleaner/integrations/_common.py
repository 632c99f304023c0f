"""What every integration shares: a Cleaner built from plain settings, and one document.

Pipelines are configured with strings, lists and booleans (Scrapy settings, datatrove
constructor arguments, Spark job parameters), so each adapter turns those into a
:class:`~cleaner.Cleaner` the same way here, and cleans a record with the same context
rules as corpus mode: a publisher name no pack knows is ignored rather than an error,
because corpora name publishers freely and the URL and fingerprints still work.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from collections import Counter
from collections.abc import Iterable
from types import ModuleType
from typing import Any

import yaml

from cleaner.corpus.records import annotation, known_publisher
from cleaner.engine import Cleaner
from cleaner.errors import InputError, MissingExtraError
from cleaner.model import CATEGORIES, PackSource, Result
from cleaner.ruleset import RuleSet, read_sources
from cleaner.yamlnodes import compose


def require(module: str, extra: str) -> ModuleType:
    """Import an optional dependency, or say which extra brings it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(extra, module.split(".", 1)[0]) from exc


def _rule_category(rule: yaml.Node) -> str | None:
    if not isinstance(rule, yaml.MappingNode):
        return None
    for key, value in rule.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "category":
            return value.value if isinstance(value, yaml.ScalarNode) else None
    return None


def without_categories(
    sources: Iterable[PackSource], categories: Iterable[str]
) -> tuple[PackSource, ...]:
    """Pack sources with every rule of ``categories`` taken out (and the examples dropped).

    Keeping a category means its lines stay as if no rule matched them, so other rules'
    scopes still count them. The rules are removed from the YAML itself, not from a loaded
    rule set, because a Cleaner pickles as its sources: a filtered copy of the text keeps
    the filter across worker processes and gets its own rule-set hash, so it never shares
    a compiled index with the unfiltered rules. When a rule goes, every pack's examples go
    too, since they may name it; cleaning never reads them. When no rule has one of the
    categories, the sources come back as they were.
    """
    keep = frozenset(categories)
    unknown = sorted(keep - set(CATEGORIES))
    if unknown:
        raise InputError(f"unknown categor{'ies' if len(unknown) > 1 else 'y'} {unknown}")
    sources = tuple(sources)
    out: list[tuple[PackSource, yaml.MappingNode | None]] = []
    removed = False
    for source in sources:
        root, problems = compose(source.text, source.path)
        if problems or not isinstance(root, yaml.MappingNode):
            out.append((source, None))  # loading reports the problem with its location
            continue
        entries = []
        for key, value in root.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name == "rules" and isinstance(value, yaml.SequenceNode):
                rules = [r for r in value.value if _rule_category(r) not in keep]
                if len(rules) != len(value.value):
                    removed = True
                    value = yaml.SequenceNode(value.tag, rules, flow_style=False)
            if name == "html" and isinstance(value, yaml.MappingNode):
                value = _without_examples(value)
            if name != "examples":
                entries.append((key, value))
        out.append((source, yaml.MappingNode(root.tag, entries, flow_style=False)))
    if not removed:
        return sources
    return tuple(
        source
        if root is None
        else PackSource(
            source.path,
            yaml.serialize(root, allow_unicode=True, width=1_000_000),
            source.origin,
        )
        for source, root in out
    )


def _without_examples(node: yaml.MappingNode) -> yaml.MappingNode:
    """An ``html:`` section without its page examples (they expect the full text rules)."""
    entries = [
        (k, v)
        for k, v in node.value
        if not (isinstance(k, yaml.ScalarNode) and k.value == "examples")
    ]
    return yaml.MappingNode(node.tag, entries, flow_style=False)


def build_cleaner(
    *,
    cleaner: Cleaner | None = None,
    packs: Iterable[str] | None = None,
    rule_dirs: Iterable[str | os.PathLike[str]] = (),
    keep_categories: Iterable[str] = (),
    builtin: bool = True,
    **options: Any,
) -> Cleaner:
    """A Cleaner from pipeline settings.

    ``packs`` restricts cleaning to those packs (the ``--only`` switch); ``rule_dirs``
    adds user packs; ``keep_categories`` leaves lines of those categories in place;
    ``options`` are the other :class:`~cleaner.Cleaner` keyword arguments. A ready
    ``cleaner`` is returned as it is, and then no setting may be given besides it.
    """
    keep = tuple(keep_categories)
    if isinstance(rule_dirs, str | os.PathLike):
        rule_dirs = [rule_dirs]
    rule_dirs = tuple(rule_dirs)
    if cleaner is not None:
        if packs is not None or rule_dirs or keep or options or not builtin:
            raise TypeError("pass either a cleaner or the settings to build one, not both")
        return cleaner
    if isinstance(packs, str):  # a single pack name, as a setting often gives it
        packs = [packs]
    sources = read_sources(rule_dirs, builtin=builtin)
    if keep:
        sources = list(without_categories(sources, keep))
    return Cleaner(RuleSet.from_sources(sources), packs=packs, **options)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _date_or_none(value: object) -> dt.date | str | None:
    if isinstance(value, dt.date):
        return value
    return _str_or_none(value)


def clean_one(
    cleaner: Cleaner,
    text: str,
    *,
    url: object = None,
    publisher: object = None,
    date: object = None,
    language: object = None,
) -> Result:
    """Clean one record's text with whatever context the record has (non-strings ignored)."""
    return cleaner.clean(
        text,
        url=_str_or_none(url),
        publisher=known_publisher(cleaner, publisher),
        date=_date_or_none(date),
        language=_str_or_none(language),
    )


def lines_by_category(result: Result) -> Counter[str]:
    """Lines removed per category: a line stripped twice by one category counts once."""
    return Counter(category for _, category in {(r.line, r.category) for r in result.removals})


#: The annotation as a typed record, for columnar outputs (Spark, Hugging Face datasets):
#: the corpus-mode annotation with every key always present, so every batch has one type.
ANNOTATION_DDL = (
    "packs array<string>, publisher string, "
    "removals array<struct<rule:string,category:string,action:string,line:int>>, "
    "warnings array<string>"
)


def annotation_record(result: Result) -> dict[str, Any]:
    """The corpus-mode annotation with all four keys, whatever the document."""
    note = annotation(result)
    note.setdefault("warnings", [])
    return note


def annotation_arrow_type(extra: str) -> Any:
    """:data:`ANNOTATION_DDL` as a pyarrow struct type (pyarrow comes with ``extra``)."""
    pa = require("pyarrow", extra)
    removal = pa.struct(
        [
            ("rule", pa.string()),
            ("category", pa.string()),
            ("action", pa.string()),
            ("line", pa.int32()),
        ]
    )
    return pa.struct(
        [
            ("packs", pa.list_(pa.string())),
            ("publisher", pa.string()),
            ("removals", pa.list_(removal)),
            ("warnings", pa.list_(pa.string())),
        ]
    )
