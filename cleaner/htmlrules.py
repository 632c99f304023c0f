"""A pack's ``html:`` section: read and checked like text rules, run like its examples.

The section, in a pack file::

    html:
      root: 'div.article-body'            # or a list: the first selector that matches
      keep: ['p.paywall']                 # never boilerplate to the generic stage
      remove:
        - id: teaser-box                  # shares the pack's namespace with text rules
          selector: 'div.teaser, aside.more'   # a CSS selector or a list of them
          category: related-link
          why: teaser boxes between paragraphs
      examples:
        - name: teaser-box-removed
          input: |
            <div class="article-body"><p>Rain delays the parade.</p>
            <div class="teaser">Five umbrellas we love</div></div>
          expected: |
            Rain delays the parade.
          fires: [teaser-box]

Why a separate module: the loader stays the one place that reads YAML (it calls
:func:`read_html_section` with its node reader), and every problem still comes out as
``file:line:col`` with the rule id. Selectors are compiled by Lexbor at load time, so a
typo fails ``clean rules test`` rather than a corpus run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

import yaml

from cleaner.model import CATEGORIES, Category, Example, HtmlRule, HtmlSpec
from cleaner.yamlnodes import NodeReader, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from cleaner.engine import Cleaner
    from cleaner.testing import Outcome

HTML_KEYS = ("root", "keep", "remove", "examples")
HTML_RULE_KEYS = ("id", "selector", "category", "why")
#: Most selectors in one pack's html section.
MAX_SELECTORS = 1_000


def selector_error(selector: str) -> str | None:
    """Why Lexbor cannot use a CSS selector, or None when it can.

    >>> selector_error("div.share, aside"), selector_error("div..share")
    (None, "Lexbor cannot parse the CSS selector 'div..share'")
    """
    from selectolax.lexbor import LexborHTMLParser

    try:
        LexborHTMLParser("<p></p>").css(selector)
    except Exception:
        return f"Lexbor cannot parse the CSS selector {selector!r}"
    return None


def _visit(r: NodeReader, node: yaml.Node) -> None:
    """Check tags and the node budget below a key that is reported as unknown anyway."""
    if not r.check_tag(node):
        return
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _visit(r, key)
            _visit(r, value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _visit(r, item)


def _selectors(r: NodeReader, node: yaml.Node, what: str) -> tuple[str, ...] | None:
    items = r.strings(node, what)
    if items is None:
        return None
    out = []
    for value, item in items:
        problem = selector_error(value)
        if problem is not None:
            r.error(item, problem)
            return None
        out.append(value)
    return tuple(out)


def read_html_section(
    r: NodeReader,
    node: yaml.Node,
    pack_id: str,
    taken: set[str],
    read_example: Callable[[yaml.Node], Example | None],
) -> HtmlSpec | None:
    """Read ``html:`` into an :class:`HtmlSpec`; problems go to the reader.

    ``taken`` holds the slugs (and aliases) of the pack's text rules: an HTML rule may not
    reuse one, since a removal must name one rule.
    """
    allowed = HTML_KEYS
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value not in allowed:
                _visit(r, value)
    m = r.mapping(node, allowed, "html")
    if m is None:
        return None
    before = len(r.problems)
    root: tuple[str, ...] = ()
    if "root" in m:
        root = _selectors(r, m["root"], "html root") or ()
    keep: tuple[str, ...] = ()
    if "keep" in m:
        keep = _selectors(r, m["keep"], "html keep") or ()
    rules: list[HtmlRule] = []
    if "remove" in m:
        nodes = r.sequence(m["remove"], "html remove") or []
        seen = set(taken)
        count = 0
        for item in nodes:
            rule = _rule(r, item, pack_id)
            if rule is None:
                continue
            slug = rule.id.split("/", 1)[1]
            if slug in seen:
                r.rule_id = rule.id
                r.error(item, f"duplicate rule id '{slug}' (a text or html rule has it)")
                r.rule_id = None
                continue
            count += len(rule.selectors)
            if count > MAX_SELECTORS:
                r.error(item, f"more than {MAX_SELECTORS} selectors in one html section")
                break
            seen.add(slug)
            rules.append(rule)
    examples: list[Example] = []
    if "examples" in m:
        names: set[str] = set()
        for item in r.sequence(m["examples"], "html examples") or []:
            ex = read_example(item)
            if ex is None:
                continue
            if ex.name in names:
                r.error(item, f"duplicate example name '{ex.name}'")
                continue
            names.add(ex.name)
            examples.append(ex)
    if len(r.problems) > before:
        return None
    return HtmlSpec(root=root, rules=tuple(rules), examples=tuple(examples), keep=keep)


def _rule(r: NodeReader, node: yaml.Node, pack_id: str) -> HtmlRule | None:
    r.rule_id = None
    m = r.mapping(node, HTML_RULE_KEYS, "an html rule")
    if m is None:
        return None
    before = len(r.problems)
    slug = r.string(m["id"], "id") if "id" in m else None
    if "id" not in m:
        r.error(node, "missing required key 'id'")
    if slug is not None:
        slug = slug.removeprefix(pack_id + "/")
        r.rule_id = f"{pack_id}/{slug}"
        from cleaner.loader import RULE_SLUG

        if not RULE_SLUG.fullmatch(slug):
            r.error(m["id"], f"rule id '{slug}' must be a kebab-case slug")
    selectors = _selectors(r, m["selector"], "selector") if "selector" in m else None
    if "selector" not in m:
        r.error(node, "missing required key 'selector'")
    category = None
    if "category" in m:
        category = r.string(m["category"], "category")
        if category is not None and category not in CATEGORIES:
            hint = did_you_mean(category, CATEGORIES)
            extra = f" (did you mean '{hint}'?)" if hint else ""
            r.error(
                m["category"],
                f"category '{category}' is not one of: {', '.join(CATEGORIES)}{extra}",
            )
            category = None
    else:
        r.error(node, "missing required key 'category'")
    why = r.string(m["why"], "why") if "why" in m else None
    if "why" not in m:
        r.error(node, "missing required key 'why'")
    rule_id = r.rule_id
    r.rule_id = None
    if len(r.problems) > before or not (slug and selectors and category and why and rule_id):
        return None
    return HtmlRule(rule_id, pack_id, selectors, cast(Category, category), why, r.loc(node))


# -- examples ------------------------------------------------------------------------------------
def run_html_examples(cleaner: Cleaner, packs: Iterable[str] | None = None) -> list[Outcome]:
    """Run the html examples of the given packs (all by default), like text examples: the
    page is cleaned with ``publisher: <its pack>`` unless it gives ``url``, ``publisher`` or
    ``detect: true``; text, ``fires``, ``near_miss_for`` and ``packs`` are checked."""
    from cleaner.testing import Outcome

    wanted = None if packs is None else set(packs)
    out = []
    for pack in cleaner.ruleset.packs:
        if pack.html is None or (wanted is not None and pack.id not in wanted):
            continue
        for ex in pack.html.examples:
            problems = _check(cleaner, ex)
            if ex.xfail is not None:
                problems = [] if problems else [f"passed, but is marked xfail ({ex.xfail})"]
            out.append(Outcome(ex, tuple(problems)))
    return out


def _check(cleaner: Cleaner, ex: Example) -> list[str]:
    from cleaner.errors import CleanerError
    from cleaner.testing import _context, _diff_message

    try:
        result = cleaner.clean_html(ex.input, **_context(cleaner, ex))  # type: ignore[arg-type]
    except CleanerError as exc:
        return [f"raised {type(exc).__name__}: {exc}"]
    problems: list[str] = []
    fired = {n.rule_id for n in result.nodes} | {r.rule_id for r in result.removals}
    if ex.expected is not None and result.text.rstrip("\n") != ex.expected.rstrip("\n"):
        problems.append(_diff_message(ex.expected, result.text))
    for ref in ex.fires:
        rule_id = ref if "/" in ref else f"{ex.pack}/{ref}"
        if rule_id not in fired:
            problems.append(f"{rule_id} did not fire")
    for ref in ex.near_miss_for:
        rule_id = ref if "/" in ref else f"{ex.pack}/{ref}"
        if rule_id in fired:
            problems.append(f"{rule_id} fired on a near miss")
    for pack in ex.packs:
        if pack not in result.result.pack_ids:
            problems.append(f"pack {pack} was not selected")
    return problems
