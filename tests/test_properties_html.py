"""Properties of HTML mode, ``Cleaner().clean_html(str | bytes)``.

Pages are generated as trees of real tags (block, inline, boilerplate-looking classes,
lists, tables, headings, deep nesting) whose text is drawn from a vocabulary plus
awkward characters and entities. Text that is *not* page text (script and style bodies,
comments, attribute values) carries marker words, so the output can be checked against
what a reader of the page sees.

- clean_html never raises anything but CleanerError subclasses, for pages, random text
  and random bytes;
- str and its UTF-8 bytes give the same result;
- every removed node and every removed line has a rule id;
- HTML mode invents nothing: every word of the output occurs in the page's text;
- the text stage is a fixed point: cleaning the output again as text (same packs, no
  detection) changes nothing.
"""

from __future__ import annotations

import html as htmllib

from hypothesis import given, settings
from hypothesis import strategies as st
from support import SCALE

from cleaner import Cleaner
from cleaner.errors import CleanerError

GENERIC = Cleaner(packs=["common"], detect=False)
ALL = Cleaner()
MARKER = "Qzx"  # "Q" is in neither the vocabulary nor the alphabet: never page text

VOCABULARY = (
    "the council voted on Tuesday to keep night buses running Share this article "
    "Newsletter Sign up Read more Advertisement Comments Photo Copyright 2024 "
    "Grüße Привет 東京 café naïve O'Brien 5% €10 & < > \" #1 a.m. —"
)
words = st.one_of(
    st.sampled_from(VOCABULARY.split()),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789éß.,;:!?()-'", min_size=1),
)
sentence = st.lists(words, min_size=1, max_size=14).map(" ".join)
space = st.sampled_from([" ", "", "\n", "&nbsp;", "\t"])

BLOCK = ["div", "p", "section", "article", "main", "aside", "nav", "footer", "header"]
BLOCK += ["blockquote", "figure", "figcaption", "li", "h1", "h2", "h3", "td", "form"]
INLINE = ["span", "a", "b", "em", "strong", "i", "small", "time"]
CLASSES = ["", "share", "newsletter", "related", "promo", "comments", "article-body"]
CLASSES += ["content", "cookie", "hidden", "advert", "byline", "caption", "story"]


@st.composite
def inline(draw: st.DrawFn, depth: int = 0) -> tuple[str, list[str]]:
    """Inline content: text, and inline elements (without boilerplate classes) around it."""
    if depth > 3 or draw(st.integers(0, 2)) == 0:
        text = draw(sentence)
        return htmllib.escape(text, quote=False), [text]
    kind = draw(st.sampled_from(["tag", "tag", "br", "hidden", "img"]))
    if kind == "br":
        return "<br>", []
    if kind == "hidden":  # not page text
        which = draw(st.sampled_from(["script", "style", "comment", "template"]))
        if which == "comment":
            return f"<!-- {MARKER}comment -->", []
        return f"<{which}>{MARKER}{which} = 1;</{which}>", []
    if kind == "img":
        return f'<img src="x.png" data-x="{MARKER}attr">', []
    tag = draw(st.sampled_from(INLINE))
    cls = draw(st.sampled_from(CLASSES))  # an inline share button, a promo link
    attrs = f' class="{cls}"' if cls else ""
    parts, texts = _children(draw, inline, depth, 1, 3)
    return f"<{tag}{attrs}>{''.join(parts)}</{tag}>", texts


@st.composite
def block(draw: st.DrawFn, depth: int = 0) -> tuple[str, list[str]]:
    """A block whose children are blocks, inline content, or both mixed (where a removed
    block once glued its neighbours into one word)."""
    cls = draw(st.sampled_from(CLASSES))
    attrs = f' class="{cls}"' if cls else ""
    if draw(st.booleans()):
        attrs += f' data-note="{MARKER}attr"'
    kind = draw(st.sampled_from(["list", "table", "block", "block", "block"]))
    if depth > 4 or (kind == "block" and draw(st.booleans())):
        tag = draw(st.sampled_from(BLOCK))
        parts, texts = _children(draw, inline, 0, 1, 4)
        return f"<{tag}{attrs}>{''.join(parts)}</{tag}>", texts
    if kind == "list":
        tag, wrap = draw(st.sampled_from(["ul", "ol"])), ("<li>", "</li>")
    elif kind == "table":
        tag, wrap = "table", ("<tr><td>", "</td></tr>")
    else:
        tag, wrap = draw(st.sampled_from(BLOCK)), ("", "")
    mixed = kind == "block" and draw(st.booleans())  # blocks among inline runs
    parts, texts = _children(draw, _mixed if mixed else block, depth, 0, 4)
    inner = "".join(f"{wrap[0]}{p}{wrap[1]}" for p in parts)
    return f"<{tag}{attrs}>{inner}</{tag}>", texts


