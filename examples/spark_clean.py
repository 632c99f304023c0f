"""Clean a JSONL or Parquet dataset with boilerclean on a Spark cluster.

    spark-submit examples/spark_clean.py news.jsonl clean/ --annotate boilerclean
    spark-submit --master yarn examples/spark_clean.py s3://bucket/raw/ s3://bucket/clean/ \\
        --input-format parquet --text-col body --url-col link --partitions 400

The input is a file, a folder or a glob; the format comes from ``--input-format`` or the
input's extension (``.jsonl``, ``.ndjson``, ``.json``, each optionally compressed, and
``.parquet``; a folder needs ``--input-format``). The output is a folder of part files in
``--output-format`` (default: the input's). Every column other than the text passes
through; with ``--output-col`` the original text stays beside the cleaned one. Rule
directories given with ``--rules`` are read here, on the driver, and broadcast: the
executors need boilerclean installed but no copy of the rules.

Differences from ``clean -o`` (corpus mode): Spark parses JSON itself, so output records
are re-serialised by Spark (its key order, its number formatting, nulls dropped), not
written back byte for byte, and records that are not valid JSON become a null row (or,
with ``--mode FAILFAST``, stop the job) rather than going to a rejects file.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")


def input_format(path: str) -> str | None:
    name = path.rstrip("/").lower()
    for ext in (".gz", ".bz2", ".zst", ".zstd", ".xz", ".lz4", ".snappy"):
        name = name.removesuffix(ext)
    if name.endswith(JSON_SUFFIXES):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    return None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="file, folder or glob (local, hdfs://, s3://, gs://, abfss://)")
    p.add_argument("output", help="output folder")
    p.add_argument("--input-format", choices=("jsonl", "parquet"))
    p.add_argument("--output-format", choices=("jsonl", "parquet"))
    p.add_argument("--text-col", default="text")
    p.add_argument("--url-col", default="url", help="'' for none")
    p.add_argument("--publisher-col", default="publisher", help="'' for none")
    p.add_argument("--date-col", default="date", help="'' for none")
    p.add_argument("--language-col", default="language", help="'' for none")
    p.add_argument("--output-col", help="write the cleaned text here (default: in place)")
    p.add_argument("--annotate", metavar="COL", help="add the packs found and every removal")
    p.add_argument("--rules", action="append", default=[], metavar="DIR", help="user packs")
    p.add_argument("--only", action="append", metavar="PACK", help="only these packs")
    p.add_argument("--keep-category", action="append", default=[], metavar="CATEGORY")
    p.add_argument("--no-common", action="store_true", help="do not apply the common pack")
    p.add_argument("--partitions", type=int, help="repartition the input to N partitions")
    p.add_argument("--compression", help="output codec (gzip, zstd, snappy, ...)")
    p.add_argument("--mode", default="PERMISSIVE", help="JSON parse mode (PERMISSIVE, FAILFAST)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output")
    args = p.parse_args(argv)
    args.input_format = args.input_format or input_format(args.input)
    if args.input_format is None:
        p.error(f"cannot tell the format of {args.input!r}: give --input-format")
    args.output_format = args.output_format or args.input_format
    return args


def main(argv: list[str] | None = None, spark: Any = None) -> int:
    """Run the job; ``spark`` is an existing session (tests), else one is made."""
    from pyspark.sql import SparkSession

    from cleaner.integrations.spark import clean_dataframe

    args = parse_args(argv)
    own = spark is None
    if own:
        spark = SparkSession.builder.appName("boilerclean").getOrCreate()
    try:
        started = time.perf_counter()
        if args.input_format == "jsonl":
            df = spark.read.option("mode", args.mode).json(args.input)
        else:
            df = spark.read.parquet(args.input)
        if args.partitions:
            df = df.repartition(args.partitions)
        cleaned = clean_dataframe(
            df,
            text_col=args.text_col,
            url_col=args.url_col or None,
            publisher_col=args.publisher_col or None,
            date_col=args.date_col or None,
            language_col=args.language_col or None,
            output_col=args.output_col,
            annotate_col=args.annotate,
            rule_dirs=args.rules,
            packs=args.only,
            keep_categories=args.keep_category,
            common=not args.no_common,
        )
        writer = cleaned.write.mode("overwrite" if args.overwrite else "errorifexists")
        if args.compression:
            writer = writer.option("compression", args.compression)
        if args.output_format == "jsonl":
            writer.json(args.output)
        else:
            writer.parquet(args.output)
        seconds = time.perf_counter() - started
        sys.stderr.write(f"spark_clean: {args.input} -> {args.output} in {seconds:.1f} s\n")
    finally:
        if own:
            spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
