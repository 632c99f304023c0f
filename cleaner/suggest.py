"""``clean rules suggest``: lines a publisher repeats that no rule removes yet, as draft rules.

Boilerplate is what a publisher prints on page after page; article text is not. So the
lines, and the line labels such as ``Read more:``, that recur across many of one
publisher's documents *after the loaded packs have cleaned them* are the rules still
missing. This module counts them and drafts a rule for each, with the evidence a
reviewer needs: in how many documents, where in them, and which ones to look at.

Drafts are printed, never applied. A repeated line can still be article text (a
recurring sign-off the publisher's readers expect, a stock phrase of a column), and
only a person reading the samples can tell; the scope, category and ``why`` are
guesses from position and keywords.
"""

from __future__ import annotations

import math
import statistics
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import orjson
import regex

from cleaner.corpus.formats import format_of, open_read
from cleaner.corpus.records import Fields
from cleaner.engine import Cleaner
from cleaner.errors import CleanerError, InputError, UnknownPublisherError
from cleaner.loader import MAX_PATTERN, RULE_SLUG
from cleaner.matchers.words import count_words
from cleaner.model import Category, Scope
from cleaner.ruleset import RuleSet
from cleaner.scaffold import normalize_domain, yaml_string

Kind = Literal["exact", "prefix"]
Position = Literal["head", "middle", "tail"]

#: Most words before a label's ':' (or separator) for it to count as a label.
MAX_LABEL_WORDS = 4
#: Separators that end a label when they stand alone ("MORE FROM US » ...", "Related | ...").
LABEL_SEPARATORS = frozenset({"|", "-", "\u2013", "\u2014", "»", "\u203a", ">>", "→", "::"})
#: A draft gets a scope only when every sighting was within this many lines of the edge.
SCOPE_MAX = 10
#: Lines added to the farthest sighting, so a slightly longer tail still fits the scope.
SCOPE_SLACK = 2
#: How many sample documents a suggestion names.
SAMPLES = 3

#: Keyword hints for a draft's category; the first that matches wins, else ``other``.
_CATEGORY_HINTS: tuple[tuple[Category, str], ...] = (
    ("ai-disclosure", r"\b(?:AI|artificial intelligence|automated|generated)\b"),
    ("copyright", r"©|\bcopyright\b|\ball rights reserved\b"),
    ("cookie", r"\bcookies?\b|\bconsent\b"),
    (
        "paywall",
        r"\bsubscribers? only\b|\bto continue reading\b|\bpremium\b|\bunlock\b|\bsign in to\b",
    ),
    ("newsletter", r"\bnewsletters?\b|\binbox\b|\bsign up\b|\bsubscribe\b"),
    (
        "photo-credit",
        r"\b(?:photo|photograph|image|picture|illustration|getty|shutterstock)s?\b",
    ),
    (
        "disclaimer",
        r"\bdisclaimer\b|\bdisclosure\b|\b(?:investment|financial) advice\b|"
        r"\binformational purposes\b|\bviews expressed\b",
    ),
    ("comment-prompt", r"\bcomments?\b|\btell us\b|\bjoin the conversation\b"),
    (
        "social",
        r"\bfollow us\b|\b(?:twitter|facebook|instagram|linkedin|whatsapp|telegram|tiktok)\b|"
        r"\bshare (?:this|on)\b",
    ),
    (
        "related-link",
        r"\bread (?:more|next|also)\b|\balso read\b|\brelated\b|\bsee also\b|\bmore (?:from|on)\b|"
        r"\brecommended\b|\bdon['\u2019]t miss\b|\bmust read\b|\bpicks?\b|\bwatch\b|\blisten\b",
    ),
    ("advertisement", r"\badvertis\w*|\bsponsored\b|\bpartner content\b"),
    ("byline", r"^by\b|\breporting by\b|\bediting by\b|\bwritten by\b|\bcorrespondent\b"),
    (
        "navigation",
        r"\bhome\b|\bmenu\b|\bskip to\b|\bback to top\b|\btags?\b|\btopics?\b|\bposted in\b",
    ),
    ("promo", r"\bdownload\b|\bapp\b|\boffers?\b|\bfree trial\b|\bdeals?\b|\bdiscount\b"),
)
_HINTS = tuple((c, regex.compile(p, regex.IGNORECASE)) for c, p in _CATEGORY_HINTS)


