"""The batched function for Hugging Face ``Dataset.map``, in one process and with num_proc=2."""

from __future__ import annotations

import pickle

import pytest

datasets = pytest.importorskip("datasets")

from test_integrations_common import library_text, sample_records  # noqa: E402

from cleaner import Cleaner, InputError  # noqa: E402
from cleaner.integrations._common import annotation_record, build_cleaner, clean_one  # noqa: E402
from cleaner.integrations.datasets import CleanBatch, clean_dataset  # noqa: E402


@pytest.fixture(scope="module")
def dataset():
    return datasets.Dataset.from_list(sample_records())


def test_map_in_place_matches_the_library(dataset):
    cleaner = Cleaner()
    out = dataset.map(CleanBatch(), batched=True, batch_size=4)
    assert out.column_names == dataset.column_names
    for rec, row in zip(sample_records(), out, strict=True):
        assert row["text"] == library_text(cleaner, rec)
        assert row["id"] == rec["id"] and row["url"] == rec["url"]
    assert out[3]["text"] == ""  # the page that was all furniture


def test_num_proc_2_with_annotations_matches_the_library(dataset):
    cleaner = Cleaner()
    out = clean_dataset(
        dataset,
        output_column="clean",
        annotate_column="boilerclean",
        num_proc=2,
        batch_size=3,
    )
    assert out.column_names == [*dataset.column_names, "clean", "boilerclean"]
    assert out["text"] == dataset["text"]  # the source column stays
    for rec, row in zip(sample_records(), out, strict=True):
        result = clean_one(cleaner, str(rec["text"]), url=rec["url"], publisher=rec["publisher"])
        assert row["clean"] == result.text == library_text(cleaner, rec)
        assert row["boilerclean"] == annotation_record(result)
    publishers = [row["boilerclean"]["publisher"] for row in out]
    assert publishers[:4] == ["benzinga", "benzinga", "guardian", "guardian"]


def test_keep_categories_and_missing_context_columns():
    ds = datasets.Dataset.from_dict(
        {"body": ["Rates rose.\nPhoto: Shutterstock", None], "n": [1, 2]}
    )
    out = ds.map(CleanBatch("body", keep_categories=["photo-credit"], common=False), batched=True)
    kept = build_cleaner(keep_categories=["photo-credit"], common=False)
    assert out["body"] == [kept.clean("Rates rose.\nPhoto: Shutterstock").text, None]
    with pytest.raises(InputError, match="no column 'text'"):
        CleanBatch(cleaner=kept)({"body": ["x"]})
    with pytest.raises(TypeError, match="either a cleaner"):
        CleanBatch(cleaner=kept, common=False)


def test_function_pickles_small_fingerprints_stably_and_compiles_once_per_process():
    fn = CleanBatch(annotate_column="notes")
    blob = pickle.dumps(fn)
    # pack sources and settings, no compiled objects (the bound grows with the packs' YAML)
    sources = sum(len(src.text.encode("utf-8")) for src in fn.cleaner.ruleset.sources)
    assert len(blob) < sources + 50_000
    assert pickle.loads(blob).cleaner is pickle.loads(blob).cleaner  # one per process
    hasher = pytest.importorskip("datasets.fingerprint").Hasher
    assert hasher.hash(fn) == hasher.hash(CleanBatch(annotate_column="notes"))
    assert hasher.hash(fn) != hasher.hash(CleanBatch(annotate_column="other"))


def test_iterable_dataset(dataset):
    cleaner = Cleaner()
    out = list(clean_dataset(dataset.to_iterable_dataset(), annotate_column="notes"))
    assert [row["text"] for row in out] == [library_text(cleaner, r) for r in sample_records()]
