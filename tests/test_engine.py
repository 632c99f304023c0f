"""The semantics of cleaning, on small packs written here, for both engines."""

from __future__ import annotations

import datetime as dt
import pickle
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from cleaner import Cleaner, Document, InputError, RuleRuntimeError, RuleSet, compiled
from cleaner.compiled import VERDICT_KEY
from cleaner.fixes import Normalization
from cleaner.model import PackSource, Result

ENGINES = ["fast", "reference"]


def ruleset(*packs: tuple[str, str]) -> RuleSet:
    return RuleSet.from_sources(
        [PackSource(f"{name}.yaml", textwrap.dedent(text)) for name, text in packs],
    )


BUGLE = (
    "bugle",
    """
    publisher: Daily Bugle
    aliases: [bugle]
    domains: [dailybugle.example]
    fingerprints: ['Daily Bugle does not provide investment advice\\..*']
    rules:
      - id: now-read
        prefix: ["Now Read:", "Read Next:"]
        category: related-link
        why: promo links
      - id: tell-us
        regex: '^Tell us what you think\\b'
        scope: {tail: 2}
        category: comment-prompt
        why: comment nag
      - id: newsletter-tail
        prefix: Get the Morning Bugle
        action: cut-after
        scope: {tail: 8}
        category: newsletter
        why: newsletter pitch, footer below
      - id: masthead
        exact: DAILY BUGLE
        action: cut-before
        scope: {head: 4}
        category: navigation
        why: menu above the masthead
      - id: credit
        regex: '\\s*\\(Photo: [^)]*\\)'
        action: strip
        category: photo-credit
        why: inline credit
      - id: disclaimer
        prefix: Daily Bugle does not provide investment advice
        category: disclaimer
        why: footer
      - id: old-promo
        prefix: Win a trip
        valid_until: 2020-12-31
        category: promo
        why: a 2020 contest
      - id: german-ad
        exact: Anzeige
        languages: [de]
        category: advertisement
        why: German ad label
    """,
)
COMMON = (
    "common",
    """
    publisher: Common
    kind: shared
    rules:
      - id: advert
        exact: Advertisement
        category: advertisement
        why: ad label
      - id: comments
        exact: Comments
        category: comment-prompt
        why: comment widget
    """,
)
WIRE = (
    "wire",
    """
    publisher: Wire Service
    kind: wire
    domains: [wire.example]
    fingerprints: ['Copyright \\d{4} Wire Service\\. All rights reserved\\.']
    rules:
      - id: copyright
        regex: '^Copyright \\d{4} Wire Service\\.'
        category: copyright
        why: footer
    """,
)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return ruleset(BUGLE, COMMON, WIRE)


def run(rules: RuleSet, text: str, engine: str = "fast", **kw: object):
    opts = {
        k: kw.pop(k)
        for k in list(kw)
        if k in ("common", "max_cut_share", "normalization", "strict", "rule_timeout", "detect")
    }
    return Cleaner(rules, engine=engine, **opts).clean(text, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ENGINES)
