"""``clean bench`` runs and reports; generated rules and documents are deterministic."""

from __future__ import annotations

from cleaner import Cleaner, RuleSet, hsscan
from cleaner.bench import make_documents, make_pack, run, table
from cleaner.model import PackSource


def test_generated_rules_remove_their_trigger_lines() -> None:
    pack, triggers = make_pack(40)
    assert make_pack(40) == (pack, triggers)
    rules = RuleSet.from_sources([PackSource("generated.yaml", pack, "user")])
    cleaner = Cleaner(rules, common=False)
    for line in triggers:
        result = cleaner.clean(f"Article text.\n{line}", publisher="generated")
        assert result.text == "Article text.", line


def test_documents_are_deterministic_and_sized() -> None:
    _, triggers = make_pack(20)
    docs = make_documents(triggers, 5, doc_bytes=2048)
    assert docs == make_documents(triggers, 5, doc_bytes=2048)
    assert all(len(d.encode()) >= 2048 for d in docs)


def test_run_reports_every_engine() -> None:
    rows = run([10], n_docs=5, min_seconds=0.01)
    engines = {r.engine for r in rows}
    assert engines >= {
        "floor (split+join)",
        "naive loop (one pass)",
        "fast, pure-Python prefilter",
        "reference",
    }
    assert ("fast" in engines) == hsscan.AVAILABLE
    text = table(rows)
    assert text.startswith("| rules | engine | MB/s |")
    assert all(r.mb_per_s > 0 for r in rows)
