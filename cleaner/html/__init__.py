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

Each step has a module of its own: :mod:`cleaner.html.decode` reads the bytes (1);
:mod:`cleaner.html.extract` parses and runs 2-4, with :mod:`cleaner.html.flags` (what an
element's markup says), :mod:`cleaner.html.prose` (how article-like a line is),
:mod:`cleaner.html.walk` (a subtree into lines) and :mod:`cleaner.html.root` (where the
article is); :mod:`cleaner.html.text` puts the page's structure back on the lines the text
stage kept (5). This module runs them in turn and holds what they return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from cleaner.errors import InputError
from cleaner.html.decode import _utf8_declared, decode_html
from cleaner.html.extract import (
    DEEP_CHECK_TAGS,
    Extraction,
    NodeRemoval,
    extract,
    flatten_deep,
    page_url,
    parse,
)
from cleaner.html.extract import _join_rows as _join_rows
from cleaner.html.flags import BLOCK_TAGS, HEADINGS, HINTS, JUNK_TAGS, flag_of, hint_of
from cleaner.html.prose import _digit_count as _digit_count
from cleaner.html.prose import _ends_sentence as _ends_sentence
from cleaner.html.prose import goodness
from cleaner.html.root import choose_root, headlines_of, paragraph_roots
from cleaner.html.text import _keep_headings, _markdown, _restored
from cleaner.html.walk import Block
from cleaner.model import AppliedPack, Notice, Removal, Result

if TYPE_CHECKING:  # pragma: no cover
    from cleaner.engine import Cleaner
    from cleaner.model import HtmlRule

# what the modules offer to callers; the private helpers that tests import from here
# (_digit_count, _ends_sentence, _join_rows) are imported ``as`` themselves above
__all__ = [
    "BLOCK_TAGS",
    "DEEP_CHECK_TAGS",
    "FORMATS",
    "HEADINGS",
    "HINTS",
    "JUNK_TAGS",
    "Block",
    "Extraction",
    "HtmlResult",
    "NodeRemoval",
    "OutputFormat",
    "choose_root",
    "clean_html",
    "decode_html",
    "explain_nodes",
    "extract",
    "flag_of",
    "flatten_deep",
    "goodness",
    "headlines_of",
    "hint_of",
    "page_url",
    "paragraph_roots",
    "parse",
]


OutputFormat = Literal["text", "markdown"]
FORMATS: tuple[str, ...] = ("text", "markdown")


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
