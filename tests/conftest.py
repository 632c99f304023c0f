"""Shared fixtures. Tests that read ../shared skip cleanly when it is absent."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from cleaner import Cleaner, RuleSet

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("BOILERCLEAN_SHARED", ROOT.parent / "shared"))
EXAMPLES = SHARED / "data" / "examples"
LABELLED = SHARED / "data" / "labelled-pages.dev.jsonl.gz"

# One cache of compiled Hyperscan databases for the whole run (worker processes and
# subprocesses inherit it), never the developer's own.
_CACHE = tempfile.mkdtemp(prefix="boilerclean-test-cache-")
os.environ["BOILERCLEAN_CACHE"] = _CACHE


def pytest_sessionfinish() -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _no_user_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's BOILERCLEAN_RULES must not leak into the suite."""
    monkeypatch.delenv("BOILERCLEAN_RULES", raising=False)


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cache folder of the test's own, with no compiled pattern read yet (as in a new
    process), instead of the run's shared one."""
    from cleaner import cache, patterncache

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    patterncache.forget()
    yield tmp_path / "cache"
    patterncache.forget()


@pytest.fixture(scope="session")
def builtin() -> RuleSet:
    return RuleSet.load(env=False)


@pytest.fixture(scope="session")
def cleaner(builtin: RuleSet) -> Cleaner:
    return Cleaner(builtin)


@pytest.fixture(scope="session")
def reference_cleaner(builtin: RuleSet) -> Cleaner:
    # No time budget: the reference engine tries every rule on every line, and on a busy
    # machine a long real page can outlast the default budget and pass through unchanged,
    # which would make the equivalence tests depend on the machine's load.
    return Cleaner(builtin, engine="reference", time_budget=None)


def labelled_pages() -> list[dict[str, str]]:
    if not LABELLED.exists():
        return []
    with gzip.open(LABELLED, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def write_pack(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run_clean(
    *args: str | Path,
    cwd: Path,
    stdin: bytes | str | None = None,
    text: bool = True,
) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """``python -m cleaner ARGS`` in a fresh process, without the developer's user packs."""
    env = {k: v for k, v in os.environ.items() if k != "BOILERCLEAN_RULES"}
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=text,
        env=env,
        timeout=120,
        check=False,
    )
