"""Corpus mode: stream inputs through worker processes, in order, losing nothing.

Plan: every input becomes numbered chunks. A plain JSONL file is cut into byte ranges
that workers read and write themselves (the parent only merges); compressed JSONL, stdin
and Parquet are read by the parent and sent in batches; a folder becomes one task per
file. Results are taken in chunk order, so the output keeps the input's order.

Nothing half-done looks finished: output grows in ``<output>.parts/output.partial`` next
to a ``manifest.json`` that records each appended chunk, and is renamed into place only
at the end. Rejected records go, with reason and input line number, to the rejects file
(``--rejects``, default ``<output>.rejects.jsonl``).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cleaner.corpus import work
from cleaner.corpus.formats import (
    CORRUPT_ERRORS,
    Compression,
    compression_of,
    format_of,
    open_read,
)
from cleaner.corpus.health import health_json, health_summary, load_baseline, publisher_health
from cleaner.corpus.progress import Progress
from cleaner.corpus.records import Fields
from cleaner.corpus.stats import Stats
from cleaner.engine import Cleaner
from cleaner.errors import InputError, MissingExtraError

MB = 1 << 20
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class CorpusOptions:
    """How to run a corpus: inputs, output, fields, workers and reporting."""

    inputs: tuple[str, ...]
    output: str | None = None  # None: stdout
    input_format: str | None = None
    output_format: str | None = None
    fields: Fields = field(default_factory=Fields)
    workers: int = 1
    chunk_bytes: int = 8 * MB
    rejects: str | None = None
    stats_json: str | None = None
    health_baseline: str | None = None  # a previous --stats-json file
    quiet: bool = False
    progress: bool | None = None  # None: when stderr is a terminal
    errors: str = "strict"
    resume: bool = False


class _Inline(Executor):
    """Runs each task when submitted: one worker needs no pool and no pickling."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


class _Sink:
    """Where output bytes go: a growing partial file (renamed at the end) or stdout."""

    def __init__(self, output: str | None, parts: Path, keep: int = 0) -> None:
        self.output = output
        self.parts = parts
        self.bytes = 0
        if output is None:
            self.fh: BinaryIO = sys.stdout.buffer
            self.partial: Path | None = None
        else:
            self.partial = parts / "output.partial"
            if keep and self.partial.exists():  # resuming: keep what earlier runs appended
                self.fh = open(self.partial, "r+b")  # noqa: SIM115 - closed in finish()
                self.fh.truncate(keep)
                self.fh.seek(keep)
                self.bytes = keep
            else:
                self.fh = open(self.partial, "wb")  # noqa: SIM115 - closed in finish()

    def write(self, data: bytes) -> None:
        if data:
            self.fh.write(data)
            self.bytes += len(data)

    def append_file(self, path: str) -> None:
        with open(path, "rb") as src:
            if self.partial is not None:
                self.fh.flush()
            shutil.copyfileobj(src, self.fh, 4 * MB)
        self.bytes += os.path.getsize(path)
        os.unlink(path)

    def finish(self) -> None:
        self.fh.flush()
        if self.partial is not None and self.output is not None:
            self.fh.close()
            os.replace(self.partial, self.output)


