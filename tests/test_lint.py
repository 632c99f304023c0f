"""``cleaner.lint``: example coverage, fingerprints firing on other packs, regex shapes that
backtrack catastrophically, rules the prefilter cannot help, and shared domains."""

from __future__ import annotations

import textwrap

import pytest

from cleaner.errors import Problem
from cleaner.lint import backtracking_risks, lint
from cleaner.model import PackSource
from cleaner.ruleset import RuleSet


def pack_text(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def ruleset(**packs: str) -> RuleSet:
    return RuleSet.from_sources(
        [PackSource(f"{name.replace('_', '-')}.yaml", text) for name, text in packs.items()]
    )


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "error"]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "warning"]


#: A pack with nothing to lint: sources, a firing example and a near miss per rule.
CLEAN = pack_text(
    """
    publisher: Acme Daily
    domains: [acme.com]
    sources: [https://acme.example/news/1]
    rules:
      - id: comments
        exact: "Comments"
        category: comment-prompt
        why: comment widget label
    examples:
      - name: tail
        input: "Rates rose on Monday.\\nComments\\n"
        expected: "Rates rose on Monday.\\n"
        fires: [comments]
      - name: comments-in-prose
        input: "Comments from the chair were brief.\\n"
        unchanged: true
        near_miss_for: [comments]
    """
)

UNTESTED = pack_text(
    """
    publisher: Beta
    sources: [https://beta.example/news/1]
    rules:
      - id: reply
        exact: "Reply"
        category: comment-prompt
        why: reply button of the comment widget
    """
)


# -- examples per rule -----------------------------------------------------------------


def test_clean_pack_has_no_findings():
    assert lint(ruleset(acme=CLEAN)) == []


def test_rule_without_examples_gets_two_errors_with_its_id():
    rs = ruleset(beta=UNTESTED)
    found = errors(lint(rs))
    assert len(found) == 2, "\n".join(map(str, found))
    assert {p.rule_id for p in found} == {"beta/reply"}
    messages = sorted(p.message for p in found)
    assert messages[0].startswith("no example where this rule fires")
    assert messages[1].startswith("no near-miss example")
    location = rs.rule("beta/reply").location
    assert location is not None
    assert all((p.path, p.line, p.col) == ("beta.yaml", location.line, location.col) for p in found)


def test_firing_example_without_near_miss_gets_one_error():
    text = CLEAN.replace("    near_miss_for: [comments]\n", "")
    found = errors(lint(ruleset(acme=text)))
    assert [(p.rule_id, p.message.split(" (")[0]) for p in found] == [
        ("acme/comments", "no near-miss example")
    ]


def test_examples_may_name_a_rule_by_alias_or_full_id():
    text = CLEAN.replace(
        "    why: comment widget label\n",
        "    why: comment widget label\n    aliases: [comment-label]\n",
    )
    text = text.replace("fires: [comments]", "fires: [comment-label]")
    text = text.replace("near_miss_for: [comments]", "near_miss_for: [acme/comments]")
    assert errors(lint(ruleset(acme=text))) == []


def test_examples_in_another_pack_count():
    beta = UNTESTED + pack_text(
        """
        examples:
          - name: elsewhere
            input: "Comments\\n"
            expected: ""
            fires: [beta/reply]
        """
    )
    gamma = pack_text(
        """
        publisher: Gamma
        sources: [https://gamma.example/1]
        examples:
          - name: reply-in-prose
            input: "Reply to the letter came weeks later.\\n"
            unchanged: true
            near_miss_for: [beta/reply]
        """
    )
    found = errors(lint(ruleset(beta=beta, gamma=gamma)))
    assert [p for p in found if p.rule_id == "beta/reply"] == []


def test_lint_limited_to_some_packs():
    rs = ruleset(acme=CLEAN, beta=UNTESTED)
    assert errors(lint(rs, packs=["acme"])) == []
    assert {p.rule_id for p in errors(lint(rs, packs=["beta"]))} == {"beta/reply"}


# -- fingerprints on other packs' examples --------------------------------------------


FINGERPRINTED = CLEAN.replace(
    "sources:",
    "fingerprints: ['Acme Wire Service: all rights reserved\\.?']\nsources:",
)


def other_pack(line: str, packs: str = "") -> str:
    text = pack_text(
        f"""
        publisher: Beta
        sources: [https://beta.example/news/1]
        examples:
          - name: syndicated
            input: "Bonds slipped in late trade.\\n{line}\\n"
            unchanged: true
        """
    )
    return text + (f"    packs: [{packs}]\n" if packs else "")


