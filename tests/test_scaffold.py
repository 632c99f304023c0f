"""``clean rules new``: a new pack that loads, passes its examples and lints without errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import run_clean

from cleaner import Cleaner, RuleSet
from cleaner.errors import InputError
from cleaner.lint import lint
from cleaner.loader import parse_pack
from cleaner.model import PackSource
from cleaner.scaffold import (
    PLACEHOLDER,
    create_pack,
    default_dir,
    display_name,
    normalize_domain,
    pack_text,
    yaml_string,
)
from cleaner.testing import run_examples


def clean(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_clean(*args, cwd=cwd)


def load(path: Path) -> RuleSet:
    return RuleSet.load([path], env=False)


# -- the template -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "publisher",
    [
        None,
        "Daily Bugle",
        'The "Bugle": News & Views #1',
        "Bugle \u2013 K\u00fcstenausgabe",
        "It's 'Bugle'",
    ],
)
def test_template_parses_with_the_publisher_name_intact(publisher: str | None) -> None:
    text = pack_text("daily-bugle", ["dailybugle.example"], publisher)
    pack, problems = parse_pack(PackSource("daily-bugle.yaml", text, "user"))
    assert pack is not None and not [p for p in problems if p.level == "error"]
    assert pack.publisher == (publisher or "Daily Bugle")
    assert pack.domains == ("dailybugle.example",)
    assert [r.slug for r in pack.rules] == [PLACEHOLDER]
    assert "TODO" in pack.rules[0].why and "TODO" in pack.rules[0].matcher.patterns[0]
    assert not pack.sources and "# sources:" in text


def test_template_examples_pass_and_lint_finds_only_missing_sources(tmp_path: Path) -> None:
    path = create_pack("daily-bugle", ["dailybugle.example"], "Daily Bugle", tmp_path)
    rules = load(path)
    outcomes = run_examples(Cleaner(rules), {"daily-bugle"})
    assert len(outcomes) == 2 and all(o.passed for o in outcomes), [o.problems for o in outcomes]
    found = lint(rules, {"daily-bugle"})
    mine = [p for p in found if p.path == str(path)]
    assert [p.level for p in mine] == ["warning"] and "no sources" in mine[0].message


def test_display_name_is_an_alias_so_a_publisher_field_finds_the_pack(tmp_path: Path) -> None:
    path = create_pack("bugle", ["dailybugle.example"], "Daily Bugle", tmp_path)
    rules = load(path)
    assert rules.resolve("Daily Bugle") == "bugle" == rules.resolve("dailybugle.example")
    assert rules.pack_for_host("https://news.dailybugle.example/x") == "bugle"


def test_placeholder_fires_only_on_its_marker(tmp_path: Path) -> None:
    path = create_pack("daily-bugle", ["dailybugle.example"], None, tmp_path)
    cleaner = Cleaner(load(path))
    prose = "The council kept a TODO list and asked residents to replace me as chair, she joked."
    result = cleaner.clean(prose, url="https://dailybugle.example/a")
    assert not result.removals and result.text == prose


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("dailybugle.example", "dailybugle.example"),
        ("WWW.DailyBugle.Example", "dailybugle.example"),
        ("https://www.dailybugle.example/news/1?x=2", "dailybugle.example"),
        ("news.dailybugle.example:8080", "news.dailybugle.example"),
        ("dailybugle.example.", "dailybugle.example"),
    ],
)
def test_domains_are_normalised(value: str, expected: str) -> None:
    assert normalize_domain(value) == expected


@pytest.mark.parametrize("value", ["", "localhost", "daily bugle.example", "-bugle.example", "ü"])
def test_bad_domains_raise_input_error(value: str) -> None:
    with pytest.raises(InputError, match="not a host name"):
        normalize_domain(value)


@pytest.mark.parametrize("name", ["Daily-Bugle", "daily_bugle", "-bugle", "bugle-", "", "a/b"])
def test_bad_pack_names_raise_input_error(name: str) -> None:
    with pytest.raises(InputError, match="lower-case slug"):
        pack_text(name, ["dailybugle.example"])


def test_publisher_name_must_be_one_printable_line() -> None:
    with pytest.raises(InputError, match="one line"):
        pack_text("bugle", ["dailybugle.example"], "Daily\nBugle")


def test_display_name_and_yaml_string() -> None:
    assert display_name("the-daily.bugle") == "The Daily Bugle"
    assert yaml_string("a\u2028b\U0001f600\x07") == '"a\\u2028b\U0001f600\\u0007"'


def test_default_dir_prefers_rules(tmp_path: Path) -> None:
    assert default_dir(tmp_path) == tmp_path
    (tmp_path / "rules").mkdir()
    assert default_dir(tmp_path) == tmp_path / "rules"


def test_create_pack_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "bugle.yaml"
    path.write_text("publisher: Mine\n", encoding="utf-8")
    with pytest.raises(InputError, match="already exists"):
        create_pack("bugle", ["dailybugle.example"], None, tmp_path)
    assert path.read_text(encoding="utf-8") == "publisher: Mine\n"


# -- the command ------------------------------------------------------------------------------
def test_cli_new_then_test_and_lint_pass(tmp_path: Path) -> None:
    done = clean(
        "rules",
        "new",
        "daily-bugle",
        "--domain",
        "https://www.dailybugle.example/",
        "--domain",
        "bugle-news.example",
        "--publisher",
        "Daily Bugle",
        "--dir",
        "packs",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    path = tmp_path / "packs" / "daily-bugle.yaml"
    assert f"wrote {Path('packs') / 'daily-bugle.yaml'}" in done.stdout
    assert "domains: [dailybugle.example, bugle-news.example]" in path.read_text(encoding="utf-8")
    tested = clean("rules", "test", "packs/daily-bugle.yaml", cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "2 examples, 2 passed, 0 failed" in tested.stderr
    linted = clean("rules", "lint", "packs/daily-bugle.yaml", cwd=tmp_path)
    assert linted.returncode == 0, linted.stdout
    assert "0 error(s), 1 warning(s)" in linted.stderr and "no sources" in linted.stdout
    everything = clean("rules", "lint", "--rules", "packs", cwd=tmp_path)
    assert everything.returncode == 0, everything.stdout
    assert "error" not in everything.stdout


def test_cli_new_writes_to_rules_when_it_exists(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    done = clean("rules", "new", "bugle", "--domain", "dailybugle.example", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "rules" / "bugle.yaml").is_file()
    other = tmp_path / "elsewhere"
    other.mkdir()
    done = clean("rules", "new", "bugle", "--domain", "dailybugle.example", cwd=other)
    assert done.returncode == 0 and (other / "bugle.yaml").is_file()


def test_cli_new_refuses_to_overwrite(tmp_path: Path) -> None:
    args = ("rules", "new", "bugle", "--domain", "dailybugle.example", "--dir", ".")
    assert clean(*args, cwd=tmp_path).returncode == 0
    (tmp_path / "bugle.yaml").write_text("# my work\n", encoding="utf-8")
    again = clean(*args, cwd=tmp_path)
    assert again.returncode == 2
    assert "already exists" in again.stderr and "not overwriting" in again.stderr
    assert (tmp_path / "bugle.yaml").read_text(encoding="utf-8") == "# my work\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Bugle", "--domain", "dailybugle.example"), "lower-case slug"),
        (("bugle", "--domain", "not a host"), "not a host name"),
        (("bugle",), "--domain"),
    ],
)
def test_cli_new_bad_usage_exits_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    done = clean("rules", "new", *args, cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr
    assert not list(tmp_path.iterdir())


def test_cli_new_pack_is_used_by_url(tmp_path: Path) -> None:
    assert (
        clean("rules", "new", "bugle", "--domain", "dailybugle.example", cwd=tmp_path).returncode
        == 0
    )
    article = tmp_path / "a.txt"
    article.write_text(
        "The ferry will run late on Fridays from June.\nTODO replace me: Bugle boilerplate line\n",
        encoding="utf-8",
    )
    done = clean(
        "--rules", "bugle.yaml", "--url", "https://www.dailybugle.example/x", article, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "The ferry will run late on Fridays from June.\n"
