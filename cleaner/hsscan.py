"""The Hyperscan fast path: one scan of the raw UTF-8 bytes finds every literal and gate.

The pure-Python prefilter case-folds a document and runs an Aho-Corasick automaton over
it; that costs about as much as everything else together. When Hyperscan (or Vectorscan)
is installed, one database scans the document's bytes for:

- every required literal of every rule and fingerprint, case-insensitively: ASCII letters
  by Hyperscan's caseless flag, every other character by an explicit class of the
  characters that fold to it;
- *gates*: anything that would make normalisation change the text (HTML entities,
  controls, mojibake markers, characters that are not NFC-stable, stray whitespace,
  blank-line runs, ``\\r``), and characters whose case folding is not one-to-one
  (sharp s, long s, Kelvin sign, dotted and dotless i, ligatures).

A document that trips no gate is already normalised and its bytes fold character by
character, so the literal hits are exactly what the Aho-Corasick scan would report: the
engine uses them directly, without case-folding or splitting the text first. A document
that trips a normalisation gate is normalised in Python; when that changes none of its
lines (text in Greek, Cyrillic or CJK script trips the mojibake gate on every page), the
hits still stand. Lines holding a special-folding character (German sharp s) are scanned
again in Python, alone. Every path is tested to give what the pure-Python path gives.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner import datacache
from cleaner.cache import cache_dir, prune, write_whole
from cleaner.compiled import Targets, split_targets
from cleaner.matchers.base import ANYWHERE, LINE_END, LINE_START, WHOLE_LINE, anchored_ok, fold

hyperscan: Any
try:
    import hyperscan
except ImportError:  # pragma: no cover - platforms without wheels use the Python path
    hyperscan = None

AVAILABLE = hyperscan is not None

# Planes above this hold no cased, special-folding or non-NFC-stable characters
# (CJK extensions, tags and variation selectors); a test checks the whole range.
_SCAN_LIMIT = 0x30000
# Anchored ASCII literals this short keep their anchor inside Hyperscan.
_SHORT = 12
# Appended to every scanned buffer. In a database of several patterns, Hyperscan 5.4
# (python-hyperscan 0.9) misses some matches that end in the last byte or two of the
# buffer ("...2024)\n" against "\)$" beside other patterns; "...ad" against "ad"), which
# the same pattern alone finds. Newlines after the text move every match of a literal away
# from the end without adding any (a literal holds no newline, and "$" still matches
# before the first of them); the gates that look at the end are read as of the text's end.
PAD = b"\n" * 8


@dataclass(frozen=True)
class FoldTables:
    """What the literal patterns and gates need to know about Unicode case and NFC."""

    special: tuple[str, ...]  # characters whose fold is not one non-ASCII character
    inverse: dict[str, str]  # folded character -> every character that folds to it
    nfc_unsafe: tuple[int, ...]  # code points that can make a text not NFC


_TABLES: FoldTables | None = None
_TABLES_LOCK = threading.Lock()


def _second_parts() -> set[int]:
    """Characters that can combine with a preceding one under canonical composition."""
    out: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V, T
    for cp in range(_SCAN_LIMIT):
        decomposition = unicodedata.decomposition(chr(cp)) if cp < 0xD800 or cp > 0xDFFF else ""
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                out.add(int(parts[1], 16))
    return out


def fold_tables() -> FoldTables:
    """Computed once per process from this Python's Unicode database (about half a second)."""
    global _TABLES
    with _TABLES_LOCK:
        if _TABLES is None:
            special: list[str] = []
            inverse: dict[str, list[str]] = {}
            unsafe: set[int] = _second_parts()
            for cp in range(0x80, _SCAN_LIMIT):
                if 0xD800 <= cp <= 0xDFFF:
                    continue
                c = chr(cp)
                if unicodedata.combining(c) or not unicodedata.is_normalized("NFC", c):
                    unsafe.add(cp)
                f = fold(c)
                if f == c:
                    continue
                if len(f) != 1 or f.isascii():
                    special.append(c)
                else:
                    inverse.setdefault(f, []).append(c)
            _TABLES = FoldTables(
                tuple(special),
                {k: "".join(v) for k, v in inverse.items()},
                tuple(sorted(unsafe)),
            )
        return _TABLES


