"""Matchers: the literal kinds, the regex kind, and the required-literal extraction the fast
engine's prefilter relies on (``cleaner/matchers/factors.py``).

The prefilter contract: every line a rule's pattern matches contains, once folded the way
the fast engine folds it (``cleaner.matchers.base.fold``: ``casefold()`` without the
combining dot U+0307), one of the rule's literals. If that is ever false, the fast engine
silently keeps a line the reference engine removes, so most tests here check that contract
from some angle.
"""

from __future__ import annotations

import itertools

import pytest
import regex
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, RuleSet
from cleaner.matchers import MATCHER_KINDS, compile_matcher
from cleaner.matchers.base import CompiledMatcher, fold
from cleaner.matchers.factors import (
    MAX_FANOUT,
    MIN_LITERAL,
    anchored_literals,
    required_literals,
)
from cleaner.matchers.literal import compile_contains, compile_exact, compile_prefix
from cleaner.matchers.pattern import compile_regex
from cleaner.model import MATCH_KINDS, Matcher, PackSource


def hits(m: CompiledMatcher, line: str) -> bool:
    return m.pattern.search(line) is not None


def contract_holds(m: CompiledMatcher | frozenset[str] | None, line: str) -> bool:
    """A matched line contains one of the literals, case-folded (None: no claim made)."""
    literals = m.literals if isinstance(m, CompiledMatcher) else m
    if literals is None:
        return True
    folded = fold(line)
    if isinstance(m, CompiledMatcher):  # each literal at its own anchor
        return any(_at_anchor(folded, lit, anchor) for lit, anchor in m.targets())
    return any(lit in folded for lit in literals)


def _at_anchor(folded: str, lit: str, anchor: int) -> bool:
    if anchor == 1:
        return folded.startswith(lit)
    if anchor == 2:
        return folded == lit
    if anchor == 3:
        return folded.endswith(lit)
    return lit in folded


def test_registry_covers_every_kind():
    assert set(MATCHER_KINDS) == set(MATCH_KINDS)
    for kind in MATCH_KINDS:
        patterns = ("max_words=3",) if kind == "shape" else ("Comments",)
        m = compile_matcher(Matcher(kind, patterns, False))  # type: ignore[arg-type]
        assert m.predicate("Comments") if m.predicate else hits(m, "Comments")


# -- prefix / exact / contains ------------------------------------------------------------


def test_prefix_matches_only_at_the_start():
    m = compile_prefix(("Now Read:", "Read Next:"), False)
    assert hits(m, "Now Read: Five umbrellas that survived the storm")
    assert hits(m, "Read Next: Rates")
    assert hits(m, "Now Read:")
    assert not hits(m, "Editors said Now Read: was confusing")
    assert not hits(m, "Now read: lower case")
    assert not hits(m, "Now Read")


def test_exact_matches_only_the_whole_line():
    m = compile_exact(("Comments", "Leave a comment"), False)
    assert hits(m, "Comments")
    assert hits(m, "Leave a comment")
    assert not hits(m, "Comments (12)")
    assert not hits(m, "No Comments")
    assert not hits(m, "comments")
    assert not hits(m, "Comments\n")


def test_contains_matches_anywhere():
    m = compile_contains(("Getty Images",), False)
    assert hits(m, "Photo: Getty Images")
    assert hits(m, "Getty Images / Staff")
    assert hits(m, "Getty Images")
    assert not hits(m, "getty images")
    assert not hits(m, "Getty  Images")


@pytest.mark.parametrize(
    ("compile_", "line"),
    [
        (compile_prefix, "NOW READ: x"),
        (compile_prefix, "now read: x"),
        (compile_exact, "COMMENTS"),
        (compile_exact, "cOmMeNtS"),
        (compile_contains, "photo: GETTY IMAGES"),
    ],
)
def test_ignore_case(compile_, line: str):
    patterns = {
        compile_prefix: ("Now Read:",),
        compile_exact: ("Comments",),
        compile_contains: ("Getty Images",),
    }[compile_]
    assert not hits(compile_(patterns, False), line)
    m = compile_(patterns, True)
    assert hits(m, line)
    assert contract_holds(m, line)