class TestActions:
    def test_drop_line_and_provenance(self, rules: RuleSet, engine: str) -> None:
        r = run(
            rules,
            "Rain delays the parade.\nNow Read: Umbrellas\nIt moved.",
            engine,
            publisher="bugle",
        )
        assert r.text == "Rain delays the parade.\nIt moved."
        (rem,) = r.removals
        assert (rem.rule_id, rem.category, rem.action, rem.line, rem.text) == (
            "bugle/now-read",
            "related-link",
            "drop-line",
            2,
            "Now Read: Umbrellas",
        )

    def test_cut_after_removes_footer_and_reports_trigger(
        self, rules: RuleSet, engine: str
    ) -> None:
        text = "\n".join(
            [
                "Para one is long enough to matter here.",
                "Para two is also long enough to matter.",
                "Para three closes the story for today.",
                "Get the Morning Bugle in your inbox",
                "Privacy",
                "Terms",
            ]
        )
        r = run(rules, text, engine, publisher="bugle")
        assert r.text.split("\n") == text.split("\n")[:3]
        assert {x.trigger_line for x in r.removals} == {4}
        assert [x.line for x in r.removals] == [4, 5, 6]

    def test_cut_guard_removes_only_trigger(self, rules: RuleSet, engine: str) -> None:
        text = "Short lead.\nGet the Morning Bugle today\n" + "Long article text here. " * 20
        r = run(rules, text, engine, publisher="bugle")
        assert "Long article text here." in r.text
        assert [x.line for x in r.removals] == [2]
        assert r.warnings[0].code == "cut-guarded"

    def test_cut_share_configurable(self, rules: RuleSet, engine: str) -> None:
        text = "Short lead.\nGet the Morning Bugle today\n" + "Long article text. " * 20
        r = run(rules, text, engine, publisher="bugle", max_cut_share=1.0)
        assert r.text == "Short lead."

    def test_cut_before(self, rules: RuleSet, engine: str) -> None:
        text = "Home\nNews\nDAILY BUGLE\nThe story begins here.\nIt goes on for a while longer."
        r = run(rules, text, engine, publisher="bugle")
        assert r.text == "The story begins here.\nIt goes on for a while longer."

    def test_strip_removes_span_and_repeats(self, rules: RuleSet, engine: str) -> None:
        r = run(rules, "A bridge (Photo: Jo) opened (Photo: Al) today.", engine, publisher="bugle")
        assert r.text == "A bridge opened today."
        assert [x.text for x in r.removals] == [" (Photo: Jo)", " (Photo: Al)"]
        assert all(x.span is not None for x in r.removals)

    def test_strip_to_nothing_drops_line(self, rules: RuleSet, engine: str) -> None:
        r = run(rules, "Story.\n(Photo: Jo)", engine, publisher="bugle")
        assert r.text == "Story."

    def test_scope_tail_counts_surviving_lines(self, rules: RuleSet, engine: str) -> None:
        # "Tell us" is third from the end, but the two lines below it go first.
        text = (
            "Tell us what you think, the mayor said.\nBody.\nMore body.\n"
            "Tell us what you think\nAdvertisement\nComments"
        )
        r = run(rules, text, engine, publisher="bugle")
        assert r.text == "Tell us what you think, the mayor said.\nBody.\nMore body."

    def test_scope_keeps_out_of_zone_line(self, rules: RuleSet, engine: str) -> None:
        text = "Tell us what you think, the mayor said.\nA.\nB.\nC."
        assert run(rules, text, engine, publisher="bugle").text == text

    def test_first_rule_decides_cut_over_later_drop(self, engine: str) -> None:
        rs = ruleset(
            (
                "pub",
                """
             publisher: P
             rules:
               - {id: footer, prefix: "© P", action: cut-after, scope: {tail: 5},
                  category: copyright, why: w}
             """,
            ),
            (
                "common",
                """
             publisher: C
             kind: shared
             rules:
               - {id: copyright, prefix: "©", category: copyright, why: w}
             """,
            ),
        )
        text = "A long first paragraph of the article.\nAnother long paragraph.\n© P 2024\nMenu"
        r = run(rs, text, engine, publisher="pub")
        assert r.text == "A long first paragraph of the article.\nAnother long paragraph."
        assert {x.rule_id for x in r.removals} == {"pub/footer"}


@pytest.mark.parametrize("engine", ENGINES)
class TestSelection:
    def test_fingerprint_detects_pack(self, rules: RuleSet, engine: str) -> None:
        text = "Story.\nNow Read: More\nDaily Bugle does not provide investment advice. Ever."
        r = run(rules, text, engine)
        assert r.pack_ids == ("bugle", "common")
        assert r.packs[0].reason == "fingerprint"
        assert r.text == "Story."

    def test_mention_is_not_a_fingerprint(self, rules: RuleSet, engine: str) -> None:
        text = "As the Daily Bugle does not provide investment advice. Ever, it said.\nNow Read: x"
        r = run(rules, text, engine)
        assert r.pack_ids == ("common",)
        assert "Now Read: x" in r.text

    def test_fingerprint_outside_zone_ignored(self, rules: RuleSet, engine: str) -> None:
        body = [f"Paragraph {i} of a long story." for i in range(30)]
        text = "\n".join(
            [*body[:15], "Daily Bugle does not provide investment advice.", *body[15:]]
        )
        assert run(rules, text, engine).pack_ids == ("common",)

    @pytest.mark.parametrize("literal", [True, False])
    def test_fingerprint_anywhere_counts_mid_text(self, engine: str, literal: bool) -> None:
        """A house line printed mid-article (a newsletter box) selects its pack wherever
        it stands when listed under ``fingerprints_anywhere``; whole lines only."""
        box, pattern = "Get the Bugle's best.", "Get the Bugle.s best\\."
        if not literal:  # no literal for the prefilter: tried on every line
            box, pattern = "1234567", "\\d{7}"
        pack = (
            "bugle",
            f"""
            publisher: Daily Bugle
            fingerprints: ['Daily Bugle does not provide investment advice\\..*']
            fingerprints_anywhere: ['{pattern}']
            rules:
              - id: box
                exact: "{box}"
                category: newsletter
                why: newsletter box
            """,
        )
        rs = ruleset(pack)
        body = [f"Paragraph {i} of a long story." for i in range(30)]
        text = "\n".join([*body[:15], box, *body[15:]])
        r = run(rs, text, engine, common=False)
        assert r.pack_ids == ("bugle",) and r.packs[0].detail == "line 16"
        assert [x.rule_id for x in r.removals] == ["bugle/box"]
        quoted = "\n".join([*body[:15], f"She said: {box}", *body[15:]])
        assert run(rs, quoted, engine, common=False).pack_ids == ()

    def test_order_explicit_url_fingerprint_wire_common(self, rules: RuleSet, engine: str) -> None:
        text = "Story.\nCopyright 2024 Wire Service. All rights reserved."
        r = run(rules, text, engine, url="https://news.dailybugle.example/a/1")
        assert [(p.id, p.reason) for p in r.packs] == [
            ("bugle", "url"),
            ("wire", "wire"),
            ("common", "common"),
        ]
        assert r.text == "Story."

    def test_explicit_by_alias_domain_any_case(self, rules: RuleSet, engine: str) -> None:
        for name in ("bugle", "BUGLE", "Bugle", "dailybugle.example", "www.DailyBugle.example"):
            assert run(rules, "x", engine, publisher=name).packs[0].id == "bugle"

    def test_no_common(self, rules: RuleSet, engine: str) -> None:
        assert (
            run(rules, "Story.\nAdvertisement", engine, common=False).text
            == "Story.\nAdvertisement"
        )
        assert run(rules, "Story.\nAdvertisement", engine).text == "Story."

    def test_dates(self, rules: RuleSet, engine: str) -> None:
        text = "Story.\nWin a trip to Paris"
        assert run(rules, text, engine, publisher="bugle", date="2019-05-01").text == "Story."
        assert run(rules, text, engine, publisher="bugle", date=dt.date(2021, 1, 1)).text == text
        assert run(rules, text, engine, publisher="bugle").text == "Story."

    def test_languages(self, rules: RuleSet, engine: str) -> None:
        text = "Geschichte.\nAnzeige"
        assert run(rules, text, engine, publisher="bugle", language="de-AT").text == "Geschichte."
        assert run(rules, text, engine, publisher="bugle", language="en").text == text
        assert run(rules, text, engine, publisher="bugle").text == "Geschichte."


