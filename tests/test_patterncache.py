"""Compiled patterns kept on disk: a new process reads them back instead of parsing the
pattern again, they match exactly as a fresh compile does, and a damaged or forged
record is compiled again without running anything."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest
import regex

from cleaner import RuleSet, cache, patterncache
from cleaner.matchers.base import LazyPattern

CASELESS = regex.IGNORECASE | regex.FULLCASE


def _no_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise AssertionError(f"{args[0]!r} compiled again")

    monkeypatch.setattr(patterncache.regex, "compile", fail)


def _file(cache_folder: Path) -> Path:
    (found,) = cache_folder.glob("compiled-*.bin")
    return found


def test_a_new_process_reads_the_compiled_pattern_back(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = patterncache.compile_pattern(r"^Photo: (?:\w+ ){0,3}\w+$", CASELESS)
    plain = patterncache.compile_pattern(r"\bStrasse\b")
    patterncache.forget()  # what a new process starts with
    _no_compiling(monkeypatch)
    again = patterncache.compile_pattern(r"^Photo: (?:\w+ ){0,3}\w+$", CASELESS)
    assert again is not first
    assert again.pattern == first.pattern and again.flags == first.flags
    for line in ("PHOTO: Anna Beispiel", "photo: a b c d e", "Photos: x"):
        assert bool(again.search(line)) == bool(first.search(line))
    assert patterncache.compile_pattern(r"\bStrasse\b").search("Neue Strasse 4")
    assert plain.search("Neue Straße 4") is None  # flags are part of the key


def test_lazy_patterns_compile_through_the_cache(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert LazyPattern(r"^Now Read:", CASELESS).search("NOW READ: more")
    patterncache.forget()
    _no_compiling(monkeypatch)
    assert LazyPattern(r"^Now Read:", CASELESS).search("now read: more")


def test_builtin_patterns_come_back_the_same(cache_folder: Path) -> None:
    patterns = sorted(
        {
            p
            for pack in RuleSet.load(env=False).packs
            for rule in pack.rules
            if rule.matcher.kind == "regex"
            for p in rule.matcher.patterns
        }
    )[::20]
    fresh = [regex.compile(p, CASELESS) for p in patterns]
    for p in patterns:
        patterncache.compile_pattern(p, CASELESS)
    patterncache.forget()
    lines = ["Photo: Getty Images", "Read more: the story", "© 2024 Example Inc.", "Comments"]
    for p, want in zip(patterns, fresh, strict=True):
        got = patterncache.compile_pattern(p, CASELESS)
        assert got.groupindex == want.groupindex
        assert [bool(got.search(x)) for x in lines] == [bool(want.search(x)) for x in lines]


def test_a_bad_pattern_raises_and_is_never_kept(cache_folder: Path) -> None:
    for _ in range(2):
        with pytest.raises(regex.error):
            patterncache.compile_pattern("(unclosed")
    assert not list(cache_folder.glob("compiled-*.bin"))


def _record(payload: bytes) -> bytes:
    return patterncache._HEAD.pack(len(payload), hashlib.sha256(payload).digest()[:8]) + payload


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("a cache record ran code",))


@pytest.mark.parametrize(
    "damage", ["flip", "cut", "forged", "forged-inside", "wrong-pattern", "not-a-pattern"]
)
def test_a_damaged_or_forged_record_is_compiled_again(
    cache_folder: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    patterncache.compile_pattern("first kept")
    patterncache.compile_pattern("second kept")
    path = _file(cache_folder)
    data = path.read_bytes()
    if damage == "flip":
        data = data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:]
    elif damage == "cut":
        data = data[:-5]
    elif damage == "forged":  # the record itself would run code
        data += _record(pickle.dumps(("third", 0, _Boom())))
    elif damage == "forged-inside":  # its compiled part would, once asked for
        data += _record(pickle.dumps(("third", 0, pickle.dumps(_Boom()))))
    elif damage == "wrong-pattern":  # a good record filed under another pattern's text
        compiled = pickle.dumps(regex.compile("something else"))
        data += _record(pickle.dumps(("third", 0, compiled)))
    else:
        data += _record(pickle.dumps(("third", 0, pickle.dumps("third"))))
    path.write_bytes(data)
    patterncache.forget()
    table = patterncache._read(path)
    assert ("first kept", 0) in table  # records before the damage still read
    assert ("second kept", 0) not in table or damage not in ("flip", "cut")
    third = patterncache.compile_pattern("third")
    assert third.pattern == "third" and third.search("a third line")
    assert not third.search("something else")
    assert "ran code" not in capsys.readouterr().out
    # what was compiled again is written again, and a new process reads that record
    patterncache.forget()
    assert patterncache.compile_pattern("third").pattern == "third"
    assert "ran code" not in capsys.readouterr().out


def test_patterns_are_built_only_when_asked_for(cache_folder: Path) -> None:
    for word in ("alpha", "beta", "gamma"):
        patterncache.compile_pattern(rf"\b{word}\b")
    patterncache.forget()
    assert patterncache.compile_pattern(r"\bbeta\b").search("the beta test")
    (table,) = patterncache._tables.values()
    built = {key[0] for key, value in table.items() if isinstance(value, regex.Pattern)}
    assert built == {r"\bbeta\b"}


def test_files_of_other_releases_are_pruned(cache_folder: Path) -> None:
    cache_folder.mkdir(parents=True, exist_ok=True)
    for n in range(5):
        (cache_folder / f"compiled-old{n}.bin").write_bytes(b"")
    patterncache.compile_pattern("a new file")
    left = sorted(p.name for p in cache_folder.glob("compiled-*.bin"))
    assert len(left) == patterncache.KEEP_FILES
    assert patterncache._file(cache_folder).name in left


def test_an_oversized_file_is_started_afresh(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    patterncache.compile_pattern("kept once")
    size = _file(cache_folder).stat().st_size
    monkeypatch.setattr(patterncache, "MAX_BYTES", 10)
    patterncache.forget()
    assert patterncache.compile_pattern("kept once").search("kept once")
    assert _file(cache_folder).stat().st_size == size  # removed, then the one record written


def test_with_the_cache_off_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert patterncache.compile_pattern("nothing kept").search("nothing kept here")
    assert not list(tmp_path.rglob("compiled-*.bin"))


def test_the_file_is_readable_by_its_user_only(cache_folder: Path) -> None:
    patterncache.compile_pattern("private")
    assert _file(cache_folder).stat().st_mode & 0o077 == 0
