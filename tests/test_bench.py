"""``clean bench`` runs and reports; generated rules and documents are deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


def _labelled_page(publisher: str, kept_line: str) -> dict[str, str]:
    """A page whose labels count ``Advertisement`` as article text: the common pack
    removes it, so the quality report lists it as an article line lost."""
    text = f"The council met on Tuesday to vote on the budget.\n{kept_line}"
    return {
        "id": publisher.lower().replace(" ", "-"),
        "publisher": publisher,
        "language": "en",
        "url": "",
        "scraped_text": text,
        "expected_text": text,
    }


def test_quality_report_lists_lost_lines_of_the_tune_half_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cleaner import quality
    from cleaner.bench import quality_main

    assert (quality.split_of("Tune Gazette"), quality.split_of("Check Courier")) == (
        "tune",
        "check",
    )
    data = tmp_path / "pages.jsonl"
    pages = [
        _labelled_page("Tune Gazette", "Advertisement"),
        _labelled_page("Check Courier", "ADVERTISEMENT"),
    ]
    data.write_text("\n".join(json.dumps(p) for p in pages) + "\n", encoding="utf-8")

    def listed(*extra: str) -> str:
        assert quality_main([str(data), "--generic", *extra]) == 0
        out = capsys.readouterr().out
        return out[out.index("Article lines removed") :]

    default = listed()
    assert "tune pages only" in default and "`tune-gazette`" in default
    assert "check-courier" not in default
    every = listed("--lost", "all")
    assert "`tune-gazette`" in every and "`check-courier`" in every
    assert "check-courier" in listed("--lost", "check")
    assert quality_main([str(data), "--generic", "--lost", "none"]) == 0
    assert "Article lines removed" not in capsys.readouterr().out
