"""Checks against the shared, real data in ../shared (skipped when it is absent)."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, labelled_pages

from cleaner import Cleaner, RuleSet

PAGES = labelled_pages()
needs_pages = pytest.mark.skipif(not PAGES, reason="../shared/data is not available")


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="../shared/data/examples is not available")
@pytest.mark.parametrize(
    "name",
    sorted(p.name[: -len(".input.txt")] for p in EXAMPLES.glob("*.input.txt"))
    if EXAMPLES.is_dir()
    else [],
)
@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_shared_example_exact(name: str, engine: str, builtin: RuleSet) -> None:
    source = (EXAMPLES / f"{name}.input.txt").read_text(encoding="utf-8")
    expected = (EXAMPLES / f"{name}.expected.txt").read_text(encoding="utf-8")
    got = Cleaner(builtin, engine=engine).clean(source).text
    assert got.rstrip() == expected.rstrip()


@needs_pages
def test_fast_equals_reference_on_real_pages(cleaner: Cleaner, reference_cleaner: Cleaner) -> None:
    for page in PAGES:
        fast = cleaner.clean(page["scraped_text"], url=page["url"])
        ref = reference_cleaner.clean(page["scraped_text"], url=page["url"])
        assert fast == ref, page["id"]


@needs_pages
@pytest.mark.parametrize("pack", [p.id for p in RuleSet.load(env=False).packs])
def test_no_pack_drops_article_lines_even_when_forced(pack: str, builtin: RuleSet) -> None:
    """Force each pack onto every dev page: no line of the true article text may go."""
    cleaner = Cleaner(builtin, packs=[pack, "common"])
    lost = []
    for page in PAGES:
        article = {line.strip() for line in page["expected_text"].split("\n") if line.strip()}
        publisher = None if builtin.pack(pack).kind == "shared" else pack
        result = cleaner.clean(page["scraped_text"], publisher=publisher)
        lost += [
            (page["id"], r.rule_id, r.text)
            for r in result.removals
            if r.span is None and r.text.strip() in article
        ]
    assert not lost, lost[:10]