class _Manifest:
    """The run's plan and progress, rewritten atomically as chunks are appended."""

    def __init__(self, parts: Path, opts: CorpusOptions, cleaner: Cleaner) -> None:
        self.path = parts / "manifest.json"
        self.data: dict[str, Any] = {
            "version": MANIFEST_VERSION,
            "inputs": list(opts.inputs),
            "output": opts.output,
            "rules_hash": cleaner.hash,
            "fields": vars(opts.fields),
            "chunk_bytes": opts.chunk_bytes,
            "chunks": [],
            "appended": -1,
            "output_bytes": 0,
            "rejects_bytes": 0,
            "rejects": 0,
            "lines": 0,
        }
        self.previous: dict[str, Any] | None = None
        if opts.resume and self.path.exists():
            old = json.loads(self.path.read_text(encoding="utf-8"))
            same = {
                k: old.get(k) for k in ("inputs", "output", "rules_hash", "fields", "chunk_bytes")
            }
            if same != {k: self.data[k] for k in same}:
                raise InputError(
                    f"cannot resume: {self.path} was written for other inputs, rules, fields "
                    "or chunk size; run without --resume to start again"
                )
            self.previous = old
            for key in ("appended", "output_bytes", "rejects_bytes", "rejects", "lines"):
                self.data[key] = old.get(key, self.data[key])
        self.save()

    def chunk(self, index: int, **info: Any) -> None:
        self.data["chunks"].append({"index": index, **info})

    def appended(
        self, index: int, output_bytes: int, rejects_bytes: int, rejects: int, lines: int
    ) -> None:
        self.data.update(
            appended=index,
            output_bytes=output_bytes,
            rejects_bytes=rejects_bytes,
            rejects=rejects,
            lines=lines,
        )
        self.save()

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1), encoding="utf-8")
        tmp.replace(self.path)


def _plan_ranges(path: str, chunk_bytes: int) -> list[tuple[int, int]]:
    size = os.path.getsize(path)
    if size == 0:
        return []
    return [(start, min(start + chunk_bytes, size)) for start in range(0, size, chunk_bytes)]


@dataclass(frozen=True)
class _Corrupt:
    """Where a compressed stream broke: the bytes of the unfinished line, and why."""

    data: bytes
    reason: str


def _take_front(buf: bytearray, n: int) -> bytes:
    """The first ``n`` bytes of ``buf``, removed from it, copied once (not twice)."""
    with memoryview(buf) as view:
        front = bytes(view[:n])
    del buf[:n]
    return front


def _stream_batches(fh: BinaryIO, batch_bytes: int) -> Iterator[bytes | _Corrupt]:
    """Whole lines, about ``batch_bytes`` at a time (a longer line is one batch, cut at
    MAX_RECORD_BYTES: the rest of it is read and dropped). Reads in small pieces, so a
    stream that breaks (a corrupt or truncated .gz/.zst) gives up every whole line before
    the break, then _Corrupt with the unfinished line."""
    read = getattr(fh, "read1", fh.read)
    buf = bytearray()
    last_nl = -1  # index of the last newline in buf
    skipping = False  # inside a runaway line whose start was already yielded
    try:
        while True:
            piece = read(min(1 << 16, batch_bytes))
            if not piece:
                break
            if skipping:
                cut = piece.find(b"\n")
                if cut < 0:
                    continue
                piece, skipping = piece[cut + 1 :], False
            found = piece.rfind(b"\n")
            if found >= 0:
                last_nl = len(buf) + found
            buf += piece
            if len(buf) < batch_bytes:
                continue
            if last_nl >= 0:
                yield _take_front(buf, last_nl + 1)
                last_nl = -1
            elif len(buf) > work.MAX_RECORD_BYTES:  # a runaway line: keep its start only
                yield _take_front(buf, work.MAX_RECORD_BYTES + 1)
                buf.clear()
                skipping = True
    except CORRUPT_ERRORS as exc:
        if last_nl >= 0:
            yield _take_front(buf, last_nl + 1)
        reason = f"the input cannot be read past this point ({type(exc).__name__}: {exc})"
        yield _Corrupt(bytes(buf), reason)
        return
    if buf:
        yield bytes(buf)


