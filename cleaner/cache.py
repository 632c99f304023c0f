"""What boilerclean remembers on disk between runs, and where.

Three things: compiled Hyperscan databases (:mod:`cleaner.hsscan`), the patterns the
loader has already compiled and checked, and the analyses of patterns (required
literals, line end, rare characters, backtracking risk). Compiling is most of loading the packs (the
``regex`` module parses a pattern in Python, about a millisecond each, more than a second
for the built-in packs), and every ``clean`` run and corpus worker would pay it again
for patterns that have not changed. A pattern known to be good is compiled only when a
document first needs it. A pattern is named by a SHA-256 of the ``regex`` version, its
flags and its text, so an edited pattern or another ``regex`` release is checked again.
A damaged file only makes patterns be checked again; a cache that cannot be written
(read-only home) is skipped silently.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar, cast

import orjson
import regex

#: Environment variable naming the cache folder; ``off`` turns the cache off. Default:
#: ``$XDG_CACHE_HOME/boilerclean`` or ``~/.cache/boilerclean``.
CACHE_ENV = "BOILERCLEAN_CACHE"


def cache_dir() -> Path | None:
    """Where the cache is kept, or None when it is off."""
    folder = getattr(_pinned, "folder", _UNPINNED)
    if folder is not _UNPINNED:
        return cast("Path | None", folder)
    env = os.environ
    return _cache_dir(env.get(CACHE_ENV), env.get("XDG_CACHE_HOME"), env.get("HOME"))


_pinned = threading.local()
_UNPINNED = object()


@contextlib.contextmanager
def pinned() -> Iterator[None]:
    """Read the cache folder's settings once for a batch of lookups in this thread.

    Compiling the packs asks for the folder once per pattern analysis (7,500 times for
    the built-in packs), and three environment reads each time were a tenth of it."""
    previous = getattr(_pinned, "folder", _UNPINNED)
    _pinned.folder = cache_dir()
    try:
        yield
    finally:
        _pinned.folder = previous


@functools.lru_cache(maxsize=64)
def _cache_dir(setting: str | None, xdg: str | None, home_env: str | None) -> Path | None:
    """The folder for these settings (asked for per pattern while packs load)."""
    if setting is not None:
        return None if setting.strip().lower() in ("", "off", "0", "no") else Path(setting)
    base = xdg
    if not base:
        home = os.path.expanduser("~")
        if home.startswith("~"):  # no home directory known (some containers): no cache
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "boilerclean"


#: File of checked patterns in the cache folder, one key per line.
CHECKED_FILE = "checked-patterns.txt"
#: Past this many keys the file is started afresh (rule edits leave old keys behind).
MAX_CHECKED = 200_000

_lock = threading.Lock()
_checked: dict[Path | None, set[str]] = {}


def _key(source: str, flags: int) -> str:
    text = f"{regex.__version__}\0{flags}\0{source}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _known_keys(folder: Path | None) -> set[str]:
    keys = _checked.get(folder)
    if keys is None:
        keys = _checked[folder] = _read(folder / CHECKED_FILE) if folder else set()
    return keys


def _read(path: Path) -> set[str]:
    try:
        lines = path.read_text(encoding="ascii", errors="replace").split()
    except OSError:
        return set()
    if len(lines) > MAX_CHECKED:
        path.unlink(missing_ok=True)
        return set()
    return {line for line in lines if len(line) == 32}


def is_checked(source: str, flags: int) -> bool:
    """Has a run compiled this pattern with these flags and found it good?"""
    with _lock:
        return _key(source, flags) in _known_keys(cache_dir())


def mark_checked(source: str, flags: int) -> None:
    """Remember that the pattern compiled and passed the loader's checks."""
    key = _key(source, flags)
    folder = cache_dir()
    with _lock:
        keys = _known_keys(folder)
        if key in keys:
            return
        keys.add(key)
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # one short line per write in append mode: concurrent workers do not mix
            with open(folder / CHECKED_FILE, "a", encoding="ascii") as fh:
                fh.write(key + "\n")
        except OSError:
            return


# -- analyses of patterns -----------------------------------------------------------------------
#: Files of remembered analyses are named by the code that made them; this many are kept.
KEEP_ANALYSES = 4
#: Past this many entries the file is started afresh.
MAX_ANALYSES = 200_000

_R = TypeVar("_R")
_MISSING = object()
_analyses: dict[Path | None, dict[str, Any]] = {}


def _code_version() -> str:
    """Names the analysis code: this Python (its regex parser does the reading), the
    ``regex`` release and the source of the modules that analyse patterns (and of the
    case folding they use). Any change makes a new file, so no result outlives the code
    that computed it. Empty when a module's source cannot be read: then nothing is kept
    on disk."""
    global _version
    if _version is None:
        from cleaner.matchers import base, factors, risk

        h = hashlib.sha256(f"{sys.version}\0{regex.__version__}\0".encode())
        for module in (base, factors, risk):  # base: case folding of the literals
            source = _module_source(module)
            if source is None:
                _version = ""
                return _version
            h.update(source)
        _version = h.hexdigest()[:16]
    return _version