@pytest.mark.parametrize("compile_", [compile_prefix, compile_exact, compile_contains])
@pytest.mark.parametrize(
    ("pattern", "line"),
    [
        ("STRASSE", "Straße"),
        ("Straße", "STRASSE"),
        ("Straße", "strasse"),
        ("strasse", "STRAẞE"),  # capital sharp s
        ("Fußball-Ergebnisse", "FUSSBALL-ERGEBNISSE"),
    ],
)
def test_ignore_case_folds_case_fully(compile_, pattern: str, line: str):
    m = compile_((pattern,), True)
    assert hits(m, line)
    assert contract_holds(m, line)
    assert not hits(compile_((pattern,), False), line)


def test_literals_are_escaped():
    m = compile_exact(("(c) Acme Inc. All rights reserved.", "$5 off*", "a+b? [x]"), False)
    assert hits(m, "(c) Acme Inc. All rights reserved.")
    assert hits(m, "$5 off*")
    assert hits(m, "a+b? [x]")
    assert not hits(m, "(c) Acme Inc! All rights reserved!")
    assert not hits(m, "c Acme Inc. All rights reserved.")
    assert not hits(m, "$5 offff")
    assert not hits(m, "ab x")


def test_longest_literal_wins_for_strip():
    m = compile_contains(("Read", "Read More:", "Read More"), False)
    match = m.pattern.search("Stocks fell. Read More: why")
    assert match is not None
    assert match.group() == "Read More:"


def test_literal_kinds_require_their_own_literals_case_folded():
    m = compile_prefix(("Now Read:", "STRASSE", "Straße"), False)
    assert m.literals == frozenset({"now read:", "strasse"})
    assert compile_exact(("Comments",), True).literals == frozenset({"comments"})
    assert compile_contains(("Getty Images",), False).literals == frozenset({"getty images"})


def test_too_short_literal_means_every_line():
    assert MIN_LITERAL == 2
    assert compile_exact(("Ad", "Advertisement"), False).literals == frozenset(
        {"ad", "advertisement"}
    )
    assert compile_exact(("A", "Advertisement"), False).literals is None
    assert compile_contains(("©",), False).literals == frozenset({"©"})  # rare symbol: usable
    assert compile_contains(("\u2019",), False).literals is None  # common punctuation: not
    assert compile_contains(("é",), False).literals is None  # a letter: not


@pytest.mark.parametrize(
    ("compile_", "patterns", "ignore_case", "line"),
    [
        (compile_exact, ("Comments",), True, "COMMENTS"),
        (compile_prefix, ("Read more:",), True, "READ MORE: x"),
        (compile_contains, ("Straße",), True, "Die STRASSE ist gesperrt"),
        (compile_contains, ("ﬁnance",), True, "Yahoo FINANCE"),  # the ligature folds to fi
        (compile_exact, ("Σχόλια",), True, "ΣΧΌΛΙΑ"),
        (compile_exact, ("Kommentare",), True, "KOMMENTARE"),
        # regex's case-insensitive match sees a plain "i" in "İ"; casefold() gives "i̇"
        (compile_exact, ("istanbul desk",), True, "İSTANBUL DESK"),
        (compile_contains, ("izmir",), True, "Reporting from İZMİR"),
        pytest.param(
            compile_exact,
            ("Yorumlar için t\u0131klay\u0131n",),
            True,
            "YORUMLAR İÇİN TIKLAYIN",
            id="dotless-i-in-the-literal",
        ),
        pytest.param(
            compile_exact,
            ("IRAK",),
            True,
            "\u0131rak",
            id="dotless-i-in-the-line",
        ),
    ],
)
def test_literal_matcher_contract(compile_, patterns, ignore_case: bool, line: str):
    m = compile_(patterns, ignore_case)
    assert hits(m, line)
    assert contract_holds(m, line)


# -- the regex kind -----------------------------------------------------------------------


