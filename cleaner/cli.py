"""The ``clean`` command.

``rules`` and ``bench`` are reserved first words (subcommands); anything else is
``clean [OPTIONS] [INPUT...]``. A file literally named ``rules`` is reached as
``./rules``. Exit codes are listed in :data:`EXIT_CODES` and in the README.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from cleaner import __version__
from cleaner.engine import Cleaner
from cleaner.errors import (
    CleanerError,
    InputError,
    RuleLoadError,
    RuleRuntimeError,
    UnknownPublisherError,
)
from cleaner.fixes import Normalization
from cleaner.model import Pack, Result
from cleaner.ruleset import ENV_VAR, RuleSet

if TYPE_CHECKING:
    from cleaner.corpus.records import Fields

EXIT_OK = 0
EXIT_FAILED = 1  # a rule example failed, or lint found errors
EXIT_USAGE = 2  # bad usage, unreadable input, broken pack, unknown publisher
EXIT_REJECTS = 3  # reserved: corpus mode finished but wrote rejects
EXIT_RULE_FAILED = 4  # --strict and a rule failed or timed out on a document
EXIT_INTERRUPTED = 130

EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_FAILED: "a rule example failed (rules test) or lint found errors (rules lint)",
    EXIT_USAGE: "bad usage, unreadable input, invalid UTF-8, broken pack, unknown publisher",
    EXIT_REJECTS: "reserved for corpus mode: finished, but some records went to rejects",
    EXIT_RULE_FAILED: "--strict and a rule failed or timed out on a document",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}

SUBCOMMANDS = ("rules", "bench", "cache")

MAIN_EPILOG = f"""\
examples:
  clean article.txt                       clean a file, print the article
  clean - < article.txt                   the same from stdin (so is plain 'clean')
  clean --explain article.txt             also list every removal on stderr
  clean --diff article.txt                show a unified diff instead of the text
  clean --url https://www.benzinga.com/x article.txt
  clean --publisher benzinga article.txt
  clean rules list                        the packs, their domains and rule counts
  clean rules test my-packs/              run pack examples (exit 1 on a failure)
  clean cache warm                        compile everything now (a container build)

subcommands (reserved first words): rules, bench, cache
user packs: --rules DIR (repeatable) or {ENV_VAR}=DIR{os.pathsep}DIR
exit codes: {"; ".join(f"{k} {v}" for k, v in EXIT_CODES.items())}
"""


class _Parser(argparse.ArgumentParser):
    """argparse that exits with our usage code and a one-line hint."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _rule_options() -> _Parser:
    p = _Parser(add_help=False)
    g = p.add_argument_group("rule packs")
    g.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="DIR",
        help="also load packs from DIR (a folder or one .yaml); repeatable; "
        "a pack with a built-in pack's id replaces it",
    )
    g.add_argument("--no-builtin", action="store_true", help="do not load the built-in packs")
    return p


def _fields(
    args: argparse.Namespace, annotate: str | None = None, html: str | None = None
) -> Fields:
    """The record fields the options of :func:`_add_field_options` name."""
    from cleaner.corpus.records import Fields

    return Fields(
        text=args.text_field,
        url=args.url_field or None,
        publisher=args.publisher_field or None,
        date=args.date_field or None,
        language=args.language_field or None,
        annotate=annotate,
        html=html,
    )


def _add_field_options(group: argparse._ArgumentGroup) -> None:
    """The record fields corpus mode and ``rules suggest`` read context from."""
    for name, what in (
        ("text", "the text"),
        ("url", "the page URL"),
        ("publisher", "a publisher hint"),
        ("date", "the date"),
        ("language", "the language"),
    ):
        group.add_argument(
            f"--{name}-field",
            default=name,
            metavar="NAME",
            help=f"record field with {what} (default: {name})",
        )


