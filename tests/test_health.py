"""Rule health in corpus runs: removed share and unfired rules per publisher, drift warnings.

The corpora are generated here: stories of an invented publisher, the Daily Bugle
(``dailybugle.example``), from sentences written for these tests, plus a few Benzinga-style
tails to exercise a built-in pack.
"""

from __future__ import annotations

import json
import pickle
import random
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from conftest import run_clean

from cleaner import Cleaner, RuleSet
from cleaner.corpus import CorpusOptions, Stats, run_corpus
from cleaner.corpus.health import (
    DRIFT_CAUSE,
    JSON_KEY,
    MIN_DOCUMENTS,
    Baseline,
    BaselineEntry,
    drifted,
    health_json,
    health_summary,
    load_baseline,
    publisher_health,
)
from cleaner.errors import InputError

FOOTER = "Thanks for reading the Daily Bugle. Send news tips to the city desk."
WHO = ["The harbour council", "The city library", "Volunteers at the river trust", "Ferry crews"]
WHAT = ["repair the footbridge", "open the reading room late", "plant trees on the promenade"]
BENZINGA_TAIL = (
    "Now Read: Five Ports Racing To Electrify Their Fleets\n"
    "Photo: Shutterstock\n"
    "\u00a9 2025 Benzinga.com. Benzinga does not provide investment advice. All rights reserved.\n"
)

PACK_V1 = """\
publisher: Daily Bugle
domains: [dailybugle.example]
rules:
  - id: footer
    exact: "{footer}"
    scope: {{tail: 3}}
    category: other
    why: sign-off under every story
  - id: app-promo
    prefix: "Get the Bugle app:"
    category: promo
    why: app promo the Bugle has stopped printing
"""
#: v2 adds a rule that eats article text: the drift warning must catch it.
PACK_V2 = (
    PACK_V1
    + """\
  - id: greedy
    contains: "residents"
    category: other
    why: a bad rule
"""
)


def story(rng: random.Random, footer: bool = True) -> str:
    lines = [
        f"{rng.choice(WHO)} said it would {rng.choice(WHAT)}, a plan backed by "
        f"{rng.randint(20, 9000)} residents, before the end of the year."
        for _ in range(rng.randint(3, 6))
    ]
    if footer:
        lines.append(FOOTER)
    return "\n".join(lines) + "\n"


def corpus(path: Path, bugle: int = 30, benzinga: int = 5, seed: int = 2) -> Path:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = [
        {"id": i, "url": f"https://www.dailybugle.example/{i}", "text": story(rng)}
        for i in range(bugle)
    ]
    rows += [
        {
            "id": 1000 + i,
            "url": "https://www.benzinga.com/news/1",
            "text": story(rng, False) + BENZINGA_TAIL,
        }
        for i in range(benzinga)
    ]
    rng.shuffle(rows)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_clean(*args, cwd=cwd)


@pytest.fixture(scope="module")
def bugle_rules(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    folder = tmp_path_factory.mktemp("packs")
    (folder / "bugle.yaml").write_text(PACK_V1.format(footer=FOOTER), encoding="utf-8")
    return RuleSet.load([folder], env=False)


# -- counting in the worker -------------------------------------------------------------------
def test_stats_count_characters_and_rules_per_publisher(bugle_rules: RuleSet) -> None:
    cleaner = Cleaner(bugle_rules)
    rng = random.Random(1)
    stats = Stats()
    expected_kept = expected_removed = 0
    for _ in range(4):
        result = cleaner.clean(story(rng), url="https://dailybugle.example/x")
        stats.add_result(result)
        expected_removed += sum(len(r.text) for r in result.removals)
        expected_kept += len(result.text.replace("\n", ""))
    assert stats.publishers["bugle"] == 4
    assert stats.publisher_removed["bugle"] == expected_removed == 4 * len(FOOTER)
    assert stats.publisher_chars["bugle"] == expected_kept + expected_removed
    assert stats.publisher_rules["bugle"] == {"bugle/footer": 4}
    stats.add_result(cleaner.clean("Nothing to remove here."))
    assert stats.publisher_chars["(none)"] == len("Nothing to remove here.")
    assert "(none)" not in stats.publisher_rules  # nothing fired: no entry


def test_stats_merge_sums_and_pickles(bugle_rules: RuleSet) -> None:
    cleaner = Cleaner(bugle_rules)
    rng = random.Random(4)
    docs = [(story(rng), "https://dailybugle.example/x") for _ in range(6)]
    docs += [(story(rng, False) + BENZINGA_TAIL, "https://benzinga.com/x") for _ in range(3)]
    whole, left, right = Stats(), Stats(), Stats()
    for i, (text, url) in enumerate(docs):
        result = cleaner.clean(text, url=url)
        whole.add_result(result)
        (left if i % 2 else right).add_result(result)
    left = pickle.loads(pickle.dumps(left))  # as it comes back from a worker process
    left.merge(right)
    for name in ("publishers", "publisher_chars", "publisher_removed", "publisher_rules"):
        assert getattr(left, name) == getattr(whole, name), name
    assert set(whole.publisher_rules) == {"bugle", "benzinga"}


# -- the report -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("share", "usual", "out"),
    [
        (0.20, 0.20, False),
        (0.24, 0.20, False),  # 4 points
        (0.30, 0.20, False),  # 10 points = 50% of 20%: not more than
        (0.31, 0.20, True),
        (0.09, 0.20, True),
        (0.06, 0.02, False),  # 200% relative, but only 4 points
        (0.08, 0.02, True),
        (0.0, 0.04, False),
        (0.0, 0.12, True),  # nothing removed any more: the template changed
        (0.45, 0.30, False),
        (0.46, 0.30, True),
        (0.14, 0.30, True),
    ],
)
def test_drift_threshold(share: float, usual: float, out: bool) -> None:
    assert drifted(share, usual) is out