@pytest.mark.parametrize("engine", ENGINES)
class TestLines:
    def test_crlf_kept(self, rules: RuleSet, engine: str) -> None:
        text = "One.\r\nAdvertisement\r\nTwo.\r\n"
        assert run(rules, text, engine).text == "One.\r\nTwo.\r\n"

    def test_final_newline_kept_or_not(self, rules: RuleSet, engine: str) -> None:
        assert run(rules, "A.\nComments\n", engine).text == "A.\n"
        assert run(rules, "A.\nComments", engine).text == "A."
        assert run(rules, "Comments\n", engine).text == ""
        assert run(rules, "", engine).text == ""

    def test_blank_lines_squeezed_after_removal(self, rules: RuleSet, engine: str) -> None:
        text = "A.\n\nAdvertisement\n\nB.\n"
        assert run(rules, text, engine).text == "A.\n\nB.\n"

    def test_unchanged_text_is_returned_as_is(self, rules: RuleSet, engine: str) -> None:
        text = "A plain paragraph.\nAnother one."
        r = run(rules, text, engine)
        assert r.text is text and not r.changed

    def test_normalisation_switches(self, rules: RuleSet, engine: str) -> None:
        text = "  Caf\u00c3\u00a9   au lait  \nAT&amp;T"
        assert run(rules, text, engine).text == "Café au lait\nAT&T"
        off = Normalization.off()
        assert run(rules, text, engine, normalization=off).text == text

    def test_curly_quotes_untouched(self, rules: RuleSet, engine: str) -> None:
        text = "\u201cQuoted,\u201d she said \u2014 it\u2019s \ufb01ne."
        assert run(rules, text, engine).text == text


def slow_rules() -> RuleSet:
    """A pack with a rule that backtracks for ages on 'xaaa...b' and a cheap one after it."""
    return ruleset(
        (
            "slow",
            """
        publisher: Slow
        rules:
          - {id: boom, regex: '^x(a|aa)+y', category: other, why: w}
          - {id: ok, exact: Comments, category: comment-prompt, why: w}
        """,
        )
    )


class TestGuards:
    def test_runtime_rule_error_skips_rule(self) -> None:
        rs = slow_rules()
        text = "x" + "a" * 40 + "b\nComments"
        r = Cleaner(rs, rule_timeout=0.01).clean(text, publisher="slow")
        assert r.text == "x" + "a" * 40 + "b"
        assert [n.code for n in r.warnings] == ["rule-timeout"]
        assert r.failed_rules == ("slow/boom",)
        with pytest.raises(RuleRuntimeError):
            Cleaner(rs, rule_timeout=0.01, strict=True).clean(text, publisher="slow")

    def test_a_timeout_is_not_remembered_as_a_verdict(self) -> None:
        """Verdicts are remembered per line text; a rule that timed out decided nothing,
        so the next document with the same line must try (and time out) again."""
        rs = slow_rules()
        text = "x" + "a" * 40 + "b\nComments"
        cleaner = Cleaner(rs, rule_timeout=0.01)
        for _ in range(2):
            r = cleaner.clean(text, publisher="slow")
            assert [n.code for n in r.warnings] == ["rule-timeout"]
            assert r.text == "x" + "a" * 40 + "b"

    def test_bad_arguments(self, rules: RuleSet) -> None:
        with pytest.raises(InputError):
            Cleaner(rules).clean(b"bytes")  # type: ignore[arg-type]
        with pytest.raises(InputError):
            Cleaner(rules).clean("x", date="yesterday")
        with pytest.raises(InputError):
            Cleaner(rules, max_cut_share=0)


