"""A Scrapy item pipeline that cleans scraped text as items come in.

Enable it in ``settings.py`` (``pip install "boilerclean[scrapy]"``)::

    ITEM_PIPELINES = {"cleaner.integrations.scrapy.CleanerPipeline": 300}
    BOILERCLEAN_FIELDS = ["text"]            # item fields to clean
    BOILERCLEAN_URL_FIELD = "url"            # selects the publisher's pack by host

Every ``BOILERCLEAN_*`` setting can be overridden per spider by a lower-case spider
attribute of the same name (``boilerclean_keep_categories = ["byline"]``), because one
project often crawls sites that need different treatment, and a spider attribute sits
next to the parsing code it belongs with. The Cleaner is built once when the spider
opens (compiling the rules takes a second or two; nothing is compiled per item).

Cleaning happens where the item is: a field that does not change is left as it was
(the same object), and a record's publisher name that no pack knows is ignored, as in
corpus mode. A field that cannot be cleaned (a date that is not ``YYYY-MM-DD``, a rule
failing under ``strict``) is left as it came, logged, and counted in
``boilerclean/errors``: losing a crawled page is worse than keeping its boilerplate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from cleaner.corpus.records import annotation
from cleaner.engine import Cleaner
from cleaner.errors import CleanerError, InputError
from cleaner.integrations._common import build_cleaner, clean_one, lines_by_category, require
from cleaner.model import Result

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.spiders import Spider

__all__ = ["CleanerPipeline", "PipelineConfig"]

logger = logging.getLogger(__name__)

#: Prefix of every stats key this pipeline writes.
STATS_PREFIX = "boilerclean"


@dataclass(frozen=True)
class PipelineConfig:
    """The pipeline's settings, each read from ``BOILERCLEAN_<NAME>`` (see the README).

    ``fields`` are cleaned in turn, each with the item's ``url``/``publisher``/``date``/
    ``language`` fields as context (a field name of ``None`` or ``""`` switches that
    context off). ``packs`` restricts cleaning to those packs; ``rule_dirs`` adds user
    packs; ``keep_categories`` leaves lines of those categories in place. With
    ``annotate_field`` set, that field gets the packs found and every removal (for
    several fields, a mapping from field to that). ``drop_empty`` drops an item whose
    cleaned fields were all emptied. ``options`` are other Cleaner keyword arguments.
    """

    enabled: bool = True
    fields: tuple[str, ...] = ("text",)
    url_field: str | None = "url"
    publisher_field: str | None = "publisher"
    date_field: str | None = "date"
    language_field: str | None = "language"
    packs: tuple[str, ...] | None = None
    rule_dirs: tuple[str, ...] = ()
    keep_categories: tuple[str, ...] = ()
    annotate_field: str | None = None
    drop_empty: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: BaseSettings | Mapping[str, Any]) -> PipelineConfig:
        """Read ``BOILERCLEAN_*`` settings; unset ones keep their defaults."""
        return cls()._override(lambda name: settings.get(f"BOILERCLEAN_{name.upper()}"))

    def for_spider(self, spider: object) -> PipelineConfig:
        """Apply a spider's ``boilerclean_*`` attributes over these settings."""
        return self._override(lambda name: getattr(spider, f"boilerclean_{name}", None))

    def _override(self, lookup: Callable[[str], Any]) -> PipelineConfig:
        changes: dict[str, Any] = {}
        for f in fields(self):
            value = lookup(f.name)
            if value is not None:
                changes[f.name] = _coerce(f.name, value)
        return replace(self, **changes)

    def cleaner_key(self) -> tuple[Any, ...]:
        """What decides the Cleaner: configs with equal keys share one."""
        options = tuple(sorted((k, repr(v)) for k, v in self.options.items()))
        return (self.packs, self.rule_dirs, tuple(sorted(self.keep_categories)), options)

    def build_cleaner(self) -> Cleaner:
        return build_cleaner(
            packs=self.packs,
            rule_dirs=self.rule_dirs,
            keep_categories=self.keep_categories,
            **dict(self.options),
        )