def test_fingerprint_firing_on_another_packs_example_is_an_error():
    rs = ruleset(acme=FINGERPRINTED, beta=other_pack("Acme Wire Service: all rights reserved."))
    found = errors(lint(rs))
    assert len(found) == 1, "\n".join(map(str, found))
    (problem,) = found
    assert problem.path == "acme.yaml"
    assert "fingerprint fires on beta example 'syndicated' (line 2)" in problem.message
    assert "list 'acme' in its packs:" in problem.message
    line = FINGERPRINTED.splitlines().index(
        "fingerprints: ['Acme Wire Service: all rights reserved\\.?']"
    )
    assert (problem.line, problem.col) == (line + 1, len("fingerprints: [") + 1)


def test_fingerprint_on_an_example_that_lists_the_pack_is_fine():
    beta = other_pack("Acme Wire Service: all rights reserved.", packs="acme")
    assert errors(lint(ruleset(acme=FINGERPRINTED, beta=beta))) == []


def test_fingerprint_on_an_example_that_fires_one_of_its_rules_is_fine():
    beta = pack_text(
        """
        publisher: Beta
        sources: [https://beta.example/news/1]
        examples:
          - name: syndicated
            input: "Bonds slipped.\\nAcme Wire Service: all rights reserved.\\nComments\\n"
            expected: "Bonds slipped.\\nAcme Wire Service: all rights reserved.\\n"
            fires: [acme/comments]
        """
    )
    assert errors(lint(ruleset(acme=FINGERPRINTED, beta=beta))) == []


def test_fingerprint_anywhere_is_checked_on_every_line_of_other_examples():
    """A zoned fingerprint on line 14 of another pack's example is out of its reach; one
    under ``fingerprints_anywhere`` is not, so lint reports it."""
    filler = "\\n".join(f"Paragraph {i}." for i in range(13))
    beta = other_pack(filler + "\\nAcme Wire Service: all rights reserved.\\n" + filler)
    assert errors(lint(ruleset(acme=FINGERPRINTED, beta=beta))) == []
    anywhere = FINGERPRINTED.replace("fingerprints:", "fingerprints_anywhere:")
    found = errors(lint(ruleset(acme=anywhere, beta=beta)))
    assert [p.message.split(";")[0] for p in found] == [
        "fingerprint fires on beta example 'syndicated' (line 15)"
    ]


def test_fingerprint_must_match_the_whole_line():
    beta = other_pack("Editors said Acme Wire Service: all rights reserved. was odd wording")
    assert errors(lint(ruleset(acme=FINGERPRINTED, beta=beta))) == []


def test_fingerprint_on_its_own_packs_example_is_fine():
    text = FINGERPRINTED.replace(
        'input: "Rates rose on Monday.\\nComments\\n"',
        'input: "Rates rose on Monday.\\nComments\\nAcme Wire Service: all rights reserved.\\n"',
    ).replace(
        'expected: "Rates rose on Monday.\\n"',
        'expected: "Rates rose on Monday.\\nAcme Wire Service: all rights reserved.\\n"',
    )
    assert errors(lint(ruleset(acme=text))) == []


# -- catastrophic backtracking ---------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a+)+",
        r"^(a+)+$",
        r"(\w+\s?)+",
        r"^(\w+\s?)+$",
        r"(?:x+|y)*z",
        r"(a*)*b",
        r"^(?:\s*\w+)*$",
        r"^Photo: (?:[A-Za-z]+)+$",
    ],
)
def test_nested_quantifiers_are_flagged(pattern: str):
    risks = backtracking_risks(pattern)
    assert any("nested unbounded quantifiers" in r for r in risks), risks


@pytest.mark.parametrize("pattern", [r"^Photo: .*.*$", r"\w+\w+@"])
def test_adjacent_quantifiers_over_the_same_characters_are_flagged(pattern: str):
    assert backtracking_risks(pattern) == [
        "adjacent unbounded quantifiers over the same characters"
    ]


@pytest.mark.parametrize(
    "pattern",
    [
        r"^Now Read: .+$",
        r"(?:\w+\s)+x",
        r"^\d{1,4} Comments$",
        r"^(?:Now|Read) Next:\s+\w+",
        r"^(?:Photo|Image)s?(?: credit)?:\s*\S.{0,100}$",
        r"^(?:\w+,\s)+and \w+$",
        r"^(\d{1,3},)+\d{3}$",
        r"(a{1,10})+",
        r"Comments",
    ],
)
def test_safe_shapes_are_not_flagged(pattern: str):
    assert backtracking_risks(pattern) == []


