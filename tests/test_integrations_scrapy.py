"""The Scrapy item pipeline, in a real crawl of pages served on 127.0.0.1.

A local HTTP server (http.server, in a thread of this test process) serves an index page
and article pages built from the shared sample records. Two spiders crawl it in one
CrawlerProcess, in a subprocess so that the Twisted reactor starts fresh: ``news`` is
configured by settings alone, ``news_keep`` overrides them with spider attributes. The
test then checks the exported items against the library on the same text, and the
Scrapy stats against the removals the library reports.
"""

from __future__ import annotations

import functools
import html
import json
import subprocess
import sys
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("scrapy")

from test_integrations_common import library_text, sample_records

from cleaner import Cleaner, InputError
from cleaner.corpus.records import annotation
from cleaner.integrations._common import build_cleaner, clean_one
from cleaner.integrations.scrapy import CleanerPipeline, PipelineConfig

KEEP = ["newsletter", "navigation", "other"]

CRAWL = r"""
import json, sys
from pathlib import Path
import scrapy
from scrapy.crawler import CrawlerProcess

base, out = sys.argv[1], Path(sys.argv[2])


class News(scrapy.Spider):
    name = "news"
    start_urls = [base + "/index.html"]

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, self.parse_article)

    def parse_article(self, response):
        paragraphs = response.css("article p::text").getall()
        text = "\n".join(paragraphs)
        yield {
            "id": response.css("article::attr(id)").get(),
            "url": response.css("link[rel=canonical]::attr(href)").get() or response.url,
            "publisher": response.css("meta[name=publisher]::attr(content)").get(),
            "date": response.css("meta[name=date]::attr(content)").get(),
            "text": text,
            "raw": text,
        }

    def closed(self, reason):
        stats = self.crawler.stats.get_stats()
        (out / f"{self.name}.stats.json").write_text(json.dumps(stats, default=str))


class NewsKeep(News):
    name = "news_keep"
    boilerclean_keep_categories = KEEP
    boilerclean_drop_empty = False
    boilerclean_annotate_field = ""


process = CrawlerProcess({
    "ITEM_PIPELINES": {"cleaner.integrations.scrapy.CleanerPipeline": 300},
    "BOILERCLEAN_FIELDS": ["text"],
    "BOILERCLEAN_URL_FIELD": "url",
    "BOILERCLEAN_ANNOTATE_FIELD": "boilerclean",
    "BOILERCLEAN_DROP_EMPTY": True,
    "FEEDS": {str(out / "%(name)s.jsonl"): {"format": "jsonlines", "encoding": "utf-8"}},
    "ROBOTSTXT_OBEY": False,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    "LOG_LEVEL": "INFO",
})
process.crawl(News)
process.crawl(NewsKeep)
process.start()
""".replace("KEEP", repr(KEEP))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _page(record: dict[str, object]) -> str:
    head = []
    if record.get("url"):
        head.append(f'<link rel="canonical" href="{html.escape(str(record["url"]))}">')
    if record.get("publisher"):
        head.append(f'<meta name="publisher" content="{html.escape(str(record["publisher"]))}">')
    if record.get("date"):
        head.append(f'<meta name="date" content="{record["date"]}">')
    body = "".join(
        f"<p>{html.escape(line)}</p>" for line in str(record["text"]).split("\n") if line.strip()
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'>{''.join(head)}</head>"
        f"<body><nav><a href='/index.html'>Home</a></nav>"
        f"<article id='{record['id']}'>{body}</article></body></html>"
    )


