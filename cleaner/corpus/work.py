"""What a worker process does: clean one chunk and hand back its output and counts.

Workers get the Cleaner once, when the pool starts (it pickles as pack sources and
recompiles once per process). A byte-range chunk of a plain JSONL file is read and
written by the worker itself, so the parent does no per-record I/O; batches from
compressed or streamed inputs arrive as bytes and leave as bytes.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cleaner.corpus.formats import Compression, compress
from cleaner.corpus.records import Fields, RejectError, clean_fields, clean_jsonl_line, reject_line
from cleaner.corpus.stats import Stats
from cleaner.engine import Cleaner

_CLEANER: Cleaner | None = None


def init_worker(cleaner: Cleaner) -> None:
    global _CLEANER
    _CLEANER = cleaner


def init_pool_worker(cleaner: Cleaner) -> None:
    """A pool worker's initializer: Ctrl-C reaches the whole process group, and only the
    parent handles it (it stops the workers itself and prints the summary)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    init_worker(cleaner)


def worker_cleaner() -> Cleaner:
    if _CLEANER is None:  # pragma: no cover - init_worker always runs first
        raise RuntimeError("worker used before init_worker")
    return _CLEANER


@dataclass
class ChunkResult:
    """A finished chunk: its output (or the part file holding it), rejects and counts."""

    index: int
    lines: int = 0
    output: bytes = b""
    part: str | None = None
    rejects: list[tuple[int, bytes]] = field(default_factory=list)  # (local line, entry)
    stats: Stats = field(default_factory=Stats)


#: Largest JSONL record read, in bytes. A longer one (a runaway line, a decompression
#: bomb without line breaks) is cut at this size and goes to the rejects file.
MAX_RECORD_BYTES = 64 * 1024 * 1024


def read_bounded_line(fh: BinaryIO) -> bytes:
    """One line, at most MAX_RECORD_BYTES + 1 bytes kept; the rest of a longer line is
    read and dropped, so memory stays bounded whatever the input."""
    line = fh.readline(MAX_RECORD_BYTES + 1)
    if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
        while True:
            rest = fh.readline(1 << 20)
            if not rest or rest.endswith(b"\n"):
                break
    return line  # over the limit: no newline added (no 64 MB copy); callers strip it anyway


def _clean_lines(
    cleaner: Cleaner,
    lines: list[bytes],
    fields: Fields,
    source: str,
) -> tuple[bytearray, list[tuple[int, bytes]], Stats]:
    out = bytearray()
    rejects: list[tuple[int, bytes]] = []
    stats = Stats()
    for number, raw in enumerate(lines, 1):
        body = raw.rstrip(b"\r\n")
        if not body.strip():
            continue  # a blank line carries no record
        stats.bytes_in += len(raw)
        if len(body) > MAX_RECORD_BYTES:
            stats.rejects += 1
            reason = f"record larger than {MAX_RECORD_BYTES:,} bytes; its start is kept here"
            rejects.append((number, reject_line(number, reason, body[:4096], source)))
            continue
        try:
            cleaned = clean_jsonl_line(cleaner, body, fields, stats)
        except RejectError as exc:
            stats.rejects += 1
            rejects.append((number, reject_line(number, str(exc), body, source)))
            continue
        out += cleaned
        out += b"\n"
        stats.bytes_out += len(cleaned) + 1
    return out, rejects, stats


def _read_range(path: str, start: int, end: int) -> list[bytes]:
    """The lines that start in ``[start, end)`` of a file, each at most MAX_RECORD_BYTES."""
    with open(path, "rb") as fh:
        if start > 0:
            fh.seek(start - 1)
            if fh.read(1) != b"\n":  # the line started in an earlier chunk: skip it, in
                while True:  # pieces, and only as far as this range (a runaway line)
                    piece = fh.readline(1 << 20)
                    if not piece or piece.endswith(b"\n") or fh.tell() >= end:
                        break
        lines = []
        while fh.tell() < end:
            line = read_bounded_line(fh)
            if not line:
                break
            lines.append(line)
    return lines


def jsonl_range(
    index: int,
    path: str,
    start: int,
    end: int,
    part: str,
    fields: Fields,
    compression: Compression,
) -> ChunkResult:
    """Clean the lines that start in ``[start, end)`` of a plain JSONL file into ``part``."""
    cleaner = worker_cleaner()
    lines = _read_range(path, start, end)
    out, rejects, stats = _clean_lines(cleaner, lines, fields, path)
    Path(part).write_bytes(compress(bytes(out), compression))
    return ChunkResult(index, len(lines), b"", part, rejects, stats)


def split_lines(data: bytes) -> list[bytes]:
    """Lines as ``readline`` cuts them, at b"\\n" only (``bytes.splitlines`` also cuts at a
    lone b"\\r", which would number a streamed input's lines unlike the same plain file)."""
    lines = data.split(b"\n")
    last = lines.pop()
    out = [line + b"\n" for line in lines]
    if last:
        out.append(last)
    return out


