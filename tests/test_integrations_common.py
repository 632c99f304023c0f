"""Shared sample records for the integration tests, and tests of what the adapters share.

The other ``test_integrations_*`` modules import ``sample_records`` from here: every
integration cleans the same records and must give what the library gives.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import Cleaner, InputError, MissingExtraError
from cleaner.integrations._common import (
    build_cleaner,
    clean_one,
    lines_by_category,
    require,
    without_categories,
)
from cleaner.ruleset import read_sources

ROOT = Path(__file__).resolve().parent.parent

GUARDIAN_TEXT = """View image in fullscreen
Lifeboat crews launched twice from the harbour on Sunday night. Photograph: Sam Reed/The Guardian
The coastguard said two sailors were brought ashore safely after their yacht lost its mast.
Both were checked by paramedics at the quay and needed no further treatment, officials said.
skip past newsletter promotion
Sign up to First Edition
Free daily newsletter
after newsletter promotion
The station's volunteers have been called out 41 times this year, more than in all of 2024.
Explore more on these topics
Coastguard
Share
Reuse this content
Most viewed
"""

#: A page that is nothing but site furniture: every line goes.
FURNITURE_TEXT = "View image in fullscreen\nReuse this content\nMost viewed\n"


def sample_records() -> list[dict[str, object]]:
    """Records with the context a scraper gives: URLs, a publisher name, dates, no text."""
    benzinga = (ROOT / "examples" / "benzinga-sample.txt").read_text(encoding="utf-8")
    bugle = [
        json.loads(line)
        for line in (ROOT / "examples" / "dailybugle.jsonl").read_text("utf-8").splitlines()[:6]
    ]
    records: list[dict[str, object]] = [
        {
            "id": "bz-1",
            "url": "https://www.benzinga.com/news/25/05/freight",
            "text": benzinga,
            "publisher": None,
            "date": "2025-05-20",
            "language": "en",
        },
        {"id": "bz-2", "url": None, "text": benzinga, "publisher": "Some Blog", "date": None},
        {
            "id": "gu-1",
            "url": "https://www.theguardian.com/uk-news/2025/may/20/lifeboat",
            "text": GUARDIAN_TEXT,
            "publisher": "guardian",
            "date": None,
        },
        {
            "id": "gu-2",
            "url": "https://www.theguardian.com/uk-news/x",
            "text": FURNITURE_TEXT,
            "publisher": None,
            "date": None,
        },
        {"id": "empty", "url": "https://example.org/", "text": "", "publisher": None, "date": None},
    ]
    for rec in bugle:
        records.append({**rec, "publisher": None, "date": None})
    for rec in records:
        rec.setdefault("language", None)
    return records


def library_text(cleaner: Cleaner, record: dict[str, object]) -> str:
    """What the library itself returns for a record: the oracle every adapter must match."""
    text = record["text"]
    assert isinstance(text, str)
    return clean_one(
        cleaner,
        text,
        url=record.get("url"),
        publisher=record.get("publisher"),
        date=record.get("date"),
        language=record.get("language"),
    ).text


def test_samples_exercise_removals():
    cleaner = Cleaner()
    changed = [r["id"] for r in sample_records() if library_text(cleaner, r) != r["text"]]
    assert {"bz-1", "bz-2", "gu-1", "gu-2"} <= set(changed)
    assert library_text(cleaner, sample_records()[3]) == ""


def test_clean_one_matches_the_cleaner_and_ignores_unknown_publishers():
    cleaner = Cleaner()
    text = str(sample_records()[0]["text"])
    url = "https://www.benzinga.com/x"
    assert clean_one(cleaner, text, url=url, publisher="No Such Paper") == cleaner.clean(
        text, url=url
    )
    # non-string context (None, numbers) counts as absent
    assert clean_one(cleaner, text, url=None, publisher=7, language=3) == cleaner.clean(text)


def test_lines_by_category_counts_lines_once():
    result = Cleaner().clean(str(sample_records()[2]["text"]), publisher="guardian")
    counts = lines_by_category(result)
    assert sum(counts.values()) == len({(r.line, r.category) for r in result.removals})
    assert counts["newsletter"] == 4


def test_build_cleaner_defaults_equal_the_plain_cleaner():
    built, plain = build_cleaner(), Cleaner()
    assert built.hash == plain.hash
    for rec in sample_records():
        assert library_text(built, rec) == library_text(plain, rec)


def test_keep_categories_leaves_those_lines_and_survives_pickling():
    text = str(sample_records()[2]["text"])
    # the common pack's generic rules would take the widget's lines as "navigation",
    # "other" or, among the last lines, a run of teaser headlines ("related-link"):
    # short lines that do not end like sentences; keep those too
    kept = build_cleaner(keep_categories=["newsletter", "navigation", "other", "related-link"])
    assert kept.hash != Cleaner().hash  # its own rule set: never shares a compiled index
    result = kept.clean(text, publisher="guardian")
    assert "Sign up to First Edition\nFree daily newsletter" in result.text
    assert "Reuse this content" in result.text
    assert {r.category for r in result.removals} == {"photo-credit", "social"}
    clone = pickle.loads(pickle.dumps(kept))
    assert clone.hash == kept.hash
    assert clone.clean(text, publisher="guardian") == result


def test_without_categories_returns_the_sources_when_no_rule_goes():
    sources = read_sources(env=False)
    assert without_categories(sources, []) == tuple(sources)
    filtered = without_categories(sources, ["ai-disclosure"])
    assert [s.path for s in filtered] == [s.path for s in sources]
    assert all("examples:" not in s.text for s in filtered)
    with pytest.raises(InputError, match="unknown category"):
        without_categories(sources, ["adverts"])


def test_build_cleaner_takes_single_strings_and_options(tmp_path):
    cleaner = build_cleaner(packs="benzinga", rule_dirs=str(tmp_path), common=False)
    result = cleaner.clean(str(sample_records()[0]["text"]))
    assert [p.id for p in result.packs] == ["benzinga"]


def test_require_names_the_extra():
    assert require("json", "none").dumps([]) == "[]"
    with pytest.raises(MissingExtraError) as info:
        require("boilerclean_no_such_module.sub", "spark")
    assert info.value.extra == "spark"
    assert 'pip install "boilerclean[spark]"' in str(info.value)
    assert isinstance(info.value, ImportError)


MISSING_EXTRA = r"""
import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None  # as if not installed: importing it raises ImportError

