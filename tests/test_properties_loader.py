"""Properties of the rule loader: any text is a rule set or a RuleLoadError with places.

Inputs are random YAML documents built from the pack schema's own keys and values (so
that they get past the first checks), YAML with tags, anchors and odd scalars, and the
real packs mutated line by line. Whatever the input, loading either succeeds, and the
rules then clean a document without raising anything undocumented, or raises
``RuleLoadError`` whose every problem names the file, a line and a column inside it.
"""

from __future__ import annotations

import contextlib

import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st
from support import SCALE

from cleaner import Cleaner, RuleSet
from cleaner.errors import CleanerError, RuleLoadError
from cleaner.model import ACTIONS, CATEGORIES, PackSource

SOURCES = RuleSet.load(env=False).sources
PATH = "fuzzed.yaml"
DOC = "Stocks rose.\nNow Read: more\nAdvertisement\nTell us what you think\nComments"

scalar = st.one_of(
    st.sampled_from(["now-read", "x", "", "Now Read:", "^Tell us", "(a+)+$", "[", "\\", "é", ":$"]),
    st.sampled_from(sorted(CATEGORIES)),
    st.sampled_from(sorted(ACTIONS)),
    st.integers(-3, 100),
    st.booleans(),
    st.none(),
    st.text(max_size=12),
)
value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["head", "tail", "max_words", "x"]), inner, max_size=3),
    ),
    max_leaves=6,
)
rule = st.dictionaries(
    st.sampled_from(
        [
            "id",
            "prefix",
            "regex",
            "literal",
            "contains",
            "shape",
            "category",
            "why",
            "action",
            "scope",
            "run",
            "min_lines",
            "repeated",
            "unless_after",
            "unless_before",
            "languages",
            "until",
            "aliases",
            "guard",
            "unknown_key",
        ]
    ),
    value,
    max_size=3,
).map(lambda extra: {"id": "r", "prefix": "Now Read:", "category": "other", "why": "w", **extra})
pack = st.fixed_dictionaries(
    {"publisher": st.just("Fuzzed")},
    optional={
        "aliases": value,
        "domains": st.lists(st.sampled_from(["a.example", "", "x", 5]), max_size=2),
        "fingerprints": value,
        "extends": st.lists(st.sampled_from(["common", "nope", "fuzzed"]), max_size=2),
        "kind": scalar,
        "rules": st.lists(rule, max_size=4),
        "examples": st.lists(
            st.dictionaries(
                st.sampled_from(["name", "input", "expected", "fires", "unchanged"]), value
            ),
            max_size=2,
        ),
        "html": value,
    },
)


def _check(text: str) -> None:
    try:
        rules = RuleSet.from_sources([PackSource(PATH, text, "user")])
    except RuleLoadError as exc:
        event("refused")
        assert exc.problems, "RuleLoadError without problems"
        lines = text.count("\n") + 1
        for p in exc.problems:
            assert p.path == PATH, p
            assert 1 <= p.line <= lines + 1 and p.col >= 1, p
            assert p.message, p
        return
    event("loaded")
    with contextlib.suppress(CleanerError):
        Cleaner(rules).clean(DOC)


@settings(max_examples=60 * SCALE, deadline=None)
@given(pack)
def test_random_packs_load_or_fail_with_places(data: dict[str, object]) -> None:
    _check(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


yaml_bits = st.sampled_from(
    [
        "!!python/object/apply:os.system ['echo hi']",
        "!!python/name:os.system",
        "!custom {a: 1}",
        "&a [1, 2]",
        "*a",
        "<<: {x: 1}",
        "? [complex, key]\n: v",
        "'unterminated",
        '"\\x00\\ud800"',
        "{a: [b, {c: d}]",
        "---\n---",
        "\t- tab",
        "%YAML 1.1\n---",
        ":",
        "- - - -",
        "id: x\nid: y",
    ]
)


@settings(max_examples=60 * SCALE, deadline=None)
@given(st.sampled_from(range(len(SOURCES))), st.data())
def test_mutated_real_packs_load_or_fail_with_places(which: int, data: st.DataObject) -> None:
    lines = SOURCES[which].text.split("\n")
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, max(0, len(lines) - 1)))
        op = data.draw(st.sampled_from(["drop", "dup", "indent", "dedent", "bit", "yaml", "cut"]))
        if op == "drop" and lines:
            del lines[i]
        elif op == "dup" and lines:
            lines.insert(i, lines[i])
        elif op == "indent" and lines:
            lines[i] = "  " + lines[i]
        elif op == "dedent" and lines:
            lines[i] = lines[i].lstrip()
        elif op == "bit" and lines and lines[i]:
            j = data.draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:j] + data.draw(st.text(max_size=3)) + lines[i][j + 1 :]
        elif op == "yaml":
            lines.insert(i, data.draw(yaml_bits))
        elif op == "cut":
            lines = lines[:i]
    _check("\n".join(lines))


@settings(max_examples=40 * SCALE, deadline=None)
@given(st.text(max_size=200))
def test_any_text_loads_or_fails_with_places(text: str) -> None:
    _check(text)


_URL_PARTS = st.sampled_from(
    ["http://", "https://", "HTTP://", "https:///", "ftp://", "//", "", "http:", " https://"]
)
_HOST_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ09.-_@:[]%/?#\\ \t\r\nü")), min_size=0, max_size=24
)


@settings(max_examples=400, deadline=None)
@given(_URL_PARTS, _HOST_TEXT, _HOST_TEXT)
def test_the_quick_host_of_a_url_is_what_urlsplit_says(scheme: str, host: str, rest: str) -> None:
    from urllib.parse import urlsplit

    from cleaner.ruleset import _plain_host

    url = scheme + host + rest
    quick = _plain_host(url)
    if quick is None:
        event("left to urlsplit")
        return
    assert quick.lower() == urlsplit(url).hostname
