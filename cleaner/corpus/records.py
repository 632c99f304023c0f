"""Cleaning one record of a corpus, and what to do with a record that cannot be cleaned.

A JSONL record whose text does not change is written back byte for byte; a changed one is
re-serialised with orjson (same keys in the same order, same values). A record that is not
valid JSON, is not an object, lacks the text field, has a non-string text, or makes a rule
fail in strict mode is not cleaned: it goes, unchanged and with its reason and input line
number, to the rejects file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson

from cleaner.corpus.stats import Stats
from cleaner.engine import Cleaner
from cleaner.errors import CleanerError, UnknownPublisherError
from cleaner.model import Result


@dataclass(frozen=True)
class Fields:
    """Which record fields hold what; ``annotate`` names a field to add, or None."""

    text: str = "text"
    url: str | None = "url"
    publisher: str | None = "publisher"
    date: str | None = "date"
    language: str | None = "language"
    annotate: str | None = None
    html: str | None = None  # a field with the page's HTML, cleaned into the text field


class RejectError(Exception):
    """A record that is kept out of the output, with the reason."""


def _str_or_none(record: dict[str, Any], key: str | None) -> str | None:
    if key is None:
        return None
    value = record.get(key)
    return value if isinstance(value, str) and value else None


def annotation(result: Result) -> dict[str, Any]:
    """What ``--annotate`` adds to a record: the packs found and every removal."""
    return {
        "packs": [p.id for p in result.packs],
        "publisher": next((p.id for p in result.packs if p.reason != "common"), None),
        "removals": [
            {"rule": r.rule_id, "category": r.category, "action": r.action, "line": r.line}
            for r in result.removals
        ],
        **({"warnings": [str(n) for n in result.warnings]} if result.warnings else {}),
    }


def known_publisher(cleaner: Cleaner, name: object) -> str | None:
    """A record's publisher hint, if a pack knows it: corpora name publishers freely, and
    an unknown name is no reason to reject a record (the URL and fingerprints still work)."""
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        cleaner.ruleset.resolve(name)
    except UnknownPublisherError:
        return None
    return name


def _context(cleaner: Cleaner, record: dict[str, Any], fields: Fields) -> dict[str, Any]:
    """The record's url, publisher, date and language, as Cleaner keyword arguments."""
    return {
        "url": _str_or_none(record, fields.url),
        "publisher": known_publisher(cleaner, _str_or_none(record, fields.publisher)),
        "date": _str_or_none(record, fields.date),
        "language": _str_or_none(record, fields.language),
    }


def clean_fields(cleaner: Cleaner, record: dict[str, Any], fields: Fields) -> Result:
    """Clean a parsed record in place; raises RejectError when it cannot be cleaned."""
    if fields.html is not None and isinstance(record.get(fields.html), str):
        return _clean_html_field(cleaner, record, fields)
    text = record.get(fields.text)
    if fields.text not in record:
        raise RejectError(f"no field '{fields.text}'")
    if not isinstance(text, str):
        raise RejectError(f"field '{fields.text}' is {type(text).__name__}, not a string")
    try:
        result = cleaner.clean(text, **_context(cleaner, record, fields))
    except CleanerError as exc:
        raise RejectError(f"{type(exc).__name__}: {exc}") from exc
    if result.text is not text:
        record[fields.text] = result.text
    if fields.annotate:
        record[fields.annotate] = annotation(result)
    return result


def _clean_html_field(cleaner: Cleaner, record: dict[str, Any], fields: Fields) -> Result:
    """``--html-field``: the page's article goes into the text field; the annotation also
    lists the nodes removed (rule id, category, selector)."""
    assert fields.html is not None
    try:
        page = cleaner.clean_html(record[fields.html], **_context(cleaner, record, fields))
    except CleanerError as exc:
        raise RejectError(f"{type(exc).__name__}: {exc}") from exc
    record[fields.text] = page.text
    if fields.annotate:
        record[fields.annotate] = {
            **annotation(page.result),
            "nodes": [
                {"rule": n.rule_id, "category": n.category, "selector": n.selector}
                for n in page.nodes
            ],
        }
    return page.result


def _loads(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        try:  # orjson refuses integers beyond 64 bits that JSON itself allows
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise RejectError(f"not valid JSON: {exc}") from exc


def _dumps(record: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(record)
    except TypeError:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def clean_jsonl_line(
    cleaner: Cleaner,
    raw: bytes,
    fields: Fields,
    stats: Stats,
) -> bytes:
    """One JSONL line (without its newline) in, the output line out; raises RejectError."""
    record = _loads(raw)
    if not isinstance(record, dict):
        raise RejectError(f"a JSON {type(record).__name__}, not an object")
    before = record.get(fields.text)
    result = clean_fields(cleaner, record, fields)
    stats.add_result(result)
    if result.text is before and not fields.annotate:
        return raw
    return _dumps(record)


def reject_line(line: int, reason: str, raw: bytes | str, source: str | None = None) -> bytes:
    """A rejects-file record: the input line number, why, and the record as it came."""
    if isinstance(raw, bytes):
        try:
            original: str = raw.decode("utf-8")
            key = "record"
        except UnicodeDecodeError:
            original = raw.decode("utf-8", "backslashreplace")
            key = "record_escaped"
    else:
        original, key = raw, "record"
    entry: dict[str, Any] = {"line": line, "reason": reason}
    if source is not None:
        entry["input"] = source
    entry[key] = original
    return orjson.dumps(entry) + b"\n"