def _main_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="clean",
        parents=[_rule_options()],
        description="Strip publisher boilerplate from scraped news text. INPUT is one "
        "paragraph per line; '-' or nothing reads stdin.",
        epilog=MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="text files, or - for stdin")
    p.add_argument("--version", action="store_true", help="print version and rule-set hash")
    ctx = p.add_argument_group("document context")
    ctx.add_argument("--url", help="the page URL: selects the pack of its host")
    ctx.add_argument("--publisher", help="pack id, alias or domain (case-insensitive)")
    ctx.add_argument("--date", help="publication date YYYY-MM-DD (for dated rules)")
    ctx.add_argument("--language", help="ISO 639-1 language code (for language-bound rules)")
    out = p.add_argument_group("output")
    out.add_argument(
        "--explain",
        action="store_true",
        help="list each removal on stderr: line, rule id, category, action, text",
    )
    out.add_argument("--diff", action="store_true", help="print a unified diff, not the text")
    out.add_argument(
        "--html",
        action="store_true",
        help="inputs are HTML pages (automatic for .html and .htm files); "
        "--explain also lists the nodes removed",
    )
    out.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="for HTML input: plain lines (default) or Markdown-like, with heading, "
        "list and quote markers",
    )
    corpus = p.add_argument_group(
        "corpus mode (JSONL/NDJSON .gz .zst, Parquet, folders; on with -o or such inputs)"
    )
    corpus.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write here (file or folder) instead of stdout; renamed into place only when complete",
    )
    corpus.add_argument(
        "--input-format",
        choices=("jsonl", "parquet", "text", "folder"),
        help="override the format the extension implies (e.g. JSONL on stdin)",
    )
    corpus.add_argument("--output-format", choices=("jsonl", "parquet", "text", "folder"))
    _add_field_options(corpus)
    corpus.add_argument(
        "--html-field",
        metavar="NAME",
        help="record field with the page's HTML: cleaned into the text field "
        "(records without it are cleaned from their text field)",
    )
    corpus.add_argument(
        "--annotate",
        metavar="FIELD",
        help="add FIELD to each record: packs found and every removal",
    )
    corpus.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="worker processes (default: all cores)",
    )
    corpus.add_argument(
        "--chunk-mb",
        type=float,
        default=8.0,
        metavar="MB",
        help="size of the pieces work is cut into (default 8)",
    )
    corpus.add_argument(
        "--rejects",
        metavar="FILE",
        help="where unreadable records go (default OUTPUT.rejects.jsonl)",
    )
    corpus.add_argument("--stats-json", metavar="FILE", help="write the run summary as JSON")
    corpus.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run from OUTPUT.parts/manifest.json instead of starting "
        "again (same inputs, rules, fields and chunk size)",
    )
    corpus.add_argument(
        "--health-baseline",
        metavar="FILE",
        help="a previous --stats-json: warn when a publisher's removed share moved far from it",
    )
    corpus.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    corpus.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when it is a terminal)",
    )
    sel = p.add_argument_group("selection")
    sel.add_argument("--no-common", action="store_true", help="do not apply the common pack")
    sel.add_argument(
        "--no-detect", action="store_true", help="do not detect publishers by fingerprint lines"
    )
    sel.add_argument(
        "--only", action="append", metavar="PACK", help="apply only these packs (repeatable)"
    )
    norm = p.add_argument_group("normalisation (all on by default)")
    norm.add_argument("--no-repair", action="store_true", help="no mojibake / HTML-entity repair")
    norm.add_argument("--no-nfc", action="store_true", help="no Unicode NFC normalisation")
    norm.add_argument(
        "--no-whitespace",
        action="store_true",
        help="no whitespace tidy (trim lines, collapse runs and blank lines)",
    )
    guards = p.add_argument_group("guards")
    guards.add_argument(
        "--max-cut-share",
        type=float,
        default=0.5,
        metavar="SHARE",
        help="a cut removing more than this share of a document's characters "
        "removes only its trigger line (default 0.5)",
    )
    guards.add_argument(
        "--rule-timeout",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help="per-regex time limit; a rule that exceeds it is skipped for "
        "that document (default 0.5)",
    )
    guards.add_argument(
        "--strict", action="store_true", help="stop with exit 4 when a rule fails or times out"
    )
    guards.add_argument(
        "--time-budget",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="a document that takes longer is passed through unchanged, with a notice "
        "(default 10; 0 turns it off)",
    )
    guards.add_argument(
        "--max-document-chars",
        type=int,
        default=20_000_000,
        metavar="N",
        help="longer documents are passed through unchanged, with a notice (default 20M)",
    )
    guards.add_argument(
        "--max-line-chars",
        type=int,
        default=100_000,
        metavar="N",
        help="longer lines are left as they are, unseen by rules (default 100k)",
    )
    guards.add_argument(
        "--errors",
        choices=("strict", "replace"),
        default="strict",
        help="invalid UTF-8: fail (default) or replace with U+FFFD",
    )
    guards.add_argument(
        "--engine", choices=("fast", "reference"), default="fast", help=argparse.SUPPRESS
    )
    return p


