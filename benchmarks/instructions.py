"""Instructions per document, counted by valgrind's callgrind: a figure noise cannot move.

    python benchmarks/instructions.py                     # 100 and 5,000 generated rules
    python benchmarks/instructions.py --rules 100,1000,5000 --docs 300

On a shared machine the same timing row moves by up to 1.8 times between runs, which is
more than most of the differences worth knowing (does a change speed the engine up; do
5,000 rules cost more than 100 per document). Callgrind counts the instructions a
process executes; the same program on the same input gives the same count to a fraction
of a percent, whatever else the machine is doing. Each figure is the difference between
a process that cleans the documents ``passes + 1`` times and one that cleans them once
(loading, compiling and the first, cold pass cancel out), divided by the documents
cleaned: the steady-state cost of one document. Instructions are not time (cache misses
and branch mispredictions are not in them), so this complements the MB/s rows of
``throughput.py``; it does not replace them.

Needs ``valgrind`` on the PATH; a run under it is some 50 times slower than native, so
keep ``--docs`` small. Writes ``results/instructions.md``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"

CHILD = """
import sys
from cleaner import Cleaner, RuleSet
from cleaner.bench import make_pack, make_documents
from cleaner.model import PackSource
n_rules, n_docs, doc_bytes, passes = (int(x) for x in sys.argv[1:5])
pack, triggers = make_pack(n_rules)
docs = make_documents(triggers, n_docs, doc_bytes)
rs = RuleSet.from_sources([PackSource("generated.yaml", pack, "user")])
cleaner = Cleaner(rs, common=False, detect=False, accelerate=True)
cleaner.accelerate()
for _ in range(1 + passes):  # the first pass compiles what the documents need
    for d in docs:
        cleaner.clean(d, publisher="generated")
"""


def instructions(script: Path, *argv: str) -> int:
    """Instructions callgrind counted for one run of the child script."""
    out = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            str(script),
            *argv,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected\s*:\s*(\d+)", out.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def per_document(script: Path, rules: int, docs: int, doc_bytes: int, passes: int) -> float:
    base = instructions(script, str(rules), str(docs), str(doc_bytes), "0")
    more = instructions(script, str(rules), str(docs), str(doc_bytes), str(passes))
    return (more - base) / (passes * docs)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rules", default="100,5000", help="comma-separated rule counts")
    p.add_argument("--docs", type=int, default=600, help="documents per pass")
    p.add_argument("--doc-bytes", type=int, default=4096)
    p.add_argument("--passes", type=int, default=2, help="steady-state passes measured")
    args = p.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: nothing to count", file=sys.stderr)
        return 2
    counts = [int(x) for x in args.rules.split(",") if x.strip()]
    rows: list[tuple[int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "child.py"
        script.write_text(CHILD, encoding="utf-8")
        for n in counts:
            cost = per_document(script, n, args.docs, args.doc_bytes, args.passes)
            rows.append((n, cost))
            print(f"{n:>6} rules: {cost:,.0f} instructions per document", flush=True)
    first = rows[0][1]
    lines = [
        "# Instructions per document",
        "",
        f"callgrind, {time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, "
        f"{args.docs} generated documents of {args.doc_bytes} bytes, fast engine, steady "
        f"state ({args.passes} passes after a first one)",
        "",
        f"| rules | instructions per document | vs {counts[0]} rules |",
        "|---:|---:|---:|",
        *(f"| {n:,} | {cost:,.0f} | {cost / first:.2f}x |" for n, cost in rows),
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "instructions.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS / 'instructions.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
