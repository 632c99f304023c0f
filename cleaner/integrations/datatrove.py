"""A datatrove pipeline step that cleans ``Document.text`` (extra: ``boilerclean[datatrove]``).

::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import BoilercleanStep

    LocalPipelineExecutor(
        pipeline=[JsonlReader("raw/"), BoilercleanStep(annotate_key="boilerclean"),
                  JsonlWriter("clean/")],
        tasks=4,
    ).run()

The step takes the URL (and publisher, date, language) from ``Document.metadata``, where
datatrove's readers put every field of a record besides the text and id. The Cleaner is
built when the step is constructed, so a bad setting fails before any task starts; it
travels to the executor's worker processes as its pack sources (a few hundred KB at
most), and each process compiles it once however many tasks it runs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cleaner.corpus.records import annotation
from cleaner.engine import Cleaner
from cleaner.errors import CleanerError, MissingExtraError
from cleaner.integrations._common import build_cleaner, clean_one, lines_by_category

if TYPE_CHECKING:
    from datatrove.data import Document, DocumentsPipeline

_MISSING: ImportError | None
try:
    from datatrove.pipeline.base import PipelineStep as _Base

    _MISSING = None
except ImportError as exc:  # the module stays importable; the step says what to install
    _Base = object
    _MISSING = exc

__all__ = ["BoilercleanStep"]

logger = logging.getLogger(__name__)


class BoilercleanStep(_Base):  # type: ignore[misc]
    """Cleans each document's text with boilerclean and counts what went in the step's stats.

    ``url_key``, ``publisher_key``, ``date_key`` and ``language_key`` name the metadata
    fields that give the document's context (None: not used). ``packs``, ``rule_dirs``,
    ``keep_categories`` and ``options`` build the Cleaner as in the other integrations,
    unless a ``cleaner`` is given. ``annotate_key`` adds the packs found and every removal
    to the metadata; ``drop_empty`` drops documents that cleaning emptied.

    Stats: ``total``, ``changed``, ``lines_removed`` and ``lines_removed_<category>``
    (per document, so datatrove reports their mean too), ``dropped_empty``, ``errors``
    and ``warning_<code>``.
    """

    name = "🧹 boilerclean"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        *,
        cleaner: Cleaner | None = None,
        url_key: str | None = "url",
        publisher_key: str | None = "publisher",
        date_key: str | None = "date",
        language_key: str | None = "language",
        packs: Iterable[str] | None = None,
        rule_dirs: Iterable[str | os.PathLike[str]] = (),
        keep_categories: Iterable[str] = (),
        annotate_key: str | None = None,
        drop_empty: bool = False,
        **options: Any,
    ) -> None:
        if _MISSING is not None:
            raise MissingExtraError("datatrove", "datatrove") from _MISSING
        super().__init__()
        cleaner = build_cleaner(
            cleaner=cleaner,
            packs=packs,
            rule_dirs=rule_dirs,
            keep_categories=keep_categories,
            **options,
        )
        self.cleaner = cleaner
        self.url_key = url_key
        self.publisher_key = publisher_key
        self.date_key = date_key
        self.language_key = language_key
        self.annotate_key = annotate_key
        self.drop_empty = drop_empty

    def _context(self, metadata: dict[str, Any]) -> dict[str, Any]:
        return {
            key: metadata.get(name) if name else None
            for key, name in (
                ("url", self.url_key),
                ("publisher", self.publisher_key),
                ("date", self.date_key),
                ("language", self.language_key),
            )
        }

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Clean the documents as they stream past; datatrove calls this once per task."""
        if data is None:
            return
        cleaner: Cleaner = self.cleaner
        cleaner.accelerate()  # a task cleans many documents: build the scan database now
        for doc in data:
            self.stat_update("total")
            with self.track_time():
                kept = self._clean(cleaner, doc)
            if kept:
                yield doc

    def _clean(self, cleaner: Cleaner, doc: Document) -> bool:
        """Clean one document in place; False when it should be dropped."""
        try:
            result = clean_one(cleaner, doc.text, **self._context(doc.metadata))
        except CleanerError as exc:
            self.stat_update("errors")
            logger.warning("boilerclean: document %s not cleaned: %s", doc.id, exc)
            if self.annotate_key:
                doc.metadata[self.annotate_key] = {"error": f"{type(exc).__name__}: {exc}"}
            return True
        if result.changed:
            self.stat_update("changed")
        lines = len({r.line for r in result.removals})
        self.stat_update("lines_removed", value=lines)
        for category, n in lines_by_category(result).items():
            self.stat_update(f"lines_removed_{category}", value=n)
        for notice in result.warnings:
            self.stat_update(f"warning_{notice.code}")
        if self.annotate_key:
            doc.metadata[self.annotate_key] = annotation(result)
        if self.drop_empty and doc.text.strip() and not result.text.strip():
            self.stat_update("dropped_empty")
            return False
        doc.text = result.text
        self.update_doc_stats(doc)
        return True
