"""The README's "Pipelines" examples, run as they are written.

Every block marked ``<!-- pipelines-example: NAME -->`` in that section is taken from the
README and run on small inputs in a temporary folder: the datatrove, datasets and Spark
blocks as scripts in their own process (so their ``__main__`` guards, worker processes
and default settings behave as they do for a user), the Scrapy settings and spider in a
crawl of a page served on 127.0.0.1 (the spider's start URL is the only thing changed),
the ``spark-submit`` line with ``spark-submit``. Each output is compared with the library
on the same records, and the Scrapy stats with the stats the README shows. The section's
other Python blocks must compile, every ``spark_clean.py`` command line in it must parse
with the script's own argument parser, and the ``BOILERCLEAN_*`` settings it lists must
be exactly the pipeline's.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import types
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support import load_spark_example
from test_integrations_common import ROOT, sample_records

from cleaner import Cleaner
from cleaner.corpus.records import annotation
from cleaner.integrations._common import annotation_record, build_cleaner, clean_one

README = ROOT / "README.md"
EXAMPLES = {
    "scrapy-settings": "python",
    "scrapy-spider": "python",
    "scrapy-stats": "",
    "datatrove": "python",
    "datasets": "python",
    "spark": "python",
    "spark-submit": "sh",
}
TIMEOUT = 900


def section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Pipelines\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def examples() -> dict[str, tuple[str, str]]:
    """Marked blocks of the section: name -> (fence language, code)."""
    found = re.findall(
        r"<!-- pipelines-example: (\S+) -->\n```(\w*)\n(.*?)\n```", section(), flags=re.S
    )
    out = {}
    for name, lang, code in found:
        assert name not in out, f"two README blocks are marked {name}"
        out[name] = (lang, code + "\n")
    return out


def example(name: str) -> str:
    return examples()[name][1]


def fenced_blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)\n```", section(), flags=re.S)


def run(argv: list[str], cwd: Path, env: dict[str, str | None] | None = None) -> str:
    """Run a command to completion; ``env`` adds to this environment (None: remove)."""
    merged = {**os.environ, **(env or {})}
    proc = subprocess.run(
        argv,
        cwd=cwd,
        env={k: v for k, v in merged.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stdout + proc.stderr


def write_jsonl(path: Path, records) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec) + "\n")


def library(cleaner: Cleaner, rec: dict[str, object]):
    return clean_one(
        cleaner,
        str(rec["text"]),
        url=rec.get("url"),
        publisher=rec.get("publisher"),
        date=rec.get("date"),
        language=rec.get("language"),
    )


# -- the section as a whole ---------------------------------------------------------------


def test_every_example_is_marked_once():
    assert {name: lang for name, (lang, _) in examples().items()} == EXAMPLES


def test_python_blocks_compile():
    blocks = fenced_blocks("python")
    assert len(blocks) > len([x for x in EXAMPLES.values() if x == "python"])  # + Databricks
    for code in blocks:
        compile(code, "README.md", "exec")


def test_spark_clean_command_lines_parse():
    parse_args = load_spark_example().parse_args
    commands = 0
    for block in fenced_blocks("sh"):
        for command in block.replace("\\\n", " ").splitlines():
            words = shlex.split(command)
            script = [i for i, w in enumerate(words) if w.endswith("spark_clean.py")]
            if not script or words[0] not in ("spark-submit", "gcloud"):
                continue  # e.g. copying the script to a bucket
            args = words[script[0] + 1 :]
            if "--" in args:  # gcloud ... pyspark SCRIPT --cluster=... -- ARGS
                args = args[args.index("--") + 1 :]
            parse_args(args)  # exits (SystemExit) on a wrong option
            commands += 1
    assert commands >= 4  # local, EMR, Dataproc, Kubernetes


def test_scrapy_settings_listed_are_the_pipelines():
    scrapy_part = section().split("### Scrapy", 1)[1].split("### datatrove", 1)[0]
    named = set(re.findall(r"BOILERCLEAN_([A-Z][A-Z_]*)", scrapy_part))
    named |= set(re.findall(r"`_([A-Z][A-Z_]*)`", scrapy_part))
    pytest.importorskip("scrapy")
    from cleaner.integrations.scrapy import PipelineConfig

    assert {n.lower() for n in named} == {f.name for f in dataclasses.fields(PipelineConfig)}


# -- Scrapy: a crawl with the README's settings and spider --------------------------------

CRAWL = r"""
import json, runpy, sys
import scrapy
from scrapy.crawler import CrawlerProcess

