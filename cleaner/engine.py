"""The :class:`Cleaner`: compile a rule set once, clean many documents with it.

A Cleaner is immutable after construction, so threads may share one. It pickles as its
pack sources and options (compiled regexes and automata from C libraries often cannot be
pickled); unpickling recompiles once per process and reuses that for every later copy.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from cleaner import fast, hsscan, reference
from cleaner.compiled import CompiledIndex
from cleaner.errors import InputError
from cleaner.fixes import CONTROL_CHARACTERS, Lines, Normalization, prepare, squeeze_blank_lines
from cleaner.hsscan import HyperscanScanner
from cleaner.model import Document, Notice, PackSource, Result
from cleaner.passes import BudgetExceededError, LineMatcher, Work, run_passes
from cleaner.ruleset import RuleSet
from cleaner.selection import select_packs

if TYPE_CHECKING:  # pragma: no cover
    from cleaner.html import HtmlResult
    from cleaner.meter import RuleMeter

EngineName = Literal["fast", "reference"]


@dataclass(frozen=True, slots=True)
class Options:
    """Everything besides the rules that decides what cleaning does."""

    common: bool = True
    detect: bool = True
    only: frozenset[str] | None = None
    normalization: Normalization = field(default_factory=Normalization)
    max_cut_share: float = 0.5
    fingerprint_zone: int = 12
    rule_timeout: float | None = 0.5
    strict: bool = False
    engine: EngineName = "fast"
    accelerate: bool | None = None
    max_document_chars: int = 20_000_000
    max_line_chars: int = 100_000
    time_budget: float | None = 10.0


#: Documents a Cleaner cleans before it builds the Hyperscan database on its own (about a
#: second, once per process); corpus mode and clean_batch build it at once.
ACCELERATE_AFTER = 64


_COMPILED: dict[str, CompiledIndex] = {}
_COMPILED_LOCK = threading.Lock()


def _compiled_for(ruleset: RuleSet) -> CompiledIndex:
    """One compiled index per rule-set hash per process (hash-less sets compile anew)."""
    if not ruleset.hash:
        return CompiledIndex(ruleset)
    with _COMPILED_LOCK:
        index = _COMPILED.get(ruleset.hash)
        if index is None:
            index = _COMPILED[ruleset.hash] = CompiledIndex(ruleset)
        return index


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise InputError(f"date must be YYYY-MM-DD, not {value!r}") from exc


class Cleaner:
    """Strips publisher boilerplate from documents with one compiled rule set.

    >>> c = Cleaner()
    >>> c.clean("Rates rose.\\nPhoto: Shutterstock").text
    'Rates rose.'
    """

    def __init__(
        self,
        rules: RuleSet | None = None,
        *,
        rule_dirs: Iterable[str | os.PathLike[str]] = (),
        builtin: bool = True,
        common: bool = True,
        detect: bool = True,
        packs: Iterable[str] | None = None,
        normalization: Normalization | None = None,
        max_cut_share: float = 0.5,
        fingerprint_zone: int = 12,
        rule_timeout: float | None = 0.5,
        strict: bool = False,
        engine: EngineName = "fast",
        accelerate: bool | None = None,
        max_document_chars: int = 20_000_000,
        max_line_chars: int = 100_000,
        time_budget: float | None = 10.0,
    ) -> None:
        self.ruleset = rules if rules is not None else RuleSet.load(rule_dirs, builtin=builtin)
        only = None
        if packs is not None:
            only = frozenset(self.ruleset.resolve(p) for p in packs)
        if not 0.0 < max_cut_share <= 1.0:
            raise InputError("max_cut_share must be in (0, 1]")
        if engine not in ("fast", "reference"):
            raise InputError(f"engine must be 'fast' or 'reference', not {engine!r}")
        self.options = Options(
            common=common,
            detect=detect,
            only=only,
            normalization=normalization or Normalization(),
            max_cut_share=max_cut_share,
            fingerprint_zone=fingerprint_zone,
            rule_timeout=rule_timeout,
            strict=strict,
            engine=engine,
            accelerate=accelerate,
            max_document_chars=max_document_chars,
            max_line_chars=max_line_chars,
            time_budget=time_budget,
        )
        self._index = _compiled_for(self.ruleset)
        self._calls = 0
        #: Set by ``clean rules cost`` to time every rule evaluation; None otherwise.
        self.meter: RuleMeter | None = None

    # -- pickling: sources and options, never compiled objects -------------------------
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_rebuild, (self.ruleset.sources, self.ruleset.hash, self.options))

    @property
    def hash(self) -> str:
        """Short hash of the loaded rule set's sources."""
        return self.ruleset.hash

    # -- cleaning ------------------------------------------------------------------------
    def clean(
        self,
        text: str,
        url: str | None = None,
        publisher: str | None = None,
        date: dt.date | str | None = None,
        language: str | None = None,
    ) -> Result:
        """Clean one document; the result says what was removed, by which rule, and why."""
        if not isinstance(text, str):
            raise InputError(f"text must be str, not {type(text).__name__}")
        opts = self.options
        if len(text) > opts.max_document_chars:
            return Result(
                text=text,
                warnings=(
                    Notice(
                        "too-large",
                        f"document of {len(text):,} characters is over the "
                        f"{opts.max_document_chars:,} limit; passed through unchanged",
                    ),
                ),
            )
        index = self._index
        timeout = opts.rule_timeout
        # the one-time Hyperscan build (under a second, far more on a busy machine) is not
        # part of the document's time budget: it must not pass the 64th document through
        scanner = self._ready_scanner() if opts.engine == "fast" else None
        started = time.perf_counter()
        raw = scanner.scan(text) if scanner is not None else None
        if raw is not None and raw.normal:  # no gate fired: nothing to normalise
            lines = raw_lines(text)
            keys = lines.bodies
        else:
            lines = prepare(text, opts.normalization)
            keys = lines.bodies
            if not opts.normalization.whitespace:
                keys = [b.strip() for b in keys]
        scanned = raw is not None and (raw.normal or _unchanged(text, lines, keys))
        folded: str | None = None
        special: list[int] = []
        if scanner is not None and raw is not None and scanned:
            byte_hits = raw
            rule_hits, fp_hits = raw.rule_hits, raw.fp_hits  # the lines that were scanned
            if raw.special:
                # lines whose case folding the byte patterns cannot express: scanned again
                # in Python, for the publisher packs' literals only once the packs are known
                special = scanner.special_lines(keys)
                rule_hits, fp_hits = fast.rescan(
                    index, keys, special, rule_hits, fp_hits, (None,) if scanner.groups else None
                )
        elif opts.engine == "fast":
            folded = fast.fold_lines(keys)
            # the publisher packs' literals are looked for once the packs are known
            rule_hits, fp_hits = fast.scan(index, keys, (None,), folded)
            byte_hits = None
        else:
            rule_hits, fp_hits = [], []
            byte_hits = None
        notices: list[Notice] = []
        if opts.max_line_chars and max(map(len, keys), default=0) > opts.max_line_chars:
            keys, notices = _blank_long_lines(keys, lines, opts.max_line_chars)
        if not opts.detect:
            found: dict[str, int] = {}
        elif opts.engine == "fast":
            found = fast.detect(index, keys, fp_hits, opts.fingerprint_zone, timeout)
        else:
            found = reference.detect(index, keys, opts.fingerprint_zone, timeout)
        packs = select_packs(
            self.ruleset,
            publisher=publisher,
            url=url,
            fingerprint_lines={p: lines.number(i) for p, i in found.items()},
            common=opts.common,
            only=opts.only,
        )
        active = index.active(tuple(p.id for p in packs), _as_date(date), language)
        # the publisher packs' literals are scanned only for the packs that apply
        if byte_hits is not None and scanner is not None and scanner.groups:
            more = scanner.scan_groups(byte_hits, (p.id for p in packs))
            if special:
                more |= fast.scan_lines(index, keys, special, [p.id for p in packs])
        elif folded is not None and index.groups:
            more = set(fast.scan(index, keys, [p.id for p in packs], folded)[0])
        else:
            more = set()
        if more:
            rule_hits = sorted(more.union(rule_hits))
        if (
            opts.engine == "fast"
            and not active.unfiltered
            and not any(r in active.rank for _, r in rule_hits)
        ):
            rendered = text if raw is not None and raw.normal else lines.render()
            return Result(
                text=text if rendered == text else rendered,
                packs=packs,
                warnings=tuple(notices),
                normalized=rendered != text,
            )
        deadline = started + opts.time_budget if opts.time_budget else None
        work = Work(
            lines,
            keys,
            timeout=timeout,
            strict=opts.strict,
            max_cut_share=opts.max_cut_share,
            deadline=deadline,
            verdicts=index.verdicts if opts.engine == "fast" else None,
            meter=self.meter,
        )
        matcher: LineMatcher
        try:
            if opts.engine == "fast":
                matcher = fast.PrefilterMatcher(work, index, active, rule_hits)
            else:
                matcher = reference.NaiveMatcher(work, active.rules)
            # the reference engine always works out positions: that some active rule
            # needs them is the fast engine's shortcut, which the oracle must not share
            run_passes(work, matcher, positional=active.positional or opts.engine != "fast")
        except BudgetExceededError:
            return Result(
                text=text,
                packs=packs,
                warnings=(
                    *notices,
                    Notice(
                        "time-budget",
                        f"cleaning took longer than {opts.time_budget} s; the document "
                        "is passed through unchanged",
                    ),
                ),
            )
        work.notices[:0] = notices
        out_text = self._render(text, lines, work)
        return Result(
            text=out_text,
            packs=packs,
            removals=tuple(sorted(work.removals, key=lambda r: r.line)),
            warnings=tuple(work.notices),
            normalized=self._normalized(text, lines),
        )

    # -- the Hyperscan fast path ------------------------------------------------------------
    def accelerate(self) -> bool:
        """Build the Hyperscan database now (if installed and allowed); True if in use."""
        return self._scanner() is not None

    def _scanner(self) -> HyperscanScanner | None:
        if self.options.accelerate is False or not hsscan.AVAILABLE:
            return None
        if os.environ.get("BOILERCLEAN_NO_HYPERSCAN"):
            return None
        return _scanner_for(self.ruleset, self._index)

    def _ready_scanner(self) -> HyperscanScanner | None:
        scanner = _SCANNERS.get(self.ruleset.hash) if self.ruleset.hash else None
        if scanner is None:
            self._calls += 1
            if self.options.accelerate is None and self._calls < ACCELERATE_AFTER:
                return None
            scanner = self._scanner()
        return scanner

    def _render(self, text: str, lines: Lines, work: Work) -> str:
        if all(work.alive):
            rendered = lines.render()
            return text if rendered == text else rendered
        keep = [i for i, a in enumerate(work.alive) if a]
        out = Lines(
            [lines.bodies[i] for i in keep],
            None if lines.crs is None else [lines.crs[i] for i in keep],
            [lines.number(i) for i in keep],
            lines.final_newline,
        )
        if self.options.normalization.whitespace:
            squeeze_blank_lines(out)
        return out.render()

    @staticmethod
    def _normalized(text: str, lines: Lines) -> bool:
        return lines.render() != text

    def clean_text(self, text: str, **context: Any) -> str:
        """Just the cleaned text."""
        return self.clean(text, **context).text

    def clean_batch(
        self,
        documents: Iterable[str | Document | Mapping[str, Any]],
    ) -> Iterator[Result]:
        """Clean many documents lazily, in order: strings, Documents or dicts with a 'text'."""
        self.accelerate()
        for doc in documents:
            if isinstance(doc, str):
                yield self.clean(doc)
            elif isinstance(doc, Document):
                yield self.clean(
                    doc.text,
                    url=doc.url,
                    publisher=doc.publisher,
                    date=doc.date,
                    language=doc.language,
                )
            elif isinstance(doc, Mapping):
                if not isinstance(doc.get("text"), str):
                    raise InputError("a document mapping needs a string 'text'")
                yield self.clean(
                    doc["text"],
                    url=doc.get("url"),
                    publisher=doc.get("publisher"),
                    date=doc.get("date"),
                    language=doc.get("language"),
                )
            else:
                raise InputError(f"cannot clean a {type(doc).__name__}")

    def clean_html(
        self,
        html: str | bytes,
        url: str | None = None,
        publisher: str | None = None,
        date: dt.date | str | None = None,
        language: str | None = None,
        output: Literal["text", "markdown"] = "text",
    ) -> HtmlResult:
        """Clean a page: its article lines, then the text rules (see :mod:`cleaner.html`)."""
        from cleaner.html import clean_html

        return clean_html(self, html, url, publisher, date, language, output)


