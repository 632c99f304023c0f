"""HTML mode: from a page to its article lines, then the text rules.

Why a stage of its own: a quarter of an article's lines (headings, lists) never reach a
scraper's ``<p>``-only text, and most boilerplate is easier to see in the page, where a
share bar is ``<div class="share">`` and a teaser list is a ``<ul>`` of links, than in the
lines it leaves behind. The steps, each reported like a text rule:

1. **Decode** bytes: a byte-order mark, then ``<meta charset>``, then UTF-8 if the bytes
   are valid UTF-8, then charset-normalizer (:func:`decode_html`).
2. **Parse** with selectolax (Lexbor), drop what is never text (script, style, noscript,
   template, svg, iframe, form controls).
3. **Pack rules**: the ``html:`` section of each applicable pack removes nodes by CSS
   selector, with rule ids (:mod:`cleaner.htmlrules`), and may name the article root.
4. **Generic stage**, one walk over ``<body>``: block elements become candidate lines;
   nav, aside, forms, footers, hidden elements and class/id hints of boilerplate (share,
   newsletter, related, promo, comments, cookie, subscribe, advert...) are flagged. Unless a
   pack named the root, the article root is the element whose lines are most article-like
   (long, sentence-like, few links) against the rest; paragraphs are ``<p>`` elements, list
   items and loose prose in ``<div>`` elements and cells. Flagged nodes inside the root go,
   except one that holds most of the root's text (a wrapper, not a widget) or long prose
   between article paragraphs; so do lines that are mostly link text and the page title.
5. **Lines** (one per paragraph, heading, list item, blockquote paragraph, table row;
   ``<br>`` starts a new line) go through :meth:`cleaner.Cleaner.clean` with the same
   context, so every text rule applies with its usual provenance.

Every node removed in 3-4 is a :class:`NodeRemoval` with the rule id (``pack/slug``) or
generic reason (``generic/share``), the selector that matched and an excerpt.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from cleaner.errors import InputError
from cleaner.matchers.shape import FINAL_PUNCTUATION
from cleaner.model import AppliedPack, Category, Notice, Removal, Result

if TYPE_CHECKING:  # pragma: no cover
    from selectolax.lexbor import LexborHTMLParser, LexborNode

    from cleaner.engine import Cleaner
    from cleaner.model import HtmlRule

OutputFormat = Literal["text", "markdown"]
FORMATS: tuple[str, ...] = ("text", "markdown")

#: Longest excerpt of a removed node kept in a report.
EXCERPT = 80


# -- results ----------------------------------------------------------------------------------
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


@dataclass(frozen=True, slots=True)
class HtmlResult:
    """What cleaning one page returns: the text-stage :class:`Result` and the node removals.

    ``text`` is the article (Markdown-like with ``format="markdown"``); ``packs``,
    ``removals`` and ``warnings`` are the text stage's, whose line numbers refer to
    :attr:`lines`, the text extracted from the page. ``nodes`` lists what went before that,
    ``root`` says where the article was found, ``encoding`` how bytes were read and ``url``
    which URL chose the packs (the caller's, else the page's canonical link).
    """

    result: Result
    nodes: tuple[NodeRemoval, ...] = ()
    root: str = ""
    encoding: str = ""
    lines: str = ""
    format: OutputFormat = "text"
    text: str = ""
    url: str | None = None

    @property
    def packs(self) -> tuple[AppliedPack, ...]:
        return self.result.packs

    @property
    def removals(self) -> tuple[Removal, ...]:
        return self.result.removals

    @property
    def warnings(self) -> tuple[Notice, ...]:
        return self.result.warnings

    @property
    def pack_ids(self) -> tuple[str, ...]:
        return self.result.pack_ids


# -- decoding ---------------------------------------------------------------------------------
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
#: Labels browsers read as another encoding (WHATWG Encoding Standard): a page that says
#: latin-1 is decoded as windows-1252 by every browser, so its author saw that.
_WHATWG = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-sjis": "shift_jis",
    "gb2312": "gbk",
    "x-gbk": "gbk",
    "tis-620": "cp874",
    "iso-8859-9": "cp1254",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}
#: How far into the page ``<meta charset>`` is looked for (browsers prescan 1024 bytes;
#: real pages put a long head of comments and scripts first).
_PRESCAN = 4096


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _WHATWG.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # a page cannot declare itself in UTF-16 in ASCII-compatible bytes: browsers use UTF-8
    return "utf-8" if name.startswith("utf-16") or name.startswith("utf-32") else name


def decode_html(data: bytes | str) -> tuple[str, str]:
    """The page as text and the encoding it was read in.

    Order: a byte-order mark; ``<meta charset>`` (or ``http-equiv`` content) in the first
    4 KB; UTF-8 when the bytes are valid UTF-8; else charset-normalizer's best guess.
    Undecodable bytes become U+FFFD: a page is read the way a browser reads it, never refused.
    One exception to the browser's order: a page that declares another encoding but whose
    non-ASCII bytes are all valid UTF-8 is read as UTF-8. Crawlers store pages re-encoded
    as UTF-8 with the old ``<meta charset="gb2312">`` left in, and text in a legacy
    encoding is almost never valid UTF-8 by chance (its accented letters and CJK byte
    pairs break UTF-8's sequences), so the bytes are the better witness.

    >>> decode_html(b'<meta charset="iso-8859-1"><p>caf\\xe9</p>')
    ('<meta charset="iso-8859-1"><p>café</p>', 'cp1252')
    >>> decode_html('\\ufeff<p>x</p>')
    ('<p>x</p>', 'str')
    """
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), "str"
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InputError(f"html must be str or bytes, not {type(data).__name__}")
    data = bytes(data)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, "replace"), name
    declared = _declared(data)
    if declared is not None:
        if declared != "utf-8" and not data.isascii():
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode("utf-8"), "utf-8"
        return data.decode(declared, "replace"), declared
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    name = (best.encoding if best is not None else None) or "cp1252"
    return data.decode(name, "replace"), name


def _declared(data: bytes) -> str | None:
    """The codec a page's ``<meta charset>`` names in its first 4 KB, if any."""
    match = _META_CHARSET.search(data, 0, _PRESCAN)
    return _codec(match.group(1).decode("ascii", "replace")) if match else None


def _utf8_declared(data: bytes) -> bool:
    """Whether a page without a byte-order mark declares UTF-8: Lexbor then reads its
    bytes as they are, and :func:`decode_html` need not decode them first."""
    return not any(data.startswith(bom) for bom, _ in _BOMS) and _declared(data) == "utf-8"


# -- the walk ---------------------------------------------------------------------------------
#: Never text: removed before anything else (not reported; they hold code, not words).
JUNK_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "iframe",
    "object",
    "embed",
    "canvas",
    "video",
    "audio",
    "map",
    "button",
    "select",
    "textarea",
    "input",
    "option",
    "label",
    "dialog",
)
#: :data:`JUNK_TAGS` in the order they are stripped (one walk of the tree each): those that
#: hold many elements first (an ``<svg>``'s paths), so the later walks see a smaller tree.
_STRIP_ORDER = ["svg", "math", "noscript", "template", "select"]
_STRIP_ORDER += [tag for tag in JUNK_TAGS if tag not in _STRIP_ORDER]
_SKIP = frozenset(("-comment", "head", "title", "meta", "link", "base", "img", "picture", "source"))
_JUNK = frozenset(JUNK_TAGS) | _SKIP
BLOCK_TAGS = frozenset(
    (
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    )
)
_CELLS = frozenset(("td", "th"))
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_SUBHEADINGS = HEADINGS - {"h1"}

