"""The 1 GB proof: peak memory stays flat as the corpus grows, and 2 workers scale.

    python benchmarks/scale_proof.py --size 1GB        # writes results/scale.md

Generates (or reuses, with --keep DIR) corpora of 100 MB and --size, cleans each with
1 and 2 workers in a fresh process, and reports MB/s and the peak resident memory of the
parent and of the largest worker. Long: minutes per gigabyte. Not part of CI.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PY = sys.executable

RUN = """
import json, os, resource, sys, time
from cleaner import Cleaner
from cleaner.corpus import CorpusOptions, run_corpus
src, dst, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = time.perf_counter()
run_corpus(Cleaner(), CorpusOptions(inputs=(src,), output=dst, workers=workers, quiet=True))
print(json.dumps({
    "seconds": time.perf_counter() - t,
    "bytes": os.path.getsize(src),
    "parent_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", default="1GB")
    p.add_argument("--keep", metavar="DIR", help="keep and reuse generated corpora here")
    args = p.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="boilerclean-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in ("100MB", args.size):
        corpus = work / f"news-{size}.jsonl"
        if not corpus.exists():
            subprocess.run(
                [PY, str(ROOT / "corpus.py"), "--size", size, "-o", str(corpus)], check=True
            )
        for workers in (1, 2):
            proc = subprocess.run(
                [PY, "-c", RUN, str(corpus), str(work / "out.jsonl"), str(workers)],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            row.update(size=size, workers=workers, mb_per_s=row["bytes"] / 1e6 / row["seconds"])
            rows.append(row)
            print(
                f"{size:>6} {workers} worker(s): {row['mb_per_s']:7.2f} MB/s, parent peak "
                f"{row['parent_peak_mb']:6.1f} MB, largest worker {row['worker_peak_mb']:6.1f} MB",
                flush=True,
            )
    out = [
        "# Scale proof",
        "",
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores",
        "",
        "| corpus | workers | MB/s | parent peak MB | largest worker peak MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['size']} | {r['workers']} | {r['mb_per_s']:.2f} | "
            f"{r['parent_peak_mb']:.1f} | {r['worker_peak_mb']:.1f} |"
        )
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "scale.md").write_text("\n".join(out) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