def _rules_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="clean rules", description="Inspect, test and lint rule packs.")
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    parent = _rule_options()
    ls = sub.add_parser("list", parents=[parent], help="list packs, or the rules of one pack")
    ls.add_argument("pack", nargs="?", help="list this pack's rules")
    show = sub.add_parser("show", parents=[parent], help="show a pack or a rule (pack/rule)")
    show.add_argument("id")
    for name, what in (
        ("test", "run pack examples; exit 1 on a failure"),
        ("lint", "check packs beyond the schema; exit 1 on errors"),
    ):
        sp = sub.add_parser(name, parents=[parent], help=what)
        sp.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="pack files or folders to check (default: every loaded pack)",
        )
        if name == "lint":
            sp.add_argument("--strict", action="store_true", help="warnings fail too")
    _suggest_parser(sub, parent)
    _cost_parser(sub, parent)
    new = sub.add_parser(
        "new",
        help="scaffold a new pack file that loads, tests and lints clean",
        description="Write DIR/NAME.yaml: publisher, domains, a sources comment and one "
        "TODO placeholder rule with a firing and a near-miss example. Never overwrites.",
    )
    new.add_argument("name", metavar="NAME", help="pack id: a lower-case slug (daily-bugle)")
    new.add_argument(
        "--domain",
        action="append",
        required=True,
        metavar="HOST",
        help="a host the publisher serves (subdomains match); repeatable",
    )
    new.add_argument("--publisher", metavar="NAME", help="display name (default: from NAME)")
    new.add_argument(
        "--dir",
        metavar="DIR",
        help="where to write NAME.yaml (default: ./rules if it exists, else .)",
    )
    for sp in sub.choices.values():
        sp.error = p.error  # type: ignore[method-assign]
    return p


def _suggest_parser(sub: argparse._SubParsersAction[_Parser], parent: _Parser) -> None:
    sp = sub.add_parser(
        "suggest",
        parents=[parent],
        help="draft rules from lines a publisher repeats that no rule removes yet",
        description="Clean each of the publisher's documents with the loaded packs, then "
        "print the lines and line labels ('Read more:') still repeated across many of them "
        "as draft YAML rules to review. Nothing is applied.",
    )
    sp.add_argument(
        "corpus",
        nargs="+",
        metavar="CORPUS",
        help="JSONL files (.gz .zst), folders of text files (taken as the publisher's)",
    )
    who = sp.add_mutually_exclusive_group(required=True)
    who.add_argument("--publisher", metavar="NAME", help="documents whose publisher field is NAME")
    who.add_argument("--host", metavar="HOST", help="documents whose URL is on HOST or below")
    fields = sp.add_argument_group("record fields")
    _add_field_options(fields)
    fields.add_argument(
        "--id-field",
        default="id",
        metavar="NAME",
        help="record field shown with sample documents (default: id)",
    )
    sp.add_argument(
        "--min-docs",
        type=int,
        default=3,
        metavar="N",
        help="seen in at least N documents (default 3)",
    )
    sp.add_argument(
        "--min-share",
        type=float,
        default=0.3,
        metavar="SHARE",
        help="and in at least this share of them (default 0.3)",
    )
    sp.add_argument(
        "--top", type=int, default=30, metavar="N", help="show the N most frequent (default 30)"
    )
    sp.add_argument(
        "--max-docs",
        type=int,
        default=5000,
        metavar="N",
        help="read at most N of the publisher's documents (default 5000)",
    )