def test_unparsable_pattern_has_no_risks():
    assert backtracking_risks(r"\p{L}+(") == []


def test_risky_rule_regex_is_a_lint_error_with_its_id():
    text = CLEAN.replace('exact: "Comments"', r"regex: '^Comments:(?:\w+\s?)+$'")
    found = errors(lint(ruleset(acme=text)))
    assert len(found) == 1, "\n".join(map(str, found))
    assert found[0].rule_id == "acme/comments"
    assert "catastrophic backtracking" in found[0].message


def test_risky_unless_is_a_lint_error():
    text = CLEAN.replace(
        "    category: comment-prompt\n",
        "    unless: '(\\w+\\s?)+[.!?]$'\n    category: comment-prompt\n",
    )
    found = errors(lint(ruleset(acme=text)))
    assert [p.rule_id for p in found] == ["acme/comments"]
    assert "catastrophic backtracking" in found[0].message


@pytest.mark.parametrize("key", ["unless_after", "unless_before"])
def test_a_risky_guard_below_or_above_is_a_lint_error(key: str):
    text = CLEAN.replace(
        "    category: comment-prompt\n",
        f"    {key}: '^(\\w+\\s?)+[.!?]$'\n    category: comment-prompt\n",
    )
    found = errors(lint(ruleset(acme=text)))
    assert [p.rule_id for p in found] == ["acme/comments"]
    assert "catastrophic backtracking" in found[0].message


def test_risky_fingerprint_is_a_lint_error():
    text = CLEAN.replace("sources:", "fingerprints: ['(?:\\w+\\s?)+ Wire Service']\nsources:")
    found = errors(lint(ruleset(acme=text)))
    assert len(found) == 1
    assert "fingerprint risks catastrophic backtracking" in found[0].message


# -- prefilter, sources, domains ---------------------------------------------------------


def test_rule_without_a_usable_literal_gets_a_warning():
    text = CLEAN.replace('exact: "Comments"', r"regex: '^\d{1,6}\s+\w+$'")
    rs = ruleset(acme=text)
    found = lint(rs)
    assert errors(found) == []
    (warning,) = warnings(found)
    assert warning.rule_id == "acme/comments"
    assert "no literal the prefilter can use" in warning.message
    assert "that has one of [\\d]" in warning.message  # a digit, at least


def test_one_letter_literal_gets_the_same_warning():
    text = CLEAN.replace('exact: "Comments"', 'exact: ["Comments", "X"]')
    assert [p.rule_id for p in warnings(lint(ruleset(acme=text)))] == ["acme/comments"]


def test_pack_without_sources_gets_a_warning():
    text = CLEAN.replace("sources: [https://acme.example/news/1]\n", "")
    found = lint(ruleset(acme=text))
    assert errors(found) == []
    (warning,) = warnings(found)
    assert "no sources" in warning.message
    assert warning.path == "acme.yaml"


def test_shared_pack_needs_no_sources():
    text = CLEAN.replace("sources: [https://acme.example/news/1]\n", "kind: shared\n")
    assert lint(ruleset(acme=text)) == []


def test_domain_claimed_by_two_packs_is_a_warning():
    beta = pack_text(
        """
        publisher: Beta
        domains: [beta.com, acme.com]
        sources: [https://beta.example/news/1]
        """
    )
    found = lint(ruleset(acme=CLEAN, beta=beta))
    assert errors(found) == []
    (warning,) = warnings(found)
    assert warning.path == "beta.yaml"
    assert "domain acme.com is also claimed by pack acme" in warning.message


# -- the built-in packs ----------------------------------------------------------------


def test_builtin_packs_have_no_lint_errors(builtin: RuleSet):
    found = errors(lint(builtin))
    assert found == [], "\n".join(map(str, found))


def test_builtin_rule_patterns_have_no_backtracking_risks(builtin: RuleSet):
    risky = [
        (rule.id, source)
        for rule in builtin.rules
        for source in ([rule.matcher.patterns[0]] if rule.matcher.kind == "regex" else [])
        + ([rule.unless] if rule.unless else [])
        if backtracking_risks(source)
    ]
    assert risky == []


def test_fingerprint_outside_the_zone_is_not_a_signature():
    prose = "\\n".join(f"Paragraph {i} of the market report." for i in range(1, 15))
    line = f"{prose}\\nAcme Wire Service: all rights reserved.\\n{prose}"
    rs = ruleset(acme=FINGERPRINTED, beta=other_pack(line))
    assert errors(lint(rs)) == []
    assert len(errors(lint(rs, zone=20))) == 1