#: Tags that are boilerplate wherever they stand outside the article root, and inside it
#: too (a ``<nav>`` in an article is a table of contents or a pager, never prose).
_TAG_FLAGS: dict[str, tuple[str, Category]] = {
    "nav": ("nav", "navigation"),
    "aside": ("aside", "related-link"),
    "form": ("form", "other"),
    "footer": ("footer", "navigation"),
    "menu": ("nav", "navigation"),
    "figcaption": ("caption", "photo-credit"),
}
_TAG_FLAG_NAMES = {tag: name for tag, (name, _) in _TAG_FLAGS.items()}
_ROLE_FLAGS: dict[str, tuple[str, Category]] = {
    "navigation": ("nav", "navigation"),
    "complementary": ("aside", "related-link"),
    "contentinfo": ("footer", "navigation"),
    "search": ("form", "other"),
    "dialog": ("hidden", "other"),
    "alertdialog": ("hidden", "other"),
    "menu": ("nav", "navigation"),
    "menubar": ("nav", "navigation"),
}

#: Class and id words of boilerplate containers, by generic reason. A word matches at the
#: start of a class token (``share`` in ``c-share-bar``, ``socialShare``, ``shareTools``).
HINTS: dict[str, tuple[tuple[str, ...], Category]] = {
    "share": (("share", "sharing", "social", "sociallinks", "addthis", "sharethis"), "social"),
    "newsletter": (("newsletter", "subscri", "signup", "sign-up", "optin", "nl-"), "newsletter"),
    "related": (
        (
            "related",
            "recommend",
            "more-stories",
            "morestories",
            "read-more",
            "readmore",
            "read-next",
            "readnext",
            "most-read",
            "mostread",
            "most-popular",
            "mostpopular",
            "trending",
            "outbrain",
            "taboola",
            "also-read",
            "further-reading",
            "teaser-list",
            "tags",
            "tag-list",
            "taglist",
            "keywords",
        ),
        "related-link",
    ),
    "promo": (("promo", "sponsor", "affiliate"), "promo"),
    "comments": (("comment", "disqus", "discussion", "reactions", "respond"), "comment-prompt"),
    "cookie": (("cookie", "consent", "gdpr", "privacy-banner", "cmp-"), "cookie"),
    "advert": (
        (
            "advert",
            "adsbygoogle",
            "adslot",
            "ad-slot",
            "adunit",
            "ad-unit",
            "ad-container",
            "adcontainer",
            "ad-wrapper",
            "adwrapper",
            "dfp",
            "google-ad",
            "banner",
            "billboard",
        ),
        "advertisement",
    ),
    "nav": (
        (
            "nav",
            "menu",
            "breadcrumb",
            "pagination",
            "pager",
            "skip-link",
            "sidebar",
            "masthead",
            "site-header",
            "site-footer",
            "footer",
            "toolbar",
        ),
        "navigation",
    ),
    "paywall": (("paywall", "regwall", "piano", "premium-teaser"), "paywall"),
    "byline": (
        ("byline", "author", "dateline", "timestamp", "publish-date", "article-meta"),
        "byline",
    ),
    "caption": (("caption", "credit", "copyright", "photo-credit"), "photo-credit"),
    "hidden": (
        ("sr-only", "visually-hidden", "visuallyhidden", "screen-reader"),
        "other",
    ),
}
#: Words that count only as a whole class token: ``ad`` (not ``header``), ``hidden`` (not
#: ``hidden-xs``, which hides on small screens only).
_SHORT_AD = re.compile(r"(?<![a-z0-9])ads?(?![a-z0-9])")
_HIDDEN = re.compile(r"(?<![a-z0-9-])(?:is-|u-)?hidden(?![a-z0-9-])")
_HINT_WORDS = {word: reason for reason, (words, _) in HINTS.items() for word in words}
_HINT_RE = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(sorted((re.escape(w) for w in _HINT_WORDS), key=len, reverse=True))
    + ")"
)
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HINT_EXCEPT = re.compile(
    r"(?<![a-z0-9])(?:commentary|article-?body|story-?body|post-?content|entry-?content|"
    r"navigation-?content|main)(?![a-z0-9])"
)


def _screen(words: Sequence[str]) -> re.Pattern[str]:
    """A regex that finds a start of any of ``words`` (at a class token's start), and so
    any match of :data:`_HINT_RE`, :data:`_SHORT_AD` or :data:`_HIDDEN`; nothing found, the
    string names no boilerplate. Why: three quarters of class strings name nothing, and
    those regexes put their test of the token's start first, which keeps the regex engine
    from skipping to the places where a word can start; each word here starts with its
    letter, tested before the look back, so the engine skips to those letters (a word with
    another word as its prefix adds nothing to the screen, and is left out)."""
    kept = sorted(w for w in set(words) if not any(o != w and w.startswith(o) for o in words))
    groups: dict[str, list[str]] = {}
    for w in kept:
        groups.setdefault(w[0], []).append(re.escape(w[1:]))
    return re.compile(
        "|".join(
            f"{re.escape(c)}(?<![a-z0-9]{re.escape(c)})(?:{'|'.join(rest)})"
            for c, rest in groups.items()
        )
    )


_ANY_HINT = _screen([*_HINT_WORDS, "ad", "hidden"])
#: A class token that says the element lacks a thing ("no_caption", "no-comments",
#: "without-ads"): a layout variant, not the thing.
_NEGATED = re.compile(r"(?<![a-z0-9])(?:no|without)[-_][a-z0-9]+")


def hint_of(attrs: str) -> str | None:
    """The generic reason a class/id string names boilerplate, or None.

    >>> hint_of("c-share-bar"), hint_of("socialShare"), hint_of("article-body")
    ('share', 'share', None)
    >>> hint_of("ad-slot top"), hint_of("header"), hint_of("loaded")
    ('advert', None, None)
    >>> hint_of("is-hidden"), hint_of("hidden-xs")
    ('hidden', None)
    >>> hint_of("item item_image no_caption"), hint_of("no-comments comments-box")
    (None, 'comments')
    """
    low = attrs.lower()
    if low != attrs:  # no capital letter, no camel case to split
        low = _CAMEL.sub(r"\1-\2", attrs).lower()
    if _ANY_HINT.search(low) is None:  # most strings: one scan, no word to read
        return None
    if "no" in low or "without" in low:
        low = _NEGATED.sub(" ", low)  # "no_caption", "without-ads": the element has none
    if _HINT_EXCEPT.search(low):
        return None
    m = _HINT_RE.search(low)
    if m:
        return _HINT_WORDS[m.group(0)]
    if _SHORT_AD.search(low):
        return "advert"
    if _HIDDEN.search(low):
        return "hidden"
    return None


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


_HINT_CACHE: dict[str, str | None] = {}
_WORDS = re.compile(r"[^\W_]+")
#: A heading's id of this many words is an anchor slug of its text, not a widget's name.
SLUG_WORDS = 3


