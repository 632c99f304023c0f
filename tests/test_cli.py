"""End-to-end tests of the ``clean`` command, run as ``python -m cleaner`` in a subprocess.

Every run uses a temporary directory as its working directory and an environment without
``BOILERCLEAN_RULES`` (unless a test sets it), so nothing depends on where pytest runs.
Article text in the fixtures below is invented for these tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, SHARED

from cleaner import __version__
from cleaner.model import ACTIONS, CATEGORIES

SAMPLE = ROOT / "examples" / "benzinga-sample.txt"
SAMPLE_EXPECTED = ROOT / "examples" / "benzinga-sample.expected.txt"
SHARED_INPUT = EXAMPLES / "benzinga-russia-iran-drones.input.txt"
SHARED_EXPECTED = EXAMPLES / "benzinga-russia-iran-drones.expected.txt"
BENZINGA_URL = "https://www.benzinga.com/news/25/01/1/x"

#: ``path:line:col: error [pack/rule] message``, as loading and lint print problems.
PROBLEM = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?P<level>error|warning)"
    r"(?: \[(?P<id>[^\]]+)\])? (?P<message>.+)$",
    re.MULTILINE,
)
#: One removal line of ``--explain``: line number, rule id, category, action, text.
REMOVAL = re.compile(
    r"^\s+line\s+(?P<line>\d+)\s+(?P<rule>\S+)\s+(?P<category>\S+)\s+(?P<action>\S+)"
    r"\s+(?P<text>.+)$",
    re.MULTILINE,
)


# -- running the command -----------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    code: int
    out: bytes
    err: bytes

    @property
    def stdout(self) -> str:
        return self.out.decode("utf-8")

    @property
    def stderr(self) -> str:
        return self.err.decode("utf-8")


def clean(
    *args: str | Path,
    cwd: Path,
    stdin: bytes = b"",
    rules_env: Path | str | None = None,
) -> Run:
    """Run ``python -m cleaner ARGS`` in ``cwd``; ``rules_env`` sets BOILERCLEAN_RULES."""
    env = {k: v for k, v in os.environ.items() if k != "BOILERCLEAN_RULES"}
    if rules_env is not None:
        env["BOILERCLEAN_RULES"] = str(rules_env)
    proc = subprocess.run(
        [sys.executable, "-m", "cleaner", *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=env,
        timeout=180,  # a guard against hangs, not a speed test: linting all packs takes seconds
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def write(directory: Path, name: str, text: str) -> Path:
    """Write dedented ``text`` to ``directory/name`` (creating the directory)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def position(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of ``needle`` in dedented ``text``."""
    for number, line in enumerate(textwrap.dedent(text).split("\n"), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in text")


def problems(text: str) -> list[dict[str, str]]:
    return [m.groupdict() for m in PROBLEM.finditer(text)]


# -- fixture texts -----------------------------------------------------------------------------
# A valid user pack (schema as in rules/common.yaml and rules/benzinga.yaml) with one
# example that passes and one whose expected output is wrong: the rule does fire.
GAZETTE_WRONG_EXAMPLE = """\
    publisher: Harbor Gazette
    domains: [harborgazette.example]
    sources: [https://harborgazette.example/2024/05/ferry-fares]
    rules:
      - id: tip-line
        prefix: "Got a tip? Email the newsroom"
        max_words: 20
        category: promo
        why: newsroom tip prompt printed under every story
    examples:
      - name: tip-removed
        input: |
          Ferry fares will rise by ten percent in June, the port authority said.
          Got a tip? Email the newsroom at tips@harborgazette.example
        expected: |
          Ferry fares will rise by ten percent in June, the port authority said.
        fires: [tip-line]
      - name: wrong-expected
        input: |
          The harbour crane was repainted over the weekend.
          Got a tip? Email the newsroom at tips@harborgazette.example
        expected: |
          The harbour crane was repainted over the weekend.
          Got a tip? Email the newsroom at tips@harborgazette.example
        fires: [tip-line]
      - name: tip-words-in-prose-kept
        input: |
          Anyone who got a tip should email the newsroom, the editor told the council.
        unchanged: true
        near_miss_for: [tip-line]
"""

# Valid, every example passes, but the rule has no near-miss example: lint must say so.
GAZETTE_NO_NEAR_MISS = """\
    publisher: Harbor Gazette
    domains: [harborgazette.example]
    sources: [https://harborgazette.example/2024/05/ferry-fares]
    rules:
      - id: tip-line
        prefix: "Got a tip? Email the newsroom"
        max_words: 20
        category: promo
        why: newsroom tip prompt printed under every story
    examples:
      - name: tip-removed
        input: |
          Ferry fares will rise by ten percent in June, the port authority said.
          Got a tip? Email the newsroom at tips@harborgazette.example
        expected: |
          Ferry fares will rise by ten percent in June, the port authority said.
        fires: [tip-line]
"""

# Complete examples, but a regex that can backtrack catastrophically.
SLOWPOKE = r"""
    publisher: Slowpoke Daily
    sources: [https://slowpoke.example/2024/01/tidal-power]
    rules:
      - id: word-run
        regex: '^(\w+\s?)+$'
        category: other
        why: lines made of bare words only
    examples:
      - name: word-run-removed
        input: |
          Tidal power plans were approved on Monday.
          Words words words
        expected: |
          Tidal power plans were approved on Monday.
        fires: [word-run]
      - name: word-run-in-prose-kept
        input: |
          Words words words, the critic wrote of the mayor's speech.
        unchanged: true
        near_miss_for: [word-run]
"""

BROKEN_HEAD = """\
    publisher: Broken Bulletin
    rules:
"""
BROKEN_UNKNOWN_KEY = """\
      - id: tip-line
        prefx: "Got a tip?"
        category: promo
        why: newsroom tip prompt
"""
BROKEN_YAML11_BOOL = """\
      - id: no-label
        exact: No
        category: other
        why: a lone voting-widget button
"""
BROKEN_REGEX = """\
      - id: bad-regex
        regex: '^Read (more'
        category: related-link
        why: teaser link
"""
BROKEN_DUPLICATE = """\
      - id: share-label
        exact: "Share"
        category: social
        why: share button
      - id: share-label
        exact: "Tweet"
        category: social
        why: tweet button
"""

# A user pack that replaces the built-in benzinga pack (same file name = same id).
USER_BENZINGA = """\
    publisher: Benzinga (user copy)
    domains: [benzinga.com]
    rules:
      - id: tip-line
        prefix: "Desk memo:"
        category: promo
        why: newsroom memo line
"""

# Invented text: a line only a user rule removes, and one only the built-in pack removes.
OVERRIDE_ARTICLE = (
    "Clearwater Solar shares rose after the utility contract was signed.\n"
    "Desk memo: the markets desk moves to the fourth floor.\n"
    "Market News and Data brought to you by Benzinga APIs\n"
)

# No publisher can be recognised here: only the common pack applies.
PLAIN_ARTICLE = (
    "The river bridge reopened on Thursday after six weeks of repairs.\n"
    "Advertisement\n"
    "Traffic on the ring road returned to normal by noon, the council said.\n"
)
PLAIN_CLEANED = (
    "The river bridge reopened on Thursday after six weeks of repairs.\n"
    "Traffic on the ring road returned to normal by noon, the council said.\n"
)


# -- module-scoped runs shared by several tests -------------------------------------------------
@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cwd")


@pytest.fixture(scope="module")
def expected() -> bytes:
    return SAMPLE_EXPECTED.read_bytes()


@pytest.fixture(scope="module")
def explained(workdir: Path) -> Run:
    return clean("--explain", SAMPLE, cwd=workdir)


@pytest.fixture(scope="module")
def version(workdir: Path) -> Run:
    return clean("--version", cwd=workdir)


# -- cleaning the sample -----------------------------------------------------------------------
def test_sample_file_prints_expected(tmp_path: Path, expected: bytes) -> None:
    run = clean(SAMPLE, cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.out == expected


def test_sample_from_stdin_dash_prints_expected(tmp_path: Path, expected: bytes) -> None:
    run = clean("-", cwd=tmp_path, stdin=SAMPLE.read_bytes())
    assert run.code == 0, run.stderr
    assert run.out == expected


def test_sample_from_stdin_without_argument_prints_expected(
    tmp_path: Path,
    expected: bytes,
) -> None:
    run = clean(cwd=tmp_path, stdin=SAMPLE.read_bytes())
    assert run.code == 0, run.stderr
    assert run.out == expected


def test_sample_with_url_prints_expected(tmp_path: Path, expected: bytes) -> None:
    run = clean("--url", BENZINGA_URL, SAMPLE, cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.out == expected


@pytest.mark.parametrize("publisher", ["benzinga", "BENZINGA.COM", "Benzinga.com"])
def test_sample_with_publisher_prints_expected(
    tmp_path: Path,
    expected: bytes,
    publisher: str,
) -> None:
    run = clean("--publisher", publisher, SAMPLE, cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.out == expected


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent")
def test_shared_benzinga_example_prints_expected(tmp_path: Path) -> None:
    run = clean(SHARED_INPUT, cwd=tmp_path)
    assert run.code == 0, run.stderr

    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.rstrip().split("\n")]

    assert lines(run.stdout) == lines(SHARED_EXPECTED.read_text(encoding="utf-8"))


# -- --explain and --diff ----------------------------------------------------------------------
def test_explain_stdout_is_exactly_the_cleaned_text(explained: Run, expected: bytes) -> None:
    assert explained.code == 0, explained.stderr
    assert explained.out == expected


def test_explain_lists_each_removal_on_stderr(explained: Run) -> None:
    source = SAMPLE.read_text(encoding="utf-8").split("\n")
    kept = set(SAMPLE_EXPECTED.read_text(encoding="utf-8").split("\n"))
    removed = {n: line for n, line in enumerate(source, 1) if line and line not in kept}
    found = [m.groupdict() for m in REMOVAL.finditer(explained.stderr)]
    assert {int(r["line"]): r["text"] for r in found} == removed, explained.stderr
    for r in found:
        assert re.fullmatch(r"[a-z0-9.-]+/[a-z0-9-]+", r["rule"]), r
        assert r["category"] in CATEGORIES, r
        assert r["action"] in ACTIONS, r
    assert any(r["rule"].startswith("benzinga/") for r in found)
    by_line = {int(r["line"]): r for r in found}
    read_next = next(n for n, line in removed.items() if line.startswith("Read Next:"))
    assert by_line[read_next]["rule"] == "benzinga/now-read"
    assert by_line[read_next]["category"] == "related-link"
    assert by_line[read_next]["action"] == "drop-line"
    assert f"{len(removed)} removal(s)" in explained.stderr


@pytest.mark.parametrize(
    ("option", "reason"),
    [
        ((), "fingerprint"),
        (("--url", BENZINGA_URL), "url"),
        (("--publisher", "benzinga"), "explicit"),
    ],
    ids=["detected", "url", "publisher"],
)
def test_explain_names_packs_and_why_they_were_chosen(
    tmp_path: Path,
    option: tuple[str, ...],
    reason: str,
) -> None:
    run = clean("--explain", *option, SAMPLE, cwd=tmp_path)
    assert run.code == 0, run.stderr
    header = next(line for line in run.stderr.split("\n") if ": packs " in line)
    assert header.startswith(f"{SAMPLE}: packs ")
    assert f"benzinga ({reason}" in header
    assert "common (common)" in header


def test_diff_marks_only_boilerplate_lines_removed(tmp_path: Path) -> None:
    run = clean("--diff", SAMPLE, cwd=tmp_path)
    assert run.code == 0, run.stderr
    lines = run.stdout.split("\n")
    assert lines[0].startswith("--- ")
    assert lines[1].startswith("+++ ")
    assert any(line.startswith("@@ ") for line in lines)
    removed = {line[1:] for line in lines[2:] if line.startswith("-")}
    added = {line[1:] for line in lines[2:] if line.startswith("+")}
    context = {line[1:] for line in lines[2:] if line.startswith(" ")}
    source = set(SAMPLE.read_text(encoding="utf-8").split("\n")) - {""}
    article = set(SAMPLE_EXPECTED.read_text(encoding="utf-8").split("\n")) - {""}
    assert removed == source - article
    assert "Read Next: Rail Operators Brace For Slower Grain Season As Exports Cool" in removed
    assert not removed & article
    assert not added
    assert context - {""} <= article  # unchanged lines around a removal are article lines


# -- --version ---------------------------------------------------------------------------------
def test_version_prints_version_and_rule_set_hash(version: Run) -> None:
    assert version.code == 0, version.stderr
    assert re.match(
        rf"boilerclean {re.escape(__version__)} \(rules [0-9a-f]{{12}}\b", version.stdout
    ), version.stdout


def test_version_hash_changes_when_a_user_pack_is_added(tmp_path: Path, version: Run) -> None:
    write(tmp_path / "packs", "gazette.yaml", GAZETTE_NO_NEAR_MISS)
    again = clean("--version", cwd=tmp_path)
    with_pack = clean("--version", "--rules", "packs", cwd=tmp_path)
    assert with_pack.code == 0, with_pack.stderr

    def rule_hash(run: Run) -> str:
        m = re.search(r"\(rules ([0-9a-f]{12})\b", run.stdout)
        assert m, run.stdout
        return m.group(1)

    assert rule_hash(again) == rule_hash(version)  # stable from run to run
    assert rule_hash(with_pack) != rule_hash(version)


# -- exit codes --------------------------------------------------------------------------------
def test_unknown_publisher_exits_2_naming_it(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PLAIN_ARTICLE, encoding="utf-8")
    run = clean("--publisher", "nope", "a.txt", cwd=tmp_path)
    assert run.code == 2
    assert "'nope'" in run.stderr
    assert run.out == b""


def test_missing_file_exits_2(tmp_path: Path) -> None:
    run = clean("no-such-article.txt", cwd=tmp_path)
    assert run.code == 2
    assert "no-such-article.txt" in run.stderr
    assert "Traceback" not in run.stderr


def test_directory_input_exits_2(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    run = clean("articles", cwd=tmp_path)
    assert run.code == 2
    assert "articles" in run.stderr
    assert "directory" in run.stderr


def test_invalid_utf8_exits_2_naming_the_byte_offset(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"ok\n\xff\xfe bad\n")
    run = clean("bad.txt", cwd=tmp_path)
    assert run.code == 2
    assert "bad.txt" in run.stderr
    assert "byte offset 3" in run.stderr


def test_invalid_utf8_with_errors_replace_exits_0(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"ok\n\xff\xfe bad\n")
    run = clean("--errors", "replace", "bad.txt", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.stdout.split("\n")[0] == "ok"
    assert "\ufffd" in run.stdout
    assert "bad" in run.stdout


def test_unknown_option_exits_2(tmp_path: Path) -> None:
    run = clean("--no-such-option", cwd=tmp_path)
    assert run.code == 2
    assert "--no-such-option" in run.stderr


def test_max_cut_share_above_one_exits_2(tmp_path: Path) -> None:
    run = clean("--max-cut-share", "2", SAMPLE, cwd=tmp_path)
    assert run.code == 2
    assert "--max-cut-share" in run.stderr
    assert run.out == b""


# -- "rules" as a subcommand and as a file name ---------------------------------------------------
def test_file_named_rules_is_cleaned_as_dot_slash_rules(tmp_path: Path) -> None:
    (tmp_path / "rules").write_text(PLAIN_ARTICLE, encoding="utf-8")
    run = clean("./rules", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.stdout == PLAIN_CLEANED


def test_rules_list_lists_builtin_packs(tmp_path: Path) -> None:
    (tmp_path / "rules").write_text(PLAIN_ARTICLE, encoding="utf-8")  # must not be read
    run = clean("rules", "list", cwd=tmp_path)
    assert run.code == 0, run.stderr
    ids = {line.split()[0] for line in run.stdout.strip().split("\n")[1:]}
    assert {"benzinga", "common", "reuters", "ap"} <= ids
    assert "[user]" not in run.stdout
    assert "river bridge" not in run.stdout


def test_rules_show_pack(tmp_path: Path) -> None:
    run = clean("rules", "show", "benzinga", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert re.search(r"^pack:\s+benzinga\b", run.stdout, re.M)
    assert "benzinga.com" in run.stdout
    assert "benzinga/now-read" in run.stdout


def test_rules_show_rule(tmp_path: Path) -> None:
    run = clean("rules", "show", "common/photo-credit", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert re.search(r"^id:\s+common/photo-credit$", run.stdout, re.M)
    assert re.search(r"^why:\s+\S", run.stdout, re.M)
    assert re.search(r"^category:\s+photo-credit$", run.stdout, re.M)
    assert re.search(r"^matcher:\s+regex\b", run.stdout, re.M)
    assert re.search(r"^defined:\s+\S+common\.yaml:\d+:\d+$", run.stdout, re.M)


def test_rules_show_rule_lists_its_guards(tmp_path: Path) -> None:
    write(
        tmp_path / "packs",
        "gazette.yaml",
        "publisher: Gazette\nrules:\n  - id: more\n    exact: More to Read\n"
        "    action: cut-after\n    unless_after: ':$'\n    unless_before: '[.!?]$'\n"
        "    category: related-link\n    why: teasers to the end\n",
    )
    run = clean("rules", "show", "--rules", "packs", "gazette/more", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert re.search(r"^unless_after:\s+:\$$", run.stdout, re.M), run.stdout
    assert re.search(r"^unless_before:\s+\[\.!\?\]\$$", run.stdout, re.M), run.stdout


# -- clean rules test ----------------------------------------------------------------------------
def test_rules_test_passes_on_builtin_packs(tmp_path: Path) -> None:
    run = clean("rules", "test", cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    assert re.search(r"(\d+) examples, \1 passed, 0 failed", run.stderr), run.stderr


def test_rules_test_user_pack_with_wrong_example_fails(tmp_path: Path) -> None:
    write(tmp_path / "packs", "gazette.yaml", GAZETTE_WRONG_EXAMPLE)
    run = clean("rules", "test", "packs", cwd=tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    line, col = position(GAZETTE_WRONG_EXAMPLE, "name: wrong-expected")
    failures = run.stdout.strip().split("\n")
    assert failures, run.stderr
    assert all(
        f.startswith(f"packs/gazette.yaml:{line}:{col}: fail [wrong-expected] ") for f in failures
    ), failures
    assert "3 examples, 2 passed, 1 failed" in run.stderr


# -- broken user packs -------------------------------------------------------------------------
def _broken(tmp_path: Path, *rules: str) -> tuple[Run, str]:
    text = BROKEN_HEAD + "".join(rules)
    write(tmp_path / "packs", "broken.yaml", text)
    (tmp_path / "a.txt").write_text(PLAIN_ARTICLE, encoding="utf-8")
    return clean("--rules", "packs", "a.txt", cwd=tmp_path), text


def _find(found: list[dict[str, str]], fragment: str) -> dict[str, str]:
    hits = [p for p in found if fragment in p["message"]]
    assert len(hits) == 1, (fragment, found)
    return hits[0]


def test_broken_pack_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    run, text = _broken(tmp_path, BROKEN_UNKNOWN_KEY)
    assert run.code == 2
    assert run.out == b""
    p = _find(problems(run.stderr), "unknown key 'prefx'")
    assert "did you mean 'prefix'" in p["message"]
    assert (p["path"], p["level"]) == ("packs/broken.yaml", "error")
    assert (int(p["line"]), int(p["col"])) == position(text, "prefx")


def test_broken_pack_unknown_key_names_the_rule_id(tmp_path: Path) -> None:
    run, _ = _broken(tmp_path, BROKEN_UNKNOWN_KEY)
    assert run.code == 2
    assert _find(problems(run.stderr), "unknown key 'prefx'")["id"] == "broken/tip-line"


def test_broken_pack_unquoted_yaml11_boolean_asks_for_quotes(tmp_path: Path) -> None:
    run, text = _broken(tmp_path, BROKEN_YAML11_BOOL)
    assert run.code == 2
    p = _find(problems(run.stderr), "'No'")
    assert p["id"] == "broken/no-label"
    assert "quote" in p["message"]
    assert (int(p["line"]), int(p["col"])) == position(text, "No")


def test_broken_pack_regex_that_does_not_compile(tmp_path: Path) -> None:
    run, text = _broken(tmp_path, BROKEN_REGEX)
    assert run.code == 2
    p = _find(problems(run.stderr), "does not compile")
    assert p["id"] == "broken/bad-regex"
    line, col = position(text, "'^Read (more'")
    assert int(p["line"]) == line
    assert col <= int(p["col"]) <= col + len("'^Read (more'")


def test_broken_pack_duplicate_rule_id(tmp_path: Path) -> None:
    run, text = _broken(tmp_path, BROKEN_DUPLICATE)
    assert run.code == 2
    p = _find(problems(run.stderr), "duplicate rule id")
    assert p["id"] == "broken/share-label"
    first, second = [
        (n, line.index("id:") + 1)
        for n, line in enumerate(textwrap.dedent(text).split("\n"), 1)
        if line.strip() == "- id: share-label"
    ]
    assert (int(p["line"]), int(p["col"])) == second  # reported at the second definition
    assert f"(first at packs/broken.yaml:{first[0]}:{first[1]})" in p["message"]


def test_broken_pack_lists_every_problem(tmp_path: Path) -> None:
    run, text = _broken(
        tmp_path,
        BROKEN_UNKNOWN_KEY,
        BROKEN_YAML11_BOOL,
        BROKEN_REGEX,
        BROKEN_DUPLICATE,
    )
    assert run.code == 2
    found = problems(run.stderr)
    assert all(p["path"] == "packs/broken.yaml" and p["level"] == "error" for p in found)
    expected_lines = {
        "unknown key 'prefx'": position(text, "prefx")[0],
        "'No'": position(text, "exact: No")[0],
        "does not compile": position(text, "'^Read (more'")[0],
        "duplicate rule id": position(text, 'exact: "Tweet"')[0] - 1,
    }
    for fragment, line in expected_lines.items():
        assert int(_find(found, fragment)["line"]) == line, fragment
    assert len({(p["line"], p["message"]) for p in found}) == len(found) >= 4
    assert f"{len(found)} problem(s)" in run.stderr


def test_broken_packs_in_two_files_are_all_listed(tmp_path: Path) -> None:
    write(tmp_path / "packs", "second.yaml", BROKEN_HEAD + BROKEN_REGEX)
    run, _ = _broken(tmp_path, BROKEN_YAML11_BOOL)
    assert run.code == 2
    paths = {p["path"] for p in problems(run.stderr)}
    assert paths == {"packs/broken.yaml", "packs/second.yaml"}


# -- clean rules lint --------------------------------------------------------------------------
def test_rules_lint_passes_on_builtin_packs(tmp_path: Path) -> None:
    run = clean("rules", "lint", cwd=tmp_path)
    assert run.code == 0, run.stdout + run.stderr
    assert not [p for p in problems(run.stdout) if p["level"] == "error"]
    assert "0 error(s)" in run.stderr


def test_rules_lint_requires_a_near_miss_example(tmp_path: Path) -> None:
    write(tmp_path / "packs", "gazette.yaml", GAZETTE_NO_NEAR_MISS)
    run = clean("rules", "lint", "packs", cwd=tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    errors = [p for p in problems(run.stdout) if p["level"] == "error"]
    assert [(p["path"], p["id"]) for p in errors] == [("packs/gazette.yaml", "gazette/tip-line")]
    assert "near-miss" in errors[0]["message"]
    assert (int(errors[0]["line"]), int(errors[0]["col"])) == position(
        GAZETTE_NO_NEAR_MISS, "id: tip-line"
    )


def test_rules_lint_flags_catastrophic_backtracking(tmp_path: Path) -> None:
    write(tmp_path / "packs", "slowpoke.yaml", SLOWPOKE)
    run = clean("rules", "lint", "packs", cwd=tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    errors = [p for p in problems(run.stdout) if p["level"] == "error"]
    assert errors, run.stdout
    assert all(p["id"] == "slowpoke/word-run" for p in errors), errors
    assert any("catastrophic backtracking" in p["message"] for p in errors), errors


# -- user packs override built-in packs -------------------------------------------------------
def _user_benzinga(tmp_path: Path, how: str) -> tuple[tuple[str, ...], Path | None]:
    write(tmp_path / "mine", "benzinga.yaml", USER_BENZINGA)
    if how == "option":
        return ("--rules", "mine"), None
    return (), tmp_path / "mine"


@pytest.mark.parametrize("how", ["option", "env"])
def test_user_pack_replaces_builtin_in_rules_list(tmp_path: Path, how: str) -> None:
    option, env = _user_benzinga(tmp_path, how)
    run = clean("rules", "list", *option, cwd=tmp_path, rules_env=env)
    assert run.code == 0, run.stderr
    rows = [line.split() for line in run.stdout.split("\n") if line.startswith("benzinga ")]
    assert len(rows) == 1, run.stdout
    assert rows[0][-1] == "[user]"
    assert rows[0][2] == "1"  # the user pack's one rule, not the built-in's
    assert "(user copy)" in run.stdout


@pytest.mark.parametrize("how", ["option", "env"])
def test_user_pack_replaces_builtin_when_cleaning(tmp_path: Path, how: str) -> None:
    option, env = _user_benzinga(tmp_path, how)
    (tmp_path / "a.txt").write_text(OVERRIDE_ARTICLE, encoding="utf-8")
    run = clean(
        *option, "--explain", "--publisher", "benzinga", "a.txt", cwd=tmp_path, rules_env=env
    )
    assert run.code == 0, run.stderr
    assert run.stdout == (
        "Clearwater Solar shares rose after the utility contract was signed.\n"
        "Market News and Data brought to you by Benzinga APIs\n"  # built-in rule is gone
    )
    assert "benzinga/tip-line" in run.stderr


def test_builtin_benzinga_removes_the_line_the_user_pack_keeps(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(OVERRIDE_ARTICLE, encoding="utf-8")
    run = clean("--publisher", "benzinga", "a.txt", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert "Benzinga APIs" not in run.stdout
    assert "Desk memo:" in run.stdout


# -- selection and line endings ------------------------------------------------------------------
def test_common_pack_removes_its_line_by_default(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PLAIN_ARTICLE, encoding="utf-8")
    run = clean("--explain", "a.txt", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.stdout == PLAIN_CLEANED
    assert re.search(r"line\s+2\s+common/\S+", run.stderr), run.stderr


def test_no_common_keeps_the_line_only_common_removes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PLAIN_ARTICLE, encoding="utf-8")
    run = clean("--no-common", "a.txt", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.stdout == PLAIN_ARTICLE


def test_crlf_input_keeps_crlf_on_kept_lines(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(PLAIN_ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    run = clean("a.txt", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.out == PLAIN_CLEANED.replace("\n", "\r\n").encode("utf-8")


# -- clean bench -------------------------------------------------------------------------------
@pytest.mark.xfail(
    not (ROOT / "cleaner" / "bench.py").exists(), strict=True, reason="bench not yet built"
)
def test_bench_help_exits_0(tmp_path: Path) -> None:
    run = clean("bench", "--help", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert "usage" in run.stdout.lower()
