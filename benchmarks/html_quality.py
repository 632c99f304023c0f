"""HTML mode against the field: quality and speed on the same labelled pages, in one run.

    python benchmarks/html_quality.py [../shared/data/labelled-pages.dev.jsonl.gz]

Systems, each given the page's HTML as bytes (what a crawler hands over):

- boilerclean with its packs (the page URL given), and the generic stage alone (the common
  pack only: no publisher packs, no detection, no URL);
- trafilatura ``extract(favor_precision=True, include_comments=False)``;
- jusText with the stop list of the page's language (English when it has none);
- resiliparse ``extract_plain_text(main_content=True)``.

trafilatura, jusText and resiliparse are benchmark-only (``pip install trafilatura justext
lxml_html_clean resiliparse``); a missing one is skipped. Quality uses the project's
scorer (:mod:`cleaner.quality`, line metrics on ``expected_text``), per tune/check split
and for English and German; speed is MB of HTML per second on one core, the best of
``--repeat`` passes over all pages, taken round-robin (a pass of each system, then the next
round: a shared machine is noisy, and load then falls on every system alike; the ratios
in one run are the result). Writes ``benchmarks/results/html.md`` and ``html.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cleaner import quality
from cleaner.engine import Cleaner

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "labelled-pages.dev.jsonl.gz"

Extractor = Callable[[bytes, dict[str, Any]], str]


def systems() -> dict[str, Extractor]:
    """The extractors that are installed, by row label."""
    found: dict[str, Extractor] = {}
    packs = Cleaner()
    generic = Cleaner(packs=["common"], detect=False)
    packs.accelerate()
    generic.accelerate()
    found["boilerclean, packs"] = lambda html, page: packs.clean_html(html, url=page["url"]).text
    found["boilerclean, generic stage"] = lambda html, page: generic.clean_html(html).text
    try:
        import trafilatura

        def traf(html: bytes, page: dict[str, Any]) -> str:
            out = trafilatura.extract(html, favor_precision=True, include_comments=False)
            return out or ""

        found["trafilatura, favor_precision"] = traf
    except ImportError:
        print("trafilatura not installed: skipped", file=sys.stderr)
    try:
        import justext  # type: ignore[import-untyped]

        lists = {name.lower() for name in justext.get_stoplists()}
        names = {"en": "English", "de": "German", "es": "Spanish", "pt": "Portuguese",
                 "fr": "French", "it": "Italian", "cs": "Czech", "pl": "Polish",
                 "sv": "Swedish", "da": "Danish", "no": "Norwegian_Bokmal", "tr": "Turkish",
                 "ru": "Russian", "lt": "Lithuanian"}  # fmt: skip

        def jt(html: bytes, page: dict[str, Any]) -> str:
            name = names.get(page.get("language") or "", "English")
            stop = justext.get_stoplist(name if name.lower() in lists else "English")
            paragraphs = justext.justext(html, stop)
            return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

        found["jusText"] = jt
    except ImportError:
        print("justext not installed: skipped", file=sys.stderr)
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree

        def rp(html: bytes, page: dict[str, Any]) -> str:
            tree = HTMLTree.parse_from_bytes(html)
            return str(extract_plain_text(tree, main_content=True))

        found["resiliparse, main content"] = rp
    except ImportError:
        print("resiliparse not installed: skipped", file=sys.stderr)
    return found


def measure(
    fns: dict[str, Extractor], pages: list[dict[str, Any]], blobs: list[bytes], repeat: int
) -> tuple[dict[str, list[str]], dict[str, float]]:
    """Outputs of one pass per system and each system's best MB/s of ``repeat`` passes.

    Passes go round-robin (a pass of every system, then the next round), so that load from
    other processes on a shared machine falls on all systems alike and the ratios hold.
    """
    best = dict.fromkeys(fns, float("inf"))
    outputs: dict[str, list[str]] = {}
    for _ in range(repeat):
        for label, fn in fns.items():
            start = time.perf_counter()
            outputs[label] = [fn(blob, page) for blob, page in zip(blobs, pages, strict=True)]
            best[label] = min(best[label], time.perf_counter() - start)
    size = sum(map(len, blobs))
    return outputs, {label: size / t / 1e6 for label, t in best.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    p.add_argument("--repeat", type=int, default=3, help="timed passes per system (best wins)")
    p.add_argument("--only", nargs="*", help="rows whose label contains one of these words")
    p.add_argument("--out", default=str(HERE / "results" / "html.md"))
    args = p.parse_args(argv)
    if not Path(args.data).exists():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    warnings.simplefilter("ignore")
    pages = quality.load_pages(args.data)
    blobs = [page["html"].encode("utf-8") for page in pages]
    rows: dict[str, dict[str, Any]] = {}
    found = systems()
    if args.only:
        found = {k: v for k, v in found.items() if any(w in k for w in args.only)}
    every, speeds = measure(found, pages, blobs, args.repeat)
    for label, outputs in every.items():
        mbps = speeds[label]
        scores = [quality.score_page(page, out) for page, out in zip(pages, outputs, strict=True)]
        groups = {
            "all": scores,
            "tune": [s for s in scores if s.split == "tune"],
            "check": [s for s in scores if s.split == "check"],
            "en": [s for s in scores if s.language == "en"],
            "de": [s for s in scores if s.language == "de"],
        }
        rows[label] = {"mbps": mbps, **{k: vars(quality.Summary.of(v)) for k, v in groups.items()}}
        f1 = rows[label]["all"]["line_f1"]
        print(f"{label}: {mbps:.1f} MB/s, line F1 {f1:.3f}", file=sys.stderr)
    text = report(rows, len(pages), sum(map(len, blobs)))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    Path(args.out).with_suffix(".json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    sys.stdout.write(text)
    return 0


def report(rows: dict[str, dict[str, Any]], pages: int, size: int) -> str:
    base = next((r["mbps"] for k, r in rows.items() if k.startswith("trafilatura")), None)
    out = [
        f"# HTML mode against the field ({pages} labelled pages, {size / 1e6:.1f} MB of HTML)",
        "",
        "Line metrics on `expected_text` (cleaner.quality); speed: MB of HTML per second, one "
        "core, best of 3 passes taken round-robin, all systems in the same run.",
        "",
        "| system | set | lineP | lineR | lineF1 | boilerplate removed | article kept | MB/s |"
        + (" vs trafilatura |" if base else ""),
        "|---|---|---:|---:|---:|---:|---:|---:|" + ("---:|" if base else ""),
    ]
    for label, row in rows.items():
        for key in ("all", "tune", "check", "en", "de"):
            s = row[key]
            speed = f"{row['mbps']:.1f}" if key == "all" else ""
            ratio = f"{row['mbps'] / base:.1f}x" if base and key == "all" else ""
            out.append(
                f"| {label} | {key} | {s['line_p']:.3f} | {s['line_r']:.3f} | "
                f"{s['line_f1']:.3f} | {s['bp_removed']:.1%} | {s['art_kept']:.2%} | {speed} |"
                + (f" {ratio} |" if base else "")
            )
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
