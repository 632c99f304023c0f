"""Corpus mode when worker processes die or the user presses Ctrl-C.

A worker is made to die for real on a marker record: the tests patch the record cleaner
before the pool forks (in-process runs), or put a ``sitecustomize`` on ``PYTHONPATH`` that
does the same in every process (CLI runs). Nothing of this is in the package itself.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from support import TINY_PACK

from cleaner import Cleaner, RuleSet
from cleaner.corpus import CorpusOptions, run_corpus, work
from cleaner.corpus.records import clean_jsonl_line
from cleaner.model import PackSource

PACK = TINY_PACK
MARKER = "__die_here__"
TEXT = "The council met on Monday.\nNow Read: Ten more stories\nIt adjourned at noon.\n"
CLEAN = "The council met on Monday.\nIt adjourned at noon.\n"

# The hook, shared by the in-process tests and the sitecustomize of the CLI tests. It
# only fires in a pool worker, never in the parent, and ``once`` makes the first death
# the only one (a flag file records it), so the retry succeeds.
HOOK = """
import faulthandler, multiprocessing, os, signal, time
from cleaner.corpus import work as _work

_original = _work.clean_jsonl_line

def _dying(cleaner, raw, fields, stats):
    how = os.environ.get("BOILERCLEAN_TEST_DEATH", "")
    if how == "slow":
        time.sleep(0.002)
    elif how and b"__die_here__" in raw and multiprocessing.parent_process() is not None:
        flag = os.environ.get("BOILERCLEAN_TEST_DEATH_FLAG", "")
        if not (flag and os.path.exists(flag)):
            if flag:
                open(flag, "w").close()
            if how == "exit":
                os._exit(3)
            faulthandler.disable()  # a real crash, without pytest's traceback dump
            os.kill(os.getpid(), getattr(signal, how))
    return _original(cleaner, raw, fields, stats)

