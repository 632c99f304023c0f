"""Properties over generated documents, and the fast engine against the reference.

Documents are built from the lines of every pack's examples (boilerplate and the article
sentences that share its words), random text with awkward characters, blank lines,
stray whitespace and CRLF endings, so that rules, guards and scopes all get exercised.
"""

from __future__ import annotations

import ftfy
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support import SCALE

from cleaner import Cleaner, RuleSet
from cleaner.fixes import _FTFY, Normalization, needs_repair, prepare
from cleaner.model import PackSource

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


# -- the positional keys, on packs generated here ---------------------------------------
#: Lines a generated pack's rules match (house headings, section names) and the lines
#: around them: prose, short teasers, lead-ins ending in a colon, blanks.
POSITIONAL_LINES = [
    "More to Read",
    "Featured",
    "Home",
    "World",
    "Sport",
    "Watch: the vote",
    "Mayor defends the new budget",
    "The following members voted against it:",
    "The council spent the evening on the budget, which passed by two votes in the end.",
    "Traders said the rally would not last past Friday, when the jobs report comes out.",
    "Stocks rose.",
    "",
]
GUARDS = [
    '^(?:\\S+\\s+){11}\\S.*[.!?\u2026]["\u201d\u2019\u00bb\u00ab\u201c)]*$',
    ":$",
    "^[A-Z]",
    "budget",
]
MATCHERS = [
    "exact: More to Read",
    "exact: Featured",
    "regex: '^(?:Home|World|Sport)$'",
    "prefix: 'Watch:'",
    "shape: {max_words: 5, final_punctuation: false}",
]


@st.composite
def positional_rule(draw: st.DrawFn, n: int, alone: bool) -> str:
    matcher = draw(st.sampled_from(MATCHERS))
    actions = ["drop-line", "cut-after", "cut-before"]
    if matcher.startswith("prefix"):
        actions.append("strip")
    lines = [f"  - id: r{n}", f"    {matcher}", f"    action: {draw(st.sampled_from(actions))}"]
    # the guard below on most rules, each other key on a few; ``alone``: no other
    # positional key, so that nothing but the guard makes the engines work out positions
    for key, values, odds in (
        ("unless_before", st.sampled_from(GUARDS), 2),
        ("unless_after", st.sampled_from(GUARDS), 4),
        ("run", st.integers(2, 3), 4),
        ("scope", st.sampled_from(["{head: 2}", "{tail: 2}"]), 4),
        ("min_lines", st.integers(2, 6), 6),
        ("repeated", st.just("true"), 6),
    ):
        if (key == "unless_before" or not alone) and draw(st.integers(1, odds)) == 1:
            value = draw(values)
            lines.append(
                f"    {key}: '{value}'" if key.startswith("unless") else f"    {key}: {value}"
            )
    return "\n".join([*lines, "    category: other", "    why: generated"])


@st.composite
def positional_packs(draw: st.DrawFn) -> RuleSet:
    alone = draw(st.booleans())
    rules = [draw(positional_rule(n, alone)) for n in range(draw(st.integers(1, 4)))]
    text = "publisher: Generated\nrules:\n" + "\n".join(rules) + "\n"
    return RuleSet.from_sources([PackSource("generated.yaml", text, "user")])


@settings(max_examples=100 * SCALE, deadline=None)
@given(positional_packs(), st.lists(st.sampled_from(POSITIONAL_LINES), max_size=14))
def test_fast_engine_equals_reference_on_positional_rules(rules: RuleSet, lines: list[str]) -> None:
    """``unless_before``, ``unless_after``, runs, scopes and cuts together: both engines
    give the same result (the fast engine proposes only some lines; the guards read the
    lines around them all the same)."""
    doc = "\n".join(lines)
    fast = Cleaner(rules, common=False, max_cut_share=1.0)
    ref = Cleaner(rules, engine="reference", time_budget=None, common=False, max_cut_share=1.0)
    assert fast.clean(doc, publisher="generated") == ref.clean(doc, publisher="generated")
