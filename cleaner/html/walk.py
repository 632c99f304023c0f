"""The walk that turns a subtree of the page into candidate lines (:class:`Block`).

Apart from the choice of root because it serves both sides of it: a full walk numbers every
element for :func:`cleaner.html.root.choose_root` on pages without enough paragraphs, and
the walk of the chosen roots skips flagged elements, with the exceptions (wrappers, inset
prose, words of a sentence, paid paragraphs) that keep article text from going with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cleaner.html.flags import _CELLS, _JUNK, BLOCK_TAGS, HEADINGS, flag_of
from cleaner.html.prose import INSET_PARAGRAPH, PROSE_KEEP, PROSE_MAY_KEEP, _prose_share, goodness

if TYPE_CHECKING:  # pragma: no cover
    from selectolax.lexbor import LexborNode


@dataclass(slots=True)
class Block:
    """One candidate line: a paragraph, heading, list item, table row or loose text."""

    text: str
    tag: str  # the block element that holds it ('p', 'h2', 'li', 'tr', 'div', ...)
    links: int  # characters inside <a>
    marker: str = ""  # Markdown-like prefix: '## ', '- ', '1. ', '> '
    path: tuple[int, ...] = ()  # element ids from the walk's start down (full walks only)
    row: int = -1  # the table row it is part of (numbered in walk order), -1 outside rows
    group: int = -1  # the list its item belongs to (numbered in walk order), -1 outside lists


def _node_text(node: LexborNode) -> str:
    return node.text(deep=True, separator=" ", strip=False)


#: Deeper than this, a subtree's text is taken whole (C speed, no recursion): broken markup
#: can nest thousands of unclosed elements.
MAX_DEPTH = 250
#: A flagged node is kept when it holds this share of the text around it (a wrapper).
WRAPPER_SHARE = 0.5


_NONE: frozenset[int] = frozenset()

#: Lines with their whitespace squeezed (:func:`_squeeze`), by their raw text.
_SQUEEZED: dict[str, str] = {}


def _squeeze(raw: str) -> str:
    """``raw`` with runs of whitespace made one space, trimmed; remembered in
    :data:`_SQUEEZED` (a pure function of the text, so the cache is never stale).

    Why: splitting a line into words costs an object per word, and most paragraphs are
    squeezed twice, by :func:`cleaner.html.root._units` when choosing the root and by the
    walk of the root (a paragraph's text nodes are the same pieces in both, unless a
    whitespace-only node sits among them); boilerplate lines repeat from page to page as
    well."""
    if len(_SQUEEZED) >= 8192:
        _SQUEEZED.clear()
    text = _SQUEEZED[raw] = " ".join(raw.split())
    return text


class _Walker:
    """Turns a subtree into blocks (candidate lines).

    With ``skip`` on, flagged elements are skipped with their subtree and reported, unless
    they hold at least ``WRAPPER_SHARE`` of ``total`` characters (a wrapper around the
    article, not a widget); with it off, every element is numbered and flagged in
    ``elements`` and every block keeps its path, for
    :func:`cleaner.html.root.choose_root`.
    """

    def __init__(
        self, *, skip: bool, total: int = 0, br_lines: bool = True, keep: frozenset[int] = _NONE
    ) -> None:
        self.keep = keep
        self.blocks: list[Block] = []
        self.skip = skip
        self.total = total
        self.br_lines = br_lines
        self.removed: list[tuple[LexborNode, str, str, int, str]] = []  # ..., chars, text
        self.elements: list[tuple[LexborNode, str, str | None, int]] = []
        self._buf: list[str] = []
        self._links = 0
        self._in_link = 0
        self._code = 0  # open <code> elements
        self._path: list[int] = []
        self._block_tags: list[str] = ["body"]
        self._lists: list[list[int]] = []  # [is_ordered, count, number] per open list
        self.list_parents: dict[int, int] = {}  # a nested list's number -> its list's
        self._row = -1  # the innermost open table row (see Block.row)
        self._rows = 0
        self.data_rows: set[int] = set()  # rows with a <td> outside <thead>
        self.header_rows: set[int] = set()  # rows with a <th>, or in a <thead>

    def walk(self, node: LexborNode) -> _Walker:
        tag = node.tag or "body"
        if not self.skip:
            self.elements.append((node, tag, None, 0))
            self._path.append(0)
        self._flush()
        self._block_tags.append(tag if tag in BLOCK_TAGS else "div")
        self._rec(node, 0)
        self._flush()
        self._block_tags.pop()
        return self

    def _flush(self) -> None:
        if not self._buf:
            return
        raw = "".join(self._buf)
        text = _SQUEEZED.get(raw)
        if text is None:
            text = _squeeze(raw)
        self._buf.clear()
        links, self._links = self._links, 0
        if text:
            path = () if self.skip else tuple(self._path)
            tag = self._block_tags[-1]
            group = self._lists[-1][2] if tag == "li" and self._lists else -1
            self.blocks.append(Block(text, tag, min(links, len(text)), "", path, self._row, group))

    def _rec(self, node: LexborNode, depth: int) -> None:
        buf = self._buf
        skip = self.skip
        keep = self.keep
        for child in node.iter(include_text=True):
            tag = child.tag or ""
            if tag == "-text":
                text = child.text_content
                if text:
                    buf.append(text)
                    if self._in_link:
                        self._links += len(text)
                continue
            if tag in _JUNK:
                continue
            if tag == "br":
                # a break inside a link is the link's own typography: a new line there
                # would leave the link's tail as a line of nothing but link text
                if self.br_lines and not self._in_link:
                    self._flush()
                else:
                    buf.append(" ")
                continue
            attrs = child.attributes
            block = self._block_tags[-1]
            flag = flag_of(tag, attrs, block)
            if flag is not None and keep and child.mem_id in keep:
                flag = None
            if flag is not None and (self._code or "pre" in self._block_tags) and flag != "hidden":
                # a syntax highlighter's classes ("token comment", "hljs-meta") name parts
                # of the code, not widgets of the page
                flag = None
            if flag is not None and skip:
                text = _node_text(child)
                chars = len(text.strip())
                if (
                    not (self.total and chars >= WRAPPER_SHARE * self.total)
                    and not (flag in PROSE_MAY_KEEP and _prose(child, chars))
                    and not (flag != "hidden" and _inline_prose(child, tag, block))
                    and not (tag == "p" and flag == "paywall" and _paid_paragraph(child))
                ):
                    if chars:
                        self.removed.append((child, tag, flag, chars, text))
                    # the runs of text on either side must not join into a new word
                    if tag in BLOCK_TAGS:
                        self._flush()
                    else:
                        buf.append(" ")
                    continue
            if depth >= MAX_DEPTH:
                buf.append(" " + _node_text(child) + " ")
                continue
            if not skip:
                self._path.append(len(self.elements))
                self.elements.append((child, tag, flag, depth + 1))
            if tag in BLOCK_TAGS:
                if buf:
                    self._flush()
                self._block_tags.append(tag)
                if tag in _LISTS:
                    number = len(self.list_parents)
                    self.list_parents[number] = self._lists[-1][2] if self._lists else -1
                    self._lists.append([tag == "ol", 0, number])
                outer = self._row
                if tag == "tr":
                    self._row, self._rows = self._rows, self._rows + 1
                self._rec(child, depth + 1)
                if buf:
                    start = len(self.blocks)
                    self._flush()
                    if len(self.blocks) > start:
                        self._mark(self.blocks[-1], tag)
                self._row = outer
                self._block_tags.pop()
                if tag in _LISTS:
                    self._lists.pop()
            elif tag in _CELLS:
                if tag == "th" or "thead" in self._block_tags:
                    self.header_rows.add(self._row)
                else:
                    self.data_rows.add(self._row)
                buf.append(" ")
                self._rec(child, depth + 1)
                buf.append(" ")
            elif tag == "a" and not (block in _OWN_LINK_BLOCKS and _leads_nowhere(attrs)):
                self._in_link += 1
                self._rec(child, depth + 1)
                self._in_link -= 1
            elif tag == "code":
                self._code += 1
                self._rec(child, depth + 1)
                self._code -= 1
            else:
                self._rec(child, depth + 1)
            if not skip:
                self._path.pop()

    def _mark(self, block: Block, tag: str) -> None:
        if tag in HEADINGS:
            block.marker = "#" * int(tag[1]) + " "
        elif tag == "li":
            if self._lists and self._lists[-1][0]:
                self._lists[-1][1] += 1
                block.marker = f"{self._lists[-1][1]}. "
            else:
                block.marker = "- "
        elif tag == "blockquote" or "blockquote" in self._block_tags:
            block.marker = "> "


_LISTS = frozenset(("ul", "ol", "menu"))


def _prose(node: LexborNode, chars: int) -> bool:
    """Whether a flagged element is article prose after all (a paywalled second half, a
    collapsed "read on" part): enough long, sentence-like paragraphs, and little else."""
    if chars < PROSE_KEEP:
        return False
    good = 0.0
    for p in node.css("p"):
        text = " ".join(p.text(deep=True, separator="", strip=False).split())
        links = sum(len(a.text(deep=True, separator="", strip=True)) for a in p.css("a"))
        good += goodness(text, links, "p")
    return _prose_share(good, chars - good)


def _inline_prose(node: LexborNode, tag: str, block: str) -> bool:
    """Whether a flagged (not hidden) inline element is part of the prose of the block
    around it: a word of its sentence (:func:`_in_running_text`), or, inside a ``<p>``, the
    paragraph's own text with a class on it (:func:`_styled_prose`)."""
    if tag in _WORD_TAGS and _in_running_text(node, block == "p"):
        return True
    return block == "p" and _styled_prose(node, tag)


