"""News pages around the generated documents, for the HTML rows of the benchmarks.

A page holds what a real one weighs and what the generic HTML stage must get through: a
head with scripts, styles and structured data (most of a real page's bytes), a site header
with a menu, the story in an ``<article>`` (headline, byline, the document's lines as
paragraphs, the publisher's boilerplate lines among them as the text rules see them), a
box of related links, a newsletter form, a comment thread and a footer. Everything is
drawn from the generator's seeded random source, so the same seed gives the same bytes.
"""

from __future__ import annotations

import html
import json
import random

_MENU = ["World", "Business", "Markets", "Tech", "Politics", "Sport", "Culture", "Opinion"]
_STYLE = "".join(
    f".c{i}{{margin:{i % 7}px {i % 5}px;color:#{i * 7919 % 0xFFFFFF:06x};font-size:{12 + i % 9}px}}"
    for i in range(120)
)


def _script(rng: random.Random, kb: int) -> str:
    """Configuration and tracking code of the kind pages inline: identifiers and numbers."""
    parts: list[str] = []
    size = 0
    while size < kb * 1000:
        key = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 12)))
        part = f'w.__d["{key}"]={{id:{rng.randint(0, 10**9)},on:!0,t:"{key[::-1]}"}};'
        parts.append(part)
        size += len(part)
    return "(function(w){w.__d=w.__d||{};" + "".join(parts) + "})(window);"


def _teasers(rng: random.Random, words: list[str], n: int) -> list[str]:
    return [
        " ".join(rng.choice(words) for _ in range(rng.randint(5, 10))).capitalize()
        for _ in range(n)
    ]


def page(
    rng: random.Random, words: list[str], url: str, site: str, lines: list[str], script_kb: int
) -> str:
    """The HTML of a news page whose article holds ``lines`` (one paragraph each)."""
    esc = html.escape
    headline = " ".join(rng.choice(words) for _ in range(rng.randint(6, 12))).capitalize()
    author = f"{rng.choice(words).capitalize()} {rng.choice(words).capitalize()}"
    day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    data = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": headline,
            "datePublished": day,
            "author": {"@type": "Person", "name": author},
            "publisher": {"@type": "Organization", "name": site},
        }
    )
    menu = "".join(f'<li><a href="/{m.lower()}">{m}</a></li>' for m in _MENU)
    related = "".join(
        f'<li><a href="/story/{rng.randint(1, 10**6)}">{esc(t)}</a></li>'
        for t in _teasers(rng, words, 5)
    )
    comments = "".join(
        f'<li class="comment"><span class="comment-author">{esc(rng.choice(words))}</span>'
        f"<p>{esc(t)}.</p></li>"
        for t in _teasers(rng, words, rng.randint(0, 4))
    )
    body = "".join(f"<p>{esc(line)}</p>" for line in lines)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(headline)} | {esc(site)}</title>"
        f'<link rel="canonical" href="{esc(url)}"><meta property="og:url" content="{esc(url)}">'
        f"<style>{_STYLE}</style><script>{_script(rng, script_kb)}</script>"
        f'<script type="application/ld+json">{data}</script></head><body>'
        f'<header class="site-header"><a class="logo" href="/">{esc(site)}</a>'
        f'<nav class="main-nav"><ul>{menu}</ul></nav></header><main>'
        f'<article class="story"><h1>{esc(headline)}</h1>'
        f'<p class="byline">By {esc(author)} | {day}</p>{body}</article>'
        f'<aside class="related"><h3>Related stories</h3><ul>{related}</ul></aside>'
        '<div class="newsletter-signup"><p>Get the morning briefing in your inbox.</p>'
        '<form><input type="email" placeholder="Email address"><button>Sign up</button>'
        "</form></div>"
        f'<section id="comments"><h3>Comments</h3><ul>{comments}</ul></section></main>'
        f'<footer class="site-footer"><ul>{menu}</ul>'
        f"<p>&copy; 2025 {esc(site)}. All rights reserved.</p></footer>"
        f"<script>{_script(rng, 2)}</script></body></html>"
    )
