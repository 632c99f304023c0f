"""``clean rules new``: the first file of a new pack, one that loads, tests and lints clean.

A rule author starts from a pack that already passes ``clean rules test`` and ``clean
rules lint``: a publisher name, its domains, a comment where the sources go, and one
placeholder rule (marked TODO) with the two examples lint asks of every rule, one where
it fires and one near miss. Replacing the placeholder then keeps the pack green at each
step instead of starting from an empty file and a wall of lint errors. The file is never
overwritten: a pack is someone's work.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import regex

from cleaner.errors import InputError, RuleLoadError
from cleaner.loader import PACK_ID, parse_pack
from cleaner.model import PackSource

#: A host name: dot-separated labels of letters, digits and inner hyphens, a dot at least.
_HOST = regex.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")
#: The placeholder rule's slug; ``rules suggest`` and a reviewer can find it by this name.
PLACEHOLDER = "todo-placeholder"


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar for ``value`` that reads back as exactly ``value``.

    Characters that are not printable (controls, line and paragraph separators, no-break
    spaces) are escaped so a pasted snippet shows them instead of hiding them.

    >>> yaml_string('Say "hi": now')
    '"Say \\\\"hi\\\\": now"'
    >>> yaml_string("caf\\u00e9\\u00a0bar")
    '"café\\\\u00a0bar"'
    """
    out = ['"']
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\t":
            out.append("\\t")
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def check_pack_id(name: str) -> str:
    """``name`` if it is a valid pack id (the file name of a pack); raises InputError."""
    if not PACK_ID.fullmatch(name):
        raise InputError(
            f"pack name '{name}' must be a lower-case slug: letters a-z, digits, '-' and "
            "'.', starting and ending with a letter or digit (e.g. daily-bugle)"
        )
    return name


def normalize_domain(value: str) -> str:
    """A domain for ``domains:`` from a host or URL: lower case, no ``www.``, no port.

    A pack's domain matches its subdomains, so ``www.`` only narrows it.

    >>> normalize_domain("https://WWW.DailyBugle.example/news/1")
    'dailybugle.example'
    """
    raw = value.strip()
    host = urlsplit(raw if "//" in raw else "//" + raw).hostname or ""
    host = host.lower().rstrip(".").removeprefix("www.")
    if not _HOST.fullmatch(host):
        raise InputError(f"'{value}' is not a host name like dailybugle.example")
    return host


def display_name(pack_id: str) -> str:
    """A publisher name from a pack id, for when none is given.

    >>> display_name("daily-bugle")
    'Daily Bugle'
    """
    words = regex.split(r"[-.]+", pack_id)
    return " ".join(w[:1].upper() + w[1:] for w in words if w)


def pack_text(pack_id: str, domains: Sequence[str], publisher: str | None = None) -> str:
    """The YAML text of a new pack: loads, passes its examples and lint (bar ``sources``)."""
    check_pack_id(pack_id)
    domains = list(dict.fromkeys(normalize_domain(d) for d in domains))
    if not domains:
        raise InputError("a new pack needs at least one --domain")
    name = publisher.strip() if publisher and publisher.strip() else display_name(pack_id)
    if not name.isprintable():
        raise InputError("--publisher must be one line of printable characters")
    marker = f"TODO replace me: {name} boilerplate line"
    domain_list = ", ".join(domains)
    aliases = ""
    if name.lower() != pack_id:  # so a record's publisher field "Daily Bugle" finds the pack
        aliases = f"aliases: [{yaml_string(name)}]\n"
    return f"""\
# {name} rule pack. Written with `clean rules new`; replace every TODO below.
# Find candidate rules in a corpus of this publisher's documents:
#   clean rules suggest CORPUS.jsonl --host {domains[0]}
# Check the pack after each change:
#   clean rules test THIS-FILE && clean rules lint THIS-FILE
publisher: {yaml_string(name)}
{aliases}domains: [{domain_list}]
kind: publisher
# fingerprints:        # whole lines near the head or tail that only this publisher prints
#   - 'Thanks for reading {name}\\.'
# sources:             # the real pages the rules were read from (lint warns while empty)
#   - https://{domains[0]}/2024/05/some-story

rules:
  # TODO: a placeholder that only matches its own example; replace it with a real rule.
  - id: {PLACEHOLDER}
    prefix: {yaml_string(marker)}
    category: other
    why: "TODO: placeholder so the new pack loads and passes its tests; replace it"

examples:
  # Each rule needs an example where it fires and a near miss: article text that shares
  # its words, where it must not fire. Write the article sentences yourself.
  - name: {PLACEHOLDER}-fires
    input: |
      The harbour council approved the new footbridge on Tuesday evening.
      Work is due to start in the spring and finish within a year.
      {marker}
    expected: |
      The harbour council approved the new footbridge on Tuesday evening.
      Work is due to start in the spring and finish within a year.
    fires: [{PLACEHOLDER}]
  - name: {PLACEHOLDER}-near-miss
    input: |
      The council said its TODO list was long and residents should replace old permits.
      Work is due to start in the spring.
    unchanged: true
    near_miss_for: [{PLACEHOLDER}]
"""


def default_dir(cwd: str | os.PathLike[str] = ".") -> Path:
    """``./rules`` when it exists (a checkout of the packs), else the current directory."""
    rules = Path(cwd) / "rules"
    return rules if rules.is_dir() else Path(cwd)


def create_pack(
    pack_id: str,
    domains: Iterable[str],
    publisher: str | None = None,
    directory: str | os.PathLike[str] | None = None,
) -> Path:
    """Write ``DIRECTORY/PACK_ID.yaml`` (see :func:`pack_text`), creating DIRECTORY.

    Never overwrites: an existing file raises InputError and is left as it was.
    """
    text = pack_text(pack_id, list(domains), publisher)
    target_dir = Path(directory) if directory is not None else default_dir()
    path = target_dir / f"{pack_id}.yaml"
    _, problems = parse_pack(PackSource(str(path), text, "user"))
    errors = [p for p in problems if p.level == "error"]
    if errors:  # pragma: no cover - the template is tested; this guards odd input
        raise RuleLoadError(errors)
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError as exc:
        raise InputError(f"{path} already exists; not overwriting it") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    return path
