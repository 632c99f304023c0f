"""Pack ``html:`` sections: the schema with file:line:col problems, selectors at work, examples."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cleaner import Cleaner, RuleSet
from cleaner.errors import RuleLoadError
from cleaner.htmlrules import run_html_examples, selector_error
from cleaner.loader import parse_pack
from cleaner.model import PackSource
from cleaner.testing import run_examples

HEAD = """\
publisher: Daily Bugle
domains: [dailybugle.example]
rules:
  - id: sign-off
    exact: "Thanks for reading the Bugle."
    category: other
    why: sign-off line under every story
"""

GOOD = (
    HEAD
    + """\
html:
  root: ['div.story-text', 'article']
  remove:
    - id: picks-box
      selector: 'div.bugle-picks'
      category: related-link
      why: "Bugle Picks: three links boxed between paragraphs"
    - id: tip-jar
      selector: ['aside.tip-jar', 'div.support-us']
      category: promo
      why: donation appeal boxes
  examples:
    - name: picks-box-removed
      input: |
        <html><body><h1>Parade moved</h1><div class="story-text">
        <p>Rain delays the parade that was planned for the weekend in the old town.</p>
        <div class="bugle-picks"><p>Bugle Picks: five umbrellas we love and more</p></div>
        <p>Organisers moved it to Sunday, when the forecast promises a dry morning.</p>
        <div class="support-us"><p>Support local news with a small monthly gift.</p></div>
        </div></body></html>
      expected: |
        Rain delays the parade that was planned for the weekend in the old town.
        Organisers moved it to Sunday, when the forecast promises a dry morning.
      fires: [picks-box, tip-jar]
    - name: picks-in-prose-kept
      input: |
        <html><body><div class="story-text">
        <p>The Bugle picks its readers' letters every Friday for the opinion page.</p>
        <p>This week the picks box on page two ran a letter about the parade route.</p>
        </div></body></html>
      expected: |
        The Bugle picks its readers' letters every Friday for the opinion page.
        This week the picks box on page two ran a letter about the parade route.
      near_miss_for: [picks-box]
