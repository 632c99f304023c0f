"""The Hyperscan fast path gives exactly what the pure-Python path gives."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner import Cleaner, RuleSet, cache, hsscan
from cleaner.engine import raw_lines
from cleaner.fast import rescan, scan_lines
from cleaner.fast import scan as python_scan
from cleaner.fixes import CONTROL_CHARACTERS, Normalization, prepare
from cleaner.matchers.base import fold

pytestmark = pytest.mark.skipif(not hsscan.AVAILABLE, reason="hyperscan is not installed")

RULES = RuleSet.load(env=False)
ACCELERATED = Cleaner(RULES, accelerate=True)
PYTHON = Cleaner(RULES, accelerate=False)
_GROUPED = ACCELERATED._scanner()
EXAMPLE_LINES = sorted(
    {line for ex in RULES.examples for line in ex.input.split("\n") if line.strip()}
)
tricky = st.lists(
    st.sampled_from(
        [
            *"abcKkSsIi .:-&;#\u00e9\u00c9\u00df\u017f\u212a\u0130\u0131\u2019\u201c\u00a0",
            *"\u0301\u00c3\u00a9\u03c3\u03a3\u03c2\ufb01\r\t\x85",
            "Photo: ",
            "Comments",
        ]
    ),
    max_size=20,
).map("".join)
line = st.one_of(st.sampled_from(EXAMPLE_LINES), tricky, st.just(""))


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(line, max_size=20))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


@given(documents())
def test_gates_and_hits_match_the_python_path(doc: str) -> None:
    raw = _SCANNER.scan(doc)
    assert raw is not None  # only text with lone surrogates is not scanned
    bodies = raw_lines(doc).bodies
    if raw.normal:
        lines = prepare(doc, Normalization())
        assert lines.render() == doc  # no gate fired, so normalisation changes nothing
        assert bodies == lines.bodies
    special = _SCANNER.special_lines(bodies)
    assert raw.special == bool(special)
    # gated or not, the hits are those of the raw lines (the engine uses them only when
    # normalising changed nothing), once the lines with special characters are rescanned
    index = ACCELERATED._index
    rule_hits, fp_hits = python_scan(index, bodies)
    assert rescan(index, bodies, special, raw.rule_hits, raw.fp_hits) == (rule_hits, fp_hits)
    if not special:
        assert (raw.rule_hits, raw.fp_hits) == (rule_hits, fp_hits)
    # the engine's scanner keeps the publisher packs' literals apart: together, its scans
    # find what one database over every literal finds
    grouped = _GROUPED.scan(doc)
    assert grouped is not None and grouped.fp_hits == raw.fp_hits
    shared = {r.index for r in index.rules if r.rule.pack == "common"}
    assert {r for _, r in grouped.rule_hits} <= shared
    everything = _GROUPED.scan_groups(grouped, _GROUPED.groups).union(grouped.rule_hits)
    assert sorted(everything) == raw.rule_hits
    # and so do the Python path's automata, the shared one and the packs' ones
    base = python_scan(index, bodies, (None,))[0]
    assert {r for _, r in base} <= shared
    by_pack = python_scan(index, bodies, sorted(set(index.groups.values())))[0]
    assert sorted(set(base).union(by_pack)) == rule_hits
    # the engine's split rescan: shared literals first, the packs' ones for the same
    # lines once the packs are known
    first, fps = rescan(index, bodies, special, grouped.rule_hits, grouped.fp_hits, (None,))
    later = scan_lines(index, bodies, special, sorted(set(index.groups.values())))
    packs_hits = _GROUPED.scan_groups(grouped, _GROUPED.groups)
    assert fps == fp_hits
    # every hit, and more only where the byte scan read a special line (a proposal the
    # rule's regex then turns down)
    found = set(first) | later | packs_hits
    assert found >= set(rule_hits)
    assert {line for line, _ in found - set(rule_hits)} <= set(special)


def test_normal_text_in_other_scripts_keeps_the_hyperscan_hits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cyrillic, Greek or CJK text trips the mojibake gate on every page (two non-ASCII
    characters in a row); when normalising changes nothing, the scan's hits stand and the
    Python literal scan is not run."""
    doc = "\u041d\u043e\u0432\u043e\u0441\u0442\u0438 \u0434\u043d\u044f.\nPhoto: Shutterstock\n"
    raw = _SCANNER.scan(doc)
    assert raw is not None and not raw.normal
    expected = PYTHON.clean(doc)
    import cleaner.fast

    def no_python_scan(*_: object) -> None:
        raise AssertionError("the Python literal scan ran")

    monkeypatch.setattr(cleaner.fast, "scan", no_python_scan)
    assert ACCELERATED.clean(doc) == expected
    assert "Shutterstock" not in expected.text


