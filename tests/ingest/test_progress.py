from __future__ import annotations

import pytest

from ingest.progress import PagesProgress, estimate_pages
from tests.conftest import Samples


def test_pages_are_counted_before_loading(samples: Samples) -> None:
    assert estimate_pages(samples.two_page_pdf) == 2
    assert estimate_pages(samples.plain_txt) == 1  # known once loaded
    assert estimate_pages(samples.corrupt_pdf) == 1  # the loader reports the failure


def test_the_bar_moves_with_the_embedded_passages(samples: Samples, capsys: pytest.CaptureFixture[str]) -> None:
    bar = PagesProgress([samples.two_page_pdf, samples.plain_txt], enabled=True)
    assert bar._bar.total == 3
    bar.start_file(0, samples.two_page_pdf.name)
    bar.loaded(2)
    bar.embedded(5, 10)
    assert bar._bar.n == pytest.approx(1.0)  # half the passages: half the pages
    bar.finish_file()
    assert bar._bar.n == pytest.approx(2.0)
    bar.start_file(1, samples.plain_txt.name)
    bar.loaded(4)  # the text file turned out to have four pages (form feeds)
    assert bar._bar.total == 6
    bar.finish_file()
    bar.close()
    assert bar._bar.n == pytest.approx(6.0)
    shown = capsys.readouterr().err
    assert "6/6 pages" in shown and "page/s" in shown


def test_a_disabled_bar_prints_nothing(samples: Samples, capsys: pytest.CaptureFixture[str]) -> None:
    bar = PagesProgress([samples.two_page_pdf], enabled=False)
    bar.start_file(0, "x")
    bar.embedded(1, 1)
    bar.finish_file()
    bar.close()
    assert capsys.readouterr().err == ""