def _hex(cp: int) -> str:
    return f"\\x{{{cp:x}}}"


def _escape(ch: str) -> str:
    return ch if ch.isalnum() and ch.isascii() else _hex(ord(ch))


def _class(chars: Iterable[str]) -> str:
    return "[" + "".join(_hex(ord(c)) for c in sorted(set(chars))) + "]"


def _ranges(cps: Iterable[int]) -> str:
    """A class of code points, written as runs (the NFC table has about 2,000)."""
    out: list[tuple[int, int]] = []
    for cp in sorted(set(cps)):
        if out and cp == out[-1][1] + 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return "[" + "".join(_hex(a) if a == b else f"{_hex(a)}-{_hex(b)}" for a, b in out) + "]"


def literal_pattern(literal: str, tables: FoldTables) -> tuple[str, bool]:
    """A pattern matching, in unfolded text of non-special characters, what folds to it.

    Returns the pattern and whether it needs UTF-8 mode. An ASCII literal is compiled as
    bytes with Hyperscan's ASCII caseless flag (UTF-8 caseless mode compiles about 80
    times slower and would add Unicode case pairs the gates already route elsewhere);
    a literal with other characters spells out each character's case variants.
    """
    if literal.isascii():
        return "".join(_escape(ch) for ch in literal), False
    parts = []
    for ch in literal:
        if ch.isascii():
            variants = {ch, ch.upper(), ch.lower()} if ch.isalpha() else {ch}
            parts.append(_class(variants) if len(variants) > 1 else _escape(ch))
        else:
            parts.append(_class(ch + tables.inverse.get(ch, "")))
    return "".join(parts), True


WS_CHARS = "\t\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)
GATES = ("special", "nfc", "tidy", "repair", "cr", "blank")


def gate_patterns(tables: FoldTables, controls: str) -> dict[str, str]:
    """Patterns whose match means "normalisation or folding needs the Python path"."""
    # in the order of GATES: the scan reads a gate's position as its meaning
    return {
        "special": _class(tables.special),
        "nfc": _ranges(tables.nfc_unsafe),
        "tidy": "  |^ | $|" + _class(WS_CHARS),
        "repair": "&#?[0-9A-Za-z]{1,24};|"
        + _ranges([ord(c) for c in controls] + [0x1B, 0xFFFC, *range(0x80, 0xA0)])
        + "|[^\\x{0}-\\x{7f}][^\\x{0}-\\x{7f}]|"
        + _class("\u0152\u0153\u00c3\u00c2"),
        "cr": "\\r",
        "blank": "\\A\\n|\\n\\n\\n",  # and "ends in a blank line": see HyperscanScanner.scan
    }


@dataclass
class RawScan:
    """Literal hits by line of the document as given.

    ``normal`` says no normalisation gate fired: the text is already what normalising
    would make it, so the hits are the hits. Otherwise the hits hold for the raw lines
    only, and the engine may use them just when normalising leaves every line as it was
    (the usual case for text in non-Latin scripts, which trips the mojibake gate).
    """

    rule_hits: list[tuple[int, int]]
    fp_hits: list[tuple[int, int]]
    normal: bool = True
    #: Some line holds a character whose case folding the literal patterns cannot
    #: express (sharp s, Kelvin sign, dotted I): those lines need the Python scan.
    special: bool = False
    #: The document's UTF-8 bytes and then :data:`PAD`, for the scans of the groups that
    #: apply to it.
    data: bytes = b""


Outcome = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class _Literals:
    """One database's literal patterns and what a hit of each proposes."""

    expressions: list[bytes]
    flags: list[int]
    #: per pattern: its byte length when where a hit lies matters (some target is
    #: anchored), else None: most hits are of unanchored words and skip that test
    lengths: list[int | None]
    outcomes: list[tuple[Outcome, ...]]


