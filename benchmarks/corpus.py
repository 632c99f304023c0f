"""Deterministic news-like corpus with boilerplate where publishers put it, and the truth.

    python benchmarks/corpus.py --size 100MB -o /tmp/news.jsonl
    python benchmarks/corpus.py --size 1GB -o /tmp/news.jsonl.zst
    python benchmarks/corpus.py --size 50MB -o /tmp/news.parquet
    python benchmarks/corpus.py --size 50MB --html -o /tmp/pages.jsonl

Each record: ``id``, ``url`` (a real domain of one of the built-in packs), ``text`` (the
article with boilerplate lines mixed in: mostly in the tail, some in the head, related
links between paragraphs) and ``article`` (the true text, as cleaning should return it).
Boilerplate lines are taken from the packs' own examples (the lines their examples show
being removed), so they are real phrasing. Article sentences are generated from a fixed
vocabulary. The encoding mix is settable: typographic punctuation in about half of the
documents, mojibake in ``--mojibake`` of them (default 1%), an HTML entity in
``--entities`` of them (default 2%). The same seed and size give the same bytes.

With ``--html`` each record holds ``html`` instead of ``text``: a whole news page around
the same lines (benchmarks/pages.py: scripts, menu, the article, related links, a form,
comments, a footer), for ``--html-field html``; ``article`` is the truth as before.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson

from cleaner import Cleaner, RuleSet
from cleaner.bench import _WORDS
from cleaner.corpus.formats import compression_of, format_of
from cleaner.model import Example

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import page  # a sibling module of this script

UNITS = {"KB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000}


def parse_size(text: str) -> int:
    text = text.strip().upper()
    for unit, factor in UNITS.items():
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def removed_lines(example: Example) -> list[str]:
    """Lines an example shows being removed: real boilerplate phrasing of its publisher."""
    if example.expected is None:
        return []
    kept = set(example.expected.split("\n"))
    return [line for line in example.input.split("\n") if line.strip() and line not in kept]


_STUB = [
    "The council met on Tuesday to discuss the new budget for roads and schools in the region.",
    "Officials said the plan would be published in full once the vote had taken place next week.",
    "Residents were invited to send comments before the end of the month, the council said.",
    "The mayor said she expected a close vote but was confident the plan would pass in time.",
    "Opposition members said the budget did too little for housing and public transport.",
    "A final decision is expected before the summer recess, according to council officials.",
]


def boilerplate_by_pack(rules: RuleSet) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per pack: lines its examples show removed that the packs remove on their own at the
    end of an article (tail lines), and those that go alone from mid-article (middle)."""
    cleaner = Cleaner(rules)
    tails: dict[str, list[str]] = {}
    middles: dict[str, list[str]] = {}
    for pack in rules.packs:
        publisher = None if pack.kind == "shared" else pack.id
        for line in sorted({x for ex in pack.examples for x in removed_lines(ex)}):
            if cleaner.clean("\n".join([*_STUB, line]), publisher=publisher).text == "\n".join(
                _STUB
            ):
                tails.setdefault(pack.id, []).append(line)
                doc = [*_STUB[:3], line, *_STUB[3:]]
                if cleaner.clean("\n".join(doc), publisher=publisher).text == "\n".join(_STUB):
                    middles.setdefault(pack.id, []).append(line)
    return tails, middles


