"""How article-like a line is, from its text alone: length, sentence end, link share.

One measure with its thresholds, shared by the walk (a flagged element that is prose after
all), the choice of the article root and the filters of the extracted lines, so that they
cannot drift apart; it needs no parse tree.
"""

from __future__ import annotations

import re

from cleaner.matchers.shape import FINAL_PUNCTUATION


def _ends_sentence(text: str) -> bool:
    """Whether the last non-space character of ``text`` ends a sentence, by the same
    marks as the text rules' ``final_punctuation`` (closing quotes, brackets, colons,
    ``。``, full-width marks, the danda and the Arabic, Urdu, Ethiopic and Burmese stops):
    a Hindi or Japanese paragraph must weigh as much as an English one when choosing the
    article root. Only the last character is tested: a regex anchored at the end would be
    tried at every position of a long paragraph."""
    end = text.rstrip()
    return bool(end) and end[-1] in FINAL_PUNCTUATION


#: A line whose link text is this share of it is a link, not prose...
LINK_LINE = 0.6
#: ...unless it is a <p> this long that ends like a sentence
#: (:func:`cleaner.html.extract._linked_prose`).
LINKED_PROSE = 100
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
#: Inset prose is made of paragraphs this long (a sign-in box's lines are short).
INSET_PARAGRAPH = 100


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


def _prose_share(good: float, other: float) -> bool:
    return good >= PROSE_KEEP and good >= PROSE_SHARE * (good + other)
