"""From a parsed page to its article lines and the nodes removed on the way.

The HTML stages meet here (pack rules, root, walk, filters of the lines), with the parse
that precedes them, so that the package's entry point is left with gluing their outcome to
the text stage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from cleaner.html.flags import _SUBHEADINGS, JUNK_TAGS, _category_of, flag_of, tag_ids
from cleaner.html.prose import LINK_LINE, LINKED_PROSE, PROSE_LINE, _ends_sentence
from cleaner.html.root import choose_root, headlines_of, paragraph_roots
from cleaner.html.walk import _NONE, Block, _node_text, _Walker
from cleaner.model import Category

if TYPE_CHECKING:  # pragma: no cover
    from selectolax.lexbor import LexborHTMLParser, LexborNode

    from cleaner.model import HtmlRule


#: Longest excerpt of a removed node kept in a report.
EXCERPT = 80


@dataclass(frozen=True, slots=True)
class NodeRemoval:
    """One node removed from the page before the text stage, and why.

    ``rule_id`` is a pack rule (``faz/html-teaser-box``) or a generic reason
    (``generic/share``); ``selector`` is what matched (a pack's CSS selector, or the
    generic test with the node's tag, id and classes); ``excerpt`` is the start of its text.
    """

    rule_id: str
    category: Category
    selector: str
    excerpt: str
    chars: int = 0


def _describe(node: LexborNode, tag: str | None = None) -> str:
    """A CSS-like name for a node: ``div#main.article-body``."""
    attrs = node.attributes
    out = tag or node.tag or "?"
    ident = (attrs.get("id") or "").split()
    if ident:
        out += "#" + ident[0]
    cls = (attrs.get("class") or "").split()
    out += "".join("." + c for c in cls[:3])
    return out


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 3] + "..."


@dataclass(slots=True)
class Extraction:
    """The outcome of the HTML stages for one page."""

    blocks: list[Block]
    nodes: list[NodeRemoval] = field(default_factory=list)
    root: str = ""


def _remove_nodes(
    body: LexborNode, found: list[tuple[LexborNode, HtmlRule, str]], nodes: list[NodeRemoval]
) -> None:
    """Decompose matched nodes, outermost only: a node inside another match goes with it,
    and no node is read after it was freed."""
    ids = {n.mem_id for n, _, _ in found}
    body_id = body.mem_id
    outer: list[LexborNode] = []
    for node, rule, sel in found:
        mid = node.mem_id
        if mid not in ids:
            continue  # a second selector matched it: reported once
        ids.discard(mid)
        up = node.parent
        while up is not None and up.mem_id != body_id and up.mem_id not in ids:
            up = up.parent
        if up is not None and up.mem_id in ids:
            continue  # inside an outer match that is yet to be reported
        text = _node_text(node)
        nodes.append(NodeRemoval(rule.id, rule.category, sel, _excerpt(text), len(text.strip())))
        outer.append(node)
        ids.add(mid)
    for node in outer:
        node.replace_with(" ")  # keeps the text on either side from joining into a word


def _inside(node: LexborNode, ids: set[int], body: LexborNode) -> bool:
    """Whether an ancestor of ``node`` (below ``body``) is one of ``ids``."""
    up = node.parent
    while up is not None and up.mem_id != body.mem_id:
        if up.mem_id in ids:
            return True
        up = up.parent
    return False


def _strip_junk(body: LexborNode) -> None:
    """Take the elements that never hold text (:data:`JUNK_TAGS`) out of the tree.

    One walk of the body's elements for all of them, each told by its Lexbor tag id (a
    small int): ``strip_tags`` walks the whole document once per tag, and a selector
    list of the twenty tags (``body.css``) costs half again as much as this walk, since
    Lexbor matches the list's selectors one by one. The matches are collected first and
    unlinked after the walk, in document order, as the selector list gave them. Each is
    only unlinked, as ``strip_tags`` does, never freed, so a match inside an earlier one
    (an ``<input>`` in a ``<label>``) is safe to unlink too; the head is left alone,
    since nothing reads it after this."""
    junk = _junk_ids()
    for node in [n for n in body.traverse() if n.tag_id in junk]:
        node.decompose(recursive=False)


@cache
def _junk_ids() -> frozenset[int]:
    """Lexbor's tag ids of :data:`JUNK_TAGS` (:func:`cleaner.html.flags.tag_ids`)."""
    return frozenset(tag_ids(JUNK_TAGS).values())