def test_regex_kind_searches_and_extracts_literals():
    m = compile_regex((r"^Photo: (?:Shutterstock|Getty Images)$",), False)
    assert hits(m, "Photo: Shutterstock")
    assert hits(m, "Photo: Getty Images")
    assert not hits(m, "Photo: Reuters")
    assert not hits(m, "photo: Shutterstock")
    assert m.literals == frozenset({"photo: shutterstock", "photo: getty images"})


def test_regex_kind_is_not_anchored_for_you():
    m = compile_regex((r"Now Read:",), False)
    assert hits(m, "Editors: Now Read: x")


def test_regex_kind_ignore_case():
    m = compile_regex((r"^Photo by \w+$",), True)
    assert m.pattern.flags & regex.IGNORECASE
    assert hits(m, "PHOTO BY JANE")
    assert contract_holds(m, "PHOTO BY JANE")
    assert not compile_regex((r"^Photo by \w+$",), False).pattern.flags & regex.IGNORECASE


def test_regex_kind_reads_unicode_properties_as_one_character_classes():
    m = compile_regex((r"^\p{Lu}\p{Ll}+ contributed to this report\.$",), False)
    assert hits(m, "Émile contributed to this report.")
    assert contract_holds(m, "Émile contributed to this report.")
    assert m.literals == frozenset({" contributed to this report."})
    # \P, \pL and a property inside a set end a literal run like any class
    assert required_literals(r"^By \P{L}\pL[\p{L}.-]+ staff$") == frozenset({" staff"})
    # an escaped backslash before "p" is a literal backslash, not a property
    assert required_literals(r"^ab\\pc$") == frozenset({"ab\\pc"})


def test_regex_kind_does_not_guess_on_regex_only_syntax():
    assert compile_regex((r"^(?V1)[[:alpha:]--x]+ said$",), False).literals is None


def test_regex_kind_raises_on_a_bad_pattern_when_it_is_compiled():
    """Compiling is put off until a document needs the pattern; the loader compiles
    every pattern no earlier run has checked, so packs still report bad patterns."""
    m = compile_regex((r"^Now (Read",), False)
    with pytest.raises(regex.error):
        m.pattern.search("Now Read")


# -- required literals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"^(?:Now|Read) Next:\s+\w+", {"now next:", "read next:"}),
        (r"^(Photo|Image): \w+", {"photo: ", "image: "}),
        (r"^Photo: (?:Shutterstock|Getty Images)$", {"photo: shutterstock", "photo: getty images"}),
        (r"^Now Read: .+$", {"now read: "}),
        (r"^\d{1,4} Comments$", {" comments"}),
        (r"Copyright \d{4}|All rights reserved", {"copyright ", "all rights reserved"}),
        (r"(?i)^PHOTO BY ", {"photo by "}),
        (r"^Photos? by \w+", {"photo by ", "photos by "}),  # the optional "s" fans out
        (r"(?:Read|See) (?:more|also):", {"read more:", "read also:", "see more:", "see also:"}),
        (r"(?=Sponsored)Sponsored by", {"sponsored by"}),
        (r"^Straße gesperrt", {"strasse gesperrt"}),
        (r"(?:Getty Images)+", {"getty images"}),
        (r"^[Ss]ubscribe now", {"subscribe now"}),
        (r"^\d+%$", frozenset({"%"})),
        (r"a|bc", None),  # "a" is too short, so one branch has no literal
        (r"^(?:Photo|\d+):", None),
        (r"^(?:Getty Images)?\s*$", None),  # optional: not required
        (r"\w+ \d+", None),
        (r"©", frozenset({"©"})),
        ("\u2019", None),
    ],
)
def test_required_literals(pattern: str, expected: set[str] | None):
    result = required_literals(pattern)
    assert result == (None if expected is None else frozenset(expected))


def test_required_literals_fan_out_is_capped_and_sound():
    groups = [
        "(?:aa|bb)",
        "(?:cc|dd)",
        "(?:ee|ff)",
        "(?:gg|hh)",
        "(?:ii|jj)",
        "(?:kk|ll)",
        "(?:mm|nn)",
        "(?:oo|pp)",
        "(?:qq|rr)",
        "(?:ss|tt)",
    ]
    pattern = "".join(groups)
    literals = required_literals(pattern)
    assert literals is not None
    assert len(literals) <= MAX_FANOUT
    for choice in itertools.product(*[(g[3:5], g[6:8]) for g in groups]):
        line = "".join(choice)
        assert regex.fullmatch(pattern, line)
        assert contract_holds(literals, line), line


