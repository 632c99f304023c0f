"""Corpus mode end to end: formats, field pass-through, order, rejects, summaries."""

from __future__ import annotations

import gzip
import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
import zstandard
from conftest import run_clean

from cleaner import Cleaner, RuleSet
from cleaner.corpus import CorpusOptions, Fields, run_corpus

ARTICLE = (
    "The harbour board approved a new ferry timetable on Tuesday after months of delays.\n"
    "Crossings will run every twenty minutes at peak times, the board said.\n"
    "Now Read: Five Ports Racing To Electrify Their Fleets\n"
    "Photo: Shutterstock\n"
    "\u00a9 2025 Benzinga.com. Benzinga does not provide investment advice. All rights reserved.\n"
)
CLEAN = (
    "The harbour board approved a new ferry timetable on Tuesday after months of delays.\n"
    "Crossings will run every twenty minutes at peak times, the board said.\n"
)


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner(RuleSet.load(env=False))


def records(n: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        text = ARTICLE if i % 3 else f"Plain story number {i} with nothing to remove.\n"
        out.append(
            {
                "id": i,
                "meta": {"n": i, "f": 1.5, "tags": ["a", "\u00e9"]},
                "text": text,
                "url": "https://www.benzinga.com/news/1",
                "z": None,
            }
        )
    return out


def write_jsonl(path: Path, rows: list[dict[str, object]], extra: list[bytes] = ()) -> Path:
    data = b"".join(orjson.dumps(r) + b"\n" for r in rows) + b"".join(extra)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data))
    elif path.suffix == ".zst":
        path.write_bytes(zstandard.ZstdCompressor().compress(data))
    else:
        path.write_bytes(data)
    return path


def read_jsonl(path: Path) -> list[dict[str, object]]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    elif path.suffix == ".zst":
        data = (
            zstandard.ZstdDecompressor()
            .stream_reader(io.BytesIO(data), read_across_frames=True)
            .read()
        )
    return [orjson.loads(line) for line in data.splitlines() if line]


def run(cleaner: Cleaner, tmp_path: Path, inputs: list[Path], output: Path | None, **kw):
    opts = CorpusOptions(
        inputs=tuple(map(str, inputs)), output=str(output) if output else None, quiet=True, **kw
    )
    return run_corpus(cleaner, opts)


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
@pytest.mark.parametrize("workers", [1, 2])
def test_jsonl_round_trip_keeps_order_and_fields(
    cleaner: Cleaner,
    tmp_path: Path,
    suffix: str,
    workers: int,
) -> None:
    rows = records(300)
    src = write_jsonl(tmp_path / f"in{suffix}", rows)
    out = tmp_path / f"out{suffix}"
    stats, _, rejects = run(cleaner, tmp_path, [src], out, workers=workers, chunk_bytes=4096)
    got = read_jsonl(out)
    assert [r["id"] for r in got] == list(range(300))
    for before, after in zip(rows, got, strict=True):
        assert list(after) == list(before)  # same keys, same order
        assert {k: v for k, v in after.items() if k != "text"} == {
            k: v for k, v in before.items() if k != "text"
        }
        assert after["text"] == (CLEAN if before["text"] == ARTICLE else before["text"])
    assert stats.documents == 300 and stats.changed == 200 and not rejects
    assert not (tmp_path / f"out{suffix}.parts").exists()


def test_unchanged_records_are_copied_byte_for_byte(cleaner: Cleaner, tmp_path: Path) -> None:
    line = b'{"text": "Nothing to remove here.",   "n": 1.50, "big": 123456789012345678901234}\n'
    src = tmp_path / "in.jsonl"
    src.write_bytes(line)
    out = tmp_path / "out.jsonl"
    run(cleaner, tmp_path, [src], out)
    assert out.read_bytes() == line


def test_rejects_keep_reason_line_and_record(cleaner: Cleaner, tmp_path: Path) -> None:
    bad = [
        b"not json\n",
        b'{"body": "no text"}\n',
        b'{"text": 5}\n',
        b"[1, 2]\n",
        b'{"text": "x\xff"}\n',
    ]
    src = write_jsonl(tmp_path / "in.jsonl", records(10), bad)
    out = tmp_path / "out.jsonl"
    stats, _, rejects = run(cleaner, tmp_path, [src], out, workers=2, chunk_bytes=2048)
    assert stats.rejects == 5 and stats.documents == 10
    assert rejects == str(out) + ".rejects.jsonl"
    entries = [json.loads(x) for x in Path(rejects).read_text().splitlines()]
    assert [e["line"] for e in entries] == [11, 12, 13, 14, 15]
    assert entries[0]["record"] == "not json" and "JSON" in entries[0]["reason"]
    assert "no field 'text'" in entries[1]["reason"]
    assert "int" in entries[2]["reason"]
    assert "record_escaped" in entries[4]  # invalid UTF-8 kept, escaped
    assert len(read_jsonl(out)) == 10


