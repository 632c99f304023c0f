"""HTML mode: decoding, parsing odd pages, the generic stage, output formats.

Every page here is written for the test; none is copied from a real site.
"""

from __future__ import annotations

import codecs
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.errors import InputError, UnknownPublisherError
from cleaner.html import (
    DEEP_CHECK_TAGS,
    Block,
    _digit_count,
    _ends_sentence,
    _join_rows,
    decode_html,
    flatten_deep,
    hint_of,
)

PARA = [
    "The city council voted on Tuesday to keep the night buses running through the winter.",
    "Members said the late routes carry nurses, cooks and cleaners home after their shifts.",
    "The transport office had proposed cutting three routes to save money on fuel and staff.",
    "A final budget will be published in March, after a second round of public hearings.",
]


def page(body: str, head: str = "") -> str:
    return (
        f"<!doctype html><html><head>{head}<title>Bus vote</title></head><body>{body}</body></html>"
    )


def article(*extra: str, paras: list[str] = PARA) -> str:
    inner = "".join(f"<p>{p}</p>" for p in paras)
    return (
        '<header class="site-header"><nav><a href="/">Home</a> <a href="/city">City</a></nav>'
        "</header><main><article><h1>Night buses stay</h1>"
        f'<div class="article-body">{inner}{"".join(extra)}</div></article></main>'
        "<footer><p>Copyright 2024 The Example Gazette. All rights reserved.</p></footer>"
    )


@pytest.fixture(scope="module")
def generic() -> Cleaner:
    return Cleaner(packs=["common"], detect=False)


def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


def story(*parts: str | list[str], title: str = "Night buses stay") -> str:
    """An article body: a title, then each part, a list of paragraphs or raw markup."""
    inner = "".join(
        "".join(f"<p>{p}</p>" for p in part) if isinstance(part, list) else part for part in parts
    )
    return f"<main><article><h1>{title}</h1>{inner}</article></main>"


# -- encodings -------------------------------------------------------------------------------
def test_utf8_bom_is_read_and_dropped() -> None:
    text, enc = decode_html(codecs.BOM_UTF8 + "<p>Grüße</p>".encode())
    assert (text, enc) == ("<p>Grüße</p>", "utf-8")


def test_utf16_bom_is_read() -> None:
    text, enc = decode_html(codecs.BOM_UTF16_LE + "<p>Grüße</p>".encode("utf-16-le"))
    assert text == "<p>Grüße</p>" and enc == "utf-16-le"


def test_meta_charset_decides_before_detection() -> None:
    raw = '<html><head><meta charset="windows-1251"></head><body><p>Привет, мир</p>'
    text, enc = decode_html(raw.encode("cp1251"))
    assert "Привет, мир" in text and enc == "cp1251"


def test_http_equiv_content_type_is_read() -> None:
    raw = (
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
        "<p>Café crème à la carte</p>"
    )
    text, enc = decode_html(raw.encode("latin-1"))
    assert "Café crème à la carte" in text
    assert enc == "cp1252"  # latin-1 means windows-1252 to every browser


def test_a_page_claiming_utf16_in_ascii_bytes_is_read_as_utf8() -> None:
    text, _ = decode_html('<meta charset="utf-16"><p>naïve</p>'.encode())
    assert "naïve" in text


def test_undeclared_utf8_is_read_as_utf8() -> None:
    assert decode_html("<p>Straße \u2013 „Zitat“</p>".encode()) == (
        "<p>Straße \u2013 „Zitat“</p>",
        "utf-8",
    )


def test_undeclared_legacy_encoding_is_detected() -> None:
    body = " ".join(
        ["Der Gemeinderat beschloss am Dienstag, die Nachtbusse weiterfahren zu lassen."] * 8
    )
    raw = f"<html><body><p>{body} Grüße aus Köln, schöne Straße.</p></body></html>".encode("cp1252")
    text, enc = decode_html(raw)
    assert "Grüße aus Köln, schöne Straße." in text
    assert enc != "utf-8"


def test_windows_1252_declared_keeps_its_quotes_and_euro_sign(generic: Cleaner) -> None:
    para = "\u201cIt will cost \u20ac5 a ride\u201d \u2013 the mayor said on Tuesday."
    raw = page(article(paras=[para, *PARA]), head='<meta charset="windows-1252">')
    data = raw.encode("cp1252")
    assert b"\x93" in data and b"\x80" in data  # bytes that mean other things in latin-1
    text, enc = decode_html(data)
    assert enc == "cp1252" and para in text
    assert para in generic.clean_html(data).text


def test_undeclared_windows_1252_is_not_read_as_utf8() -> None:
    sentence = "Der Stadtrat \u201everl\u00e4ngert\u201c die Nachtbusse f\u00fcr den Winter."
    body = " ".join([sentence] * 8)
    text, enc = decode_html(f"<html><body><p>{body}</p></body></html>".encode("cp1252"))
    assert enc != "utf-8" and "\ufffd" not in text
    assert "verl\u00e4ngert" in text and "f\u00fcr" in text


def test_utf8_bytes_under_a_stale_legacy_charset_are_read_as_utf8(generic: Cleaner) -> None:
    # a crawler re-encoded the page to UTF-8 and left its old declaration in place
    para = "谷歌在周二发布了新的翻译工具\uff0c支持十二种语言。"
    raw = page(article(paras=[para, *PARA]), head='<meta charset="gb2312">')
    text, enc = decode_html(raw.encode("utf-8"))
    assert enc == "utf-8" and para in text
    assert para in generic.clean_html(raw.encode("utf-8")).text


def test_legacy_bytes_under_their_own_charset_stay_legacy() -> None:
    para = "谷歌在周二发布了新的翻译工具。"
    text, enc = decode_html(f'<meta charset="gb2312"><p>{para}</p>'.encode("gbk"))
    assert enc == "gbk" and para in text
    latin = "Caf\u00e9 cr\u00e8me \u00e0 la carte, \u00a3 and \u00a7"
    text, enc = decode_html(f'<meta charset="iso-8859-1"><p>{latin}</p>'.encode("latin-1"))
    assert enc == "cp1252" and latin in text


def test_meta_charset_in_single_quotes_and_upper_case() -> None:
    raw = "<HEAD><META CHARSET='KOI8-R'></HEAD><p>\u041f\u0440\u0438\u0432\u0435\u0442</p>"
    text, enc = decode_html(raw.encode("koi8-r"))
    assert "\u041f\u0440\u0438\u0432\u0435\u0442" in text and enc == "koi8-r"


def test_bom_wins_over_a_meta_charset_that_disagrees() -> None:
    raw = codecs.BOM_UTF8 + '<meta charset="windows-1252"><p>Gr\u00fc\u00dfe</p>'.encode()
    text, enc = decode_html(raw)
    assert enc == "utf-8" and "Gr\u00fc\u00dfe" in text


def test_undecodable_bytes_never_fail(generic: Cleaner) -> None:
    raw = b'<meta charset="utf-8"><p>broken \xff\xfe bytes in a sentence that is long enough.</p>'
    assert "broken" in generic.clean_html(raw).lines


def test_bytes_and_text_give_the_same_article(generic: Cleaner) -> None:
    html = page(article())
    assert generic.clean_html(html).text == generic.clean_html(html.encode("utf-8")).text


def test_other_types_are_refused(generic: Cleaner) -> None:
    with pytest.raises(InputError):
        generic.clean_html(42)  # type: ignore[arg-type]


# -- odd pages ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "html",
    ["", "   ", "<html></html>", "<html><body></body></html>", "<!-- nothing -->", b"", "\x00"],
)
def test_empty_pages_give_empty_text(generic: Cleaner, html: str | bytes) -> None:
    result = generic.clean_html(html)
    assert result.text == ""
    assert result.removals == ()


