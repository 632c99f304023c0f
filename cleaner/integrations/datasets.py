"""Clean a Hugging Face ``datasets`` column with ``Dataset.map(batched=True)``.

::

    from cleaner.integrations.datasets import CleanBatch, clean_dataset

    ds = ds.map(CleanBatch(), batched=True, num_proc=4)            # cleans ds["text"]
    ds = clean_dataset(ds, annotate_column="boilerclean", num_proc=4)  # typed annotations

:class:`CleanBatch` is a plain picklable callable: ``num_proc`` workers each receive it as
its pack sources and compile the rules once per process, and ``datasets`` can fingerprint
it for its cache (the same rules and settings give the same fingerprint). The function
itself needs nothing but boilerclean; :func:`clean_dataset` and :meth:`CleanBatch.features`
need the ``datasets`` extra.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cleaner.engine import Cleaner
from cleaner.errors import InputError
from cleaner.integrations._common import (
    annotation_arrow_type,
    annotation_record,
    build_cleaner,
    clean_one,
    require,
)

__all__ = ["CleanBatch", "clean_dataset"]

logger = logging.getLogger(__name__)


class CleanBatch:
    """``batch -> {column: values}`` for ``Dataset.map(..., batched=True)``.

    ``text_column`` is cleaned into ``output_column`` (default: in place). The context
    columns (``url_column`` and the rest) are used where the dataset has them and ignored
    where it does not, as corpus mode ignores absent fields; None switches one off. With
    ``annotate_column`` each row gets the packs found and every removal, as a struct
    (pass ``features=fn.features(ds.features)`` to ``map``, or use :func:`clean_dataset`,
    so that batches without removals get the same column type). A missing (None) text
    stays None. ``packs``, ``rule_dirs``, ``keep_categories`` and ``options`` build the
    Cleaner as in the other integrations, unless a ``cleaner`` is given.
    """

    def __init__(
        self,
        text_column: str = "text",
        url_column: str | None = "url",
        publisher_column: str | None = "publisher",
        date_column: str | None = "date",
        language_column: str | None = "language",
        output_column: str | None = None,
        annotate_column: str | None = None,
        *,
        cleaner: Cleaner | None = None,
        packs: Iterable[str] | None = None,
        rule_dirs: Iterable[str | os.PathLike[str]] = (),
        keep_categories: Iterable[str] = (),
        **options: Any,
    ) -> None:
        cleaner = build_cleaner(
            cleaner=cleaner,
            packs=packs,
            rule_dirs=rule_dirs,
            keep_categories=keep_categories,
            **options,
        )
        self.cleaner = cleaner
        self.text_column = text_column
        self.context_columns = {
            "url": url_column,
            "publisher": publisher_column,
            "date": date_column,
            "language": language_column,
        }
        self.output_column = output_column or text_column
        self.annotate_column = annotate_column

    def __call__(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
        """Clean one batch; returns only the columns it writes, which ``map`` merges in."""
        if self.text_column not in batch:
            raise InputError(
                f"no column '{self.text_column}' to clean (columns: {', '.join(batch)})"
            )
        texts = batch[self.text_column]
        context = {
            key: batch[name]
            for key, name in self.context_columns.items()
            if name is not None and name in batch
        }
        cleaner = self.cleaner
        cleaner.accelerate()  # once per process; then a dictionary look-up
        out: list[Any] = []
        notes: list[Any] = []
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                out.append(text)
                notes.append(None)
                continue
            result = clean_one(cleaner, text, **{k: v[i] for k, v in context.items()})
            out.append(result.text)
            notes.append(annotation_record(result))
        columns = {self.output_column: out}
        if self.annotate_column:
            columns[self.annotate_column] = notes
        return columns

    def features(self, features: Any) -> Any:
        """The dataset's ``Features`` with the output (and annotation) columns this writes."""
        datasets = require("datasets", "datasets")
        pa = require("pyarrow", "datasets")
        new = datasets.Features(dict(features)) if features is not None else datasets.Features()
        fields = [pa.field(self.output_column, pa.string())]
        if self.annotate_column:
            fields.append(pa.field(self.annotate_column, annotation_arrow_type("datasets")))
        new.update(datasets.Features.from_arrow_schema(pa.schema(fields)))
        return new


def clean_dataset(
    dataset: Any,
    *,
    batch_size: int = 1000,
    num_proc: int | None = None,
    desc: str = "boilerclean",
    map_kwargs: Mapping[str, Any] | None = None,
    **clean_kwargs: Any,
) -> Any:
    """``dataset.map`` with a :class:`CleanBatch` and the column types declared.

    ``clean_kwargs`` go to :class:`CleanBatch`; ``map_kwargs`` to ``map`` itself.
    Works on a ``Dataset`` and, without ``num_proc``, an ``IterableDataset``.
    """
    require("datasets", "datasets")
    fn = CleanBatch(**clean_kwargs)
    kwargs: dict[str, Any] = {"batched": True, "batch_size": batch_size, **(map_kwargs or {})}
    features = getattr(dataset, "features", None)
    if features is not None:
        kwargs["features"] = fn.features(features)
    if num_proc is not None:
        kwargs["num_proc"] = num_proc
    if hasattr(dataset, "num_rows"):  # a map-style Dataset shows a progress bar
        kwargs.setdefault("desc", desc)
    return dataset.map(fn, **kwargs)
