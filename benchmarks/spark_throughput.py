"""Spark local mode against single-machine corpus mode, on the same news-like JSONL.

    python benchmarks/spark_throughput.py                  # 200 MB, writes results/spark.*
    python benchmarks/spark_throughput.py --size 50MB      # quicker
    python benchmarks/spark_throughput.py --cores 4 --keep /tmp/bench

The corpus is ``benchmarks/corpus.py``'s (same seed, same bytes as the throughput suite
for the same size). Every row runs in its own process and is timed from outside, wall
clock, on the same input file, with the same number of cores:

- corpus mode: ``clean IN -o OUT --workers N`` (process start and rule compilation
  included);
- Spark ``local[N]``, one session for three jobs, each reading the JSONL with the
  corpus's schema given (no inference pass) and writing JSONL: the Spark I/O floor (read
  and write, nothing else), ``clean_dataframe`` (read, clean, write), then the same
  again to show the steady state once the JVM has warmed up; the session's start-up is
  reported on its own;
- ``spark-submit examples/spark_clean.py IN OUT``: what a user runs, end to end (JVM
  start, schema inference, cleaning, writing).

Each row also records the one-minute load average when it ended: on a shared machine the
rows are only comparable when that stayed near the core count.

The cleaned texts of corpus mode and of ``clean_dataframe`` are compared record by
record: a run whose outputs differ says how many, cleans those records again with the
library to show which side departed from it, and exits 1. Writes
``results/spark.md`` and ``results/spark.json``. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
RESULTS = ROOT / "results"
PY = sys.executable
BIN = Path(PY).parent

SCHEMA = "id long, url string, text string, article string, boilerplate_lines long"

#: Runs in its own process: one local[N] session, three timed jobs, JSON on the last line.
SPARK_JOBS = """
import json, sys, time
started = time.perf_counter()
from pyspark.sql import SparkSession
from cleaner.integrations.spark import clean_dataframe

src, out, cores, schema = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
spark = (
    SparkSession.builder.master(f"local[{cores}]").appName("boilerclean-bench")
    .config("spark.ui.enabled", "false")
    .config("spark.driver.host", "127.0.0.1")
    .config("spark.driver.bindAddress", "127.0.0.1")
    .config("spark.driver.memory", "2g")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
times = {"session": time.perf_counter() - started}

def job(name, clean):
    t = time.perf_counter()
    df = spark.read.schema(schema).json(src)
    if clean:
        df = clean_dataframe(df)
    df.write.mode("overwrite").json(f"{out}/{name}")
    times[name] = time.perf_counter() - t

job("floor", clean=False)
job("clean", clean=True)
job("clean_again", clean=True)
times["partitions"] = spark.read.schema(schema).json(src).rdd.getNumPartitions()
times["arrow_batch"] = int(spark.conf.get("spark.sql.execution.arrow.maxRecordsPerBatch"))
spark.stop()
print(json.dumps(times))
"""


def spark_env() -> dict[str, str]:
    """Workers run this interpreter; the session stays on the loopback interface."""
    env = {**os.environ, "PYSPARK_PYTHON": PY, "PYSPARK_DRIVER_PYTHON": PY}
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    env.pop("SPARK_HOME", None)
    return env


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall-clock seconds of a command and its stdout; raises with its stderr on failure."""
    started = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} ... failed:\n{proc.stderr[-3000:]}")
    return seconds, proc.stdout


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def text_digests(paths: list[Path]) -> dict[int, str]:
    """id -> digest of the cleaned text, over JSONL files (Spark drops null fields)."""
    out: dict[int, str] = {}
    for path in paths:
        with open(path, "rb") as f:
            for line in f:
                rec = orjson.loads(line)
                out[int(rec["id"])] = digest(rec.get("text") or "")
    return out


