"""The ``shape`` matcher: what a line looks like, not what it says.

``shape: {max_words: 8, final_punctuation: false}`` matches a line of at most eight
words that does not end like a sentence. Menus, datelines, bylines, tag lists and
teaser headlines have that shape; article paragraphs rarely do. Used with a scope (the
first or last lines) or with ``run`` (several such lines in a row), it finds boilerplate
on sites nobody wrote a pack for. "Ends like a sentence" counts closing quotes and
brackets, colons and the CJK full stop, which end real paragraphs too.

>>> m = compile_shape(("max_words=8", "final_punctuation=false"))
>>> m.predicate("Read more stories from the Riverside desk"), m.predicate("It rained.")
(True, False)
>>> m.predicate("Sign up for the newsletter: \u201cDaily\u201d")
False
"""

from __future__ import annotations

from collections.abc import Callable

import regex

from cleaner.matchers.base import CompiledMatcher, LazyPattern
from cleaner.matchers.words import count_words

#: Characters a line may end with to count as ending like a sentence: Latin and CJK
#: stops, closing quotes of every convention (the German "\u2018" closes a single
#: quote), brackets, the full stops of Devanagari (\u0964 \u0965), Arabic and Urdu
#: (\u061f \u06d4), Ethiopic (\u1362) and Burmese (\u104b), and the end marks
#: magazines set after a story's last sentence (\u2666 \u25c6 \u25a0 \u220e: "... the
#: end. \u2666"), which make a short last paragraph look unfinished otherwise.
FINAL_PUNCTUATION = frozenset(
    ".!?\u2026:;\u3002\uff01\uff1f\uff1a\uff1b\uff0e\uff61\u201d\u201c\u2019\u2018\"'"
    "\u00bb\u00ab\u203a\u2039)]\u300d\u300f\uff09\u0964\u0965\u061f\u06d4\u1362\u104b"
    "\u2666\u25c6\u25a0\u220e"
)
_WHOLE_LINE = LazyPattern(r"^.*\Z", regex.DOTALL)


def _predicate(max_words: int, min_words: int, final: bool | None) -> Callable[[str], bool]:
    def check(key: str) -> bool:
        if final is not None and (key[-1:] in FINAL_PUNCTUATION) != final:
            return False
        words = count_words(key, max_words)  # stops counting past max_words
        return min_words <= words <= max_words

    return check


def shape_spec(patterns: tuple[str, ...]) -> dict[str, str]:
    """A shape's settings (``("max_words=8", "final_punctuation=false")``) by name."""
    return dict(p.split("=", 1) for p in patterns)


def compile_shape(patterns: tuple[str, ...], ignore_case: bool = False) -> CompiledMatcher:
    spec = shape_spec(patterns)
    final = None if "final_punctuation" not in spec else spec["final_punctuation"] == "true"
    predicate = _predicate(int(spec["max_words"]), int(spec.get("min_words", "1")), final)
    return CompiledMatcher(_WHOLE_LINE, None, 0, predicate)
