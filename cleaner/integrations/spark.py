"""Clean a Spark DataFrame column on a cluster (``pip install "boilerclean[spark]"``).

::

    from cleaner.integrations.spark import clean_dataframe

    df = spark.read.json("s3://bucket/news/*.jsonl")
    clean_dataframe(df, text_col="text", url_col="url").write.parquet("s3://bucket/clean/")

How it runs: the driver builds the :class:`~cleaner.Cleaner` (reading any rule
directories there, so executors need no copy of them) and broadcasts it. A Cleaner
pickles as its pack sources and options, a few hundred KB, never as compiled objects.
``mapInArrow`` hands each Python worker Arrow record batches; the worker unpickles the
broadcast once, compiles the rules once per process (later tasks in the same reused
worker find them compiled), cleans the batch's text column row by row and returns the
batch with the cleaned column, every other column passed through as Arrow arrays
untouched. Executors need boilerclean installed (see the README, "Pipelines").

With Spark Connect (no ``SparkContext`` on the client) the Cleaner travels inside the
function instead of as a broadcast: the same bytes once per task rather than once per
executor, and still compiled once per worker process.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cleaner.engine import Cleaner
from cleaner.errors import InputError
from cleaner.integrations._common import (
    annotation_arrow_type,
    annotation_record,
    build_cleaner,
    clean_one,
    require,
)

if TYPE_CHECKING:
    import pyarrow
    from pyspark.sql import DataFrame
    from pyspark.sql.types import DataType

__all__ = ["annotation_type", "clean_dataframe"]

logger = logging.getLogger(__name__)


def annotation_type() -> DataType:
    """The Spark type of the annotation column: packs, publisher, removals, warnings."""
    types = require("pyspark.sql.types", "spark")
    string = types.StringType()
    removal = types.StructType(
        [
            types.StructField("rule", string),
            types.StructField("category", string),
            types.StructField("action", string),
            types.StructField("line", types.IntegerType()),
        ]
    )
    result: DataType = types.StructType(
        [
            types.StructField("packs", types.ArrayType(string)),
            types.StructField("publisher", string),
            types.StructField("removals", types.ArrayType(removal)),
            types.StructField("warnings", types.ArrayType(string)),
        ]
    )
    return result


@dataclass(frozen=True)
class _Plan:
    """What the executors need besides the Cleaner: which columns go where."""

    text_col: str
    output_col: str
    annotate_col: str | None
    context: tuple[tuple[str, str], ...]
    names: tuple[str, ...]


def clean_dataframe(
    df: DataFrame,
    text_col: str = "text",
    url_col: str | None = "url",
    *,
    publisher_col: str | None = "publisher",
    date_col: str | None = "date",
    language_col: str | None = "language",
    output_col: str | None = None,
    annotate_col: str | None = None,
    cleaner: Cleaner | None = None,
    packs: Iterable[str] | None = None,
    rule_dirs: Iterable[str | os.PathLike[str]] = (),
    keep_categories: Iterable[str] = (),
    **options: Any,
) -> DataFrame:
    """``df`` with ``text_col`` cleaned into ``output_col`` (default: in place).

    The context columns (``url_col``, ``publisher_col``, ``date_col``,
    ``language_col``) are used where ``df`` has them and ignored where it does not, as
    corpus mode ignores absent fields; None switches one off. A date column may be a
    string (``YYYY-MM-DD...``), a date or a timestamp. ``annotate_col`` adds a struct
    column (:func:`annotation_type`) with the packs found and every removal. A null text
    stays null. ``packs``, ``rule_dirs``, ``keep_categories`` and ``options`` build the
    Cleaner, unless a ``cleaner`` is given. Row order and partitioning are unchanged.
    """
    require("pyarrow", "spark")
    types = require("pyspark.sql.types", "spark")
    cleaner = build_cleaner(
        cleaner=cleaner,
        packs=packs,
        rule_dirs=rule_dirs,
        keep_categories=keep_categories,
        **options,
    )
    columns = list(df.columns)
    if text_col not in columns:
        raise InputError(f"no column '{text_col}' to clean (columns: {', '.join(columns)})")
    if not isinstance(df.schema[text_col].dataType, types.StringType):
        raise InputError(f"column '{text_col}' is {df.schema[text_col].dataType}, not a string")
    context = []
    for key, col in (
        ("url", url_col),
        ("publisher", publisher_col),
        ("date", date_col),
        ("language", language_col),
    ):
        if col is None:
            continue
        if col in columns:
            context.append((key, col))
        else:
            logger.info("boilerclean: no column '%s'; cleaning without the %s", col, key)
    output_col = output_col or text_col
    fields = list(df.schema.fields)
    wanted = [(output_col, types.StringType())]
    if annotate_col:
        if annotate_col == output_col:
            raise InputError("annotate_col and output_col must differ")
        wanted.append((annotate_col, annotation_type()))
    for name, data_type in wanted:
        field = types.StructField(name, data_type, True)
        if name in columns:
            fields[columns.index(name)] = field
        else:
            fields.append(field)
    schema = types.StructType(fields)
    plan = _Plan(text_col, output_col, annotate_col, tuple(context), tuple(f.name for f in fields))
    handle: Any = cleaner  # Spark Connect has no SparkContext: it ships with the function
    with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError):
        handle = df.sparkSession.sparkContext.broadcast(cleaner)
    return df.mapInArrow(functools.partial(_clean_batches, handle=handle, plan=plan), schema)


def _clean_batches(
    batches: Iterator[pyarrow.RecordBatch], *, handle: Any, plan: _Plan
) -> Iterator[pyarrow.RecordBatch]:
    """Runs in the Python workers: one compiled Cleaner per process, batch after batch."""
    import pyarrow as pa

    cleaner: Cleaner = handle.value if hasattr(handle, "value") else handle
    cleaner.accelerate()
    note_type = annotation_arrow_type("spark") if plan.annotate_col else None
    for batch in batches:
        texts = batch.column(plan.text_col).to_pylist()
        context = {key: batch.column(col).to_pylist() for key, col in plan.context}
        cleaned: list[str | None] = []
        notes: list[dict[str, Any] | None] = []
        for i, text in enumerate(texts):
            if text is None:
                cleaned.append(None)
                notes.append(None)
                continue
            result = clean_one(cleaner, text, **{k: v[i] for k, v in context.items()})
            cleaned.append(result.text)
            notes.append(annotation_record(result) if note_type is not None else None)
        text_type = batch.schema.field(plan.text_col).type
        arrays = []
        for name in plan.names:
            if name == plan.output_col:
                arrays.append(pa.array(cleaned, type=text_type))
            elif name == plan.annotate_col:
                arrays.append(pa.array(notes, type=note_type))
            else:
                arrays.append(batch.column(name))
        yield pa.RecordBatch.from_arrays(arrays, names=list(plan.names))
