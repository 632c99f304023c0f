"""A short coverage-guided fuzzing budget for CI (the long runs are documented in the
README: ``python tests/fuzz/fuzz_targets.py engine -runs=100000``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")

TARGETS = Path(__file__).resolve().parent / "fuzz" / "fuzz_targets.py"


@pytest.mark.parametrize("target", ["engine", "loader"])
def test_short_fuzz_budget_finds_nothing(target: str, tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(TARGETS), target, "-runs=400", "-max_len=2048", "-seed=1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert not list(tmp_path.glob("crash-*"))