def _styled_prose(node: LexborNode, tag: str) -> bool:
    """Whether an inline element is a paragraph's own text with a class on it (markup
    pasted from another site keeps its classes: a span "...ContentTags" around a whole
    paragraph): a sentence-like run of prose, not a byline or a link."""
    if tag in BLOCK_TAGS or tag in _CELLS:
        return False
    text = " ".join(node.text(deep=True, separator="", strip=False).split())
    if len(text) < INSET_PARAGRAPH:
        return False
    links = sum(len(a.text(deep=True, separator="", strip=True)) for a in node.css("a"))
    return goodness(text, links, "p") > 0


#: Blocks in which a link that leads nowhere (an in-page anchor, a script) is the block's
#: own text: a heading's permalink, a paragraph's footnote or annotation pop-up.
_OWN_LINK_BLOCKS = HEADINGS | {"p"}


def _leads_nowhere(attrs: dict[str, str | None]) -> bool:
    """Whether a link (its attributes) stays on the page: ``href="#section"``,
    ``javascript:...``."""
    href = (attrs.get("href") or "").lstrip()
    return href.startswith("#") or href[:11].lower() == "javascript:"


#: Characters of text after an element that opens a paragraph for it to be the start of
#: that paragraph's sentence (a dateline), rather than a label before a few words.
RUNNING_TEXT = 40
#: Inline elements that can hold a word of a sentence (a glossary link, a ticker, a name).
_WORD_TAGS = frozenset(("a", "span", "em", "strong", "b", "i", "abbr", "mark", "small", "sup"))


