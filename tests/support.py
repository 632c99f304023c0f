"""Small shared fixtures for the property and corpus tests: a one-rule pack and the
hypothesis budget."""

from __future__ import annotations

import os

#: the CI budget; HYPOTHESIS_PROFILE=long runs 50 times as many examples
SCALE = 1 if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci" else 50

#: a pack with one rule, for tests that need a known removal and nothing else
TINY_PACK = """\
publisher: Tiny
domains: [tiny.example]
rules:
  - id: now-read
    prefix: "Now Read:"
    category: related-link
    why: cross-promo lines
"""
