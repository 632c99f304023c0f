"""Normalisation before rules: encoding repair, Unicode NFC, whitespace tidy.

Each step can be switched off (:class:`Normalization`). They are arranged to stay off the
hot path: most documents need none of them, and a cheap document-wide check proves it.

Encoding repair uses ftfy with only its repair steps (mojibake, HTML entities, C1 and
terminal controls); its defaults would also straighten curly quotes and fold ligatures
and full-width letters, which rewrites correct text. ``fix_text`` is slow (about 5 MB/s),
so it runs only on lines the gate flags. The gate is sound: a line it passes is one
ftfy would leave alone (every ftfy step we enable needs ``&``, a control character, a lone
surrogate, or text ftfy's own ``is_bad`` detector flags); a property test checks this.

>>> prepare("  Caf\\u00c3\\u00a9  society\\r\\n\\n\\n\\nAT&amp;T\\n", Normalization()).bodies
['Café society', '', 'AT&T']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy
import ftfy.chardata
import regex
from ftfy.badness import is_bad

_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=False,
    normalization=None,
    explain=False,
)

_CONTROLS = "".join(chr(c) for c in sorted(ftfy.chardata.CONTROL_CHARS))
CONTROL_CHARACTERS = _CONTROLS  # what ftfy's remove_control_chars removes
# stdlib ``re``: its \s is exactly str.isspace(), which str.strip() uses too.
# ftfy's unescape_html only decodes what ``ftfy.chardata.HTML_ENTITY_RE`` matches, which
# ends in ";" (so "S&P 500" and "AT&T" never reach ftfy).
_ENTITY = r"&#?[0-9A-Za-z]{1,24};"
_REPAIR_GATE = re.compile(_ENTITY + "|[\x1b\x80-\x9f\ud800-\udfff" + re.escape(_CONTROLS) + "]")
# Every pattern of ftfy's mojibake detector (``ftfy.badness.BADNESS_RE``) matches at most
# eight characters and contains two adjacent non-ASCII characters, or one of Œ œ Ã Â, or a
# C1 control (already in the gate above); its character classes are all non-ASCII. So
# ``is_bad`` can only be true near such a spot, and checking small windows around them
# gives the same answer far faster than running the detector over the whole text.
# (The ``regex`` module searches this class pair about 15 times faster than ``re``.)
_NON_ASCII_PAIR = regex.compile(r"[^\x00-\x7f]{2}")
_SINGLE_SPOTS = ("\u0152", "\u0153", "\u00c3", "\u00c2")
_WINDOW = 12
_MAX_SPOTS = 16
_WS_RUN = re.compile(r"[^\S\n]{2,}")


@dataclass(frozen=True, slots=True)
class Normalization:
    """Which normalisation steps run (all by default)."""

    repair: bool = True
    nfc: bool = True
    whitespace: bool = True

    @classmethod
    def off(cls) -> Normalization:
        return cls(repair=False, nfc=False, whitespace=False)


@dataclass(slots=True)
class Lines:
    """A document as lines: bodies without line breaks, plus what is needed to rebuild it.

    ``crs[i]`` says line i ended in ``\\r\\n`` (``None``: no line did); ``numbers[i]`` is
    its 1-based line number in the input (``None``: line i is input line i + 1).
    """

    bodies: list[str]
    crs: list[bool] | None
    numbers: list[int] | None
    final_newline: bool

    def number(self, i: int) -> int:
        return self.numbers[i] if self.numbers is not None else i + 1

    def render(self) -> str:
        if not self.bodies:
            return ""
        if self.crs is None:
            text = "\n".join(self.bodies)
        else:
            text = "\n".join(
                b + "\r" if cr else b for b, cr in zip(self.bodies, self.crs, strict=True)
            )
        return text + "\n" if self.final_newline else text


def _mojibake_spots(text: str) -> list[int]:
    spots = [m.start() for m in _NON_ASCII_PAIR.finditer(text)]
    for char in _SINGLE_SPOTS:
        if char in text:
            spots += [m.start() for m in re.finditer(char, text)]
    return spots


#: Lines longer than this are not sent to ftfy (about 5 MB/s): a multi-megabyte line of
#: damaged text is left as it is rather than stalling the document.
REPAIR_MAX_LINE = 100_000


def _gated(text: str) -> bool:
    """Does :data:`_REPAIR_GATE` match? Asked with C-speed screens first: an entity needs
    an ``&``, and every character of the gate's class is unprintable but U+FFFC (the
    gate's search tries every position of the line, a tenth of the cost of screening the
    lines of a page with typographic punctuation)."""
    if "&" in text:
        return _REPAIR_GATE.search(text) is not None
    if text.isprintable() and "\ufffc" not in text:
        return False
    return _REPAIR_GATE.search(text) is not None


def needs_repair(text: str) -> bool:
    """Could ftfy (as configured here) change this text? False is a proof it would not."""
    if _gated(text):
        return True
    if text.isascii():
        return False
    spots = _mojibake_spots(text)
    if len(spots) > _MAX_SPOTS:  # non-Latin scripts: one pass of the real detector
        return is_bad(text)
    # overlapping windows merged: a match lies within the window of a spot it holds, and
    # the detector has no lookaround, so a wider window answers the same (and quotes,
    # dashes and ellipses side by side make one window, not one each)
    spots.sort()
    start = end = -1
    for p in spots:
        lo = max(0, p - _WINDOW)
        if lo > end:
            if end >= 0 and is_bad(text[start:end]):
                return True
            start = lo
        end = p + _WINDOW + 2
    return end >= 0 and is_bad(text[start:end])


def _maybe_needs_repair(body: str, ascii_only: bool, printable: bool) -> bool:
    """Cheap document-wide screen; True means "look line by line" (see needs_repair)."""
    if not printable or "\ufffc" in body or ("&" in body and _REPAIR_GATE.search(body)):
        return True  # controls, C1, surrogates, lone format characters, entities
    return not ascii_only and bool(_mojibake_spots(body))


def repair_line(line: str) -> str:
    """ftfy's encoding and entity repair for one line; never introduces a line break."""
    fixed = ftfy.fix_text(line, _FTFY)
    return fixed.replace("\n", " ") if "\n" in fixed else fixed


