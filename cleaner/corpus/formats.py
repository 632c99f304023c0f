"""Corpus formats: which one a path is, and opening compressed streams.

A format is chosen by flag or by extension: ``.jsonl`` / ``.ndjson`` / ``.json`` (JSON
Lines, optionally ``.gz`` or ``.zst``), ``.parquet``, a folder (of ``.txt`` files), and
anything else is one plain text document.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import BinaryIO, Literal

import zstandard

from cleaner.errors import InputError

Format = Literal["jsonl", "parquet", "text", "folder"]
Compression = Literal["gz", "zst", None]
FORMATS: tuple[str, ...] = ("jsonl", "parquet", "text", "folder")

_JSONL = (".jsonl", ".ndjson", ".json")


def compression_of(path: str) -> Compression:
    lower = path.lower()
    if lower.endswith(".gz"):
        return "gz"
    if lower.endswith((".zst", ".zstd")):
        return "zst"
    return None


def format_of(path: str, flag: str | None = None) -> Format:
    """The format of an input or output path; ``flag`` (--input/output-format) wins."""
    if flag:
        if flag not in FORMATS:
            raise InputError(f"unknown format '{flag}' (one of {', '.join(FORMATS)})")
        return flag  # type: ignore[return-value]
    if path != "-" and Path(path).is_dir():
        return "folder"
    lower = path.lower()
    for ext in (".gz", ".zst", ".zstd"):
        lower = lower.removesuffix(ext)
    if lower.endswith(_JSONL):
        return "jsonl"
    if lower.endswith(".parquet"):
        return "parquet"
    return "text"


def is_corpus_path(path: str) -> bool:
    return format_of(path) in ("jsonl", "parquet", "folder")


def open_read(path: str) -> BinaryIO:
    """A binary stream of the decompressed content."""
    kind = compression_of(path)
    if kind == "gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if kind == "zst":
        fh = open(path, "rb")  # noqa: SIM115 - the reader owns and closes it
        reader = zstandard.ZstdDecompressor().stream_reader(
            fh,
            closefd=True,
            read_across_frames=True,  # parts are written as separate frames
        )
        return io.BufferedReader(reader)
    return open(path, "rb")


def compress(data: bytes, kind: Compression) -> bytes:
    """One independent member/frame: concatenated members make a valid file."""
    if kind == "gz":
        return gzip.compress(data, compresslevel=6)
    if kind == "zst":
        return bytes(zstandard.ZstdCompressor(level=3).compress(data))
    return data