REGEX_ONLY = [
    r"[[:alpha:]]+ Comments",
    r"^Comments [[:digit:]]+$",
    r"(?V1)^Comments [[a-z]--[aeiou]]+$",
    r"(?iV1)^Photo credit",
    r"(?V0)^Photo credit",
    r"\mPhoto credit\M",
    r"(?r)Photo credit",
    r"(?f)Photo credit",
    r"(?w)^Photo credit\b",
    r"(?|(Photo)|(Image)) credit",
    r"(?<who>Photo) credit",
    r"\X Photo credit",
    r"(?:Photo credit){e<=1}",
    r"(?:Photo credit){i<=1,d<=1}",
    r"(?e)(?:Photo credit){s<=2}",
]


@pytest.mark.parametrize(
    ("pattern", "line", "literal"),
    [
        (r"\p{L}+ Comments", "Émile Comments", " comments"),
        (r"^Comments \p{Lu}", "Comments Ä", "comments "),
        (r"^\P{N}\d+ Kommentare$", "x12 Kommentare", " kommentare"),
    ],
)
def test_unicode_properties_keep_the_literals_around_them(pattern: str, line: str, literal: str):
    assert regex.search(pattern, line)
    literals = required_literals(pattern)
    assert literals == frozenset({literal})
    assert contract_holds(literals, line)


@pytest.mark.parametrize(
    "pattern",
    [*REGEX_ONLY, r"(?:Photo credit){1<=e<=2}", r"(?:Photo credit){2i+1d<=3}"],
)
def test_regex_only_syntax_gives_no_literals(pattern: str):
    regex.compile(pattern)  # valid for the regex module, which is what rules use
    assert required_literals(pattern) is None


def test_fuzzy_match_keeps_the_contract():
    m = compile_regex((r"^(?:Photo credit){1<=e<=2}$",), False)
    assert hits(m, "Phota credit")
    assert contract_holds(m, "Phota credit")


# -- the property: literals are really required --------------------------------------------

#: Representative rule regexes: anchored and not, alternations, groups, optional parts,
#: classes, repeats, inline flags, non-ASCII.
PROPERTY_PATTERNS = [
    r"Read more",
    r"^Now Read: .+$",
    r"^(?:Now|Read) Next:\s+\w+",
    r"^(Photo|Image): \w+",
    r"^Photo: (?:Shutterstock|Getty Images)$",
    r"(?i)^photo by [a-z]+",
    r"(?i)sign up for our newsletter",
    r"^\d{1,4} Comments?$",
    r"^(?:Featured )?(?:Photo|Image)s?(?: credit)?:\s*\S{1,20}$",
    r"^©\s*\d{4} Acme Media(?:, Inc\.)?$",
    r"Copyright \d{4}|All rights reserved",
    r"^(?:Share|Tweet|Email)(?: this)?$",
    r"(?:Click|Tap) here to (?:subscribe|sign up)",
    r"^[A-Z][a-z]+ contributed to this report\.$",
    r"^Follow (?:us|Acme) on (?:Twitter|X|Facebook)",
    r"^(?:Advertisement|Sponsored)(?: - Scroll to continue)?$",
    r"^\(Reporting by [^)]{1,40}\)$",
    r"(?:This (?:article|story) (?:was )?)?originally appeared on [A-Za-z]+\.com",
    r"^(?i:related):\s*.{1,30}$",
    r"(?:ab|cd)+ef",
    r"^(?:Read|See) (?:more|also): ",
    r"\bnewsletter\b",
    r"^[Ss]ubscribe (?:now|today)",
    r"^(?:Disclaimer: ?)?This content was (?:partially )?produced with AI\.?$",
    r"^(?P<who>Reuters|AP) - ",
    r"(?i)STRASSE|Straße",
    r"^Listen to this article(?: \(\d+ min\))?$",
    r"^(?:Updated|Published):? \w{3} \d{1,2}, \d{4}",
    r"Watch: .+ \| Video",
    r"(?:\s|^)#(?:ad|sponsored)\b",
    r"^(?:Get|Download) the (?:Acme )?app(?: for (?:iOS|Android))?$",
    r"(?i)^(?:Anzeige|Werbung|Publicité)$",
]

