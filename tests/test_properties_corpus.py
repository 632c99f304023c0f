"""Properties of the corpus readers: whatever the bytes, nothing is lost.

Random lines (valid records, records of the wrong shape, JSON junk, binary junk, blank
lines, lone carriage returns) are written as plain, gzip and zstd JSONL, sometimes cut
short or corrupted. Every non-blank line that can be read comes out either cleaned (in
order) or in the rejects file with its line number, and a stream that breaks adds one
reject at the line where it broke: count in == count out + rejects. The same bytes give
the same output and the same rejects in every compression.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import orjson
import zstandard
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import SCALE, TINY_PACK

from cleaner import Cleaner, RuleSet
from cleaner.corpus import CorpusOptions, run_corpus
from cleaner.corpus.formats import CORRUPT_ERRORS, open_read
from cleaner.model import PackSource

PACK = TINY_PACK
CLEANER = Cleaner(RuleSet.from_sources([PackSource("tiny.yaml", PACK, "user")]))

text_value = st.one_of(
    st.sampled_from(["Story.\nNow Read: more\nEnd.", "Now Read: x", "Plain.", ""]),
    st.text(max_size=30),
)
record = st.fixed_dictionaries(
    {"text": text_value},
    optional={"url": st.just("https://tiny.example/a"), "id": st.integers(-(2**63), 2**63 - 1)},
).map(lambda r: orjson.dumps(r))
line = st.one_of(
    record,
    record,
    st.sampled_from([b"[1, 2]", b'{"body": "x"}', b'{"text": 5}', b"null", b"{", b"   "]),
    st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")),
    st.text(max_size=20).map(lambda t: t.encode("utf-8", "surrogatepass").replace(b"\n", b"")),
    st.just(b"\r"),
    record.map(lambda r: r + b"\r"),  # CRLF
    st.tuples(record, record).map(lambda t: t[0] + b"\r" + t[1]),  # a lone CR: one line
)
documents = st.tuples(
    st.lists(line, max_size=25),
    st.booleans(),  # final newline
).map(lambda t: b"\n".join(t[0]) + (b"\n" if t[1] and t[0] else b""))


def _lines_in(data: bytes) -> int:
    return sum(1 for raw in data.split(b"\n") if raw.rstrip(b"\r\n").strip())


def _compress(data: bytes, suffix: str) -> bytes:
    if suffix == ".gz":
        return gzip.compress(data)
    if suffix == ".zst":
        return bytes(zstandard.ZstdCompressor().compress(data))
    return data


def _run(
    tmp: Path, name: str, payload: bytes, chunk_bytes: int
) -> tuple[bytes, list[dict[str, Any]]]:
    src = tmp / name
    src.write_bytes(payload)
    out = tmp / f"out-{name}.jsonl"
    rejects = tmp / f"rejects-{name}.jsonl"
    opts = CorpusOptions(
        inputs=(str(src),),
        output=str(out),
        rejects=str(rejects),
        quiet=True,
        chunk_bytes=chunk_bytes,
    )
    stats, _, _ = run_corpus(CLEANER, opts)
    raw = rejects.read_bytes() if rejects.exists() else b""
    entries = [json.loads(x) for x in raw.split(b"\n") if x]  # not str.splitlines: U+2028
    assert stats.rejects == len(entries)
    for e in entries:
        assert isinstance(e["line"], int) and e["line"] >= 1 and e["reason"]
    return out.read_bytes(), entries


settings_ = settings(
    max_examples=40 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@settings_
@given(documents, st.sampled_from([4096, 64]))
def test_every_line_is_cleaned_or_rejected_the_same_in_every_compression(
    tmp_path_factory: object, data: bytes, chunk_bytes: int
) -> None:
    tmp = Path(tmp_path_factory.mktemp("c"))  # type: ignore[attr-defined]
    results = {}
    for suffix in ("", ".gz", ".zst"):
        out, rejects = _run(tmp, f"in.jsonl{suffix}", _compress(data, suffix), chunk_bytes)
        kept = [k for k in out.split(b"\n") if k]
        assert len(kept) + len(rejects) == _lines_in(data)
        assert all(isinstance(orjson.loads(k), dict) for k in kept)
        results[suffix] = (out, [(e["line"], e["reason"]) for e in rejects])
    assert results[".gz"] == results[""] == results[".zst"]
    for number, _reason in results[""][1]:
        assert data.split(b"\n")[number - 1].strip()  # the line the reject names exists


@settings_
@given(documents, st.sampled_from([".gz", ".zst"]), st.integers(0, 400), st.binary(max_size=8))
@example(  # junk after the cut decodes into lines of its own (found by a CI run)
    data=b'{"text": 5}\n[1, 2]\n\xc2\x90\xf0\x9f\x81\x90\xf0\xab\xa1\x90\xf4\x8d\xba\x90\n000'
    b"\xc2\x80\xc2\x81\xc2\x82\xc2\x90\xc3\x90\xc3\x91\xf0\x91\x8f\x90\n\r\n"
    b'{"text":"Story.\\nNow Read: more\\nEnd."}',
    suffix=".gz",
    cut=72,
    junk=b"\x01\x01",
)
def test_a_broken_stream_keeps_what_it_can_and_reports_the_break(
    tmp_path_factory: object, data: bytes, suffix: str, cut: int, junk: bytes
) -> None:
    tmp = Path(tmp_path_factory.mktemp("b"))  # type: ignore[attr-defined]
    whole = _compress(data, suffix)
    broken = whole[: min(cut, len(whole))] + junk
    out, rejects = _run(tmp, f"in.jsonl{suffix}", broken, 4096)
    kept = [k for k in out.split(b"\n") if k]
    breaks = [e for e in rejects if "cannot be read past" in e["reason"]]
    assert len(breaks) <= 1
    if breaks:  # everything before the break is accounted for, line by line
        assert breaks[0] == rejects[-1]
        # the lines are those the stream gave before it broke: junk after the cut can
        # decode into bytes of its own (deflate back-references), newlines among them
        decoded = _decoded_before_break(tmp / f"in.jsonl{suffix}")
        assert breaks[0]["line"] == decoded.count(b"\n") + 1
        assert len(kept) + len(rejects) - 1 == breaks[0]["line"] - 1 - _blank_before(
            decoded, breaks[0]["line"]
        )
    else:  # it decompressed in full (junk may have been ignored trailing data)
        assert len(kept) + len(rejects) <= _lines_in(data)


def _decoded_before_break(path: Path) -> bytes:
    """What a streaming reader of a broken compressed file gets before the error."""
    out = bytearray()
    with open_read(str(path)) as fh:
        read = getattr(fh, "read1", fh.read)
        try:
            while piece := read(1 << 16):
                out += piece
        except CORRUPT_ERRORS:
            pass
    return bytes(out)


def _blank_before(data: bytes, line: int) -> int:
    return sum(1 for raw in data.split(b"\n")[: line - 1] if not raw.rstrip(b"\r\n").strip())


@settings(max_examples=25 * SCALE, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([".jsonl", ".jsonl.gz", ".jsonl.zst"]))
def test_random_bytes_never_raise(data: bytes, suffix: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out, rejects = _run(Path(tmp), f"in{suffix}", data, 4096)
        if suffix == ".jsonl":
            assert len([k for k in out.split(b"\n") if k]) + len(rejects) == _lines_in(data)


@settings(max_examples=60 * SCALE, deadline=None)
@given(
    st.lists(
        st.one_of(st.binary(max_size=30), st.integers(0, 400).map(lambda n: b"y" * n)),
        max_size=12,
    ).map(lambda ls: b"\n".join(ls)),
    st.integers(1, 64),
)
def test_byte_ranges_give_every_line_once_and_bounded(data: bytes, chunk: int) -> None:
    """Cutting a plain file into ranges: every line comes from exactly one range, and a
    line over the record limit is cut at it (ranges that start inside it skip it in
    bounded pieces, up to their own end only)."""
    import tempfile

    from cleaner.corpus import runner, work

    limit = 50
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as fh:
        fh.write(data)
        fh.flush()
        old = work.MAX_RECORD_BYTES
        work.MAX_RECORD_BYTES = limit
        try:
            got = [
                line
                for start, end in runner._plan_ranges(fh.name, chunk)
                for line in work._read_range(fh.name, start, end)
            ]
        finally:
            work.MAX_RECORD_BYTES = old
    want = [line[: limit + 1] for line in work.split_lines(data)]
    assert [g.rstrip(b"\n") for g in got] == [w.rstrip(b"\n") for w in want]
