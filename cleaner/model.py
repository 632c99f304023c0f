"""The data model: packs, rules, examples, and what cleaning a document returns.

Everything here is a frozen, slotted dataclass, so a loaded rule set can be shared by
threads and pickled to worker processes without copies drifting apart. Raw YAML never
leaves :mod:`cleaner.loader`; the rest of the package sees only these types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

Category = Literal[
    "promo",
    "related-link",
    "disclaimer",
    "ai-disclosure",
    "photo-credit",
    "copyright",
    "comment-prompt",
    "newsletter",
    "social",
    "advertisement",
    "paywall",
    "byline",
    "navigation",
    "cookie",
    "other",
]
CATEGORIES: tuple[str, ...] = get_args(Category)

Action = Literal["drop-line", "cut-after", "cut-before", "strip"]
ACTIONS: tuple[str, ...] = get_args(Action)

MatchKind = Literal["prefix", "exact", "contains", "regex", "shape"]
MATCH_KINDS: tuple[str, ...] = get_args(MatchKind)

PackKind = Literal["publisher", "wire", "shared"]
PACK_KINDS: tuple[str, ...] = get_args(PackKind)

SelectionReason = Literal["explicit", "url", "fingerprint", "wire", "extends", "common"]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a pack element was written, 1-based, for messages a rule author can jump to."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Scope:
    """Limit a rule to the first ``head`` or last ``tail`` non-blank surviving lines."""

    head: int | None = None
    tail: int | None = None


@dataclass(frozen=True, slots=True)
class Matcher:
    """What a rule looks for in a line (the line with surrounding whitespace trimmed)."""

    kind: MatchKind
    patterns: tuple[str, ...]
    ignore_case: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a pack; ``id`` is global (``pack/slug``) and permanent."""

    id: str
    pack: str
    matcher: Matcher
    category: Category
    why: str
    action: Action = "drop-line"
    scope: Scope | None = None
    max_words: int | None = None
    unless: str | None = None
    run: int | None = None
    min_lines: int | None = None
    repeated: bool = False
    #: With drop-line: the line directly above goes too when it has at most this many
    #: words (a picture caption above its credit line). None: only the matched line.
    line_above: int | None = None
    #: A regex: the rule does not apply to a line below a line it matches, across lines
    #: that do not end in punctuation (the items of a list under the sentence that
    #: introduces it, "The winners were:"). See :meth:`cleaner.passes.Layout.introduced`.
    unless_after: str | None = None
    #: A regex: the rule does not apply to a line when the next live non-blank line below
    #: it matches (a story's own subheading has its paragraph under it; a house heading,
    #: a teaser headline or a name). With ``run``: the line below the whole run. See
    #: :meth:`cleaner.passes.Layout.followed`.
    unless_before: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    max_cut_share: float | None = None
    languages: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    location: Location | None = None

    @property
    def guards(self) -> tuple[str, ...]:
        """The rule's guard patterns (``unless``, ``unless_after``, ``unless_before``) that
        it has: one list for the code that compiles or times every pattern, so that a new
        guard key is added in one place."""
        return tuple(g for g in (self.unless, self.unless_after, self.unless_before) if g)

    @property
    def slug(self) -> str:
        return self.id.split("/", 1)[1]

    def active_on(self, date: dt.date | None, language: str | None) -> bool:
        """Whether the rule applies to a document of this date and language (None: any)."""
        if date is not None:
            if self.valid_from is not None and date < self.valid_from:
                return False
            if self.valid_until is not None and date > self.valid_until:
                return False
        if language and self.languages:
            lang = language.lower().split("-", 1)[0].split("_", 1)[0]
            return lang in self.languages
        return True


@dataclass(frozen=True, slots=True)
class Example:
    """A pack's own test: input text and what must come out of it."""

    name: str
    pack: str
    input: str
    expected: str | None
    fires: tuple[str, ...] = ()
    near_miss_for: tuple[str, ...] = ()
    packs: tuple[str, ...] = ()
    url: str | None = None
    publisher: str | None = None
    detect: bool = False
    date: dt.date | None = None
    language: str | None = None
    xfail: str | None = None
    location: Location | None = None

    @property
    def unchanged(self) -> bool:
        return self.expected is None