def _module_source(module: ModuleType) -> bytes | None:
    """A module's source bytes, from a folder or from a zip on the path (a wheel)."""
    loader = getattr(module, "__loader__", None)
    get_data = getattr(loader, "get_data", None)
    try:
        if get_data is not None and module.__file__:
            data = get_data(module.__file__)
            return data if isinstance(data, bytes) else None
        return Path(module.__file__ or "").read_bytes()
    except (OSError, ValueError):
        return None


_version: str | None = None


def _analysis_file(folder: Path) -> Path | None:
    version = _code_version()
    return folder / f"analyses-{version}.jsonl" if version else None


def _entry_sum(key: str, value: str) -> str:
    return hashlib.sha256(f"{key}\0{value}".encode()).hexdigest()[:8]


def _stored_analyses(folder: Path | None) -> dict[str, Any]:
    found = _analyses.get(folder)
    if found is None:
        path = _analysis_file(folder) if folder else None
        found = _analyses[folder] = _read_analyses(path) if path else {}
    return found


def _read_analyses(path: Path) -> dict[str, Any]:
    """Entries of a file; a line that does not parse or check out is skipped."""
    try:
        lines = path.read_bytes().splitlines()
    except OSError:
        return {}
    if len(lines) > MAX_ANALYSES:
        path.unlink(missing_ok=True)
        return {}
    out: dict[str, Any] = {}
    for line in lines:
        try:
            key, value, check = orjson.loads(line)
            if _entry_sum(key, orjson.dumps(value).decode()) == check:
                out[key] = value
        except (orjson.JSONDecodeError, ValueError, TypeError):
            continue
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruning keeps it
    return out


def _write_analysis(folder: Path | None, key: str, value: Any) -> None:
    path = _analysis_file(folder) if folder else None
    if folder is None or path is None:
        return
    text = orjson.dumps(value).decode()
    line = orjson.dumps([key, value, _entry_sum(key, text)]) + b"\n"
    try:
        new = not path.exists()
        folder.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as fh:  # one write per entry: concurrent workers do not mix
            fh.write(line)
        if new:
            _prune_analyses(folder)
    except OSError:
        return


def _prune_analyses(folder: Path) -> None:
    prune(folder, "analyses-*.jsonl", KEEP_ANALYSES)


def prune(folder: Path, glob: str, keep: int) -> None:
    """Keep the ``keep`` most recently used files of ``folder`` matching ``glob`` (rule
    edits and new releases leave old ones behind); a file that cannot go stays."""
    with contextlib.suppress(OSError):
        files = sorted(folder.glob(glob), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in files[keep:]:
            old.unlink(missing_ok=True)


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path`` and rename it into place, so that a reader (another
    worker) sees the old file or the whole new one, never half of it; the file is
    readable by its user only (``mkstemp`` makes it 0600). Raises ``OSError``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def as_bool(value: Any) -> bool:
    """A remembered bool, or TypeError (the entry is then analysed again)."""
    if not isinstance(value, bool):
        raise TypeError("not a bool")
    return value


def as_optional_str(value: Any) -> str | None:
    """A remembered string or None, or TypeError."""
    if value is not None and not isinstance(value, str):
        raise TypeError("not a string")
    return value


def remembered(
    name: str, encode: Callable[[_R], Any], decode: Callable[[Any], _R]
) -> Callable[[Callable[[str], _R]], Callable[[str], _R]]:
    """Keep a pure analysis of a pattern on disk (see the module docstring): the packs'
    patterns rarely change, and reading them with Python's parser is most of what is
    left of loading once compiling is put off. ``encode`` turns a result into JSON,
    ``decode`` back; a test checks the round trip for every built-in pattern."""

    def wrap(fn: Callable[[str], _R]) -> Callable[[str], _R]:
        @functools.wraps(fn)
        def analysed(pattern: str) -> _R:
            key = hashlib.sha256(f"{name}\0{pattern}".encode("utf-8", "surrogatepass"))
            digest = key.hexdigest()[:32]
            folder = cache_dir()
            with _lock:
                hit = _stored_analyses(folder).get(digest, _MISSING)
            if hit is not _MISSING:
                try:
                    return decode(hit)
                except (TypeError, ValueError):
                    pass  # damaged in a way the sum missed: analyse again
            value = fn(pattern)
            encoded = encode(value)
            with _lock:
                _stored_analyses(folder)[digest] = encoded
                _write_analysis(folder, digest, encoded)
            return value

        return analysed

    return wrap