def extract(
    tree: LexborHTMLParser,
    rules: Sequence[HtmlRule] = (),
    selectors: Sequence[str] = (),
    br_lines: bool = True,
    keep: Sequence[str] = (),
) -> Extraction:
    """Run the HTML stages on a parsed page: pack rules, generic stage, lines."""
    nodes: list[NodeRemoval] = []
    headlines = headlines_of(tree)
    body = tree.body or tree.root
    if body is None:
        return Extraction([], nodes, "")
    _strip_junk(body)
    if rules:
        found = [(n, rule, sel) for rule in rules for sel in rule.selectors for n in body.css(sel)]
        if found:
            _remove_nodes(body, found, nodes)
    roots: list[LexborNode] = []
    keep_ids: set[int] = set()
    how = ""
    for sel in selectors:  # the first selector that matches; all its matches, in order
        matches = [n for n in body.css(sel) if n.text(strip=True)]
        if matches:
            ids = {n.mem_id for n in matches}
            roots, how = [n for n in matches if not _inside(n, ids, body)], f"pack root {sel}"
            break
    if not roots:
        roots, keep_ids = paragraph_roots(body, headlines)
        how = "paragraphs"
    if not roots:
        full = _Walker(skip=False, br_lines=br_lines).walk(body)
        roots, how = [full.elements[choose_root(full)][0]], "all lines"
    total = sum(len(_node_text(r).strip()) for r in roots)
    kept = frozenset(keep_ids) | frozenset(n.mem_id for sel in keep for n in body.css(sel))
    w = _Walker(skip=True, total=total, br_lines=br_lines, keep=kept or _NONE)
    root_ids = {r.mem_id for r in roots}
    for r in roots:
        if len(roots) > 1 and how == "paragraphs":
            heading = _section_title(r)
            # a subheading that is a root itself (a deck set as an <h2> right above the
            # body, taken as the lead) is walked as one: a second walk repeats its line
            if (
                heading is not None
                and heading.mem_id not in root_ids
                and not _inside(heading, root_ids, body)
            ):
                w.walk(heading)
        w.walk(r)
    desc = " + ".join(_describe(r) for r in roots[:3]) + (" ..." if len(roots) > 3 else "")
    for node, tag, flag, chars, text in w.removed:
        nodes.append(
            NodeRemoval(
                f"generic/{flag}",
                _category_of(flag),
                _describe(node, tag),
                _excerpt(text),
                chars,
            )
        )
    out: list[Block] = []
    title = True
    headers = w.header_rows - w.data_rows
    prose_lists = _prose_lists(w.blocks, w.list_parents)
    for b in _join_rows(_join_drop_caps(w.blocks)):
        if (
            b.links >= LINK_LINE * len(b.text)
            and not _linked_prose(b)
            and not (b.tag == "tr" and b.row in headers)  # column heads that link somewhere
            and b.group not in prose_lists
        ):
            nodes.append(
                NodeRemoval(
                    "generic/link-line", "related-link", f"{b.tag} (links)", _excerpt(b.text)
                )
            )
        elif b.tag == "h1" and title:
            title = False
            nodes.append(NodeRemoval("generic/title", "other", "h1", _excerpt(b.text)))
        else:
            out.append(b)
    outside = len(_node_text(body).strip()) - total
    if outside > 0:
        nodes.append(NodeRemoval("generic/outside-article", "other", f"not in {desc}", "", outside))
    return Extraction(out, nodes, f"{desc} ({how})")


def _prose_lists(blocks: Sequence[Block], parents: dict[int, int]) -> set[int]:
    """The lists that are article text: one item at least is a sentence in its own words
    (see :data:`PROSE_ITEM_WORDS`), and the lists nested in such a list.

    A changelog or a list of fixes links each entry to its ticket ("mconley fixed <a>an
    AsyncShutdown hang ...</a>"), so some items are mostly link text and went as link
    lines, while the unlinked items beside them stayed. Lists of teasers, menus and share
    buttons link every item whole; an item that adds a sentence of its own is kept anyway,
    so this keeps at most a linked entry beside it.

    A list of short items in the post's own words is article text too when most of its
    items are not links: a checklist of questions ("Is this a planned purchase?") that
    links one of them to an older post ("<a>Where will it go</a>?") keeps that one (see
    :data:`OWN_ITEMS`); a menu, a breadcrumb or a list of teasers links most of its items."""
    prose: set[int] = set()
    plain: dict[int, int] = {}  # list -> items not made of link text
    linked: dict[int, int] = {}  # list -> items made of link text
    for b in blocks:
        if b.group < 0:
            continue
        if b.links >= LINK_LINE * len(b.text):
            linked[b.group] = linked.get(b.group, 0) + 1
            continue
        plain[b.group] = plain.get(b.group, 0) + 1
        if (
            len(b.text) - b.links >= PROSE_ITEM_CHARS
            and len(b.text.split(None, PROSE_ITEM_WORDS)) > PROSE_ITEM_WORDS
        ):
            prose.add(b.group)
    for group, n in linked.items():
        if plain.get(group, 0) >= OWN_ITEMS * n:
            prose.add(group)
    if not prose:
        return prose
    out = set()
    for number in parents:
        up = number
        while up >= 0 and up not in prose:
            up = parents[up]
        if up >= 0:
            out.add(number)
    return out