def flag_of(tag: str, attrs: dict[str, str | None], within: str = "") -> str | None:
    """The generic reason an element is boilerplate (its tag, role, state or class/id).
    ``within``: the tag of the block the element sits in (a heading's anchor id may sit on
    an element inside it)."""
    if not attrs:  # most elements: only the tag can say
        return _TAG_FLAG_NAMES.get(tag)
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return "hidden"
    style = attrs.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return "hidden"
    if tag in _TAG_FLAG_NAMES:
        return _TAG_FLAG_NAMES[tag]
    role = attrs.get("role")
    if role and role in _ROLE_FLAGS:
        return _ROLE_FLAGS[role][0]
    cls, ident = attrs.get("class"), attrs.get("id")
    if (
        ident
        and (tag in HEADINGS or within in HEADINGS)
        and len(_WORDS.findall(ident)) >= SLUG_WORDS
    ):
        # an id of several words on a heading, or on a span inside one, is an anchor made
        # from its own words (a table of contents links to "nav-the-second-half", a wiki's
        # "Eich_CEO_promotion_controversy"): it names the section's topic, not a widget
        # ("comments", "related-title" still do)
        ident = None
    if not cls and not ident:
        return None
    names = f"{cls or ''} {ident or ''}"
    try:
        return _HINT_CACHE[names]
    except KeyError:
        if len(_HINT_CACHE) > 100_000:
            _HINT_CACHE.clear()
        hint = _HINT_CACHE[names] = hint_of(names)
        return hint


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


def _node_text(node: LexborNode) -> str:
    return node.text(deep=True, separator=" ", strip=False)


#: Deeper than this, a subtree's text is taken whole (C speed, no recursion): broken markup
#: can nest thousands of unclosed elements.
MAX_DEPTH = 250


_NONE: frozenset[int] = frozenset()

#: Lines with their whitespace squeezed (:func:`_squeeze`), by their raw text.
_SQUEEZED: dict[str, str] = {}


def _squeeze(raw: str) -> str:
    """``raw`` with runs of whitespace made one space, trimmed; remembered in
    :data:`_SQUEEZED` (a pure function of the text, so the cache is never stale).

    Why: splitting a line into words costs an object per word, and most paragraphs are
    squeezed twice, by :func:`_units` when choosing the root and by the walk of the
    root (a paragraph's text nodes are the same pieces in both, unless a whitespace-only
    node sits among them); boilerplate lines repeat from page to page as well."""
    if len(_SQUEEZED) >= 8192:
        _SQUEEZED.clear()
    text = _SQUEEZED[raw] = " ".join(raw.split())
    return text


