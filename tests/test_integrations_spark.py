"""clean_dataframe and examples/spark_clean.py in Spark local mode (local[2], a real JVM).

One SparkSession serves the module (starting the JVM takes tens of seconds on two
cores). Every test compares Spark's output with the library on the same records.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")

from support import load_spark_example
from test_integrations_common import ROOT, library_text, sample_records

from cleaner import Cleaner, InputError
from cleaner.integrations._common import annotation_record, build_cleaner, clean_one
from cleaner.integrations.spark import annotation_type, clean_dataframe

pytestmark = [
    pytest.mark.slow,
    # PySpark's own notice about pandas 3; it does not concern the Arrow path used here
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]

SCHEMA = "id string, url string, text string, publisher string, date string, language string"


def _java_ok() -> bool:
    try:
        return subprocess.run(["java", "-version"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _spark_env() -> dict[str, str]:
    """The workers run this interpreter; everything stays on the loopback interface."""
    return {
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
    }


@pytest.fixture(scope="module")
def spark():
    if not _java_ok():
        pytest.skip("no Java runtime for Spark")
    from pyspark.sql import SparkSession

    saved = {k: os.environ.get(k) for k in _spark_env()}
    os.environ.update(_spark_env())
    session = (
        SparkSession.builder.master("local[2]")
        .appName("boilerclean-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="module")
def frame(spark):
    return spark.createDataFrame(sample_records(), SCHEMA).repartition(2)


def _rows(df):
    return {row["id"]: row.asDict(recursive=True) for row in df.collect()}


def test_in_place_matches_the_library(frame):
    cleaned = clean_dataframe(frame)
    assert cleaned.columns == frame.columns
    assert cleaned.rdd.getNumPartitions() == 2
    rows = _rows(cleaned)
    cleaner = Cleaner()
    assert len(rows) == len(sample_records())
    for rec in sample_records():
        assert rows[rec["id"]]["text"] == library_text(cleaner, rec), rec["id"]
        assert rows[rec["id"]]["url"] == rec["url"]


def test_output_and_annotation_columns_with_large_arrow_strings(spark, frame):
    spark.conf.set("spark.sql.execution.arrow.useLargeVarTypes", "true")
    try:
        cleaned = clean_dataframe(frame, output_col="clean", annotate_col="boilerclean")
        assert cleaned.columns == [*frame.columns, "clean", "boilerclean"]
        assert cleaned.schema["boilerclean"].dataType == annotation_type()
        rows = _rows(cleaned)
    finally:
        spark.conf.unset("spark.sql.execution.arrow.useLargeVarTypes")
    cleaner = Cleaner()
    for rec in sample_records():
        row = rows[rec["id"]]
        result = clean_one(cleaner, str(rec["text"]), url=rec["url"], publisher=rec["publisher"])
        assert row["text"] == rec["text"]  # the source column stays
        assert row["clean"] == result.text
        assert row["boilerclean"] == annotation_record(result)
    # the annotation is a real struct: Spark can query it
    exploded = cleaned.selectExpr("id", "explode(boilerclean.removals) AS r")
    by_category = {
        r["category"]: r["n"]
        for r in exploded.groupBy("r.category")
        .count()
        .withColumnRenamed("count", "n")
        .selectExpr("category", "n")
        .collect()
    }
    assert by_category["newsletter"] == 4


def test_nulls_missing_columns_dates_and_keep_categories(spark):
    df = spark.createDataFrame(
        [
            ("a", "Rates rose.\nPhoto: Shutterstock", "2024-05-14"),
            ("b", None, None),
        ],
        "id string, body string, day string",
    ).selectExpr("id", "body", "to_date(day) AS day")
    cleaned = clean_dataframe(
        df,
        text_col="body",
        url_col="link",  # absent: ignored, like an absent field in corpus mode
        date_col="day",
        keep_categories=["photo-credit"],
        common=False,
    )
    rows = _rows(cleaned)
    kept = build_cleaner(keep_categories=["photo-credit"], common=False)
    assert rows["a"]["body"] == kept.clean("Rates rose.\nPhoto: Shutterstock").text
    assert rows["b"]["body"] is None
    with pytest.raises(InputError, match="no column 'text'"):
        clean_dataframe(df)
    with pytest.raises(InputError, match="not a string"):
        clean_dataframe(df, text_col="day")
    with pytest.raises(InputError, match="must differ"):
        clean_dataframe(df, text_col="body", annotate_col="body")
    with pytest.raises(TypeError, match="either a cleaner"):
        clean_dataframe(df, text_col="body", cleaner=kept, common=False)


def _write_jsonl(path: Path, records) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec) + "\n")


def test_example_script_jsonl_and_parquet(spark, tmp_path):
    example = load_spark_example()
    records = sample_records()
    _write_jsonl(tmp_path / "news.jsonl", records)
    out = tmp_path / "clean"
    assert example.main([str(tmp_path / "news.jsonl"), str(out), "--annotate", "notes"], spark) == 0
    got = {}
    for part in out.glob("part-*.json"):
        for line in part.read_text("utf-8").splitlines():
            row = json.loads(line)
            got[row["id"]] = row
    cleaner = Cleaner()
    assert set(got) == {r["id"] for r in records}
    for rec in records:
        assert got[rec["id"]]["text"] == library_text(cleaner, rec)
        result = clean_one(cleaner, str(rec["text"]), url=rec["url"], publisher=rec["publisher"])
        assert got[rec["id"]]["notes"]["packs"] == [p.id for p in result.packs]
        assert len(got[rec["id"]]["notes"]["removals"]) == len(result.removals)

    spark.createDataFrame(records, SCHEMA).write.parquet(str(tmp_path / "news.parquet"))
    out2 = tmp_path / "clean.parquet"
    argv = [
        str(tmp_path / "news.parquet"),
        str(out2),
        "--output-col",
        "clean",
        "--keep-category",
        "newsletter",
    ]
    assert example.main(argv, spark) == 0
    rows = _rows(spark.read.parquet(str(out2)))
    kept = build_cleaner(keep_categories=["newsletter"])
    for rec in records:
        assert rows[rec["id"]]["clean"] == library_text(kept, rec)
        assert rows[rec["id"]]["text"] == rec["text"]

    with pytest.raises(SystemExit):
        example.parse_args([str(tmp_path / "folder"), str(tmp_path / "x")])
    assert example.input_format("s3://b/news.jsonl.gz") == "jsonl"
    assert example.input_format("gs://b/part.snappy.parquet") == "parquet"


def test_example_script_under_spark_submit(tmp_path):
    """The script as a user runs it: spark-submit, its own JVM, its own session."""
    if not _java_ok():
        pytest.skip("no Java runtime for Spark")
    submit = Path(sys.executable).parent / "spark-submit"
    if not submit.exists():
        pytest.skip("spark-submit is not next to this interpreter")
    records = sample_records()
    _write_jsonl(tmp_path / "news.jsonl", records)
    env = {**os.environ, **_spark_env()}
    env.pop("SPARK_HOME", None)
    proc = subprocess.run(
        [
            str(submit),
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.driver.host=127.0.0.1",
            str(ROOT / "examples" / "spark_clean.py"),
            str(tmp_path / "news.jsonl"),
            str(tmp_path / "out"),
            "--compression",
            "gzip",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    # spark-submit's JVM relays the Python driver's stderr onto its own stdout
    assert "spark_clean: " in proc.stdout + proc.stderr
    got = {}
    for part in (tmp_path / "out").glob("part-*.json.gz"):
        for line in gzip.decompress(part.read_bytes()).decode("utf-8").splitlines():
            row = json.loads(line)
            got[row["id"]] = row["text"]
    cleaner = Cleaner()
    assert got == {r["id"]: library_text(cleaner, r) for r in records}