#: A list item with more words than this and this many characters outside links is a
#: sentence of the article's own (a row of linked names between a label and bars is not).
PROSE_ITEM_WORDS = 8
PROSE_ITEM_CHARS = 60
#: A list with this many items of plain text per item of link text (and so two at least)
#: is the post's own list: its linked items are entries of it (:func:`_prose_lists`).
OWN_ITEMS = 2


def _section_title(root: LexborNode) -> LexborNode | None:
    """The subheading right before one of an article's several roots, when there is one.

    A paper or a long read set in sections repeats ``<h2>Discussion</h2><div
    class="section__content">...</div>``: the roots are the section bodies (twins of one
    class), and each section's title is the element just before its body, outside it.
    Only a subheading without a boilerplate hint counts ("Related stories" above a box
    has one, or is not next to a root). A subheading may stand alone in a ``<header>`` or
    an ``<hgroup>`` of its own (``<header><h2>Discussion</h2></header>``), which is looked
    through when it holds nothing else and has no hint either."""
    node = _element_before(root)
    if node is not None and node.tag in _TITLE_WRAPPERS:
        if flag_of(node.tag, node.attributes) is not None:
            return None
        node = _only_child(node)
    if node is None or node.tag not in _SUBHEADINGS:
        return None
    return node if flag_of(node.tag, node.attributes) is None else None


#: Elements that may hold a section's subheading alone (:func:`_section_title`).
_TITLE_WRAPPERS = frozenset(("header", "hgroup"))


def _element_before(node: LexborNode) -> LexborNode | None:
    """The element right before ``node``, past comments and whitespace; None when there is
    none or loose text comes first."""
    prev = node.prev
    while prev is not None and prev.tag in ("-text", "-comment"):
        if prev.tag == "-text" and (prev.text_content or "").strip():
            return None  # loose text between them: not a title of this root
        prev = prev.prev
    return prev


def _only_child(node: LexborNode) -> LexborNode | None:
    """The one element inside ``node``, with only whitespace and comments beside it, or
    None."""
    found = None
    child = node.child
    while child is not None:
        if child.tag == "-text":
            if (child.text_content or "").strip():
                return None
        elif child.tag != "-comment":
            if found is not None:
                return None
            found = child
        child = child.next
    return found


def _join_drop_caps(blocks: list[Block]) -> list[Block]:
    """The blocks with a drop cap joined to the paragraph it opens.

    A site that sets its first letter large may put it in an element before the ``<p>``
    (``<span class="dropcap">T</span><p>he council said ...</p>``): the letter came out
    as a line of its own and the paragraph without it. A lone capital letter followed by
    a block that starts in lower case is one word split in two."""
    if not any(len(b.text) == 1 for b in blocks):
        return blocks
    out: list[Block] = []
    for b in blocks:
        last = out[-1] if out else None
        if (
            last is not None
            and len(last.text) == 1
            and last.text.isupper()
            and b.text[:1].islower()
        ):
            out[-1] = Block(last.text + b.text, b.tag, b.links, b.marker, b.path, b.row, b.group)
        else:
            out.append(b)
    return out


def _join_rows(blocks: list[Block]) -> list[Block]:
    """The blocks with each table row of data made one line again.

    A cell that wraps its text in a ``<div>`` or a ``<p>`` makes a line of its own, so a
    row came out in pieces, and a piece that is a linked label ("Farm Heroes Super Saga",
    linking to the app) went as a link-only line, leaving the row's figures without their
    name. A row is joined when all its pieces are short, as cells are; a layout table that
    holds a whole page in one row has paragraphs in it and stays in lines. A row joined is
    judged as a whole: a row of nothing but links still goes."""
    pieces: dict[int, list[Block]] = {}
    for b in blocks:
        if b.row >= 0:
            pieces.setdefault(b.row, []).append(b)
    joined = {
        row
        for row, bs in pieces.items()
        if len(bs) > 1 and all(len(b.text) <= CELL_CHARS for b in bs)
    }
    if not joined:
        return blocks
    out: list[Block] = []
    for b in blocks:
        if b.row in joined and out and out[-1].row == b.row:
            last = out[-1]
            text = f"{last.text} {b.text}"
            out[-1] = Block(text, "tr", last.links + b.links, "", last.path, b.row)
        elif b.row in joined:
            out.append(Block(b.text, "tr", b.links, "", b.path, b.row))
        else:
            out.append(b)
    return out


#: The longest line a table cell's text makes in a data row (:func:`_join_rows`).
CELL_CHARS = 120