def _literals(literal_targets: Targets) -> _Literals:
    """Patterns for these literals.

    Anchored patterns compile about a hundred times slower in Hyperscan, so an ASCII
    literal is compiled once, unanchored, and its anchors are checked per hit (its byte
    length is fixed). Short anchored literals ("Ad") and the few non-ASCII ones carry
    their anchors: unanchored, they would call back on most lines.
    """
    tables = fold_tables()
    targets: list[tuple[int, tuple[tuple[int, tuple[int, ...]], ...]]] = []
    expressions: list[bytes] = []
    flags: list[int] = []
    ascii_groups: dict[str, list[tuple[int, tuple[int, ...]]]] = {}
    for (lit, anchor), ids in literal_targets.items():
        if lit.isascii() and (anchor == ANYWHERE or len(lit) > _SHORT):
            ascii_groups.setdefault(lit, []).append((anchor, ids))
            continue
        pattern, utf8 = literal_pattern(lit, tables)
        if anchor != ANYWHERE:  # lines are the document's lines here: no trimming
            head = "^" if anchor in (LINE_START, WHOLE_LINE) else ""
            tail = "$" if anchor in (WHOLE_LINE, LINE_END) else ""
            pattern = head + pattern + tail
        expressions.append(pattern.encode("utf-8"))
        flag = hyperscan.HS_FLAG_UTF8 if utf8 else hyperscan.HS_FLAG_CASELESS
        flags.append(flag | hyperscan.HS_FLAG_MULTILINE)
        targets.append((0, ((ANYWHERE, ids),)))
    for lit, groups in ascii_groups.items():
        pattern, _ = literal_pattern(lit, tables)
        expressions.append(pattern.encode("ascii"))
        flags.append(hyperscan.HS_FLAG_CASELESS)
        targets.append((len(lit), tuple(groups)))
    outcomes = [_outcomes(groups) for _, groups in targets]
    lengths = [
        length if len(set(outcome)) > 1 else None
        for (length, _), outcome in zip(targets, outcomes, strict=True)
    ]
    return _Literals(expressions, flags, lengths, outcomes)


Prepared = tuple[_Literals, list[bytes], dict[str, _Literals], str]
_PREPARED = "hs-patterns-"


def _prepared(literal_targets: Targets, controls: str, groups: dict[int, str]) -> Prepared:
    """The patterns of the shared database, its gates, the patterns of each group's
    database and the characters of the "special" gate; read from the cache folder when
    an earlier process prepared the same (:mod:`cleaner.datacache`). Writing out the
    patterns of every literal (case variants, the Unicode folding tables) took a second
    or more of every process's start, though the compiled databases themselves were
    already kept."""
    code = datacache.code_digest()
    key = ""
    if code:
        h = hashlib.sha256(f"{code}\0{hyperscan.__version__}\0{controls}\0".encode())
        h.update(repr(list(literal_targets.items())).encode("utf-8", "surrogatepass"))
        h.update(repr(sorted(groups.items())).encode())
        key = h.hexdigest()[:32]
    kept = _from_plain(datacache.read(_PREPARED, key, {}))
    if kept is not None:
        return kept
    tables = fold_tables()
    base_targets, group_targets = split_targets(literal_targets, groups)
    base = _literals(base_targets)
    gates = [p.encode("utf-8") for p in gate_patterns(tables, controls).values()]
    in_groups = {name: _literals(targets) for name, targets in group_targets.items()}
    special = "".join(tables.special)
    plain = (
        _plain(base),
        gates,
        [(name, _plain(lits)) for name, lits in in_groups.items()],
        special,
    )
    datacache.write(_PREPARED, key, plain)
    return base, gates, in_groups, special


def _plain(lits: _Literals) -> tuple[Any, ...]:
    return (lits.expressions, lits.flags, lits.lengths, lits.outcomes)


def _from_plain(found: Any) -> Prepared | None:
    """A kept preparation, or None when it does not have the shape of one."""
    try:
        base, gates, groups, special = found
        literals = [_Literals(*_checked(p)) for p in (base, *(lits for _, lits in groups))]
        names = [name for name, _ in groups]
        if not (
            isinstance(special, str)
            and all(isinstance(g, bytes) for g in gates)
            and all(isinstance(n, str) for n in names)
        ):
            return None
    except (TypeError, ValueError):
        return None
    return literals[0], list(gates), dict(zip(names, literals[1:], strict=True)), special


def _checked(plain: Any) -> tuple[list[bytes], list[int], list[int | None], list[Any]]:
    expressions, flags, lengths, outcomes = plain
    n = len(expressions)
    if not (
        len(flags) == len(lengths) == len(outcomes) == n
        and all(isinstance(e, bytes) for e in expressions)
        and all(isinstance(f, int) for f in flags)
    ):
        raise ValueError("not a preparation")
    return list(expressions), list(flags), list(lengths), list(outcomes)


