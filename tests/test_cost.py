"""``clean rules cost``: per-rule time on a sample corpus, and the meter behind it.

The corpus is written here: short notices of an invented harbour town, with a "Read
more:" link the common pack removes and a "Harbour Desk |" line that a test pack removes
with a rule that has no literal (it needs a pipe or a slash).
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_clean

from cleaner import Cleaner, RuleSet
from cleaner.cost import format_report, measure
from cleaner.meter import RuleMeter
from cleaner.model import PackSource
from cleaner.suggest import SourceDocument

PACK = """\
publisher: Harbour Gazette
domains: [harbour.example]
rules:
  - id: desk-line
    regex: '^\\w+ \\w+ [|/] \\w+$'
    max_words: 6
    category: byline
    why: the desk and section line under every notice
examples:
  - name: desk-line-dropped
    input: "The ferry runs late.\\nHarbour Desk | Transport\\n"
    expected: "The ferry runs late.\\n"
    fires: [desk-line]
  - name: pipe-in-an-article-line-kept
    input: "Prices rose | fell by turns all week, traders said on the quay.\\n"
    expected: "Prices rose | fell by turns all week, traders said on the quay.\\n"
"""

NOTICES = [
    "The ferry to the north islands runs an hour late on Sunday.",
    "The library reading room stays open until nine in winter.",
    "Volunteers will plant forty trees along the promenade in March.",
    "The council voted to repair the footbridge over the canal.",
]


def _records(n: int) -> list[dict[str, str]]:
    out = []
    for i in range(n):
        lines = [NOTICES[i % 4], NOTICES[(i + 1) % 4], f"Harbour Desk | Section{i % 3}"]
        if i % 2:
            lines.append("Read more: the full tide table for the week")
        out.append(
            {"id": str(i), "url": f"https://harbour.example/n/{i}", "text": "\n".join(lines)}
        )
    return out


def _cleaner(pack: str = PACK) -> Cleaner:
    return Cleaner(RuleSet.from_sources([PackSource("harbour.yaml", pack)]))


def test_cost_counts_checks_and_firings_per_rule() -> None:
    docs = [SourceDocument(str(r["id"]), r["text"], url=r["url"]) for r in _records(12)]
    cleaner = _cleaner()
    report = measure(docs, cleaner)
    assert cleaner.meter is None  # removed again
    assert report.documents == 12 and report.chars == sum(len(d.text) for d in docs)
    by_id = {r.rule_id: r for r in report.rules}
    desk = by_id["harbour/desk-line"]
    # three distinct desk lines: each checked once, the rest remembered
    assert (desk.checks, desk.fired, desk.proposed) == (3, 3, "no literal")
    assert desk.seconds > 0 and desk.micros_per_check > 0
    assert report.rules == sorted(report.rules, key=lambda r: (-r.seconds, r.rule_id))
    text = format_report(report, top=50)
    assert "harbour/desk-line" in text and "12 documents" in text


def test_a_metered_clean_removes_exactly_what_an_unmetered_one_does() -> None:
    # a rule set of its own: verdicts are remembered per rule set and process
    pack = PACK.replace("Harbour Gazette", "Harbour Gazette Weekly")
    plain, metered = _cleaner(pack), _cleaner(pack)
    metered.meter = RuleMeter()
    for record in _records(8):
        # metered first: both Cleaners share the rule set's remembered verdicts
        b = metered.clean(record["text"], url=record["url"])
        a = plain.clean(record["text"], url=record["url"])
        assert a == b
    assert metered.meter.calls  # it did measure


def test_rules_cost_command_ranks_rules_and_writes_json(tmp_path: Path) -> None:
    pack = tmp_path / "packs" / "harbour.yaml"
    pack.parent.mkdir()
    pack.write_text(PACK, encoding="utf-8")
    corpus = tmp_path / "sample.jsonl"
    lines = [json.dumps(r) for r in _records(20)] + ["{not json"]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run_clean(
        "rules", "cost", corpus, "--rules", pack.parent, "--top", "5", "--json",
        tmp_path / "cost.json", cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    first = out.stdout.splitlines()[0]
    assert first.startswith("20 documents") and "rule checks" in first
    assert "1 record(s) skipped" in out.stdout and "not valid JSON" in out.stdout
    assert len([ln for ln in out.stdout.splitlines() if "/" in ln.split(" ")[0]]) <= 5
    data = json.loads((tmp_path / "cost.json").read_text(encoding="utf-8"))
    assert data["documents"] == 20
    rules = {r["rule"]: r for r in data["rules"]}
    assert rules["harbour/desk-line"]["fired"] == 3
    assert rules["harbour/desk-line"]["proposed_by"] == "no literal"
    assert rules["common/related-teaser"]["fired"] >= 1  # "Read more:" lines
    seconds = [r["seconds"] for r in data["rules"]]
    assert seconds == sorted(seconds, reverse=True)


def test_rules_cost_says_when_nothing_could_be_read(tmp_path: Path) -> None:
    corpus = tmp_path / "broken.jsonl"
    corpus.write_text("{not json\n", encoding="utf-8")
    out = run_clean("rules", "cost", corpus, cwd=tmp_path)
    assert out.returncode == 2
    assert "no document could be read" in out.stderr
