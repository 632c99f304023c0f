"""The datatrove step inside a real LocalPipelineExecutor run: JSONL in, JSONL out.

Two input files, two tasks on two worker processes: the step (and its Cleaner) is
pickled to the workers as datatrove does it, each cleans its shard, and the writer's
output must equal what the library returns on the same records.
"""

from __future__ import annotations

import json
import pickle

import pytest

pytest.importorskip("datatrove")

from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from test_integrations_common import library_text, sample_records

from cleaner import Cleaner
from cleaner.corpus.records import annotation
from cleaner.integrations._common import clean_one
from cleaner.integrations.datatrove import BoilercleanStep


def _write_inputs(folder, records):
    folder.mkdir()
    half = len(records) // 2
    for name, part in (("a.jsonl", records[:half]), ("b.jsonl", records[half:])):
        with open(folder / name, "w", encoding="utf-8") as f:
            for rec in part:
                f.write(json.dumps(rec) + "\n")


def _read_outputs(folder):
    docs = []
    for path in sorted(folder.glob("*.jsonl")):
        docs += [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    return {d["id"]: d for d in docs}


def test_local_executor_run_cleans_like_the_library(tmp_path):
    records = sample_records()
    _write_inputs(tmp_path / "raw", records)
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(tmp_path / "raw")),
            BoilercleanStep(annotate_key="boilerclean", drop_empty=True),
            JsonlWriter(str(tmp_path / "clean"), compression=None),
        ],
        tasks=2,
        workers=2,
        logging_dir=str(tmp_path / "logs"),
    )
    executor.run()

    out = _read_outputs(tmp_path / "clean")
    cleaner = Cleaner()
    # the reader skips the empty record; the step drops the one that was all furniture
    assert set(out) == {str(r["id"]) for r in records} - {"empty", "gu-2"}
    lines = changed = 0
    for rec in records:
        if rec["id"] in ("empty", "gu-2"):
            continue
        doc = out[rec["id"]]
        result = clean_one(cleaner, str(rec["text"]), **{k: rec[k] for k in ("url", "publisher")})
        assert doc["text"] == library_text(cleaner, rec) == result.text
        assert doc["metadata"]["boilerclean"] == annotation(result)
        assert doc["metadata"]["url"] == rec["url"]  # the rest of the record rides along
        lines += len({r.line for r in result.removals})
        changed += result.changed
    assert out["bz-2"]["metadata"]["boilerclean"]["publisher"] == "benzinga"  # fingerprint

    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    step = next(s for s in stats if "boilerclean" in s["name"])["stats"]
    assert step["total"] == len(records) - 1
    assert step["dropped_empty"] == 1
    gu2 = clean_one(cleaner, str(records[3]["text"]), url=records[3]["url"])
    assert step["changed"] == changed + 1
    assert step["lines_removed"]["total"] == lines + len({r.line for r in gu2.removals})
    assert step["lines_removed_newsletter"]["total"] == 4


def test_step_in_process_with_settings_and_errors():
    step = BoilercleanStep(keep_categories=["photo-credit"], url_key="link", date_key="day")
    docs = [
        Document(
            "Rates rose.\nView image in fullscreen",
            "1",
            metadata={"link": "https://theguardian.com/a"},
        ),
        Document("Rates rose.\nPhoto: Shutterstock", "2", metadata={"day": "last week"}),
    ]
    out = list(step.run(iter(docs)))
    assert [d.text for d in out] == ["Rates rose.\nView image in fullscreen", docs[1].text]
    assert step.stats["errors"].total == 1  # the unreadable date: the document passes as is
    assert step.stats["total"].total == 2
    assert list(step.run(None)) == []


def test_step_pickles_small_and_takes_a_cleaner():
    cleaner = Cleaner(common=False)
    step = BoilercleanStep(cleaner=cleaner)
    clone = pickle.loads(pickle.dumps(step))
    assert clone.cleaner.options == cleaner.options
    with pytest.raises(TypeError, match="either a cleaner"):
        BoilercleanStep(cleaner=cleaner, packs=["benzinga"])