def tidy_line(line: str) -> str:
    """Trim the line and collapse runs of whitespace inside it to one space."""
    return _WS_RUN.sub(" ", line).strip()


def _settle(line: str, norm: Normalization) -> str:
    """Repair a line, then tidy and NFC it, until it stops changing (ftfy's decisions
    depend on context, so one round can leave a line that the next run would repair)."""
    for _ in range(4):
        new = repair_line(line)
        if norm.nfc and not new.isascii():
            new = unicodedata.normalize("NFC", new)
        if norm.whitespace:
            new = tidy_line(new)
        if new == line:
            break
        line = new
        if not needs_repair(line):
            break
    return line


def prepare(text: str, norm: Normalization) -> Lines:
    """Split a document into lines and normalise them; cheap when nothing needs doing.

    Order: NFC, whitespace tidy, then encoding repair of the lines that need it (repair
    decides on the tidied line, so that cleaning twice decides the same way). The screens
    use C-speed string methods: a document that is printable, has no ``&``, no double
    spaces and no spaces at line ends skips every step.
    """
    final_newline = text.endswith("\n")
    body = text[:-1] if final_newline else text
    if not body and not final_newline:
        return Lines([], None, None, False)
    ascii_only = body.isascii()
    if norm.nfc and not ascii_only and not unicodedata.is_normalized("NFC", body):
        body = unicodedata.normalize("NFC", body)
    bodies = body.split("\n")
    crs: list[bool] | None = None
    if "\r" in body:
        crs = [b.endswith("\r") for b in bodies]
        if any(crs):
            bodies = [b[:-1] if cr else b for b, cr in zip(bodies, crs, strict=True)]
        else:
            crs = None
    printable = all(map(str.isprintable, bodies))
    if norm.whitespace and (
        not printable
        or "  " in body
        or " \n" in body
        or "\n " in body
        or body[:1].isspace()
        or body[-1:].isspace()
    ):
        bodies = [tidy_line(b) for b in bodies]
    if norm.repair and _maybe_needs_repair(body, ascii_only, printable):
        bodies = [
            _settle(b, norm) if len(b) <= REPAIR_MAX_LINE and needs_repair(b) else b for b in bodies
        ]
    lines = Lines(bodies, crs, None, final_newline)
    if norm.whitespace:
        squeeze_blank_lines(lines)
    return lines


def squeeze_blank_lines(lines: Lines) -> bool:
    """Collapse runs of blank lines to one and drop blank lines at both ends.

    Blank lines separate paragraphs but carry no text; removals would otherwise leave
    stacks of them behind. Returns whether anything changed.
    """
    bodies = lines.bodies
    if "" not in bodies:
        return False
    keep: list[int] = []
    previous_blank = True  # so that blank lines at the start go
    for i, body in enumerate(bodies):
        if body or not previous_blank:
            keep.append(i)
        previous_blank = not body
    if keep and not bodies[keep[-1]]:
        keep.pop()
    if len(keep) == len(bodies):
        return False
    lines.numbers = [lines.number(i) for i in keep]
    lines.bodies = [bodies[i] for i in keep]
    if lines.crs is not None:
        lines.crs = [lines.crs[i] for i in keep]
    return True
