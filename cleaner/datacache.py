"""Results of slow, pure computations kept on disk as pickled plain data.

Loading the packs and preparing the Hyperscan patterns are pure functions of the pack
texts and of this package's code, and every ``clean`` run, corpus worker, Spark or
datatrove task computed them again. Each result is pickled to
``<cache>/<prefix><key>.pickle`` (see :func:`cleaner.cache.cache_dir` for the folder);
callers name it by a key that covers their inputs and :func:`code_digest`, so no result
outlives the code that made it. A file is written whole (:func:`cleaner.cache.write_whole`:
a reader never sees half a file), readable by its user only, and read back with an
unpickler that builds nothing but the classes the caller allows: a forged file can hold
only data. A damaged or unreadable file only means computing again; a folder that cannot
be written is skipped.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import pickle
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import regex
import yaml

from cleaner.cache import cache_dir, prune, write_whole

#: Files kept per prefix (the most recently used; an edit makes a new one).
KEEP_FILES = 6

Reducers = Mapping[type, Callable[[Any], Any]]


@functools.cache
def code_digest() -> str:
    """A SHA-256 of the package's modules and of the releases that shape its results;
    empty when the package is not a folder of sources (a zip): then nothing is kept."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{sys.version}\0{regex.__version__}\0{yaml.__version__}\0".encode())
    try:
        files = sorted(root.rglob("*.py"))
        for file in files:
            h.update(str(file.relative_to(root)).encode())
            h.update(b"\0")
            h.update(file.read_bytes())
    except OSError:
        return ""
    return h.hexdigest() if files else ""


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, allowed: Mapping[tuple[str, str], object]) -> None:
        super().__init__(io.BytesIO(data))
        self._allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        found = self._allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in this cache file")
        return found


def _path(prefix: str, key: str) -> Path | None:
    folder = cache_dir()
    return folder / f"{prefix}{key}.pickle" if folder is not None and key else None


def read(prefix: str, key: str, allowed: Mapping[tuple[str, str], object]) -> Any:
    """The value kept under ``key``, or None (none kept, or damaged, or forged)."""
    path = _path(prefix, key)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        value = _Unpickler(data, allowed).load()
    except Exception:  # any damage means: compute again
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruning keeps it
    return value


def write(prefix: str, key: str, value: object, reducers: Reducers | None = None) -> None:
    """Keep ``value`` under ``key`` unless a file is there already."""
    path = _path(prefix, key)
    if path is None or path.exists():
        return
    try:
        buf = io.BytesIO()
        pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
        if reducers:
            pickler.dispatch_table = dict(reducers)
        pickler.dump(value)
        write_whole(path, buf.getvalue())
        prune(path.parent, f"{prefix}*.pickle", KEEP_FILES)
    except (OSError, pickle.PicklingError, TypeError):
        return