def _cost_parser(sub: argparse._SubParsersAction[_Parser], parent: _Parser) -> None:
    sp = sub.add_parser(
        "cost",
        parents=[parent],
        help="rank rules by the time their patterns take on a sample corpus",
        description="Clean a sample corpus as corpus mode would and print, per rule, how "
        "often its pattern ran, how often it fired and how long it took, slowest first: "
        "the rules that keep a large run from its speed.",
    )
    sp.add_argument(
        "corpus",
        nargs="+",
        metavar="CORPUS",
        help="JSONL files (.gz .zst), folders of text files, or text files",
    )
    _add_field_options(sp.add_argument_group("record fields"))
    sp.add_argument(
        "--top", type=int, default=20, metavar="N", help="show the N slowest rules (default 20)"
    )
    sp.add_argument(
        "--max-docs",
        type=int,
        default=20_000,
        metavar="N",
        help="clean at most N documents (default 20000)",
    )
    sp.add_argument("--json", metavar="FILE", help="also write the report as JSON")


# -- helpers ----------------------------------------------------------------------------------
def _load(paths: Sequence[str], builtin: bool = True) -> RuleSet:
    return RuleSet.load(paths, builtin=builtin)


def _read(name: str, errors: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read()
        label = "<stdin>"
    else:
        path = Path(name)
        if path.is_dir():
            raise InputError(f"{name}: is a directory (corpus mode comes later; give files)")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: {exc.strerror or exc}") from exc
        label = name
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if errors == "replace":
            return data.decode("utf-8", errors="replace")
        raise InputError(
            f"{label}: invalid UTF-8 at byte offset {exc.start} ({exc.reason}); "
            "use --errors replace to substitute U+FFFD"
        ) from exc


def _write(stream: TextIO, text: str) -> None:
    stream.buffer.write(text.encode("utf-8", "surrogateescape")) if hasattr(
        stream, "buffer"
    ) else stream.write(text)


def explain(result: Result, label: str) -> str:
    """The ``--explain`` report for one document."""
    packs = (
        ", ".join(
            f"{p.id} ({p.reason}{': ' + p.detail if p.detail and p.reason != 'explicit' else ''})"
            for p in result.packs
        )
        or "none"
    )
    out = [f"{label}: packs {packs}"]
    width = max((len(r.rule_id) for r in result.removals), default=0)
    for r in result.removals:
        what = (
            r.action
            if r.trigger_line is None or r.trigger_line == r.line
            else f"{r.action} (from line {r.trigger_line})"
        )
        out.append(
            f"  line {r.line:>4}  {r.rule_id:<{width}}  {r.category:<14} {what:<10} {r.text}"
        )
    for n in result.warnings:
        out.append(f"  warning: {n}")
    chars = sum(len(r.text) for r in result.removals)
    out.append(f"  {len(result.removals)} removal(s), {chars} characters")
    return "\n".join(out) + "\n"


def _cleaner(args: argparse.Namespace, rules: RuleSet) -> Cleaner:
    return Cleaner(
        rules,
        common=not args.no_common,
        detect=not args.no_detect,
        packs=args.only,
        normalization=Normalization(
            repair=not args.no_repair, nfc=not args.no_nfc, whitespace=not args.no_whitespace
        ),
        max_cut_share=args.max_cut_share,
        rule_timeout=args.rule_timeout or None,
        strict=args.strict,
        engine=args.engine,
        time_budget=args.time_budget or None,
        max_document_chars=args.max_document_chars,
        max_line_chars=args.max_line_chars,
    )


def _run_clean(argv: Sequence[str]) -> int:
    args = _main_parser().parse_args(argv)
    rules = _load(args.rules, builtin=not args.no_builtin)
    if args.version:
        n_rules = sum(len(p.rules) for p in rules.packs)
        print(
            f"boilerclean {__version__} (rules {rules.hash}: {len(rules.packs)} packs, "
            f"{n_rules} rules)"
        )
        return EXIT_OK
    if not 0 < args.max_cut_share <= 1:
        raise InputError("--max-cut-share must be in (0, 1]")
    for flag in ("rule_timeout", "time_budget", "max_document_chars", "max_line_chars"):
        value = getattr(args, flag)
        if value is not None and not value >= 0:  # also refuses NaN
            raise InputError(f"--{flag.replace('_', '-')} must be >= 0, not {value}")
    if args.publisher:
        rules.resolve(args.publisher)  # unknown names stop here, before any input is read
    cleaner = _cleaner(args, rules)
    inputs = args.inputs or ["-"]
    if _corpus_mode(args, inputs):
        return _run_corpus(args, cleaner, inputs)
    for name in inputs:
        if args.html or name.lower().endswith((".html", ".htm")):
            _clean_html_input(args, cleaner, name)
            continue
        text = _read(name, args.errors)
        result = cleaner.clean(
            text, url=args.url, publisher=args.publisher, date=args.date, language=args.language
        )
        label = "<stdin>" if name == "-" else name
        if args.explain:
            _write(sys.stderr, explain(result, label))
        if args.diff:
            diff = difflib.unified_diff(
                text.split("\n"),
                result.text.split("\n"),
                fromfile=f"a/{label}",
                tofile=f"b/{label}",
                lineterm="",
            )
            _write(sys.stdout, "".join(d + "\n" for d in diff))
        else:
            out = result.text
            if out and not out.endswith("\n"):
                out += "\r\n" if "\r\n" in out else "\n"  # end the way its lines end
            _write(sys.stdout, out)
    return EXIT_OK


def _clean_html_input(args: argparse.Namespace, cleaner: Cleaner, name: str) -> None:
    """One HTML page: bytes in (the page's own encoding), article text out."""
    from cleaner.html import explain_nodes

    if name == "-":
        data = sys.stdin.buffer.read()
    else:
        if Path(name).is_dir():
            raise InputError(f"{name}: is a directory")
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: {exc.strerror or exc}") from exc
    result = cleaner.clean_html(
        data,
        url=args.url,
        publisher=args.publisher,
        date=args.date,
        language=args.language,
        output=args.format,
    )
    label = "<stdin>" if name == "-" else name
    if args.explain:
        _write(sys.stderr, explain(result.result, label) + explain_nodes(result))
    if args.diff:
        diff = difflib.unified_diff(
            result.lines.split("\n"),
            result.text.split("\n"),
            fromfile=f"a/{label} (page lines)",
            tofile=f"b/{label}",
            lineterm="",
        )
        _write(sys.stdout, "".join(d + "\n" for d in diff))
    elif result.text:
        _write(sys.stdout, result.text + "\n")


def _corpus_mode(args: argparse.Namespace, inputs: list[str]) -> bool:
    from cleaner.corpus.formats import is_corpus_path

    return bool(
        args.output
        or args.input_format in ("jsonl", "parquet", "folder")
        or args.stats_json
        or args.health_baseline
        or any(is_corpus_path(p) for p in inputs if p != "-")
    )


def _run_corpus(args: argparse.Namespace, cleaner: Cleaner, inputs: list[str]) -> int:
    from cleaner.corpus import CorpusOptions, run_corpus

    if args.explain or args.diff:
        raise InputError(
            "--explain and --diff work on single documents; in corpus mode use "
            "--annotate FIELD or --stats-json FILE"
        )
    if args.publisher or args.url or args.date or args.language:
        raise InputError(
            "in corpus mode, give context per record with --url-field, "
            "--publisher-field, --date-field, --language-field"
        )
    if args.workers < 1 or not 0 < args.chunk_mb < float("inf"):  # also refuses NaN
        raise InputError("--workers must be >= 1 and --chunk-mb a finite number > 0")
    opts = CorpusOptions(
        inputs=tuple(inputs),
        output=args.output,
        input_format=args.input_format,
        output_format=args.output_format,
        fields=_fields(args, annotate=args.annotate, html=args.html_field or None),
        workers=args.workers,
        chunk_bytes=max(4096, int(args.chunk_mb * (1 << 20))),
        rejects=args.rejects,
        stats_json=args.stats_json,
        health_baseline=args.health_baseline,
        quiet=args.quiet,
        progress=args.progress,
        errors=args.errors,
        resume=args.resume,
    )
    stats, _seconds, _rejects = run_corpus(cleaner, opts)
    return EXIT_REJECTS if stats.rejects else EXIT_OK


# -- clean rules ------------------------------------------------------------------------------
def _run_rules(argv: Sequence[str]) -> int:
    args = _rules_parser().parse_args(argv)
    if args.action == "new":
        return _rules_new(args)
    if args.action == "suggest":
        return _rules_suggest(args, _load(args.rules, builtin=not args.no_builtin))
    if args.action == "cost":
        return _rules_cost(args, _load(args.rules, builtin=not args.no_builtin))
    extra = list(args.rules) + list(getattr(args, "paths", []) or [])
    rules = _load(extra, builtin=not args.no_builtin)
    if args.action == "list":
        return _rules_list(rules, args.pack)
    if args.action == "show":
        return _rules_show(rules, args.id)
    only = _packs_in(rules, args.paths) if args.paths else None
    if args.action == "test":
        return _rules_test(rules, only)
    return _rules_lint(rules, only, args.strict)


def _packs_in(rules: RuleSet, paths: Sequence[str]) -> set[str]:
    from cleaner.loader import pack_id_of

    wanted: set[str] = set()
    for raw in paths:
        path = Path(raw)
        files = sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
        wanted |= {pack_id_of(str(f)) for f in files}
    return wanted & {p.id for p in rules.packs}


def _rules_list(rules: RuleSet, pack_id: str | None) -> int:
    if pack_id:
        pack = rules.pack(rules.resolve(pack_id))
        for r in pack.rules:
            scope = ""
            if r.scope is not None:
                scope = f" head:{r.scope.head}" if r.scope.head else f" tail:{r.scope.tail}"
            print(f"{r.id:<40} {r.action:<10} {r.category:<14} {r.matcher.kind}{scope}")
        return EXIT_OK
    print(f"{'pack':<16} {'kind':<9} {'rules':>5} {'examples':>8}  publisher (domains)")
    for p in rules.packs:
        domains = f" ({', '.join(p.domains)})" if p.domains else ""
        origin = "  [user]" if p.origin == "user" else ""
        print(
            f"{p.id:<16} {p.kind:<9} {len(p.rules):>5} {len(p.examples):>8}  "
            f"{p.publisher}{domains}{origin}"
        )
    return EXIT_OK


def _rules_show(rules: RuleSet, ident: str) -> int:
    rule = rules.find_rule(ident)
    if rule is not None:
        m = rule.matcher
        loc = rule.location
        print(f"id:        {rule.id}")
        if loc:
            print(f"defined:   {loc}")
        print(f"matcher:   {m.kind}{' (ignore case)' if m.ignore_case else ''}")
        for pattern in m.patterns:
            print(f"           {pattern}")
        print(f"action:    {rule.action}")
        print(f"category:  {rule.category}")
        if rule.scope:
            print(
                f"scope:     {'head' if rule.scope.head else 'tail'} "
                f"{rule.scope.head or rule.scope.tail}"
            )
        for name in (
            "max_words",
            "unless",
            "line_above",
            "unless_after",
            "unless_before",
            "valid_from",
            "valid_until",
            "max_cut_share",
        ):
            value = getattr(rule, name)
            if value is not None:
                print(f"{name + ':':<10} {value}")
        print(f"why:       {rule.why}")
        pack = rules.pack(rule.pack)
        for ex in pack.examples:
            refs = {r if "/" in r else f"{pack.id}/{r}" for r in ex.fires}
            near = {r if "/" in r else f"{pack.id}/{r}" for r in ex.near_miss_for}
            if rule.id in refs:
                print(f"example:   {ex.name} (fires)")
            if rule.id in near:
                print(f"example:   {ex.name} (near miss)")
        return EXIT_OK
    pack = rules.pack(rules.resolve(ident))
    print(f"pack:         {pack.id} ({pack.kind}, {pack.origin})")
    print(f"publisher:    {pack.publisher}")
    print(f"file:         {pack.path}")
    for label, values in (
        ("aliases", pack.aliases),
        ("domains", pack.domains),
        ("extends", pack.extends),
        ("fingerprints", _fingerprint_labels(pack)),
        ("sources", pack.sources),
    ):
        for i, value in enumerate(values):
            print(f"{label + ':' if i == 0 else '':<13} {value}")
    print(f"rules:        {len(pack.rules)}")
    for r in pack.rules:
        print(f"  {r.id:<40} {r.action:<10} {r.category}")
    print(f"examples:     {len(pack.examples)}")
    return EXIT_OK


def _fingerprint_labels(pack: Pack) -> tuple[str, ...]:
    return tuple(
        f"{f} (anywhere)" if anywhere else f
        for f, anywhere in zip(pack.fingerprints, pack.anywhere_flags(), strict=True)
    )


def _rules_test(rules: RuleSet, only: set[str] | None) -> int:
    from cleaner.testing import run_examples

    outcomes = run_examples(Cleaner(rules), only)
    failed = [o for o in outcomes if not o.passed]
    for o in failed:
        for line in o.lines():
            print(line)
    print(
        f"{len(outcomes)} examples, {len(outcomes) - len(failed)} passed, {len(failed)} failed",
        file=sys.stderr,
    )
    return EXIT_FAILED if failed else EXIT_OK


def _rules_suggest(args: argparse.Namespace, rules: RuleSet) -> int:
    from cleaner.suggest import Target, format_yaml, read_corpus, suggest

    if args.top < 1 or args.max_docs < 1:
        raise InputError("--top and --max-docs must be >= 1")
    target = Target.for_host(args.host) if args.host else Target(publisher=args.publisher)
    pack_id = rules.pack_for_host(target.host) if target.host else _resolved(rules, args.publisher)
    taken = {r.slug for r in rules.pack(pack_id).rules} if pack_id else set()
    fields = _fields(args)
    report = suggest(
        read_corpus(args.corpus, fields, args.id_field or None),
        Cleaner(rules),
        target,
        min_docs=args.min_docs,
        min_share=args.min_share,
        top=args.top,
        max_docs=args.max_docs,
        inputs=args.corpus,
        taken=taken,
    )
    if not report.documents:
        how = (
            f"URL field '{args.url_field}' on {target.host}"
            if target.host
            else f"publisher field '{args.publisher_field}' = {args.publisher!r}"
        )
        raise InputError(f"no documents with {how} among {report.scanned} records")
    _write(sys.stdout, format_yaml(report))
    print(
        f"{len(report.suggestions)} draft rule(s) from {report.documents} documents",
        file=sys.stderr,
    )
    return EXIT_OK


def _rules_cost(args: argparse.Namespace, rules: RuleSet) -> int:
    from itertools import islice

    from cleaner.cost import format_report, measure
    from cleaner.suggest import read_corpus

    if args.top < 1 or args.max_docs < 1:
        raise InputError("--top and --max-docs must be >= 1")
    fields = _fields(args)
    docs = islice(read_corpus(args.corpus, fields, None), args.max_docs)
    report = measure(docs, Cleaner(rules))
    if not report.documents:
        raise InputError(f"no document could be read from {', '.join(args.corpus)}")
    _write(sys.stdout, format_report(report, args.top))
    if args.json:
        import orjson

        Path(args.json).write_bytes(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2))
    return EXIT_OK


