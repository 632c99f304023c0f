"""``clean rules suggest``: repeated lines left after cleaning, drafted as rules to review.

The corpora are generated here: stories of an invented publisher, the Daily Bugle
(``dailybugle.example``), from sentences written for these tests, with a repeated footer
line, a repeated "Bugle Picks:" label, and "Read more:" links that the common pack
already removes.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
import zstandard
from conftest import ROOT, run_clean

from cleaner import Cleaner, RuleSet
from cleaner.errors import InputError
from cleaner.suggest import (
    SourceDocument,
    Target,
    format_yaml,
    guess_category,
    line_label,
    read_corpus,
    suggest,
)

FOOTER = "Thanks for reading the Daily Bugle. Send news tips to the city desk."
WHO = ["The harbour council", "The city library", "Volunteers at the river trust", "Ferry crews"]
DID = ["approved a plan to", "voted on Tuesday to", "said it would", "is raising money to"]
WHAT = [
    "repair the footbridge over the canal",
    "keep the reading room open late in winter",
    "plant two hundred trees along the promenade",
    "add a late ferry on Friday evenings",
]
WHEN = ["before the end of the year.", "despite a tight budget.", "once the storms have passed."]
TITLES = [
    "Ten Quiet Beaches",
    "How Tide Tables Are Made",
    "The Last Ropemaker",
    "Gulls and Ferries",
]


def story(rng: random.Random, *, picks: bool = True, footer: bool = True) -> str:
    body = [
        f"{rng.choice(WHO)} {rng.choice(DID)} {rng.choice(WHAT)}, a plan backed by "
        f"{rng.randint(20, 9000)} residents, {rng.choice(WHEN)}"
        for _ in range(rng.randint(4, 6))
    ]
    body.insert(1, f"Read more: {rng.choice(TITLES)}")
    if picks:
        body.insert(3, f"Bugle Picks: {rng.choice(TITLES)}")
    if footer:
        body.append(FOOTER)
    return "\n".join(body) + "\n"


def bugle_records(n: int = 30, others: int = 10, seed: int = 1) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for i in range(n):
        rows.append(
            {
                "id": f"bugle-{i}",
                "url": f"https://{'www' if i % 2 else 'news'}.dailybugle.example/story/{i}",
                "publisher": "Daily Bugle",
                "text": story(rng),
            }
        )
    for i in range(others):  # same footer, other host: must not count
        rows.append(
            {
                "id": f"gazette-{i}",
                "url": f"https://notdailybugle.example/{i}",
                "publisher": "Gazette",
                "text": story(rng),
            }
        )
    return rows


def write_jsonl(path: Path, rows: list[dict[str, object]], extra: bytes = b"") -> Path:
    data = b"".join(json.dumps(r).encode() + b"\n" for r in rows) + extra
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
    elif path.name.endswith(".zst"):
        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def builtin_cleaner() -> Cleaner:
    return Cleaner(RuleSet.load(env=False))


def run_cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_clean(*args, cwd=cwd)


# -- labels and categories --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Read more: Ten Quiet Beaches", "Read more:"),
        ("Bugle Picks: The Last Ropemaker", "Bugle Picks:"),
        ("More From The Bugle: Gulls", "More From The Bugle:"),
        ("More From The Daily Bugle: Gulls", None),  # "Bugle:" is the fifth word
        ("Related | Ten Quiet Beaches", "Related |"),
        ("MORE FROM US » Gulls and Ferries", "MORE FROM US »"),
        ("Photo: Jane Doe", "Photo:"),
        ("Five words come before this: text", None),  # five words: a sentence, not a label
        ("Read more:", None),  # nothing after the label: an exact line, not a prefix
        ("At 10:30 the ferry left the harbour.", None),
        ("https://dailybugle.example/story", None),
        ("12: 30", None),
    ],
)
def test_line_label(line: str, label: str | None) -> None:
    assert line_label(line) == label


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Bugle Picks:", "related-link"),
        ("Sign up for the Bugle Morning newsletter", "newsletter"),
        ("© 2026 Daily Bugle Media", "copyright"),
        ("Photo:", "photo-credit"),
        ("Follow us on Mastodon", "social"),
        ("This story was produced with AI tools.", "ai-disclosure"),
        (FOOTER, "other"),
    ],
)
def test_guess_category(text: str, category: str) -> None:
    assert guess_category(text) == category


# -- mining -----------------------------------------------------------------------------------
def test_suggests_footer_and_label_but_not_what_packs_remove(
    tmp_path: Path, builtin_cleaner: Cleaner
) -> None:
    src = write_jsonl(tmp_path / "c.jsonl", bugle_records())
    report = suggest(
        read_corpus([str(src)]), builtin_cleaner, Target.for_host("dailybugle.example")
    )
    assert report.documents == 30 and report.scanned == 40 and report.skipped == 0
    by_text = {s.text: s for s in report.suggestions}
    assert set(by_text) == {FOOTER, "Bugle Picks:"}  # "Read more:" is common/related-teaser's
    footer = by_text[FOOTER]
    assert footer.kind == "exact" and footer.documents == 30 and footer.share == 1.0
    assert footer.position == "tail" and footer.farthest == 1
    assert footer.scope is not None and footer.scope.tail == 3
    assert footer.why.startswith("seen in 30 of 30 documents of dailybugle.example (100%)")
    assert len(footer.samples) == 3
    assert footer.samples[0].document == f"{src}:1 [id bugle-0]"
    assert footer.samples[0].line == footer.samples[0].lines
    picks = by_text["Bugle Picks:"]
    assert picks.kind == "prefix" and picks.category == "related-link"
    assert picks.position in ("head", "middle") and picks.max_words is not None
    assert report.suggestions[0].documents >= report.suggestions[-1].documents


def test_without_builtin_packs_read_more_is_suggested_too(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "c.jsonl", bugle_records())
    cleaner = Cleaner(RuleSet.from_sources([]))
    report = suggest(read_corpus([str(src)]), cleaner, Target(publisher="daily bugle"))
    found = {(s.kind, s.text) for s in report.suggestions}
    assert ("prefix", "Read more:") in found and ("exact", FOOTER) in found
    read_more = next(s for s in report.suggestions if s.text == "Read more:")
    assert read_more.position == "head" and read_more.scope is not None
    assert read_more.scope.head is not None


def test_article_sentences_do_not_pass_the_share_threshold(
    tmp_path: Path, builtin_cleaner: Cleaner
) -> None:
    src = write_jsonl(tmp_path / "c.jsonl", bugle_records(60))
    report = suggest(read_corpus([str(src)]), builtin_cleaner, Target(publisher="Daily Bugle"))
    assert {s.text for s in report.suggestions} == {FOOTER, "Bugle Picks:"}
    assert report.candidates == 2
    repeated = ["Ferry crews met on Monday."] * 2 + ["The quay reopened."] * 3
    docs = [
        SourceDocument(f"d{i}", f"{line}\n", publisher="Daily Bugle")
        for i, line in enumerate(repeated)
    ]
    docs += [SourceDocument(f"e{i}", f"Story {i}.\n", publisher="Daily Bugle") for i in range(5)]
    report = suggest(docs, builtin_cleaner, Target(publisher="Daily Bugle"))
    assert [s.text for s in report.suggestions] == ["The quay reopened."]  # 3 of 10, 30%


def test_thresholds_and_top(tmp_path: Path, builtin_cleaner: Cleaner) -> None:
    rng = random.Random(5)
    rows = [
        {"url": "https://dailybugle.example/a", "text": story(rng, picks=i < 4)} for i in range(10)
    ]
    src = write_jsonl(tmp_path / "c.jsonl", rows)
    target = Target.for_host("dailybugle.example")

    def texts(**kw: object) -> set[str]:
        report = suggest(read_corpus([str(src)]), builtin_cleaner, target, **kw)  # type: ignore[arg-type]
        return {s.text for s in report.suggestions}

    assert texts() == {FOOTER, "Bugle Picks:"}  # 4 of 10: 40% >= 30%
    assert texts(min_share=0.5) == {FOOTER}
    assert texts(min_docs=5) == {FOOTER}
    assert texts(top=1) == {FOOTER}
    with pytest.raises(InputError):
        texts(min_docs=0)


def test_a_line_seen_as_often_as_its_label_wins(tmp_path: Path, builtin_cleaner: Cleaner) -> None:
    rng = random.Random(3)
    rows: list[dict[str, object]] = []
    for _ in range(6):
        lines = story(rng, picks=False).split("\n")
        lines.insert(2, "Bugle Picks: The Same Title Every Day")
        rows.append({"url": "https://dailybugle.example/a", "text": "\n".join(lines)})
    src = write_jsonl(tmp_path / "c.jsonl", rows)
    report = suggest(
        read_corpus([str(src)]), builtin_cleaner, Target.for_host("dailybugle.example")
    )
    found = {(s.kind, s.text) for s in report.suggestions}
    assert ("exact", "Bugle Picks: The Same Title Every Day") in found
    assert ("prefix", "Bugle Picks:") not in found


def test_a_label_replaces_the_lines_it_covers(tmp_path: Path, builtin_cleaner: Cleaner) -> None:
    rows = [
        {"url": "https://dailybugle.example/a", "text": f"Ferry crews met on Monday.\n{label}\n"}
        for label in ["Bugle Picks: One Title"] * 4 + ["BUGLE PICKS: Another"] * 4
    ]
    src = write_jsonl(tmp_path / "c.jsonl", rows)
    report = suggest(
        read_corpus([str(src)]), builtin_cleaner, Target.for_host("dailybugle.example")
    )
    found = {(s.kind, s.text): s for s in report.suggestions}
    assert set(found) == {("exact", "Ferry crews met on Monday."), ("prefix", "Bugle Picks:")}
    assert found["prefix", "Bugle Picks:"].ignore_case  # two spellings seen


def test_slugs_are_valid_unique_and_avoid_taken(builtin_cleaner: Cleaner) -> None:
    docs = [
        SourceDocument(
            f"d{i}",
            "Ferry crews met on Monday.\nThanks, readers!\nThanks readers.\n",
            url="https://x.example/",
        )
        for i in range(5)
    ]
    report = suggest(docs, builtin_cleaner, Target(host="x.example"), taken={"thanks-readers"})
    slugs = [s.slug for s in report.suggestions]
    assert len(slugs) == len(set(slugs)) == 3
    assert "thanks-readers" not in slugs and "thanks-readers-2" in slugs


# -- selection and input formats ------------------------------------------------------------------
def test_publisher_selection_is_case_insensitive_and_knows_aliases(
    tmp_path: Path, builtin_cleaner: Cleaner
) -> None:
    rows = bugle_records(5, 0)
    rows += [
        {"text": "Shares rose.\nPhoto: Shutterstock\n", "publisher": p}
        for p in ("bz", "BENZINGA", "Benzinga")
    ]
    src = write_jsonl(tmp_path / "c.jsonl", rows)
    assert (
        suggest(read_corpus([str(src)]), builtin_cleaner, Target(publisher="daily bugle")).documents
        == 5
    )
    report = suggest(read_corpus([str(src)]), builtin_cleaner, Target(publisher="benzinga.com"))
    assert report.documents == 3
    assert [x.text for x in report.suggestions] == [
        "Shares rose."
    ]  # Photo: was removed by the packs


def test_host_selection_takes_subdomains_only(tmp_path: Path, builtin_cleaner: Cleaner) -> None:
    rows = bugle_records(4, 3)
    rows.append({"url": "not a url at all", "text": "x"})
    rows.append({"text": "no url field"})
    src = write_jsonl(tmp_path / "c.jsonl", rows)
    for host in ("dailybugle.example", "https://www.dailybugle.example/", "WWW.DAILYBUGLE.EXAMPLE"):
        report = suggest(read_corpus([str(src)]), builtin_cleaner, Target.for_host(host))
        assert report.documents == 4, host


@pytest.mark.parametrize("name", ["c.jsonl.gz", "c.jsonl.zst", "c.ndjson"])
def test_compressed_inputs_and_skipped_records(
    tmp_path: Path, builtin_cleaner: Cleaner, name: str
) -> None:
    bad = b'not json\n[1, 2]\n{"id": 1}\n{"text": 5}\n\n'
    src = write_jsonl(tmp_path / name, bugle_records(10, 0), bad)
    report = suggest(read_corpus([str(src)]), builtin_cleaner, Target(publisher="Daily Bugle"))
    assert report.documents == 10 and report.skipped == 4 and report.scanned == 14
    assert FOOTER in {s.text for s in report.suggestions}


def test_a_folder_of_text_files_is_all_the_targets(
    tmp_path: Path, builtin_cleaner: Cleaner
) -> None:
    rng = random.Random(9)
    folder = tmp_path / "pages"
    (folder / "sub").mkdir(parents=True)
    for i in range(6):
        (folder / ("sub" if i % 2 else "") / f"{i}.txt").write_text(story(rng), encoding="utf-8")
    (folder / ".hidden.txt").write_text("ignored", encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"\xff\xfe")
    report = suggest(
        read_corpus([str(folder)]), builtin_cleaner, Target.for_host("dailybugle.example")
    )
    assert report.documents == 6 and report.skipped == 1
    assert {s.text for s in report.suggestions} == {FOOTER, "Bugle Picks:"}
    assert all(str(folder) in s.samples[0].document for s in report.suggestions)


def test_missing_and_parquet_inputs_raise(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(read_corpus([str(tmp_path / "nope.jsonl")]))
    (tmp_path / "x.parquet").write_bytes(b"")
    with pytest.raises(InputError, match="Parquet"):
        list(read_corpus([str(tmp_path / "x.parquet")]))


def test_max_docs_stops_reading(tmp_path: Path, builtin_cleaner: Cleaner) -> None:
    src = write_jsonl(tmp_path / "c.jsonl", bugle_records(20, 0))
    report = suggest(
        read_corpus([str(src)]), builtin_cleaner, Target(publisher="Daily Bugle"), max_docs=8
    )
    assert report.documents == 8 and report.scanned == 8 and report.limited
    assert "stopped at --max-docs" in format_yaml(report)


# -- the YAML: drafts that load, and that close the loop ------------------------------------------
PACK_HEAD = "publisher: Daily Bugle\ndomains: [dailybugle.example]\n"


def test_drafts_paste_into_a_pack_that_then_removes_them(
    tmp_path: Path, builtin_cleaner: Cleaner
) -> None:
    src = write_jsonl(tmp_path / "c.jsonl", bugle_records())
    target = Target.for_host("dailybugle.example")
    report = suggest(read_corpus([str(src)]), builtin_cleaner, target)
    snippet = format_yaml(report)
    assert snippet.startswith("# DRAFT rules")
    assert "nothing here is applied" in snippet
    data = yaml.safe_load(snippet)
    assert [r["id"] for r in data["rules"]] == [s.slug for s in report.suggestions]
    footer = next(r for r in data["rules"] if r.get("exact") == FOOTER)
    assert footer["scope"] == {"tail": 3} and footer["why"].startswith("seen in 30 of 30")
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "bugle.yaml").write_text(PACK_HEAD + snippet, encoding="utf-8")
    with_drafts = Cleaner(RuleSet.load([packs], env=False))
    again = suggest(read_corpus([str(src)]), with_drafts, target)
    assert again.documents == 30 and not again.suggestions
    assert "no draft rules" in format_yaml(again)
    sample = next(r for r in bugle_records() if r["id"] == "bugle-0")
    cleaned = with_drafts.clean(str(sample["text"]), url=str(sample["url"])).text
    assert FOOTER not in cleaned and "Bugle Picks:" not in cleaned and "Read more:" not in cleaned
    assert cleaned.count("\n") == str(sample["text"]).count("\n") - 3


def test_odd_characters_survive_the_yaml(builtin_cleaner: Cleaner) -> None:
    odd = 'Bugle « Extra » — "quoted" \\ back # hash: colon'
    docs = [
        SourceDocument(f"d{i}", f"Ferry crews met on Monday {i}.\n{odd}\n", publisher="Daily Bugle")
        for i in range(4)
    ]
    report = suggest(docs, builtin_cleaner, Target(publisher="Daily Bugle"))
    data = yaml.safe_load(format_yaml(report))
    assert [r.get("exact") for r in data["rules"]] == [odd]


# -- the command ------------------------------------------------------------------------------
def test_cli_prints_drafts_on_stdout(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "c.jsonl.gz", bugle_records())
    done = run_cli("rules", "suggest", "c.jsonl.gz", "--host", "dailybugle.example", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# DRAFT rules")
    assert "2 draft rule(s) from 30 documents" in done.stderr
    data = yaml.safe_load(done.stdout)
    assert {r.get("exact") or r.get("prefix") for r in data["rules"]} == {FOOTER, "Bugle Picks:"}
    assert not (tmp_path / "rules").exists()  # nothing written, nothing applied


def test_cli_fields_and_thresholds(tmp_path: Path) -> None:
    rows = [{"body": r["text"], "site": r["publisher"], "link": r["url"]} for r in bugle_records()]
    write_jsonl(tmp_path / "c.jsonl", rows)
    done = run_cli(
        "rules",
        "suggest",
        "c.jsonl",
        "--publisher",
        "DAILY BUGLE",
        "--text-field",
        "body",
        "--publisher-field",
        "site",
        "--url-field",
        "link",
        "--min-docs",
        "31",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "no draft rules" in done.stdout and "0 draft rule(s) from 30 documents" in done.stderr


def test_cli_with_a_user_pack_avoids_its_slugs_and_its_removals(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "c.jsonl", bugle_records())
    pack = PACK_HEAD + (
        "rules:\n"
        "  - id: bugle-picks\n"
        "    exact: 'Not in the corpus'\n"
        "    category: other\n"
        "    why: test\n"
        "  - id: footer\n"
        f"    exact: '{FOOTER}'\n"
        "    category: other\n"
        "    why: test\n"
    )
    (tmp_path / "bugle.yaml").write_text(pack, encoding="utf-8")
    done = run_cli(
        "rules",
        "suggest",
        "c.jsonl",
        "--host",
        "dailybugle.example",
        "--rules",
        "bugle.yaml",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    data = yaml.safe_load(done.stdout)
    assert [(r["id"], r["prefix"]) for r in data["rules"]] == [("bugle-picks-2", "Bugle Picks:")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--publisher", "Nobody"), "no documents with publisher field 'publisher' = 'Nobody'"),
        (("--host", "nobody.example"), "no documents with URL field 'url' on nobody.example"),
        (("--host", "a.example", "--publisher", "x"), "not allowed with argument"),
        ((), "one of the arguments --publisher --host is required"),
        (("--host", "x.example", "--min-share", "2"), "--min-share"),
        (("--host", "x.example", "--top", "0"), "--top"),
    ],
)
def test_cli_bad_usage_exits_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    write_jsonl(tmp_path / "c.jsonl", bugle_records(3, 0))
    done = run_cli("rules", "suggest", "c.jsonl", *args, cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert done.stdout == ""


def test_cli_missing_corpus_exits_2(tmp_path: Path) -> None:
    done = run_cli("rules", "suggest", "nope.jsonl", "--host", "x.example", cwd=tmp_path)
    assert done.returncode == 2 and "nope.jsonl: no such file" in done.stderr


def readme_commands() -> list[list[str]]:
    """The shell commands of the README's "Tools for rule authors" section, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Tools for rule authors\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL):
        for line in block.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                commands += [shlex.split(part) for part in line.split("&&")]
    return commands


def test_readme_walkthrough_runs(tmp_path: Path) -> None:
    """The README's rule-author examples work as written, from the repository root."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    commands = readme_commands()
    assert len(commands) == 7 and all(c[0] == "clean" for c in commands)
    for command in commands:
        args, target = command[1:], None
        if ">" in args:
            args, target = args[: args.index(">")], args[args.index(">") + 1]
        done = run_cli(*args, cwd=tmp_path)
        assert done.returncode == 0, (command, done.stderr)
        if target is not None:
            (tmp_path / target).write_text(done.stdout, encoding="utf-8")
    rules = yaml.safe_load((tmp_path / "drafts.yaml").read_text(encoding="utf-8"))["rules"]
    assert [r["id"] for r in rules] == [
        "thanks-for-reading-the-daily",
        "bugle-picks",
        "copy-edited-by-the-daily",
    ]
    health = json.loads((tmp_path / "before.json").read_text(encoding="utf-8"))
    assert health["publisher_health"]["dailybugle"]["never_fired"] == [
        "dailybugle/todo-placeholder"
    ]