def test_text_that_normalising_changes_is_scanned_again() -> None:
    """Mojibake repaired (and a blank-line run squeezed) moves or changes lines: the raw
    hits would be wrong, so the prepared lines are scanned again."""
    for doc in ("Caf\u00c3\u00a9 news.\nPhoto: Reuters", "Rates rose.\n\n\n\nPhoto: AP"):
        raw = _SCANNER.scan(doc)
        assert raw is not None and not raw.normal
        assert ACCELERATED.clean(doc) == PYTHON.clean(doc)


@given(documents(), st.sampled_from([None, "benzinga", "reuters", "ap", "nasdaq"]))
def test_accelerated_cleaner_equals_python_cleaner(doc: str, publisher: str | None) -> None:
    assert ACCELERATED.clean(doc, publisher=publisher) == PYTHON.clean(doc, publisher=publisher)


def test_tables_cover_every_code_point() -> None:
    """Nothing above the scan limit folds specially or can make a text not NFC."""
    for cp in range(hsscan._SCAN_LIMIT, 0x110000):
        c = chr(cp)
        f = fold(c)
        assert f == c or (len(f) == 1 and not f.isascii()), hex(cp)
        assert not unicodedata.combining(c) and unicodedata.is_normalized("NFC", c), hex(cp)


def test_special_characters_are_rescanned_line_by_line() -> None:
    for text in ("STRA\u00dfE", "o\u212a", "\u0130stanbul", "\u017fhip", "\ufb01nal"):
        raw = _SCANNER.scan(f"Plain line.\n{text}")
        assert raw is not None and raw.special, text
        assert _SCANNER.special_lines(["Plain line.", text]) == [1]
    assert _SCANNER.scan("Lone \ud800 surrogate") is None


def test_literals_that_only_folding_finds_are_found() -> None:
    """Literals spelt with a Kelvin sign or a long s fold to what the byte patterns
    cannot see; those lines are rescanned, so the accelerated cleaner removes what the
    Python one removes, and the other lines keep their Hyperscan hits."""
    doc = (
        "Stra\u00dfe closed for a day.\nPhoto: Reuters\n\u212aommentare laden\n"
        "Your email addre\u017fs will not be published.\nThe road opens on Monday.\n"
    )
    result = ACCELERATED.clean(doc)
    assert result == PYTHON.clean(doc)
    assert result.text == "Stra\u00dfe closed for a day.\nThe road opens on Monday.\n"


def test_non_ascii_literal_variants_match() -> None:
    rs = RuleSet.from_sources(
        [
            __import__("cleaner.model", fromlist=["PackSource"]).PackSource(
                "acme.yaml",
                "publisher: Acme\nrules:\n  - {id: pub, exact: 'Publicit\u00e9', ignore_case: true,"
                " category: advertisement, why: w}\n",
            )
        ]
    )
    fast = Cleaner(rs, accelerate=True)
    for line in ("Publicit\u00e9", "PUBLICIT\u00c9", "publicit\u00e9"):
        result = fast.clean(f"Story.\n{line}", publisher="acme")
        assert result.text == "Story.", line


_SCANNER = (
    hsscan.HyperscanScanner(Cleaner(RULES)._index.literal_targets, CONTROL_CHARACTERS)
    if hsscan.AVAILABLE
    else None
)


TINY = {("now read:", 1): (0,), ("photo:", 0): (1,)}
DOC = "Rates rose.\nNow Read: more\nPhoto: x"


