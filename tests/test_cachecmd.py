"""``clean cache``: listing, clearing and warming the cache folder from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import HARBOUR_PACK

from cleaner import Cleaner, cache, patterncache
from cleaner.cli import main

#: The pack with both guards on its rule: warming compiles them too.
GUARDED_PACK = HARBOUR_PACK.replace(
    "    unless: 'said'\n",
    "    unless: 'said'\n    unless_after: ':$'\n    unless_before: '^Tides? (?:are|were)\\b'\n",
)


@pytest.fixture(params=["plain", "guarded"])
def packs(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    d = tmp_path / "packs"
    d.mkdir()
    text = GUARDED_PACK if request.param == "guarded" else HARBOUR_PACK
    (d / "harbour.yaml").write_text(text, encoding="utf-8")
    return d


def test_warm_fills_the_folder_so_that_nothing_is_compiled_again(
    cache_folder: Path,
    packs: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["cache", "warm", "--no-builtin", "--rules", str(packs)]) == 0
    out = capsys.readouterr().out
    assert "1 packs loaded" in out and "patterns compiled" in out
    assert list(cache_folder.glob("packs-*.pickle")) and list(cache_folder.glob("compiled-*.bin"))
    patterncache.forget()  # a new process

    def fail(*args: object) -> None:
        raise AssertionError(f"{args[0]!r} compiled again")

    monkeypatch.setattr(patterncache.regex, "compile", fail)
    cleaner = Cleaner(rule_dirs=[packs], builtin=False, accelerate=False)
    text = "Boats left at dawn.\nTide table for Monday\n© 2025 Harbour Gazette Ltd."
    assert cleaner.clean(text).text == "Boats left at dawn.\n© 2025 Harbour Gazette Ltd."


def test_info_lists_each_kind_and_clear_leaves_other_files(
    cache_folder: Path, packs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "warm", "--no-builtin", "--rules", str(packs)]) == 0
    (cache_folder / "notes.txt").write_text("not ours", encoding="utf-8")
    capsys.readouterr()
    assert main(["cache"]) == 0
    info = capsys.readouterr().out
    assert str(cache_folder) in info
    assert "parsed packs (packs-*.pickle)" in info and "compiled patterns" in info
    assert main(["cache", "clear"]) == 0
    assert "removed" in capsys.readouterr().out
    assert [p.name for p in cache_folder.iterdir()] == ["notes.txt"]
    assert main(["cache", "info"]) == 0
    assert "   0 file(s)      0.0 MB  in all" in capsys.readouterr().out


def test_with_the_cache_off_it_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    for action in ([], ["clear"], ["warm"]):
        assert main(["cache", *action]) == 0
        assert "cache: off" in capsys.readouterr().out


def test_an_unknown_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["cache", "empty"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