class HyperscanScanner:
    """Compiled Hyperscan databases over all literals and gates; scratch per thread.

    ``groups`` names, by rule index, rules that only some documents need: a publisher
    pack's rules matter only where the pack applies. Their literals go to one small
    database per group, scanned (see :meth:`scan_groups`) once the document's packs are
    known, so that a hundred packs' words ("may", "by", "analyst") do not call back on
    every document. The fingerprints, the gates and the rules in no group share the
    database that :meth:`scan` runs on every document.
    """

    def __init__(
        self,
        literal_targets: Targets,
        controls: str,
        groups: dict[int, str] | None = None,
    ) -> None:
        if hyperscan is None:  # pragma: no cover
            raise RuntimeError("hyperscan is not installed")
        base, gates, in_groups, special = _prepared(literal_targets, controls, groups or {})
        self.n_literals = len(base.expressions)
        self.lengths, self.outcomes = base.lengths, base.outcomes
        gate_flags = (
            hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_MULTILINE
        )
        databases = _databases(
            [(base.expressions + gates, base.flags + [gate_flags] * len(gates))]
            + [(lits.expressions, lits.flags) for lits in in_groups.values()]
        )
        self.db = databases[0]
        self.groups = {
            name: (db, lits)
            for (name, lits), db in zip(in_groups.items(), databases[1:], strict=True)
        }
        self._special = re.compile("[" + "".join(map(re.escape, special)) + "]")
        self._local = threading.local()

    def _scratch(self, name: str = "") -> Any:
        scratches = getattr(self._local, "scratches", None)
        if scratches is None:
            scratches = self._local.scratches = {}
        scratch = scratches.get(name)
        if scratch is None:
            db = self.groups[name][0] if name else self.db
            scratch = scratches[name] = hyperscan.Scratch(db)
        return scratch

    def special_lines(self, keys: Sequence[str]) -> list[int]:
        """The lines holding a character of the "special" gate."""
        search = self._special.search
        return [i for i, key in enumerate(keys) if search(key) is not None]

    def scan(self, text: str) -> RawScan | None:
        """Hits by line, or None when the document must take the Python path (lone
        surrogates, which are not UTF-8)."""
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return None
        hits: list[tuple[int, int]] = []
        gates = [False] * len(GATES)
        first_gate = self.n_literals
        size = len(data)
        data += PAD

        def on_match(pid: int, _from: int, to: int, _flags: int, _ctx: object) -> None:
            if pid >= first_gate:
                # reported once (the gates are SINGLEMATCH), at the earliest end: one
                # that ends in the padding means the text itself has none
                if to <= size:
                    gates[pid - first_gate] = True
            else:
                hits.append((to, pid))

        callback: Callable[..., None] = on_match
        self.db.scan(data, match_event_handler=callback, scratch=self._scratch())
        if data.endswith(b"\n\n", 0, size):  # the text ends in a blank line
            gates[GATES.index("blank")] = True
        normal, special = not any(gates[1:]), gates[0]
        if not hits:
            return RawScan([], [], normal, special, data)
        rule_hits, fp_hits = _resolve(data, hits, self.lengths, self.outcomes)
        return RawScan(sorted(rule_hits), sorted(fp_hits), normal, special, data)

    def scan_groups(self, raw: RawScan, names: Iterable[str]) -> set[tuple[int, int]]:
        """(line, rule) hits of these groups' rules in the document :meth:`scan` read."""
        out: set[tuple[int, int]] = set()
        hits: list[tuple[int, int]] = []

        def on_match(pid: int, _from: int, to: int, _flags: int, _ctx: object) -> None:
            hits.append((to, pid))

        callback: Callable[..., None] = on_match
        for name in names:
            group = self.groups.get(name)
            if group is None:
                continue
            db, lits = group
            hits.clear()
            db.scan(raw.data, match_event_handler=callback, scratch=self._scratch(name))
            if hits:
                out |= _resolve(raw.data, hits, lits.lengths, lits.outcomes)[0]
        return out


