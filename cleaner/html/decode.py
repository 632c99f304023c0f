"""Reading a page's bytes the way a browser does.

Apart from the rest of HTML mode because it is the one step before there is a tree to look
at, and its rules (byte-order marks, the WHATWG's encoding labels, crawlers that re-encode
pages and leave the old ``<meta charset>``) change for reasons of their own.
"""

from __future__ import annotations

import codecs
import contextlib
import re

from cleaner.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
#: Labels browsers read as another encoding (WHATWG Encoding Standard): a page that says
#: latin-1 is decoded as windows-1252 by every browser, so its author saw that.
_WHATWG = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-sjis": "shift_jis",
    "gb2312": "gbk",
    "x-gbk": "gbk",
    "tis-620": "cp874",
    "iso-8859-9": "cp1254",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}
#: How far into the page ``<meta charset>`` is looked for (browsers prescan 1024 bytes;
#: real pages put a long head of comments and scripts first).
_PRESCAN = 4096


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _WHATWG.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # a page cannot declare itself in UTF-16 in ASCII-compatible bytes: browsers use UTF-8
    return "utf-8" if name.startswith("utf-16") or name.startswith("utf-32") else name


def decode_html(data: bytes | str) -> tuple[str, str]:
    """The page as text and the encoding it was read in.

    Order: a byte-order mark; ``<meta charset>`` (or ``http-equiv`` content) in the first
    4 KB; UTF-8 when the bytes are valid UTF-8; else charset-normalizer's best guess.
    Undecodable bytes become U+FFFD: a page is read the way a browser reads it, never refused.
    One exception to the browser's order: a page that declares another encoding but whose
    non-ASCII bytes are all valid UTF-8 is read as UTF-8. Crawlers store pages re-encoded
    as UTF-8 with the old ``<meta charset="gb2312">`` left in, and text in a legacy
    encoding is almost never valid UTF-8 by chance (its accented letters and CJK byte
    pairs break UTF-8's sequences), so the bytes are the better witness.

    >>> decode_html(b'<meta charset="iso-8859-1"><p>caf\\xe9</p>')
    ('<meta charset="iso-8859-1"><p>café</p>', 'cp1252')
    >>> decode_html('\\ufeff<p>x</p>')
    ('<p>x</p>', 'str')
    """
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), "str"
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InputError(f"html must be str or bytes, not {type(data).__name__}")
    data = bytes(data)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, "replace"), name
    declared = _declared(data)
    if declared is not None:
        if declared != "utf-8" and not data.isascii():
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode("utf-8"), "utf-8"
        return data.decode(declared, "replace"), declared
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    name = (best.encoding if best is not None else None) or "cp1252"
    return data.decode(name, "replace"), name


def _declared(data: bytes) -> str | None:
    """The codec a page's ``<meta charset>`` names in its first 4 KB, if any."""
    match = _META_CHARSET.search(data, 0, _PRESCAN)
    return _codec(match.group(1).decode("ascii", "replace")) if match else None


def _utf8_declared(data: bytes) -> bool:
    """Whether a page without a byte-order mark declares UTF-8: Lexbor then reads its
    bytes as they are, and :func:`decode_html` need not decode them first."""
    return not any(data.startswith(bom) for bom, _ in _BOMS) and _declared(data) == "utf-8"