_work.clean_jsonl_line = _dying
"""


@pytest.fixture(scope="module")
def tiny() -> Cleaner:
    return Cleaner(RuleSet.from_sources([PackSource("tiny.yaml", PACK, "user")]))


@pytest.fixture
def dying(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """Install the hook in this process; pool workers fork from it and inherit it."""
    monkeypatch.setattr(work, "clean_jsonl_line", clean_jsonl_line)  # restored afterwards
    exec(compile(HOOK, "hook", "exec"), {})

    def arm(how: str, once: bool = False) -> None:
        monkeypatch.setenv("BOILERCLEAN_TEST_DEATH", how)
        if once:
            monkeypatch.setenv("BOILERCLEAN_TEST_DEATH_FLAG", str(tmp_path / "died"))

    return arm


def rows(n: int, marker_at: int | None = None) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        text = TEXT if i % 2 else f"Story {i} has nothing to remove.\n"
        if i == marker_at:
            text = f"{MARKER}\n{text}"
        out.append({"id": i, "text": text, "url": "https://tiny.example/a"})
    return out


def write(path: Path, records: list[dict[str, object]]) -> Path:
    data = b"".join(orjson.dumps(r) + b"\n" for r in records)
    if path.suffix == ".gz":
        import gzip

        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def run(cleaner: Cleaner, src: Path, out: Path, **kw: Any) -> Any:
    opts = CorpusOptions(inputs=(str(src),), output=str(out), quiet=True, **kw)
    return run_corpus(cleaner, opts)


@pytest.mark.parametrize(
    ("how", "suffix"),
    [("exit", ".jsonl"), ("SIGKILL", ".jsonl.gz"), ("SIGSEGV", ".jsonl")],
)
def test_a_chunk_that_kills_its_worker_twice_goes_to_rejects(
    tiny: Cleaner,
    tmp_path: Path,
    dying: Any,
    capsys: pytest.CaptureFixture[str],
    how: str,
    suffix: str,
) -> None:
    dying(how)
    records = rows(200, marker_at=101)
    src = write(tmp_path / f"in{suffix}", records)
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    stats, _, rejects = run(tiny, src, out, workers=2, chunk_bytes=2048)
    assert time.monotonic() - started < 60
    kept = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    entries = [json.loads(x) for x in Path(rejects).read_text().splitlines()]
    # nothing lost: every record is either in the output or (unchanged) in the rejects
    assert len(kept) + len(entries) == 200
    assert sorted([r["id"] for r in kept] + [orjson.loads(e["record"])["id"] for e in entries]) == (
        list(range(200))
    )
    assert [r["id"] for r in kept] == sorted(r["id"] for r in kept)  # order kept
    assert 101 in {orjson.loads(e["record"])["id"] for e in entries}
    for e in entries:  # unchanged, with the input line number and the reason
        assert orjson.loads(e["record"]) == records[e["line"] - 1]
        assert "worker process died twice" in e["reason"]
    assert all(r["text"] in (CLEAN, f"Story {r['id']} has nothing to remove.\n") for r in kept)
    assert stats.rejects == len(entries) and stats.chunks_rejected == 1
    assert stats.worker_deaths == 2
    err = capsys.readouterr().err
    assert "worker process died" in err and "killed its worker process again" in err
    if how == "exit":
        assert "exit code 3" in err
    else:
        assert f"signal {getattr(signal, how).value}" in err
    assert not list(tmp_path.glob("out.jsonl.parts"))


def test_a_worker_that_dies_once_loses_nothing(
    tiny: Cleaner, tmp_path: Path, dying: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    dying("exit", once=True)
    src = write(tmp_path / "in.jsonl", rows(200, marker_at=57))
    out = tmp_path / "out.jsonl"
    stats, _, rejects = run(tiny, src, out, workers=2, chunk_bytes=2048)
    assert rejects is None and stats.rejects == 0
    assert stats.worker_deaths == 1 and stats.chunks_rejected == 0
    kept = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    assert [r["id"] for r in kept] == list(range(200))
    assert "retrying those chunks one at a time" in capsys.readouterr().err


def test_worker_deaths_are_in_the_stats_json(tiny: Cleaner, tmp_path: Path, dying: Any) -> None:
    dying("exit")
    src = write(tmp_path / "in.jsonl", rows(30, marker_at=3))
    stats_json = tmp_path / "stats.json"
    run(tiny, src, tmp_path / "out.jsonl", workers=2, stats_json=str(stats_json))
    data = json.loads(stats_json.read_text())
    assert data["worker_deaths"] == 2 and data["chunks_rejected"] == 1
    assert data["rejects"] == 30  # one chunk: the whole small file


# -- through the CLI, in fresh processes ------------------------------------------------------
def _cli(tmp_path: Path, *args: str, how: str, **popen: Any) -> subprocess.Popen[bytes]:
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    packs = tmp_path / "packs"
    packs.mkdir(exist_ok=True)
    (packs / "tiny.yaml").write_text(PACK, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "BOILERCLEAN_RULES"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hook), env.get("PYTHONPATH")]))
    env["BOILERCLEAN_TEST_DEATH"] = how
    return subprocess.Popen(
        [sys.executable, "-m", "cleaner", "--no-builtin", "--rules", str(packs), *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **popen,
    )


def test_cli_reports_a_dead_worker_and_exits_3(tmp_path: Path) -> None:
    write(tmp_path / "in.jsonl", rows(300, marker_at=150))
    proc = _cli(
        tmp_path, "in.jsonl", "-o", "out.jsonl", "--workers", "2", "--chunk-mb", "0.004",
        how="SIGKILL",
    )  # fmt: skip
    _, err = proc.communicate(timeout=120)
    text = err.decode()
    assert proc.returncode == 3, text
    assert "Traceback" not in text
    assert "worker process died (killed by signal 9)" in text
    assert "worker deaths: 2" in text and "rejects:" in text
    kept = len((tmp_path / "out.jsonl").read_bytes().splitlines())
    rejected = len((tmp_path / "out.jsonl.rejects.jsonl").read_bytes().splitlines())
    assert kept + rejected == 300 and 0 < rejected < 300


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigint_stops_cleanly_with_a_summary_and_resume_finishes(
    tmp_path: Path, workers: str
) -> None:
    write(tmp_path / "in.jsonl", rows(3000))
    args = ["in.jsonl", "-o", "out.jsonl", "--workers", workers, "--chunk-mb", "0.01"]
    # "slow" makes every record take 2 ms, so the run is surely mid-way when Ctrl-C comes.
    # The child gets the default SIGINT disposition: a test run started in the background
    # of a non-interactive shell inherits SIGINT ignored, and so would the CLI (rightly).
    proc = _cli(tmp_path, *args, how="slow", start_new_session=True, preexec_fn=_default_sigint)
    manifest = tmp_path / "out.jsonl.parts" / "manifest.json"
    deadline = time.time() + 60
    while time.time() < deadline:
        if manifest.exists() and json.loads(manifest.read_text())["appended"] >= 2:
            break
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    assert proc.returncode == 130, text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert "documents in" in text and "interrupted after" in text and "--resume" in text
    assert not (tmp_path / "out.jsonl").exists()
    done = _cli(tmp_path, *args, "--resume", "-q", how="")
    _, err = done.communicate(timeout=120)
    assert done.returncode == 0, err.decode()
    kept = [orjson.loads(x) for x in (tmp_path / "out.jsonl").read_bytes().splitlines()]
    assert [r["id"] for r in kept] == list(range(3000))
