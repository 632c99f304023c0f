"""Compiled patterns kept on disk, so that a process does not parse a pattern again.

The ``regex`` module parses a pattern in Python: about a millisecond each, tens of
milliseconds for the long alternations of the common pack. A corpus run needs a couple of
thousand of the built-in patterns, so every ``clean`` run, corpus worker, Spark or
datatrove task spent seconds compiling the same patterns. A compiled ``regex`` pattern
pickles as its compiled program (what ``regex`` itself does for ``pickle``), and reading
one back skips the parse: all the built-in patterns load in about a tenth of a second
where compiling them takes five.

The file ``compiled-<tag>.bin`` in the cache folder (:func:`cleaner.cache.cache_dir`)
is named by the Python and ``regex`` releases; each record holds one pattern's text, its
flags and its compiled form, with a SHA-256 of the record, and is appended with one write
(concurrent workers do not mix their records). A record that fails its sum or does not
read back as that pattern is skipped; a file past :data:`MAX_BYTES` is started afresh.
Records are read with an unpickler that builds nothing but ``regex``'s own compiled
patterns. The compiled program is trusted like the Hyperscan databases beside it: the
folder must be writable only by its user (see SECURITY.md).
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import struct
import sys
import threading
from pathlib import Path

import regex

from cleaner.cache import cache_dir

#: Past this size the file is started afresh (edited rules leave old patterns behind).
MAX_BYTES = 64 * 1024 * 1024
_HEAD = struct.Struct("<I8s")  # record length, first bytes of its SHA-256
_BUILD = ("regex._regex", "compile")  # how a compiled pattern pickles

_lock = threading.Lock()
_tables: dict[Path, dict[tuple[str, int], regex.Pattern[str]]] = {}


def _file(folder: Path) -> Path:
    tag = hashlib.sha256(f"{sys.version}\0{regex.__version__}".encode()).hexdigest()[:16]
    return folder / f"compiled-{tag}.bin"


class _PatternUnpickler(pickle.Unpickler):
    """Builds compiled ``regex`` patterns and plain data, nothing else."""

    def find_class(self, module: str, name: str) -> object:
        if (module, name) != _BUILD:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a pattern cache")
        return super().find_class(module, name)


def compile_pattern(source: str, flags: int = 0) -> regex.Pattern[str]:
    """``regex.compile(source, flags)``, read from the cache folder when a run on this
    machine compiled it before (raises ``regex.error`` for a bad pattern, never kept)."""
    folder = cache_dir()
    if folder is None:
        return regex.compile(source, flags)
    flags = int(flags)  # a RegexFlag pickles as a reference to its class
    key = (source, flags)
    with _lock:
        table = _tables.get(folder)
        if table is None:
            table = _tables[folder] = _read(_file(folder))
        found = table.get(key)
    if found is not None:
        return found
    compiled = regex.compile(source, flags)
    with _lock:
        if key not in table:
            table[key] = compiled
            _append(folder, source, flags, compiled)
    return compiled


def _read(path: Path) -> dict[tuple[str, int], regex.Pattern[str]]:
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if len(data) > MAX_BYTES:
        path.unlink(missing_ok=True)
        return {}
    table: dict[tuple[str, int], regex.Pattern[str]] = {}
    at, end = 0, len(data)
    while at + _HEAD.size <= end:
        size, digest = _HEAD.unpack_from(data, at)
        body = data[at + _HEAD.size : at + _HEAD.size + size]
        at += _HEAD.size + size
        if len(body) != size:
            break  # a record cut short (a full disk): the rest is unreadable
        if hashlib.sha256(body).digest()[:8] != digest:
            continue
        try:
            source, flags, compiled = _PatternUnpickler(io.BytesIO(body)).load()
        except Exception:  # a damaged record is compiled again
            continue
        if (
            isinstance(source, str)
            and isinstance(flags, int)
            and isinstance(compiled, regex.Pattern)
            and compiled.pattern == source
        ):
            table[(source, flags)] = compiled
    return table


def _append(folder: Path, source: str, flags: int, compiled: regex.Pattern[str]) -> None:
    try:
        body = pickle.dumps((source, flags, compiled), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, ValueError):
        return
    record = _HEAD.pack(len(body), hashlib.sha256(body).digest()[:8]) + body
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(_file(folder), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "ab") as fh:  # one write per record
            fh.write(record)
    except OSError:
        return


def forget() -> None:
    """Drop what this process has read (tests: act as a new process would)."""
    with _lock:
        _tables.clear()
