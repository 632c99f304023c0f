"""Properties of the command line: random argument lists never end in a traceback.

Arguments are drawn from the real option strings of ``clean`` and ``clean rules ...``,
values both sensible and absurd (negative, NaN, infinite, huge, empty, unknown), and the
names of small files in a scratch directory (text, JSONL, HTML, a broken .gz, a pack
folder, a folder). ``main(argv)`` runs in this process; it must return (or exit with) a
documented exit code, and any failure other than corpus rejects says why on stderr.
``bench`` (a long benchmark) is left out; rule loading is memoised, and ``rules test`` /
``rules lint`` run without the built-in packs, to keep the budget small.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import SCALE, TINY_PACK

from cleaner import cli
from cleaner.ruleset import RuleSet

PACK = TINY_PACK


def _options(parser: object) -> list[str]:
    return sorted(o for o in parser._option_string_actions if o.startswith("-"))  # type: ignore[attr-defined]


MAIN_OPTIONS = _options(cli._main_parser())
RULES_ACTIONS = ["list", "show", "test", "lint", "new", "suggest", "nope"]
RULES_OPTIONS = ["--rules", "--no-builtin", "--strict", "--domain", "--publisher", "--host"]
RULES_OPTIONS += ["--text-field", "--url-field", "--min-share", "--min-docs", "--limit", "-o"]
FILES = ["article.txt", "data.jsonl", "page.html", "broken.jsonl.gz", "packs", "folder"]
FILES += ["missing.txt", "-", "out.jsonl", "out", "bad.bin"]
VALUES = ["0", "1", "-1", "0.5", "1e9", "nan", "inf", "-inf", "", "x", "2024-01-01"]
VALUES += ["not-a-date", "benzinga", "tiny", "common", "https://www.benzinga.com/x", "en"]
VALUES += ["jsonl", "parquet", "text", "folder", "markdown", "replace", "strict", "tiny/now-read"]
VALUES += ["é", "--", "-x", "a" * 300, "\udcff.txt"]  # no NUL: an argv from the OS cannot hold one

word = st.one_of(
    st.sampled_from(MAIN_OPTIONS),
    st.sampled_from(FILES),
    st.sampled_from(VALUES),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8),
)
pair = st.tuples(st.sampled_from(MAIN_OPTIONS), st.sampled_from(VALUES)).map(list)
argv_main = st.lists(st.one_of(word.map(lambda w: [w]), pair), max_size=5).map(
    lambda items: [w for item in items for w in item]
)
argv_rules = st.tuples(
    st.sampled_from(RULES_ACTIONS),
    st.lists(
        st.one_of(st.sampled_from(RULES_OPTIONS), st.sampled_from(FILES + VALUES)), max_size=5
    ),
).map(lambda t: ["rules", t[0], *t[1]])
# corpus mode with a value, the likeliest place for a bad value to go unchecked
argv_corpus = st.tuples(st.sampled_from(["data.jsonl", "folder", "broken.jsonl.gz"]), pair).map(
    lambda t: [t[0], "-o", "out.x", *t[1]]
)
argvs = st.one_of(argv_main, argv_main, argv_rules, argv_corpus)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    (root / "article.txt").write_text("Stocks rose.\nNow Read: more\n", encoding="utf-8")
    (root / "data.jsonl").write_text(
        '{"text": "Stocks rose.\\nNow Read: x", "url": "https://tiny.example/a"}\nnot json\n',
        encoding="utf-8",
    )
    (root / "page.html").write_text("<p>Stocks rose on Monday in busy trade.</p>", "utf-8")
    (root / "broken.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00junk")
    (root / "bad.bin").write_bytes(b"\xff\xfe\x00 binary")
    (root / "packs").mkdir()
    (root / "packs" / "tiny.yaml").write_text(PACK, encoding="utf-8")
    (root / "folder").mkdir()
    (root / "folder" / "a.txt").write_text("Hello.\n", encoding="utf-8")
    return root


_LOADED: dict[tuple[tuple[str, ...], bool], RuleSet] = {}


def _memo_load(paths: list[str], builtin: bool = True) -> RuleSet:
    key = (tuple(paths), builtin)
    if key not in _LOADED:
        _LOADED[key] = RuleSet.load(paths, builtin=builtin, env=False)
    return _LOADED[key]


@settings(
    max_examples=120 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argvs)
def test_random_argv_gives_an_exit_code_and_a_message(
    scratch: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    if argv[:1] == ["bench"]:
        return
    if argv[:1] == ["rules"] and argv[1] in ("test", "lint", "suggest"):
        argv = [*argv, "--no-builtin"]
    monkeypatch.setattr(cli, "_load", _memo_load)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # corpus mode without a process pool
    monkeypatch.chdir(scratch)
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    # as Python sets up a real stderr: a surrogate-escaped file name is shown, not fatal
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    stdin = io.TextIOWrapper(io.BytesIO(b"Stocks rose.\nNow Read: x\n"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse: --help, usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    err.flush()
    message = err.buffer.getvalue()
    assert code in cli.EXIT_CODES, (argv, code, message)
    if code not in (cli.EXIT_OK, cli.EXIT_REJECTS):
        assert message.strip(), (argv, code)
    assert b"Traceback" not in message, (argv, message)


@pytest.mark.parametrize(
    "extra",
    [
        ["data.jsonl", "-o", "out.jsonl", "--chunk-mb", "nan"],  # found by the property above
        ["data.jsonl", "-o", "out.jsonl", "--chunk-mb", "inf"],
        ["article.txt", "--time-budget", "nan"],
        ["article.txt", "--rule-timeout", "-1"],
        ["article.txt", "--max-line-chars", "-5"],
    ],
)
def test_bad_numbers_are_usage_errors(
    scratch: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
) -> None:
    monkeypatch.chdir(scratch)
    assert cli.main(["--no-builtin", "--workers", "1", *extra]) == cli.EXIT_USAGE
    assert "must be" in capsys.readouterr().err
