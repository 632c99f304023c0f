"""YAML pack files -> :class:`~cleaner.model.Pack`; the only module that sees raw YAML.

Every problem is reported with ``file:line:col`` and the rule id it concerns, and a file
is read to the end so that one run lists every problem (see :mod:`cleaner.yamlnodes`).

A pack is data, never code: documents are composed, not constructed, so YAML tags that
build objects are refused; there are no includes, and nothing is fetched or read besides
the pack files themselves. The limits below keep a hostile pack from exhausting memory.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import regex
import yaml

from cleaner.cache import mark_checked
from cleaner.errors import Problem
from cleaner.htmlrules import read_html_section
from cleaner.matchers import check_pattern, compile_matcher, compile_pattern
from cleaner.model import (
    ACTIONS,
    CATEGORIES,
    MATCH_KINDS,
    PACK_KINDS,
    Action,
    Category,
    Example,
    Location,
    Matcher,
    MatchKind,
    Pack,
    PackKind,
    PackSource,
    Rule,
    Scope,
)
from cleaner.yamlnodes import NodeReader, compose, did_you_mean

#: Largest pack file read, in bytes.
MAX_FILE_BYTES = 2_000_000
#: Most rules in one pack.
MAX_RULES = 5_000
#: Longest pattern (regex or literal), in characters.
MAX_PATTERN = 2_000

PACK_ID = regex.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?")
RULE_SLUG = regex.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")

PACK_KEYS = (
    "publisher",
    "aliases",
    "domains",
    "kind",
    "fingerprints",
    "fingerprints_anywhere",
    "extends",
    "sources",
    "rules",
    "examples",
    "html",
)
SHAPE_KEYS = ("max_words", "min_words", "final_punctuation")
RULE_KEYS = (
    "id",
    *MATCH_KINDS,
    "ignore_case",
    "action",
    "scope",
    "max_words",
    "unless",
    "category",
    "why",
    "valid_from",
    "valid_until",
    "max_cut_share",
    "languages",
    "aliases",
    "run",
    "min_lines",
    "repeated",
    "line_above",
    "unless_after",
    "unless_before",
)
EXAMPLE_KEYS = (
    "name",
    "input",
    "expected",
    "unchanged",
    "fires",
    "near_miss_for",
    "packs",
    "url",
    "publisher",
    "detect",
    "date",
    "language",
    "xfail",
)
SCOPE_KEYS = ("head", "tail")


def pack_id_of(path: str) -> str:
    """A pack's id is its file name without the extension."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    for ext in (".yaml", ".yml"):
        if name.endswith(ext):
            return name[: -len(ext)]
    return name


def _source_column(raw: str, style: str | None, pos: int) -> int:
    """Offset in the written scalar of character ``pos`` of its value (quotes, escapes)."""
    if style not in ("'", '"'):
        return pos
    i, seen = 1, 0
    while seen < pos and i < len(raw):
        if style == "'" and raw.startswith("''", i):
            i += 2
        elif style == '"' and raw[i] == "\\":
            i += {"x": 4, "u": 6, "U": 10}.get(raw[i + 1 : i + 2], 2)
        else:
            i += 1
        seen += 1
    return i


def _regex_problem(reader: NodeReader, node: yaml.Node, exc: regex.error, what: str) -> None:
    pos = getattr(exc, "pos", None) or 0
    offset = 0
    start, end = node.start_mark, node.end_mark
    if isinstance(node, yaml.ScalarNode) and start.line == end.line and reader.text:
        raw = reader.text[start.index : end.index]
        offset = _source_column(raw, node.style, pos)
    reader.error(node, f"{what} does not compile: {getattr(exc, 'msg', exc)}", col_offset=offset)