@dataclass(frozen=True, slots=True)
class HtmlRule:
    """A pack's HTML rule: the nodes its CSS selectors match go before the text stage.

    Selectors are checked when the pack loads (Lexbor's selector syntax); ``id`` is global
    (``pack/slug``) and shares the pack's namespace with its text rules.
    """

    id: str
    pack: str
    selectors: tuple[str, ...]
    category: Category
    why: str
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class HtmlSpec:
    """A pack's ``html:`` section: node removals, where the article is, and examples.

    ``root`` lists selectors for the article's container, first match wins; without one
    (or when none matches) the generic stage finds it. ``keep`` lists selectors of nodes the
    generic stage must not take for boilerplate (a site that marks article paragraphs with
    a ``paywall`` class). Examples are pages (``input`` is HTML) with the text that must
    come out.
    """

    root: tuple[str, ...] = ()
    rules: tuple[HtmlRule, ...] = ()
    examples: tuple[Example, ...] = ()
    keep: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pack:
    """One rule pack: one YAML file, one publisher (or a shared / wire pack)."""

    id: str
    publisher: str
    kind: PackKind = "publisher"
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    fingerprints: tuple[str, ...] = ()
    extends: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    examples: tuple[Example, ...] = ()
    html: HtmlSpec | None = None
    path: str = ""
    origin: Literal["builtin", "user"] = "builtin"
    fingerprint_locations: tuple[Location, ...] = ()
    #: per fingerprint: whether it counts anywhere in the text (``fingerprints_anywhere``)
    #: instead of only among the first and last lines; empty when none does
    fingerprint_anywhere: tuple[bool, ...] = ()
    extends_locations: tuple[Location, ...] = ()

    def anywhere_flags(self) -> tuple[bool, ...]:
        """Per fingerprint, whether it counts anywhere in the text."""
        return self.fingerprint_anywhere or (False,) * len(self.fingerprints)


@dataclass(frozen=True, slots=True)
class PackSource:
    """A pack file's text and where it came from: what a rule set pickles instead of code."""

    path: str
    text: str
    origin: Literal["builtin", "user"] = "builtin"


@dataclass(frozen=True, slots=True)
class AppliedPack:
    """A pack chosen for a document, and why (``detail`` says which line, host or pack)."""

    id: str
    reason: SelectionReason
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Removal:
    """One removal, with the rule that made it.

    ``line`` is the 1-based line number in the input. ``span`` is set for ``strip``
    (offsets in the line as it was before that strip). Lines removed by a cut carry the
    cut rule's id and ``trigger_line``, the line that set the cut off.
    """

    rule_id: str
    category: Category
    action: Action
    line: int
    text: str
    span: tuple[int, int] | None = None
    trigger_line: int | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know about a document (a guarded cut, a failed rule)."""

    code: Literal[
        "cut-guarded", "rule-error", "rule-timeout", "too-large", "long-line", "time-budget"
    ]
    message: str
    rule_id: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.message}"


@dataclass(frozen=True, slots=True)
class Result:
    """What cleaning one document returns."""

    text: str
    packs: tuple[AppliedPack, ...] = ()
    removals: tuple[Removal, ...] = ()
    warnings: tuple[Notice, ...] = ()
    normalized: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.removals) or self.normalized

    @property
    def pack_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.packs)

    @property
    def failed_rules(self) -> tuple[str, ...]:
        return tuple(
            n.rule_id
            for n in self.warnings
            if n.code in ("rule-error", "rule-timeout") and n.rule_id
        )


@dataclass(frozen=True, slots=True)
class Document:
    """A document for :meth:`cleaner.Cleaner.clean_batch` with its optional context."""

    text: str
    url: str | None = None
    publisher: str | None = None
    date: dt.date | str | None = None
    language: str | None = None
    meta: Mapping[str, object] = field(default_factory=dict)
