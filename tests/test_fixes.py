"""Normalisation: what each step changes, what it must leave alone, and the gates."""

from __future__ import annotations

import pytest

from cleaner.fixes import Normalization, needs_repair, prepare, repair_line, tidy_line

ALL = Normalization()


def bodies(text: str, norm: Normalization = ALL) -> list[str]:
    return prepare(text, norm).bodies


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("Caf\u00c3\u00a9 society", "Café society"),
        ("It\u00e2\u20ac\u2122s done", "It\u2019s done"),
        ("AT&amp;T and P&amp;G", "AT&T and P&G"),
        ("Fish &amp; chips &#8212; cheap", "Fish & chips \u2014 cheap"),
    ],
)
def test_repair_fixes_mojibake_and_entities(broken: str, fixed: str) -> None:
    assert needs_repair(broken)
    assert bodies(broken) == [fixed]


@pytest.mark.parametrize(
    "text",
    [
        "\u201cQuoted,\u201d she said \u2014 it\u2019s fine.",  # curly quotes stay curly
        "The \ufb01nal of\ufb03ce",  # ligatures stay
        "\uff21\uff22\uff23 full width",  # full-width letters stay
        "Größe, Straße, façade, naïve, São Paulo",
        "Ça coûte 5 € à Zürich",
        "Москва и Санкт-Петербург",
        "東京と大阪",
    ],
)
def test_correct_text_is_left_alone(text: str) -> None:
    assert bodies(text) == [text]


def test_repair_never_creates_a_line_break() -> None:
    assert "\n" not in repair_line("one&#10;two")
    assert bodies("one&#10;two") == ["one two"]


def test_whitespace_tidy() -> None:
    assert tidy_line("  a \t b\u00a0\u00a0c  ") == "a b c"
    assert tidy_line("a\u00a0b") == "a\u00a0b"  # a single no-break space inside stays
    assert bodies("\n\n a \n\n\n b \n\n") == ["a", "", "b"]


def test_line_numbers_survive_blank_line_squeeze() -> None:
    lines = prepare("a\n\n\n\nb\n", ALL)
    assert lines.bodies == ["a", "", "b"]
    assert [lines.number(i) for i in range(3)] == [1, 2, 5]


def test_crlf_and_final_newline_round_trip() -> None:
    for text in ("a\r\nb\r\n", "a\r\nb", "a\nb\n", "a\nb", ""):
        assert prepare(text, ALL).render() == text


def test_steps_switch_off() -> None:
    text = "  Caf\u00c3\u00a9  \nA\u0308"
    assert bodies(text, Normalization.off()) == ["  Caf\u00c3\u00a9  ", "A\u0308"]
    assert bodies(text, Normalization(repair=False, nfc=True, whitespace=False)) == [
        "  Caf\u00c3\u00a9  ",
        "\u00c4",
    ]
    assert bodies(text, Normalization(repair=True, nfc=False, whitespace=False))[0] == "  Café  "


def test_gate_passes_plain_and_typographic_text() -> None:
    assert not needs_repair("Plain ASCII text, with punctuation; and (brackets).")
    assert not needs_repair("\u201cTypographic\u201d \u2013 text\u2026 \u00a9 2024")
    assert needs_repair("bad \x1b[31mred\x1b[0m")
    assert needs_repair("ok &amp; fine")
