"""Putting the page's structure back on the lines the text stage kept.

The text rules see plain lines and judge them as scraped text, where a short line without
a full stop may be a menu entry; the page knew better (a heading, a list item, a table
row). Matching kept lines back to the blocks they came from is its own job, done after
the text stage and apart from extracting the lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cleaner.html.flags import _SUBHEADINGS
from cleaner.html.walk import Block
from cleaner.model import Result

if TYPE_CHECKING:  # pragma: no cover
    from cleaner.engine import Cleaner


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