def _as_list(value: Any) -> list[str]:
    """A list setting given as a list, a tuple or a comma-separated string."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _coerce(name: str, value: Any) -> Any:
    """Settings arrive as Python values or, from the command line (-s), as strings."""
    if name in ("enabled", "drop_empty"):
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
        return bool(value)
    if name in ("fields", "rule_dirs", "keep_categories"):
        return tuple(_as_list(value))
    if name == "packs":
        packs = tuple(_as_list(value))
        return packs or None
    if name == "options":
        if not isinstance(value, Mapping):
            raise InputError("BOILERCLEAN_OPTIONS must be a dict of Cleaner keyword arguments")
        return dict(value)
    return str(value) or None  # a field name; "" switches it off


class CleanerPipeline:
    """Cleans configured item fields with boilerclean, counting what went in Scrapy stats.

    Stats keys: ``boilerclean/items`` (items with a field cleaned), ``.../documents``
    (fields cleaned), ``.../documents_changed``, ``.../lines_removed`` and
    ``.../lines_removed/<category>``, ``.../publishers/<pack>``, ``.../warnings/<code>``,
    ``.../errors`` and ``.../items_dropped_empty``.
    """

    def __init__(
        self, config: PipelineConfig | None = None, crawler: Crawler | None = None
    ) -> None:
        self._adapter = require("itemadapter", "scrapy").ItemAdapter
        self._drop_item = require("scrapy.exceptions", "scrapy").DropItem
        self.base_config = config or PipelineConfig()
        self.config = self.base_config
        self.crawler = crawler
        self.cleaner: Cleaner | None = None
        self._cleaners: dict[tuple[Any, ...], Cleaner] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanerPipeline:
        return cls(PipelineConfig.from_settings(crawler.settings), crawler)

    # -- lifecycle: Scrapy 2.13+ calls these without the spider, older Scrapy with it ------
    def open_spider(self, spider: Spider | None = None) -> None:
        if spider is None and self.crawler is not None:
            spider = self.crawler.spider
        self.config = self.base_config.for_spider(spider)
        if not self.config.enabled:
            self.cleaner = None
            return
        key = self.config.cleaner_key()
        cleaner = self._cleaners.get(key)
        if cleaner is None:
            cleaner = self._cleaners[key] = self.config.build_cleaner()
        self.cleaner = cleaner
        logger.info(
            "boilerclean: cleaning %s with rule set %s", ", ".join(self.config.fields), cleaner.hash
        )

    def close_spider(self, spider: Spider | None = None) -> None:
        self.cleaner = None

    # -- items ---------------------------------------------------------------------------
    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        """Clean the item's fields in place; raises DropItem when ``drop_empty`` says so."""
        if self.cleaner is None:
            if not self.config.enabled:
                return item
            self.open_spider(spider)  # used outside a crawl: build on first use
            assert self.cleaner is not None
        config, cleaner = self.config, self.cleaner
        adapter = self._adapter(item)
        context = {
            key: adapter.get(name) if name else None
            for key, name in (
                ("url", config.url_field),
                ("publisher", config.publisher_field),
                ("date", config.date_field),
                ("language", config.language_field),
            )
        }
        notes: dict[str, Any] = {}
        had_text = left_text = False
        for name in config.fields:
            text = adapter.get(name)
            if not isinstance(text, str):
                continue
            try:
                result = clean_one(cleaner, text, **context)
            except CleanerError as exc:
                self._inc("errors")
                logger.warning(
                    "boilerclean: field %r of %s not cleaned: %s", name, _url(context), exc
                )
                left_text = left_text or bool(text.strip())
                continue
            had_text = had_text or bool(text.strip())
            left_text = left_text or bool(result.text.strip())
            if result.text is not text:
                adapter[name] = result.text
            self._count(result)
            notes[name] = annotation(result)
        if not notes:
            return item
        self._inc("items")
        if config.annotate_field:
            single = len(config.fields) == 1
            adapter[config.annotate_field] = next(iter(notes.values())) if single else notes
        if config.drop_empty and had_text and not left_text:
            self._inc("items_dropped_empty")
            message = f"boilerclean: nothing left in {', '.join(notes)}"
            try:  # an expected drop, not a problem: INFO where Scrapy lets us say so (2.13+)
                drop = self._drop_item(message, log_level="INFO")
            except TypeError:
                drop = self._drop_item(message)
            raise drop
        return item

    def _count(self, result: Result) -> None:
        self._inc("documents")
        if result.changed:
            self._inc("documents_changed")
        by_category = lines_by_category(result)
        lines = len({r.line for r in result.removals})
        if lines:
            self._inc("lines_removed", lines)
        for category, n in by_category.items():
            self._inc(f"lines_removed/{category}", n)
        publisher = next((p.id for p in result.packs if p.reason != "common"), None)
        if publisher:
            self._inc(f"publishers/{publisher}")
        for notice in result.warnings:
            self._inc(f"warnings/{notice.code}")

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{STATS_PREFIX}/{key}", count)


def _url(context: Mapping[str, Any]) -> str:
    url = context.get("url")
    return url if isinstance(url, str) and url else "an item"