@dataclass
class _Task:
    """A submitted chunk: what to run, and the pool (and future) it was given to."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    future: Future[Any]
    pool: Executor


def _describe(task: _Task) -> str:
    """A chunk as a person would look for it: its index and where its records are."""
    args, fn = task.args, task.fn
    if fn is work.jsonl_range:
        return f"chunk {args[0]} ({args[1]}, bytes {args[2]:,}-{args[3]:,})"
    if fn is work.jsonl_batch:
        lines = args[1].count(b"\n")
        return f"chunk {args[0]} ({args[4]}, a batch of {lines:,} lines)"
    if fn is work.text_file:
        return f"chunk {args[0]} ({args[1]})"
    return f"chunk {args[0]}"


def _processes(pool: Executor) -> list[Any]:
    """A process pool's worker processes (a private attribute: best effort)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _shut_down(pool: Executor) -> str:
    """Shut a broken pool down and say how its worker died, as far as the exit codes of
    its reaped processes tell (the others were ended with SIGTERM by the pool)."""
    processes = _processes(pool)
    pool.shutdown(wait=True)
    codes = sorted({p.exitcode for p in processes if p.exitcode not in (None, 0, -15)})
    if not codes:
        return "terminated abruptly"
    return ", ".join(f"killed by signal {-c}" if c < 0 else f"exit code {c}" for c in codes)


def _stop(pool: Executor | None) -> None:
    """Stop a pool now: cancel what has not started and end the workers (Ctrl-C)."""
    if pool is None:
        return
    processes = _processes(pool)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)


