"""The ingest's progress bar: pages done of all the files given, pages/s and the time left (`gfmd ingest` on a
terminal; off with --json).

A PDF's page count is read before the run (cheap: no text is extracted), a text file counts one page until it is
loaded; within a file the bar moves as its passages are embedded, so pages/s and the time left hold while a large
file is indexed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

BAR_FORMAT = "{desc} {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} pages [{elapsed}<{remaining}, {rate_fmt}]"


def estimate_pages(path: Path) -> int:
    """A PDF's page count from its page tree (1 when it cannot be read: the loader will say why); 1 otherwise."""
    if path.suffix.lower() != ".pdf":
        return 1
    try:
        from pypdf import PdfReader

        return max(len(PdfReader(path).pages), 1)
    except Exception:  # pypdf raises many types for a broken file; loading it reports the failure
        return 1


class PagesProgress:
    """Pages of the given files done so far, as a tqdm bar (disabled: every method does nothing visible)."""

    def __init__(self, files: Sequence[Path], enabled: bool) -> None:
        self._estimates = [estimate_pages(p) for p in files] if enabled else [1] * len(files)
        self._bar = tqdm(
            total=sum(self._estimates), unit="page", disable=not enabled, bar_format=BAR_FORMAT, smoothing=0.1
        )
        self._file = -1
        self._pages = 0.0  # pages of the current file
        self._credited = 0.0  # of them, already counted on the bar

    def start_file(self, index: int, name: str) -> None:
        """The bar's file number `index` (in the order given) begins."""
        self._file, self._pages, self._credited = index, float(self._estimates[index]), 0.0
        self._bar.set_description_str(name[:40])

    def loaded(self, pages: int) -> None:
        """The current file has `pages` pages (a text file's count is known once it is loaded)."""
        if self._file >= 0 and pages != self._pages:
            self._bar.total += pages - self._pages
            self._pages = float(pages)
            self._bar.refresh()

    def embedded(self, done: int, total: int) -> None:
        """`done` of the current file's `total` passages are embedded."""
        self._credit(self._pages * done / max(total, 1))

    def finish_file(self) -> None:
        """The current file is done (committed, unchanged or failed): all its pages count."""
        self._credit(self._pages)

    def close(self) -> None:
        self._bar.close()

    def _credit(self, upto: float) -> None:
        if upto > self._credited:
            self._bar.update(upto - self._credited)
            self._credited = upto
