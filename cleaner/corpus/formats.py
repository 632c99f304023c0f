"""Corpus formats: which one a path is, and opening compressed streams.

A format is chosen by flag or by extension: ``.jsonl`` / ``.ndjson`` / ``.json`` (JSON
Lines, optionally ``.gz`` or ``.zst``), ``.parquet``, a folder (of ``.txt`` files), and
anything else is one plain text document.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path
from typing import Any, BinaryIO, Literal

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
        return io.BufferedReader(_ZstdFrames(open(path, "rb")))  # closed by _ZstdFrames
    return open(path, "rb")


#: What reading a broken compressed stream raises: gzip's BadGzipFile (an OSError) and
#: EOFError for a truncated member, zlib.error, ZstdError, and our EOFError for a
#: truncated zstd frame. Corpus mode turns these into a reject, never a traceback.
CORRUPT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    zlib.error,
    zstandard.ZstdError,
)


class _ZstdFrames(io.RawIOBase):
    """Decompressed bytes of concatenated zstd frames (parts are written as separate
    frames), raising EOFError when the file ends inside a frame: zstandard's own stream
    reader returns a truncated file's partial data without a word.

    Memory stays bounded for a decompression bomb: compressed input is fed in pieces sized
    from the ratio seen so far, so that each piece expands to about ``_TARGET`` bytes (a
    piece of ``_SMALLEST`` bytes of run-length blocks still expands to a few MB at most)."""

    _TARGET = 1 << 20
    _SMALLEST = 64
    _LARGEST = 1 << 20

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._dctx = zstandard.ZstdDecompressor()
        self._obj = self._dctx.decompressobj()
        self._in_frame = False
        self._out = b""  # decompressed, handed out from self._at on
        self._at = 0
        self._pending = b""  # compressed bytes read, fed from self._fed on
        self._fed = 0
        self._piece = self._SMALLEST  # grows as the ratio allows

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._at >= len(self._out):
            if self._fed >= len(self._pending):
                self._pending, self._fed = self._fh.read(self._LARGEST), 0
                if not self._pending:
                    if self._in_frame:
                        raise EOFError("zstd file ends in the middle of a frame (truncated?)")
                    return 0
            piece = self._pending[self._fed : self._fed + self._piece]
            self._fed += len(piece)
            self._out, self._at = self._feed(piece), 0
            ratio = max(1, len(self._out) // len(piece))
            self._piece = max(self._SMALLEST, min(self._LARGEST, self._TARGET // ratio))
        n = min(len(buffer), len(self._out) - self._at)
        buffer[:n] = memoryview(self._out)[self._at : self._at + n]
        self._at += n
        return n

    def _feed(self, data: bytes) -> bytes:
        outs = []
        while data:
            self._in_frame = True
            outs.append(self._obj.decompress(data))
            if not self._obj.eof:
                break
            self._in_frame = False
            data = self._obj.unused_data
            self._obj = self._dctx.decompressobj()
        return b"".join(outs)

    def close(self) -> None:
        self._fh.close()
        super().close()


def compress(data: bytes, kind: Compression) -> bytes:
    """One independent member/frame: concatenated members make a valid file."""
    if kind == "gz":
        return gzip.compress(data, compresslevel=6)
    if kind == "zst":
        return bytes(zstandard.ZstdCompressor(level=3).compress(data))
    return data
