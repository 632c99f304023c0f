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