start, out = sys.argv[1], sys.argv[2]
settings = {k: v for k, v in runpy.run_path("settings.py").items() if k.isupper()}
spiders = [
    v for v in runpy.run_path("spider.py").values()
    if isinstance(v, type) and issubclass(v, scrapy.Spider) and v is not scrapy.Spider
]
assert len(spiders) == 1, spiders
spider = spiders[0]
spider.start_urls = [start]
settings.update(
    FEEDS={out + "/items.jsonl": {"format": "jsonlines", "encoding": "utf-8"}},
    ROBOTSTXT_OBEY=False,
    TELNETCONSOLE_ENABLED=False,
    LOG_LEVEL="INFO",
)
process = CrawlerProcess(settings)
crawler = process.create_crawler(spider)
process.crawl(crawler)
process.start()
with open(out + "/stats.json", "w") as f:
    json.dump(crawler.stats.get_stats(), f, default=str)
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def benzinga_site(tmp_path):
    """A section page linking one story that holds examples/benzinga-sample.txt."""
    root = tmp_path / "site"
    root.mkdir()
    lines = (ROOT / "examples" / "benzinga-sample.txt").read_text("utf-8").splitlines()
    body = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)
    (root / "freight.html").write_text(
        f"<html><head><meta charset='utf-8'></head><body><article>{body}</article>"
        "<footer><a href='/'>Home</a></footer></body></html>",
        encoding="utf-8",
    )
    (root / "index.html").write_text(
        "<html><body><a class='story' href='freight.html'>Freight</a>"
        "<a class='nav' href='about.html'>About</a></body></html>"
    )
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", "\n".join(lines)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_scrapy_example_crawl(benzinga_site, tmp_path):
    scrapy = pytest.importorskip("scrapy")
    base, page_text = benzinga_site
    work = tmp_path / "project"
    work.mkdir()
    (work / "settings.py").write_text(example("scrapy-settings"), encoding="utf-8")
    (work / "spider.py").write_text(example("scrapy-spider"), encoding="utf-8")
    (work / "crawl.py").write_text(CRAWL, encoding="utf-8")
    log = run([sys.executable, "crawl.py", f"{base}/index.html", str(work)], cwd=work)

    spider = next(
        v
        for v in vars(_exec(example("scrapy-spider"))).values()
        if isinstance(v, type) and issubclass(v, scrapy.Spider) and v is not scrapy.Spider
    )
    settings = _exec(example("scrapy-settings"))
    items = [json.loads(x) for x in (work / "items.jsonl").read_text("utf-8").splitlines()]
    assert len(items) == 1, log[-3000:]
    item = items[0]
    cleaner = build_cleaner(keep_categories=spider.boilerclean_keep_categories)
    result = clean_one(cleaner, page_text, url=item["url"])
    assert item["url"] == f"{base}/freight.html"
    assert item["text"] == result.text != page_text
    assert item[settings.BOILERCLEAN_ANNOTATE_FIELD] == annotation(result)
    assert "Read Next:" in item["text"]  # the spider's override kept its category

    stats = json.loads((work / "stats.json").read_text())
    ours = {k: v for k, v in stats.items() if k.startswith("boilerclean/")}
    shown = {
        k: int(v) for k, v in re.findall(r"'(boilerclean/[^']+)': (\d+)", example("scrapy-stats"))
    }
    assert ours == shown


def _exec(code: str):
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    return types.SimpleNamespace(**namespace)


# -- datatrove -----------------------------------------------------------------------------


def test_datatrove_example(tmp_path):
    pytest.importorskip("datatrove")
    records = sample_records()
    write_jsonl(tmp_path / "raw" / "a.jsonl", records[:5])
    write_jsonl(tmp_path / "raw" / "b.jsonl", records[5:])
    (tmp_path / "pipeline.py").write_text(example("datatrove"), encoding="utf-8")
    run([sys.executable, "pipeline.py"], cwd=tmp_path)

    docs = {}
    for path in sorted((tmp_path / "clean").glob("*.jsonl.gz")):
        for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
            doc = json.loads(line)
            docs[doc["id"]] = doc
    cleaner = Cleaner()
    expected = {}
    for rec in records:
        if not rec["text"]:
            continue  # datatrove's reader skips empty documents
        result = library(cleaner, rec)
        if result.text.strip():  # drop_empty=True drops the page that was all furniture
            expected[rec["id"]] = result
    assert set(docs) == set(expected) and "gu-2" not in docs
    for rid, result in expected.items():
        assert docs[rid]["text"] == result.text
        assert docs[rid]["metadata"]["boilerclean"] == annotation(result)
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    step = next(s for s in stats if "boilerclean" in s["name"])["stats"]
    assert step["dropped_empty"] == 1
    assert step["total"] == len(expected) + 1