def library_digests(corpus: Path, ids: set[int]) -> dict[int, str]:
    """What the library returns for the records ``ids``, cleaned here in one process."""
    from cleaner import Cleaner

    cleaner = Cleaner()
    out: dict[int, str] = {}
    with open(corpus, "rb") as f:
        for line in f:
            rec = orjson.loads(line)
            if rec["id"] in ids:
                out[rec["id"]] = digest(cleaner.clean(rec["text"], url=rec["url"]).text)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", default="200MB", help="corpus size (uncompressed JSONL)")
    p.add_argument("--cores", type=int, default=2, help="corpus-mode workers = Spark local[N]")
    p.add_argument("--keep", metavar="DIR", help="keep the corpus and outputs in DIR")
    args = p.parse_args(argv)
    work = Path(args.keep or tempfile.mkdtemp(prefix="boilerclean-spark-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"news-{args.size}.jsonl"
    if not corpus.exists():
        subprocess.run(
            [PY, str(ROOT / "corpus.py"), "--size", args.size, "-o", str(corpus)], check=True
        )
    size_mb = corpus.stat().st_size / 1e6
    n = args.cores
    rows: list[dict[str, object]] = []

    def add(name: str, seconds: float, note: str = "") -> None:
        rate = size_mb / seconds
        load = round(os.getloadavg()[0], 1)
        rows.append(
            {
                "name": name,
                "seconds": round(seconds, 1),
                "mb_per_s": round(rate, 2),
                "load": load,
                "note": note,
            }
        )
        print(f"{name:62} {seconds:7.1f} s {rate:8.2f} MB/s  load {load}", flush=True)

    corpus_out = work / "corpus-out.jsonl"
    corpus_out.unlink(missing_ok=True)
    seconds, _ = timed(
        [str(BIN / "clean"), str(corpus), "-o", str(corpus_out), "--workers", str(n), "-q"]
    )
    add(f"corpus mode: clean IN -o OUT --workers {n}", seconds, "whole command")
    corpus_rate = size_mb / seconds

    spark_out = work / "spark-out"
    shutil.rmtree(spark_out, ignore_errors=True)
    _, stdout = timed(
        [PY, "-c", SPARK_JOBS, str(corpus), str(spark_out), str(n), SCHEMA], env=spark_env()
    )
    jobs = json.loads(stdout.strip().splitlines()[-1])
    print(f"spark session start-up {jobs['session']:.1f} s", flush=True)
    add(f"Spark local[{n}]: read + write JSONL, no cleaning", jobs["floor"], "Spark I/O floor")
    add(f"Spark local[{n}]: read + clean_dataframe + write", jobs["clean"], "first cleaning job")
    add(
        f"Spark local[{n}]: the same, second run",
        jobs["clean_again"],
        "warm JVM and Python workers",
    )
    spark_rate = size_mb / min(jobs["clean"], jobs["clean_again"])

    submit_out = work / "submit-out"
    shutil.rmtree(submit_out, ignore_errors=True)
    seconds, _ = timed(
        [
            str(BIN / "spark-submit"),
            "--master",
            f"local[{n}]",
            "--driver-memory",
            "2g",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.driver.host=127.0.0.1",
            str(REPO / "examples" / "spark_clean.py"),
            str(corpus),
            str(submit_out),
        ],
        env=spark_env(),
    )
    add(
        f"spark-submit examples/spark_clean.py, local[{n}]",
        seconds,
        "whole command: JVM start, schema inference, clean, write",
    )

    expected = text_digests([corpus_out])
    got = text_digests(sorted((spark_out / "clean").glob("part-*.json")))
    differing = {k for k, v in expected.items() if got.get(k) != v} | (set(got) - set(expected))
    differ = len(differing)
    # the other two Spark outputs must be the first one's, record for record
    spark_runs_agree = all(
        text_digests(sorted(other.glob("part-*.json"))) == got
        for other in (spark_out / "clean_again", submit_out)
    )
    # which side gives what the library gives, cleaned again now in one process
    oracle = library_digests(corpus, differing)
    spark_right = sum(1 for k in differing if got.get(k) == oracle.get(k))
    corpus_right = sum(1 for k in differing if expected.get(k) == oracle.get(k))

    meta = (
        f"boilerclean Spark vs corpus mode, {time.strftime('%Y-%m-%d')}, Python "
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"corpus {size_mb:.0f} MB JSONL ({len(expected):,} documents), {n} cores each, "
        f"{jobs['partitions']} input partitions, Arrow batches of {jobs['arrow_batch']:,} rows"
    )
    summary = {
        "corpus_mb_per_s": round(corpus_rate, 2),
        "spark_mb_per_s": round(spark_rate, 2),
        "spark_vs_corpus": round(spark_rate / corpus_rate, 2),
        "spark_session_seconds": round(jobs["session"], 1),
        "documents": len(expected),
        "documents_differing": differ,
        "spark_runs_agree": spark_runs_agree,
        "differing_where_spark_matches_library": spark_right,
        "differing_where_corpus_mode_matches_library": corpus_right,
    }
    lines = [
        f"# Spark local mode vs corpus mode\n\n{meta}\n",
        "| row | seconds | MB/s | load after | note |",
        "|---|---:|---:|---:|---|",
        *(
            f"| {r['name']} | {r['seconds']} | {r['mb_per_s']} | {r['load']} | {r['note']} |"
            for r in rows
        ),
        "",
        f"Spark session start-up: {jobs['session']:.1f} s (not in the job rows).",
        f"Best Spark cleaning job / corpus mode: {spark_rate:.2f} / {corpus_rate:.2f} MB/s "
        f"= {summary['spark_vs_corpus']:.2f}.",
        f"Documents whose cleaned text differs between the two: {differ}"
        + (
            f" (cleaned again in one process, the library agrees with Spark on {spark_right}"
            f" and with corpus mode on {corpus_right})."
            if differ
            else "."
        ),
        "The three Spark outputs (two jobs, spark-submit) are "
        + ("identical." if spark_runs_agree else "NOT identical."),
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "spark.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (RESULTS / "spark.json").write_text(
        json.dumps({"meta": meta, "rows": rows, "summary": summary}, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {RESULTS / 'spark.md'}")
    if differ or not spark_runs_agree:
        print(f"{differ} documents differ between corpus mode and Spark", file=sys.stderr)
        return 1
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
