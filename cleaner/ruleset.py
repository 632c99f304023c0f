"""A loaded set of packs: built-in packs plus the user's, checked across files.

Packs come from the wheel (``cleaner/_rules``, via :mod:`importlib.resources`), or from
the repository's ``rules/`` in a source checkout, then from each user directory in order
(``--rules DIR`` or ``BOILERCLEAN_RULES``). A later pack with the same id replaces an
earlier one. A rule set pickles as its pack sources, so a worker process reloads it from
text rather than receiving compiled objects.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cleaner import packcache
from cleaner.errors import InputError, Problem, RuleLoadError, UnknownPublisherError
from cleaner.loader import pack_id_of, parse_pack
from cleaner.model import Example, Location, Pack, PackSource, Rule
from cleaner.yamlnodes import did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from importlib.abc import Traversable

ENV_VAR = "BOILERCLEAN_RULES"


def builtin_rules_dir() -> Path:
    """The packs shipped with the package (or the checkout's ``rules/`` when run from source)."""
    packaged = resources.files("cleaner") / "_rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "rules"


def _builtin_sources() -> list[PackSource]:
    """The shipped packs, read through :mod:`importlib.resources` so that they load from a
    zip too (a wheel on ``sys.path``, Spark's ``--py-files``); finding none is an error,
    never an engine that silently cleans nothing."""
    packaged = resources.files("cleaner") / "_rules"
    files: Sequence[Traversable] = ()
    if packaged.is_dir():
        files = [f for f in packaged.iterdir() if f.name.endswith((".yaml", ".yml"))]
    elif builtin_rules_dir().is_dir():
        files = _pack_files(builtin_rules_dir())
    files = sorted((f for f in files if f.is_file()), key=lambda f: f.name)
    if not files:
        raise InputError(
            f"the built-in rule packs are missing (looked in {packaged}); reinstall boilerclean"
        )
    sources = []
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{file}: cannot read pack: {exc}") from exc
        sources.append(PackSource(str(file), text, "builtin"))
    return sources


def _pack_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError(f"rules path not found: {path}")
    return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def read_sources(
    paths: Iterable[str | os.PathLike[str]] = (),
    *,
    builtin: bool = True,
    env: bool = True,
) -> list[PackSource]:
    """Pack sources in override order: built-in, then ``BOILERCLEAN_RULES``, then ``paths``."""
    by_id: dict[str, PackSource] = {}
    if builtin:
        by_id = {pack_id_of(source.path): source for source in _builtin_sources()}
    user: list[Path] = []
    if env and os.environ.get(ENV_VAR):
        user += [Path(p) for p in os.environ[ENV_VAR].split(os.pathsep) if p]
    user += [Path(p) for p in paths]
    for base in user:
        for file in _pack_files(base):
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"{file}: cannot read pack: {exc}") from exc
            source = PackSource(str(file), text, "user")
            by_id.pop(pack_id_of(source.path), None)
            by_id[pack_id_of(source.path)] = source
    return list(by_id.values())


def _hash(sources: Sequence[PackSource]) -> str:
    digest = hashlib.sha256()
    for source in sorted(sources, key=lambda s: pack_id_of(s.path)):
        digest.update(pack_id_of(source.path).encode())
        digest.update(b"\0")
        digest.update(source.text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:12]