def _warn(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


class CorpusRun:
    """One run of corpus mode; ``run()`` returns the merged counts."""

    def __init__(self, cleaner: Cleaner, opts: CorpusOptions) -> None:
        self.cleaner = cleaner
        self.opts = opts
        formats = {format_of(p, opts.input_format) for p in opts.inputs}
        if len(formats) != 1:
            raise InputError(f"inputs mix formats ({', '.join(sorted(formats))}); run them apart")
        self.format = formats.pop()
        self.out_format = format_of(opts.output, opts.output_format) if opts.output else self.format
        if self.format == "folder" and opts.output and self.out_format != "folder":
            self.out_format = "folder"
        allowed = {
            "jsonl": {"jsonl"},
            "parquet": {"parquet", "jsonl"},
            "text": {"text"},
            "folder": {"folder"},
        }
        if self.out_format not in allowed[self.format]:
            raise InputError(f"cannot write {self.format} input as {self.out_format}")
        if self.format == "folder" and opts.output is None:
            raise InputError(f"{opts.inputs[0]}: a directory input needs -o OUTPUT_FOLDER")
        self.stats = Stats()
        self.started = time.perf_counter()
        self.rejects_path = opts.rejects or (
            f"{opts.output}.rejects.jsonl" if opts.output else "clean.rejects.jsonl"
        )
        self.reject_count = 0
        self.line_offset = 0
        self.chunks_done = 0
        self._pool: Executor | None = None
        self._retry_pool: ProcessPoolExecutor | None = None

    # -- shared plumbing --------------------------------------------------------------------
    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            initializer=work.init_pool_worker,
            initargs=(self.cleaner,),
        )

    def _start_pool(self) -> Executor:
        if self.opts.workers <= 1:
            work.init_worker(self.cleaner)
            return _Inline()
        return self._new_pool(self.opts.workers)

    def _parts_dir(self) -> Path:
        if self.opts.output:
            parts = Path(self.opts.output + ".parts")
        else:
            import tempfile

            parts = Path(tempfile.mkdtemp(prefix="boilerclean-"))
        resuming = self.opts.resume and (parts / "manifest.json").exists()
        if parts.exists() and not resuming:
            shutil.rmtree(parts)
        parts.mkdir(parents=True, exist_ok=True)
        return parts

    def _take(self, result: work.ChunkResult, rejects_fh: BinaryIO | None) -> None:
        """Account for a finished chunk, in order: stats, rejects with global line numbers."""
        self.stats.merge(result.stats)
        if result.rejects and rejects_fh is not None:
            for local, entry in result.rejects:
                record = json.loads(entry)
                record["line"] = self.line_offset + local
                rejects_fh.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
            self.reject_count += len(result.rejects)
        self.line_offset += result.lines
        self.chunks_done += 1

    def _ordered(
        self, tasks: Iterator[tuple[Callable[..., Any], tuple[Any, ...]]]
    ) -> Iterator[Any]:
        """Run tasks in the worker pool with a bounded window; yield results in submission
        order. A worker that dies breaks the pool: it is reported and replaced, and every
        chunk that was in the broken pool is retried alone in a fresh process; a chunk that
        kills that process too goes, record by record and unchanged, to the rejects file."""
        window = max(2, 2 * self.opts.workers)
        pending: deque[_Task] = deque()
        self._pool = self._start_pool()
        try:
            for fn, args in tasks:
                pending.append(self._submit(fn, args))
                while len(pending) >= window:
                    yield self._result(pending.popleft())
            while pending:
                yield self._result(pending.popleft())
        except BaseException:
            for pool in (self._pool, self._retry_pool):
                _stop(pool)
            self._pool = self._retry_pool = None
            raise
        self._pool.shutdown(wait=True)
        if self._retry_pool is not None:
            self._retry_pool.shutdown(wait=True)
        self._pool = self._retry_pool = None

    def _submit(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> _Task:
        assert self._pool is not None
        try:
            future = self._pool.submit(fn, *args)
        except BrokenProcessPool as exc:  # it broke since the last result was taken
            future = Future()
            future.set_exception(exc)
        return _Task(fn, args, future, self._pool)

    def _result(self, task: _Task) -> Any:
        try:
            return task.future.result()
        except BrokenProcessPool:
            pass
        where = _describe(task)
        if task.pool is self._pool:  # this pool just broke: report it once, start another
            self.stats.worker_deaths += 1
            death = _shut_down(task.pool)
            _warn(
                f"clean: a worker process died ({death}) while {where} or a "
                "chunk beside it was being cleaned; retrying those chunks one at a time in "
                "a fresh process"
            )
            self._pool = self._new_pool(self.opts.workers)
        if self._retry_pool is None:
            self._retry_pool = self._new_pool(1)
        try:
            return self._retry_pool.submit(task.fn, *task.args).result()
        except BrokenProcessPool:
            pass
        death = _shut_down(self._retry_pool)
        self._retry_pool = None
        self.stats.worker_deaths += 1
        self.stats.chunks_rejected += 1
        reason = (
            f"worker process died twice on this chunk ({death}); its records are "
            "passed to rejects unchanged"
        )
        _warn(
            f"clean: {where} killed its worker process again ({death}); its records go to rejects"
        )
        return work.rejected_chunk(task.fn, task.args, reason)

    # -- the run ----------------------------------------------------------------------------
    def run(self) -> Stats:
        progress = Progress(self._total_bytes(), self.opts)
        if self.format == "folder":
            self._run_folder(progress)
        elif self.format == "parquet":
            self._run_parquet(progress)
        elif self.format == "text":
            self._run_text(progress)
        else:
            self._run_jsonl(progress)
        progress.close()
        self.stats.rejects = self.reject_count
        return self.stats

    def _total_bytes(self) -> int | None:
        total = 0
        for p in self.opts.inputs:
            if p == "-":
                return None
            path = Path(p)
            if path.is_dir():
                total += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
            elif path.exists():
                total += path.stat().st_size
            else:
                raise InputError(f"{p}: no such file or directory")
        return total

    def _rejects_file(self, keep: int = 0) -> BinaryIO:
        target = Path(self.rejects_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(str(target) + ".partial")
        if keep and partial.exists():
            fh = open(partial, "r+b")  # noqa: SIM115 - closed by _finish_rejects
            fh.truncate(keep)
            fh.seek(keep)
            return fh
        return open(partial, "wb")

    def _finish_rejects(self, fh: BinaryIO) -> None:
        fh.close()
        partial = self.rejects_path + ".partial"
        if self.reject_count:
            os.replace(partial, self.rejects_path)
        else:
            os.unlink(partial)

    def _run_jsonl(self, progress: Progress) -> None:
        opts = self.opts
        parts = self._parts_dir()
        manifest = _Manifest(parts, opts, self.cleaner)
        out_kind: Compression = compression_of(opts.output) if opts.output else None
        done = manifest.data["appended"]  # chunks an interrupted run already appended
        sink = _Sink(opts.output, parts, keep=manifest.data["output_bytes"] if done >= 0 else 0)
        rejects = self._rejects_file(keep=manifest.data["rejects_bytes"] if done >= 0 else 0)
        if done >= 0:
            self.reject_count = manifest.data["rejects"]
            self.line_offset = manifest.data["lines"]
        index = 0

        def tasks() -> Iterator[tuple[Callable[..., Any], tuple[Any, ...]]]:
            nonlocal index
            for path in opts.inputs:
                if path != "-" and compression_of(path) is None:
                    for start, end in _plan_ranges(path, opts.chunk_bytes):
                        part = str(parts / f"part-{index:06d}.jsonl")
                        manifest.chunk(index, input=path, start=start, end=end)
                        if index <= done:
                            index += 1
                            continue
                        yield (
                            work.jsonl_range,
                            (index, path, start, end, part, opts.fields, out_kind),
                        )
                        index += 1
                else:
                    stream = sys.stdin.buffer if path == "-" else open_read(path)
                    source = "<stdin>" if path == "-" else path
                    try:
                        for batch in _stream_batches(stream, opts.chunk_bytes // 2):
                            manifest.chunk(index, input=source, stream=True)
                            if index <= done:
                                index += 1
                                continue
                            if isinstance(batch, _Corrupt):
                                yield work.unreadable, (index, batch.data, batch.reason, source)
                            else:
                                yield (
                                    work.jsonl_batch,
                                    (index, batch, opts.fields, out_kind, source),
                                )
                            index += 1
                    finally:
                        if stream is not sys.stdin.buffer:
                            stream.close()

        try:
            for result in self._ordered(tasks()):
                if result.part is not None:
                    sink.append_file(result.part)
                else:
                    sink.write(result.output)
                self._take(result, rejects)
                rejects.flush()
                manifest.appended(
                    result.index,
                    sink.bytes,
                    rejects.tell(),
                    self.reject_count,
                    self.line_offset,
                )
                progress.update(result.stats)
            sink.finish()
        finally:
            self._finish_rejects(rejects)
        shutil.rmtree(parts, ignore_errors=True)

    def _run_parquet(self, progress: Progress) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise MissingExtraError("parquet", "pyarrow") from exc
        opts = self.opts
        if opts.output is None:
            raise InputError("Parquet input needs -o OUTPUT.parquet (or .jsonl)")
        fields = opts.fields
        parts = self._parts_dir()
        partial = parts / "output.partial"
        writer: Any = None
        rejects = self._rejects_file()
        index = 0
        out_jsonl = self.out_format == "jsonl"
        sink = _Sink(opts.output, parts) if out_jsonl else None

        def tasks() -> Iterator[tuple[Callable[..., Any], tuple[Any, ...]]]:
            nonlocal index
            for path in opts.inputs:
                pf = pq.ParquetFile(path)
                if fields.text not in pf.schema_arrow.names:
                    raise InputError(f"{path}: no column '{fields.text}'")
                for batch in pf.iter_batches(batch_size=4096):
                    yield work.records_batch, (index, batch.to_pylist(), fields)
                    index += 1

        try:
            for result, rows in self._ordered(tasks()):
                kept = [r for r in rows if r is not None]
                if sink is not None:
                    import orjson

                    sink.write(b"".join(orjson.dumps(r, default=str) + b"\n" for r in kept))
                elif kept:
                    table = pa.Table.from_pylist(kept)
                    if writer is None:
                        writer = pq.ParquetWriter(str(partial), table.schema)
                    writer.write_table(table.cast(writer.schema))
                self._take(result, rejects)
                progress.update(result.stats)
            if sink is not None:
                sink.finish()
            else:
                if writer is None:  # every row rejected, or an empty input
                    first = pq.ParquetFile(opts.inputs[0]).schema_arrow
                    writer = pq.ParquetWriter(str(partial), first)
                writer.close()
                os.replace(partial, opts.output)
        finally:
            self._finish_rejects(rejects)
        shutil.rmtree(parts, ignore_errors=True)

    def _run_folder(self, progress: Progress) -> None:
        opts = self.opts
        assert opts.output is not None
        target_root = Path(opts.output)
        rejects = self._rejects_file()
        files: list[tuple[Path, Path]] = []
        for root in opts.inputs:
            base = Path(root)
            for f in sorted(base.rglob("*")):
                if f.is_file() and not f.name.startswith("."):
                    files.append((f, target_root / f.relative_to(base)))

        def tasks() -> Iterator[tuple[Callable[..., Any], tuple[Any, ...]]]:
            for i, (src, dst) in enumerate(files):
                yield work.text_file, (i, str(src), str(dst), opts.errors)

        try:
            for result in self._ordered(tasks()):
                self._take(result, rejects)
                progress.update(result.stats)
        finally:
            self._finish_rejects(rejects)

    def _run_text(self, progress: Progress) -> None:
        opts = self.opts
        rejects = self._rejects_file()
        try:
            work.init_worker(self.cleaner)
            for i, path in enumerate(opts.inputs):
                result = work.text_file(i, path, None, opts.errors)
                if opts.output is None:
                    sys.stdout.buffer.write(result.output)
                else:
                    tmp = Path(opts.output + ".partial")
                    with open(tmp, "ab" if i else "wb") as fh:
                        fh.write(result.output)
                self._take(result, rejects)
                progress.update(result.stats)
            if opts.output is not None:
                os.replace(opts.output + ".partial", opts.output)
        finally:
            self._finish_rejects(rejects)


def _report_interrupt(run: CorpusRun, opts: CorpusOptions) -> None:
    """What an interrupted run leaves and how to finish it, after the summary so far."""
    if opts.quiet:
        return
    seconds = time.perf_counter() - run.started
    run.stats.rejects = run.reject_count
    rejects_path = run.rejects_path if run.reject_count else None
    sys.stderr.write(run.stats.summary(seconds, rejects_path))
    if run.format == "jsonl" and opts.output:
        what = (
            f"the finished chunks are kept in {opts.output}.parts: run the same "
            "command with --resume to continue"
        )
    elif run.format == "folder":
        what = "each file written so far is complete: run the command again to finish"
    else:
        what = "no output was renamed into place: run the command again to redo it"
    sys.stderr.write(f"clean: interrupted after {run.chunks_done:,} finished chunk(s); {what}\n")


def run_corpus(cleaner: Cleaner, opts: CorpusOptions) -> tuple[Stats, float, str | None]:
    """Run corpus mode; returns the counts, the seconds taken and the rejects path."""
    baseline = load_baseline(opts.health_baseline) if opts.health_baseline else None
    run = CorpusRun(cleaner, opts)
    try:
        stats = run.run()
    except KeyboardInterrupt:
        _report_interrupt(run, opts)
        raise
    except RuntimeError as exc:
        # Ctrl-C landing while a future's result() releases its condition's lock turns into
        # "cannot release un-acquired lock", with the KeyboardInterrupt as its context: it
        # is the same interrupt, and must end the run the same way (summary, exit 130)
        if not isinstance(exc.__context__, KeyboardInterrupt):
            raise
        _report_interrupt(run, opts)
        raise KeyboardInterrupt from exc
    seconds = time.perf_counter() - run.started
    rejects = run.rejects_path if stats.rejects else None
    health = publisher_health(stats, cleaner.ruleset, baseline)
    if opts.stats_json:
        summary = stats.to_json(
            seconds, rejects_file=rejects, workers=opts.workers, **health_json(health, baseline)
        )
        target = Path(opts.stats_json)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{target}: cannot write the stats: {exc.strerror or exc}") from exc
    if not opts.quiet:
        sys.stderr.write(stats.summary(seconds, rejects) + health_summary(health, baseline))
    return stats, seconds, rejects
