"""``clean bench quality``: line-level quality against labelled pages.

The data is JSON Lines with ``id``, ``publisher``, ``url``, ``language``,
``scraped_text`` (what a scraper hands over, one paragraph per line) and
``expected_text`` (the true article). The metrics follow the project's shared scorer:

- a line's tokens are the ``\\w+`` runs of its NFKC, lower-cased text; lines without
  tokens are ignored everywhere;
- output and expected lines are matched one to one: equal token sequences first, then
  the best bag-of-tokens overlap of at least 0.9;
- line precision / recall / F1 are micro-averaged over all lines;
- a scraped line that matches an expected line is an *article line*, any other a
  *boilerplate line*; "article kept" and "boilerplate removed" count which of them the
  output still has (a scraped line is kept if it matches an output line).

The split follows the data's README: a page is in ``check`` when the first hex digit of
``sha256(publisher)`` is 8 or above, else ``tune``. Tune rules on ``tune``, report
``check``: most publishers have one or two pages, so scores on pages a rule was written
from prove nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.engine import Cleaner

_TOKEN = re.compile(r"\w+")
FUZZY = 0.9

Prepared = list[tuple[tuple[str, ...], Counter[str], str]]


def split_of(publisher: str) -> str:
    """``check`` or ``tune``, by the first hex digit of sha256(publisher)."""
    return "check" if hashlib.sha256(publisher.encode("utf-8")).hexdigest()[0] >= "8" else "tune"


def prepare_lines(text: str | None) -> Prepared:
    out: Prepared = []
    for line in (text or "").split("\n"):
        tokens = _TOKEN.findall(unicodedata.normalize("NFKC", line).lower())
        if tokens:
            out.append((tuple(tokens), Counter(tokens), line))
    return out


def match_lines(a: Prepared, b: Prepared) -> list[int]:
    """For each line of ``a``, the index of its partner in ``b`` or -1 (one to one)."""
    partner_a, taken_b = [-1] * len(a), [False] * len(b)
    exact: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, (tokens, _, _) in enumerate(b):
        exact[tokens].append(j)
    for i, (tokens, _, _) in enumerate(a):
        slots = exact.get(tokens)
        if slots:
            j = slots.pop(0)
            partner_a[i], taken_b[j] = j, True
    for i, (tokens, bag, _) in enumerate(a):
        if partner_a[i] >= 0:
            continue
        best, best_j = FUZZY, -1
        for j, (other, other_bag, _) in enumerate(b):
            if taken_b[j]:
                continue
            longest = max(len(tokens), len(other))
            if min(len(tokens), len(other)) < FUZZY * longest:
                continue
            overlap = sum((bag & other_bag).values()) / longest
            if overlap >= best and (best_j < 0 or overlap > best):
                best, best_j = overlap, j
        if best_j >= 0:
            partner_a[i], taken_b[best_j] = best_j, True
    return partner_a


@dataclass
class PageScore:
    id: str
    publisher: str
    language: str
    split: str
    out_lines: int = 0
    exp_lines: int = 0
    matched: int = 0
    bp_total: int = 0
    bp_removed: int = 0
    art_total: int = 0
    art_kept: int = 0
    art_chars: int = 0
    art_chars_lost: int = 0
    lost: list[str] = field(default_factory=list)


def score_page(page: dict[str, Any], output: str) -> PageScore:
    expected = prepare_lines(page.get("expected_text"))
    out = prepare_lines(output)
    scraped = prepare_lines(page.get("scraped_text"))
    s = PageScore(
        page["id"],
        page.get("publisher") or "",
        page.get("language") or "",
        split_of(page.get("publisher") or ""),
    )
    s.out_lines, s.exp_lines = len(out), len(expected)
    s.matched = sum(1 for j in match_lines(out, expected) if j >= 0)
    is_article = [j >= 0 for j in match_lines(scraped, expected)]
    kept = [j >= 0 for j in match_lines(scraped, out)]
    for (_, _, text), art, keep in zip(scraped, is_article, kept, strict=True):
        if art:
            s.art_total += 1
            s.art_chars += len(text)
            if keep:
                s.art_kept += 1
            else:
                s.art_chars_lost += len(text)
                s.lost.append(text)
        else:
            s.bp_total += 1
            s.bp_removed += not keep
    return s


@dataclass
class Summary:
    pages: int
    line_p: float
    line_r: float
    line_f1: float
    bp_removed: float
    art_kept: float
    art_chars_lost: float

    @classmethod
    def of(cls, scores: Sequence[PageScore]) -> Summary:
        out = sum(s.out_lines for s in scores)
        exp = sum(s.exp_lines for s in scores)
        matched = sum(s.matched for s in scores)
        p = matched / out if out else 0.0
        r = matched / exp if exp else 0.0
        bp = sum(s.bp_total for s in scores)
        art = sum(s.art_total for s in scores)
        chars = sum(s.art_chars for s in scores)
        return cls(
            len(scores),
            p,
            r,
            2 * p * r / (p + r) if p + r else 0.0,
            sum(s.bp_removed for s in scores) / bp if bp else 0.0,
            sum(s.art_kept for s in scores) / art if art else 1.0,
            sum(s.art_chars_lost for s in scores) / chars if chars else 0.0,
        )

    def row(self, label: str) -> str:
        return (
            f"| {label} | {self.pages} | {self.line_p:.3f} | {self.line_r:.3f} | "
            f"{self.line_f1:.3f} | {self.bp_removed:.1%} | {self.art_kept:.2%} | "
            f"{self.art_chars_lost:.2%} |"
        )


HEADER = (
    "| set | pages | lineP | lineR | lineF1 | boilerplate removed | article kept | "
    "article chars lost |\n|---|---:|---:|---:|---:|---:|---:|---:|"
)


def load_pages(path: str | Path) -> list[dict[str, Any]]:
    opener: Any = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run(
    cleaner: Cleaner | None,
    pages: Iterable[dict[str, Any]],
    use_url: bool = True,
    html: bool = False,
) -> list[PageScore]:
    """Score a cleaner (None: no cleaning) on the pages' scraped text, or with ``html`` on
    their ``html`` field through :meth:`Cleaner.clean_html`."""
    scores = []
    for page in pages:
        url = page.get("url") if use_url else None
        if html and cleaner is not None:
            text = cleaner.clean_html(page.get("html") or "", url=url).text
        else:
            text = page.get("scraped_text") or ""
            if cleaner is not None:
                text = cleaner.clean(text, url=url).text
        scores.append(score_page(page, text))
    return scores


#: Which pages' lost article lines a report lists.
LOST_CHOICES = ("tune", "check", "all", "none")


def report(scores: Sequence[PageScore], by: str | None = None, lost: str = "all") -> str:
    """A Markdown report: totals per split, optional breakdown, lost article lines.

    ``lost`` says whose lost lines are listed: a rule author tuning generic rules lists
    the ``tune`` half's alone, so the lines of the check half never guide an edit and its
    figures stay an honest measure of pages nobody tuned on."""
    lines = [HEADER]
    for split in ("tune", "check"):
        part = [s for s in scores if s.split == split]
        if part:
            lines.append(Summary.of(part).row(split))
    lines.append(Summary.of(scores).row("all"))
    if by:
        groups: dict[str, list[PageScore]] = defaultdict(list)
        for s in scores:
            groups[getattr(s, by)].append(s)
        lines += ["", f"By {by}:", "", HEADER]
        for key in sorted(groups, key=lambda k: (-len(groups[k]), k)):
            lines.append(Summary.of(groups[key]).row(key or "?"))
    if lost != "none":
        listed = [s for s in scores if lost == "all" or s.split == lost]
        missing = [(s.id, t) for s in listed for t in s.lost]
        whose = "" if lost == "all" else f", {lost} pages only"
        lines += ["", f"Article lines removed ({len(missing)}{whose}):"]
        lines += [f"- `{pid}`: {text[:160]}" for pid, text in missing] or ["- none"]
    return "\n".join(lines) + "\n"