class _Walker:
    """Turns a subtree into blocks (candidate lines).

    With ``skip`` on, flagged elements are skipped with their subtree and reported, unless
    they hold at least ``WRAPPER_SHARE`` of ``total`` characters (a wrapper around the
    article, not a widget); with it off, every element is numbered and flagged in
    ``elements`` and every block keeps its path, for :func:`choose_root`.
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


# -- choosing the article -----------------------------------------------------------------------
def _ends_sentence(text: str) -> bool:
    """Whether the last non-space character of ``text`` ends a sentence, by the same
    marks as the text rules' ``final_punctuation`` (closing quotes, brackets, colons,
    ``。``, full-width marks, the danda and the Arabic, Urdu, Ethiopic and Burmese stops):
    a Hindi or Japanese paragraph must weigh as much as an English one when choosing the
    article root. Only the last character is tested: a regex anchored at the end would be
    tried at every position of a long paragraph."""
    end = text.rstrip()
    return bool(end) and end[-1] in FINAL_PUNCTUATION


#: Weight of a non-article line against an article-like one when choosing the root.
BAD_WEIGHT = 1.5
#: A flagged node is kept when it holds this share of the text around it (a wrapper).
WRAPPER_SHARE = 0.5
#: A line whose link text is this share of it is a link, not prose...
LINK_LINE = 0.6
#: ...unless it is a <p> this long that ends like a sentence (:func:`_linked_prose`).
LINKED_PROSE = 100
#: Share of a paragraph's weight given to its ancestors, parent first (the last repeats).
LEVEL_DECAY: tuple[float, ...] = (1.0, 0.7, 0.5, 0.35, 0.25, 0.18, 0.12, 0.08)
#: At most this many paragraphs between the title and the body are taken as the lead.
LEAD_PARAGRAPHS = 2
#: A heading or a ``<div>``'s own text is a lead when it is a sentence this long.
LEAD_CHARS = 60
#: ...and at most this share of its characters are digits (not a date stamp).
LEAD_DIGITS = 0.25
#: A heading is the page's headline when at most this share of its words are not in it.
HEADLINE_SLACK = 0.1
#: Paragraphs outside the body are rescued from its nearest ancestor that adds at most
#: this share of the body's prose, with at most RESCUE_BAD of other text per unit of prose.
RESCUE_MAX = 1.0
RESCUE_BAD = 0.5
#: A flagged element holding this many characters of prose, and this share of prose in
#: its text, is article after all (unless it is a comment thread or a list of teasers).
PROSE_KEEP = 400
PROSE_SHARE = 0.6
PROSE_MAY_KEEP = frozenset(
    (
        "paywall",
        "hidden",
        "promo",
        "advert",
        "nav",
        "byline",
        "caption",
        "aside",
        "form",
        "footer",
        "newsletter",
        "cookie",
    )
)
#: Reasons that are the page's own word for text set beside the article (``<aside>``,
#: ``role=complementary``): not the article when choosing it, though they hold more prose
#: than it (a sidebar's long text widget beside a short story); between the article's
#: paragraphs they are still inset prose (:func:`_inset_prose`)...
BESIDE = frozenset(("aside",))
#: ...unless they hold this share of the page's prose: a page that sets its whole article
#: in an <aside> (it happens) has no other.
BESIDE_SHARE = 0.9
#: A sibling of the body's container with this share of its score is part of the body.
SIBLING_SHARE = 0.3
#: Below this many characters of article-like paragraphs, the page is walked whole.
MIN_PROSE = 200
#: An ``<article>`` element with this many prose paragraphs and this much prose is the
#: page's own mark of its story (:func:`_lone_article`).
ARTICLE_PARAGRAPHS = 3
ARTICLE_PROSE = 1000
#: Inset prose is made of paragraphs this long (a sign-in box's lines are short).
INSET_PARAGRAPH = 100
#: Loose text (outside <p>) is a paragraph when it is this long, or when its parent holds
#: this many prose units (a teaser's or a comment's text sits alone in its card).
LOOSE_BLOCK = 400
LOOSE_SIBLINGS = 3


#: Characters of the scripts written without spaces (Han, kana, Thai, Lao, Khmer, Burmese):
#: one of them carries about as much as a word's share of English letters...
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
)
#: ...so each counts as this many characters towards the length of a line of prose.
UNSPACED_WEIGHT = 3
#: A line of prose has at least this many characters.
PROSE_LINE = 40


def _long_enough(text: str) -> bool:
    """Whether a line is long enough for prose (:data:`PROSE_LINE` characters), a character
    of a script written without spaces counting :data:`UNSPACED_WEIGHT` times: a clause of
    fifteen Chinese characters says as much as a line of forty in English (a blog in short
    lines of Chinese is prose). Its weight stays its length."""
    n = len(text)
    if n >= PROSE_LINE:
        return True
    if n * UNSPACED_WEIGHT < PROSE_LINE or text.isascii():
        return False
    return n + (UNSPACED_WEIGHT - 1) * sum(map(len, _UNSPACED.findall(text))) >= PROSE_LINE


def goodness(text: str, links: int, tag: str) -> float:
    """How article-like a line is: long, sentence-like, few links (0 for none of that).

    A paragraph with many links still weighs its unlinked text when that alone is a
    paragraph (:data:`LINKED_PROSE` characters) and it ends like a sentence: an article
    sentence followed by a linked "(RELATED: ...)" teaser or a source's name is prose, and
    counting it as clutter let a tweet quoted in the story outweigh the story."""
    n = len(text)
    if not _long_enough(text):
        return 0.0
    ends = _ends_sentence(text)
    w = float(n)
    if links > 0.3 * n:
        if n - links < LINKED_PROSE or not ends:
            return 0.0
        w = float(n - links)
    if not ends:
        w *= 0.5
    if tag in ("li", "td", "tr", "dd", "dt"):
        w *= 0.5
    return w


def _best(good: Sequence[float], bad: Sequence[float], depth: Sequence[int], skip: set[int]) -> int:
    best, best_score = -1, float("-inf")
    for i, g in enumerate(good):
        if not g or i in skip:
            continue
        score = g - BAD_WEIGHT * bad[i]
        if score > best_score or (score == best_score and depth[i] > depth[best]):
            best, best_score = i, score
    return best


def paragraph_roots(
    body: LexborNode, headlines: frozenset[str] = frozenset()
) -> tuple[list[LexborNode], set[int]]:
    """The article root from the page's text units (:func:`_units`: paragraphs and loose
    prose; one step up the tree per element seen), and the ids of flagged elements inside
    it that are article prose (:func:`_inset_prose`); no root when the page has too little
    prose. ``headlines`` are the page's own names for its article (:func:`headlines_of`):
    a heading that repeats one is a title, not a lead."""
    body_id = body.mem_id
    index: dict[int, int] = {}  # mem_id -> position in the lists below
    nodes: list[LexborNode] = []
    flags: list[str | None] = []
    depth: list[int] = []
    linked: list[bool] = []
    chains: list[tuple[int, ...]] = []
    paras: list[tuple[tuple[int, ...], float, int]] = []

    def chain_of(node: LexborNode | None) -> tuple[int, ...]:
        if node is not None:  # most calls: a container numbered for an earlier unit
            known = index.get(node.mem_id)
            if known is not None:
                return chains[known]
        climb: list[tuple[LexborNode, int]] = []
        tail: tuple[int, ...] = ()
        while node is not None:
            mid = node.mem_id
            known = index.get(mid)
            if known is not None:
                tail = chains[known]
                break
            climb.append((node, mid))
            if mid == body_id:
                break
            node = node.parent
        for n, mid in reversed(climb):
            i = len(nodes)
            index[mid] = i
            tag = n.tag or ""
            nodes.append(n)
            flags.append(flag_of(tag, n.attributes))
            depth.append(len(tail))
            linked.append(tag == "a" or bool(tail and linked[tail[0]]))
            # nearest ancestors first, at most MAX_DEPTH of them: a chain per element
            # must not grow with the page's depth (quadratic on deeply nested markup)
            tail = (i, *tail[: MAX_DEPTH - 1])
            chains.append(tail)
        return tail

    total = 0.0
    para_nodes: list[LexborNode] = []
    titles: list[tuple[int, tuple[int, ...]]] = []  # (paragraphs before it, its chain)
    # loose prose counts when it is a block of prose (text split by <br>) or one of a run
    # of paragraphs (a <div> per paragraph, maybe each in wrappers of its own); alone in
    # its card, with a headline or a name beside it, it is a teaser or a comment
    found: list[tuple[LexborNode, LexborNode, str, float, str]] = []
    siblings: dict[int, int] = {}  # container's mem_id -> prose units directly in it
    lengths: dict[int, int] = {}
    leads: list[tuple[int, LexborNode, tuple[int, ...]]] = []  # (seq, element, its chain)
    seqs: list[int] = []  # each paragraph's place among the units, in document order
    plain: list[bool] = []  # each paragraph: a <p> too short to be prose, but a sentence
    for owner, text, links, unit_tag in _units(body):
        g = 0.0 if unit_tag == "h1" else goodness(text, links, unit_tag)
        if not g and unit_tag != "p" and unit_tag != "h1":
            continue  # loose text or a heading that is not prose is furniture (most units)
        parent = owner.parent
        if parent is None:
            continue
        if unit_tag in _SUBHEADINGS:
            # a heading that is a sentence of prose: only ever a lead (standfirst)
            found.append((owner, parent, text, g, unit_tag))
            continue
        if unit_tag not in _LISTED and len(text) < LOOSE_BLOCK:
            parent = _container(parent, len(text), body_id, lengths)
        if g:
            siblings[parent.mem_id] = siblings.get(parent.mem_id, 0) + 1
        found.append((owner, parent, text, g, unit_tag))
    head_words = _headline_words(headlines)
    for seq, (owner, parent, text, g, unit_tag) in enumerate(found):
        if unit_tag == "h1":
            titles.append((seq, chain_of(parent)))
            continue
        if unit_tag in _SUBHEADINGS and _is_headline(text, head_words):
            titles.append((seq, chain_of(parent)))
            continue
        if unit_tag in _SUBHEADINGS or (
            unit_tag not in _LISTED
            and len(text) < LOOSE_BLOCK
            and siblings[parent.mem_id] < LOOSE_SIBLINGS
        ):
            if (
                len(text) >= LEAD_CHARS
                and _digit_count(text) <= LEAD_DIGITS * len(text)
                and _holds_only(owner, text, lengths)
                and not _after_image(owner)
            ):
                chain = chain_of(owner)
                if chain and not linked[chain[0]]:
                    leads.append((seq, owner, chain))
            continue
        chain = chain_of(parent if unit_tag in _LISTED else owner)
        if not chain:
            continue
        if linked[chain[0]]:
            g = 0.0
        seqs.append(seq)
        para_nodes.append(owner)
        total += g
        paras.append((chain, g, len(text)))
        plain.append(unit_tag == "p" and not g and not links and _ends_sentence(text))
    if total < MIN_PROSE:
        return [], set()
    n = len(nodes)
    good = [0.0] * n
    for chain, g, _ in paras:
        for i in chain:
            good[i] += g
    bad = [0.0] * n
    for chain, g, chars in paras:
        if not g:
            for i in chain:
                bad[i] += chars
    hinted = [i for i in range(n) if flags[i] is not None]
    # prose inside elements flagged for the same reason below each one, when two or more
    # of them hold it: the items of a widget (a thread's comments, a list's teasers), not
    # an article it wraps (one such element inside is a wrapper in a wrapper)
    inner = [0.0] * n
    holders: dict[int, set[int]] = {}
    for chain, g, _ in paras:
        if g:
            below: dict[str, int] = {}  # reason -> the highest element so far with it
            for i in chain:
                f = flags[i]
                if f is not None:
                    if f in below:
                        inner[i] += g
                        holders.setdefault(i, set()).add(below[f])
                    below[f] = i
    for i, items in holders.items():
        if len(items) < 2:
            inner[i] = 0.0
    wrappers = {
        i for i in hinted if good[i] - inner[i] >= _wrapper_share(flags[i]) * (total - inner[i])
    }
    flagged = {
        i
        for i in hinted
        if i not in wrappers
        and not (
            flags[i] in PROSE_MAY_KEEP and flags[i] not in BESIDE and _prose_share(good[i], bad[i])
        )
    }
    # flagged elements the walk must keep: wrappers of most of the page's prose, and prose
    # set inside the article (the walk judges by the root's text, which may differ)
    keep = set(wrappers)
    cands = [i for i in hinted if i not in keep and _prose_share(good[i], bad[i])]
    inset = _inset_prose(paras, chains, cands, flagged) if cands else set()
    flagged -= inset
    keep |= inset
    units = [0] * n  # text units under each element, outside flagged parts
    good = [0.0] * n
    bad = [0.0] * n
    raw_good = [0.0] * n
    raw_bad = [0.0] * n
    sentences = [0] * n  # short sentences (``plain``) among its units
    decay = LEVEL_DECAY
    last = len(decay) - 1
    for k, (chain, g, chars) in enumerate(paras):
        if flagged and not flagged.isdisjoint(chain):
            continue
        # a <p>'s chain starts at its container; loose text's at its own element, which
        # is a paragraph (<div> per paragraph) or the container (<br> between them): its
        # parent weighs as much, and a tie goes to the deeper one
        shift = para_nodes[k].tag not in _LISTED
        for level, i in enumerate(chain):
            d = decay[0 if shift and level == 1 else level if level < last else last]
            units[i] += 1
            if g:
                good[i] += g * d
                raw_good[i] += g
            else:
                bad[i] += chars * d
                raw_bad[i] += chars
        if plain[k]:
            for i in chain:
                sentences[i] += 1
    best = _best(good, bad, depth, flagged)
    if best < 0:
        return [], set()
    article = _lone_article(nodes, chains, paras, flagged)
    if article >= 0 and article not in chains[best] and best not in chains[article]:
        best = article
    # an article cut into chunks (ads or teasers between them) repeats its container: take
    # every element of the same tag and classes that holds prose, outside flagged parts.
    # The container may be the best element or a wrapper of it that holds nothing else.
    roots = [best]
    for a in chains[best]:
        if units[a] != units[best]:
            break
        sig = _signature(nodes[a])
        if sig is None:
            continue
        slot = _slot(a, chains, units, nodes)
        above = set(chains[a])
        more: list[int] = []
        short: list[int] = []  # twins of short sentences alone ("Insert the plant.")
        for i in range(n):
            if (
                i in above
                or not (good[i] or 0 < sentences[i] == units[i])
                or a in chains[i]
                or (flagged and not flagged.isdisjoint(chains[i]))
            ):
                continue
            if a == best:
                if not _similar(sig, _signature(nodes[i])):
                    continue
            elif slot < 0 or _signature(nodes[i]) != sig or _slot(i, chains, units, nodes) != slot:
                continue  # a wrapper's twins: the same classes, in the same container
            if not good[i]:
                short.append(i)
            elif not any(r in chains[i] for r in more):
                more.append(i)
        if more and a == best and _utility(sig, nodes, len(more) + 1):
            continue  # "left relative": classes of the page's layout, not of the body
        if more:
            # a step of a how-to may be one short sentence: a twin of those counts between
            # twins of prose, not beside them (a box of the same class under the article;
            # elements are numbered in the order of their first text)
            for i in short:
                if min(a, *more) < i < max(a, *more) and not any(r in chains[i] for r in more):
                    more.append(i)
            best = a
            roots = [a, *more]
            break
    # its siblings that are prose too (a body continued after an inline box)
    if len(chains[best]) > 1:
        up = chains[best][1]
        for i in range(n):
            ch = chains[i]
            if (
                len(ch) > 1
                and ch[1] == up
                and i != best
                and i not in roots
                and good[i] >= SIBLING_SHARE * good[best]
                and raw_good[i] >= 2 * raw_bad[i]
                and flagged.isdisjoint(ch)
            ):
                roots.append(i)
    nested = {r for r in roots if not set(roots).isdisjoint(chains[r][1:])}
    roots = sorted(r for r in roots if r not in nested)
    # paragraphs near the body but outside its container (a closing line after an ad
    # slot): rescue those of the nearest ancestor that adds prose, not clutter
    scope = best
    for a in chains[best][1:]:
        added = raw_good[a] - raw_good[best]
        if added > RESCUE_MAX * raw_good[best] or raw_bad[a] - raw_bad[best] > RESCUE_BAD * added:
            break
        scope = a
    picked: dict[float, LexborNode] = {}
    root_set = set(roots)
    loose: list[int] = []
    for k, (chain, g, _) in enumerate(paras):
        if root_set.isdisjoint(chain):
            if g and scope in chain and flagged.isdisjoint(chain) and para_nodes[k].tag == "p":
                loose.append(k)
        else:
            for r in root_set.intersection(chain):
                picked.setdefault(k, nodes[r])
    if picked and loose:  # only gaps inside the body's span: what follows it is furniture
        lo, hi = min(picked), max(picked)
        for k in loose:
            if lo < k < hi:
                picked[k] = para_nodes[k]
        # ...and the body's opening paragraphs, set before a "read more" box that holds the
        # rest: the unbroken run of them right above the body, below the title (a caption's
        # <p> ends it: its own class is not in its chain)
        start = int(lo)  # a paragraph's index: leads (fractions) are not in yet
        top = max((seq for seq, _ in titles if seq < seqs[start]), default=-1)
        k, near = start - 1, set(loose)
        while k in near and seqs[k] > top and flag_of("p", para_nodes[k].attributes) is None:
            picked[k] = para_nodes[k]
            k -= 1
    for key, node in _lead(paras, seqs, titles, leads, root_set, flagged, para_nodes):
        picked.setdefault(key, node)
    seen: set[int] = set()
    out = []
    for place in sorted(picked):
        node = picked[place]
        if node.mem_id not in seen:
            seen.add(node.mem_id)
            out.append(node)
    return out, {nodes[i].mem_id for i in keep}


def _lone_article(
    nodes: Sequence[LexborNode],
    chains: Sequence[tuple[int, ...]],
    paras: Sequence[tuple[tuple[int, ...], float, int]],
    flagged: set[int],
) -> int:
    """The page's one ``<article>`` element that holds a story (:data:`ARTICLE_PARAGRAPHS`
    prose paragraphs, :data:`ARTICLE_PROSE` of prose, outside flagged parts), or -1.

    Why: the root is where most prose is, and a long comment thread under a short story
    has more (a newspaper's forum of forty long replies below a ten-paragraph column,
    none of it marked as comments); the page's own ``<article>`` says which is the story.
    Only when there is one such element: on a page of cards or a thread whose every post
    is an ``<article>``, the mark says nothing."""
    count: dict[int, int] = {}
    prose: dict[int, float] = {}
    for chain, g, _ in paras:
        if not g or (flagged and not flagged.isdisjoint(chain)):
            continue
        for i in chain:
            if nodes[i].tag == "article":
                count[i] = count.get(i, 0) + 1
                prose[i] = prose.get(i, 0.0) + g
    found = {i for i, c in count.items() if c >= ARTICLE_PARAGRAPHS and prose[i] >= ARTICLE_PROSE}
    # the outermost of nested ones: an <article> inside another is the same story
    top = [i for i in found if found.isdisjoint(chains[i][1:])]
    return top[0] if len(top) == 1 else -1


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _digit_count(text: str) -> int:
    """How many characters of ``text`` are digits (:meth:`str.isdigit`): the ASCII ones
    counted by ten C-speed scans, the rest (superscripts, other scripts' digits) one by one
    among the few non-ASCII characters; a call per character of a paragraph costs more.

    >>> _digit_count("12 May 2024, ²"), _digit_count("no digits")
    (7, 0)
    """
    n = sum(map(text.count, "0123456789"))
    if not text.isascii():
        n += sum(map(str.isdigit, _NON_ASCII.findall(text)))
    return n


#: Elements whose own text (outside any ``<p>``) counts as a paragraph when choosing the
#: root: pages that set paragraphs as ``<div>`` text or split them with ``<br>``. List
#: items, headings and captions do not: a menu or a teaser list is made of them.
_LOOSE_OWNERS = frozenset(
    ("div", "section", "article", "main", "td", "th", "blockquote", "dd", "center", "body")
)
_OWNERS = BLOCK_TAGS | _CELLS
#: Blocks whose text is a unit (:func:`_units`); text in any other block is not.
_UNIT_OWNERS = frozenset(("p", "li")) | HEADINGS | _LOOSE_OWNERS
#: Units that are paragraphs by their tag, counted from their container (a list item's text
#: is prose of the list, at half weight: :func:`goodness`); the rest is loose text.
_LISTED = frozenset(("p", "li", "h1"))


def _units(body: LexborNode) -> list[tuple[LexborNode, str, int, str]]:
    """The page's text units in document order (of their first text): each ``<p>`` and each
    ``<li>``'s own text (a list item counts at half weight, see :func:`goodness`); the
    loose text of each block element of :data:`_LOOSE_OWNERS`, all its runs of text outside
    child blocks together; each heading (an ``<h1>`` is a title, text unused; the others
    count only as a lead, see :func:`_lead`). Each unit: (element,
    text, characters inside ``<a>``, tag). Units other than ``<p>`` and ``<h1>`` that can
    never weigh as prose (half of a page's units) are left out before their whitespace is
    squeezed, and :func:`paragraph_roots` skips them anyway: raw text (never shorter than
    its squeezed line) too short for :func:`_long_enough` even in a script without spaces,
    and list items made mostly of links (a menu's items).
    One pass over the text nodes, at C speed but for a step up the tree from each text
    node's parent to its block.

    The step up is not cached per parent: nearly every text node has a parent of its own
    (a link, a span), so a cache costs a lookup and a store per text node and saves almost
    no steps. The unit is looked up once per text node, by its block's id."""
    units: dict[int, list[Any]] = {}  # block id -> [block, tag, pieces, link characters]
    owners, link_id = _owner_ids()
    # whitespace-only text nodes (a third of a page's nodes) are skipped in C; elements and
    # comments have no text content (one attribute read tells them from text nodes)
    for node in body.traverse(include_text=True, skip_empty=True):
        text = node.text_content
        if text is None:
            continue
        up = node.parent
        if up is None:
            continue
        tid = up.tag_id
        in_link = False
        while tid not in owners:  # up through inline elements to the block
            if tid == link_id:
                in_link = True
            above = up.parent
            if above is None:
                up, tid = body, -1
                break
            up, tid = above, above.tag_id
        tag = owners.get(tid, "body")
        if tag not in _UNIT_OWNERS:
            continue
        key = up.mem_id
        unit = units.get(key)
        if unit is None:
            units[key] = [up, tag, [text], len(text) if in_link else 0]
        else:
            unit[2].append(text)
            if in_link:
                unit[3] += len(text)
    out = []
    for owner, tag, pieces, links in units.values():
        raw = "".join(pieces)
        # too short to be prose, or a menu's item (the test inline: one per unit)
        if tag != "p" and tag != "h1":
            n = len(raw)
            if n < PROSE_LINE and (n * UNSPACED_WEIGHT < PROSE_LINE or raw.isascii()):
                continue
            if tag == "li" and links > 0.3 * n:
                continue
        text = _SQUEEZED.get(raw)
        if text is None:
            text = _squeeze(raw)
        if text:
            out.append((owner, text, min(links, len(text)), tag))
    return out


@cache
def _owner_ids() -> tuple[dict[int, str], int]:
    """Lexbor's tag ids of :data:`_OWNERS` (id -> tag name) and the id of ``<a>``.

    Why ids: :func:`_units` climbs from each text node to its block, and ``tag_id`` is a
    small int read straight from the node where ``tag`` looks the name up in a dict and
    returns a string; the climb is a fifth of :func:`_units`. The ids are Lexbor's fixed
    numbering of the HTML tags, read once from a parsed snippet (selectolax is imported
    lazily, so they cannot be module constants)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(
        "<body><a></a>"
        + "".join(f"<{t}></{t}>" for t in sorted(_OWNERS) if t not in _TABLE_PARTS)
        + "<table><caption></caption><thead><tr><th></th></tr></thead>"
        "<tbody><tr><td></td></tr></tbody><tfoot></tfoot></table></body>"
    )
    ids: dict[int, str] = {}
    link = -1
    root = tree.root
    for node in root.traverse() if root is not None else ():
        tag = node.tag or ""
        if tag in _OWNERS:
            ids[node.tag_id] = tag
        elif tag == "a":
            link = node.tag_id
    if len(ids) != len(_OWNERS) or link < 0:  # pragma: no cover - a Lexbor change
        raise RuntimeError("cannot read Lexbor's tag ids")
    return ids, link


_TABLE_PARTS = frozenset(("caption", "thead", "tbody", "tfoot", "tr", "td", "th", "table"))


def _container(node: LexborNode, chars: int, body_id: int, lengths: dict[int, int]) -> LexborNode:
    """The first element from ``node`` up with more text than a unit of ``chars``
    characters (whitespace collapsed): wrappers that hold only the unit are skipped, a
    card with a headline or a name beside it is not (lengths cached by id)."""
    while node.mem_id != body_id:
        key = node.mem_id
        n = lengths.get(key)
        if n is None:
            n = lengths[key] = len(node.text(deep=True, separator="", strip=True))
        if n > chars + 24:  # more than a screen-reader label ("Article content")
            return node
        up = node.parent
        if up is None:
            break
        node = up
    return node


def _inset_prose(
    paras: list[tuple[tuple[int, ...], float, int]],
    chains: list[tuple[int, ...]],
    cands: list[int],
    flagged: set[int],
) -> set[int]:
    """Of flagged elements that are prose (``cands``), those with article paragraphs of
    their container both before and after them: article text. A class that says "share",
    "related" or "comment" on such a block names a feature of the article's container
    (share buttons on quotes, a wrapper of embeds), not a widget: widgets hold links, or
    sit after the article, not in the middle of it."""
    out: set[int] = set()
    for i in cands:
        if len(chains[i]) < 2:
            continue
        parent = chains[i][1]
        before = after = inside = False
        long = 0.0
        for chain, g, chars in paras:
            if parent not in chain:
                continue
            if i in chain:
                inside = True
                if chars >= INSET_PARAGRAPH:
                    long += g
            elif g and flagged.isdisjoint(chain):
                if inside:
                    after = True
                    break
                before = True
        if before and after and long >= PROSE_KEEP:
            out.add(i)
    return out


def _lead(
    paras: list[tuple[tuple[int, ...], float, int]],
    seqs: list[int],
    titles: list[tuple[int, tuple[int, ...]]],
    leads: list[tuple[int, LexborNode, tuple[int, ...]]],
    roots: set[int],
    flagged: set[int],
    para_nodes: list[LexborNode],
) -> list[tuple[float, LexborNode]]:
    """The lead (standfirst) between the title and the article body, which pages set in
    the article's header, outside the body's container: at most ``LEAD_PARAGRAPHS`` prose
    blocks after the last ``<h1>`` before the body. A ``<p>``, or a sentence of at least
    ``LEAD_CHARS`` that is a heading or a ``<div>``'s own text (a deck: "Strong storms are
    possible on Friday"), not a run of ``<div>`` paragraphs (near the title, as often a
    caption). Each comes with its place among the paragraphs (a fraction for a block
    outside them), to be taken in document order."""
    first = next((k for k, (chain, _, _) in enumerate(paras) if not roots.isdisjoint(chain)), None)
    if first is None:
        return []
    start = seqs[first]
    before = [(seq, chain) for seq, chain in titles if seq < start]
    if not before:
        return []
    seq0, title_chain = before[-1]
    common = set(title_chain) & set(paras[first][0])
    out: list[tuple[int, float, LexborNode]] = [
        (seqs[k], float(k), para_nodes[k])
        for k in range(first)
        if seqs[k] > seq0
        and paras[k][1]
        and para_nodes[k].tag == "p"
        and not common.isdisjoint(paras[k][0])
        and flagged.isdisjoint(paras[k][0])
    ]
    k = 0
    for seq, node, chain in leads:
        if (
            seq0 < seq < start
            and not common.isdisjoint(chain)
            and flagged.isdisjoint(chain)
            and roots.isdisjoint(chain)  # one inside the body is walked with it
        ):
            while k < first and seqs[k] < seq:
                k += 1
            out.append((seq, k - 0.5 + seq / (2.0 * (start + 1)), node))
    out.sort(key=lambda x: x[0])
    return [(key, node) for _, key, node in out[-LEAD_PARAGRAPHS:]]


def headlines_of(tree: LexborHTMLParser) -> frozenset[str]:
    """The page's names for its article, casefolded: ``<title>`` and ``og:title`` (where a
    page whose ``<h1>`` is a breadcrumb or a hidden label shows its headline in an
    ``<h2>``, these still name it)."""
    out = set()
    node = tree.css_first("title")
    if node is not None:
        out.add(node.text(strip=True))
    node = tree.css_first('meta[property="og:title"]')
    if node is not None:
        out.add(node.attributes.get("content") or "")
    return frozenset(k for k in (" ".join(t.split()).casefold() for t in out) if k)


def _headline_words(headlines: frozenset[str]) -> list[set[str]]:
    """The words of each of the page's headlines (:func:`headlines_of`), for
    :func:`_is_headline`: read once per page, not once per heading."""
    return [set(_WORDS.findall(h)) for h in headlines]


def _is_headline(text: str, headlines: Sequence[set[str]]) -> bool:
    """Whether a heading's words are (nearly all) those of one of the page's headlines
    (their words, :func:`_headline_words`): a kicker and a headline in one heading lose the
    colon between them, a ``<title>`` adds the site's name."""
    words = set(_WORDS.findall(text.casefold()))
    if not words:
        return False
    return any(len(words - h) <= HEADLINE_SLACK * len(words) for h in headlines)


def _after_image(node: LexborNode) -> bool:
    """Whether an element comes right after a picture (an ``<img>``, a ``<picture>``, or an
    element that holds one and no text): its text is the picture's caption, not a lead."""
    prev = node.prev
    while prev is not None and not prev.is_element_node:
        if prev.is_text_node and not prev.is_empty_text_node:
            return False
        prev = prev.prev
    if prev is None:
        return False
    if prev.tag in _PICTURES:
        return True
    return not prev.text(strip=True) and prev.css_first("img, picture") is not None


_PICTURES = frozenset(("img", "picture", "figure"))


def _holds_only(node: LexborNode, text: str, lengths: dict[int, int]) -> bool:
    """Whether an element's text is its own text and little else (a lead taken whole must
    not bring a byline or a caption inside it along)."""
    key = node.mem_id
    n = lengths.get(key)
    if n is None:
        n = lengths[key] = len(node.text(deep=True, separator="", strip=True))
    return n <= len(text) + 24


def _wrapper_share(flag: str | None) -> float:
    """The share of the page's prose that makes a flagged element a wrapper of the article
    rather than a widget: half for a class hint, nearly all for an ``<aside>``."""
    return BESIDE_SHARE if flag in BESIDE else WRAPPER_SHARE


def _prose_share(good: float, other: float) -> bool:
    return good >= PROSE_KEEP and good >= PROSE_SHARE * (good + other)


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


def _slot(
    i: int,
    chains: Sequence[tuple[int, ...]],
    units: Sequence[int],
    nodes: Sequence[LexborNode],
) -> int:
    """The container an element stands in: its nearest ancestor holding more text units than
    it does. Plain wrappers (no class, no id) that hold only the element are looked through:
    a CMS that wraps each chunk of the body in a bare ``<div>`` of its own still sets the
    chunks side by side. A named wrapper is a region of the page of its own (a header's
    and a sidebar's ``div.container``): -1, no container to share."""
    for a in chains[i][1:]:
        if units[a] != units[i]:
            return a
        attrs = nodes[a].attributes
        if attrs.get("class") or attrs.get("id"):
            return -1
    return -1


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


def _signature(node: LexborNode) -> tuple[str, frozenset[str]] | None:
    cls = node.attributes.get("class")
    if not cls:
        return None
    return node.tag or "", frozenset(cls.split())


#: A class carried by more than this many elements per twin found with it is the page's
#: layout (a grid's "left", "relative"), not the name of the body's container.
UTILITY_SPREAD = 3


def _utility(sig: tuple[str, frozenset[str]], nodes: Sequence[LexborNode], found: int) -> bool:
    """Whether every class of a container's signature is a layout class: carried by more
    than :data:`UTILITY_SPREAD` times as many of the page's elements as the ``found``
    elements that share it (teaser cards of the same grid are "similar" to the body)."""
    counts = dict.fromkeys(sig[1], 0)
    for node in nodes:
        cls = node.attributes.get("class")
        if cls:
            for c in cls.split():
                if c in counts:
                    counts[c] += 1
    return all(k > UTILITY_SPREAD * found for k in counts.values())


def _similar(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]] | None) -> bool:
    if b is None or a[0] != b[0]:
        return False
    return len(a[1] & b[1]) * 2 >= max(len(a[1]), len(b[1]))


