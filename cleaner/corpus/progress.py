"""A progress bar on stderr while a corpus runs: only on a terminal, never in a pipe."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from cleaner.corpus.stats import Stats

if TYPE_CHECKING:
    from cleaner.corpus.runner import CorpusOptions


class Progress:
    """Bytes done (MB/s, ETA when the total is known) and documents, via tqdm."""

    def __init__(self, total_bytes: int | None, opts: CorpusOptions) -> None:
        show = opts.progress if opts.progress is not None else sys.stderr.isatty()
        self.bar: Any = None
        self.documents = 0
        if show and not opts.quiet:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total_bytes,
                unit="B",
                unit_scale=True,
                unit_divisor=1000,
                desc="clean",
                file=sys.stderr,
                dynamic_ncols=True,
                smoothing=0.1,
            )

    def update(self, stats: Stats) -> None:
        if self.bar is None:
            return
        self.documents += stats.documents + stats.rejects
        self.bar.update(stats.bytes_in)
        self.bar.set_postfix_str(f"{self.documents:,} docs", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
