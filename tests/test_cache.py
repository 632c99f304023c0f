"""Patterns checked by an earlier run are compiled only when a document needs them."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

from cleaner import Cleaner, RuleSet, cache
from cleaner.errors import RuleLoadError
from cleaner.matchers import compile_matcher
from cleaner.model import PackSource

PACK = """\
publisher: Harbour Gazette
domains: [harbour.example]
rules:
  - id: tide-table
    regex: '^Tide table for {pattern}'
    category: related-link
    why: the tide-table link under every notice
"""


def _load(pattern: str) -> RuleSet:
    return RuleSet.from_sources([PackSource("harbour.yaml", PACK.format(pattern=pattern))])


def _lazy(rs: RuleSet) -> object:
    (rule,) = rs.pack("harbour").rules
    return compile_matcher(rule.matcher).pattern


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_good_pattern_is_remembered_after_its_first_check(folder: Path) -> None:
    rs = _load(r"\w+ \d{1,2}")
    lazy = _lazy(rs)
    assert cache.is_checked(lazy.pattern, lazy.flags)  # type: ignore[attr-defined]
    keys = (folder / cache.CHECKED_FILE).read_text(encoding="ascii").split()
    assert len(keys) == 1 and len(keys[0]) == 32


def test_bad_patterns_are_reported_and_never_remembered(folder: Path) -> None:
    for _ in range(2):  # the second load checks again: nothing was remembered
        with pytest.raises(RuleLoadError, match="tide-table"):
            _load(r"(\w+")
    assert not (folder / cache.CHECKED_FILE).exists()
    empty = PACK.replace("'^Tide table for {pattern}'", "'(?:Tide)?'")
    for _ in range(2):
        with pytest.raises(RuleLoadError, match="matches an empty line"):
            RuleSet.from_sources([PackSource("harbour.yaml", empty)])
    assert not (folder / cache.CHECKED_FILE).exists()


def test_the_key_names_the_regex_version_and_flags(folder: Path) -> None:
    cache.mark_checked("^Tide", 0)
    assert cache.is_checked("^Tide", 0)
    assert not cache.is_checked("^Tide", regex.IGNORECASE)
    assert not cache.is_checked("^Tides", 0)
    assert cache._key("^Tide", 0) != cache._key("^Tide", regex.IGNORECASE)


def test_a_damaged_file_only_means_checking_again(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / cache.CHECKED_FILE).write_bytes(b"\xff\xfe not a key\n" + b"z" * 5000)
    rs = _load(r"\w+ \d{1,2}")  # loads, checks and remembers as if the file were empty
    lazy = _lazy(rs)
    assert cache.is_checked(lazy.pattern, lazy.flags)  # type: ignore[attr-defined]


def test_a_forged_entry_cannot_crash_cleaning(folder: Path) -> None:
    """If the cache claims a bad pattern is good, loading trusts it, and the first
    document that needs the rule gets a rule-error notice: the rule is skipped there and
    the text is kept, as for any rule that fails."""
    bad = r"Tide (table"
    source = "^Tide table for " + bad
    cache.mark_checked(source, 0)
    rs = _load(bad)
    cleaner = Cleaner(rs)
    result = cleaner.clean(
        "The ferry runs late.\nTide table for Tide (table", url="https://harbour.example/a"
    )
    assert result.text == "The ferry runs late.\nTide table for Tide (table"
    assert [(n.code, n.rule_id) for n in result.warnings] == [("rule-error", "harbour/tide-table")]


def test_with_the_cache_off_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    _load(r"\w+ \d{1,3}")
    assert not list(tmp_path.rglob(cache.CHECKED_FILE))
