"""Corpus mode: many documents, in JSONL, Parquet, folders of text, through all cores."""

from __future__ import annotations

from cleaner.corpus.records import Fields
from cleaner.corpus.runner import CorpusOptions, run_corpus
from cleaner.corpus.stats import Stats

__all__ = ["CorpusOptions", "Fields", "Stats", "run_corpus"]