def choose_root(w: _Walker) -> int:
    """From a full walk: the element whose lines are most article-like against the rest."""
    n = len(w.elements)
    weights = [goodness(b.text, b.links, b.tag) for b in w.blocks]
    total = sum(weights)
    good = [0.0] * n
    for b, g in zip(w.blocks, weights, strict=True):
        for e in b.path:
            good[e] += g
    flagged = {
        i
        for i, (_, _, flag, _) in enumerate(w.elements)
        if flag is not None and not (total and good[i] >= WRAPPER_SHARE * total)
    }
    good = [0.0] * n
    bad = [0.0] * n
    for b, g in zip(w.blocks, weights, strict=True):
        if flagged and not flagged.isdisjoint(b.path):
            continue
        for e in b.path:
            if g:
                good[e] += g
            else:
                bad[e] += len(b.text)
    best = _best(good, bad, [e[3] for e in w.elements], flagged)
    return max(best, 0)


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
    tree.strip_tags(_STRIP_ORDER)
    body = tree.body or tree.root
    if body is None:
        return Extraction([], nodes, "")
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
    for r in roots:
        if len(roots) > 1 and how == "paragraphs":
            heading = _section_title(r)
            if heading is not None:
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
    so this keeps at most a linked entry beside it."""
    prose = {
        b.group
        for b in blocks
        if b.group >= 0
        and len(b.text) - b.links >= PROSE_ITEM_CHARS
        and b.links < LINK_LINE * len(b.text)
        and len(b.text.split(None, PROSE_ITEM_WORDS)) > PROSE_ITEM_WORDS
    }
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


def _section_title(root: LexborNode) -> LexborNode | None:
    """The subheading right before one of an article's several roots, when there is one.

    A paper or a long read set in sections repeats ``<h2>Discussion</h2><div
    class="section__content">...</div>``: the roots are the section bodies (twins of one
    class), and each section's title is the element just before its body, outside it.
    Only a subheading without a boilerplate hint counts ("Related stories" above a box
    has one, or is not next to a root)."""
    node = root.prev
    while node is not None and node.tag in ("-text", "-comment"):
        if node.tag == "-text" and (node.text_content or "").strip():
            return None  # loose text between them: not a title of this root
        node = node.prev
    if node is None or node.tag not in _SUBHEADINGS:
        return None
    return node if flag_of(node.tag, node.attributes) is None else None


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


def _category_of(reason: str) -> Category:
    if reason in HINTS:
        return HINTS[reason][1]
    for flags in (_TAG_FLAGS, _ROLE_FLAGS):
        for name, category in flags.values():
            if name == reason:
                return category
    return "other"


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


def _pack_rules(
    cleaner: Cleaner, pack_ids: Sequence[str]
) -> tuple[list[HtmlRule], list[str], list[str]]:
    """The html rules, root selectors (of the first pack that has some) and keep selectors."""
    rules: list[HtmlRule] = []
    roots: list[str] = []
    keep: list[str] = []
    for pid in pack_ids:
        spec = cleaner.ruleset.pack(pid).html
        if spec is not None:
            rules.extend(spec.rules)
            keep.extend(spec.keep)
            if not roots:
                roots.extend(spec.root)
    return rules, roots, keep


def _align(blocks: Sequence[Block], lines: Sequence[str]) -> list[int]:
    """For each output line, the index of the block it came from (-1 when none is found):
    kept lines are the blocks' lines in order, some dropped, some shortened."""
    out = []
    i = 0
    for line in lines:
        key = line.strip()
        j = i
        while j < len(blocks) and key and key not in blocks[j].text:
            j += 1
        if key and j < len(blocks):
            out.append(j)
            i = j + 1
        else:
            out.append(-1)
    return out