# -- what goes in -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A document read from a corpus, with the context corpus mode would clean it with.

    ``ref`` says where it is (``corpus.jsonl:7``, or a file of a folder); ``in_folder``
    marks a text file of a folder, which has no fields and is taken to be the target's.
    """

    ref: str
    text: str
    url: str | None = None
    publisher: str | None = None
    date: str | None = None
    language: str | None = None
    in_folder: bool = False


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that could not be read (not JSON, no text field, undecodable file)."""

    ref: str
    reason: str


@dataclass(frozen=True, slots=True)
class Target:
    """Whose documents to mine: by the publisher field, or by URL host (subdomains match)."""

    publisher: str | None = None
    host: str | None = None

    def __post_init__(self) -> None:
        if (self.publisher is None) == (self.host is None):
            raise InputError("give exactly one of a publisher and a host")

    @classmethod
    def for_host(cls, host: str) -> Target:
        """A host target; accepts a URL, drops ``www.`` (subdomains match anyway)."""
        return cls(host=normalize_domain(host))

    @property
    def label(self) -> str:
        return self.host if self.host is not None else str(self.publisher)


# -- what comes out ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Sample:
    """Where a suggestion was seen: a document and its line among the cleaned, non-blank lines."""

    document: str
    line: int
    lines: int

    def __str__(self) -> str:
        return f"{self.document} line {self.line}/{self.lines}"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A draft rule for a line (``exact``) or a line label (``prefix``), with its evidence."""

    kind: Kind
    text: str
    slug: str
    documents: int
    total: int
    median_position: float
    position: Position
    farthest: int
    scope: Scope | None
    category: Category
    samples: tuple[Sample, ...]
    target: str
    max_words: int | None = None
    ignore_case: bool = False

    @property
    def share(self) -> float:
        return self.documents / self.total if self.total else 0.0

    @property
    def where(self) -> str:
        """Where in a document it stands, in words."""
        if self.position == "middle":
            return "mostly in the middle"
        edge = "last" if self.position == "tail" else "first"
        if self.farthest == 1:
            return f"always the {edge} line"
        if self.farthest <= SCOPE_MAX:
            return f"always within the {edge} {self.farthest} lines"
        return f"mostly near the {'end' if edge == 'last' else 'start'}"

    @property
    def why(self) -> str:
        return (
            f"seen in {self.documents} of {self.total} documents of {self.target} "
            f"({self.share:.0%}), {self.where}; draft: say what it is"
        )

    def yaml(self) -> str:
        """The draft as an item of a pack's ``rules:`` list, with its evidence as comments."""
        what = "line" if self.kind == "exact" else "line label"
        out = [
            f"  # {what} in {self.documents} of {self.total} documents ({self.share:.0%}); "
            f"position: {self.position} (median {self.median_position:.2f}), {self.where}",
            f"  # samples: {'; '.join(str(s) for s in self.samples)}",
            f"  - id: {self.slug}",
            f"    {self.kind}: {yaml_string(self.text)}",
        ]
        if self.ignore_case:
            out.append("    ignore_case: true")
        if self.max_words is not None:
            out.append(f"    max_words: {self.max_words}")
        if self.scope is not None:
            edge = "head" if self.scope.head is not None else "tail"
            out.append(f"    scope: {{{edge}: {self.scope.head or self.scope.tail}}}")
        out.append(f"    category: {self.category}")
        out.append(f"    why: {yaml_string(self.why)}")
        return "\n".join(out) + "\n"


@dataclass(frozen=True, slots=True)
class SuggestReport:
    """What mining a corpus for one publisher found."""

    target: Target
    inputs: tuple[str, ...]
    scanned: int
    documents: int
    skipped: int
    min_docs: int
    min_share: float
    candidates: int
    suggestions: tuple[Suggestion, ...]
    rules_hash: str
    limited: bool = False


# -- reading a corpus ------------------------------------------------------------------------
def _field(record: dict[str, object], key: str | None) -> str | None:
    if key is None:
        return None
    value = record.get(key)
    return value if isinstance(value, str) and value else None


