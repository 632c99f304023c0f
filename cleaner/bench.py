"""``clean bench``: measure the engines on this machine, on generated rules and text.

The numbers that matter are ratios measured in the same run (shared machines are noisy):
the fast engine against the reference engine over the same rules, and both against a
floor that only splits and joins lines. ``benchmarks/engine.py`` wraps this and writes
the table to ``benchmarks/results/``.

Everything is generated from a seed, so two runs clean the same bytes with the same rules.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import regex

from cleaner.engine import Cleaner
from cleaner.model import PackSource
from cleaner.ruleset import RuleSet

_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "was",
    "with",
    "he",
    "it",
    "as",
    "at",
    "by",
    "this",
    "from",
    "be",
    "have",
    "are",
    "or",
    "but",
    "not",
    "which",
    "were",
    "been",
    "has",
    "had",
    "their",
    "they",
    "said",
    "would",
    "year",
    "will",
    "more",
    "about",
    "its",
    "up",
    "after",
    "also",
    "new",
    "people",
    "one",
    "two",
    "first",
    "last",
    "over",
    "into",
    "than",
    "government",
    "company",
    "market",
    "shares",
    "percent",
    "million",
    "billion",
    "state",
    "president",
    "minister",
    "city",
    "police",
    "court",
    "report",
    "officials",
    "week",
    "month",
    "quarter",
    "analysts",
    "investors",
    "growth",
    "prices",
    "bank",
    "rates",
    "economy",
    "energy",
    "oil",
    "trade",
    "deal",
    "talks",
    "election",
    "vote",
    "council",
    "school",
    "health",
    "hospital",
    "water",
    "workers",
    "union",
    "strike",
    "plan",
    "budget",
    "tax",
    "data",
    "study",
    "research",
    "team",
    "season",
    "game",
    "players",
    "coach",
    "club",
    "league",
    "price",
    "sales",
    "revenue",
    "profit",
    "loss",
    "forecast",
    "outlook",
    "demand",
    "supply",
    "chief",
    "executive",
    "director",
    "spokesman",
    "statement",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "weekend",
    "morning",
    "evening",
    "north",
    "south",
    "east",
    "west",
    "region",
    "border",
    "capital",
    "river",
    "bridge",
    "road",
    "rail",
    "airport",
    "flight",
    "storm",
    "rain",
    "heat",
    "fire",
    "flood",
    "crops",
    "farmers",
    "exports",
    "imports",
    "factory",
    "plant",
    "jobs",
    "hiring",
    "wages",
    "inflation",
    "interest",
    "lenders",
    "borrowers",
    "homes",
    "rents",
    "tenants",
    "landlords",
    "mayor",
    "residents",
    "neighbours",
    "museum",
    "festival",
    "music",
    "film",
    "book",
]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _token(i: int) -> str:
    """A made-up word unique to rule i, so generated rules do not overlap."""
    letters = "bcdfghjklmnprstvz"
    vowels = "aeiou"
    out, n = [], i + 7
    while True:
        out.append(letters[n % len(letters)] + vowels[(n // len(letters)) % len(vowels)])
        n //= len(letters) * len(vowels)
        if n == 0:
            break
    return "".join(out).capitalize() + "x"


def make_pack(n_rules: int, seed: int = 1) -> tuple[str, list[str]]:
    """A pack of ``n_rules`` realistic rules and, for each, a line it removes."""
    rng = random.Random(seed)
    rules, triggers = [], []
    for i in range(n_rules):
        tok = _token(i)
        kind = i % 20
        if kind < 10:
            label = f"{rng.choice(('Read', 'See', 'Also', 'More'))} {tok}:"
            rules.append(f"  - {{id: r{i}, prefix: '{label}', category: related-link, why: g}}")
            triggers.append(f"{label} {_sentence(rng, 6)}")
        elif kind < 13:
            line = f"{tok} newsletter signup"
            rules.append(f"  - {{id: r{i}, exact: '{line}', category: newsletter, why: g}}")
            triggers.append(line)
        elif kind < 15:
            phrase = f"sponsored by {tok}"
            rules.append(
                f"  - {{id: r{i}, contains: '{phrase}', ignore_case: true, "
                f"category: promo, why: g, max_words: 30}}"
            )
            triggers.append(f"This segment is {phrase} and friends.")
        elif kind < 19:
            rules.append(
                f"  - {{id: r{i}, regex: '^(?:Photo|Image): {tok} (?:Media|Images)$', "
                f"category: photo-credit, why: g}}"
            )
            triggers.append(f"Photo: {tok} Images")
        else:
            rules.append(
                f"  - {{id: r{i}, regex: '^\\d{{1,3}} {tok} comments?$', "
                f"category: comment-prompt, why: g}}"
            )
            triggers.append(f"12 {tok} comments")
    text = "publisher: Generated\ndomains: [generated.example]\nrules:\n" + "\n".join(rules)
    return text + "\n", triggers


def make_documents(
    triggers: Sequence[str], n_docs: int, doc_bytes: int = 4096, seed: int = 2
) -> list[str]:
    """News-like documents with boilerplate lines mixed in (about one line in eight)."""
    rng = random.Random(seed)
    docs = []
    for _ in range(n_docs):
        lines: list[str] = []
        size = 0
        while size < doc_bytes:
            if triggers and rng.random() < 0.12:
                line = rng.choice(triggers)
            else:
                line = " ".join(
                    _sentence(rng, rng.randint(8, 24)) for _ in range(rng.randint(1, 3))
                )
                if rng.random() < 0.3:
                    line = line.replace(" the ", " the \u201cnew\u201d ", 1)
            lines.append(line)
            size += len(line.encode()) + 1
        docs.append("\n".join(lines))
    return docs


@dataclass(frozen=True)
class Row:
    rules: int
    engine: str
    mb_per_s: float
    docs: int
    megabytes: float


def _measure(fn: Callable[[str], object], docs: Sequence[str], min_seconds: float) -> Row:
    size = sum(len(d.encode()) for d in docs)
    done, bytes_done = 0, 0
    start = time.perf_counter()
    while True:
        for d in docs:
            fn(d)
        done += len(docs)
        bytes_done += size
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            break
    return Row(0, "", bytes_done / 1e6 / elapsed, done, bytes_done / 1e6)


def _floor(doc: str) -> str:
    """What any line cleaner must at least do: split into lines and join them again."""
    return "\n".join(doc.split("\n"))


def run(
    rule_counts: Sequence[int], n_docs: int, min_seconds: float, reference: bool = True
) -> list[Row]:
    """Measure the floor, the fast engine and (optionally) the reference engine."""
    rows: list[Row] = []
    for n in rule_counts:
        pack, triggers = make_pack(n)
        docs = make_documents(triggers, n_docs)
        ruleset = RuleSet.from_sources([PackSource("generated.yaml", pack, "user")])
        fast = Cleaner(ruleset, common=False, detect=False, accelerate=True)
        python = Cleaner(ruleset, common=False, detect=False, accelerate=False)
        patterns = [r.pattern.compiled for r in fast._index.rules]

        def naive(doc: str, patterns: list[regex.Pattern[str]] = patterns) -> str:
            kept = [line for line in doc.split("\n") if not any(p.search(line) for p in patterns)]
            return "\n".join(kept)

        engines: list[tuple[str, Callable[[str], object]]] = [
            ("floor (split+join)", _floor),
            ("naive loop (one pass)", naive),
            ("fast", partial(fast.clean, publisher="generated")),
            ("fast, pure-Python prefilter", partial(python.clean, publisher="generated")),
        ]
        if not fast.accelerate():
            engines.pop(2)  # no Hyperscan here: "fast" would repeat the pure-Python row
        if reference:
            slow = Cleaner(ruleset, common=False, detect=False, engine="reference")
            engines.append(("reference", partial(slow.clean, publisher="generated")))
        for name, fn in engines:
            slow_one = name == "reference" or name.startswith("naive")
            sample = docs[: max(20, len(docs) // 10)] if slow_one else docs
            r = _measure(fn, sample, min_seconds)
            rows.append(Row(n, name, r.mb_per_s, r.docs, r.megabytes))
    return rows


def table(rows: Sequence[Row]) -> str:
    """Markdown table with ratios to the reference engine and to the naive loop."""
    out = ["| rules | engine | MB/s | vs reference | vs naive loop |", "|---:|---|---:|---:|---:|"]
    ref = {r.rules: r.mb_per_s for r in rows if r.engine == "reference"}
    naive = {r.rules: r.mb_per_s for r in rows if r.engine.startswith("naive")}

    def ratio(value: float, base: dict[int, float], n: int) -> str:
        return f"{value / base[n]:.1f}x" if base.get(n) else ""

    for r in rows:
        out.append(
            f"| {r.rules} | {r.engine} | {r.mb_per_s:.2f} | "
            f"{ratio(r.mb_per_s, ref, r.rules)} | {ratio(r.mb_per_s, naive, r.rules)} |"
        )
    return "\n".join(out) + "\n"


def main(argv: Sequence[str]) -> int:
    if argv and argv[0] == "quality":
        return quality_main(argv[1:])
    p = argparse.ArgumentParser(
        prog="clean bench",
        description="Engine throughput on generated rules and 4 KB news-like documents. "
        "(clean bench quality: cleaning quality on labelled pages.)",
    )
    p.add_argument("what", nargs="?", default="engine", choices=("engine",))
    p.add_argument("--rules", default="10,100,1000", help="rule counts (default 10,100,1000)")
    p.add_argument("--docs", type=int, default=400, help="documents per rule count")
    p.add_argument("--seconds", type=float, default=1.0, help="minimum time per measurement")
    p.add_argument("--no-reference", action="store_true", help="skip the slow reference engine")
    p.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = p.parse_args(argv)
    counts = [int(x) for x in args.rules.split(",") if x.strip()]
    rows = run(counts, args.docs, args.seconds, reference=not args.no_reference)
    sys.stdout.write(table(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump([asdict(r) for r in rows], fh, indent=2)
    return 0


def quality_main(argv: Sequence[str]) -> int:
    """``clean bench quality``: score cleaning on labelled pages (see cleaner.quality)."""
    from cleaner import quality

    p = argparse.ArgumentParser(
        prog="clean bench quality",
        description="Line-level cleaning quality on labelled pages (JSONL with scraped_text "
        "and expected_text), per tune/check split, with the article lines removed.",
    )
    p.add_argument("data", help="labelled pages, .jsonl or .jsonl.gz")
    p.add_argument("--split", choices=("tune", "check", "all"), default="all")
    p.add_argument(
        "--generic",
        action="store_true",
        help="the common pack alone: no publisher packs, no detection, no URL",
    )
    p.add_argument("--no-url", action="store_true", help="do not pass page URLs")
    p.add_argument(
        "--html",
        action="store_true",
        help="clean each page's html field (HTML mode) instead of its scraped_text",
    )
    p.add_argument("--by", choices=("language", "publisher"), help="add a breakdown")
    p.add_argument(
        "--lost",
        choices=quality.LOST_CHOICES,
        default="tune",
        help="whose wrongly removed article lines to list (default: the tune half's, so "
        "that check-half lines never guide a rule edit)",
    )
    p.add_argument("--baseline", action="store_true", help="also score no cleaning at all")
    p.add_argument(
        "--rules", action="append", default=[], metavar="DIR", help="also load packs from DIR"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="also write the report here")
    args = p.parse_args(argv)
    pages = quality.load_pages(args.data)
    if args.split != "all":
        pages = [pg for pg in pages if quality.split_of(pg.get("publisher") or "") == args.split]
    rules = RuleSet.load(args.rules)
    cleaner = Cleaner(rules, packs=["common"], detect=False) if args.generic else Cleaner(rules)
    out = []
    if args.baseline:
        out += ["No cleaning:", "", quality.report(quality.run(None, pages), lost="none")]
    label = "Common pack alone" if args.generic else "All packs"
    if args.html:
        label = "HTML mode, generic stage and common pack" if args.generic else "HTML mode"
    use_url = not (args.generic or args.no_url)
    out += [
        f"{label}:",
        "",
        quality.report(
            quality.run(cleaner, pages, use_url=use_url, html=args.html),
            by=args.by,
            lost=args.lost,
        ),
    ]
    text = "\n".join(out)
    sys.stdout.write(text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0