class _PackParser:
    """Reads one pack file; ``problems`` holds everything wrong with it."""

    def __init__(self, source: PackSource) -> None:
        self.source = source
        self.pack_id = pack_id_of(source.path)
        self.r = NodeReader(source.path, source.text)

    @property
    def problems(self) -> list[Problem]:
        return self.r.problems

    def parse(self) -> Pack | None:
        r = self.r
        if len(self.source.text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
            r.problems.append(
                Problem(self.source.path, 1, 1, f"pack file is larger than {MAX_FILE_BYTES} bytes")
            )
            return None
        if not PACK_ID.fullmatch(self.pack_id):
            r.problems.append(
                Problem(
                    self.source.path,
                    1,
                    1,
                    f"pack id '{self.pack_id}' (the file name) must be a lower-case slug",
                )
            )
        root, problems = compose(self.source.text, self.source.path)
        r.problems.extend(problems)
        if root is None:
            if not problems:
                r.problems.append(Problem(self.source.path, 1, 1, "pack file is empty"))
            return None
        top = r.mapping(root, PACK_KEYS, "a pack")
        if top is None:
            return None
        publisher = self._req_string(top, "publisher", root)
        kind = "publisher"
        if "kind" in top:
            kind = self._choice(top["kind"], PACK_KINDS, "kind") or "publisher"
        aliases = self._str_list(top, "aliases")
        domains = tuple(d.lower().lstrip(".") for d in self._str_list(top, "domains"))
        zoned, zoned_locs = self._fingerprints(top, "fingerprints")
        anywhere, anywhere_locs = self._fingerprints(top, "fingerprints_anywhere")
        fingerprints, fp_locs = zoned + anywhere, zoned_locs + anywhere_locs
        fp_anywhere = (False,) * len(zoned) + (True,) * len(anywhere) if anywhere else ()
        extends_items = self.r.strings(top["extends"], "extends") or [] if "extends" in top else []
        extends = tuple(v for v, _ in extends_items)
        extends_locs = tuple(self.r.loc(n) for _, n in extends_items)
        sources = self._str_list(top, "sources")
        rules = self._rules(top)
        examples = self._examples(top)
        html = None
        if "html" in top:
            taken = {name for rule in rules for name in (rule.slug, *rule.aliases)}
            html = read_html_section(r, top["html"], self.pack_id, taken, self._example)
        return Pack(
            id=self.pack_id,
            publisher=publisher or self.pack_id,
            kind=cast(PackKind, kind),
            aliases=aliases,
            domains=domains,
            fingerprints=fingerprints,
            extends=extends,
            extends_locations=extends_locs,
            sources=sources,
            rules=rules,
            examples=examples,
            html=html,
            path=self.source.path,
            origin=self.source.origin,
            fingerprint_locations=fp_locs,
            fingerprint_anywhere=fp_anywhere,
        )

    # -- small typed reads -------------------------------------------------------------
    def _req_string(self, m: dict[str, yaml.Node], key: str, parent: yaml.Node) -> str | None:
        if key not in m:
            self.r.error(parent, f"missing required key '{key}'")
            return None
        return self.r.string(m[key], key)

    def _str_list(self, m: dict[str, yaml.Node], key: str) -> tuple[str, ...]:
        if key not in m:
            return ()
        items = self.r.strings(m[key], key)
        return tuple(v for v, _ in items or ())

    def _choice(self, node: yaml.Node, choices: tuple[str, ...], what: str) -> str | None:
        value = self.r.string(node, what)
        if value is None:
            return None
        if value not in choices:
            hint = did_you_mean(value, choices)
            extra = f" (did you mean '{hint}'?)" if hint else ""
            self.r.error(node, f"{what} '{value}' is not one of: {', '.join(choices)}{extra}")
            return None
        return value

    # -- fingerprints --------------------------------------------------------------------
    def _fingerprints(
        self,
        top: dict[str, yaml.Node],
        key: str,
    ) -> tuple[tuple[str, ...], tuple[Location, ...]]:
        if key not in top:
            return (), ()
        out, locs = [], []
        for value, node in self.r.strings(top[key], key) or ():
            lazy = compile_pattern(value)
            try:
                check_pattern(lazy)
            except regex.error as exc:
                _regex_problem(self.r, node, exc, "fingerprint")
                continue
            mark_checked(lazy.pattern, lazy.flags)
            out.append(value)
            locs.append(self.r.loc(node))
        return tuple(out), tuple(locs)

    # -- rules -------------------------------------------------------------------------
    def _rules(self, top: dict[str, yaml.Node]) -> tuple[Rule, ...]:
        if "rules" not in top:
            return ()
        nodes = self.r.sequence(top["rules"], "rules") or []
        if len(nodes) > MAX_RULES:
            self.r.error(top["rules"], f"more than {MAX_RULES} rules in one pack")
            return ()
        rules: list[Rule] = []
        seen: dict[str, Location] = {}
        for node in nodes:
            self.r.rule_id = None
            rule = self._rule(node)
            if rule is None:
                continue
            for name in (rule.slug, *rule.aliases):
                if name in seen:
                    self.r.rule_id = rule.id
                    self.r.error(node, f"duplicate rule id '{name}' (first at {seen[name]})")
                    break
            else:
                for name in (rule.slug, *rule.aliases):
                    seen[name] = self.r.loc(node)
                rules.append(rule)
        self.r.rule_id = None
        return tuple(rules)

    def _rule(self, node: yaml.Node) -> Rule | None:
        r = self.r
        r.rule_id = self._peek_id(node)
        m = r.mapping(node, RULE_KEYS, "a rule")
        if m is None:
            return None
        before = len(r.problems)
        slug = self._req_string(m, "id", node)
        if slug is not None:
            if slug.startswith(self.pack_id + "/"):
                slug = slug[len(self.pack_id) + 1 :]
            if not RULE_SLUG.fullmatch(slug):
                r.error(m["id"], f"rule id '{slug}' must be a kebab-case slug")
                slug = None
        rule_id = f"{self.pack_id}/{slug or '?'}"
        r.rule_id = rule_id
        matcher = self._matcher(m, node)
        action = self._choice(m["action"], ACTIONS, "action") if "action" in m else "drop-line"
        category = self._choice(m["category"], CATEGORIES, "category") if "category" in m else None
        if "category" not in m:
            r.error(node, "missing required key 'category'")
        why = self._req_string(m, "why", node)
        scope = self._scope(m["scope"]) if "scope" in m else None
        max_words = r.integer(m["max_words"], "max_words") if "max_words" in m else None
        run = r.integer(m["run"], "run", minimum=2) if "run" in m else None
        min_lines = r.integer(m["min_lines"], "min_lines") if "min_lines" in m else None
        repeated = r.boolean(m["repeated"], "repeated") if "repeated" in m else False
        line_above = r.integer(m["line_above"], "line_above") if "line_above" in m else None
        if line_above is not None and action != "drop-line":
            r.error(m["line_above"], "line_above applies only to drop-line")
        unless = self._guard_pattern(m, "unless")
        unless_after = self._guard_pattern(m, "unless_after")
        unless_before = self._guard_pattern(m, "unless_before")
        valid_from = r.date(m["valid_from"], "valid_from") if "valid_from" in m else None
        valid_until = r.date(m["valid_until"], "valid_until") if "valid_until" in m else None
        if valid_from and valid_until and valid_from > valid_until:
            r.error(m["valid_until"], "valid_until is before valid_from")
        share = r.share(m["max_cut_share"], "max_cut_share") if "max_cut_share" in m else None
        if share is not None and action not in ("cut-after", "cut-before"):
            r.error(m["max_cut_share"], "max_cut_share applies only to cut-after / cut-before")
        languages = tuple(x.lower() for x in self._str_list(m, "languages"))
        aliases = tuple(
            a[len(self.pack_id) + 1 :] if a.startswith(self.pack_id + "/") else a
            for a in self._str_list(m, "aliases")
        )
        if (
            len(r.problems) > before
            or slug is None
            or matcher is None
            or why is None
            or category is None
            or action is None
        ):
            return None
        return Rule(
            id=rule_id,
            pack=self.pack_id,
            matcher=matcher,
            category=cast(Category, category),
            why=why,
            action=cast(Action, action),
            scope=scope,
            max_words=max_words,
            unless=unless,
            run=run,
            min_lines=min_lines,
            repeated=bool(repeated),
            line_above=line_above,
            unless_after=unless_after,
            unless_before=unless_before,
            valid_from=valid_from,
            valid_until=valid_until,
            max_cut_share=share,
            languages=languages,
            aliases=aliases,
            location=r.loc(node),
        )

    def _peek_id(self, node: yaml.Node) -> str | None:
        """The rule's global id, read before its keys are checked, for their messages."""
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (
                    isinstance(key, yaml.ScalarNode)
                    and key.value == "id"
                    and isinstance(value, yaml.ScalarNode)
                    and value.tag.endswith(":str")
                ):
                    slug = value.value.removeprefix(self.pack_id + "/")
                    return f"{self.pack_id}/{slug}"
        return None

    def _guard_pattern(self, m: dict[str, yaml.Node], key: str) -> str | None:
        """A regex-valued guard key (``unless``, ``unless_after``,
        ``unless_before``), checked to compile."""
        if key not in m:
            return None
        r = self.r
        value = r.string(m[key], key)
        if value is not None:
            lazy = compile_pattern(value)
            try:
                check_pattern(lazy)
            except regex.error as exc:
                _regex_problem(r, m[key], exc, key)
            else:
                mark_checked(lazy.pattern, lazy.flags)
        return value

    def _matcher(self, m: dict[str, yaml.Node], node: yaml.Node) -> Matcher | None:
        r = self.r
        kinds = [k for k in MATCH_KINDS if k in m]
        if not kinds and any(
            f"did you mean '{k}'" in p.message
            for k in MATCH_KINDS
            for p in r.problems[-3:]
            if p.rule_id == r.rule_id
        ):
            return None  # a misspelt matcher key is already reported
        if len(kinds) != 1:
            what = "none" if not kinds else " and ".join(kinds)
            r.error(node, f"a rule needs exactly one of {', '.join(MATCH_KINDS)} (found {what})")
            return None
        kind = kinds[0]
        if kind == "shape":
            return self._shape(m["shape"])
        ignore_case = r.boolean(m["ignore_case"], "ignore_case") if "ignore_case" in m else False
        if kind == "regex":
            value = r.string(m[kind], "regex")
            items = [] if value is None else [(value, m[kind])]
        else:
            items = r.strings(m[kind], kind) or []
        if not items or ignore_case is None:
            return None
        for value, item in items:
            if len(value) > MAX_PATTERN:
                r.error(item, f"{kind} is longer than {MAX_PATTERN} characters")
                return None
            if kind != "regex" and value != value.strip():
                r.error(
                    item,
                    f"{kind} has leading or trailing spaces, but lines are "
                    "matched with surrounding whitespace trimmed",
                )
                return None
        matcher = Matcher(cast(MatchKind, kind), tuple(v for v, _ in items), ignore_case)
        lazy = compile_matcher(matcher).pattern
        try:
            pattern = check_pattern(lazy)
        except regex.error as exc:
            _regex_problem(r, m[kind], exc, kind)
            return None
        if pattern is None:
            return matcher  # compiled and checked by an earlier run: compiled when needed
        if pattern.search("") is not None:
            r.error(m[kind], f"{kind} matches an empty line, so it would match anything")
            return None
        mark_checked(lazy.pattern, lazy.flags)
        return matcher

    def _shape(self, node: yaml.Node) -> Matcher | None:
        """``shape: {max_words: 8, final_punctuation: false}``: a line's form, not its words."""
        r = self.r
        m = r.mapping(node, SHAPE_KEYS, "shape")
        if m is None:
            return None
        if "max_words" not in m:
            r.error(node, "shape needs max_words")
            return None
        parts = []
        for key in ("max_words", "min_words"):
            if key in m:
                value = r.integer(m[key], f"shape {key}")
                if value is None:
                    return None
                parts.append(f"{key}={value}")
        if "final_punctuation" in m:
            flag = r.boolean(m["final_punctuation"], "shape final_punctuation")
            if flag is None:
                return None
            parts.append(f"final_punctuation={'true' if flag else 'false'}")
        return Matcher("shape", tuple(parts))

    def _scope(self, node: yaml.Node) -> Scope | None:
        m = self.r.mapping(node, SCOPE_KEYS, "scope")
        if m is None:
            return None
        if len(m) != 1:
            self.r.error(node, "scope takes exactly one of head or tail, e.g. {tail: 8}")
            return None
        ((key, value_node),) = m.items()
        value = self.r.integer(value_node, f"scope {key}")
        if value is None:
            return None
        return Scope(head=value) if key == "head" else Scope(tail=value)

    # -- examples ------------------------------------------------------------------------
    def _examples(self, top: dict[str, yaml.Node]) -> tuple[Example, ...]:
        if "examples" not in top:
            return ()
        out: list[Example] = []
        names: set[str] = set()
        for node in self.r.sequence(top["examples"], "examples") or []:
            ex = self._example(node)
            if ex is None:
                continue
            if ex.name in names:
                self.r.error(node, f"duplicate example name '{ex.name}'")
                continue
            names.add(ex.name)
            out.append(ex)
        return tuple(out)

    def _example(self, node: yaml.Node) -> Example | None:
        r = self.r
        m = r.mapping(node, EXAMPLE_KEYS, "an example")
        if m is None:
            return None
        before = len(r.problems)
        name = self._req_string(m, "name", node)
        text = r.string(m["input"], "input") if "input" in m else None
        if "input" not in m:
            r.error(node, "missing required key 'input'")
        expected: str | None = None
        if "expected" in m and "unchanged" in m:
            r.error(node, "an example has either expected or unchanged: true, not both")
        elif "expected" in m:
            expected = r.string(m["expected"], "expected", allow_empty=True)
        elif "unchanged" in m:
            if r.boolean(m["unchanged"], "unchanged") is not True:
                r.error(m["unchanged"], "unchanged must be true (or give expected)")
        else:
            r.error(node, "an example needs expected: or unchanged: true")
        fires = self._str_list(m, "fires")
        near = self._str_list(m, "near_miss_for")
        packs = self._str_list(m, "packs")
        detect = r.boolean(m["detect"], "detect") if "detect" in m else False
        url = r.string(m["url"], "url") if "url" in m else None
        publisher = r.string(m["publisher"], "publisher") if "publisher" in m else None
        date: dt.date | None = r.date(m["date"], "date") if "date" in m else None
        language = r.string(m["language"], "language") if "language" in m else None
        xfail = r.string(m["xfail"], "xfail") if "xfail" in m else None
        if sum(bool(x) for x in (detect, url, publisher)) > 1:
            r.error(node, "give at most one of url, publisher and detect: true")
        if len(r.problems) > before or name is None or text is None:
            return None
        return Example(
            name=name,
            pack=self.pack_id,
            input=text,
            expected=expected,
            fires=fires,
            near_miss_for=near,
            packs=packs,
            url=url,
            publisher=publisher,
            detect=bool(detect),
            date=date,
            language=language,
            xfail=xfail,
            location=r.loc(node),
        )


def parse_pack(source: PackSource) -> tuple[Pack | None, list[Problem]]:
    """Parse one pack file; the pack is None when it has errors."""
    parser = _PackParser(source)
    pack = parser.parse()
    errors = [p for p in parser.problems if p.level == "error"]
    return (None if errors else pack), parser.problems
