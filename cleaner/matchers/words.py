"""How many words a line has, as word limits (``max_words``, ``shape``) count them.

``str.split`` finds words by the spaces between them, and Chinese, Japanese, Thai, Lao,
Khmer and Burmese put none there: to it a 120-character Chinese paragraph is one word,
so a paragraph that does not end in ``。`` looked like a short unpunctuated line (a menu
entry, a byline) and the common pack's shape rules removed it. In those scripts the
length of a line says what it is: labels, tags and teaser headlines stay under about
:data:`PROSE_CHARS` characters, sentences and paragraphs go past it. So a line with at
least that many characters of those scripts counts one word per two characters of them
(a Chinese word is one and a half to two characters long on average); a shorter one
counts as ``str.split`` does, as before, so that a run of teaser headlines still reads as
a run of short lines. Korean separates its words with spaces and counts as written.

>>> count_words("Read more stories", 8), count_words("航天国际合作", 8)
(3, 1)
>>> prose = "我们今天讨论航天技术更好惠及人民的国际合作"
>>> prose += "以及各国航天机构之间的数据共享和联合任务规划"
>>> count_words(prose, 100)
22
"""

from __future__ import annotations

import regex

#: Characters of the scripts written without spaces from which a line is prose.
PROSE_CHARS = 40

#: Runs of characters of the scripts written without spaces between words.
_NO_SPACE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]+")


def count_words(key: str, limit: int) -> int:
    """The words of ``key``, counted until the count is over ``limit`` (a paragraph is
    over most limits after a few words, so the count stops there: past ``limit`` the
    number says only "over")."""
    n = len(key.split(None, limit))
    if n > limit or key.isascii() or len(key) < PROSE_CHARS:
        return n
    runs = _NO_SPACE.findall(key)
    if sum(map(len, runs)) < PROSE_CHARS:
        return n
    for run in runs:
        n += (len(run) - 1) // 2  # the run was one word, or part of one: now half its length
        if n > limit:
            break
    return n