def _resolve(
    data: bytes,
    hits: list[tuple[int, int]],
    lengths: list[int | None],
    outcomes: list[tuple[Outcome, ...]],
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(line, rule) and (line, fingerprint) pairs from (end offset, pattern) hits."""
    hits.sort()
    rule_hits: set[tuple[int, int]] = set()
    fp_hits: set[tuple[int, int]] = set()
    line, previous, last = 0, 0, len(data) - 1
    count = data.count
    for end, pid in hits:
        if end != previous:  # several literals may end at one place
            line += count(b"\n", previous, end)
            previous = end
        length = lengths[pid]
        if length is None:
            where = 0
        else:
            # which of the four outcomes: the hit starts a line (2), ends one (1)
            start = end - length
            where = (2 if start == 0 or data[start - 1] == 10 else 0) + (
                1 if end > last or data[end] == 10 else 0
            )
        rules, fingerprints = outcomes[pid][where]
        for target in rules:
            rule_hits.add((line, target))
        for target in fingerprints:
            fp_hits.add((line, target))
    return rule_hits, fp_hits


def _outcomes(groups: tuple[tuple[int, tuple[int, ...]], ...]) -> tuple[Outcome, ...]:
    """What a hit of one pattern proposes, by where it lies (index: starts a line 2,
    ends one 1): the rules, then the fingerprints. Worked out once per pattern, so a
    hit costs two lookups instead of an anchor test per group."""
    out: list[Outcome] = []
    for where in range(4):
        rules: list[int] = []
        fingerprints: list[int] = []
        for anchor, ids in groups:
            if anchored_ok(anchor, where >= 2, where % 2 == 1):
                rules += (t for t in ids if t >= 0)
                fingerprints += (-1 - t for t in ids if t < 0)
        out.append((tuple(rules), tuple(fingerprints)))
    return tuple(out)


Spec = tuple[list[bytes], list[int]]  # one database's expressions and their flags


def _database_key(specs: list[Spec]) -> str:
    """Names a bundle of databases by everything that decides its bytes: the library,
    the CPU family and every expression with its flags."""
    h = hashlib.sha256()
    h.update(f"{hyperscan.__version__}|{platform.machine()}|block\n".encode())
    for expressions, flags in specs:
        h.update(f"db {len(expressions)}\n".encode())
        for expression, flag in zip(expressions, flags, strict=True):
            h.update(f"{flag}:{len(expression)}:".encode() + expression)
    return h.hexdigest()[:40]


def _databases(specs: list[Spec]) -> list[Any]:
    """The compiled databases, from the cache when an earlier process built the same.

    Compiling all literals and gates takes seconds, and every corpus worker and every
    ``clean`` run would pay it again. One cache file holds a scanner's databases and a
    SHA-256 of its payload; one that is unreadable, corrupt or from another Hyperscan
    build is rebuilt and replaced. A cache that cannot be written (read-only home) is
    skipped silently.
    """
    folder = cache_dir()
    path = folder / f"hs-{_database_key(specs)}.db" if folder else None
    if path is not None:
        dbs = _load(path, len(specs))
        if dbs is not None:
            return dbs
    dbs = []
    for expressions, flags in specs:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(
            expressions=expressions,
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=flags,
        )
        dbs.append(db)
    if path is not None:
        blobs = [hyperscan.dumpb(db) for db in dbs]
        _store(path, b"".join(len(b).to_bytes(8, "big") + b for b in blobs))
        _prune(path.parent)
    return dbs


#: Databases kept in the cache; rule edits make new ones, the least recently used go.
KEEP = 8


def _prune(folder: Path) -> None:
    prune(folder, "hs-*.db", KEEP)


def _load(path: Path, count: int) -> list[Any] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest, payload = data[:32], data[32:]
    if len(data) <= 32 or hashlib.sha256(payload).digest() != digest:
        return None
    dbs, at = [], 0
    try:
        while at < len(payload):
            size = int.from_bytes(payload[at : at + 8], "big")
            dbs.append(hyperscan.loadb(payload[at + 8 : at + 8 + size], hyperscan.HS_MODE_BLOCK))
            at += 8 + size
    except Exception:  # another build's format, or damaged in a way the hash missed
        return None
    if len(dbs) != count:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruning keeps it
    return dbs


def _store(path: Path, payload: bytes) -> None:
    with contextlib.suppress(OSError):
        write_whole(path, hashlib.sha256(payload).digest() + payload)
