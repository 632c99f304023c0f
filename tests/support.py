"""Small shared fixtures: one-rule packs and the hypothesis budget."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

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

#: a pack with a fingerprint, a guarded regex rule with a start date and its examples,
#: for the tests of what is kept on disk between runs
HARBOUR_PACK = """\
publisher: Harbour Gazette
domains: [harbour.example]
fingerprints:
  - '© \\d{4} Harbour Gazette Ltd\\.'
rules:
  - id: tide-table
    regex: '^Tide table for (?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day$'
    category: related-link
    why: the tide-table link under every notice
    unless: 'said'
    valid_from: 2024-01-01
examples:
  - name: link-goes
    input: "Boats left at dawn.\\nTide table for Monday"
    expected: "Boats left at dawn."
    fires: [tide-table]
  - name: prose-stays
    input: "The tide table for Monday was wrong, the harbour master said."
    unchanged: true
    near_miss_for: [tide-table]
"""


def load_spark_example() -> ModuleType:
    """``examples/spark_clean.py`` as a module (it is a script, not part of the package)."""
    path = Path(__file__).resolve().parent.parent / "examples" / "spark_clean.py"
    spec = importlib.util.spec_from_file_location("spark_clean", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