def test_broken_markup_still_yields_the_article(generic: Cleaner) -> None:
    broken = (
        "<html><body><div class=article-body><p>" + PARA[0] + "<p>" + PARA[1]
        + "<b><i>" + PARA[2] + "</b></i><div><span>" + PARA[3]
        + "</p></div></table></body"  # unclosed, misnested, stray end tags
    )  # fmt: skip
    text = generic.clean_html(broken).text
    for para in PARA:
        assert para in text


def test_unclosed_nesting_thousands_deep_does_not_recurse_to_death(generic: Cleaner) -> None:
    html = "<div>" * 5000 + "<p>" + PARA[0] + "</p><p>" + PARA[1] + "</p>"
    text = generic.clean_html(html).text
    assert PARA[0] in text and PARA[1] in text


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(lambda n, inner: "<div>" * n + inner + "</div>" * n, id="closed"),
        pytest.param(lambda n, inner: "<div>" * n + inner, id="unclosed"),
        pytest.param(lambda n, inner: "<section><div>" * (n // 2) + inner, id="mixed-blocks"),
        pytest.param(lambda n, inner: "<span>" * n + inner, id="inline"),
        pytest.param(lambda n, inner: "<blockquote>" * n + inner, id="quotes"),
    ],
)
def test_a_hundred_thousand_nested_elements_neither_crash_nor_crawl(
    generic: Cleaner, shape: object
) -> None:
    inner = "".join(f"<p>{p}</p>" for p in PARA)
    html = "<html><body>" + shape(100_000, inner) + "</body></html>"  # type: ignore[operator]
    start = time.perf_counter()
    for data in (html, html.encode()):
        text = generic.clean_html(data).text
        for para in PARA:
            assert para in text
    assert time.perf_counter() - start < 60  # the tree builder alone is quadratic in depth


def test_deep_nesting_keeps_the_text_in_order() -> None:
    html = "<div>" * 6000 + "<p>first words</p>" + "</div>" * 6000 + "<p>last words</p>"
    flat = flatten_deep(html)
    assert isinstance(flat, str) and flat != html
    assert flat.index("first words") < flat.index("last words")
    assert flat.count("<div>") == 1000 and flat.count("</div>") == 1000