@dataclass(frozen=True, eq=False)
class RuleSet:
    """Packs by id, with lookups by publisher name, host and rule id."""

    packs: tuple[Pack, ...]
    sources: tuple[PackSource, ...] = ()
    hash: str = ""
    warnings: tuple[Problem, ...] = ()
    _by_id: dict[str, Pack] = field(default_factory=dict, repr=False)
    _rules: dict[str, Rule] = field(default_factory=dict, repr=False)
    _names: dict[str, str] = field(default_factory=dict, repr=False)
    _domains: dict[str, str] = field(default_factory=dict, repr=False)
    _hosts: dict[str, str | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for pack in self.packs:
            self._by_id[pack.id] = pack
            for rule in pack.rules:
                self._rules[rule.id] = rule
                for alias in rule.aliases:
                    self._rules.setdefault(f"{pack.id}/{alias}", rule)
        for pack in self.packs:
            for domain in pack.domains:
                self._domains.setdefault(domain, pack.id)
        for pack in self.packs:  # ids win over aliases and domains
            for name in (*pack.domains, *pack.aliases):
                self._names.setdefault(name.lower(), pack.id)
        for pack in self.packs:
            self._names[pack.id.lower()] = pack.id

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (RuleSet.from_sources, (self.sources,))

    # -- construction --------------------------------------------------------------------
    @classmethod
    def from_sources(cls, sources: Sequence[PackSource]) -> RuleSet:
        """Parse and cross-check pack sources; raises :class:`RuleLoadError` listing all."""
        problems: list[Problem] = []
        packs: list[Pack] = []
        latest = {pack_id_of(s.path): s for s in sources}  # a later pack with an id wins
        sources = [s for s in sources if latest[pack_id_of(s.path)] is s]
        key = packcache.cache_key(sources)
        kept = packcache.load(key)
        if kept is not None:
            return cls(kept[0], tuple(sources), _hash(sources), kept[1])
        for source in sources:
            pack, found = parse_pack(source)
            problems += found
            if pack is not None:
                packs.append(pack)
        problems += _cross_check(packs, sources)
        errors = [p for p in problems if p.level == "error"]
        if errors:
            raise RuleLoadError(errors)
        warnings = tuple(p for p in problems if p.level != "error")
        packcache.store(key, packs, warnings)
        return cls(tuple(packs), tuple(sources), _hash(sources), warnings)

    @classmethod
    def load(
        cls,
        paths: Iterable[str | os.PathLike[str]] = (),
        *,
        builtin: bool = True,
        env: bool = True,
    ) -> RuleSet:
        return cls.from_sources(read_sources(paths, builtin=builtin, env=env))

    # -- lookups ---------------------------------------------------------------------------
    def __contains__(self, pack_id: object) -> bool:
        return pack_id in self._by_id

    def pack(self, pack_id: str) -> Pack:
        return self._by_id[pack_id]

    def rule(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def find_rule(self, rule_id: str) -> Rule | None:
        return self._rules.get(rule_id)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(r for p in self.packs for r in p.rules)

    @property
    def examples(self) -> tuple[Example, ...]:
        return tuple(e for p in self.packs for e in p.examples)

    def resolve(self, name: str) -> str:
        """Pack id for a pack id, alias or domain (any case); unknown names raise."""
        key = name.strip().lower()
        if key in self._names:
            return self._names[key]
        host = key.removeprefix("www.")
        if host in self._names:
            return self._names[host]
        raise UnknownPublisherError(name, did_you_mean(key, self._names))

    def pack_for_host(self, url_or_host: str) -> str | None:
        """The pack whose domain matches the host most specifically (subdomains match)."""
        host = _plain_host(url_or_host)
        if host is None:
            host = url_or_host
            if "/" in url_or_host or ":" in url_or_host:
                host = (
                    urlsplit(url_or_host if "//" in url_or_host else "//" + url_or_host).hostname
                    or ""
                )
        host = host.lower().rstrip(".")
        if host in self._hosts:
            return self._hosts[host]
        # Walk the host's suffixes, longest first: the most specific domain wins.
        parts = host.split(".")
        found = None
        for k in range(len(parts)):
            found = self._domains.get(".".join(parts[k:]))
            if found is not None:
                break
        if len(self._hosts) < 100_000:
            self._hosts[host] = found
        return found


def _plain_host(url: str) -> str | None:
    """The host of an ``http(s)://host/...`` URL without user, port or brackets: what
    ``urlsplit`` would say, found with one search (this runs once per document, and
    nearly every URL has this shape). None for any other shape: ``urlsplit`` decides."""
    if url.startswith("https://"):
        rest = url[8:]
    elif url.startswith("http://"):
        rest = url[7:]
    else:
        return None
    end = len(rest)
    for stop in "/?#":
        at = rest.find(stop, 0, end)
        if at >= 0:
            end = at
    host = rest[:end]
    if not host or not host.isascii() or any(c in host for c in "@:[]%\\\t\r\n "):
        return None
    return host


def _cross_check(packs: Sequence[Pack], sources: Sequence[PackSource]) -> list[Problem]:
    """Checks that need every pack: extends targets, cycles, example rule references."""
    problems: list[Problem] = []
    by_id = {p.id: p for p in packs}
    parsed_ids = {pack_id_of(s.path) for s in sources}
    rule_ids = {r.id for p in packs for r in p.rules}
    rule_ids |= {f"{p.id}/{a}" for p in packs for r in p.rules for a in r.aliases}
    for pack in packs:
        locations = pack.extends_locations or tuple(Location(pack.path, 1, 1) for _ in pack.extends)
        for target, loc in zip(pack.extends, locations, strict=True):
            if target not in parsed_ids:
                problems.append(
                    Problem(pack.path, loc.line, loc.col, f"extends unknown pack '{target}'")
                )
        seen, stack = {pack.id}, list(pack.extends)
        while stack:
            cur = stack.pop()
            if cur == pack.id:
                first = locations[0] if locations else Location(pack.path, 1, 1)
                problems.append(Problem(pack.path, first.line, first.col, "extends forms a cycle"))
                break
            if cur in seen or cur not in by_id:
                continue
            seen.add(cur)
            stack.extend(by_id[cur].extends)
        for ex in pack.examples:
            loc = ex.location or Location(pack.path, 1, 1)
            for ref in ex.packs:
                if ref not in parsed_ids:
                    problems.append(
                        Problem(
                            pack.path,
                            loc.line,
                            loc.col,
                            f"example '{ex.name}' names unknown pack '{ref}'",
                        )
                    )
            for ref in (*ex.fires, *ex.near_miss_for):
                full = ref if "/" in ref else f"{pack.id}/{ref}"
                if full not in rule_ids:
                    owner = full.split("/", 1)[0]
                    if owner in parsed_ids and owner not in by_id:
                        continue  # that pack failed to load; its own errors say why
                    problems.append(
                        Problem(
                            pack.path,
                            loc.line,
                            loc.col,
                            f"example '{ex.name}' names unknown rule '{ref}'",
                        )
                    )
    return problems