class TestApi:
    def test_clean_batch_accepts_str_document_mapping(self, rules: RuleSet) -> None:
        c = Cleaner(rules)
        out = list(
            c.clean_batch(
                [
                    "A.\nAdvertisement",
                    Document("B.\nNow Read: x", publisher="bugle"),
                    {"text": "C.\nNow Read: y", "url": "https://dailybugle.example/1"},
                ]
            )
        )
        assert [r.text for r in out] == ["A.", "B.", "C."]
        with pytest.raises(InputError):
            list(c.clean_batch([{"body": "x"}]))

    def test_pickle_is_small_and_recompiles_once(self, rules: RuleSet) -> None:
        c = Cleaner(rules)
        blob = pickle.dumps(c)
        assert len(blob) < 3 * sum(len(s.text) for s in rules.sources) + 2000
        a, b = pickle.loads(blob), pickle.loads(blob)
        assert a is b  # one rebuilt Cleaner per process for the same rules and options
        assert a.clean("A.\nAdvertisement").text == "A."
        assert a.hash == c.hash

    def test_thread_safe(self, rules: RuleSet) -> None:
        # no wall-clock limits: on a loaded machine a thread can wait past a rule's
        # timeout for the interpreter lock, and that would skip the rule (with a notice)
        # without any shared state being wrong; only a real race may fail this test
        c = Cleaner(rules, rule_timeout=None, time_budget=None)
        docs = [
            f"Story {i}.\nNow Read: x{i}\n(Photo: P{i}) Caption {i}\nComments" for i in range(400)
        ]
        expected = [c.clean(d, publisher="bugle").text for d in docs]
        barrier = threading.Barrier(8)

        def work(chunk: list[str]) -> list[Result]:
            barrier.wait()
            return [c.clean(d, publisher="bugle") for d in chunk]

        with ThreadPoolExecutor(8) as pool:
            parts = list(pool.map(work, [docs[i::8] for i in range(8)]))
        got = {d: r for i in range(8) for d, r in zip(docs[i::8], parts[i], strict=True)}
        # a difference names the document and what the run said about it, not only the text
        wrong = [
            (d, got[d].text, got[d].warnings)
            for d, e in zip(docs, expected, strict=True)
            if got[d].text != e
        ]
        assert not wrong, wrong[:3]


def test_top_level_clean_function() -> None:
    from cleaner import clean

    assert clean("Stocks rose.\nPhoto: Shutterstock") == "Stocks rose."
    assert clean("Stocks rose.\nNow Read: x", publisher="benzinga") == "Stocks rose."


SHAPES = (
    "shapes",
    """
    publisher: Shapes
    rules:
      - id: menu
        shape: {max_words: 3, final_punctuation: false}
        run: 3
        category: navigation
        why: menus
      - id: kicker
        shape: {max_words: 2, final_punctuation: false}
        scope: {head: 1}
        min_lines: 4
        category: navigation
        why: kickers
      - id: repeat
        shape: {max_words: 50}
        repeated: true
        category: other
        why: repeats
    """,
)
LONG = "A full sentence of the article that is long enough to count."