_SCANNERS: dict[str, HyperscanScanner] = {}


def _scanner_for(ruleset: RuleSet, index: CompiledIndex) -> HyperscanScanner | None:
    """One Hyperscan database per rule-set hash per process."""
    if not ruleset.hash:
        return None
    with _COMPILED_LOCK:
        scanner = _SCANNERS.get(ruleset.hash)
        if scanner is None:
            scanner = _SCANNERS[ruleset.hash] = HyperscanScanner(
                index.literal_targets, CONTROL_CHARACTERS, index.groups
            )
        return scanner


def _blank_long_lines(
    keys: list[str],
    lines: Lines,
    limit: int,
) -> tuple[list[str], list[Notice]]:
    """Lines over the length limit are left alone: no rule sees them (they count as blank
    for positions), so no regex runs over megabytes of one line."""
    out, notices = list(keys), []
    for i, key in enumerate(keys):
        if len(key) > limit:
            out[i] = ""
            notices.append(
                Notice(
                    "long-line",
                    f"line of {len(key):,} characters is over the {limit:,} limit; left as it is",
                    None,
                    lines.number(i),
                )
            )
    return out, notices


def _unchanged(text: str, lines: Lines, keys: list[str]) -> bool:
    """Whether normalising left the document's lines exactly as they were, so that what
    the Hyperscan scan found on the raw lines holds for them."""
    return (
        lines.numbers is None
        and lines.crs is None
        and keys is lines.bodies
        and lines.render() == text
    )


def raw_lines(text: str) -> Lines:
    """Lines of a document that needs no normalisation (what prepare would return)."""
    final_newline = text.endswith("\n")
    body = text[:-1] if final_newline else text
    if not body and not final_newline:
        return Lines([], None, None, False)
    return Lines(body.split("\n"), None, None, final_newline)


_REBUILT: dict[tuple[str, Options], Cleaner] = {}


def _rebuild(sources: tuple[PackSource, ...], digest: str, options: Options) -> Cleaner:
    """Unpickle: reuse this process's Cleaner for the same rules and options if it has one."""
    key = (digest, options)
    with _COMPILED_LOCK:
        cached = _REBUILT.get(key)
    if cached is not None:
        return cached
    cleaner = Cleaner.__new__(Cleaner)
    cleaner.ruleset = RuleSet.from_sources(sources)
    cleaner.options = options
    cleaner._index = _compiled_for(cleaner.ruleset)
    cleaner.meter = None
    cleaner._calls = 0
    with _COMPILED_LOCK:
        _REBUILT.setdefault(key, cleaner)
    return cleaner
