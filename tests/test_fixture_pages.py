"""Whole pages, cleaned end to end: one test per page under ``tests/fixtures/<domain>/``.

Each page is ``<slug>.txt`` (text mode: one paragraph per line, as a scraper hands it
over) or ``<slug>.html`` (HTML mode), its ``<slug>.expected.txt`` (the article alone) and
``<slug>.json`` (``{"url": ...}``, optionally ``date``, ``language`` and ``xfail``, a
known failure and its cause: a strict xfail). See ``tests/fixtures/README.md``. The pages
are our own writing with the publishers' real boilerplate; nothing here reads ../shared.

Text pages are cleaned a second time without their URL, as a user's bare text file is:
the publisher's fingerprints must then find its pack and give the same article, unless
the page's ``needs_url`` says why they cannot (also a strict xfail).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cleaner import Cleaner
from cleaner.model import Removal

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTEXT_KEYS = ("url", "date", "language", "xfail", "needs_url")


@dataclass(frozen=True)
class Page:
    """One fixture page: its input, its expected article and its context."""

    domain: str
    slug: str
    source: Path
    expected: Path
    meta: dict[str, Any]

    @property
    def html(self) -> bool:
        return self.source.suffix == ".html"

    @property
    def id(self) -> str:
        return f"{self.domain}/{self.slug}"


def find_pages(root: Path = FIXTURES) -> list[Page]:
    """Every page under ``root``, sorted by domain and slug."""
    pages = []
    for source in sorted(root.glob("*/*")):
        if source.suffix not in (".txt", ".html") or source.name.endswith(".expected.txt"):
            continue
        slug = source.name.removesuffix(source.suffix)
        meta_path = source.with_name(f"{slug}.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        pages.append(
            Page(
                domain=source.parent.name,
                slug=slug,
                source=source,
                expected=source.with_name(f"{slug}.expected.txt"),
                meta=meta,
            )
        )
    return pages


PAGES = find_pages()


def _param(page: Page, *known: str) -> Any:
    """The page as a test case, a strict xfail when its JSON names a known failure
    (``xfail``, or one of ``known`` for this test)."""
    reasons = [str(page.meta[k]) for k in ("xfail", *known) if page.meta.get(k)]
    marks = [pytest.mark.xfail(strict=True, reason="; ".join(reasons))] if reasons else []
    return pytest.param(page, id=page.id, marks=marks)


def _report(page: Page, got: list[str], want: list[str], removals: list[str]) -> str:
    diff = difflib.unified_diff(want, got, "expected", "boilerclean", lineterm="", n=1)
    return "\n".join(
        [
            f"{page.id} ({'html' if page.html else 'text'} mode, {page.meta.get('url')}):",
            "--- diff (- expected, + boilerclean) ---",
            *diff,
            "--- removals ---",
            *(removals or ["(none)"]),
        ]
    )


@pytest.mark.parametrize("page", [_param(p) for p in PAGES])
def test_page(page: Page, cleaner: Cleaner) -> None:
    context = {k: page.meta[k] for k in ("url", "date", "language") if k in page.meta}
    want = page.expected.read_text(encoding="utf-8").rstrip("\n").split("\n")
    if page.html:
        html = cleaner.clean_html(page.source.read_bytes(), **context)
        got = [line.rstrip() for line in html.text.rstrip("\n").split("\n")]
        want = [line.rstrip() for line in want]
        removals = [f"node {n.rule_id:<40} {n.selector}: {n.excerpt[:70]}" for n in html.nodes]
        result_removals = html.removals
    else:
        result = cleaner.clean(page.source.read_text(encoding="utf-8"), **context)
        got = result.text.rstrip("\n").split("\n")
        removals = []
        result_removals = result.removals
    removals += _lines_removed(result_removals)
    assert got == want, _report(page, got, want, removals)


def _lines_removed(removals: Sequence[Removal]) -> list[str]:
    return [f"line {r.line:>4} {r.rule_id:<40} {r.text[:70]}" for r in removals]


@pytest.mark.parametrize("page", [_param(p, "needs_url") for p in PAGES if not p.html])
def test_page_without_url(page: Page, cleaner: Cleaner) -> None:
    """The same article from the bare text: the pack is found by its fingerprints."""
    context = {k: page.meta[k] for k in ("date", "language") if k in page.meta}
    want = page.expected.read_text(encoding="utf-8").rstrip("\n").split("\n")
    result = cleaner.clean(page.source.read_text(encoding="utf-8"), **context)
    got = result.text.rstrip("\n").split("\n")
    removals = [f"cleaned without its URL; packs: {', '.join(p.id for p in result.packs)}"]
    assert got == want, _report(page, got, want, removals + _lines_removed(result.removals))


def test_fixture_folder_is_well_formed() -> None:
    """Every page has its expected text and a URL; no unknown keys; ids are unique."""
    assert PAGES, "no fixture pages found"
    problems = []
    for page in PAGES:
        if not page.expected.exists():
            problems.append(f"{page.id}: no {page.expected.name}")
        if not str(page.meta.get("url", "")).startswith(("http://", "https://")):
            problems.append(f"{page.id}: {page.slug}.json gives no url")
        unknown = set(page.meta) - set(CONTEXT_KEYS)
        if unknown:
            problems.append(f"{page.id}: unknown keys {sorted(unknown)}")
    ids = [p.id for p in PAGES]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    problems += [f"{i}: two inputs share the slug" for i in twice]
    assert not problems, "\n".join(problems)
