"""What the cache folder remembers between runs: patterns already checked (compiled only
when a document needs them) and the analyses of patterns."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import regex

from cleaner import Cleaner, RuleSet, cache
from cleaner.errors import RuleLoadError
from cleaner.matchers import compile_matcher, factors, risk
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
    cache._analyses.clear()
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


# -- remembered analyses ----------------------------------------------------------------------
ANALYSES = [
    factors.anchored_literals,
    factors.ends_at_line_end,
    factors.required_class,
    risk.runs_safely,
]
BUILTIN_PATTERNS = sorted(
    {
        p
        for pack in RuleSet.load(env=False).packs
        for rule in pack.rules
        for p in (*rule.matcher.patterns, *((rule.unless,) if rule.unless else ()))
        if rule.matcher.kind == "regex" or p == rule.unless
    }
)


def test_every_builtin_pattern_analysis_survives_the_round_trip(folder: Path) -> None:
    """What is read back from the file is what the analysis computes."""
    assert len(BUILTIN_PATTERNS) > 300
    fresh = {
        (a.__name__, p): a.__wrapped__(p)  # type: ignore[attr-defined]
        for a in ANALYSES
        for p in BUILTIN_PATTERNS
    }
    for a in ANALYSES:
        for p in BUILTIN_PATTERNS:
            assert a(p) == fresh[a.__name__, p]  # computed and written
    cache._analyses.clear()  # as a new process: read from the file
    for a in ANALYSES:
        for p in BUILTIN_PATTERNS:
            assert a(p) == fresh[a.__name__, p], (a.__name__, p)


def _entries(folder: Path) -> list[list[object]]:
    (path,) = folder.glob("analyses-*.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_new_process_reads_the_analysis_instead_of_computing_it(folder: Path) -> None:
    pattern = r"^Tide table for \w+"
    assert factors.ends_at_line_end(pattern) is False
    ((key, value, check),) = _entries(folder)
    assert value is False and len(key) == 32 and len(check) == 8
    # an entry with a true sum is believed: proof the file is what answers
    (path,) = folder.glob("analyses-*.jsonl")
    path.write_text(json.dumps([key, True, cache._entry_sum(key, "true")]) + "\n")
    cache._analyses.clear()
    assert factors.ends_at_line_end(pattern) is True


def test_damaged_or_mistyped_entries_are_analysed_again(folder: Path) -> None:
    pattern = r"^Tide table for \w+$"
    assert factors.ends_at_line_end(pattern) is True
    ((key, _, _),) = _entries(folder)
    (path,) = folder.glob("analyses-*.jsonl")
    path.write_text(
        json.dumps([key, False, "00000000"]) + "\n"  # wrong sum
        + '["half a line\n'
        + json.dumps([key, "yes", cache._entry_sum(key, '"yes"')]) + "\n",  # wrong type
        encoding="utf-8",
    )  # fmt: skip
    cache._analyses.clear()
    assert factors.ends_at_line_end(pattern) is True


def test_other_analysis_code_uses_another_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    factors.required_class(r"^\d{1,2}:\d{2}$")
    monkeypatch.setattr(cache, "_version", "0123456789abcdef")
    cache._analyses.clear()
    factors.required_class(r"^\d{1,2}:\d{2}$")
    assert len(list(folder.glob("analyses-*.jsonl"))) == 2
    for k in range(cache.KEEP_ANALYSES + 2):
        monkeypatch.setattr(cache, "_version", f"{k:016x}")
        cache._analyses.clear()
        factors.required_class(r"^\d{1,2}:\d{2}$")
    assert len(list(folder.glob("analyses-*.jsonl"))) == cache.KEEP_ANALYSES


def test_without_the_analysing_source_nothing_is_kept_on_disk(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Imported from somewhere its source cannot be read, the analysing code has no
    version to name a file by: analyses are then kept in memory only."""
    monkeypatch.setattr(cache, "_version", None)
    monkeypatch.setattr(cache, "_module_source", lambda module: None)
    assert factors.ends_at_line_end(r"^Tide table for \w+$") is True
    assert not list(folder.glob("analyses-*.jsonl"))


def test_the_analysing_source_is_read_through_the_module_loader() -> None:
    assert cache._module_source(factors) == Path(factors.__file__).read_bytes()


def test_workers_filling_a_cold_cache_together_clean_as_one_process(tmp_path: Path) -> None:
    """Two corpus workers start on an empty cache folder and append to the same files at
    once; what they write must read back as good (or be skipped), and the output must be
    what a single process with the cache off gives."""
    import os
    import subprocess
    import sys

    corpus = Path(__file__).resolve().parent.parent / "examples" / "dailybugle.jsonl"
    folder = tmp_path / "cache"

    def clean(out: Path, setting: str, workers: str) -> None:
        env = {k: v for k, v in os.environ.items() if k != "BOILERCLEAN_RULES"}
        env[cache.CACHE_ENV] = setting
        subprocess.run(
            [sys.executable, "-m", "cleaner", str(corpus), "-o", str(out), "--quiet",
             "--workers", workers, "--chunk-mb", "0.004"],
            env=env, check=True, timeout=300,
        )  # fmt: skip

    clean(tmp_path / "two.jsonl", str(folder), "2")
    clean(tmp_path / "off.jsonl", "off", "1")
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "off.jsonl").read_bytes()
    (analyses,) = folder.glob("analyses-*.jsonl")
    # a line two writers interleaved would fail its checksum and be analysed again
    assert len(cache._read_analyses(analyses)) >= 300
    keys = (folder / cache.CHECKED_FILE).read_text(encoding="ascii").split()
    assert all(len(k) == 32 for k in keys) and len(keys) >= 300


def test_pinned_reads_the_folder_settings_once_in_its_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "a"))
    seen: list[Path | None] = []
    with cache.pinned():
        monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "b"))
        assert cache.cache_dir() == tmp_path / "a"
        other = threading.Thread(target=lambda: seen.append(cache.cache_dir()))
        other.start()
        other.join()
    assert seen == [tmp_path / "b"]  # another thread reads the environment
    assert cache.cache_dir() == tmp_path / "b"
