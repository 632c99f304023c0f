"""Coverage-guided fuzz targets (atheris) for the engine and the rule loader.

    python tests/fuzz/fuzz_targets.py engine -runs=100000 -max_len=4096
    python tests/fuzz/fuzz_targets.py loader -runs=100000 -max_len=8192
    python tests/fuzz/fuzz_targets.py engine -max_total_time=60

Each target checks properties, not just "no crash": the engine raises nothing but the
documented errors, is idempotent for a fixed pack selection, never removes a line
without a rule id, and the fast engine agrees with the reference engine; the loader
turns any bytes into either a rule set or a RuleLoadError. A failing input is saved by
libFuzzer as crash-* in the working directory, and the corpus grows in ``corpus-NAME``
there (see seed_corpus). ``tests/test_fuzz.py`` runs a short budget of both in CI; the
long runs and their results are in ``benchmarks/results/fuzz.md``.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from cleaner import Cleaner, RuleSet
    from cleaner.errors import CleanerError, RuleLoadError
    from cleaner.model import PackSource

_RULES = RuleSet.load(env=False)
_FAST = Cleaner(_RULES, detect=False, time_budget=None)
_REFERENCE = Cleaner(_RULES, detect=False, engine="reference", time_budget=None)
_PUBLISHERS = [None, *(p.id for p in _RULES.packs if p.kind != "shared")]


def engine(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    publisher = _PUBLISHERS[fdp.ConsumeIntInRange(0, len(_PUBLISHERS) - 1)]
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    try:
        fast = _FAST.clean(text, publisher=publisher)
    except CleanerError:
        return
    again = _FAST.clean(fast.text, publisher=publisher)
    if again.text != fast.text:
        raise AssertionError(f"not idempotent: {text!r}")
    if any(not r.rule_id or "/" not in r.rule_id for r in fast.removals):
        raise AssertionError(f"removal without a rule id: {text!r}")
    if len(text) < 2_000 and _REFERENCE.clean(text, publisher=publisher) != fast:
        raise AssertionError(f"fast and reference engines differ: {text!r}")


def loader(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    try:
        rules = RuleSet.from_sources([PackSource("fuzzed.yaml", text, "user")])
    except RuleLoadError as exc:
        if not exc.problems:
            raise AssertionError("RuleLoadError without problems") from exc
        return
    Cleaner(rules).clean("A line of article text.\nAdvertisement\nComments")


TARGETS = {"engine": engine, "loader": loader}


def seed_corpus(name: str) -> str:
    """The corpus folder ``corpus-NAME`` in the working directory, seeded on first use
    with every pack example (and, for the loader, every pack file), so the fuzzer starts
    from realistic documents and packs. libFuzzer adds what it finds there: running again
    in the same directory continues the session."""
    from pathlib import Path

    folder = Path.cwd() / f"corpus-{name}"
    if folder.is_dir() and any(folder.iterdir()):
        return str(folder)
    folder.mkdir(exist_ok=True)
    if name == "engine":
        for i, ex in enumerate(_RULES.examples):
            folder.joinpath(f"ex{i}").write_bytes(bytes([i % 256]) + ex.input.encode())
    else:
        for i, source in enumerate(_RULES.sources):
            folder.joinpath(f"pack{i}").write_bytes(source.text.encode())
    return str(folder)


def main() -> None:
    name = sys.argv.pop(1) if len(sys.argv) > 1 and sys.argv[1] in TARGETS else "engine"
    if not any(not a.startswith("-") for a in sys.argv[1:]):
        sys.argv.append(seed_corpus(name))
    atheris.Setup(sys.argv, TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
