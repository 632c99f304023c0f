"""The pure-Python prefilter finds every anchored literal hit, and nothing else.

One automaton reads the folded text with a line break put in front, so that a literal
that must open its line is the literal after a line break; these tests compare it with
a plain reading of the anchors, line by line."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cleaner.compiled import Targets, _automata, _scan
from cleaner.matchers.base import ANYWHERE, LINE_END, LINE_START, WHOLE_LINE, anchored_ok

ANCHORS = (ANYWHERE, LINE_START, WHOLE_LINE, LINE_END)
letters = st.text(alphabet="ab ", min_size=1, max_size=3)
targets = st.dictionaries(
    st.tuples(letters, st.sampled_from(ANCHORS)),
    st.lists(st.integers(-3, 5), min_size=1, max_size=3, unique=True).map(tuple),
    max_size=8,
)
texts = st.lists(st.text(alphabet="ab ", max_size=8), min_size=1, max_size=6).map("\n".join)


def plain_reading(folded: str, found: Targets) -> set[tuple[int, int]]:
    """Every (line, target) of a literal found at a place its anchor allows."""
    out: set[tuple[int, int]] = set()
    for i, line in enumerate(folded.split("\n")):
        for (lit, anchor), ids in found.items():
            start = line.find(lit)
            while start >= 0:
                end = start + len(lit)
                if anchored_ok(anchor, start == 0, end == len(line)):
                    out.update((i, t) for t in ids)
                start = line.find(lit, start + 1)
    return out


@given(targets, texts)
def test_scan_finds_what_a_plain_reading_finds(found: Targets, folded: str) -> None:
    assert set(_scan(folded, _automata(found))) == plain_reading(folded, found)


def test_line_start_literals_hit_only_where_a_line_opens() -> None:
    found: Targets = {
        ("by", LINE_START): (1,),
        ("by", ANYWHERE): (2,),
        ("comments", WHOLE_LINE): (3,),
        ("read more", LINE_END): (-1,),
    }
    folded = "by jane\nstand by me\ncomments\n3 comments\nplease read more"
    assert sorted(set(_scan(folded, _automata(found)))) == [
        (0, 1),
        (0, 2),
        (1, 2),
        (2, 3),
        (4, -1),
    ]


def test_no_literal_no_automaton() -> None:
    assert _automata({}) is None
    assert _automata({("", LINE_START): (1,)}) is None
    assert list(_scan("anything", None)) == []
