"""Parsed packs kept on disk: the next process reads them back instead of parsing YAML,
gets exactly what a parse gives, and never runs anything a cache file names."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from support import HARBOUR_PACK

from cleaner import Cleaner, RuleSet, cache, datacache, packcache, ruleset
from cleaner.errors import RuleLoadError
from cleaner.model import PackSource


def _sources(text: str = HARBOUR_PACK) -> list[PackSource]:
    return [PackSource("harbour.yaml", text, "user")]


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(source: PackSource) -> None:
        raise AssertionError(f"{source.path} parsed again")

    monkeypatch.setattr(ruleset, "parse_pack", fail)


def test_the_next_load_reads_the_parse_back_instead_of_parsing(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = RuleSet.from_sources(_sources())
    assert len(list(cache_folder.glob("packs-*.pickle"))) == 1
    _no_parsing(monkeypatch)
    again = RuleSet.from_sources(_sources())
    assert again.packs == first.packs
    assert again.warnings == first.warnings
    assert again.hash == first.hash
    rule = again.rule("harbour/tide-table")
    assert rule.valid_from == first.rule("harbour/tide-table").valid_from


def test_the_builtin_packs_come_back_equal_and_clean_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the suite's own cache folder, whose pattern analyses are warm
    with monkeypatch.context() as m:
        m.setattr(packcache, "load", lambda key: None)
        parsed = RuleSet.load(env=False)  # parsed, and kept if no file was there yet
    _no_parsing(monkeypatch)
    kept = RuleSet.load(env=False)
    assert kept.packs == parsed.packs
    assert kept.warnings == parsed.warnings
    text = "Stocks rose on Friday.\nAdvertisement\nPhoto: Shutterstock"
    assert Cleaner(kept).clean(text).text == "Stocks rose on Friday."
    assert Cleaner(kept).clean(text).removals == Cleaner(parsed).clean(text).removals


def test_an_edited_pack_or_another_path_is_parsed_again(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    RuleSet.from_sources(_sources())
    edited = HARBOUR_PACK.replace("Tide table for", "Tide tables for")
    assert packcache.cache_key(_sources(edited)) != packcache.cache_key(_sources())
    moved = [PackSource("elsewhere/harbour.yaml", HARBOUR_PACK, "user")]
    assert packcache.cache_key(moved) != packcache.cache_key(_sources())
    rs = RuleSet.from_sources(_sources(edited))
    assert rs.rule("harbour/tide-table").matcher.patterns[0].startswith("^Tide tables for")
    assert len(list(cache_folder.glob("packs-*.pickle"))) == 2


def test_a_pack_with_errors_is_never_kept(cache_folder: Path) -> None:
    bad = HARBOUR_PACK.replace("category: related-link", "category: no-such-category")
    for _ in range(2):  # reported both times: nothing vouches for it
        with pytest.raises(RuleLoadError, match=r"harbour\.yaml"):
            RuleSet.from_sources(_sources(bad))
    assert not list(cache_folder.glob("packs-*.pickle"))


def test_a_damaged_file_only_means_parsing_again(cache_folder: Path) -> None:
    RuleSet.from_sources(_sources())
    (kept,) = cache_folder.glob("packs-*.pickle")
    kept.write_bytes(kept.read_bytes()[:100])
    rs = RuleSet.from_sources(_sources())
    assert rs.pack("harbour").rules[0].id == "harbour/tide-table"


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("a cache file ran code",))


@pytest.mark.parametrize(
    "payload",
    [
        _Boom(),  # a builtin function
        (("not packs",), ()),  # well-formed pickle, wrong shape
    ],
)
def test_a_forged_file_builds_nothing_but_data(
    cache_folder: Path, payload: object, capsys: pytest.CaptureFixture[str]
) -> None:
    RuleSet.from_sources(_sources())
    (kept,) = cache_folder.glob("packs-*.pickle")
    kept.write_bytes(pickle.dumps(payload))
    rs = RuleSet.from_sources(_sources())
    assert "ran code" not in capsys.readouterr().out
    assert rs.pack("harbour").rules[0].id == "harbour/tide-table"
    with pytest.raises(pickle.UnpicklingError, match=r"builtins\.print is not allowed"):
        datacache._Unpickler(pickle.dumps(_Boom()), {}).load()


def test_with_the_cache_off_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    RuleSet.from_sources(_sources())
    assert not list(tmp_path.rglob("packs-*.pickle"))


def test_only_the_newest_files_are_kept(cache_folder: Path) -> None:
    for n in range(datacache.KEEP_FILES + 3):
        RuleSet.from_sources(
            _sources(HARBOUR_PACK.replace("harbour.example", f"harbour{n}.example"))
        )
    assert len(list(cache_folder.glob("packs-*.pickle"))) == datacache.KEEP_FILES


def test_a_folder_that_cannot_be_written_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    rs = RuleSet.from_sources(_sources())
    assert rs.pack("harbour").rules[0].id == "harbour/tide-table"


def test_a_changed_model_never_reads_a_parse_the_old_one_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept parse is read back by calling the model's classes with the field values it
    was written with: a class that gained a field (``Rule.unless_before``) would take an
    old file's rules with the new field quietly at its default. The key covers the
    package's code, so an edit to a model class names another file."""
    package = Path(datacache.__file__).resolve().parent
    copy = tmp_path / "cleaner"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(datacache, "__file__", str(copy / "datacache.py"))
    datacache.code_digest.cache_clear()
    try:
        before = packcache.cache_key(_sources())
        assert before
        model = copy / "model.py"
        field = "    unless_before: str | None = None\n"
        assert field in model.read_text()
        model.write_text(model.read_text().replace(field, ""))
        datacache.code_digest.cache_clear()
        assert packcache.cache_key(_sources()) != before
    finally:
        monkeypatch.undo()
        datacache.code_digest.cache_clear()


def test_a_guard_below_comes_back_from_the_kept_parse(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = HARBOUR_PACK.replace("    unless: 'said'\n", "    unless_before: '[.!?]$'\n")
    first = RuleSet.from_sources(_sources(text))
    _no_parsing(monkeypatch)
    again = RuleSet.from_sources(_sources(text))
    assert again.rule("harbour/tide-table").unless_before == "[.!?]$"
    assert again.packs == first.packs
