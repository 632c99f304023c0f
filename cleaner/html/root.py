"""Choosing where on the page the article is.

The part of HTML mode most tuned against real pages, so it stands alone with its
thresholds side by side: a change to one can be weighed against the others, and the walk
and the line filters around it stay readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from cleaner.html.flags import (
    _CELLS,
    _SUBHEADINGS,
    _WORDS,
    BLOCK_TAGS,
    HEADINGS,
    flag_of,
    tag_ids,
)
from cleaner.html.prose import (
    INSET_PARAGRAPH,
    PROSE_KEEP,
    PROSE_LINE,
    PROSE_MAY_KEEP,
    UNSPACED_WEIGHT,
    _digit_count,
    _ends_sentence,
    _prose_share,
    goodness,
)
from cleaner.html.walk import _SQUEEZED, MAX_DEPTH, WRAPPER_SHARE, _squeeze, _Walker

if TYPE_CHECKING:  # pragma: no cover
    from selectolax.lexbor import LexborHTMLParser, LexborNode


#: Weight of a non-article line against an article-like one when choosing the root.
BAD_WEIGHT = 1.5
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
#: Loose text (outside <p>) is a paragraph when it is this long, or when its parent holds
#: this many prose units (a teaser's or a comment's text sits alone in its card), or a
#: paragraph this long (a story set as <div> text, two paragraphs under subheadings).
LOOSE_BLOCK = 400
LOOSE_SIBLINGS = 3


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
    tags: list[str] = []  # read once: ``node.tag`` builds a new string at every call
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
            tags.append(tag)
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
    # of paragraphs (a <div> per paragraph, maybe each in wrappers of its own), or it
    # stands beside a long paragraph in one container; alone in its card, with a headline
    # or a name beside it, it is a teaser or a comment
    found: list[tuple[LexborNode, LexborNode, str, float, str]] = []
    siblings: dict[int, int] = {}  # container's mem_id -> prose units directly in it
    beside: set[int] = set()  # containers holding a long paragraph (LOOSE_BLOCK)
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
            if len(text) >= LOOSE_BLOCK and unit_tag != "li":
                # a long paragraph beside shorter loose ones: the container a <p>'s
                # wrappers stand in (measured as the wrappers are, whitespace and all)
                holder = parent
                if unit_tag == "p":
                    holder = _container(parent, _length(owner, lengths), body_id, lengths)
                beside.add(holder.mem_id)
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
            and parent.mem_id not in beside
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
    article = _lone_article(tags, chains, paras, flagged)
    if article >= 0 and article not in chains[best] and best not in chains[article]:
        best = article
    # an article cut into chunks (ads or teasers between them) repeats its container: take
    # every element of the same tag and classes that holds prose, outside flagged parts.
    # The container may be the best element or a wrapper of it that holds nothing else.
    roots = [best]
    # elements that may be twins of any container: prose or short sentences, outside
    # flagged parts (worked out once, when a first container has classes to match)
    twins: list[int] | None = None
    for a in chains[best]:
        if units[a] != units[best]:
            break
        sig = _signature(nodes[a])
        if sig is None:
            continue
        if twins is None:
            twins = [
                i
                for i in range(n)
                if (good[i] or 0 < sentences[i] == units[i])
                and not (flagged and not flagged.isdisjoint(chains[i]))
            ]
        slot = _slot(a, chains, units, nodes)
        above = set(chains[a])
        more: list[int] = []
        short: list[int] = []  # twins of short sentences alone ("Insert the plant.")
        for i in twins:
            if i in above or a in chains[i]:
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
        # ...and the next one after it, however short, when it holds nothing but prose
        # paragraphs set right in it: the body's last paragraphs in a container of
        # another name, after a box between them (a newsletter sign-up, an ad). A list of
        # teasers sets each paragraph in a card of its own.
        nxt = next((i for i in range(best + 1, n) if chains[i][1:2] == (up,) and units[i]), -1)
        if (
            nxt >= 0
            and nxt not in roots
            and flagged.isdisjoint(chains[nxt])
            and all(
                chain[0] == nxt and g and para_nodes[k].tag == "p"
                for k, (chain, g, _) in enumerate(paras)
                if nxt in chain
            )
        ):
            roots.append(nxt)
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
    points: list[int] = []  # list items of prose there (a summary's points)
    for k, (chain, g, _) in enumerate(paras):
        if root_set.isdisjoint(chain):
            if g and scope in chain and flagged.isdisjoint(chain):
                tag = para_nodes[k].tag
                if tag == "p":
                    loose.append(k)
                elif tag == "li" and _ends_sentence(para_nodes[k].text(deep=True)):
                    points.append(k)  # a summary's point is a sentence, a widget's is not
        else:
            for r in root_set.intersection(chain):
                picked.setdefault(k, nodes[r])
    if picked and (loose or points):  # only gaps inside the body's span, and its opening
        lo, hi = min(picked), max(picked)
        for k in loose:
            if lo < k < hi:
                picked[k] = para_nodes[k]
        # ...and the body's opening paragraphs, set before a "read more" box that holds the
        # rest, or the points of a summary above the body ("Key points", a live blog's
        # summary): the unbroken run of them right above the body, below the title (a
        # caption's <p> ends it: its own class is not in its chain)
        start = int(lo)  # a paragraph's index: leads (fractions) are not in yet
        top = max((seq for seq, _ in titles if seq < seqs[start]), default=-1)
        k, near = start - 1, {*loose, *points}
        while (
            k in near
            and seqs[k] > top
            and flag_of(para_nodes[k].tag or "", para_nodes[k].attributes) is None
        ):
            # a point's whole list, with its points too short to weigh as prose
            picked[k] = para_nodes[k] if k in loose else nodes[paras[k][0][0]]
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
    tags: Sequence[str],
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
    articles = {i for i, tag in enumerate(tags) if tag == "article"}
    if not articles:
        return -1
    count: dict[int, int] = {}
    prose: dict[int, float] = {}
    for chain, g, _ in paras:
        if not g or (flagged and not flagged.isdisjoint(chain)):
            continue
        for i in articles.intersection(chain):
            count[i] = count.get(i, 0) + 1
            prose[i] = prose.get(i, 0.0) + g
    found = {i for i, c in count.items() if c >= ARTICLE_PARAGRAPHS and prose[i] >= ARTICLE_PROSE}
    # the outermost of nested ones: an <article> inside another is the same story
    top = [i for i in found if found.isdisjoint(chains[i][1:])]
    return top[0] if len(top) == 1 else -1


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
    its squeezed line) too short for :func:`cleaner.html.prose._long_enough` even in a
    script without spaces, and list items made mostly of links (a menu's items).
    One pass over the text nodes, at C speed but for a step up the tree from each text
    node's parent to its block.

    The step up is not cached per parent: nearly every text node has a parent of its own
    (a link, a span), so a cache costs a lookup and a store per text node and saves almost
    no steps. The unit is looked up once per text node, by its block's id."""
    units: dict[int, list[Any]] = {}  # block id -> [block, tag, pieces, link characters]
    owners, link_id, text_id = _owner_ids()
    # whitespace-only text nodes (a third of a page's nodes) are skipped in C; elements and
    # comments (three nodes in four) are told from text nodes by their tag id, a plain int,
    # before any text is read
    for node in body.traverse(include_text=True, skip_empty=True):
        if node.tag_id != text_id:
            continue
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
def _owner_ids() -> tuple[dict[int, str], int, int]:
    """Lexbor's tag ids of :data:`_OWNERS` (id -> tag name), the id of ``<a>`` and that of
    a text node (:func:`cleaner.html.flags.tag_ids`): :func:`_units` climbs from each
    text node to its block by ``tag_id``, a fifth of its time."""
    ids = tag_ids(_OWNERS | {"a", "-text"})
    return {ids[t]: t for t in _OWNERS}, ids["a"], ids["-text"]


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


def _length(node: LexborNode, lengths: dict[int, int]) -> int:
    """An element's text length as :func:`_container` measures it (cached by id)."""
    key = node.mem_id
    n = lengths.get(key)
    if n is None:
        n = lengths[key] = len(node.text(deep=True, separator="", strip=True))
    return n


def _holds_only(node: LexborNode, text: str, lengths: dict[int, int]) -> bool:
    """Whether an element's text is its own text and little else (a lead taken whole must
    not bring a byline or a caption inside it along)."""
    return _length(node, lengths) <= len(text) + 24


def _wrapper_share(flag: str | None) -> float:
    """The share of the page's prose that makes a flagged element a wrapper of the article
    rather than a widget: half for a class hint, nearly all for an ``<aside>``."""
    return BESIDE_SHARE if flag in BESIDE else WRAPPER_SHARE


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
