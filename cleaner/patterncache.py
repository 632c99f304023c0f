"""Compiled patterns kept on disk, so that a process does not parse a pattern again.

The ``regex`` module parses a pattern in Python: about a millisecond each, tens of
milliseconds for the long alternations of the common pack. A corpus run needs a couple of
thousand of the built-in patterns, so every ``clean`` run, corpus worker, Spark or
datatrove task spent seconds compiling the same patterns. A compiled ``regex`` pattern
pickles as its compiled program (what ``regex`` itself does for ``pickle``), and reading
one back skips the parse: all the built-in patterns load in about a tenth of a second
where compiling them takes five.

The file ``compiled-<tag>.bin`` in the cache folder (:func:`cleaner.cache.cache_dir`)
is named by the Python and ``regex`` releases and the record format; each record holds
one pattern's text, its flags and its compiled form (pickled on its own), with a SHA-256
of the record, and is appended with one write (concurrent workers do not mix their
records). A process reads every record's text and flags at once but builds a compiled
pattern only when asked for it: a run that cleans one file needs a few dozen of the
thousands kept, and building them all was a sixth of a second of every start. A record
that fails its sum is skipped, one that does not read back as its pattern is compiled
again; a file past :data:`MAX_BYTES` is started afresh, and files of other releases
beyond the :data:`KEEP_FILES` most recently used are removed.
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

from cleaner.cache import cache_dir, prune

#: Past this size the file is started afresh (edited rules leave old patterns behind).
MAX_BYTES = 64 * 1024 * 1024
#: Files kept for other Python and ``regex`` releases (and older record formats).
KEEP_FILES = 3
#: The record format, part of the file's name: a file of another format is not read.
FORMAT = 2
_HEAD = struct.Struct("<I8s")  # record length, first bytes of its SHA-256
_BUILD = ("regex._regex", "compile")  # how a compiled pattern pickles

_lock = threading.Lock()
#: by folder: (pattern, flags) -> the compiled pattern, or its pickle until first asked for
_tables: dict[Path, dict[tuple[str, int], regex.Pattern[str] | bytes]] = {}


def _file(folder: Path) -> Path:
    release = f"{sys.version}\0{regex.__version__}\0{FORMAT}"
    tag = hashlib.sha256(release.encode()).hexdigest()[:16]
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
    if isinstance(found, bytes):
        found = _revive(found, source)
        with _lock:
            if found is not None:
                table[key] = found
            else:
                table.pop(key, None)  # compiled and written again below
    if found is not None:
        return found
    compiled = regex.compile(source, flags)
    with _lock:
        if key not in table:
            table[key] = compiled
            _append(folder, source, flags, compiled)
    return compiled


def _read(path: Path) -> dict[tuple[str, int], regex.Pattern[str] | bytes]:
    """Each record's pattern and flags, with its compiled form still pickled (a later
    record of the same pattern wins: it was written after an earlier one failed)."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if len(data) > MAX_BYTES:
        path.unlink(missing_ok=True)
        return {}
    table: dict[tuple[str, int], regex.Pattern[str] | bytes] = {}
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
        if isinstance(source, str) and isinstance(flags, int) and isinstance(compiled, bytes):
            table[(source, flags)] = compiled
    return table


def _revive(blob: bytes, source: str) -> regex.Pattern[str] | None:
    """The compiled pattern a record holds, or None when it is not ``source``'s."""
    try:
        compiled = _PatternUnpickler(io.BytesIO(blob)).load()
    except Exception:
        return None
    if isinstance(compiled, regex.Pattern) and compiled.pattern == source:
        return compiled
    return None


def _append(folder: Path, source: str, flags: int, compiled: regex.Pattern[str]) -> None:
    try:
        blob = pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
        body = pickle.dumps((source, flags, blob), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, ValueError):
        return
    record = _HEAD.pack(len(body), hashlib.sha256(body).digest()[:8]) + body
    path = _file(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        new = not path.exists()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "ab") as fh:  # one write per record
            fh.write(record)
    except OSError:
        return
    if new:
        prune(folder, "compiled-*.bin", KEEP_FILES)


def forget() -> None:
    """Drop what this process has read (tests: act as a new process would)."""
    with _lock:
        _tables.clear()