# Scale with the active profile (conftest: "ci" 150, "long" 5000) but keep the default fast.
PROPERTY_SETTINGS = settings(
    max_examples=max(25, settings.default.max_examples // 5),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_property_patterns_mostly_have_literals():
    with_literals = [p for p in PROPERTY_PATTERNS if required_literals(p) is not None]
    assert len(PROPERTY_PATTERNS) >= 30
    assert len(with_literals) >= len(PROPERTY_PATTERNS) - 2


@pytest.mark.parametrize("pattern", PROPERTY_PATTERNS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_required_literals_are_required(pattern: str, data: st.DataObject):
    literals = required_literals(pattern)
    s = data.draw(st.from_regex(pattern), label="line")
    if literals is None or regex.search(pattern, s) is None:
        return
    folded = s.casefold()
    assert any(lit in folded for lit in literals), (sorted(literals), s)


@pytest.mark.parametrize("pattern", PROPERTY_PATTERNS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_regex_matcher_keeps_the_contract(pattern: str, data: st.DataObject):
    """The same through the regex kind with ignore_case, on case-scrambled lines."""
    m = compile_regex((pattern,), True)
    s = data.draw(st.from_regex(pattern, fullmatch=True), label="line")
    flips = data.draw(st.lists(st.booleans(), min_size=len(s), max_size=len(s)), label="case")
    line = "".join(
        c.swapcase() if flip and len(c.swapcase()) == 1 else c
        for c, flip in zip(s, flips, strict=True)
    )
    if m.pattern.search(line) is not None:
        assert contract_holds(m, line), (sorted(m.literals or ()), line)


# -- through the engines -----------------------------------------------------------------------


def test_fold_drops_the_combining_dot_only():
    assert fold("İSTANBUL") == "istanbul"
    assert fold("Straße") == "strasse"
    assert fold("Ünïcödé") == "ünïcödé"


ENGINE_PACK = """\
publisher: Acme
rules:
  - id: city-desk
    exact: "istanbul desk"
    ignore_case: true
    category: byline
    why: desk sign-off line
  - id: fuzzy-credit
    regex: '^(?:Photo credit){1<=e<=2}$'
    category: photo-credit
    why: credit line with a typo
  - id: getty
    contains: ["Getty Images"]
    ignore_case: true
    max_words: 6
    category: photo-credit
    why: short agency credit
  - id: comments-tr
    exact: "Yorumlar için t\u0131klay\u0131n"
    ignore_case: true
    category: comment-prompt
    why: Turkish comment prompt
"""


@pytest.mark.parametrize(
    ("line", "removed_by"),
    [
        ("İSTANBUL DESK", ["acme/city-desk"]),
        ("Istanbul desk", ["acme/city-desk"]),
        ("Phota credit", ["acme/fuzzy-credit"]),
        ("Photo credi", ["acme/fuzzy-credit"]),
        ("Foto: getty images", ["acme/getty"]),
        ("Foto: GETTY İMAGES", None),  # whatever regex decides, both engines must agree
        pytest.param(
            "YORUMLAR İÇİN TIKLAYIN",
            ["acme/comments-tr"],
        ),
    ],
)
def test_fast_and_reference_engines_agree(line: str, removed_by: list[str] | None):
    rs = RuleSet.from_sources([PackSource("acme.yaml", ENGINE_PACK)])
    text = f"Markets rallied on Monday.\n{line}\nBonds were flat.\n"
    fast = Cleaner(rs, engine="fast").clean(text, publisher="acme")
    reference = Cleaner(rs, engine="reference").clean(text, publisher="acme")
    assert fast.text == reference.text
    assert [r.rule_id for r in fast.removals] == [r.rule_id for r in reference.removals]
    if removed_by is not None:
        assert [r.rule_id for r in fast.removals] == removed_by


def _cased_characters() -> list[str]:
    return [
        chr(cp)
        for cp in range(0x110000)
        if not 0xD800 <= cp <= 0xDFFF and (chr(cp).lower() != chr(cp) or chr(cp).upper() != chr(cp))
    ]


def test_case_insensitive_equivalence_never_hides_a_literal():
    """Whenever regex says character p matches text t ignoring case, fold(t) contains
    fold(p): otherwise a literal containing p can miss a line the pattern matches."""
    broken = set()
    for c in _cased_characters():
        for other in {c.lower(), c.upper(), c.casefold(), c.title()} - {c}:
            for pattern, text in ((other, c), (c, other)):
                for flags in (regex.IGNORECASE, regex.IGNORECASE | regex.FULLCASE):
                    matched = regex.fullmatch(regex.escape(pattern), text, flags)
                    if matched and fold(pattern) not in fold(text):
                        broken.add((pattern, text))
    assert broken == set()


ANCHOR_PATTERNS = [
    r"^\d{1,2} min$",
    r"^(?:[A-Z][a-z]+ for|[A-Z][a-z ]{1,40} ->)$",
    r"^\((?:[a-z ]{1,20}/)?(?:Getty|PA)\)",
    r"^Now Read: .+",
    r"^(?:Foo|Bar)$",
    r"x foo$",
    r"\((?:AP Photos?|Photo)\s*[:/]\s*[a-z ]{1,20}\)$",
    r"^(?:Read more|Related Articles?)\s*:\s*\w+",
    r"\b\d{1,3}% [Oo]ff\b|\$\d+ [Oo]ff\b",
    r"^[Ss]ubscribe now$",
]


@pytest.mark.parametrize("pattern", ANCHOR_PATTERNS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_anchors_hold_for_every_match(pattern: str, data: st.DataObject) -> None:
    """A literal said to start (end) the line does start (end) every matching line."""
    from cleaner.matchers.factors import analyse

    literals, anchor = analyse(pattern)
    assert literals is not None
    line = data.draw(st.from_regex(pattern).filter(lambda s: "\n" not in s and "\r" not in s))
    assume(regex.search(pattern, line) is not None)
    folded = fold(line)
    if anchor in (1, 2):
        assert any(folded.startswith(lit) for lit in literals)
    if anchor in (2, 3):
        assert any(folded.endswith(lit) for lit in literals)
    assert any(lit in folded for lit in literals)


def test_each_literal_keeps_its_own_anchor():
    pattern = r"\bPhoto by \w+|[.!?]\s(?:AP|Reuters)$"
    assert anchored_literals(pattern) == frozenset({("photo by ", 0), ("ap", 3), ("reuters", 3)})
    m = compile_regex((pattern,), False)
    assert m.anchor == 0  # no anchor all literals share
    for line in ("Photo by Jane at the fair", "He left. AP", "Rain fell. Reuters"):
        assert hits(m, line)
        assert contract_holds(m, line)
    # "ap" inside a word proposes nothing: it must end the line
    assert not any(_at_anchor(fold("a happy day"), t, a) for t, a in m.targets())


def test_literal_anchors_stay_sound_for_every_builtin_example():
    """Every firing example of every built-in regex rule holds one of its literals at
    that literal's anchor, so the prefilter cannot miss it."""
    checked = 0
    for pack in RuleSet.load().packs:
        for rule in pack.rules:
            m = compile_matcher(rule.matcher)
            for ex in pack.examples:
                if rule.id.split("/")[-1] not in ex.fires:
                    continue
                for line in ex.input.splitlines():
                    key = line.strip()
                    if key and m.pattern.search(key):
                        checked += 1
                        assert contract_holds(m, key), (rule.id, key)
    assert checked > 300


def _rules_with(part: str) -> list[tuple[str, regex.Pattern[str], regex.Pattern[str]]]:
    """(rule id, pattern, the matcher's ``probe`` or ``needs``) for every built-in rule
    that has one."""
    out = []
    for pack in RuleSet.load().packs:
        for rule in pack.rules:
            m = compile_matcher(rule.matcher)
            extra = getattr(m, part)
            if extra is not None:
                out.append((rule.id, m.pattern, extra))
    return out


PROBED = _rules_with("probe")
PROBE_LINES = sorted(
    {
        line.strip()
        for ex in RuleSet.load().examples
        for line in ex.input.splitlines()
        if line.strip()
    }
)


def test_reversed_probes_agree_with_their_patterns_on_every_example_line():
    assert len(PROBED) > 20
    for rule_id, pattern, probe in PROBED:
        for line in PROBE_LINES:
            assert (pattern.search(line) is None) == (probe.search(line) is None), (rule_id, line)


@given(
    st.sampled_from(PROBED),
    st.lists(
        st.sampled_from([*PROBE_LINES[:400], " ", ". ", "more", "AP", "© ", "\u00bb", "x"]),
        max_size=4,
    ).map(" ".join),
)
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_reversed_probes_agree_on_spliced_lines(
    probed: tuple[str, regex.Pattern[str], regex.Pattern[str]], line: str
):
    rule_id, pattern, probe = probed
    assert (pattern.search(line) is None) == (probe.search(line) is None), (rule_id, line)


NEEDY = _rules_with("needs")


def test_required_classes_hold_on_every_example_line():
    """A rule proposed only on lines with its rare characters misses nothing: every line
    its pattern matches has one."""
    assert len(NEEDY) >= 5
    for rule_id, pattern, needs in NEEDY:
        for line in PROBE_LINES:
            if pattern.search(line):
                assert needs.search(line), (rule_id, line)


def test_fast_engine_finds_required_characters_as_the_class_does():
    """The fast engine tests a class with ``in`` (or the pattern, with digits)."""
    from cleaner.fast import _finder

    lines = [*PROBE_LINES, "a \u2014 b", "x/y", "12:30", "\u0663 Arabic-Indic three", "$"]
    for _, _, needs in NEEDY:
        found = _finder(needs.pattern)
        for line in lines:
            assert found(line) == (needs.search(line) is not None), (needs.pattern, line)


@given(
    st.sampled_from(NEEDY),
    st.lists(
        st.sampled_from([*PROBE_LINES[:400], " ", "|", "/", "2024", "12:30", "x"]), max_size=4
    ).map(" ".join),
)
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_required_classes_hold_on_spliced_lines(
    needy: tuple[str, regex.Pattern[str], regex.Pattern[str]], line: str
):
    rule_id, pattern, needs = needy
    if pattern.search(line):
        assert needs.search(line), (rule_id, line)


@pytest.mark.parametrize(
    ("pattern", "needs", "line"),
    [
        (r"^\w+ \d{4}$", r"[\d]", "Berlin 2024"),
        (r"^\S.{1,80}\s[|•]\s\w+$", r"[\|•]", "Markets | News"),
        (r"(?i)^[a-z]{2,5}/\w+$", r"[/]", "AP/Reuters"),
        (r"^(?:\d+%|[A-Z]+ \w+)$", None, "UP 5"),  # one branch has no rare character
        (r"^\w+ [A-Z]{2}$", None, "Reuters AP"),  # letters have case: never a class
        (r"^Share this$", None, "Share this"),  # has literals: the prefilter does it
    ],
)
def test_required_class_of_a_pattern(pattern: str, needs: str | None, line: str) -> None:
    m = compile_regex((pattern,), False)
    assert (m.needs.pattern if m.needs is not None else None) == needs
    assert m.pattern.search(line)
    if m.needs is not None:
        assert m.needs.search(line)


def test_only_patterns_that_end_at_the_line_end_are_probed_in_reverse():
    assert compile_regex((r"[.!?] (?:more|More)$",), False).probe is not None
    assert compile_regex((r"^Photo: \w+",), False).probe is None
    assert compile_regex((r"(?:Read more$|Photo:)",), False).probe is None
    m = compile_regex((r"\b(?:AP|AFP) Photo$",), True)
    assert m.probe is not None and m.probe.search("Rain fell. ap photo")


@pytest.mark.parametrize(
    ("pattern", "expected", "line"),
    [
        (
            r"^\(?(?:Reporting|Writing) by \w+",
            {("reporting by ", 1), ("(reporting by ", 1), ("writing by ", 1), ("(writing by ", 1)},
            "(Reporting by Jane Doe; Editing by John Roe)",
        ),
        (
            r"\s(?:AP|Reuters)(?: Photo)?$",
            {("ap", 3), ("ap photo", 3), ("reuters", 3), ("reuters photo", 3)},
            "Crowds gathered in the square. AP Photo",
        ),
    ],
)
def test_optional_literals_fan_out_and_keep_anchors(
    pattern: str, expected: set[tuple[str, int]], line: str
):
    assert anchored_literals(pattern) == frozenset(expected)
    m = compile_regex((pattern,), False)
    assert hits(m, line) and contract_holds(m, line)
    # an optional part that is not a literal still ends the run
    assert anchored_literals(r"^Photo:\s?(?:\w+)?$") == frozenset({("photo:", 1)})


@pytest.mark.parametrize(
    ("pattern", "line"),
    [
        (r"(?>\w+)s$", "cats"),  # atomic: no match forwards, one backwards
        (r"\w++s$", "cats"),  # possessive: the same
        (r"(a)x\1$", "axa"),  # backreference: a match forwards, none backwards
    ],
)
def test_direction_dependent_patterns_are_not_probed_in_reverse(pattern: str, line: str):
    m = compile_regex((pattern,), False)
    assert m.probe is None
    forward = regex.search(pattern, line) is not None
    assert forward != (regex.search("(?r)" + pattern, line) is not None)  # why it matters
    pack = PackSource(
        "oneway.yaml",
        f"publisher: One Way\nrules:\n  - {{id: r, regex: '{pattern}', category: other, why: w}}\n",
    )
    cleaner = Cleaner(RuleSet.from_sources([pack]), common=False)
    kept = cleaner.clean(f"{line}\nA sentence of the article.", publisher="oneway").text
    assert (line not in kept.split("\n")) == forward


@pytest.mark.parametrize(
    ("line", "limit", "over"),
    [
        ("Read more stories from the desk", 8, False),
        ("one two three four five six seven eight nine", 8, True),
        ("国际新闻", 1, False),  # a label: one word, as written
        ("岐阜 大垣市 西濃", 3, False),  # tags: three words, as written
        (
            "我们今天讨论航天技术更好惠及人民的国际合作"
            "以及各国航天机构之间的数据共享和联合任务规划",
            8,
            True,
        ),
        ("서울 시민들이 오늘 아침 광장에 모였다", 8, False),  # Korean: spaces between words
    ],
)
def test_count_words_reads_scripts_without_spaces_by_length(line: str, limit: int, over: bool):
    from cleaner.matchers.words import count_words

    assert (count_words(line, limit) > limit) is over


@given(st.text(max_size=120), st.integers(min_value=0, max_value=40))
def test_count_words_never_counts_fewer_than_split(line: str, limit: int) -> None:
    """The fast engine proposes rules by ``str.split`` counts; the real count may only be
    higher, so a line it rules out is one the rule never fires on."""
    from cleaner.matchers.words import count_words

    assert count_words(line, limit) >= min(len(line.split()), limit + 1)


@pytest.mark.parametrize(
    ("pattern", "expected", "line"),
    [
        # alternatives that are literals with optional parts still join the run
        (
            r"\s\|\s(?:Sources?|Data|Note):\s",
            {"sources:", "source:", "data:", "note:"},
            "x | Data: y",
        ),
        # the run goes on into each alternative as far as its leading literals do
        (
            r" (?:stock|shares) (?:since [A-Z]|year to date|over \d+ days)",
            {
                " stock since ",
                " stock year to date",
                " stock over ",
                " shares since ",
                " shares year to date",
                " shares over ",
            },
            "Acme shares since May",
        ),
    ],
)
def test_runs_go_on_into_alternatives(pattern: str, expected: set[str], line: str) -> None:
    assert required_literals(pattern) == frozenset(expected)
    m = compile_regex((pattern,), False)
    assert hits(m, line) and contract_holds(m, line)