@pytest.mark.parametrize("engine", ENGINES)
class TestShapes:
    def test_run_needs_enough_neighbours(self, engine: str) -> None:
        rs = ruleset(SHAPES)
        text = "\n".join(
            [LONG, "Home", "World", "Sport", LONG + " Two.", "Lone label", LONG + " Three."]
        )
        r = run(rs, text, engine, publisher="shapes", common=False)
        assert r.text.split("\n") == [LONG, LONG + " Two.", "Lone label", LONG + " Three."]
        assert {x.rule_id for x in r.removals} == {"shapes/menu"}

    def test_runs_that_make_up_most_of_the_document_stay(self, engine: str) -> None:
        """A run rule takes menus around an article; when its runs would take more than
        the document's share (the cut guard's), the document is made of short lines (a
        poem, a list, a blog in short lines of Chinese) and the rule does not apply."""
        rs = ruleset(SHAPES)
        verse = ["Snow on hills", "kettle on stove", "dog fast asleep", "clock ticking on"]
        text = "\n".join([*verse, "rain at dusk", "lamps lit early", LONG])
        r = run(rs, text, engine, publisher="shapes", common=False)
        assert r.text == text
        assert [(n.code, n.rule_id) for n in r.warnings] == [("cut-guarded", "shapes/menu")]
        menu = "\n".join([LONG, "Home", "World", "Sport", LONG + " Two.", LONG + " Three."])
        assert run(rs, menu, engine, publisher="shapes", common=False).text.count("\n") == 2

    def test_min_lines_protects_short_documents(self, engine: str) -> None:
        rs = ruleset(SHAPES)
        short = "Markets\n" + LONG + "\n" + LONG + " Two."
        assert run(rs, short, engine, publisher="shapes", common=False).text == short
        longer = short + "\n" + LONG + " Three."
        assert run(rs, longer, engine, publisher="shapes", common=False).text == longer[8:]

    def test_repeated_keeps_the_first_copy(self, engine: str) -> None:
        rs = ruleset(SHAPES)
        text = "\n".join([LONG, "Middle paragraph of the article.", LONG])
        r = run(rs, text, engine, publisher="shapes", common=False)
        assert r.text == "\n".join([LONG, "Middle paragraph of the article."])
        assert [x.line for x in r.removals] == [3]

    def test_a_repeated_run_counts_the_lines_that_are_no_repeats(self, engine: str) -> None:
        """A run is the lines a rule matches; ``repeated`` then picks the copies among
        them. The line the run goes through need not repeat anything (the fast engine
        once proposed such a rule on repeated lines only, and saw no run)."""
        rs = ruleset(
            (
                "reruns",
                "publisher: Reruns\nrules:\n  - id: copies\n"
                "    shape: {max_words: 5, final_punctuation: false}\n"
                "    run: 2\n    repeated: true\n    category: other\n    why: copies\n",
            )
        )
        text = "\n".join(["More to Read", "Featured", "More to Read"])
        r = run(rs, text, engine, publisher="reruns", common=False, max_cut_share=1.0)
        assert [(x.line, x.text) for x in r.removals] == [(3, "More to Read")]

    @pytest.mark.parametrize("strip_first", [True, False])
    def test_a_strip_can_make_a_line_a_repeat(self, engine: str, strip_first: bool) -> None:
        """A line is unique until a strip elsewhere makes another line equal to it; the
        ``repeated`` rule must then apply, whichever of the two was stripped."""
        pack = (
            "stripper",
            """
            publisher: Stripper
            rules:
              - id: now-read
                regex: '^Now Read:\\s*'
                action: strip
                category: related-link
                why: teaser label
              - id: repeat
                shape: {max_words: 50}
                repeated: true
                category: other
                why: repeats
            """,
        )
        rs = ruleset(pack)
        teaser = "Now Read: " + LONG
        lines = [teaser, "Middle paragraph of the article.", LONG]
        if not strip_first:
            lines = [LONG, "Middle paragraph of the article.", teaser]
        r = run(rs, "\n".join(lines), engine, publisher="stripper", common=False)
        assert r.text == "\n".join([LONG, "Middle paragraph of the article."])
        assert [x.rule_id for x in r.removals] == ["stripper/now-read", "stripper/repeat"]

    def test_line_above_goes_with_its_credit_line(self, engine: str) -> None:
        pack = (
            "captions",
            """
            publisher: Captions
            rules:
              - id: credit
                regex: '^Photographer: \\S.{0,60}$'
                line_above: 12
                category: photo-credit
                why: a caption and its credit
            """,
        )
        rs = ruleset(pack)
        caption = "Workers repair the pier after the storm on Tuesday."
        credit = "Photographer: Jo Lane/Example"
        text = "\n".join([LONG, caption, credit, LONG + " Two."])
        r = run(rs, text, engine, publisher="captions", common=False)
        assert r.text == "\n".join([LONG, LONG + " Two."])
        assert [(x.line, x.trigger_line) for x in r.removals] == [(2, 3), (3, None)]
        # over the word limit (article prose), after a blank line, or at the very top
        prose = LONG + " It rained all week and the harbour was closed to boats."
        for kept in ([prose, credit], [LONG, "", credit], [credit, LONG]):
            r = run(rs, "\n".join(kept), engine, publisher="captions", common=False)
            assert [x.text for x in r.removals] == [credit], kept

    def test_unless_after_keeps_the_list_a_sentence_introduces(self, engine: str) -> None:
        def lists(*rules: str) -> RuleSet:
            return ruleset(("lists", "publisher: Lists\nrules:\n" + "".join(rules)))

        def shape(rule_id: str, where: str) -> str:
            return (
                f"  - id: {rule_id}\n    shape: {{max_words: 3, final_punctuation: false}}\n"
                f"    {where}\n    unless_after: ':$'\n    category: navigation\n"
                "    why: menus and footer words\n"
            )

        rs = lists(shape("menu", "run: 3"), shape("tail", "scope: {tail: 1}"))
        names = ["Jane Smith", "John Jones", "Ann Lee"]
        intro = "These members voted against it:"
        for where in ("middle", "end"):
            after = [LONG + " Two."] if where == "middle" else []
            text = "\n".join([LONG, intro, *names, *after])
            r = run(rs, text, engine, publisher="lists", common=False)
            assert r.text == text, where
        # without the lead-in, or with a sentence between, the same lines are a menu
        for above in ([LONG], [intro, LONG]):
            text = "\n".join([*above, *names, LONG + " Two."])
            r = run(rs, text, engine, publisher="lists", common=False)
            assert [x.text for x in r.removals] == names, above
        # a lead-in that another rule drops introduces nothing: its menu goes too
        label = (
            "  - id: label\n    exact: 'Follow us on:'\n    category: social\n"
            "    why: a follow box's label\n"
        )
        menu = ["Follow us on:", "Facebook", "Instagram", "Threads"]
        text = "\n".join([LONG, *menu, LONG + " Two."])
        dropped = lists(label, shape("menu", "run: 3"))
        r = run(dropped, text, engine, publisher="lists", common=False)
        assert r.text == "\n".join([LONG, LONG + " Two."])

    def test_unless_after_a_bare_heading_the_guard_names(self, engine: str) -> None:
        """An unpunctuated line the guard matches, met on the way up, introduces the list
        under it ("Pros" set as a subheading); other unpunctuated lines are walked over."""
        rule = (
            "  - id: menu\n    shape: {max_words: 3, final_punctuation: false}\n"
            "    run: 3\n    unless: '^(?:Pros|Cons)$'\n    unless_after: ':$|^(?:Pros|Cons)$'\n"
            "    category: navigation\n    why: menus\n"
        )
        rs = ruleset(("lists", "publisher: Lists\nrules:\n" + rule))
        pros = ["Pros", "Warm sound", "Light case", "Long battery"]
        items = [*pros, "Cons", "No charging", "Loud fan", "Slow app"]
        text = "\n".join([LONG, *items, LONG + " Two."])
        assert run(rs, text, engine, publisher="lists", common=False).text == text
        menu = ["Home", "Sport", "Weather"]
        text = "\n".join([LONG, *menu, LONG + " Two."])
        r = run(rs, text, engine, publisher="lists", common=False)
        assert [x.text for x in r.removals] == menu

    def test_final_punctuation_counts_quotes_and_colons(self, engine: str) -> None:
        rs = ruleset(SHAPES)
        text = "\n".join([LONG, "He said:", "\u201cNo.\u201d", "Fine!", LONG + " Two."])
        assert run(rs, text, engine, publisher="shapes", common=False).text == text

    def test_sentence_ends_of_other_scripts(self, engine: str) -> None:
        """The danda, the Arabic question mark, the Urdu and Ethiopic full stops and the
        German closing single quote end sentences too."""
        rs = ruleset(SHAPES)
        urdu, german = "اجلاس ختم \u06d4", "Er sagte \u201anein\u2018"
        ends = ["सभा खत्म हुई।", "هل انتهى؟", urdu, "ስብሰባው አበቃ።", german]
        text = "\n".join([LONG, *ends, LONG + " Two."])
        assert run(rs, text, engine, publisher="shapes", common=False).text == text

    def test_prose_without_spaces_is_not_a_short_line(self, engine: str) -> None:
        """A Chinese or Japanese paragraph has no spaces: counted by its characters, it
        is long, and a run of them is no menu even without a final full stop. Short
        lines in those scripts (menu entries, tags) still count as one word each."""
        rs = ruleset(SHAPES)
        prose = (
            "我们今天讨论航天技术更好惠及人民的国际合作以及各国航天机构之间的数据共享和联合任务规划"
        )
        paragraphs = [prose, prose[::-1], prose[5:] + prose[:5]]
        text = "\n".join([LONG, *paragraphs, LONG + " Two."])
        assert run(rs, text, engine, publisher="shapes", common=False).text == text
        menu = "\n".join([LONG, "国际", "财经", "体育", LONG + " Two."])
        r = run(rs, menu, engine, publisher="shapes", common=False)
        assert r.text == "\n".join([LONG, LONG + " Two."])


