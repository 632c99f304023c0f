"""The Hyperscan fast path gives exactly what the pure-Python path gives."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner import Cleaner, RuleSet, hsscan
from cleaner.engine import raw_lines
from cleaner.fast import scan as python_scan
from cleaner.fixes import CONTROL_CHARACTERS, Normalization, prepare
from cleaner.matchers.base import fold

pytestmark = pytest.mark.skipif(not hsscan.AVAILABLE, reason="hyperscan is not installed")

RULES = RuleSet.load(env=False)
ACCELERATED = Cleaner(RULES, accelerate=True)
PYTHON = Cleaner(RULES, accelerate=False)
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
    if raw is None:
        return  # the Python path will take it
    lines = prepare(doc, Normalization())
    assert lines.render() == doc  # no gate fired, so normalisation changes nothing
    assert raw_lines(doc).bodies == lines.bodies
    rule_hits, fp_hits = python_scan(ACCELERATED._index, lines.bodies)
    assert raw.rule_hits == rule_hits
    assert raw.fp_hits == fp_hits


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


def test_special_characters_take_the_python_path() -> None:
    for text in ("STRA\u00dfE", "o\u212a", "\u0130stanbul", "\u017fhip", "\ufb01nal"):
        assert _SCANNER.scan(text) is None, text


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