def jsonl_batch(
    index: int,
    data: bytes,
    fields: Fields,
    compression: Compression,
    source: str,
) -> ChunkResult:
    """Clean a batch of whole JSONL lines that the parent read from a stream."""
    lines = split_lines(data)
    out, rejects, stats = _clean_lines(worker_cleaner(), lines, fields, source)
    return ChunkResult(index, len(lines), compress(bytes(out), compression), None, rejects, stats)


def records_batch(
    index: int,
    records: list[dict[str, Any]],
    fields: Fields,
) -> tuple[ChunkResult, list[dict[str, Any] | None]]:
    """Clean parsed records (rows of a Parquet batch); None marks a rejected row."""
    cleaner = worker_cleaner()
    stats = Stats()
    rejects: list[tuple[int, bytes]] = []
    out: list[dict[str, Any] | None] = []
    for number, record in enumerate(records, 1):
        text = record.get(fields.text)
        size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else 0
        stats.bytes_in += size
        try:
            result = clean_fields(cleaner, record, fields)
        except RejectError as exc:
            stats.rejects += 1
            rejects.append((number, reject_line(number, str(exc), _jsonable(record))))
            out.append(None)
            continue
        stats.add_result(result)
        stats.bytes_out += len(result.text.encode("utf-8", "surrogatepass"))
        out.append(record)
    return ChunkResult(index, len(records), b"", None, rejects, stats), out


def _jsonable(record: dict[str, Any]) -> str:
    import orjson

    return orjson.dumps(record, default=str).decode("utf-8")


def text_file(
    index: int,
    source: str,
    target: str | None,
    errors: str,
) -> ChunkResult:
    """Clean one text document (a file of a folder); write it to ``target`` if given."""
    cleaner = worker_cleaner()
    stats = Stats()
    data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    stats.bytes_in = len(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if errors != "replace":
            stats.rejects = 1
            reason = f"invalid UTF-8 at byte offset {exc.start}"
            return ChunkResult(
                index, 1, b"", None, [(1, reject_line(1, reason, data, source))], stats
            )
        text = data.decode("utf-8", "replace")
    result = cleaner.clean(text)
    stats.add_result(result)
    out = result.text.encode("utf-8", "surrogateescape")
    stats.bytes_out = len(out)
    if target is not None:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(target + ".tmp")
        tmp.write_bytes(out)
        tmp.replace(target)
        return ChunkResult(index, 1, b"", target, [], stats)
    return ChunkResult(index, 1, out, None, [], stats)


def unreadable(index: int, data: bytes, reason: str, source: str) -> ChunkResult:
    """The end of a stream that could not be decompressed: one reject, holding the start
    of the unfinished line (if any), so that the break is reported with its line number."""
    stats = Stats(rejects=1, bytes_in=len(data))
    body = data[:4096]
    return ChunkResult(index, 1, b"", None, [(1, reject_line(1, reason, body, source))], stats)


def _all_rejected(index: int, lines: list[bytes], reason: str, source: str) -> ChunkResult:
    stats = Stats()
    rejects: list[tuple[int, bytes]] = []
    for number, raw in enumerate(lines, 1):
        body = raw.rstrip(b"\r\n")
        if not body.strip():
            continue
        stats.bytes_in += len(raw)
        stats.rejects += 1
        if len(body) > MAX_RECORD_BYTES:
            body = body[:4096]
        rejects.append((number, reject_line(number, reason, body, source)))
    return ChunkResult(index, len(lines), b"", None, rejects, stats)


def rejected_chunk(fn: Callable[..., Any], args: tuple[Any, ...], reason: str) -> Any:
    """What a task returns when its chunk cannot be cleaned at all (its worker process
    died on it twice): every record of the chunk, unchanged, goes to the rejects file with
    ``reason``. Runs in the parent and never touches the Cleaner."""
    if fn is jsonl_range:
        index, path, start, end = args[:4]
        return _all_rejected(index, _read_range(path, start, end), reason, path)
    if fn is jsonl_batch:
        index, data, _fields, _compression, source = args
        return _all_rejected(index, split_lines(data), reason, source)
    if fn is records_batch:
        index, records, _fields = args
        stats = Stats(rejects=len(records))
        rejects = [(n, reject_line(n, reason, _jsonable(r))) for n, r in enumerate(records, 1)]
        return ChunkResult(index, len(records), b"", None, rejects, stats), [None] * len(records)
    if fn is text_file:
        index, source = args[:2]
        data = Path(source).read_bytes()
        stats = Stats(rejects=1, bytes_in=len(data))
        return ChunkResult(index, 1, b"", None, [(1, reject_line(1, reason, data, source))], stats)
    raise TypeError(f"no reject form for {fn!r}")  # pragma: no cover - every task kind is above
