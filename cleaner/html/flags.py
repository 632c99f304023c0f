"""What an element's own markup says it is: its tag, role, state, class and id.

One place for the question "is this element boilerplate, and why?", because the root
choice, the walk and the reports of removed nodes all ask it and must get the same answer
(and the same generic reason and category).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

from cleaner.model import Category

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
    # AMP's ad slots and third-party widgets (Outbrain, Taboola) print a placeholder or a
    # fallback ("Loading ad", "Advertisement") inside the element
    "amp-ad": ("advert", "advertisement"),
    "amp-sticky-ad": ("advert", "advertisement"),
    "amp-embed": ("advert", "advertisement"),
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
#: Class tokens that name the article's own blocks though they start with a hint word.
#: ``cmp-`` is a consent manager's prefix, and also that of Adobe Experience Manager's core
#: components, which print each run of a story's paragraphs in a ``div.cmp-text`` and its
#: subheadings in a ``div.cmp-title`` (inside a ``cmp-container``): the article itself.
_HINT_EXCEPT = re.compile(
    r"(?<![a-z0-9])(?:commentary|article-?body|story-?body|post-?content|entry-?content|"
    r"navigation-?content|main|cmp-(?:text|title|container|contentfragment))(?![a-z0-9])"
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


def _category_of(reason: str) -> Category:
    if reason in HINTS:
        return HINTS[reason][1]
    for flags in (_TAG_FLAGS, _ROLE_FLAGS):
        for name, category in flags.values():
            if name == reason:
                return category
    return "other"


#: Tags that only parse inside a table; :func:`tag_ids` sets them in one.
_TABLE_PARTS = frozenset(("caption", "thead", "tbody", "tfoot", "tr", "td", "th", "table"))


def tag_ids(names: Iterable[str]) -> dict[str, int]:
    """Lexbor's tag ids of these tag names (``"-text"``: a text node), read once per set
    from a parsed snippet.

    Why ids: walks that visit every node tell elements apart by ``tag_id``, a small int
    read straight from the node, where ``tag`` looks the name up and returns a new string.
    The ids are Lexbor's fixed numbering of the HTML tags; selectolax is imported lazily,
    so they cannot be module constants."""
    return _tag_ids(frozenset(names))


@cache
def _tag_ids(names: frozenset[str]) -> dict[str, int]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(
        "<body>text"
        + "".join(f"<{t}></{t}>" for t in sorted(names - _TABLE_PARTS) if t != "-text")
        + "<table><caption></caption><thead><tr><th></th></tr></thead>"
        "<tbody><tr><td></td></tr></tbody><tfoot></tfoot></table></body>"
    )
    ids: dict[str, int] = {}
    root = tree.root
    for node in root.traverse(include_text=True) if root is not None else ():
        tag = node.tag or ""
        if tag in names:
            ids[tag] = node.tag_id
    if len(ids) != len(names):  # pragma: no cover - Lexbor changed
        raise RuntimeError(f"cannot read Lexbor's tag ids of {sorted(names - ids.keys())}")
    return ids