def _restored(cleaner: Cleaner, blocks: Sequence[Block], result: Result) -> set[int]:
    """Input lines (1-based) of section headings, list items, table rows and code lines
    a shape rule dropped, to be put back.

    Shape rules (``short-unpunctuated-*``) drop short lines that do not end like a
    sentence, because scraped text has no structure to tell a heading from a menu entry.
    The page has it (:func:`_structural`). Those at the end (nothing kept after them:
    "More on this") and those removed by any other kind of rule stay removed.
    """
    shape = {
        r.line
        for r in result.removals
        if r.action == "drop-line"
        and 0 < r.line <= len(blocks)
        and _structural(blocks[r.line - 1])
        and _is_shape(cleaner, r.rule_id)
    }
    if not shape:
        return set()
    kept = [j for j in _align(blocks, result.text.split("\n")) if j >= 0]
    last = max(kept, default=-1)
    return {n for n in shape if n - 1 < last}


def _structural(block: Block) -> bool:
    """Whether the page marks a short line as part of the article's own structure: an
    ``<h2>``-``<h6>`` is a section heading, an ``<li>`` or ``<tr>`` at most half of whose
    text is linked is an item or row of the article's list or table (the things a how-to
    needs, a release table; a menu's items are links), and a line of a ``<pre>`` is
    preformatted text (code: "// add.c")."""
    if block.tag in _SUBHEADINGS or block.tag == "pre":
        return True
    return block.tag in ("li", "tr") and 2 * block.links <= len(block.text)