@st.composite
def _mixed(draw: st.DrawFn, depth: int = 0) -> tuple[str, list[str]]:
    return draw(st.one_of(block(depth), inline(depth)))


def _children(
    draw: st.DrawFn, kind: object, depth: int, least: int, most: int
) -> tuple[list[str], list[str]]:
    parts: list[str] = []
    texts: list[str] = []
    for _ in range(draw(st.integers(least, most))):
        html, pieces = draw(kind(depth + 1))  # type: ignore[operator]
        parts.append(html + draw(space))
        texts += pieces
    return parts, texts


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, list[str]]:
    title = draw(sentence)
    body, texts = zip(*draw(st.lists(block(), min_size=1, max_size=5)), strict=True)
    head = f"<title>{htmllib.escape(title)}</title>"
    if draw(st.booleans()):
        head += f"<style>.{MARKER}style {{}}</style>"
    page = f"<!doctype html><html><head>{head}</head><body>{''.join(body)}</body></html>"
    return page, [title, *(t for group in texts for t in group)]


def _page_text(pieces: list[str]) -> str:
    return "".join("".join(p.split()) for p in pieces)


def _invents_nothing(out: str, pieces: list[str]) -> None:
    assert MARKER not in out, f"text that is not page text came out: {out!r}"
    text = _page_text(pieces)
    for line in out.split("\n"):
        for word in line.split():
            assert word in text, f"{word!r} of {line!r} is not in the page"


@settings(max_examples=30 * SCALE, deadline=None)
@given(pages(), st.sampled_from([GENERIC, ALL]))
def test_page_properties(page: tuple[str, list[str]], cleaner: Cleaner) -> None:
    html, pieces = page
    result = cleaner.clean_html(html)
    assert all(n.rule_id and "/" in n.rule_id for n in result.nodes)
    assert all(r.rule_id and "/" in r.rule_id for r in result.removals)
    _invents_nothing(result.text, pieces)
    # bytes without a BOM or <meta charset> are read as UTF-8: the same page
    assert cleaner.clean_html(html.encode("utf-8")).text == result.text


@settings(max_examples=20 * SCALE, deadline=None)
@given(pages())
def test_text_stage_is_a_fixed_point(page: tuple[str, list[str]]) -> None:
    html, _ = page
    out = GENERIC.clean_html(html).text
    again = GENERIC.clean(out)
    assert not again.removals, again.removals
    assert again.text == out


@settings(max_examples=30 * SCALE, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_random_input_raises_only_documented_errors(data: str | bytes) -> None:
    try:
        GENERIC.clean_html(data)
        ALL.clean_html(data, url="https://www.wired.com/story/x", output="markdown")
    except CleanerError:
        pass


@settings(max_examples=20 * SCALE, deadline=None)
@given(st.integers(1, 3000), st.sampled_from(["div", "span", "b", "table", "li", "p"]))
def test_deep_nesting_never_raises(depth: int, tag: str) -> None:
    html = f"<{tag}>" * depth + "Deep words here." + f"</{tag}>" * depth
    try:
        out = GENERIC.clean_html(html).text
    except CleanerError:
        return
    _invents_nothing(out, ["Deep words here."])


def test_a_removed_block_between_inline_runs_keeps_them_apart() -> None:
    out = GENERIC.clean_html("<body>Bus<aside>x</aside>stop today.</body>").text
    _invents_nothing(out, ["Bus", "x", "stop today."])
    assert "Busstop" not in out


def test_a_pack_removal_between_inline_runs_keeps_them_apart() -> None:
    from cleaner.html import extract, parse
    from cleaner.model import HtmlRule

    rule = HtmlRule("t/box", "t", ("span.box",), "promo", "test")
    tree = parse("<body><p>Bus<span class=box>x</span>stop today, said the driver.</p></body>")
    text = " ".join(b.text for b in extract(tree, rules=[rule]).blocks)
    assert "Busstop" not in text and "Bus" in text and "stop today" in text
