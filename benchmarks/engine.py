"""Engine throughput: the fast engine beside the reference engine over the same rules.

Run:  python benchmarks/engine.py            (writes benchmarks/results/engine.md)
      python benchmarks/engine.py --quick    (fewer documents, shorter timings)

Rows for 10, 100 and 1,000 generated rules on 4 KB news-like documents, all measured in
one run: a floor that only splits and joins lines, a naive one-pass loop (every rule's
regex on every line), the fast engine and the reference engine. The ratios are the
result; absolute MB/s depend on the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from cleaner import __version__
from cleaner.bench import run, table

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer documents, shorter timings")
    p.add_argument("--rules", default="10,100,1000")
    args = p.parse_args()
    counts = [int(x) for x in args.rules.split(",")]
    docs, seconds = (100, 0.5) if args.quick else (400, 2.0)
    rows = run(counts, docs, seconds)
    text = table(rows)
    fast = {r.rules: r.mb_per_s for r in rows if r.engine == "fast"}
    ref = {r.rules: r.mb_per_s for r in rows if r.engine == "reference"}
    verdict = [
        f"- {n} rules: fast engine {fast[n] / ref[n]:.0f}x the reference engine"
        for n in counts
        if ref.get(n)
    ]
    header = (
        f"# Engine throughput\n\nboilerclean {__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}, one core, {time.strftime('%Y-%m-%d')}.\n"
        "4 KB generated news-like documents, about one line in eight boilerplate.\n\n"
    )
    out = header + text + "\n" + "\n".join(verdict) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "engine.md").write_text(out, encoding="utf-8")
    sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