def _is_shape(cleaner: Cleaner, rule_id: str) -> bool:
    rule = cleaner.ruleset.find_rule(rule_id)
    return rule is not None and rule.matcher.kind == "shape"


def _keep_headings(cleaner: Cleaner, blocks: Sequence[Block], result: Result) -> str:
    """The text with the headings of :func:`_restored` back in their places."""
    back = _restored(cleaner, blocks, result)
    if not back:
        return result.text
    lines = result.text.split("\n")
    where = _align(blocks, lines)
    out: list[str] = []
    pending = sorted(n - 1 for n in back)
    for line, j in zip(lines, where, strict=True):
        while pending and j >= 0 and pending[0] < j:
            out.append(blocks[pending.pop(0)].text)
        out.append(line)
    return "\n".join(out)


def _markdown(blocks: Sequence[Block], text: str) -> str:
    """Put heading, list and quote markers back on the lines the text stage kept.

    Kept lines are the extracted lines in order, some dropped and some shortened by
    ``strip`` rules, so each is matched to the next block whose text contains it.
    """
    out = []
    i = 0
    for line in text.split("\n"):
        key = line.strip()
        j = i
        while j < len(blocks) and key and key not in blocks[j].text:
            j += 1
        if key and j < len(blocks):
            out.append(blocks[j].marker + line)
            i = j + 1
        else:
            out.append(line)
    return "\n".join(out)