class Generator:
    """Documents of one seed; ``documents()`` yields (record, text, article) forever."""

    def __init__(
        self,
        seed: int,
        mojibake: float,
        entities: float,
        doc_bytes: int,
        script_kb: int | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        self.script_kb = script_kb  # None: text records; a size: HTML pages (see pages.py)
        self.rules = RuleSet.load(env=False)
        self.boilerplate, self.middle = boilerplate_by_pack(self.rules)
        self.common = self.boilerplate.pop("common", [])
        self.packs = [p for p in self.rules.packs if p.id in self.boilerplate and p.domains]
        self.mojibake = mojibake
        self.entities = entities
        self.doc_bytes = doc_bytes

    def sentence(self, typographic: bool) -> str:
        rng = self.rng
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 26))]
        if rng.random() < 0.3:
            words.insert(rng.randint(0, len(words)), str(rng.randint(2, 9_999)))
        text = " ".join(words)
        text = text[0].upper() + text[1:] + "."
        if typographic and rng.random() < 0.25:
            quote = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 9)))
            text += f" \u201c{quote.capitalize()},\u201d the spokesman said."
        elif typographic and rng.random() < 0.15:
            text = text[:-1] + " \u2014 at least for now."
        return text

    def article(self, typographic: bool) -> list[str]:
        paragraphs: list[str] = []
        size = 0
        target = self.rng.randint(self.doc_bytes // 2, self.doc_bytes * 3 // 2)
        while size < target or len(paragraphs) < 3:
            para = " ".join(self.sentence(typographic) for _ in range(self.rng.randint(1, 4)))
            paragraphs.append(para)
            size += len(para) + 1
        return paragraphs

    def document(self, n: int) -> dict[str, object]:
        rng = self.rng
        pack = rng.choice(self.packs)
        typographic = rng.random() < 0.5
        paragraphs = self.article(typographic)
        truth = list(paragraphs)
        lines = list(paragraphs)
        own = self.boilerplate[pack.id]
        tail = rng.sample(own, min(len(own), rng.randint(1, 5)))
        if self.common and rng.random() < 0.4:
            tail.append(rng.choice(self.common))
        lines += tail
        if rng.random() < 0.3 and self.middle.get(pack.id):
            at = rng.randint(1, max(1, len(paragraphs) - 1))
            lines.insert(at, rng.choice(self.middle[pack.id]))
        # where each paragraph sits, taken before any is changed: both changes below may
        # pick the same paragraph
        at_line = [lines.index(p) for p in paragraphs]
        if rng.random() < self.entities:
            i = rng.randrange(len(paragraphs))
            lines[at_line[i]] += " AT&amp;T agreed."
            truth[i] += " AT&T agreed."
        if rng.random() < self.mojibake:
            i = rng.randrange(len(paragraphs))
            suffix = " Caf\u00e9 owners said it\u2019s fine."
            lines[at_line[i]] = (
                (lines[at_line[i]] + suffix).encode("utf-8").decode("cp1252", errors="replace")
            )
            truth[i] += suffix
        domain = pack.domains[0]
        url = f"https://www.{domain}/news/{2020 + n % 6}/{n:09d}"
        if self.script_kb is not None:
            return {
                "id": n,
                "url": url,
                "html": page(rng, _WORDS, url, pack.publisher, lines, self.script_kb),
                "article": "\n".join(truth),
                "boilerplate_lines": len(lines) - len(paragraphs),
            }
        return {
            "id": n,
            "url": url,
            "text": "\n".join(lines),
            "article": "\n".join(truth),
            "boilerplate_lines": len(lines) - len(paragraphs),
        }

    def documents(self) -> Iterator[dict[str, object]]:
        n = 0
        while True:
            yield self.document(n)
            n += 1


def write(path: str, size: int, gen: Generator) -> int:
    """Write records until ``size`` bytes of JSONL; returns the number of documents."""
    fmt = format_of(path)
    docs = gen.documents()
    count = 0
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        writer = None
        written = 0
        while written < size:
            batch = [next(docs) for _ in range(2_000)]
            written += sum(len(orjson.dumps(r)) + 1 for r in batch)
            table = pa.Table.from_pylist(batch)
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
            count += len(batch)
        if writer is not None:
            writer.close()
        return count
    kind = compression_of(path)
    raw = open(path, "wb")  # noqa: SIM115 - wrapped below, closed at the end
    if kind == "zst":
        import zstandard

        out = zstandard.ZstdCompressor(level=3).stream_writer(raw)
    elif kind == "gz":
        import gzip

        out = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6)
    else:
        out = raw
    written = 0
    while written < size:
        line = orjson.dumps(next(docs)) + b"\n"
        out.write(line)
        written += len(line)
        count += 1
    out.close()
    if out is not raw:
        raw.close()
    return count


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-o", "--output", required=True, help=".jsonl[.gz|.zst] or .parquet")
    p.add_argument("--size", default="100MB", help="uncompressed JSONL bytes (100MB, 1GB)")
    p.add_argument("--doc-kb", type=float, default=4.0, help="typical article size in KB")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mojibake", type=float, default=0.01)
    p.add_argument("--entities", type=float, default=0.02)
    p.add_argument("--html", action="store_true", help="whole news pages in an html field")
    p.add_argument("--script-kb", type=int, default=24, help="inline script per page (--html)")
    args = p.parse_args(argv)
    gen = Generator(
        args.seed,
        args.mojibake,
        args.entities,
        int(args.doc_kb * 1000),
        args.script_kb if args.html else None,
    )
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    n = write(args.output, parse_size(args.size), gen)
    sys.stderr.write(f"wrote {n:,} documents to {args.output}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