@pytest.fixture
def site(tmp_path):
    """The sample records as pages on a local server; yields (base URL, records by id)."""
    root = tmp_path / "site"
    root.mkdir()
    records = {str(r["id"]): r for r in sample_records() if r["text"]}
    links = []
    for rid, record in records.items():
        (root / f"{rid}.html").write_text(_page(record), encoding="utf-8")
        links.append(f"<a href='{rid}.html'>{rid}</a>")
    (root / "index.html").write_text("<html><body>" + " ".join(links) + "</body></html>")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", records
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_real_crawl_cleans_like_the_library(site, tmp_path):
    base, records = site
    out = tmp_path / "out"
    out.mkdir()
    script = tmp_path / "crawl.py"
    script.write_text(CRAWL, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), base, str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for line in proc.stderr.splitlines():  # our pipeline triggers no deprecation warning
        assert not ("Deprecation" in line and "CleanerPipeline" in line), line

    cleaner = Cleaner()
    items = [json.loads(x) for x in (out / "news.jsonl").read_text("utf-8").splitlines()]
    by_id = {item["id"]: item for item in items}
    # every page was crawled; the one that was all furniture was dropped
    assert set(by_id) == set(records) - {"gu-2"}
    stats = json.loads((out / "news.stats.json").read_text())
    assert stats["boilerclean/items_dropped_empty"] == 1
    assert stats["item_dropped_count"] == 1
    assert "Dropped: boilerclean: nothing left in text" in proc.stderr

    expected_lines: Counter[str] = Counter()
    total_lines = changed = 0
    for rid, record in records.items():
        page_text = "\n".join(line for line in str(record["text"]).split("\n") if line.strip())
        context = {k: record.get(k) for k in ("url", "publisher", "date")}
        result = clean_one(cleaner, page_text, **context)
        expected_lines.update(c for _, c in {(r.line, r.category) for r in result.removals})
        total_lines += len({r.line for r in result.removals})
        changed += result.changed
        if rid == "gu-2":
            assert result.text == ""
            continue
        item = by_id[rid]
        assert item["raw"] == page_text  # the page gave the spider what the record holds
        assert item["text"] == result.text == library_text(cleaner, {**record, "text": page_text})
        assert item["boilerclean"] == annotation(result)
    assert by_id["bz-1"]["boilerclean"]["publisher"] == "benzinga"
    assert by_id["bz-2"]["boilerclean"]["publisher"] == "benzinga"  # by fingerprint
    assert "Photo: Shutterstock" not in by_id["bz-1"]["text"]

    assert stats["boilerclean/documents"] == len(records)
    assert stats["boilerclean/items"] == len(records)
    assert stats["boilerclean/documents_changed"] == changed
    assert stats["boilerclean/lines_removed"] == total_lines
    got = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if "/lines_removed/" in k}
    assert got == dict(expected_lines)
    assert stats["boilerclean/publishers/benzinga"] == 2
    assert stats["boilerclean/publishers/guardian"] == 2

    # the spider-attribute overrides: categories kept, no annotation, nothing dropped
    kept = build_cleaner(keep_categories=KEEP)
    keep_items = [json.loads(x) for x in (out / "news_keep.jsonl").read_text("utf-8").splitlines()]
    assert {item["id"] for item in keep_items} == set(records)
    for item in keep_items:
        assert "boilerclean" not in item
        assert item["text"] == library_text(kept, {**records[item["id"]], "text": item["raw"]})
    keep_stats = json.loads((out / "news_keep.stats.json").read_text())
    assert not any(f"/lines_removed/{c}" in k for k in keep_stats for c in KEEP)
    assert "boilerclean/items_dropped_empty" not in keep_stats
    guardian = next(i for i in keep_items if i["id"] == "gu-1")
    assert "Sign up to First Edition" in guardian["text"]


# -- the pipeline on its own: settings, overrides, edge cases ----------------------------


class _Stats:
    def __init__(self):
        self.values: dict[str, int] = {}

    def inc_value(self, key, count=1, start=0, spider=None):
        self.values[key] = self.values.get(key, start) + count


class _Crawler:
    def __init__(self, settings, spider=None):
        self.settings = settings
        self.stats = _Stats()
        self.spider = spider