def _linked_prose(block: Block) -> bool:
    """Whether a mostly linked line is article text all the same: a ``<p>`` of at least
    :data:`LINKED_PROSE` characters that ends like a sentence (a transcript's question
    linked to its time, a sentence that links its source clause by clause), a numbered
    subheading of a listicle or a shorter numbered ``<p>`` that ends like a sentence (an
    entry of a listicle set as paragraphs, "12. This cover of ..."), or a bare host name
    or address (an entry of the article's list of sources, "Sources: / example.org /
    www.example.com"; the text rules keep such lines for the same reason). Teasers and
    "Read more" links are headlines: shorter, or not ending like a sentence, and not
    numbered."""
    if block.tag in _SUBHEADINGS:
        return _LIST_NUMBER.match(block.text) is not None
    if _ADDRESS.fullmatch(block.text):
        return True
    if block.tag != "p" or not _ends_sentence(block.text):
        return False
    if len(block.text) >= LINKED_PROSE:
        return True
    # a listicle's entry set as a numbered sentence ("12. This cover of ... .")
    return len(block.text) >= PROSE_LINE and _LIST_NUMBER.match(block.text) is not None


#: A line that is only a host name or a web address: a source the article cites.
_ADDRESS = re.compile(
    r"(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6}(?:/\S*)?", re.I
)


#: A listicle's item number ("20) Faces Places", "7. Lady Bird"): a heading so numbered is an
#: entry of the article's own countdown even when it links to the thing it names.
_LIST_NUMBER = re.compile(r"\d{1,3}[.)]\s+\S")


#: Pages with more tags than this are checked for deep nesting before they are parsed.
DEEP_CHECK_TAGS = 10_000
#: Deepest nesting of block elements the parser is given; deeper ones lose their tags.
MAX_BLOCK_DEPTH = 1_000
#: Block elements that nest (a start tag of one of them makes the tree builder look down
#: the whole stack of open elements, so a page of them nested N deep parses in N^2 steps).
#: ``p``, ``li``, ``dd``, ``dt`` are left out: an unclosed one is closed by the next.
_NESTING = (
    "div|section|article|main|aside|nav|header|footer|blockquote|ul|ol|dl|table|form|"
    "fieldset|figure|figcaption|details|summary|center|address|hgroup|menu|dir|pre|listing"
)
_NEST_TAG = re.compile(rf"<(/?)(?:{_NESTING})(?![a-zA-Z0-9-])[^>]*>", re.IGNORECASE)
_NEST_TAG_B = re.compile(_NEST_TAG.pattern.encode(), re.IGNORECASE)


def flatten_deep(html: str | bytes) -> str | bytes:
    """The page with block tags nested deeper than :data:`MAX_BLOCK_DEPTH` removed.

    Lexbor, like the HTML standard's tree builder, walks the stack of open elements for
    each block start tag, so 100,000 nested ``<div>`` take minutes to parse. Only pages
    with more than :data:`DEEP_CHECK_TAGS` tags are scanned (a count at C speed first);
    the tags removed become a space, so the text is the page's text, in order.

    >>> flatten_deep("<div>" * 3 + "x") == "<div>" * 3 + "x"
    True
    """
    lt: str | bytes = "<" if isinstance(html, str) else b"<"
    if html.count(lt) <= DEEP_CHECK_TAGS:  # type: ignore[arg-type]
        return html
    depth = 0
    over = False

    def cut(m: re.Match[str] | re.Match[bytes]) -> str | bytes:
        nonlocal depth, over
        closing = bool(m.group(1))
        if not closing:
            depth += 1
        deep = depth > MAX_BLOCK_DEPTH
        if closing:
            depth = max(depth - 1, 0)
        if deep:
            over = True
            return " " if isinstance(m.group(0), str) else b" "
        return m.group(0)

    if isinstance(html, str):
        out: str | bytes = _NEST_TAG.sub(cut, html)  # type: ignore[arg-type]
    else:
        out = _NEST_TAG_B.sub(cut, html)  # type: ignore[arg-type]
    return out if over else html


def parse(html: str | bytes) -> LexborHTMLParser:
    """Parse with Lexbor (imported here: text mode never pays for it), after
    :func:`flatten_deep`.

    Without DOM mutation events (``WO_EVENTS``): they only mirror a ``<select>``'s chosen
    ``<option>`` into its ``<selectedcontent>``, and selects are junk here; building the
    tree without them takes a few percent fewer steps."""
    from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser

    return LexborHTMLParser(flatten_deep(html), options=LexborDocumentOptions.WO_EVENTS)


def page_url(tree: LexborHTMLParser) -> str | None:
    """The page's own idea of its URL: ``<link rel=canonical>``, else ``og:url``."""
    for sel, attr in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        node = tree.css_first(sel)
        value = (node.attributes.get(attr) or "").strip() if node is not None else ""
        if value.startswith(("http://", "https://")):
            return value
    return None
