"""A progress bar on stderr (tqdm) for runs that take a while: it appears only once the
run reports progress (after a couple of seconds of wall time) and is a plain counter when
the far end does not say how much hardware time has passed."""

from __future__ import annotations

import sys
from types import TracebackType

from tqdm import tqdm


class ProgressBar:
    """``progress(done_us, total_us)`` for :meth:`Connection.run` and ``Ppu.run``; use
    as a context manager so the bar is closed."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.bar: tqdm | None = None

    def __call__(self, done_us: float | None, total_us: float) -> None:
        if self.bar is None:
            self.bar = tqdm(total=round(total_us), unit="us", desc=self.what, file=sys.stderr,
                            dynamic_ncols=True, leave=False)
        if done_us is not None:
            self.bar.n = min(round(done_us), self.bar.total or round(done_us))
        self.bar.refresh()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.close()
