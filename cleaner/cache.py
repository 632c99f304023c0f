"""What boilerclean remembers on disk between runs, and where.

Two things: compiled Hyperscan databases (:mod:`cleaner.hsscan`) and the patterns the
loader has already compiled and checked. Compiling is most of loading the packs (the
``regex`` module parses a pattern in Python, about a millisecond each, more than a second
for the built-in packs), and every ``clean`` run and corpus worker would pay it again
for patterns that have not changed. A pattern known to be good is compiled only when a
document first needs it. A pattern is named by a SHA-256 of the ``regex`` version, its
flags and its text, so an edited pattern or another ``regex`` release is checked again.
A damaged file only makes patterns be checked again; a cache that cannot be written
(read-only home) is skipped silently.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import regex

#: Environment variable naming the cache folder; ``off`` turns the cache off. Default:
#: ``$XDG_CACHE_HOME/boilerclean`` or ``~/.cache/boilerclean``.
CACHE_ENV = "BOILERCLEAN_CACHE"


def cache_dir() -> Path | None:
    """Where the cache is kept, or None when it is off."""
    setting = os.environ.get(CACHE_ENV)
    if setting is not None:
        return None if setting.strip().lower() in ("", "off", "0", "no") else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME")
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