def make_stats(
    publisher: str, documents: int, chars: int, removed: int, fired: dict[str, int]
) -> Stats:
    stats = Stats()
    stats.publishers[publisher] = documents
    stats.publisher_chars[publisher] = chars
    stats.publisher_removed[publisher] = removed
    if fired:
        stats.publisher_rules[publisher] = Counter(fired)
    return stats


def test_never_fired_needs_enough_documents(bugle_rules: RuleSet) -> None:
    few = make_stats("bugle", MIN_DOCUMENTS - 1, 1000, 100, {"bugle/footer": 19})
    (h,) = publisher_health(few, bugle_rules)
    assert h.never_fired is None and h.removed_share == 0.1
    many = make_stats("bugle", MIN_DOCUMENTS, 1000, 100, {"bugle/footer": 20, "common/x": 1})
    (h,) = publisher_health(many, bugle_rules)
    assert h.never_fired == ("bugle/app-promo",)
    many.merge(make_stats("(none)", 50, 10, 0, {}))
    report = publisher_health(many, bugle_rules)
    assert [x.publisher for x in report] == ["(none)", "bugle"]  # most documents first
    assert report[0].never_fired == () and report[0].removed_share == 0.0


def test_baseline_comparison_needs_enough_documents_on_both_sides(bugle_rules: RuleSet) -> None:
    stats = make_stats("bugle", 40, 1000, 400, {"bugle/footer": 40})
    for base_docs, warned in ((40, True), (MIN_DOCUMENTS - 1, False)):
        baseline = Baseline("old.json", {"bugle": BaselineEntry(base_docs, 0.10)})
        (h,) = publisher_health(stats, bugle_rules, baseline)
        assert h.drifted is warned
        assert (h.warning() is not None) is warned
    small = make_stats("bugle", 5, 1000, 900, {})
    (h,) = publisher_health(
        small, bugle_rules, Baseline("old.json", {"bugle": BaselineEntry(99, 0.1)})
    )
    assert not h.drifted
    (h,) = publisher_health(stats, bugle_rules, Baseline("old.json", {}))
    assert h.baseline is None and not h.drifted  # a publisher new to this run


def test_json_and_summary(bugle_rules: RuleSet) -> None:
    stats = make_stats("bugle", 40, 1000, 400, {"bugle/footer": 40})
    stats.merge(make_stats("benzinga", 3, 500, 100, {"benzinga/now-read": 3}))
    baseline = Baseline("old.json", {"bugle": BaselineEntry(40, 0.1)})
    report = publisher_health(stats, bugle_rules, baseline)
    data = health_json(report, baseline)
    assert data["health_baseline"] == "old.json"
    assert data[JSON_KEY]["bugle"] == {
        "documents": 40,
        "characters": 1000,
        "removed_characters": 400,
        "removed_share": 0.4,
        "never_fired": ["bugle/app-promo"],
        "baseline_share": 0.1,
        "drifted": True,
    }
    assert data[JSON_KEY]["benzinga"]["never_fired"] is None
    assert data["health_warnings"] == [
        f"bugle: removed 40.0% of characters, usually 10.0%: {DRIFT_CAUSE}"
    ]
    text = health_summary(report, baseline)
    assert "publisher health (publishers with >= 20 documents; baseline old.json)" in text
    assert "bugle" in text and "benzinga" not in text and "(baseline 10.0%)" in text
    assert "never fired: bugle/app-promo" in text
    assert text.rstrip().endswith(DRIFT_CAUSE)
    assert health_summary(publisher_health(make_stats("x", 3, 1, 0, {}), bugle_rules), None) == ""


def test_summary_shortens_long_rule_lists() -> None:
    rules = RuleSet.load(env=False)
    stats = make_stats("benzinga", 25, 1000, 10, {})
    (h,) = publisher_health(stats, rules)
    assert h.never_fired is not None and len(h.never_fired) == len(rules.pack("benzinga").rules)
    text = health_summary((h,), None)
    assert f"(+{len(h.never_fired) - 5} more)" in text


