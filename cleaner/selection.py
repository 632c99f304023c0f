"""Which packs apply to a document, in what order, and why.

Order: the explicit publisher, the URL host's pack, packs whose fingerprints match, wire
packs (AP, Reuters) whose own footer lines appear, then ``common``. Each pack is followed
by the packs it ``extends``. Syndicated text gets both its host's pack and its origin's.
A fingerprint must match a whole line among the first or last ``zone`` non-blank lines:
a mention inside a paragraph is article text, not a signature.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from cleaner.model import AppliedPack, SelectionReason
from cleaner.ruleset import RuleSet

COMMON = "common"


def in_zone(keys: Sequence[str], i: int, zone: int) -> bool:
    """Is line i among the first or last ``zone`` non-blank lines?"""
    before = sum(1 for k in keys[:i] if k)
    if before < zone:
        return True
    after = sum(1 for k in keys[i + 1 :] if k)
    return after < zone


def zone_lines(keys: Sequence[str], zone: int) -> set[int]:
    """The indexes of the first and last ``zone`` non-blank lines (same as in_zone)."""
    filled = [i for i, k in enumerate(keys) if k]
    return set(filled[:zone]) | set(filled[-zone:] if zone > 0 else ())


def select_packs(
    ruleset: RuleSet,
    *,
    publisher: str | None,
    url: str | None,
    fingerprint_lines: Mapping[str, int],
    common: bool = True,
    only: Collection[str] | None = None,
) -> tuple[AppliedPack, ...]:
    """The ordered packs for a document; ``fingerprint_lines`` maps pack id -> line number."""
    chosen: dict[str, AppliedPack] = {}

    def add(pack_id: str, reason: SelectionReason, detail: str) -> None:
        if pack_id in chosen or (only is not None and pack_id not in only):
            return
        if pack_id == COMMON and not common:
            return
        chosen[pack_id] = AppliedPack(pack_id, reason, detail)
        for parent in ruleset.pack(pack_id).extends:
            add(parent, "extends", pack_id)

    if publisher:
        add(ruleset.resolve(publisher), "explicit", publisher)
    if url:
        host_pack = ruleset.pack_for_host(url)
        if host_pack:
            add(host_pack, "url", url)
    detected = sorted(fingerprint_lines.items(), key=lambda kv: (kv[1], kv[0]))
    for pack_id, line in detected:
        if ruleset.pack(pack_id).kind != "wire":
            add(pack_id, "fingerprint", f"line {line}")
    for pack_id, line in detected:
        if ruleset.pack(pack_id).kind == "wire":
            add(pack_id, "wire", f"line {line}")
    if COMMON in ruleset:
        add(COMMON, "common", "")
    return tuple(chosen.values())
