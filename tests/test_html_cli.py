"""HTML mode end to end: ``clean --html``, .html auto-detection, --explain, corpus --html-field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import LABELLED, ROOT, run_clean

ARTICLE = [
    "The harbour authority approved the new ferry timetable on Thursday after a long debate.",
    "Ferries will leave every forty minutes in summer and every hour during the winter months.",
    "Fishermen asked for a later first crossing so that their catch reaches the market in time.",
]
PAGE = (
    '<html><head><meta charset="windows-1252"></head><body>'
    '<nav><a href="/">Home</a> <a href="/news">News</a></nav><h1>Ferry timetable</h1>'
    '<div class="story">' + "".join(f"<p>{p}</p>" for p in ARTICLE)
    + '<div class="share-tools">Share this story</div><ul><li>Route A: Mondays</li></ul>'
    "<p>Read more: Five ferries we love</p></div>"
    "<footer><p>© 2024 Harbour Times. All rights reserved.</p></footer></body></html>"
)  # fmt: skip


@pytest.fixture()
def page_file(tmp_path: Path) -> Path:
    path = tmp_path / "ferry.html"
    path.write_bytes(PAGE.replace("Home", "Héme").encode("cp1252"))
    return path


def test_html_file_is_detected_and_cleaned(page_file: Path, tmp_path: Path) -> None:
    proc = run_clean(page_file, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [*ARTICLE, "Route A: Mondays"]


def test_html_flag_reads_stdin(tmp_path: Path) -> None:
    proc = run_clean("--html", "-", cwd=tmp_path, stdin=PAGE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:3] == ARTICLE


def test_markdown_format(page_file: Path, tmp_path: Path) -> None:
    proc = run_clean("--format", "markdown", page_file, cwd=tmp_path)
    assert proc.stdout.splitlines()[-1] == "- Route A: Mondays"


def test_explain_lists_nodes_and_lines(page_file: Path, tmp_path: Path) -> None:
    proc = run_clean("--explain", page_file, cwd=tmp_path)
    assert proc.returncode == 0
    err = proc.stderr
    assert "encoding cp1252" in err
    assert "generic/share" in err and "div.share-tools" in err and "Share this story" in err
    assert "common/related-teaser" in err and "Read more: Five ferries we love" in err
    assert proc.stdout.splitlines()[:3] == ARTICLE


def test_diff_shows_the_text_stage(page_file: Path, tmp_path: Path) -> None:
    proc = run_clean("--diff", page_file, cwd=tmp_path)
    assert "-Read more: Five ferries we love" in proc.stdout


def test_missing_html_file_exits_2(tmp_path: Path) -> None:
    proc = run_clean("--html", tmp_path / "nope.html", cwd=tmp_path)
    assert proc.returncode == 2 and "nope.html" in proc.stderr


def test_corpus_html_field(tmp_path: Path) -> None:
    records = [
        {"id": 1, "url": "https://harbour.example/ferry", "html": PAGE, "keep": [1, 2]},
        {"id": 2, "text": "Plain text record.\nPhoto: Shutterstock"},
        {"id": 3, "html": "", "text": "Empty page, text field used."},
    ]
    src = tmp_path / "pages.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_clean(
        src, "-o", out, "--html-field", "html", "--annotate", "bc", "--workers", "1", "-q",
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in got] == [1, 2, 3]
    assert got[0]["text"].split("\n")[:3] == ARTICLE
    assert got[0]["html"] == PAGE and got[0]["keep"] == [1, 2]
    assert any(n["rule"] == "generic/share" for n in got[0]["bc"]["nodes"])
    assert got[1]["text"] == "Plain text record."
    assert got[2]["text"] == ""


@pytest.mark.skipif(not LABELLED.exists(), reason="shared data absent")
def test_quality_bench_html_mode_runs(tmp_path: Path) -> None:
    proc = run_clean(
        "bench", "quality", LABELLED, "--html", "--generic", "--split", "tune", cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    row = next(line for line in proc.stdout.splitlines() if line.startswith("| tune "))
    cells = [c.strip() for c in row.strip("|").split("|")]
    f1, kept = float(cells[4]), float(cells[6].rstrip("%"))
    assert f1 > 0.9 and kept > 98