def test_settings_are_read_and_coerced_from_strings():
    config = PipelineConfig.from_settings(
        {
            "BOILERCLEAN_FIELDS": "title, body",
            "BOILERCLEAN_URL_FIELD": "link",
            "BOILERCLEAN_DATE_FIELD": "",
            "BOILERCLEAN_PACKS": "benzinga",
            "BOILERCLEAN_KEEP_CATEGORIES": ["byline"],
            "BOILERCLEAN_DROP_EMPTY": "true",
            "BOILERCLEAN_ENABLED": "0",
            "BOILERCLEAN_OPTIONS": {"max_cut_share": 0.3},
        }
    )
    assert config.fields == ("title", "body")
    assert config.url_field == "link"
    assert config.date_field is None
    assert config.packs == ("benzinga",)
    assert config.keep_categories == ("byline",)
    assert config.drop_empty is True
    assert config.enabled is False
    assert config.options == {"max_cut_share": 0.3}
    assert PipelineConfig.from_settings({}) == PipelineConfig()
    with pytest.raises(InputError, match="BOILERCLEAN_OPTIONS"):
        PipelineConfig.from_settings({"BOILERCLEAN_OPTIONS": "max_cut_share=0.3"})


def test_several_fields_annotation_keyed_by_field_and_errors_counted():
    class Spider:
        boilerclean_fields = ("title", "body")
        boilerclean_annotate_field = "notes"

    crawler = _Crawler({}, Spider())
    pipeline = CleanerPipeline.from_crawler(crawler)  # type: ignore[arg-type]
    pipeline.open_spider()
    text = str(sample_records()[0]["text"])
    item = {"title": "Freight rates\nPhoto: Shutterstock", "body": text, "url": None}
    out = pipeline.process_item(item)
    assert out is item
    assert item["title"] == "Freight rates"
    assert item["body"] == Cleaner().clean(text).text
    assert set(item["notes"]) == {"title", "body"}
    assert crawler.stats.values["boilerclean/documents"] == 2
    assert crawler.stats.values["boilerclean/items"] == 1

    bad = {"title": "Rates rose.\nPhoto: Shutterstock", "body": 7, "date": "last Tuesday"}
    assert pipeline.process_item(bad)["title"] == "Rates rose.\nPhoto: Shutterstock"
    assert crawler.stats.values["boilerclean/errors"] == 1
    assert crawler.stats.values["boilerclean/items"] == 1  # nothing was cleaned


def test_disabled_spider_passes_items_through_and_unused_fields_are_skipped():
    class Spider:
        boilerclean_enabled = False

    pipeline = CleanerPipeline.from_crawler(_Crawler({}, Spider()))  # type: ignore[arg-type]
    pipeline.open_spider()
    item = {"text": "Rates rose.\nPhoto: Shutterstock"}
    assert pipeline.process_item(item) == {"text": "Rates rose.\nPhoto: Shutterstock"}
    assert pipeline.cleaner is None

    standalone = CleanerPipeline()  # outside a crawl: builds its Cleaner on first use
    assert standalone.process_item({"headline": "x"}) == {"headline": "x"}
    assert standalone.process_item(item)["text"] == "Rates rose."


def test_scrapy_items_need_the_annotation_field_declared():
    import scrapy

    class Article(scrapy.Item):
        text = scrapy.Field()
        boilerclean = scrapy.Field()

    pipeline = CleanerPipeline(PipelineConfig(annotate_field="boilerclean"))
    item = Article(text="Rates rose.\nPhoto: Shutterstock")
    pipeline.process_item(item)
    assert item["text"] == "Rates rose."
    assert item["boilerclean"]["removals"][0]["category"] == "photo-credit"


def test_same_rules_share_one_cleaner_across_spider_reopens():
    pipeline = CleanerPipeline(PipelineConfig())
    pipeline.open_spider(object())
    first = pipeline.cleaner
    pipeline.close_spider()
    pipeline.open_spider(object())
    assert pipeline.cleaner is first
    assert isinstance(first, Cleaner)