def test_load_baseline(tmp_path: Path) -> None:
    good = tmp_path / "stats.json"
    good.write_text(
        json.dumps(
            {
                JSON_KEY: {
                    "bugle": {"documents": 30, "removed_share": 0.25},
                    "bad-share": {"documents": 30, "removed_share": "x"},
                    "bad-range": {"documents": 30, "removed_share": 2},
                    "not-a-dict": 3,
                }
            }
        ),
        encoding="utf-8",
    )
    baseline = load_baseline(str(good))
    assert dict(baseline.publishers) == {"bugle": BaselineEntry(30, 0.25)}
    for text, message in (
        ("{nope", "not JSON"),
        ("[1, 2]", "no 'publisher_health'"),
        ('{"documents": 3}', "no 'publisher_health'"),
    ):
        good.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=message):
            load_baseline(str(good))
    with pytest.raises(InputError, match="cannot read"):
        load_baseline(str(tmp_path / "missing.json"))


# -- corpus runs ------------------------------------------------------------------------------
@pytest.mark.parametrize("workers", [1, 2])
def test_run_reports_the_same_health_with_any_number_of_workers(
    tmp_path: Path, bugle_rules: RuleSet, workers: int
) -> None:
    src = corpus(tmp_path / "in.jsonl", bugle=40, benzinga=30)
    stats_file = tmp_path / "stats.json"
    opts = CorpusOptions(
        inputs=(str(src),),
        output=str(tmp_path / "out.jsonl"),
        workers=workers,
        chunk_bytes=4096,
        stats_json=str(stats_file),
        quiet=True,
    )
    stats, _, _ = run_corpus(Cleaner(bugle_rules), opts)
    assert stats.publishers == {"bugle": 40, "benzinga": 30}
    health = json.loads(stats_file.read_text())[JSON_KEY]
    assert health["bugle"]["never_fired"] == ["bugle/app-promo"]
    assert health["bugle"]["removed_characters"] == 40 * len(FOOTER)
    assert "benzinga/now-read" not in health["benzinga"]["never_fired"]
    assert "benzinga/photo-credit" not in health["benzinga"]["never_fired"]


def test_cli_baseline_warns_when_a_rule_starts_eating_articles(tmp_path: Path) -> None:
    corpus(tmp_path / "in.jsonl")
    packs = tmp_path / "packs"
    packs.mkdir()
    pack = packs / "bugle.yaml"
    pack.write_text(PACK_V1.format(footer=FOOTER), encoding="utf-8")
    run = ("in.jsonl", "-o", "out.jsonl", "--rules", "packs", "--workers", "2")
    first = cli(*run, "--stats-json", "before.json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = json.loads((tmp_path / "before.json").read_text())
    assert before["health_warnings"] == [] and before["health_baseline"] is None
    bugle = before[JSON_KEY]["bugle"]
    assert bugle["documents"] == 30 and bugle["never_fired"] == ["bugle/app-promo"]
    assert 0 < bugle["removed_share"] < 0.4
    assert before[JSON_KEY]["benzinga"]["never_fired"] is None  # 5 documents: too few
    assert "publisher health (publishers with >= 20 documents):" in first.stderr
    assert "never fired: bugle/app-promo" in first.stderr and "warning:" not in first.stderr

    same = cli(*run, "--health-baseline", "before.json", cwd=tmp_path)
    assert same.returncode == 0 and "warning:" not in same.stderr
    assert f"(baseline {bugle['removed_share']:.1%})" in same.stderr

    pack.write_text(PACK_V2.format(footer=FOOTER), encoding="utf-8")
    second = cli(
        *run, "--health-baseline", "before.json", "--stats-json", "after.json", cwd=tmp_path
    )
    assert second.returncode == 0, second.stderr
    assert "warning: bugle: removed" in second.stderr and DRIFT_CAUSE in second.stderr
    after = json.loads((tmp_path / "after.json").read_text())
    assert after["health_baseline"] == "before.json"
    assert after[JSON_KEY]["bugle"]["drifted"] is True
    assert after[JSON_KEY]["bugle"]["baseline_share"] == bugle["removed_share"]
    assert len(after["health_warnings"]) == 1 and "bugle" in after["health_warnings"][0]


def test_cli_quiet_run_still_writes_health_json(tmp_path: Path) -> None:
    corpus(tmp_path / "in.jsonl", bugle=3, benzinga=21)
    done = cli("in.jsonl", "-o", "out.jsonl", "-q", "--stats-json", "s.json", cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    health = json.loads((tmp_path / "s.json").read_text())[JSON_KEY]
    assert health["(none)"]["documents"] == 3 and health["(none)"]["never_fired"] is None
    assert health["benzinga"]["documents"] == 21
    assert "benzinga/copyright-footer" not in health["benzinga"]["never_fired"]
    assert "benzinga/edge-promo" in health["benzinga"]["never_fired"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read the health baseline"), ('{"documents": 1}', "no 'publisher_health'")],
)
def test_cli_bad_baseline_exits_2_before_running(
    tmp_path: Path, content: str | None, message: str
) -> None:
    corpus(tmp_path / "in.jsonl", bugle=2, benzinga=0)
    if content is not None:
        (tmp_path / "base.json").write_text(content, encoding="utf-8")
    done = cli("in.jsonl", "-o", "out.jsonl", "--health-baseline", "base.json", cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr
    assert not (tmp_path / "out.jsonl").exists()