def clean_html(
    cleaner: Cleaner,
    html: str | bytes,
    url: str | None = None,
    publisher: str | None = None,
    date: dt.date | str | None = None,
    language: str | None = None,
    output: OutputFormat = "text",
) -> HtmlResult:
    """Clean one page (see the module docstring); what :meth:`Cleaner.clean_html` runs."""
    from cleaner.selection import select_packs

    if output not in FORMATS:
        raise InputError(f"output must be one of {', '.join(FORMATS)}, not {output!r}")
    # Lexbor reads UTF-8 bytes directly; handing it the bytes saves encoding the text again
    # (and, when the page declares UTF-8, decoding it at all)
    source: str | bytes
    if isinstance(html, bytes) and _utf8_declared(html):
        source, encoding = html, "utf-8"
    else:
        text, encoding = decode_html(html)
        source = html if encoding == "utf-8" and isinstance(html, bytes) else text
    if isinstance(source, bytes) and source.startswith(b"\xef\xbb\xbf"):
        source = source[3:]
    opts = cleaner.options
    tree = parse(source)
    if url is None:
        url = page_url(tree)
    applied = select_packs(
        cleaner.ruleset,
        publisher=publisher,
        url=url,
        fingerprint_lines={},
        common=opts.common,
        only=opts.only,
    )
    done = [p.id for p in applied]
    rules, roots, keep = _pack_rules(cleaner, done)
    ex = extract(tree, rules, roots, keep=keep)
    lines = "\n".join(b.text for b in ex.blocks)
    result = cleaner.clean(lines, url=url, publisher=publisher, date=date, language=language)
    # a pack found by its fingerprint lines may have html rules of its own: apply them too
    more = [p.id for p in result.packs if p.id not in done]
    if more and any(_pack_rules(cleaner, more)):
        rules, roots, keep = _pack_rules(cleaner, done + more)
        ex = extract(parse(source), rules, roots, keep=keep)
        lines = "\n".join(b.text for b in ex.blocks)
        result = cleaner.clean(lines, url=url, publisher=publisher, date=date, language=language)
    text_out = _keep_headings(cleaner, ex.blocks, result)
    out = _markdown(ex.blocks, text_out) if output == "markdown" else text_out
    if text_out != result.text:
        back = _restored(cleaner, ex.blocks, result)
        kept = tuple(r for r in result.removals if r.line not in back)
        result = replace(result, text=text_out, removals=kept)
    return HtmlResult(
        result=result,
        nodes=tuple(ex.nodes),
        root=ex.root,
        encoding=encoding,
        lines=lines,
        format=output,
        text=out,
        url=url,
    )


def explain_nodes(result: HtmlResult) -> str:
    """The node part of ``--explain`` for a page: where the article was, what went."""
    out = [f"  html: encoding {result.encoding}, article root {result.root or '(none)'}"]
    if result.url:
        out[0] += f", url {result.url}"
    width = max((len(n.rule_id) for n in result.nodes), default=0)
    for n in result.nodes:
        out.append(
            f"  node  {n.rule_id:<{width}}  {n.category:<14} {n.selector[:48]:<48} {n.excerpt}"
        )
    chars = sum(n.chars for n in result.nodes)
    out.append(f"  {len(result.nodes)} node(s) removed, {chars} characters")
    return "\n".join(out) + "\n"