def _printable(value: object, width: int = 40) -> str:
    text = str(value)
    if not text.isprintable():
        text = repr(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def read_corpus(
    paths: Sequence[str],
    fields: Fields | None = None,
    id_field: str | None = "id",
) -> Iterator[SourceDocument | Skipped]:
    """Documents of JSONL files (``.gz``, ``.zst``), folders of text files, or text files.

    A record's ``ref`` is ``path:line`` plus its ``id_field`` value when it has one.
    """
    fields = fields or Fields()
    for path in paths:
        if path != "-" and not Path(path).exists():
            raise InputError(f"{path}: no such file or directory")
        kind = format_of(path)
        if kind == "parquet":
            raise InputError(
                f"{path}: rules suggest reads JSONL (.gz, .zst) and folders of text files; "
                "convert Parquet with 'clean IN.parquet -o OUT.jsonl' first"
            )
        if kind == "folder":
            base = Path(path)
            for file in sorted(base.rglob("*")):
                if file.is_file() and not file.name.startswith("."):
                    yield _text_file(file, in_folder=True)
        elif kind == "text":
            yield _text_file(Path(path), in_folder=False)
        else:
            yield from _jsonl(path, fields, id_field)


def _text_file(file: Path, *, in_folder: bool) -> SourceDocument | Skipped:
    ref = _printable(file, width=500)
    try:
        return SourceDocument(ref, file.read_bytes().decode("utf-8"), in_folder=in_folder)
    except UnicodeDecodeError as exc:
        return Skipped(ref, f"invalid UTF-8 at byte offset {exc.start}")
    except OSError as exc:
        return Skipped(ref, exc.strerror or str(exc))


def _jsonl(path: str, fields: Fields, id_field: str | None) -> Iterator[SourceDocument | Skipped]:
    with open_read(path) as fh:
        for number, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            ref = f"{_printable(path, width=500)}:{number}"
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError:
                yield Skipped(ref, "not valid JSON")
                continue
            if not isinstance(record, dict):
                yield Skipped(ref, "not a JSON object")
                continue
            text = record.get(fields.text)
            if not isinstance(text, str):
                yield Skipped(ref, f"no string field '{fields.text}'")
                continue
            ident = record.get(id_field) if id_field else None
            if isinstance(ident, (str, int)) and not isinstance(ident, bool):
                ref += f" [id {_printable(ident)}]"
            yield SourceDocument(
                ref,
                text,
                url=_field(record, fields.url),
                publisher=_field(record, fields.publisher),
                date=_field(record, fields.date),
                language=_field(record, fields.language),
            )


# -- selecting and cleaning ---------------------------------------------------------------------
def _resolve(ruleset: RuleSet, name: str) -> str | None:
    try:
        return ruleset.resolve(name)
    except UnknownPublisherError:
        return None


def _host_of(url: str) -> str:
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


class _Selector:
    """Decides whether a document is the target's, and with what context to clean it."""

    def __init__(self, target: Target, ruleset: RuleSet) -> None:
        self.target = target
        self.ruleset = ruleset
        self.wanted = target.publisher.strip().casefold() if target.publisher else None
        self.wanted_pack = _resolve(ruleset, target.publisher) if target.publisher else None

    def selects(self, doc: SourceDocument) -> bool:
        if doc.in_folder:
            return True
        if self.target.host is not None:
            host = _host_of(doc.url or "")
            return host == self.target.host or host.endswith("." + self.target.host)
        if doc.publisher is None:
            return False
        if doc.publisher.strip().casefold() == self.wanted:
            return True
        return self.wanted_pack is not None and _resolve(self.ruleset, doc.publisher) == (
            self.wanted_pack
        )

    def context(self, doc: SourceDocument) -> dict[str, str | None]:
        """The record's own context; an unknown publisher name is dropped, not an error."""
        publisher = (
            doc.publisher if doc.publisher and _resolve(self.ruleset, doc.publisher) else None
        )
        url = doc.url
        if doc.in_folder:
            publisher = self.target.publisher if self.wanted_pack else None
            url = f"https://{self.target.host}/" if self.target.host else None
        return {"url": url, "publisher": publisher, "date": doc.date, "language": doc.language}


# -- mining ------------------------------------------------------------------------------------
def line_label(line: str) -> str | None:
    """The label a line starts with, or None: one to four words ending in ``:``, or
    followed by a lone separator (``|``, ``»``, ``-``), with more text after it.

    >>> line_label("Read more: Ferry fares rise again")
    'Read more:'
    >>> line_label("MORE FROM THE BUGLE » Ten coastal walks")
    'MORE FROM THE BUGLE »'
    >>> line_label("At 10:30 the ferry left the harbour.") is None
    True
    >>> line_label("Comments:") is None
    True
    """
    tokens = line.split()
    for k in range(1, min(MAX_LABEL_WORDS, len(tokens) - 1) + 1):
        word = tokens[k - 1]
        if len(word) > 1 and word.endswith(":") and not word.endswith("::"):
            label = tokens[:k]
        elif k < len(tokens) - 1 and tokens[k] in LABEL_SEPARATORS:
            label = tokens[: k + 1]
        else:
            continue
        text = " ".join(label)
        return text if any(ch.isalpha() for ch in text) else None
    return None


class _Tally:
    """Sightings of one line or label while counting (mutable; becomes a Suggestion)."""

    __slots__ = ("docs", "heads", "samples", "tails", "variants", "words")

    def __init__(self) -> None:
        self.docs = 0
        self.heads: list[int] = []
        self.tails: list[int] = []
        self.samples: list[Sample] = []
        self.variants: Counter[str] | None = None  # a label's spellings (lines have one)
        self.words = 0

    def add(self, ref: str, index: int, count: int, words: int, surface: str | None) -> None:
        self.docs += 1
        self.heads.append(index)
        self.tails.append(count - 1 - index)
        if len(self.samples) < SAMPLES:
            self.samples.append(Sample(ref, index + 1, count))
        if surface is not None:
            self.variants = self.variants or Counter()
            self.variants[surface] += 1
        self.words = max(self.words, words)

    def text(self, key: str) -> str:
        """The line, or the label's most frequent spelling."""
        return self.variants.most_common(1)[0][0] if self.variants else key


def _mine(
    lines: list[str],
    ref: str,
    exact: dict[str, _Tally],
    prefix: dict[str, _Tally],
) -> None:
    seen: set[str] = set()
    labels: set[str] = set()
    count = len(lines)
    for i, line in enumerate(lines):
        words = None
        if line not in seen and len(line) <= MAX_PATTERN:
            seen.add(line)
            words = count_words(line, len(line))
            exact.setdefault(line, _Tally()).add(ref, i, count, words, None)
        label = line_label(line)
        if label is not None:
            key = label.casefold()
            if key not in labels:
                labels.add(key)
                if words is None:
                    words = count_words(line, len(line))
                prefix.setdefault(key, _Tally()).add(ref, i, count, words, label)


def _slug(text: str, taken: set[str]) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = regex.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words[:5]:
        if slug and len(slug) + len(word) + 1 > 40:
            break
        slug = f"{slug}-{word}" if slug else word[:40]
    slug = slug or "suggested"
    candidate, n = slug, 2
    while candidate in taken or not RULE_SLUG.fullmatch(candidate):
        candidate = f"{slug}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def guess_category(text: str) -> Category:
    """A first guess at a draft's category from its words; ``other`` when nothing fits.

    >>> guess_category("Sign up for the Morning Bugle newsletter")
    'newsletter'
    >>> guess_category("Thanks for reading.")
    'other'
    """
    for category, pattern in _HINTS:
        if pattern.search(text):
            return category
    return "other"


def _suggestion(
    kind: Kind, key: str, tally: _Tally, total: int, target: str, taken: set[str]
) -> Suggestion:
    rel = [h / (h + t) if h + t else 0.5 for h, t in zip(tally.heads, tally.tails, strict=True)]
    median = statistics.median(rel)
    position: Position = "head" if median < 1 / 3 else "tail" if median > 2 / 3 else "middle"
    farthest = 1 + max(tally.tails if position == "tail" else tally.heads)
    scope = None
    if position != "middle" and farthest <= SCOPE_MAX:
        n = farthest + SCOPE_SLACK
        scope = Scope(tail=n) if position == "tail" else Scope(head=n)
    text = tally.text(key)
    return Suggestion(
        kind=kind,
        text=text,
        slug=_slug(text, taken),
        documents=tally.docs,
        total=total,
        median_position=median,
        position=position,
        farthest=farthest,
        scope=scope,
        category=guess_category(text),
        samples=tuple(tally.samples),
        target=target,
        max_words=tally.words + 10 if kind == "prefix" else None,
        ignore_case=tally.variants is not None and len(tally.variants) > 1,
    )


def suggest(
    documents: Iterable[SourceDocument | Skipped],
    cleaner: Cleaner,
    target: Target,
    *,
    min_docs: int = 3,
    min_share: float = 0.3,
    top: int | None = None,
    max_docs: int | None = None,
    inputs: Sequence[str] = (),
    taken: Collection[str] = (),
) -> SuggestReport:
    """Mine the target's documents, each cleaned by ``cleaner`` first, for repeated lines.

    A line or label qualifies when it is in at least ``min_docs`` documents and at least
    ``min_share`` of them. A label loses to a whole line that starts with it and is seen as
    often (the line is the more precise rule); otherwise the label replaces those lines.
    ``max_docs`` stops reading after that many of the target's documents. ``taken`` holds
    rule slugs the drafts must not reuse (the target pack's own).
    """
    if min_docs < 1 or not 0.0 <= min_share <= 1.0:
        raise InputError("--min-docs must be >= 1 and --min-share in [0, 1]")
    selector = _Selector(target, cleaner.ruleset)
    exact: dict[str, _Tally] = {}
    prefix: dict[str, _Tally] = {}
    scanned = selected = skipped = 0
    limited = False
    for doc in documents:
        scanned += 1
        if isinstance(doc, Skipped):
            skipped += 1
            continue
        if not selector.selects(doc):
            continue
        if max_docs is not None and selected >= max_docs:
            limited = True
            scanned -= 1  # this one was not read
            break
        try:
            result = cleaner.clean(doc.text, **selector.context(doc))
        except CleanerError:
            skipped += 1
            continue
        selected += 1
        lines = [s for s in (line.strip() for line in result.text.split("\n")) if s]
        _mine(lines, doc.ref, exact, prefix)
    need = max(min_docs, math.ceil(min_share * selected - 1e-9))
    names = set(taken)
    label = target.label
    lines_found = {k: t for k, t in exact.items() if t.docs >= need}
    labels_found = {k: t for k, t in prefix.items() if t.docs >= need}
    for key, tally in list(labels_found.items()):
        covered = [k for k in lines_found if k.casefold().startswith(key)]
        if any(lines_found[k].docs >= tally.docs for k in covered):
            del labels_found[key]
        else:
            for k in covered:
                del lines_found[k]
    ranked: list[tuple[Kind, str, _Tally]] = [("exact", k, t) for k, t in lines_found.items()]
    ranked += [("prefix", k, t) for k, t in labels_found.items()]
    ranked.sort(key=lambda x: (-x[2].docs, x[0], x[2].text(x[1])))
    shown = ranked if top is None else ranked[:top]
    suggestions = tuple(_suggestion(*x, selected, label, names) for x in shown)
    return SuggestReport(
        target=target,
        inputs=tuple(inputs),
        scanned=scanned,
        documents=selected,
        skipped=skipped,
        min_docs=min_docs,
        min_share=min_share,
        candidates=len(ranked),
        suggestions=suggestions,
        rules_hash=cleaner.hash,
        limited=limited,
    )


def format_yaml(report: SuggestReport) -> str:
    """The report as a YAML snippet: comments with the evidence, then draft rules."""
    t = report.target
    who = f'publisher "{t.publisher}"' if t.publisher is not None else f"host {t.host}"
    inputs = ", ".join(report.inputs) or "the corpus"
    skipped = f", {report.skipped} unreadable skipped" if report.skipped else ""
    limited = " (stopped at --max-docs)" if report.limited else ""
    out = [
        "# DRAFT rules from `clean rules suggest`: review every one; nothing here is applied.",
        f"# {who}: {report.documents} of {report.scanned} records in {inputs}{skipped}{limited}.",
        f"# Each document was cleaned with the loaded packs first (rule set {report.rules_hash}),",
        "# so these are repeated lines that no rule removes yet. Shown: lines and line labels",
        f"# in at least {report.min_docs} documents and {report.min_share:.0%} of them "
        f"({len(report.suggestions)} of {report.candidates}).",
        "# Before pasting a rule under your pack's rules: read its samples, fix its category",
        "# and why, and add an example where it fires and a near miss (clean rules lint).",
    ]
    if not report.suggestions:
        out.append("# Nothing repeats that often: no draft rules.")
        return "\n".join(out) + "\n"
    out.append("rules:")
    text = "\n".join(out) + "\n"
    return text + "\n".join(s.yaml() for s in report.suggestions)