#: The guard the packs put on their house headings: a line of prose (twelve or more
#: words ending like a sentence) is the paragraph under a story's own subheading.
PROSE = '^(?:\\S+\\s+){11}\\S.*[.!?\u2026]["\u201d\u2019\u00bb\u00ab\u201c)]*$'
PARAGRAPH = "The council spent the rest of the evening on the budget, which passed by two votes."
HEADINGS = (
    "headings",
    f"""
    publisher: Headings
    rules:
      - id: more-to-read
        exact: More to Read
        action: cut-after
        unless_before: '{PROSE}'
        category: related-link
        why: the teaser block under the house heading, to the end
      - id: featured
        exact: Featured
        unless_before: '{PROSE}'
        category: navigation
        why: a label over a teaser
      - id: opener
        exact: Listen
        scope: {{head: 1}}
        unless_before: '{PROSE}'
        category: other
        why: a player label at the top
      - id: sections
        regex: '^(?:Home|World|Sport|Business|Weather)$'
        run: 3
        unless_before: '{PROSE}'
        category: navigation
        why: a section menu
      - id: newsletter
        prefix: Sign up for the Morning Briefing
        category: newsletter
        why: an inline pitch, a sentence long
    """,
)


@pytest.mark.parametrize("engine", ENGINES)
class TestUnlessBefore:
    """``unless_before``: a house heading has a teaser under it, a story's own
    subheading in the same words has its paragraph."""

    def clean(self, engine: str, *lines: str) -> Result:
        text = "\n".join(lines)
        rules = ruleset(HEADINGS)
        return run(rules, text, engine, publisher="headings", common=False, max_cut_share=1.0)

    def test_a_cut_trigger_over_a_paragraph_is_a_subheading(self, engine: str) -> None:
        kept = [LONG, "More to Read", PARAGRAPH, LONG + " Two."]
        assert self.clean(engine, *kept).text == "\n".join(kept)
        teaser = "Mayor defends the new budget"
        r = self.clean(engine, LONG, "More to Read", teaser, LONG + " Two.")
        assert r.text == LONG
        assert [(x.rule_id, x.trigger_line) for x in r.removals] == [
            ("headings/more-to-read", 2)
        ] * 3

    def test_blank_lines_below_are_skipped(self, engine: str) -> None:
        assert not self.clean(engine, LONG, "More to Read", "", "", PARAGRAPH, LONG).removals
        r = self.clean(engine, LONG, "More to Read", "", "Mayor defends the new budget")
        assert r.text == LONG

    def test_a_line_an_earlier_pass_removed_does_not_count(self, engine: str) -> None:
        pitch = "Sign up for the Morning Briefing to get the day's biggest stories in your inbox."
        # the pitch is prose-shaped but goes in the first pass; then the teaser is below
        r = self.clean(engine, LONG, "More to Read", pitch, "Mayor defends the new budget")
        assert r.text == LONG
        assert [(x.line, x.rule_id) for x in r.removals] == [
            (2, "headings/more-to-read"),
            (3, "headings/newsletter"),
            (4, "headings/more-to-read"),
        ]
        # only the line directly below counts: the label over the label goes
        r = self.clean(engine, LONG, "Featured", "Featured", PARAGRAPH)
        assert r.text == "\n".join([LONG, "Featured", PARAGRAPH])
        # and a removed line does not hide the paragraph under it
        kept = [LONG, "More to Read", pitch, PARAGRAPH]
        r = self.clean(engine, *kept)
        assert r.text == "\n".join([LONG, "More to Read", PARAGRAPH])

    def test_the_last_line_has_nothing_below(self, engine: str) -> None:
        for heading in ("More to Read", "Featured"):
            r = self.clean(engine, LONG, heading)
            assert r.text == LONG, heading
            r = self.clean(engine, LONG, heading, "", "")
            assert r.text.strip() == LONG, heading

    def test_a_drop_line_label(self, engine: str) -> None:
        kept = [LONG, "Featured", PARAGRAPH]
        assert self.clean(engine, *kept).text == "\n".join(kept)
        r = self.clean(engine, LONG, "Featured", "Mayor defends the new budget", PARAGRAPH)
        assert r.text == "\n".join([LONG, "Mayor defends the new budget", PARAGRAPH])
        # the guard reads the trimmed line
        assert not self.clean(engine, LONG, "Featured", "  " + PARAGRAPH + "  ").removals
        short = "The council met on Tuesday."
        r = self.clean(engine, LONG, "Featured", short)
        assert r.text == "\n".join([LONG, short])

    def test_with_a_scope_the_line_below_may_lie_outside_it(self, engine: str) -> None:
        kept = ["Listen", PARAGRAPH, LONG]
        assert self.clean(engine, *kept).text == "\n".join(kept)
        r = self.clean(engine, "Listen", "Mayor defends the new budget", LONG)
        assert r.text == "\n".join(["Mayor defends the new budget", LONG])
        # out of scope, the guard is not even asked
        kept = [LONG, "Listen", "Mayor defends the new budget"]
        assert self.clean(engine, *kept).text == "\n".join(kept)

    def test_a_run_is_judged_by_the_line_below_the_run(self, engine: str) -> None:
        menu = ["Home", "World", "Sport", "Business"]
        kept = [LONG, *menu, PARAGRAPH]
        # not all but the last item: the whole run stays
        assert self.clean(engine, *kept).text == "\n".join(kept)
        for below in ([LONG + " Two"], []):  # no sentence end; the end of the document
            r = self.clean(engine, LONG, *menu, *below)
            assert [x.text for x in r.removals] == menu, below


