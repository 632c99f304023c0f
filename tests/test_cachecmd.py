"""``clean cache``: listing, clearing and warming the cache folder from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner, cache, patterncache
from cleaner.cli import main

PACK = """\
publisher: Harbour Gazette
domains: [harbour.example]
fingerprints:
  - '© \\d{4} Harbour Gazette Ltd\\.'
rules:
  - id: tide-table
    regex: '^Tide table for (?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day$'
    category: related-link
    why: the tide-table link under every notice
    unless: 'said'
examples:
  - name: link-goes
    input: "Boats left at dawn.\\nTide table for Monday"
    expected: "Boats left at dawn."
    fires: [tide-table]
  - name: prose-stays
    input: "The tide table for Monday was wrong, the harbour master said."
    unchanged: true
    near_miss_for: [tide-table]
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    patterncache.forget()
    yield tmp_path / "cache"
    patterncache.forget()


@pytest.fixture
def packs(tmp_path: Path) -> Path:
    d = tmp_path / "packs"
    d.mkdir()
    (d / "harbour.yaml").write_text(PACK, encoding="utf-8")
    return d


def test_warm_fills_the_folder_so_that_nothing_is_compiled_again(
    folder: Path, packs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "warm", "--no-builtin", "--rules", str(packs)]) == 0
    out = capsys.readouterr().out
    assert "1 packs loaded" in out and "patterns compiled" in out
    assert list(folder.glob("packs-*.pickle")) and list(folder.glob("compiled-*.bin"))
    patterncache.forget()  # a new process

    def fail(*args: object) -> None:
        raise AssertionError(f"{args[0]!r} compiled again")

    monkeypatch.setattr(patterncache.regex, "compile", fail)
    cleaner = Cleaner(rule_dirs=[packs], builtin=False, accelerate=False)
    text = "Boats left at dawn.\nTide table for Monday\n© 2025 Harbour Gazette Ltd."
    assert cleaner.clean(text).text == "Boats left at dawn.\n© 2025 Harbour Gazette Ltd."


def test_info_lists_each_kind_and_clear_leaves_other_files(
    folder: Path, packs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "warm", "--no-builtin", "--rules", str(packs)]) == 0
    (folder / "notes.txt").write_text("not ours", encoding="utf-8")
    capsys.readouterr()
    assert main(["cache"]) == 0
    info = capsys.readouterr().out
    assert str(folder) in info
    assert "parsed packs (packs-*.pickle)" in info and "compiled patterns" in info
    assert main(["cache", "clear"]) == 0
    assert "removed" in capsys.readouterr().out
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
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