def _hits(scanner: hsscan.HyperscanScanner) -> list[tuple[int, int]] | None:
    raw = scanner.scan(DOC)
    return None if raw is None else raw.rule_hits


def test_database_is_cached_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    first = hsscan.HyperscanScanner(TINY, CONTROL_CHARACTERS)
    files = list(tmp_path.glob("hs-*.db"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    os.utime(files[0], ns=(stamp - 10**9, stamp - 10**9))
    second = hsscan.HyperscanScanner(TINY, CONTROL_CHARACTERS)
    assert list(tmp_path.glob("hs-*.db")) == files  # loaded, not rebuilt under a new name
    assert files[0].stat().st_mtime_ns > stamp - 10**9  # touched on use
    assert _hits(first) == _hits(second) == [(1, 0), (2, 1)]
    other = hsscan.HyperscanScanner({("comments", 2): (0,)}, CONTROL_CHARACTERS)
    assert len(list(tmp_path.glob("hs-*.db"))) == 2  # other literals: another database
    assert other.scan("Comments").rule_hits == [(0, 0)]  # type: ignore[union-attr]


def test_group_literals_are_scanned_for_the_groups_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    targets = {**TINY, ("more", 0): (2, 0)}
    scanner = hsscan.HyperscanScanner(targets, CONTROL_CHARACTERS, {1: "acme", 2: "acme"})
    raw = scanner.scan(DOC)
    assert raw is not None and raw.rule_hits == [(1, 0)]  # rule 0 is in no group
    assert scanner.scan_groups(raw, ["acme"]) == {(1, 2), (2, 1)}
    assert scanner.scan_groups(raw, ["other", "common"]) == set()
    # one cache file holds all of a scanner's databases, and loading it gives the same
    assert len(list(tmp_path.glob("hs-*.db"))) == 1
    again = hsscan.HyperscanScanner(targets, CONTROL_CHARACTERS, {1: "acme", 2: "acme"})
    assert len(list(tmp_path.glob("hs-*.db"))) == 1
    raw = again.scan(DOC)
    assert raw is not None and again.scan_groups(raw, ["acme"]) == {(1, 2), (2, 1)}


@pytest.mark.parametrize("damage", ["none", "cut", "forged", "shape"])
def test_prepared_patterns_are_kept_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """Writing out every literal's pattern is kept like the databases: a second scanner
    reads it back (no pattern written again) and finds the same; a damaged or forged
    file is prepared again."""
    import pickle

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    targets = {**TINY, ("caf\u00e9 ", 0): (2,), ("gr\u00fc\u00dfe", 1): (3,)}
    groups = {2: "acme", 3: "acme"}
    doc = DOC + "\nCAF\u00c9 au lait\nGr\u00fc\u00dfe aus Kiel"
    first = hsscan.HyperscanScanner(targets, CONTROL_CHARACTERS, groups)
    (kept,) = tmp_path.glob("hs-patterns-*.pickle")
    if damage == "cut":
        kept.write_bytes(kept.read_bytes()[:-20])
    elif damage == "forged":
        kept.write_bytes(pickle.dumps(print))
    elif damage == "shape":
        kept.write_bytes(pickle.dumps(([b"x"], [], {}, "")))
    real = hsscan._literals
    if damage == "none":

        def fail(*args: object) -> object:
            raise AssertionError("patterns written again")

        monkeypatch.setattr(hsscan, "_literals", fail)
    else:
        monkeypatch.setattr(hsscan, "_literals", real)
    second = hsscan.HyperscanScanner(targets, CONTROL_CHARACTERS, groups)
    for scanner in (first, second):
        raw = scanner.scan(doc)
        assert raw is not None and raw.rule_hits == [(1, 0), (2, 1)]
        assert scanner.scan_groups(raw, ["acme"]) == {(3, 2), (4, 3)}
        assert scanner.special_lines(["Gro\u00dfe", "plain"]) == [0]


@pytest.mark.parametrize(
    ("doc", "line"),
    [
        ("y" * 20 + ")\n", 0),  # a one-character literal before the text's last newline
        ("Intro line.\n" + "y" * 30 + ")", 1),  # ... and at the very end
        ("(Anna Beispiel, Max Muster, 3.5.2024)\n", 0),  # found by the property test above
    ],
)
def test_hits_at_the_end_of_the_text_are_found(
    doc: str, line: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hyperscan misses some matches in the last bytes of a buffer when its database holds
    other patterns too; the scanner pads the text so that none falls there."""
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    targets = {(")", 3): (0,), ("zz", 0): (1,), ("ad", 0): (2,)}
    scanner = hsscan.HyperscanScanner(targets, CONTROL_CHARACTERS, {0: "acme"})
    raw = scanner.scan(doc)
    assert raw is not None
    assert scanner.scan_groups(raw, ["acme"]) == {(line, 0)}
    assert hsscan.HyperscanScanner(targets, CONTROL_CHARACTERS).scan(doc).rule_hits == [(line, 0)]  # type: ignore[union-attr]
    ending = hsscan.HyperscanScanner(targets, CONTROL_CHARACTERS).scan("y" * 20 + " ad")
    assert ending is not None and ending.rule_hits == [(0, 2)]


def test_gates_read_the_end_of_the_text_not_the_padding() -> None:
    for doc, normal in [("One line.\n", True), ("One line.", True), ("One line.\n\n", False)]:
        raw = _GROUPED.scan(doc)
        assert raw is not None and raw.normal is normal, doc


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "foreign"])
def test_damaged_cache_file_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    hsscan.HyperscanScanner(TINY, CONTROL_CHARACTERS)
    (path,) = tmp_path.glob("hs-*.db")
    data = path.read_bytes()
    if damage == "flip":
        data = data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:]
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "empty":
        data = b""
    else:  # a valid checksum over bytes that are not a database
        import hashlib

        payload = b"not a hyperscan database" * 10
        data = hashlib.sha256(payload).digest() + payload
    path.write_bytes(data)
    scanner = hsscan.HyperscanScanner(TINY, CONTROL_CHARACTERS)
    assert _hits(scanner) == [(1, 0), (2, 1)]
    assert path.read_bytes() != data  # replaced by a good one


def test_cache_off_and_unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    assert cache.cache_dir() is None
    assert _hits(hsscan.HyperscanScanner(TINY, CONTROL_CHARACTERS)) == [(1, 0), (2, 1)]
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    assert _hits(hsscan.HyperscanScanner(TINY, CONTROL_CHARACTERS)) == [(1, 0), (2, 1)]
    monkeypatch.delenv(cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "boilerclean"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "boilerclean"
    monkeypatch.delenv("HOME")
    monkeypatch.setattr(os.path, "expanduser", lambda p: p)  # no home at all
    assert cache.cache_dir() is None


def test_cache_keeps_the_most_recently_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    for k in range(hsscan.KEEP + 3):
        hsscan.HyperscanScanner({(f"word{k}x", 0): (0,)}, CONTROL_CHARACTERS)
    assert len(list(tmp_path.glob("hs-*.db"))) == hsscan.KEEP


def test_the_same_rules_give_the_same_database_in_every_process(tmp_path: Path) -> None:
    """Set iteration order differs between processes (hash randomisation); the database
    must not, or the cache would never hit."""
    import shutil
    import subprocess
    import sys

    rules = tmp_path / "rules"  # a snapshot: the packs must not change between the runs
    shutil.copytree(Path(__file__).resolve().parent.parent / "rules", rules)
    code = (
        "import sys; from cleaner import Cleaner, RuleSet; "
        "Cleaner(RuleSet.load([sys.argv[1]], builtin=False), accelerate=True).accelerate()"
    )
    folder = tmp_path / "cache"
    env = {**os.environ, cache.CACHE_ENV: str(folder)}
    for seed in ("1", "2"):
        subprocess.run(
            [sys.executable, "-c", code, str(rules)],
            env={**env, "PYTHONHASHSEED": seed},
            check=True,
        )
    assert len(list(folder.glob("hs-*.db"))) == 1