from cleaner import MissingExtraError

def call():
    CALL

try:
    call()
except MissingExtraError as exc:
    print(f"{exc.extra}|{exc}")
else:
    print("no error")
"""


@pytest.mark.parametrize(
    ("blocked", "call", "extra"),
    [
        (
            "scrapy,itemadapter",
            "from cleaner.integrations.scrapy import CleanerPipeline; CleanerPipeline()",
            "scrapy",
        ),
        (
            "datatrove",
            "from cleaner.integrations.datatrove import BoilercleanStep; BoilercleanStep()",
            "datatrove",
        ),
        (
            "datasets",
            "from cleaner.integrations.datasets import clean_dataset; clean_dataset([])",
            "datasets",
        ),
        (
            "pyspark,pyarrow",
            "from cleaner.integrations.spark import clean_dataframe; clean_dataframe(None)",
            "spark",
        ),
        (
            "pyspark",
            "from cleaner.integrations.spark import annotation_type; annotation_type()",
            "spark",
        ),
    ],
)
def test_each_integration_names_its_extra_when_missing(blocked, call, extra):
    """Imports without its framework; using it raises MissingExtraError naming the extra."""
    code = MISSING_EXTRA.replace("CALL", call)
    proc = subprocess.run(
        [sys.executable, "-c", code, blocked], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    got_extra, message = proc.stdout.strip().split("|", 1)
    assert got_extra == extra
    assert f'pip install "boilerclean[{extra}]"' in message


def test_datasets_function_needs_no_extra():
    """CleanBatch is plain Python: usable (and picklable) without the datasets package."""
    code = MISSING_EXTRA.replace(
        "CALL",
        "from cleaner.integrations.datasets import CleanBatch\n"
        "    batch = {'text': ['Rates rose.\\nPhoto: Shutterstock'], 'url': ['https://benzinga.com/a']}\n"
        "    assert CleanBatch()(batch) == {'text': ['Rates rose.']}",
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "datasets,pyarrow"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "no error"