def _in_running_text(node: LexborNode, paragraph: bool) -> bool:
    """Whether a flagged inline element is part of the sentence around it: it stands
    between two runs of text of one line ("advances in <a class="keywords">neuroscience
    </a>, it has become"), or it opens a paragraph whose sentence goes on after it (the
    wire dateline ``<p><span class="dateline">CAIRO —</span> Gunmen opened fire ...``,
    which the article's first line keeps). A related link, share button or ad after a
    sentence or on a line of its own has no text on one side, or only a few words."""
    after = node.next
    if after is None or after.tag != "-text":
        return False
    rest = (after.text_content or "").strip()
    if not rest:
        return False
    before = node.prev
    if before is not None and before.tag == "-text" and (before.text_content or "").strip():
        return True
    if before is not None and before.tag != "-text":
        return False  # another element comes first: it does not open the paragraph
    return paragraph and len(rest) >= RUNNING_TEXT


def _paid_paragraph(node: LexborNode) -> bool:
    """Whether a ``<p class="paywall">`` is a paragraph of the paid part of the article:
    a page that marks each paragraph behind its paywall so (the paywall's prompt is a box
    of its own, not a paragraph of prose). Any sentence-like line of prose counts."""
    text = " ".join(node.text(deep=True, separator="", strip=False).split())
    links = sum(len(a.text(deep=True, separator="", strip=True)) for a in node.css("a"))
    return goodness(text, links, "p") > 0