class TestLimits:
    def test_too_large_document_passes_through(self, rules: RuleSet) -> None:
        text = "Story.\nAdvertisement\n" + "x" * 200
        r = Cleaner(rules, max_document_chars=100).clean(text)
        assert r.text is text and [n.code for n in r.warnings] == ["too-large"]

    @pytest.mark.parametrize("engine", ENGINES)
    def test_long_line_is_left_alone(self, rules: RuleSet, engine: str) -> None:
        long = "Advertisement " + "word " * 50
        text = f"Story.\nAdvertisement\n{long.strip()}"
        r = Cleaner(rules, max_line_chars=100, engine=engine).clean(text)
        assert r.text == f"Story.\n{long.strip()}"
        assert [n.code for n in r.warnings] == ["long-line"] and r.warnings[0].line == 3

    def test_time_budget_passes_document_through(self) -> None:
        rs = slow_rules()
        text = "x" + "a" * 40 + "b\nComments"
        started = time.perf_counter()
        r = Cleaner(rs, rule_timeout=None, time_budget=0.05).clean(text, publisher="slow")
        assert time.perf_counter() - started < 2  # without the budget: minutes
        codes = {n.code for n in r.warnings}
        assert codes & {"time-budget", "rule-timeout"}
        if "time-budget" in codes:
            assert r.text is text