def _resolved(rules: RuleSet, name: str) -> str | None:
    try:
        return rules.resolve(name)
    except UnknownPublisherError:
        return None


def _rules_new(args: argparse.Namespace) -> int:
    from cleaner.ruleset import builtin_rules_dir
    from cleaner.scaffold import create_pack, normalize_domain

    path = create_pack(args.name, args.domain, args.publisher, args.dir)
    builtin = builtin_rules_dir() / path.name
    if builtin.exists() and builtin.resolve() != path.resolve():
        print(f"note: loaded with --rules, {path} replaces the built-in pack {args.name}")
    print(f"wrote {path}")
    print(f"next: clean rules test {path} && clean rules lint {path}")
    host = normalize_domain(args.domain[0])
    print(f"      clean rules suggest CORPUS.jsonl --host {host} --rules {path}")
    return EXIT_OK


def _rules_lint(rules: RuleSet, only: set[str] | None, strict: bool) -> int:
    from cleaner.lint import lint

    problems = lint(rules, only)
    for p in problems:
        print(p)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return EXIT_FAILED if errors or (strict and warnings) else EXIT_OK


# -- entry point -------------------------------------------------------------------------------
def _run_cache(argv: Sequence[str]) -> int:
    """``clean cache [info|clear|warm]``: see :mod:`cleaner.cachecmd`."""
    from cleaner import cachecmd
    from cleaner.cache import CACHE_ENV, cache_dir

    p = _Parser(
        prog="clean cache",
        description="What boilerclean keeps between runs (compiled databases and "
        f"patterns, parsed packs), in the folder {CACHE_ENV} names (off: none).",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION")
    sub.add_parser("info", help="the folder and what it holds (the default)")
    sub.add_parser("clear", help="remove boilerclean's files from the folder")
    sub.add_parser(
        "warm",
        parents=[_rule_options()],
        help="load the packs and compile every pattern and the Hyperscan database now",
    )
    args = p.parse_args(argv)
    folder = cache_dir()
    if folder is None:
        print(f"cache: off ({CACHE_ENV}=off, or no home folder); nothing is kept")
        return EXIT_OK
    if args.action == "clear":
        removed, freed = cachecmd.clear(folder)
        print(f"cache: {folder}: removed {removed} file(s), {freed / 1e6:.1f} MB")
        return EXIT_OK
    if args.action == "warm":
        done = cachecmd.warm(tuple(args.rules), builtin=not args.no_builtin)
        hs = "built" if done.hyperscan else "not used (not installed or switched off)"
        print(
            f"cache: {folder}: {done.packs} packs loaded, {done.patterns:,} patterns "
            f"compiled, Hyperscan database {hs}, in {done.seconds:.1f} s"
        )
    kinds = cachecmd.report(folder)
    print(f"cache: {folder}")
    for k in kinds:
        print(f"  {k.files:4d} file(s) {k.size / 1e6:8.1f} MB  {k.what} ({k.glob})")
    total = sum(k.size for k in kinds)
    print(f"  {sum(k.files for k in kinds):4d} file(s) {total / 1e6:8.1f} MB  in all")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (the console script exits with it)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "rules":
            return _run_rules(args[1:])
        if args and args[0] == "bench":
            from cleaner.bench import main as bench_main

            return bench_main(args[1:])
        if args and args[0] == "cache":
            return _run_cache(args[1:])
        return _run_clean(args)
    except RuleLoadError as exc:
        print(str(exc), file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in rule packs", file=sys.stderr)
        return EXIT_USAGE
    except RuleRuntimeError as exc:
        print(f"clean: {exc}", file=sys.stderr)
        return EXIT_RULE_FAILED
    except (UnknownPublisherError, InputError, CleanerError) as exc:
        print(f"clean: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("clean: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (clean x | head); not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # a path the system refuses (too long, no permission, ...)
        print(f"clean: {exc}", file=sys.stderr)
        return EXIT_USAGE


def entry() -> NoReturn:  # pragma: no cover - thin wrapper for python -m
    sys.exit(main())
