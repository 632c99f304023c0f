"""The benchmark corpus generator: deterministic, any mix, ground truth consistent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(tmp_path: Path, *args: str) -> list[dict[str, object]]:
    out = tmp_path / "corpus.jsonl"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "-o", str(out), *args],
        check=True,
        capture_output=True,
    )
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_every_document_damaged_twice_keeps_its_truth(tmp_path: Path) -> None:
    """With every document given both an entity and mojibake, some pick the same
    paragraph for both; that paragraph carries both, in the text and in the truth."""
    docs = generate(
        tmp_path, "--size", "200KB", "--doc-kb", "0.5", "--mojibake", "1", "--entities", "1"
    )
    assert len(docs) > 20
    both = 0
    for doc in docs:
        text, truth = str(doc["text"]), str(doc["article"])
        assert "AT&amp;T agreed." in text and "AT&T agreed." in truth
        assert "Caf\u00c3\u00a9" in text and "Caf\u00e9 owners said it\u2019s fine." in truth
        assert len(text.split("\n")) - int(str(doc["boilerplate_lines"])) == len(truth.split("\n"))
        both += any("AT&T agreed. Caf\u00e9" in line for line in truth.split("\n"))
    assert both > 0


def test_same_seed_same_corpus(tmp_path: Path) -> None:
    a = generate(tmp_path, "--size", "100KB", "--seed", "7")
    b = generate(tmp_path, "--size", "100KB", "--seed", "7")
    assert a == b and len(a) > 5


def test_html_pages_hold_the_article_among_page_furniture(tmp_path: Path) -> None:
    """``--html`` records are whole pages (head scripts, menu, related links, a form,
    comments, a footer) around the same lines, deterministic, and cleaning the html field
    gives back the article: the truth holds for them as for the text records."""
    from cleaner import Cleaner

    pages = generate(tmp_path, "--size", "400KB", "--html", "--script-kb", "4")
    again = generate(tmp_path, "--size", "400KB", "--html", "--script-kb", "4")
    assert pages == again and len(pages) > 5
    cleaner = Cleaner()
    exact = 0
    for page in pages:
        assert "text" not in page
        html, truth = str(page["html"]), str(page["article"])
        assert html.startswith("<!DOCTYPE html>") and 'class="related"' in html
        out = cleaner.clean_html(html, url=str(page["url"])).text.split("\n")
        assert all(line in out for line in truth.split("\n"))  # no article line lost
        assert not any("Related stories" in line or "Sign up" in line for line in out)
        exact += out == truth.split("\n")
    assert exact >= 0.8 * len(pages)