def test_annotate_adds_field(cleaner: Cleaner, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", records(3))
    out = tmp_path / "out.jsonl"
    run(cleaner, tmp_path, [src], out, fields=Fields(annotate="boilerclean"))
    got = read_jsonl(out)
    assert got[1]["boilerclean"]["publisher"] == "benzinga"
    rules = {r["rule"] for r in got[1]["boilerclean"]["removals"]}
    assert {"benzinga/now-read", "benzinga/copyright-footer"} <= rules
    assert got[0]["boilerclean"]["removals"] == []


def test_parquet_round_trip(cleaner: Cleaner, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    texts = [ARTICLE, "Nothing here.\n", None]
    pq.write_table(
        pa.table({"id": [1, 2, 3], "text": texts, "url": ["u", "u", "u"]}), tmp_path / "in.parquet"
    )
    out = tmp_path / "out.parquet"
    stats, _, rejects = run(cleaner, tmp_path, [tmp_path / "in.parquet"], out, workers=2)
    table = pq.read_table(out)
    assert table.column_names == ["id", "text", "url"]
    assert table["text"].to_pylist() == [CLEAN, "Nothing here.\n"]
    assert stats.rejects == 1 and rejects is not None


def test_folder_is_mirrored(cleaner: Cleaner, tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "sub" / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "bad.txt").write_bytes(b"broken \xff\n")
    out = tmp_path / "out"
    stats, _, rejects = run(cleaner, tmp_path, [src], out, workers=2)
    assert (out / "a.txt").read_text(encoding="utf-8") == CLEAN
    assert (out / "sub" / "b.txt").read_text(encoding="utf-8") == CLEAN
    assert not (out / "bad.txt").exists()
    assert stats.rejects == 1 and "bad.txt" in Path(rejects or "").read_text()


def test_stats_json_and_summary(cleaner: Cleaner, tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", records(30))
    out = tmp_path / "out.jsonl"
    stats_file = tmp_path / "stats.json"
    run(cleaner, tmp_path, [src], out, stats_json=str(stats_file))
    data = json.loads(stats_file.read_text())
    assert data["documents"] == 30 and data["changed"] == 20
    assert data["removals_by_category"]["related-link"] == 20
    assert data["publishers"]["benzinga"] == 30
    summary = run_corpus.__module__  # the summary text itself is checked in the CLI test
    assert summary


def cli(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return run_clean(*args, cwd=cwd, stdin=stdin, text=False)


def test_cli_corpus_exit_codes_and_summary(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", records(20))
    done = cli("in.jsonl", "-o", "out.jsonl", "--workers", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    err = done.stderr.decode()
    assert "20 documents" in err and "top rules: benzinga/" in err and "rejects: 0" in err
    write_jsonl(src, records(5), [b"oops\n"])
    done = cli("in.jsonl", "-o", "out.jsonl", "-q", cwd=tmp_path)
    assert done.returncode == 3 and done.stderr == b""
    assert (tmp_path / "out.jsonl.rejects.jsonl").exists()


def test_cli_jsonl_stdin_to_stdout(tmp_path: Path) -> None:
    data = b"".join(orjson.dumps(r) + b"\n" for r in records(6))
    done = cli("--input-format", "jsonl", "-q", cwd=tmp_path, stdin=data)
    assert done.returncode == 0, done.stderr
    got = [orjson.loads(x) for x in done.stdout.splitlines()]
    assert [r["id"] for r in got] == list(range(6))
    assert got[1]["text"] == CLEAN


def test_cli_refuses_single_document_options_in_corpus_mode(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", records(2))
    assert cli("in.jsonl", "--explain", cwd=tmp_path).returncode == 2
    assert cli("in.jsonl", "--publisher", "benzinga", cwd=tmp_path).returncode == 2


def test_interrupted_run_leaves_no_complete_looking_output(tmp_path: Path) -> None:
    rows = records(3000)
    write_jsonl(tmp_path / "in.jsonl", rows, [b"not json\n"])
    args = ["in.jsonl", "-o", "out.jsonl", "--workers", "1", "--chunk-mb", "0.05", "-q"]
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", *args], cwd=tmp_path)
    manifest_path = tmp_path / "out.jsonl.parts" / "manifest.json"
    deadline = time.time() + 60
    while time.time() < deadline:
        if manifest_path.exists() and json.loads(manifest_path.read_text())["appended"] >= 3:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (tmp_path / "out.jsonl").exists()
    manifest = json.loads(manifest_path.read_text())
    assert manifest["inputs"] == ["in.jsonl"] and manifest["rules_hash"]
    assert manifest["appended"] >= 3
    # --resume finishes the job without duplicating or losing a record
    done = cli(*args, "--resume", cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    got = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in got] == list(range(3000))
    rejects = (tmp_path / "out.jsonl.rejects.jsonl").read_text().splitlines()
    assert [json.loads(x)["line"] for x in rejects] == [3001]
    assert not (tmp_path / "out.jsonl.parts").exists()
    # and a fresh run gives the same bytes
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "in.jsonl").write_bytes((tmp_path / "in.jsonl").read_bytes())
    assert cli(*args, cwd=fresh).returncode == 3
    assert (fresh / "out.jsonl").read_bytes() == (tmp_path / "out.jsonl").read_bytes()


def test_ctrl_c_inside_a_lock_release_is_still_an_interrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C that lands while a future's result() releases its condition's lock comes out
    as "RuntimeError: cannot release un-acquired lock" with the KeyboardInterrupt as its
    context; the run must end as an interrupt (summary, then exit 130), not a crash."""
    from cleaner.corpus import runner

    def interrupted(self: runner.CorpusRun) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise RuntimeError("cannot release un-acquired lock") from None

    write_jsonl(tmp_path / "in.jsonl", records(3))
    monkeypatch.setattr(runner.CorpusRun, "run", interrupted)
    opts = CorpusOptions(inputs=(str(tmp_path / "in.jsonl"),), output=str(tmp_path / "o.jsonl"))
    with pytest.raises(KeyboardInterrupt):
        run_corpus(Cleaner(), opts)
    assert "clean: interrupted after 0 finished chunk(s)" in capsys.readouterr().err

    def broken(self: runner.CorpusRun) -> None:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(runner.CorpusRun, "run", broken)
    with pytest.raises(RuntimeError, match="a bug of ours"):
        run_corpus(Cleaner(), opts)


def test_resume_refuses_a_manifest_of_another_run(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", records(50))
    parts = tmp_path / "out.jsonl.parts"
    parts.mkdir()
    (parts / "manifest.json").write_text(
        json.dumps(
            {
                "inputs": ["other.jsonl"],
                "output": "out.jsonl",
                "rules_hash": "x",
                "fields": {},
                "chunk_bytes": 1,
                "appended": 0,
            }
        )
    )
    done = cli("in.jsonl", "-o", "out.jsonl", "--resume", "-q", cwd=tmp_path)
    assert done.returncode == 2 and b"cannot resume" in done.stderr


def test_unknown_publisher_hint_is_ignored_not_rejected(cleaner: Cleaner, tmp_path: Path) -> None:
    rows = [
        {
            "id": 1,
            "publisher": "Some Local Paper",
            "text": ARTICLE,
            "url": "https://www.benzinga.com/x",
        }
    ]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    stats, _, rejects = run(cleaner, tmp_path, [src], out)
    assert stats.rejects == 0 and rejects is None
    assert read_jsonl(out)[0]["text"] == CLEAN


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_oversized_record_is_rejected_with_bounded_memory(
    cleaner: Cleaner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    from cleaner.corpus import work

    monkeypatch.setattr(work, "MAX_RECORD_BYTES", 2_000)
    big = orjson.dumps({"id": "big", "text": "word " * 2_000}) + b"\n"
    src = write_jsonl(
        tmp_path / f"in{suffix}", records(3), [big, *(orjson.dumps(r) + b"\n" for r in records(2))]
    )
    out = tmp_path / "out.jsonl"
    stats, _, rejects = run(cleaner, tmp_path, [src], out, chunk_bytes=1_000)
    assert stats.rejects == 1 and stats.documents == 5
    entry = json.loads(Path(rejects or "").read_text().splitlines()[0])
    assert entry["line"] == 4 and "larger than" in entry["reason"]
    assert len(entry["record"]) <= 4096


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_decompression_bomb_is_rejected_in_bounded_memory(
    cleaner: Cleaner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    """40 MB of one endless line in a file of a few kilobytes: the record is rejected and
    the memory used stays near the record limit, not the decompressed size."""
    import tracemalloc

    from cleaner.corpus import work

    monkeypatch.setattr(work, "MAX_RECORD_BYTES", 1 << 20)
    bomb = b'{"text": "' + b"A" * (40 << 20)
    src = tmp_path / f"bomb{suffix}"
    if suffix == ".jsonl.gz":
        src.write_bytes(gzip.compress(bomb + b'"}\n{"text": "after"}\n', compresslevel=9))
    else:
        src.write_bytes(
            zstandard.ZstdCompressor(level=19).compress(bomb + b'"}\n{"text": "after"}\n')
        )
    assert src.stat().st_size < 200_000
    del bomb
    tracemalloc.start()
    try:
        stats, _, rejects = run(
            cleaner, tmp_path, [src], tmp_path / "out.jsonl", chunk_bytes=1 << 20
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert stats.rejects == 1 and stats.documents == 1
    assert read_jsonl(tmp_path / "out.jsonl") == [{"text": "after"}]
    assert "larger than" in Path(rejects or "").read_text()
    assert peak < 12 << 20, f"peak {peak / 2**20:.1f} MB"
