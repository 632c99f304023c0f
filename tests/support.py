"""Small shared fixtures for the property and corpus tests: a one-rule pack and the
hypothesis budget."""

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


def load_spark_example() -> ModuleType:
    """``examples/spark_clean.py`` as a module (it is a script, not part of the package)."""
    path = Path(__file__).resolve().parent.parent / "examples" / "spark_clean.py"
    spec = importlib.util.spec_from_file_location("spark_clean", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