# -- Hugging Face datasets -------------------------------------------------------------------


def test_datasets_example(tmp_path):
    pytest.importorskip("datasets")
    pq = pytest.importorskip("pyarrow.parquet")
    records = sample_records()
    write_jsonl(tmp_path / "news.jsonl", records)
    (tmp_path / "clean_news.py").write_text(example("datasets"), encoding="utf-8")
    env = {
        "HF_HOME": str(tmp_path / "hf"),
        "HF_DATASETS_CACHE": str(tmp_path / "hf" / "datasets"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
    }
    run([sys.executable, "clean_news.py"], cwd=tmp_path, env=env)

    cleaner = Cleaner()
    rows = [json.loads(x) for x in (tmp_path / "clean.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    for rec, row in zip(records, rows, strict=True):
        assert row["text"] == library(cleaner, rec).text
    table = pq.read_table(tmp_path / "clean.parquet").to_pylist()
    for rec, row in zip(records, table, strict=True):
        result = library(cleaner, rec)
        assert row["text"] == rec["text"]
        assert row["clean"] == result.text
        assert row["boilerclean"] == annotation_record(result)


# -- Spark -------------------------------------------------------------------------------------


def _java_ok() -> bool:
    try:
        return subprocess.run(["java", "-version"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _spark_env() -> dict[str, str | None]:
    """Workers run this interpreter; everything stays on the loopback interface."""
    if not _java_ok():
        pytest.skip("no Java runtime for Spark")
    pytest.importorskip("pyspark")
    return {
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_SUBMIT_ARGS": "--conf spark.ui.enabled=false pyspark-shell",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "SPARK_HOME": None,  # the pip-installed PySpark's, found from the interpreter
    }


@pytest.mark.slow
def test_spark_example(tmp_path):
    env = _spark_env()
    pq = pytest.importorskip("pyarrow.parquet")
    records = sample_records()
    write_jsonl(tmp_path / "news.jsonl", records)
    (tmp_path / "clean_news.py").write_text(example("spark"), encoding="utf-8")
    out = run([sys.executable, "clean_news.py"], cwd=tmp_path, env=env)

    cleaner = Cleaner()
    rows = {r["id"]: r for r in pq.read_table(tmp_path / "clean.parquet").to_pylist()}
    assert set(rows) == {r["id"] for r in records}
    newsletter = 0
    for rec in records:
        result = library(cleaner, rec)
        assert rows[rec["id"]]["text"] == result.text
        assert rows[rec["id"]]["boilerclean"] == annotation_record(result)
        newsletter += sum(r.category == "newsletter" for r in result.removals)
    assert re.search(rf"\|\s*newsletter\|\s*{newsletter}\|", out), out[-3000:]  # the show()


@pytest.mark.slow
def test_spark_submit_example(tmp_path):
    env = _spark_env()
    records = sample_records()
    write_jsonl(tmp_path / "news.jsonl", records)
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "spark_clean.py", tmp_path / "examples")
    words = shlex.split(example("spark-submit"))
    assert words[0] == "spark-submit"
    submit = Path(sys.executable).parent / "spark-submit"
    if not submit.exists():
        pytest.skip("spark-submit is not next to this interpreter")
    env["PYSPARK_SUBMIT_ARGS"] = None  # spark-submit takes its arguments as written
    run([str(submit), *words[1:]], cwd=tmp_path, env=env)

    got = {}
    for part in (tmp_path / "clean").glob("part-*.json"):
        for line in part.read_text("utf-8").splitlines():
            row = json.loads(line)
            got[row["id"]] = row
    cleaner = Cleaner()
    assert set(got) == {r["id"] for r in records}
    for rec in records:
        result = library(cleaner, rec)
        assert got[rec["id"]]["text"] == result.text
        note = got[rec["id"]]["boilerclean"]
        assert note["packs"] == [p.id for p in result.packs]
        assert [r["rule"] for r in note["removals"]] == [r.rule_id for r in result.removals]