class TestVerdicts:
    """What a rule decided on a short line is remembered across documents."""

    def test_remembered_verdicts_give_the_same_results(self, rules: RuleSet) -> None:
        fast = Cleaner(rules)
        reference = Cleaner(rules, engine="reference")
        docs = [
            f"Story {k} opened with news.\nAdvertisement\nPhoto: Shutterstock\n"
            f"Comments\nA closing line of story {k}."
            for k in range(5)
        ]
        for doc in docs + docs:
            assert fast.clean(doc).text == reference.clean(doc).text
        verdicts = fast._index.verdicts
        assert verdicts and all(len(key) <= VERDICT_KEY for _, key in verdicts)

    def test_the_store_is_bounded(self, rules: RuleSet, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(compiled, "VERDICT_LIMIT", 3)
        cleaner = Cleaner(rules)
        cleaner._index.verdicts.clear()  # the compiled index is shared by equal rule sets
        for k in range(20):
            text = f"Line {k} of the story.\nAdvertisement {k}\nPhoto: Agency {k}"
            cleaner.clean(text)
            assert len(cleaner._index.verdicts) <= 3
        assert cleaner.clean("Rates rose.\nAdvertisement").text == "Rates rose."

    def test_remembered_proposals_are_bounded(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(compiled, "VERDICT_LIMIT", 4)
        builtin = RuleSet.load(env=False)  # its common pack has rules without a literal
        cleaner = Cleaner(builtin)
        reference = Cleaner(builtin, engine="reference")
        for k in range(30):
            text = f"Jan {k % 28 + 1}, 2024\nLine {k} of the story.\nShort label {k}\nEnd."
            result = cleaner.clean(text)
            assert result.text == reference.clean(text).text
        assert result.packs
        assert 0 < len(cleaner._index.proposals) <= 4

    def test_one_bounded_store_for_every_pack_combination(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Each combination of packs is its own set of active rules; their remembered
        proposals share one store, so many publishers cannot multiply the memory."""
        monkeypatch.setattr(compiled, "VERDICT_LIMIT", 50)
        builtin = RuleSet.load(env=False)
        cleaner = Cleaner(builtin)
        cleaner._index.proposals.clear()
        publishers = [p.id for p in builtin.packs if p.kind == "publisher"][:20]
        for k, publisher in enumerate(publishers * 3):
            text = f"Short label {k}\nA line of the story number {k} for {publisher}.\nEnd"
            cleaner.clean(text, publisher=publisher)
            assert len(cleaner._index.proposals) <= 50
        plans = {plan for plan, _ in cleaner._index.proposals}
        assert len(plans) < len(publishers)  # most packs add no literal-less rule

    def test_long_lines_are_not_remembered(self, rules: RuleSet) -> None:
        cleaner = Cleaner(rules)
        line = "Advertisement " + "word " * 60
        cleaner.clean(f"Story.\n{line.strip()}")
        assert all(key != line.strip() for _, key in cleaner._index.verdicts)


DATE_PACK = (
    "dates",
    """
    publisher: Dates
    rules:
      - id: time-first
        regex: '^\\d{1,2}:\\d{2}\\s?(?:[ap]m)?,?\\s(?:Jan|Mar|May)[a-z]*\\s\\d{1,2},?\\s\\d{4}$'
        max_words: 6
        category: byline
        why: a time stamp
      - id: month-anywhere
        regex: '^\\d\\d?\\s(?:Jan|Mar|May)[a-z]*$'
        category: other
        why: no word limit
    """,
)


def test_short_unanchored_literals_give_way_to_the_word_limit() -> None:
    # "may" and "mar" are in most paragraphs; a rule with a word limit is proposed by
    # the limit (and a class its lines need) instead, with the same matches
    index = compiled.CompiledIndex(ruleset(DATE_PACK))
    first, second = index.rules
    assert first.literals is None and first.needs is not None
    assert second.literals is not None  # no word limit: the literals stay
    text = "5:55 pm, May 17, 2018\nThe council may meet in March.\n3 March\n"
    for engine in ENGINES:
        cleaner = Cleaner(ruleset(DATE_PACK), common=False, engine=engine)
        result = cleaner.clean(text, publisher="dates")
        assert [(r.rule_id, r.line) for r in result.removals] == [
            ("dates/time-first", 1),
            ("dates/month-anywhere", 3),
        ]