"""
)


def pack(text: str, name: str = "dailybugle") -> tuple[object, list[str]]:
    found, problems = parse_pack(PackSource(f"{name}.yaml", text))
    return found, [str(p) for p in problems]


def test_a_good_section_loads() -> None:
    found, problems = pack(GOOD)
    assert problems == []
    spec = found.html  # type: ignore[attr-defined]
    assert spec.root == ("div.story-text", "article")
    assert [r.id for r in spec.rules] == ["dailybugle/picks-box", "dailybugle/tip-jar"]
    assert spec.rules[1].selectors == ("aside.tip-jar", "div.support-us")
    assert spec.rules[0].category == "related-link"
    assert spec.rules[0].location.line == 11
    assert [e.name for e in spec.examples] == ["picks-box-removed", "picks-in-prose-kept"]


def where(text: str, needle: str) -> tuple[int, int]:
    """Line and column of the last line holding ``needle``."""
    found = [
        (i, line.find(needle) + 1) for i, line in enumerate(text.split("\n"), 1) if needle in line
    ]
    assert found, needle
    return found[-1]


@pytest.mark.parametrize(
    ("bad", "good", "message"),
    [
        ("selector: 'div.bugle-picks'", "selector: 'div..bugle-picks'", "cannot parse the CSS"),
        ("category: related-link", "category: related-links", "did you mean 'related-link'"),
        ("      why: donation appeal boxes\n", "", "missing required key 'why'"),
        ("    - id: tip-jar", "    - id: sign-off", "duplicate rule id 'sign-off'"),
        ("    - id: tip-jar", "    - id: Tip_Jar", "must be a kebab-case slug"),
        ("  remove:", "  remvoe:", "did you mean 'remove'"),
        ("      selector: 'div.bugle-picks'", "      selectors: 'div.bugle-picks'", "unknown key"),
        ("root: ['div.story-text', 'article']", "root: 42", "must be a string"),
    ],
)
def test_problems_name_file_line_and_column(bad: str, good: str, message: str) -> None:
    text = GOOD.replace(bad, good, 1)
    assert text != GOOD
    found, problems = pack(text)
    assert found is None
    assert any(message in p for p in problems), problems
    hit = next(p for p in problems if message in p)
    assert hit.startswith("dailybugle.yaml:")
    line = int(hit.split(":")[1])
    assert 1 <= line <= len(text.split("\n"))
    if good and message != "missing required key 'why'":
        assert line == where(text, good.strip())[0]


def test_rule_ids_in_problems() -> None:
    text = GOOD.replace("category: promo", "category: promotion")
    _, problems = pack(text)
    assert any("[dailybugle/tip-jar]" in p for p in problems), problems


def test_html_section_must_be_a_mapping() -> None:
    _, problems = pack(HEAD + "html: [div.x]\n")
    assert any("html must be a mapping" in p for p in problems)


def test_selector_error_is_none_for_good_selectors() -> None:
    for sel in ("div.a > p", "[data-role=teaser]", "aside:not(.keep)", "p:nth-child(2)"):
        assert selector_error(sel) is None
    assert selector_error("div[") is not None


@pytest.fixture(scope="module")
def bugle(tmp_path_factory: pytest.TempPathFactory) -> Cleaner:
    d = tmp_path_factory.mktemp("packs")
    (d / "dailybugle.yaml").write_text(GOOD, encoding="utf-8")
    return Cleaner(RuleSet.load([d], env=False))


def test_pack_examples_pass(bugle: Cleaner) -> None:
    outcomes = run_html_examples(bugle, {"dailybugle"})
    assert len(outcomes) == 2
    assert all(o.passed for o in outcomes), [o.lines() for o in outcomes]


def test_rules_test_runs_html_examples_too(bugle: Cleaner) -> None:
    names = [o.example.name for o in run_examples(bugle, {"dailybugle"})]
    assert "picks-box-removed" in names


def test_failing_example_is_reported_with_its_location(tmp_path: Path) -> None:
    text = GOOD.replace("fires: [picks-box, tip-jar]", "fires: [picks-box, sign-off]")
    (tmp_path / "dailybugle.yaml").write_text(text, encoding="utf-8")
    outcomes = run_html_examples(Cleaner(RuleSet.load([tmp_path], env=False)), {"dailybugle"})
    failed = [o for o in outcomes if not o.passed]
    assert len(failed) == 1
    (line,) = failed[0].lines()
    assert "dailybugle/sign-off did not fire" in line
    assert line.startswith(f"{tmp_path / 'dailybugle.yaml'}:")


PAGE = """<html><body><nav><a href="/">Bugle</a></nav>
<h1>Parade moved</h1><div class="story-text">
<p>Rain delays the parade that was planned for the weekend in the old town.</p>
<div class="bugle-picks"><p>Bugle Picks: five umbrellas we love and more</p></div>
<p>Organisers moved it to Sunday, when the forecast promises a dry morning.</p>
<aside class="tip-jar"><p>Support local news with a small monthly gift.</p></aside>
<p>Thanks for reading the Bugle.</p>
</div><div class="river"><p>An unrelated teaser paragraph for a story about the harbour.</p>
<p>Another unrelated teaser about the football club and its new coach.</p></div></body></html>"""


def test_pack_rules_apply_by_url_and_report_their_selector(bugle: Cleaner) -> None:
    result = bugle.clean_html(PAGE, url="https://www.dailybugle.example/2024/05/parade")
    assert result.text.split("\n") == [
        "Rain delays the parade that was planned for the weekend in the old town.",
        "Organisers moved it to Sunday, when the forecast promises a dry morning.",
    ]
    by_rule = {n.rule_id: n for n in result.nodes}
    assert by_rule["dailybugle/picks-box"].selector == "div.bugle-picks"
    assert by_rule["dailybugle/picks-box"].category == "related-link"
    assert by_rule["dailybugle/picks-box"].excerpt.startswith("Bugle Picks")
    assert by_rule["dailybugle/tip-jar"].selector == "aside.tip-jar"
    assert result.root.startswith("div.story-text (pack root")
    assert [r.rule_id for r in result.removals] == ["dailybugle/sign-off"]


def test_pack_rules_apply_by_publisher(bugle: Cleaner) -> None:
    result = bugle.clean_html(PAGE, publisher="dailybugle")
    assert "Bugle Picks" not in result.text and "dailybugle" in result.pack_ids


def test_pack_rules_stay_out_of_other_sites(bugle: Cleaner) -> None:
    result = bugle.clean_html(PAGE, url="https://elsewhere.example/story")
    assert not any(n.rule_id.startswith("dailybugle/") for n in result.nodes)


def test_nested_matches_are_removed_once(tmp_path: Path) -> None:
    text = GOOD.replace(
        "selector: 'div.bugle-picks'", "selector: ['div.bugle-picks', 'div.bugle-picks p']"
    )
    (tmp_path / "dailybugle.yaml").write_text(text, encoding="utf-8")
    c = Cleaner(RuleSet.load([tmp_path], env=False))
    result = c.clean_html(PAGE, publisher="dailybugle")
    assert [n.rule_id for n in result.nodes].count("dailybugle/picks-box") == 1


def test_a_broken_section_stops_loading(tmp_path: Path) -> None:
    (tmp_path / "dailybugle.yaml").write_text(GOOD.replace("div.bugle-picks", "div["), "utf-8")
    with pytest.raises(RuleLoadError) as info:
        RuleSet.load([tmp_path], env=False)
    assert any("CSS selector" in p.message for p in info.value.problems)


def test_builtin_html_sections_load_and_their_examples_pass(cleaner: Cleaner) -> None:
    with_html = [p for p in cleaner.ruleset.packs if p.html is not None]
    assert with_html, "some built-in packs have html sections"
    outcomes = run_html_examples(cleaner)
    assert all(o.passed for o in outcomes), [line for o in outcomes for line in o.lines()]
    for p in with_html:
        assert p.html is not None
        fired = {r for ex in p.html.examples for r in ex.fires}
        near = {r for ex in p.html.examples for r in ex.near_miss_for}
        for rule in p.html.rules:
            assert rule.id.split("/", 1)[1] in fired, f"{rule.id} has no firing example"
            assert rule.id.split("/", 1)[1] in near, f"{rule.id} has no near miss"


def test_example_text_is_dedented_yaml() -> None:
    assert textwrap.dedent(GOOD) == GOOD