def test_ordinary_pages_are_not_touched_by_the_depth_guard() -> None:
    html = page(article()) * 3
    assert html.count("<") < DEEP_CHECK_TAGS and flatten_deep(html) is html
    many = "<p>short</p>" * (DEEP_CHECK_TAGS // 2 + 1)  # many tags, none nested
    assert flatten_deep(many) is many
    assert flatten_deep(many.encode()) == many.encode()


def test_pages_without_p_elements(generic: Cleaner) -> None:
    body = (
        '<nav><a href="/">Home</a></nav><div id="story">'
        + "<br>".join(PARA)
        + '</div><div class="sidebar"><a href="/a">Most read</a></div>'
    )
    assert lines(generic.clean_html(page(body)).text) == PARA


def test_pages_with_a_div_per_paragraph_and_no_p(generic: Cleaner) -> None:
    body = (
        '<header><nav><a href="/">Home</a> <a href="/city">City</a></nav></header>'
        '<div class="content"><h1>Night buses stay</h1><h2>What changes</h2>'
        + "".join(f"<div>{p}</div>" for p in PARA)
        + "<ul><li>Route 7 runs until two in the morning on weekdays.</li></ul></div>"
        '<div class="footer"><a href="/about">About us</a></div>'
    )
    got = lines(generic.clean_html(page(body)).text)
    assert got == ["What changes", *PARA, "Route 7 runs until two in the morning on weekdays."]


def test_pages_with_only_headings_and_lists(generic: Cleaner) -> None:
    first = "".join(f"<li>{p}</li>" for p in PARA[:2])
    second = "".join(f"<li>{p}</li>" for p in PARA[2:])
    body = f"<main><h2>The vote</h2><ol>{first}</ol><h2>Next</h2><ul>{second}</ul></main>"
    got = lines(generic.clean_html(page(body)).text)
    assert got == ["The vote", *PARA[:2], "Next", *PARA[2:]]


def test_div_text_in_table_layout(generic: Cleaner) -> None:
    rows = "".join(f"<tr><td>{p}</td></tr>" for p in PARA)
    body = f'<table class="layout"><tr><td><a href="/">Home</a></td></tr>{rows}</table>'
    assert lines(generic.clean_html(page(body)).text) == PARA


def test_huge_page_is_cleaned_in_reasonable_time(generic: Cleaner) -> None:
    teasers = "".join(
        f'<li class="teaser"><a href="/s/{i}">Story number {i} in the river</a></li>'
        for i in range(30_000)
    )
    # distinct paragraphs: a repeated long line is boilerplate to the common pack
    long_article = [f"{p[:-1]}, said speaker {i}." for i in range(200) for p in PARA]
    html = page(article(paras=long_article) + f'<ul class="related">{teasers}</ul>')
    assert len(html) > 2_000_000
    start = time.perf_counter()
    text = generic.clean_html(html.encode()).text
    assert time.perf_counter() - start < 30
    assert "Story number" not in text
    assert text.count(PARA[0][:-1]) == 200


def test_entities_and_whitespace_are_normalised(generic: Cleaner) -> None:
    para = "Fish &amp; chips cost more:   the   price\n  rose by 12&#37; in a year, says the guide."
    first = lines(generic.clean_html(page(article(paras=[para] * 4))).text)[0]
    assert first == "Fish & chips cost more: the price rose by 12% in a year, says the guide."


# -- the generic stage --------------------------------------------------------------------------
def test_generic_stage_keeps_the_article_and_drops_furniture(generic: Cleaner) -> None:
    result = generic.clean_html(page(article()))
    assert lines(result.text) == PARA
    assert "Night buses stay" not in result.text  # the title is not article text
    outside = [n for n in result.nodes if n.rule_id == "generic/outside-article"]
    assert outside and outside[0].chars > 0 and "article-body" in result.root


@pytest.mark.parametrize(
    ("widget", "reason"),
    [
        ('<div class="social-share"><a href="#">Share on Facebook</a> Tweet this</div>', "share"),
        (
            '<div class="newsletter-signup">Get our morning briefing in your inbox</div>',
            "newsletter",
        ),
        (
            '<section class="related-stories"><p>More on the council budget fight</p></section>',
            "related",
        ),
        ('<div id="comments"><p>Join the conversation below, readers.</p></div>', "comments"),
        ('<div class="cookie-banner">We use cookies to improve your visit</div>', "cookie"),
        ('<div class="ad-slot">Advertisement</div>', "advert"),
        ('<div class="promo-box">Try our crossword for free today</div>', "promo"),
        ('<div class="subscribe-cta">Subscribe for one dollar a week</div>', "newsletter"),
        ("<aside><p>Editor picks for the weekend</p></aside>", "aside"),
        ("<form><p>Search the archive of our stories</p></form>", "form"),
        ("<div hidden><p>A hidden teaser nobody sees on the page</p></div>", "hidden"),
        ('<div style="display: none"><p>Invisible subscription offer text</p></div>', "hidden"),
        ('<div aria-hidden="true">Decorative repeated headline text</div>', "hidden"),
    ],
)
def test_boilerplate_widgets_inside_the_article_go(
    generic: Cleaner, widget: str, reason: str
) -> None:
    result = generic.clean_html(page(article(widget)))
    assert lines(result.text) == PARA
    removed = [n for n in result.nodes if n.rule_id == f"generic/{reason}"]
    assert removed, [n.rule_id for n in result.nodes]
    assert removed[0].excerpt and removed[0].selector


def test_a_hinted_wrapper_that_holds_the_article_is_kept(generic: Cleaner) -> None:
    inner = "".join(f"<p>{p}</p>" for p in PARA)
    body = f'<div class="share-wrapper"><div class="article-text">{inner}</div></div>'
    assert lines(generic.clean_html(page(body)).text) == PARA


def test_a_paywalled_second_half_is_still_article(generic: Cleaner) -> None:
    first = "".join(f"<p>{p}</p>" for p in PARA)
    rest = "".join(f"<p>{p[:-1]}, the {w} said.</p>" for w in ("board", "mayor") for p in PARA)
    body = (
        f'<article><div class="text">{first}<div class="paywall-content">{rest}</div></div>'
        "</article>"
    )
    assert len(lines(generic.clean_html(page(body)).text)) == 12


def test_link_lists_and_teaser_rivers_are_not_the_article(generic: Cleaner) -> None:
    river = "".join(
        f'<div class="card"><h3><a href="/s{i}">Other story {i}</a></h3>'
        f"<p>A teaser paragraph about another story number {i}, with enough words.</p></div>"
        for i in range(12)
    )
    long = [f"{p[:-1]}, the {w} said." for w in ("council", "board", "mayor") for p in PARA]
    body = article(paras=long) + f'<div class="river">{river}</div>'
    text = generic.clean_html(page(body)).text
    assert lines(text) == long


def test_article_split_in_chunks_is_kept_whole(generic: Cleaner) -> None:
    chunk = '<div class="body-chunk">{}</div>'
    body = (
        "<article>"
        + chunk.format(f"<p>{PARA[0]}</p><p>{PARA[1]}</p>")
        + '<div class="ad-slot">Advertisement</div><div class="more">'
        + '<a href="/x">More from the Gazette</a></div>'
        + chunk.format(f"<p>{PARA[2]}</p><p>{PARA[3]}</p>")
        + "</article>"
    )
    assert lines(generic.clean_html(page(body)).text) == PARA


def test_lead_in_the_article_header_is_kept(generic: Cleaner) -> None:
    lead = "Night buses will keep running this winter after a close vote at city hall."
    body = (
        f'<article><header><h1>Night buses stay</h1><p class="standfirst">{lead}</p>'
        '<p class="byline">By A. Writer</p></header>'
        f'<div class="story">{"".join(f"<p>{p}</p>" for p in PARA)}</div></article>'
    )
    assert lines(generic.clean_html(page(body)).text)[:2] == [lead, PARA[0]]


def test_headings_lists_quotes_and_tables_become_lines(generic: Cleaner) -> None:
    extra = (
        "<h2>What changes</h2><ul><li>Route 4 runs until 2 a.m.</li><li>Route 9 gains a stop."
        "</li></ul><blockquote><p>We listened to the night workers.</p></blockquote>"
        "<table><tr><th>Route</th><th>Last bus</th></tr><tr><td>4</td><td>2:00</td></tr></table>"
        "<p>First line<br>second line</p>"
    )
    extracted = generic.clean_html(page(article(extra))).lines  # before the text rules
    assert lines(extracted)[4:] == [
        "What changes",
        "Route 4 runs until 2 a.m.",
        "Route 9 gains a stop.",
        "We listened to the night workers.",
        "Route Last bus",
        "4 2:00",
        "First line",
        "second line",
    ]


def test_markdown_format_keeps_markers(generic: Cleaner) -> None:
    extra = (
        "<h2>What changes</h2><ul><li>Route 4 runs until 2 a.m.</li></ul>"
        "<ol><li>First hearing</li><li>Second hearing</li></ol>"
        "<blockquote><p>We listened to the night workers.</p></blockquote>"
    )
    no_rules = Cleaner(common=False, detect=False)  # the common pack's tail rules stay out
    result = no_rules.clean_html(page(article(extra)), output="markdown")
    assert result.format == "markdown"
    assert lines(result.text)[4:] == [
        "## What changes",
        "- Route 4 runs until 2 a.m.",
        "1. First hearing",
        "2. Second hearing",
        "> We listened to the night workers.",
    ]


def test_unknown_format_is_refused(generic: Cleaner) -> None:
    with pytest.raises(InputError):
        generic.clean_html("<p>x</p>", output="rtf")  # type: ignore[arg-type]


def test_text_rules_run_on_the_lines_with_provenance(cleaner: Cleaner) -> None:
    extra = "<p>Read more: Five umbrellas we love</p><p>Photo: Shutterstock</p>"
    result = cleaner.clean_html(page(article(extra)))
    assert lines(result.text) == PARA
    assert {r.rule_id for r in result.removals} >= {"common/related-teaser"}
    removed = {r.text for r in result.removals}
    assert "Read more: Five umbrellas we love" in removed
    # line numbers refer to the extracted lines
    extracted = result.lines.split("\n")
    for r in result.removals:
        assert extracted[r.line - 1].strip() == r.text


def test_canonical_link_selects_the_publisher_pack(cleaner: Cleaner) -> None:
    head = '<link rel="canonical" href="https://www.benzinga.com/news/24/05/rates">'
    extra = "<p>Photo: Shutterstock</p>"
    result = cleaner.clean_html(page(article(extra), head=head))
    assert result.url == "https://www.benzinga.com/news/24/05/rates"
    assert "benzinga" in result.pack_ids
    assert "Photo: Shutterstock" not in result.text


def test_unknown_publisher_is_an_error(cleaner: Cleaner) -> None:
    with pytest.raises(UnknownPublisherError):
        cleaner.clean_html(page(article()), publisher="no-such-paper")


@pytest.mark.parametrize(
    ("names", "reason"),
    [
        ("c-share-bar", "share"),
        ("socialShare", "share"),
        ("ArticleRelatedStories", "related"),
        ("ad", "advert"),
        ("ads top", "advert"),
        ("header", None),
        ("reading-time", None),
        ("commentary-column", None),
        ("article-body share-tools", None),  # the article's own container
        ("hidden-xs", None),
        ("is-hidden", "hidden"),
        ("cmp-wrapper", "cookie"),  # a consent manager's box
        ("cmp-text", None),  # Adobe Experience Manager's text component
        ("cmp-title__text", None),
    ],
)
def test_class_hints(names: str, reason: str | None) -> None:
    assert hint_of(names) == reason


def test_section_headings_survive_the_shape_rules(generic: Cleaner) -> None:
    paras = [f"{p} It was the {n}th meeting this year." for n, p in enumerate(PARA * 2, 4)][:7]
    # the heading stands among the last five lines, where short-unpunctuated-tail looks
    body = story(paras[:5], "<h2>Drivers wanted</h2>", paras[5:], "<h2>More from the city</h2>")
    result = generic.clean_html(page(body))
    got = lines(result.text)
    assert got == [*paras[:5], "Drivers wanted", *paras[5:]]  # the last heading leads nowhere
    assert all(r.text != "Drivers wanted" for r in result.removals)
    assert any(r.text == "More from the city" for r in result.removals)
    md = generic.clean_html(page(body), output="markdown").text
    assert "\n## Drivers wanted\n" in md


def test_a_plain_list_inside_the_article_survives_the_run_rule(generic: Cleaner) -> None:
    # a how-to's list of things to buy is a run of short unpunctuated lines, as a menu is;
    # the page shows it is a list of the article's own (no links) followed by more article
    items = ["Glass cloche", "Floral foam", "Ruler", "Spoon", "Small plants"]
    listed = "".join(f"<li>{i}</li>" for i in items)
    body = story(PARA[:3], f"<ul>{listed}</ul>", [PARA[3], *MORE[:2]], title="Build a terrarium")
    result = generic.clean_html(page(body))
    assert lines(result.text) == [*PARA[:3], *items, PARA[3], *MORE[:2]]
    assert not [r for r in result.removals if r.text in items]
    md = generic.clean_html(page(body), output="markdown").text
    assert "\n- Ruler\n" in md


def test_a_table_inside_the_article_survives_the_run_rule(generic: Cleaner) -> None:
    # a release table: a linked version number and a month per row, short and unpunctuated
    rows = [("4.2.3", "April 2014"), ("4.2.4", "May 2014"), ("4.3", "July 2014")]
    table = "".join(f'<tr><td><a href="/r/{v}">{v}</a></td><td>{m}</td></tr>' for v, m in rows)
    body = story(PARA[:3], f"<table>{table}</table>", [PARA[3], *MORE[:2]])
    got = lines(generic.clean_html(page(body)).text)
    assert got == [*PARA[:3], *(f"{v} {m}" for v, m in rows), PARA[3], *MORE[:2]]


def test_a_list_of_links_in_the_article_still_goes_as_a_run(generic: Cleaner) -> None:
    items = ["Buses cut", "Trams late", "Fares rise", "Roads shut"]
    listed = "".join(f'<li><a href="/{n}">{i}</a></li>' for n, i in enumerate(items))
    body = story(PARA[:3], f"<ul>{listed}</ul>", [PARA[3], *MORE[:2]])
    assert lines(generic.clean_html(page(body)).text) == [*PARA, *MORE[:2]]


def _beside_related_links(generic: Cleaner, own_list: str) -> list[str]:
    """The output lines of a story holding ``own_list``, with a list of two related links
    ("Buses cut", "Trams late") after its fourth paragraph: those must always go."""
    related = "".join(
        f'<li><a href="/{n}">{i}</a></li>' for n, i in enumerate(["Buses cut", "Trams late"])
    )
    body = story(PARA[:3], own_list, [PARA[3], f"<ul>{related}</ul>", *MORE[:2]])
    return lines(generic.clean_html(page(body)).text)


def test_a_list_of_fixes_keeps_its_linked_entries_beside_its_sentences(
    generic: Cleaner,
) -> None:
    # a changelog links each fix to its ticket: some entries are nearly all link text,
    # the unlinked entry beside them shows the list is the post's own; a nested list of
    # ticket titles under one of its entries stays too
    entries = (
        "<li>Priya <a href='/t/81'>moved the tram timetable parser off the main thread</a></li>"
        "<li>The night bus feed no longer drops its last stop when the depot changes its "
        "route names, which riders reported twice this month.</li>"
        "<li>In progress:<ul><li><a href='/t/90'>Ticket 90 - fares page shows old zones</a>"
        "</li></ul></li>"
    )
    out = _beside_related_links(generic, f"<ul>{entries}</ul>")
    assert "Priya moved the tram timetable parser off the main thread" in out
    assert "Ticket 90 - fares page shows old zones" in out
    assert "Buses cut" not in out and "Trams late" not in out


def test_a_checklist_keeps_the_one_question_that_links_an_older_post(generic: Cleaner) -> None:
    # a list of short questions in the post's own words; one links to an earlier post, so
    # it is nearly all link text, but most of the list is not linked: it is the story's
    questions = [
        "Does the route run after midnight?",
        "<a href='/posts/night-fares'>Is the fare the same at night</a>?",
        "Who drives the last bus?",
        "Is there a stop near the hospital?",
    ]
    listed = "".join(f"<li>{q}</li>" for q in questions)
    out = _beside_related_links(generic, f"<ul>{listed}</ul>")
    assert "Is the fare the same at night?" in out
    assert "Who drives the last bus?" in out
    assert "Buses cut" not in out and "Trams late" not in out


def test_a_menu_with_one_unlinked_item_is_still_links(generic: Cleaner) -> None:
    # the current section is plain text in a menu of links: the links still go
    menu = "<li>City</li>" + "".join(
        f'<li><a href="/{n}">{i}</a></li>' for n, i in enumerate(["Sport", "Weather", "Travel"])
    )
    body = story(PARA[:3], f"<ul>{menu}</ul>", [PARA[3], *MORE[:2]])
    out = lines(generic.clean_html(page(body)).text)
    assert not {"Sport", "Weather", "Travel"} & set(out)


def test_a_row_of_linked_names_after_a_label_is_not_a_sentence(generic: Cleaner) -> None:
    rows = (
        "<li>Who was questioned: <a href='/a'>Jan Novak</a> | <a href='/b'>Eva Kral</a></li>"
        "<li><a href='/c'>Timeline of the raids</a></li>"
    )
    body = story(PARA[:3], f"<ul>{rows}</ul>", [PARA[3], *MORE[:2]])
    out = lines(generic.clean_html(page(body)).text)
    assert "Timeline of the raids" not in out


def test_code_keeps_its_highlighted_comments_and_short_lines(generic: Cleaner) -> None:
    # a syntax highlighter marks code comments "token comment"; that is not a comment thread
    code = (
        '<pre><code><span class="token comment">// add.c</span>\n'
        '#include &lt;emscripten.h&gt;\n<span class="hljs-meta">EMSCRIPTEN_KEEPALIVE</span>'
        "</code></pre>"
    )
    body = story(PARA[:3], code.replace("\n", "<br>"), [PARA[3], *MORE[:2]])
    result = generic.clean_html(page(body))
    assert lines(result.text) == [
        *PARA[:3],
        "// add.c",
        "#include <emscripten.h>",
        "EMSCRIPTEN_KEEPALIVE",
        PARA[3],
        *MORE[:2],
    ]
    assert not result.nodes or all("add.c" not in n.excerpt for n in result.nodes)


def test_a_section_heading_that_links_to_itself_stays(generic: Cleaner) -> None:
    # a permalink anchor on each heading ("#who-rides"): it leads nowhere else on the web
    body = story(
        PARA[:2],
        '<h2><a href="#who-rides">Who rides at night</a></h2>',
        PARA[2:],
        '<h2><a href="/other-story">Trams late again</a></h2>',
        [MORE[0]],
    )
    got = lines(generic.clean_html(page(body)).text)
    assert "Who rides at night" in got
    assert "Trams late again" not in got


def test_a_paragraph_linked_to_a_popup_or_a_footnote_stays(generic: Cleaner) -> None:
    # an annotated edition links phrases to pop-up notes; the links go nowhere else
    notes = [
        '<p>He <a href="javascript:void(0);" class="popup">silently retired into his'
        " hermitage</a>.</p>",
        '<p><a href="#note-4">Ah Bartleby! Ah humanity!</a></p>',
    ]
    got = lines(generic.clean_html(page(story(PARA, *notes, [MORE[0]]))).text)
    assert "He silently retired into his hermitage." in got
    assert "Ah Bartleby! Ah humanity!" in got


def test_a_listicle_keeps_its_numbered_linked_headings(generic: Cleaner) -> None:
    # each entry of a countdown links its heading to the thing it names
    entries = [
        f'<h3><a href="https://films.example/{n}">{n}) Film number {n}</a></h3><p>{p}</p>'
        for n, p in zip((3, 2, 1), PARA[1:], strict=True)
    ]
    teaser = f'<h3><a href="/other">Trams late again</a></h3><p>{MORE[0]}</p>'
    got = lines(generic.clean_html(page(story([PARA[0]], *entries, teaser))).text)
    assert [g for g in got if g.endswith(("number 3", "number 2", "number 1"))] == [
        "3) Film number 3",
        "2) Film number 2",
        "1) Film number 1",
    ]
    assert "Trams late again" not in got


# -- roots that generalise: text outside <p>, hinted containers inside the article ----------
TEASERS = "".join(
    f'<div class="card"><h3><a href="/s{i}">Another story {i}</a></h3>'
    f"<p>A teaser paragraph about another story number {i}, written to look like prose.</p>"
    "</div>"
    for i in range(8)
)
MORE = [f"{p[:-1]}, the board said." for p in PARA]


def test_an_article_in_br_separated_text_wins_over_teasers_in_p(generic: Cleaner) -> None:
    text = "<br><br>".join(PARA + MORE)
    body = (
        f'<div class="story"><h1>Night buses stay</h1><div class="story-text">{text}</div></div>'
        f'<div class="river">{TEASERS}</div>'
    )
    result = generic.clean_html(page(body))
    assert lines(result.text) == PARA + MORE
    assert "story-text" in result.root


def test_an_article_in_div_paragraphs_wins_over_comments_in_p(generic: Cleaner) -> None:
    divs = "".join(f"<div>{p}</div>" for p in PARA + MORE)
    talk = "".join(
        f'<div class="c"><b>reader{i}</b><p>I have taken the night bus for years and it is '
        f"always full after midnight, so this vote is good news for all of us {i}.</p></div>"
        for i in range(6)
    )
    body = f'<main><div class="body">{divs}</div></main><section class="talk">{talk}</section>'
    assert lines(generic.clean_html(page(body)).text) == PARA + MORE


def test_prose_in_a_hinted_container_mid_article_is_article(generic: Cleaner) -> None:
    # a class naming a feature of the container ("share" buttons on quotes), not a widget
    first, middle, last = PARA[:2], PARA[2:] + MORE[:2], MORE[2:]
    inner = "".join(f"<p>{p} It was said at the start of the third hearing.</p>" for p in middle)
    body = (
        '<article><div class="text">'
        + "".join(f"<p>{p}</p>" for p in first)
        + f'<div class="shareable-quotes">{inner}</div>'
        + "".join(f"<p>{p}</p>" for p in last)
        + "</div></article>"
    )
    got = lines(generic.clean_html(page(body)).text)
    assert len(got) == 8 and got[0] == PARA[0] and got[-1] == MORE[-1]


def test_hinted_boxes_at_the_end_or_made_of_short_lines_still_go(generic: Cleaner) -> None:
    sign_in = (
        '<div class="sign-in-share-box">'
        + "".join(
            f"<p>{s}</p>"
            for s in (
                "Share your thoughts and join the talk below.",
                "Get email updates from the authors you follow.",
                "Enjoy more articles every month for free now.",
                "Read on any device with a single account.",
            )
            * 3
        )
        + "</div>"
    )
    related = (
        '<div class="related-stories">'
        + "".join(f"<p>{p} Read the whole story from last week here.</p>" for p in MORE)
        + "</div>"
    )
    body = (
        '<article><div class="text">'
        + "".join(f"<p>{p}</p>" for p in PARA[:2])
        + sign_in
        + "".join(f"<p>{p}</p>" for p in PARA[2:])
        + related
        + "</div></article>"
    )
    result = generic.clean_html(page(body))
    assert lines(result.text) == PARA
    assert {n.rule_id for n in result.nodes} >= {"generic/share", "generic/related"}


def test_chunks_are_found_through_a_wrapper_of_the_best_block(generic: Cleaner) -> None:
    text = "<br><br>".join(PARA + MORE)
    body = (
        '<div class="page"><div class="body-chunk">'
        f'<div class="chunk-text">{text}</div></div>'
        '<div class="ad-slot">Advertisement</div>'
        '<div class="body-chunk"><h2>What comes next</h2>'
        + "".join(f"<p>{p} More was said.</p>" for p in MORE[:2])
        + "</div></div>"
    )
    result = generic.clean_html(page(body))
    end = [f"{p} More was said." for p in MORE[:2]]
    assert lines(result.text) == [*PARA, *MORE, "What comes next", *end]


def test_layout_columns_with_like_classes_are_not_chunks(generic: Cleaner) -> None:
    body = (
        '<div class="row"><div class="column large-8"><div class="post-text">'
        + "".join(f"<p>{p}</p>" for p in PARA + MORE)
        + '</div></div><div class="column large-4"><div class="about">'
        "<p>About the author: a reporter who has covered city hall for many years now.</p>"
        "</div></div></div>"
    )
    got = lines(generic.clean_html(page(body)).text)
    assert got == PARA + MORE


def test_teaser_and_comment_text_in_divs_does_not_outweigh_the_article(
    generic: Cleaner,
) -> None:
    # one prose <div> per card, beside a headline: not a run of paragraphs
    cards = "".join(
        f'<div class="card"><a href="/s{i}">Another story about the city budget, number {i}'
        f'</a><div class="dek">A teaser about another story number {i}, long enough to look '
        "like a sentence of prose.</div>"
        "</div>"
        for i in range(30)
    )
    body = article(paras=PARA + MORE) + f'<div class="river">{cards}</div>'
    assert lines(generic.clean_html(page(body)).text) == PARA + MORE


def test_chunks_each_in_a_wrapper_of_their_own_are_all_the_article(generic: Cleaner) -> None:
    # a CMS that wraps every chunk of the body twice: the chunks are not siblings, their
    # wrappers are; an embed between two chunks must not cut the body in two
    def chunk(*paras: str) -> str:
        inner = "".join(f"<p>{p}</p>" for p in paras)
        return f'<div><div class="block block--text"><div>{inner}</div></div></div>'

    embed = (
        '<div><div class="block block--embed"><div>View this post on the photo site'
        "</div></div></div>"
    )
    teaser = (
        '<div><div class="block block--teaser"><h3><a href="/x">Another story</a></h3>'
        "<div>A teaser for another story that is long enough to look like prose.</div>"
        "</div></div>"
    )
    body = (
        "<article><h1>Night buses stay</h1><div class='article__content'>"
        + chunk(PARA[0])
        + chunk(PARA[1], PARA[2])
        + embed
        + chunk(PARA[3])
        + teaser
        + "</div></article>"
    )
    assert lines(generic.clean_html(page(body)).text) == PARA


def test_a_section_heading_whose_anchor_id_holds_a_hint_word_stays(generic: Cleaner) -> None:
    # ids made from the heading's words for a table of contents: "nav_" starts them all
    body = article(
        '<h3 id="nav_who_rides_at_night__1" class="subheading">Who rides at night</h3>',
        f"<p>{MORE[0]}</p>",
    )
    assert lines(generic.clean_html(page(body)).text) == [*PARA, "Who rides at night", MORE[0]]


def test_an_anchor_slug_on_a_span_inside_a_heading_is_no_hint(generic: Cleaner) -> None:
    # a wiki puts the section's anchor on a span in the heading; "promotion" is a topic
    heading = (
        '<h3><span class="mw-headline" id="Depot_promotion_controversy">'
        "Depot promotion controversy</span></h3>"
    )
    got = lines(generic.clean_html(page(story(PARA[:2], heading, PARA[2:]))).text)
    assert "Depot promotion controversy" in got


def test_a_class_that_says_the_element_has_no_caption_is_no_hint(generic: Cleaner) -> None:
    # a list post's item "with an image and no_caption" holds the lead as its heading
    item = f'<div class="list_item list_item_image no_caption"><h2>{MORE[0]}</h2></div>'
    got = lines(generic.clean_html(page(story(PARA[:1], item, PARA[1:]))).text)
    assert MORE[0] in got


def test_a_heading_named_by_a_one_word_widget_id_still_goes(generic: Cleaner) -> None:
    body = article('<h3 id="comments">Comments</h3>', f"<p>{MORE[0]}</p>")
    assert "Comments" not in lines(generic.clean_html(page(body)).text)


def test_a_paragraph_wrapped_in_a_span_with_a_hint_class_stays(generic: Cleaner) -> None:
    # text pasted from an events site keeps that site's classes on a span around it all
    spans = [f'<p><span class="evt__detailsContentTags fsl">{p}</span></p>' for p in MORE[:2]]
    body = article(*spans)
    assert lines(generic.clean_html(page(body)).text) == [*PARA, *MORE[:2]]


def test_a_hinted_link_in_the_middle_of_a_sentence_stays(generic: Cleaner) -> None:
    # a glossary link styled "keywords" is a word of the sentence, not a related link
    para = (
        'With time and advances in <a href="/neuro" class="keywords">neuroscience</a>, it'
        " has become clearer that most of the work of the brain goes on out of sight."
    )
    result = generic.clean_html(page(article(f"<p>{para}</p>")))
    assert lines(result.text)[-1] == (
        "With time and advances in neuroscience, it has become clearer that most of the"
        " work of the brain goes on out of sight."
    )
    assert not [n for n in result.nodes if "neuroscience" in n.excerpt]


def test_a_dateline_span_opening_the_first_paragraph_stays(generic: Cleaner) -> None:
    first = f'<p> <span class="dateline">LYON —</span> {PARA[0]}</p>'
    body = article(paras=[]).replace(
        '<div class="article-body">', f'<div class="article-body">{first}'
    )
    body = body.replace(
        "</div></article>", "".join(f"<p>{p}</p>" for p in PARA[1:]) + "</div></article>"
    )
    assert lines(generic.clean_html(page(body)).text) == [f"LYON — {PARA[0]}", *PARA[1:]]


def test_a_byline_span_before_a_few_words_still_goes(generic: Cleaner) -> None:
    body = article('<p><span class="byline">By Jo Bloggs</span> | Staff</p>')
    assert "By Jo Bloggs" not in generic.clean_html(page(body)).text


def test_a_hinted_link_after_the_sentence_still_goes(generic: Cleaner) -> None:
    para = f'{MORE[0]} <a href="/x" class="related-link">Buses cut in the next town</a>'
    result = generic.clean_html(page(article(f"<p>{para}</p>")))
    assert lines(result.text) == [*PARA, MORE[0]]


def test_a_short_byline_span_inside_a_paragraph_still_goes(generic: Cleaner) -> None:
    body = article('<p><span class="author-name">By Jo Bloggs</span></p>')
    assert lines(generic.clean_html(page(body)).text) == PARA


DECK = "Councillors kept all three late routes after a month of hearings and a petition"


@pytest.mark.parametrize(
    "lead",
    [
        f'<h2 class="deck">{DECK}</h2>',
        f'<div class="standfirst-text">{DECK}.</div>',
        f"<div><span>{DECK}.</span></div>",
    ],
)
def test_a_lead_set_as_a_heading_or_a_div_between_title_and_body_is_kept(
    generic: Cleaner, lead: str
) -> None:
    body = (
        "<article><header><h1>Night buses stay</h1>"
        f'{lead}</header><div class="article-body">{"".join(f"<p>{p}</p>" for p in PARA)}'
        "</div></article>"
    )
    got = lines(generic.clean_html(page(body)).text)
    assert got[1:] == PARA and got[0].startswith(DECK)


def test_a_headline_in_an_h2_under_a_breadcrumb_h1_is_not_a_lead(generic: Cleaner) -> None:
    headline = "Night buses keep running through the winter after the council hearings"
    body = (
        '<nav class="crumbs"><h1><a href="/city">City</a></h1></nav>'
        f"<article><h2>{headline}</h2>"
        f'<div class="article-body">{"".join(f"<p>{p}</p>" for p in PARA)}</div></article>'
    )
    head = f'<meta property="og:title" content="{headline}: what changes">'
    assert lines(generic.clean_html(page(body, head)).text) == PARA


def test_a_sidebar_aside_with_more_prose_than_a_short_article_is_not_the_article(
    generic: Cleaner,
) -> None:
    widget = "".join(
        f"<p>Point {i}: our association stands for open budgets, fair fares and "
        "public transport that runs all night in every district of the city.</p>"
        for i in range(12)
    )
    text = "".join(f"<p>{p}</p>" for p in PARA)
    body = (
        f'<article><h1>Night buses stay</h1><div class="text">{text}'
        '</div></article><div id="sidebar"><aside class="widget widget_text">'
        f'<h3>What we stand for</h3><div class="textwidget">{widget}</div></aside></div>'
    )
    assert lines(generic.clean_html(page(body)).text) == PARA


def test_an_aside_between_the_article_paragraphs_is_still_inset_prose(
    generic: Cleaner,
) -> None:
    box = "".join(f"<p>{p[:-1]}, the report found.</p>" for p in PARA)
    body = article(f"<aside>{box}</aside>", *(f"<p>{p}</p>" for p in MORE))
    inset = [f"{p[:-1]}, the report found." for p in PARA]
    assert lines(generic.clean_html(page(body)).text) == [*PARA, *inset, *MORE]


def test_paragraphs_marked_as_behind_the_paywall_are_article(generic: Cleaner) -> None:
    paid = "".join(f'<p class="paywall">{p}</p>' for p in MORE)
    prompt = '<div class="paywall-prompt"><p>Subscribe to keep reading.</p></div>'
    body = article(paid, prompt)
    assert lines(generic.clean_html(page(body)).text) == PARA + MORE


def test_a_linked_paragraph_of_prose_stays_and_a_linked_teaser_goes(generic: Cleaner) -> None:
    question = (
        "Can you explain how the late routes were chosen, and who decided which "
        "districts they should serve first?"
    )
    body = article(
        f'<p><a href="#t12">{question}</a></p>',
        f"<p>{MORE[0]}</p>",
        '<p><a href="/other">Read more: the budget in five charts</a></p>',
    )
    assert lines(generic.clean_html(page(body)).text) == [*PARA, question, MORE[0]]


@pytest.mark.parametrize("lead", [f"<h2>{DECK}</h2>", f'<div class="intro">{DECK}.</div>'])
def test_a_lead_inside_the_body_container_comes_out_once(generic: Cleaner, lead: str) -> None:
    body = (
        '<article><h1>Night buses stay</h1><div class="article-body">'
        + lead
        + "".join(f"<p>{p}</p>" for p in PARA)
        + "</div></article>"
    )
    got = lines(generic.clean_html(page(body)).text)
    assert got[1:] == PARA and got[0].startswith(DECK)


def test_a_date_stamp_between_title_and_body_is_not_a_lead(generic: Cleaner) -> None:
    stamp = "Mis en ligne le 12 mars 2024 à 14h52, revu le 12 mars 2024 à 15h54"
    body = (
        f'<article><h1>Night buses stay</h1><div class="meta-dates">{stamp}</div>'
        f'<div class="article-body">{"".join(f"<p>{p}</p>" for p in PARA)}</div></article>'
    )
    assert lines(generic.clean_html(page(body)).text) == PARA


def test_an_article_set_whole_inside_an_aside_is_still_found(generic: Cleaner) -> None:
    text = "".join(f"<p>{p}</p>" for p in PARA)
    body = (
        '<nav><a href="/">Home</a></nav><main><aside class="content-direct">'
        f'<article><h1>Night buses stay</h1><div class="text">{text}</div></article>'
        "</aside></main>"
    )
    result = generic.clean_html(page(body))
    assert lines(result.text) == PARA
    assert result.root.endswith("(paragraphs)")  # found by its paragraphs, not walked whole


def test_a_caption_after_a_picture_between_title_and_body_is_not_a_lead(
    generic: Cleaner,
) -> None:
    caption = "The transport chief with two drivers at the depot on Tuesday evening. File image"
    body = (
        '<article><h1>Night buses stay</h1><div class="image-box"><a href="/i.jpg">'
        f'<img src="/i.jpg"></a><div class="image-text">{caption}</div></div>'
        f'<div class="article-body">{"".join(f"<p>{p}</p>" for p in PARA)}</div></article>'
    )
    assert lines(generic.clean_html(page(body)).text) == PARA


def test_layout_containers_of_other_page_regions_are_not_chunks_of_the_body(
    generic: Cleaner,
) -> None:
    # every region of the page wraps its content in div.container: the header's and the
    # sidebar's are not the body's twins, though each holds nothing else either
    def region(name: str, inner: str) -> str:
        return f'<div id="{name}"><div class="container">{inner}</div></div>'

    body = (
        region("masthead", "<p>A small blog about the buses, trams and ferries of our town.</p>")
        + region("content", '<div class="post">' + "".join(f"<p>{p}</p>" for p in PARA) + "</div>")
        + region("extra", "<p>The writer has ridden the night buses for more than ten years.</p>")
    )
    assert lines(generic.clean_html(page(body)).text) == PARA


# a fast path of the HTML stage against the plain expression it stands for
@given(st.text(alphabet=st.characters(codec="utf-8")) | st.text(alphabet="0123456789 x\u00b2"))
def test_digit_count_is_isdigit_per_character(text: str) -> None:
    assert _digit_count(text) == sum(map(str.isdigit, text))


# the root choice weighs paragraphs of every script alike: a sentence ends where the text
# rules' final_punctuation says it does
@pytest.mark.parametrize(
    "text",
    [
        "The council voted to keep the buses running.",
        "नगर परिषद ने रात की बसें चालू रखने का फैसला किया।",
        "市議会は夜間バスの運行を続けると決めた\uff01",
        "「バスは冬も走る」",
        "قرر المجلس إبقاء الحافلات الليلية؟",
        "Der Rat sagte: \u201eDie Busse fahren weiter.\u2018",
    ],
)
def test_sentence_ends_of_every_script(text: str) -> None:
    assert _ends_sentence(text)


def test_headline_without_final_mark_is_not_a_sentence() -> None:
    assert not _ends_sentence("Night buses saved after council vote")


# -- a body in sections --------------------------------------------------------------------------
def _sectioned(title_attrs: str = "", wrap: str = "{}") -> str:
    """A report set in sections, each ``<h2>`` beside (not inside) its body's container,
    maybe in a wrapper of its own (``wrap``)."""
    parts = [
        ("Background", PARA[:2]),
        ("Findings", PARA[2:]),
        ("What happens next", [p.replace("The", "This year the", 1) for p in PARA]),
    ]
    sections = "".join(
        f'<section><div class="report-section">{wrap.format(f"<h2{title_attrs}>{name}</h2>")}'
        f'<div class="report-section__content">{"".join(f"<p>{p}</p>" for p in paras)}</div>'
        "</div></section>"
        for name, paras in parts
    )
    return f"<main><article><h1>Night buses stay</h1>{sections}</article></main>"


def test_section_titles_beside_twin_bodies_are_kept(generic: Cleaner) -> None:
    r = generic.clean_html(page(_sectioned()))
    assert "+" in r.root  # the section bodies are the roots, their titles outside them
    out = lines(r.text)
    for name in ("Background", "Findings", "What happens next"):
        assert name in out
    assert out.index("Findings") == out.index(PARA[1]) + 1  # each before its own section


def test_section_titles_in_a_header_of_their_own_are_kept(generic: Cleaner) -> None:
    # a CMS that wraps each section's title in a <header> (or an <hgroup>) of its own
    for wrap in ("<header>\n  {}\n</header>", "<hgroup>{}</hgroup>"):
        out = lines(generic.clean_html(page(_sectioned(wrap=wrap))).text)
        for name in ("Background", "Findings", "What happens next"):
            assert name in out
        assert out.index("Findings") == out.index(PARA[1]) + 1


def test_a_hinted_header_beside_a_twin_body_stays_out(generic: Cleaner) -> None:
    wrap = '<header class="related-header">{}</header>'
    out = lines(generic.clean_html(page(_sectioned(wrap=wrap))).text)
    assert "Findings" not in out and PARA[2] in out


def test_hinted_title_beside_a_twin_body_stays_out(generic: Cleaner) -> None:
    out = lines(generic.clean_html(page(_sectioned(' class="related-heading"'))).text)
    assert "Findings" not in out and PARA[2] in out


def test_a_deck_in_a_subheading_above_the_body_is_printed_once(generic: Cleaner) -> None:
    # a deck (standfirst) set as an <h2> right before the body's container is a root of
    # its own (the lead) and also the element before the body: one line, not two
    deck = "The council keeps all three late routes after a second round of public hearings."
    body = (
        '<div class="noticia"><h1>Night buses stay</h1>'
        f'<h2 class="entradilla">{deck}</h2>'
        f'<div class="cuerpo-noticia">{"".join(f"<p>{p}</p>" for p in PARA)}</div></div>'
    )
    r = generic.clean_html(page(body))
    assert "+" in r.root
    assert lines(r.text) == [deck, *PARA]


def test_a_story_in_adobe_experience_manager_components_is_kept(generic: Cleaner) -> None:
    # AEM's core components print each paragraph in a div.cmp-text and each subheading in
    # a div.cmp-title: "cmp-" is also a consent manager's prefix, but these are the story
    blocks = "".join(
        f'<div class="text aem-GridColumn"><div class="cmp-text"><p>{p}</p></div></div>'
        for p in PARA[:2]
    )
    blocks += '<div class="title"><div class="cmp-title"><h2 class="cmp-title__text">Costs</h2>'
    blocks += "</div></div>" + "".join(
        f'<div class="text aem-GridColumn"><div class="cmp-text"><p>{p}</p></div></div>'
        for p in PARA[2:]
    )
    consent = '<div class="cmp-wrapper"><p>We use cookies to count visits to the site.</p></div>'
    body = f'<div class="cmp-container"><h1>Night buses stay</h1>{blocks}</div>{consent}'
    assert lines(generic.clean_html(page(body)).text) == [*PARA[:2], "Costs", *PARA[2:]]


def test_the_placeholder_of_an_amp_ad_slot_goes(generic: Cleaner) -> None:
    slot = (
        '<amp-ad width="300" height="250" type="doubleclick" data-slot="/1/story">'
        "<div placeholder>Loading ad</div><div fallback>Advertisement</div></amp-ad>"
    )
    body = (
        '<article><h1>Night buses stay</h1><div class="amp-wp-article-content">'
        f"<p>{PARA[0]}</p><p>{PARA[1]}</p>{slot}<p>{PARA[2]}</p><p>{PARA[3]}</p></div></article>"
    )
    r = generic.clean_html(page(body))
    assert lines(r.text) == PARA
    assert any(n.rule_id == "generic/advert" and n.selector == "amp-ad" for n in r.nodes)


# -- tables whose cells wrap their text in blocks -------------------------------------------------
def _town_table(cell: str = "<div>{}</div>") -> str:
    rows = ""
    for name, riders, share in [("Northland", "1,204", "12%"), ("Southport", "987", "9%")]:
        link = '<a href="/wiki/' + name + '">' + name + "</a>"
        rows += (
            f"<tr><td>{cell.format(link)}</td><td>{cell.format(riders)}</td><td>{share}</td></tr>"
        )
    return f"<table><tr><th>Town</th><th>Riders</th><th>Share</th></tr>{rows}</table>"


def test_a_data_row_cut_by_blocks_in_its_cells_is_one_line_with_its_linked_name(
    generic: Cleaner,
) -> None:
    out = lines(generic.clean_html(page(story(PARA[:3], _town_table(), PARA[3:]))).text)
    assert "Northland 1,204 12%" in out and "Southport 987 9%" in out
    assert out[-1] == PARA[3]


def test_a_row_of_nothing_but_links_still_goes_when_joined(generic: Cleaner) -> None:
    links = "".join(
        f'<td><div><a href="/{s}">{s}</a></div></td>' for s in ("News", "Sport", "Weather")
    )
    body = story(PARA[:3], f"<table><tr>{links}</tr></table>", PARA[3:])
    out = lines(generic.clean_html(page(body)).text)
    assert out == PARA and not any("Weather" in line for line in out)


def test_a_row_that_holds_paragraphs_is_not_joined() -> None:
    # a table used for layout: one row, a link cell and a cell of paragraphs
    long = [f"{a} {b}" for a, b in zip(PARA, PARA[1:] + PARA[:1], strict=True)]
    blocks = [Block("Home", "td", 4, row=0), *(Block(p, "p", 0, row=0) for p in long)]
    assert _join_rows(blocks) == blocks
    cells = [Block("Northland", "div", 9, row=3), Block("1,204 12%", "tr", 0, row=3)]
    assert [b.text for b in _join_rows(cells)] == ["Northland 1,204 12%"]


def test_a_header_row_of_linked_column_heads_stays(generic: Cleaner) -> None:
    heads = "".join(f'<th><a href="/stats/{r}">{r}</a></th>' for r in ("North", "South", "East"))
    rows = "<tr><th>Night bus</th><td>12%</td><td>9%</td><td>21%</td></tr>"
    table = f"<table><thead><tr><td></td>{heads}</tr></thead><tbody>{rows}</tbody></table>"
    out = lines(generic.clean_html(page(story(PARA[:3], table, PARA[3:]))).text)
    assert "North South East" in out and "Night bus 12% 9% 21%" in out


def test_a_break_inside_a_link_does_not_leave_its_tail_as_a_link_line(generic: Cleaner) -> None:
    item = (
        'Opaque responses are <a href="https://spec.example/opaque">severely<br>restricted</a>'
        " for cross-origin requests."
    )
    teasers = '<p><a href="/a">Buses return</a><br><a href="/b">Trams delayed</a></p>'
    out = lines(generic.clean_html(page(story(PARA[:3], f"<p>{item}</p>", teasers, PARA[3:]))).text)
    assert "Opaque responses are severely restricted for cross-origin requests." in out
    assert not any(
        "Trams" in line or "Buses return" in line for line in out
    )  # breaks between links still split


def test_a_list_of_linked_sources_stays(generic: Cleaner) -> None:
    sources = "<p>Sources:</p>" + "".join(
        f'<p><a href="https://{h}/study">{h}</a></p>' for h in ("example.org", "www.example.com")
    )
    teaser = '<p><a href="/buses">Night buses: what changes in April</a></p>'
    out = lines(generic.clean_html(page(story(PARA, sources, teaser))).text)
    assert out[-2:] == ["example.org", "www.example.com"]
    assert not any("what changes" in line for line in out)


def test_sentences_with_a_linked_teaser_weigh_as_prose(generic: Cleaner) -> None:
    # A sports blog post: most paragraphs are short or end in a linked "(RELATED: ...)"
    # teaser, and quoted tweets sit between them. Counted as clutter, those paragraphs let
    # the tweets outweigh the post, and its opening went as outside the article.
    related = (
        ' <a href="/2014/12/22/other-story/"><strong>(RELATED: The Rival Coach Releases A '
        "Holiday Video That Opposing Teams Will Not Enjoy Watching)</strong></a>"
    )
    tweet = (
        '<blockquote class="twitter-tweet"><p>NEW: A famous actress is courtside at the '
        'rivalry game tonight, cheering for the home team <a href="https://t.co/x">pic</a>'
        "</p><p>&mdash; Fan Account (@fans) December 27, 2014</p></blockquote>"
    )
    post = (
        "<p>The home team hosted its unbeaten rival on Saturday for one of the season's most "
        "anticipated college basketball games.</p>"
        "<p>The home team has had a strong start to the season, but it was still a big "
        f"underdog against the visitors.{related}</p>"
        "<p>The home team trailed by four points at halftime and never closed the gap.</p>"
        "<p>WATCH:</p><p>Slow it down.</p><p>What a joke.</p>"
        "<p>In games like this one I cheer for the underdog, but that flop changed my mind."
        f"{related}</p>"
        "<p>The visitors pulled away late and won by a final score of 58-50.</p>"
        f"<p>On a side note, a famous actress is a fan of the home team.</p>{tweet}{tweet}"
    )
    body = (
        '<header class="site-header"><nav><a href="/">Home</a></nav></header>'
        f'<main><div class="post-wrap"><h1>Flop fest</h1><div class="post" id="thepost">{post}'
        "</div></div></main>"
    )
    out = generic.clean_html(page(body)).text
    assert out.startswith("The home team hosted its unbeaten rival on Saturday")
    assert "never closed the gap" in out


def test_a_numbered_sentence_that_is_all_link_is_a_listicle_entry(generic: Cleaner) -> None:
    # A countdown set as paragraphs: an entry may be one short sentence whose words link
    # to the thing it names. Numbered and ending like a sentence, it is the article's own;
    # a numbered headline without a full stop is still a link line.
    entries = "".join(
        f"<p>{n}. <strong>{text}</strong> {rest}</p>"
        for n, text, rest in (
            (10, "A trend piece about a trend nobody had.", "Stop trying to make it happen."),
            (11, "A singer's feud with his own fans.", "Much of it was unnecessary."),
        )
    )
    linked = (
        '<p>12. <strong>This syrupy, <a href="/newswire/cover">sugar-glazed remake of a '
        "winter carol.</a></strong></p>"
    )
    teaser = '<p>13. <a href="/other">The year in review in twelve charts</a></p>'
    out = lines(generic.clean_html(page(story(PARA, entries, linked, teaser))).text)
    assert "12. This syrupy, sugar-glazed remake of a winter carol." in out
    assert not any("twelve charts" in line for line in out)


def _forum(replies: int) -> str:
    """A reader forum with no comment markup: each reply a list item with a name, a time
    and two long paragraphs."""
    reply = (
        '<li class="member"><a class="person" href="/u/{n}">reader{n}</a><p>14. 01. 2026, '
        "13:{n:02d}</p><p>I have followed this debate for years and I still think the board "
        "made the wrong call when it signed the contract without asking the town first.</p>"
        "<p>If the plant goes ahead the river will carry its waste past the school, and no "
        "amount of promises at the annual meeting will change that for the families.</p></li>"
    )
    items = "".join(reply.format(n=n) for n in range(replies))
    return f'<div class="full community"><ul class="directory">{items}</ul></div>'


def test_the_lone_article_element_outweighs_a_longer_reader_forum(generic: Cleaner) -> None:
    # A story of a few paragraphs in the page's one <article>, under it a forum of long
    # replies without any comment class: the forum holds more prose, but the <article> is
    # the page's own word for where the story is.
    column = "".join(
        f"<p>{text}</p>"
        for text in (
            "The library will close for two years from March while its roof and its "
            "reading rooms are rebuilt, the council announced on Monday.",
            "Some readers may now turn to the branch libraries, though most of them open only "
            "three days a week and hold a fraction of the collection.",
            "Its larger lenders, the university among them, see the closure as a risk to "
            "research and want a temporary reading room in the town centre.",
            "Whether they get one will be clear at the council meeting in February, when the "
            "budget for the project comes up for a final vote.",
            "Until then the council has said it will publish a review of the plans, the first "
            "such review in the library's history, by the end of January.",
            "The head librarian said she would attend the meeting as a guest and repeat her "
            "request that the works be split into two shorter phases.",
            "Engineers expect the review to find that splitting the works would cost more "
            "than closing the building for the whole two years at once.",
            "The mayor, for his part, called the plan a sincere attempt to keep a building "
            "that has served the town for a century open for the next one.",
        )
    )
    body = f'<div class="sect"><article class="story">{column}</article></div>{_forum(12)}'
    out = generic.clean_html(page(body)).text
    assert out.startswith("The library will close for two years from March")
    assert "council meeting in February" in out
    assert "I have followed this debate" not in out


def test_several_article_elements_do_not_mark_the_story(generic: Cleaner) -> None:
    # Every reply an <article>: the mark says nothing, and the root is chosen by prose.
    reply = (
        "<article><p>I have followed this debate for years and I still think the board made "
        "the wrong call when it signed the contract without asking the town first.</p>"
        "<p>If the plant goes ahead the river will carry its waste past the school, and no "
        "amount of promises at the annual meeting will change that for the families.</p>"
        "<p>We should all write to the council before the vote next month, it is our town "
        "and our river, and they work for us in the end.</p></article>"
    )
    body = f'<div class="thread">{reply * 6}</div>'
    out = generic.clean_html(page(body)).text
    assert out.count("I have followed this debate") == 6


def test_a_drop_cap_before_its_paragraph_joins_it(generic: Cleaner) -> None:
    # The first letter set large in an element of its own, before the <p>.
    first = (
        '<div class="para"><span class="dropcap">T</span><p><a href="/topic/ferries">he</a> '
        "ferry company said crossings would resume on Friday once the storm had passed, and "
        "that passengers with bookings would be offered seats on the first sailing.</p></div>"
    )
    out = lines(generic.clean_html(page(story(first, PARA))).text)
    assert out[0].startswith("The ferry company said crossings would resume")
    assert "T" not in out


def test_a_capital_letter_before_a_capitalised_paragraph_stays_apart(generic: Cleaner) -> None:
    # "A" as a list label or a grade is not a drop cap when the next line is a sentence.
    body = story(
        "<p>A</p><p>Grades were published on Friday for all the schools in the "
        "district, and most of them improved on last year's results.</p>",
        PARA,
    )
    out = lines(generic.clean_html(page(body)).text)
    assert not any(line.startswith("AGrades") for line in out)
