"""Upload checks: type read from the content, size and page limits, safe names."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.ui.pdfs import write_pdf
from ui.uploads import check_upload, safe_name, upload_limits

MB = 1024 * 1024


def check(path: Path, max_bytes: int = MB, max_pages: int = 10) -> tuple[bool, str]:
    result = check_upload(path, path.name, max_bytes, max_pages)
    return result.ok, result.reason


def test_a_real_pdf_passes(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "report.pdf", ["First page text.", "Second page text."])
    result = check_upload(path, "report.pdf", MB, 10)
    assert result.ok and result.pages == 2


def test_pdf_over_the_page_limit_is_refused(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "long.pdf", [f"Page {i}" for i in range(4)])
    ok, reason = check(path, max_pages=3)
    assert not ok and reason == "too many pages (4; the limit is 3)"


def test_a_file_named_pdf_that_is_not_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_text("just text pretending", encoding="utf-8")
    assert check(path) == (False, "not a PDF: the file does not start with a PDF header")


def test_a_corrupt_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"garbage " * 200)
    ok, reason = check(path)
    assert not ok and reason.startswith("corrupt PDF")


def test_a_pdf_renamed_to_txt_is_refused(tmp_path: Path) -> None:
    source = write_pdf(tmp_path / "x.pdf", ["text"])
    path = tmp_path / "notes.txt"
    path.write_bytes(source.read_bytes())
    ok, reason = check(path)
    assert not ok and "rename it to .pdf" in reason


def test_binary_content_in_a_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert check(path) == (False, "binary content: not a text file")


def test_text_in_utf8_or_latin1_passes(tmp_path: Path) -> None:
    utf8 = tmp_path / "a.txt"
    utf8.write_text("Migración y desarrollo: las alianzas.", encoding="utf-8")
    assert check(utf8) == (True, "")
    latin = tmp_path / "b.txt"
    latin.write_bytes("La coopération entre les États et les villes est essentielle. ".encode("latin-1") * 5)
    assert check(latin)[0]


def test_size_and_emptiness(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000, encoding="utf-8")
    assert check(big, max_bytes=1000) == (False, "file too large (5 KB; the limit is 1 KB)")
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"w" * (3 * MB // 2))
    assert check(huge) == (False, "file too large (1.5 MB; the limit is 1 MB)")
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    assert check(empty) == (False, "empty file")
    blank = tmp_path / "blank.md"
    blank.write_text("   \n\n", encoding="utf-8")
    assert check(blank) == (False, "no text in the file")


def test_text_pages_are_counted_by_form_feeds(tmp_path: Path) -> None:
    path = tmp_path / "paged.txt"
    path.write_text("one\fTwo\fthree", encoding="utf-8")
    assert check(path, max_pages=2) == (False, "too many pages (3; the limit is 2)")


def test_unsupported_types_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"PK\x03\x04")
    ok, reason = check(path)
    assert not ok and reason.startswith("unsupported file type '.xlsx'")


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\Report 2024.PDF", "Report 2024.pdf"),
        ("<script>x</script>.md", "script.md"),
        ("a<b>c && d.md", "a_b_c _ d.md"),
        ("...hidden.txt", "hidden.txt"),
        ("Migración_ñ.txt", "Migración_ñ.txt"),
        ("noext", "noext"),
        ("a" * 300 + ".txt", "a" * 120 + ".txt"),
    ],
)
def test_safe_names(raw: str, safe: str) -> None:
    assert safe_name(raw) == safe


def test_limits_come_from_settings_with_defaults() -> None:
    assert upload_limits(SimpleNamespace()) == (20 * MB, 500)
    assert upload_limits(SimpleNamespace(max_upload_mb=1, max_upload_pages=7)) == (MB, 7)
