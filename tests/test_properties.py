"""Properties over generated documents, and the fast engine against the reference.

Documents are built from the lines of every pack's examples (boilerplate and the article
sentences that share its words), random text with awkward characters, blank lines,
stray whitespace and CRLF endings, so that rules, guards and scopes all get exercised.
"""

from __future__ import annotations

import ftfy
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cleaner import Cleaner, RuleSet
from cleaner.fixes import _FTFY, Normalization, needs_repair, prepare

RULES = RuleSet.load(env=False)
FAST = Cleaner(RULES)
REFERENCE = Cleaner(RULES, engine="reference", time_budget=None)  # no load-dependent pass-through
EXAMPLE_LINES = sorted(
    {line for ex in RULES.examples for line in ex.input.split("\n") if line.strip()}
)
PUBLISHERS = [None, *(p.id for p in RULES.packs if p.kind != "shared")]

awkward_text = st.text(
    alphabet=st.characters(
        codec="utf-8",
        categories=("L", "N", "P", "S", "Zs"),
        include_characters="\u00a0\u00ad\u200b\u2019\u201c\u201d\u00e9\u00c3\u00a9&;#",
    ),
    max_size=80,
)
line = st.one_of(
    st.sampled_from(EXAMPLE_LINES),
    st.sampled_from(EXAMPLE_LINES).map(lambda s: "  " + s + " "),
    awkward_text,
    st.just(""),
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(line, max_size=30))
    sep = draw(st.sampled_from(["\n", "\r\n"]))
    end = draw(st.sampled_from(["", sep]))
    return sep.join(lines) + end


context = st.fixed_dictionaries(
    {
        "publisher": st.sampled_from(PUBLISHERS),
        "date": st.sampled_from([None, "2019-01-01", "2025-06-01"]),
    }
)


@given(documents(), context)
def test_fast_engine_equals_reference(doc: str, ctx: dict[str, object]) -> None:
    fast = FAST.clean(doc, **ctx)  # type: ignore[arg-type]
    ref = REFERENCE.clean(doc, **ctx)  # type: ignore[arg-type]
    assert fast == ref


@given(documents(), st.sampled_from(PUBLISHERS))
def test_idempotent_for_fixed_packs(doc: str, publisher: str | None) -> None:
    cleaner = Cleaner(RULES, detect=False)
    once = cleaner.clean(doc, publisher=publisher).text
    twice = cleaner.clean(once, publisher=publisher)
    assert twice.text == once
    assert not twice.removals


def _subsequence(short: str, long: str) -> bool:
    """Every non-space character of ``short`` appears in ``long``, in order."""
    chars = iter("".join(long.split()))
    return all(c in chars for c in "".join(short.split()))


def _left(body: str, cuts: list[str]) -> str:
    """What remains of a line once the spans its strip removals name are cut out."""
    for cut in cuts:
        body = body.replace(cut, "", 1)
    return body.strip()


@given(documents(), context)
@example(  # a line stripped to nothing, then a one-letter line found inside it
    doc="The views and opinions expressed herein are the views and opinions of the author "
    "and do not necessarily reflect those of Nasdaq, Inc.\nl",
    ctx={"publisher": None, "date": None},
)
def test_every_missing_line_has_a_rule_and_no_text_is_invented(
    doc: str,
    ctx: dict[str, object],
) -> None:
    result = FAST.clean(doc, **ctx)  # type: ignore[arg-type]
    normal = prepare(doc, Normalization())
    stripped = {r.line for r in result.removals if r.action == "strip"}
    removed = {r.line for r in result.removals}
    cuts: dict[int, list[str]] = {}
    for r in result.removals:
        if r.action == "strip":
            cuts.setdefault(r.line, []).append(r.text)
    out = [b.rstrip("\r") for b in result.text.split("\n")] if result.text else []
    if result.text.endswith("\n"):
        out.pop()
    # output lines come from input lines, in order; a stripped line keeps only input words
    it = iter(
        zip(normal.bodies, (normal.number(i) for i in range(len(normal.bodies))), strict=False)
    )
    seen: set[int] = set()
    for body in out:
        for candidate, number in it:
            if number in removed and number not in stripped:
                continue  # dropped: an equal line further down is the one that stayed
            if number in stripped and not _left(candidate, cuts[number]):
                continue  # stripped to nothing: the line is gone
            if candidate == body or (number in stripped and _subsequence(body, candidate)):
                seen.add(number)
                break
        else:
            pytest.fail(f"output line not found in input order: {body!r}")
    for i, body in enumerate(normal.bodies):
        number = normal.number(i)
        if body and number not in seen:
            assert number in removed, f"line {number} vanished without a rule: {body!r}"
    assert all(r.rule_id and "/" in r.rule_id for r in result.removals)


@given(documents())
def test_empty_ruleset_only_normalises(doc: str) -> None:
    bare = Cleaner(RuleSet(()))
    result = bare.clean(doc)
    assert result.text == prepare(doc, Normalization()).render() or result.text == doc
    assert not result.removals and not result.packs


@given(documents(), context)
def test_never_raises(doc: str, ctx: dict[str, object]) -> None:
    FAST.clean(doc, **ctx)  # type: ignore[arg-type]
    Cleaner(RULES, normalization=Normalization.off()).clean(doc, **ctx)  # type: ignore[arg-type]


mojibake = st.text(max_size=40).map(lambda s: s.encode("utf-8").decode("latin-1") if s else s)
windows_mojibake = st.text(alphabet="éüö\u2019\u201c\u201d—…€ßçñ abc", max_size=30).map(
    lambda s: s.encode("utf-8").decode("cp1252", errors="ignore")
)


@given(st.one_of(awkward_text, mojibake, windows_mojibake, st.text(max_size=60)))
def test_repair_gate_is_sound(text: str) -> None:
    text = text.replace("\n", " ")
    if not needs_repair(text):
        assert ftfy.fix_text(text, _FTFY) == text
