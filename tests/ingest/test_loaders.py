from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from ingest.chunking import chunk_file
from ingest.errors import IngestError
from ingest.loaders import decode_text, load_file
from tests.conftest import LATIN1_TEXT, UTF16_TEXT, Samples
from tests.fuzz.pdfs import build_pdf, text_content


def _error(path: Path) -> IngestError:
    with pytest.raises(IngestError) as caught:
        load_file(path)
    error = caught.value
    assert error.path == str(path)
    assert str(path) in str(error), "the message names the file"
    return error


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("corrupt_pdf", "corrupt or unreadable PDF"),
        ("truncated_pdf", "corrupt or unreadable PDF"),
        ("encrypted_pdf", "encrypted PDF"),
        ("image_only_pdf", "no text layer"),
        ("not_a_pdf", "not a PDF file"),
        ("empty_txt", "empty file"),
        ("blank_txt", "empty file"),
        ("binary_txt", "binary content"),
        ("docx", "unsupported file type .docx"),
        ("csv", "unsupported file type .csv"),
    ],
)
def test_bad_files_raise_a_clear_error(samples: Samples, name: str, reason: str) -> None:
    error = _error(getattr(samples, name))
    assert reason in error.reason


def test_encrypted_pdf_says_what_to_do(samples: Samples) -> None:
    assert "remove the password" in _error(samples.encrypted_pdf).reason


def test_scanned_pdf_says_what_to_do(samples: Samples) -> None:
    assert "OCR" in _error(samples.image_only_pdf).reason


@pytest.mark.parametrize("depth", [1_000, 5_000])
def test_deeply_nested_pdf_says_so_not_no_text_layer(tmp_path: Path, depth: int) -> None:
    """Nested arrays in the page's resources: pypdf's lenient reader hits the recursion limit, drops the resources
    and finds no text, which used to be reported as a scanned PDF."""
    nested = b"[" * depth + b"1" + b"]" * depth
    resources = b"<< /Font << /F1 4 0 R >> /Deep " + nested + b" >>"
    content = text_content(["Migration partnerships bring countries of origin and destination together."] * 5)
    path = tmp_path / "nested.pdf"
    path.write_bytes(build_pdf(content, resources=resources))
    assert path.stat().st_size < 20_000
    reason = _error(path).reason
    assert reason == "PDF structure is too deeply nested or malformed to read"
    assert "no text layer" not in reason


def test_shallow_nesting_still_loads(tmp_path: Path) -> None:
    nested = b"[" * 50 + b"1" + b"]" * 50
    content = text_content(["Migration partnerships bring countries of origin and destination together."] * 5)
    path = tmp_path / "shallow.pdf"
    path.write_bytes(build_pdf(content, resources=b"<< /Font << /F1 4 0 R >> /Deep " + nested + b" >>"))
    assert "Migration partnerships" in load_file(path).page_text(1)


def test_unsupported_type_lists_the_supported_ones(samples: Samples) -> None:
    reason = _error(samples.docx).reason
    for ext in (".pdf", ".txt", ".md"):
        assert ext in reason


def test_missing_path(tmp_path: Path) -> None:
    assert _error(tmp_path / "nowhere.pdf").reason == "no such file"


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert _error(folder).reason == "not a regular file"


def test_owner_password_only_pdf_is_readable(samples: Samples) -> None:
    loaded = load_file(samples.owner_only_pdf)
    assert "anyone may open and read" in loaded.blocks[0].text


def test_damaged_pdfs_never_escape_as_other_exceptions(samples: Samples, tmp_path: Path) -> None:
    """Truncations and byte flips give either a loaded file or an IngestError, never a pypdf traceback."""
    raw = samples.two_page_pdf.read_bytes()
    rng = random.Random(7)
    target = tmp_path / "damaged.pdf"
    outcomes = set()
    for trial in range(60):
        if trial < 20:
            data = raw[: rng.randrange(10, len(raw))]
        else:
            flipped = bytearray(raw)
            for _ in range(20):
                flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            data = bytes(flipped)
        target.write_bytes(data)
        try:
            load_file(target)
            outcomes.add("loaded")
        except IngestError as exc:
            assert exc.path == str(target)
            outcomes.add("error")
    assert "error" in outcomes


def test_two_page_pdf(samples: Samples) -> None:
    loaded = load_file(samples.two_page_pdf)
    assert loaded.kind == "pdf"
    assert (loaded.pages, loaded.paginated) == (2, True)
    assert loaded.title == "Partnerships for Migration: A Test Report"  # from the PDF's metadata
    assert loaded.year == 2021  # from the file name
    assert loaded.lang == "en"
    assert [b.page for b in loaded.blocks] == [1, 2]
    assert "272 million international migrants" in " ".join(loaded.page_text(2).split())
    assert loaded.doc_id == loaded.sha256[:20]


def test_seed_metadata_comes_from_its_sidecar(seed_path: Path) -> None:
    loaded = load_file(seed_path)
    sidecar = json.loads(seed_path.with_name(seed_path.name + ".meta.json").read_text(encoding="utf-8"))
    assert loaded.title == sidecar["title"]
    assert loaded.year == sidecar["year"] == 2020
    assert loaded.lang == "es"
    assert (loaded.kind, loaded.pages, loaded.paginated) == ("text", 9, False)


def test_sidecar_overrides_detection(tmp_path: Path, samples: Samples) -> None:
    path = tmp_path / samples.markdown.name
    shutil.copy(samples.markdown, path)
    detected = load_file(path)
    assert (detected.title, detected.year, detected.lang) == ("Migration Partnerships Brief", 2022, "en")
    path.with_name(path.name + ".meta.json").write_text(
        json.dumps({"title": "Un autre titre", "year": "2019", "lang": "fr"}), encoding="utf-8"
    )
    overridden = load_file(path)
    assert (overridden.title, overridden.year, overridden.lang) == ("Un autre titre", 2019, "fr")
    assert overridden.doc_id == detected.doc_id  # the sidecar is metadata, not content


@pytest.mark.parametrize("content", ["{not json", "[1, 2]"])
def test_invalid_sidecar_names_the_sidecar(tmp_path: Path, samples: Samples, content: str) -> None:
    path = tmp_path / samples.markdown.name
    shutil.copy(samples.markdown, path)
    sidecar = path.with_name(path.name + ".meta.json")
    sidecar.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        load_file(path)
    assert caught.value.path == str(sidecar)
    assert "metadata file" in caught.value.reason


def test_title_and_year_from_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "labour_mobility-review_2018.txt"
    path.write_text("Labour mobility partnerships were reviewed in detail by the partners.", encoding="utf-8")
    loaded = load_file(path)
    assert loaded.title == "Labour mobility review 2018"
    assert loaded.year == 2018


def test_markdown_headings_become_sections(samples: Samples) -> None:
    loaded = load_file(samples.markdown)
    assert loaded.kind == "markdown"
    assert loaded.title == "Migration Partnerships Brief"  # the first level-1 heading
    # Each section is its heading path: "Monitoring" alone would not say it is a lesson learned.
    assert [b.section for b in loaded.blocks] == [
        "Migration Partnerships Brief",
        "Migration Partnerships Brief › Funding mechanisms",
        "Migration Partnerships Brief › Lessons learned",
        "Migration Partnerships Brief › Lessons learned › Monitoring",
    ]
    assert (loaded.pages, loaded.paginated) == (1, False)


def test_a_markdown_heading_path_drops_the_siblings_of_a_new_heading(tmp_path: Path) -> None:
    path = tmp_path / "gcm-extract_2018_en.md"
    path.write_text(
        "# Objective 21\n## Title: Return\nCooperate on return.\n## Associated actions\n- a. Develop return.\n"
        "# Objective 22\n## Associated actions\n- a. Establish social protection floors.\n",
        encoding="utf-8",
    )
    sections = [b.section for b in load_file(path).blocks]
    assert sections == [
        "Objective 21",
        "Objective 21 › Title: Return",
        "Objective 21 › Associated actions",
        "Objective 22",
        "Objective 22 › Associated actions",
    ]
    # Several level-1 headings name parts, not the document: the title comes from the file name.
    assert load_file(path).title == "Gcm extract 2018 en"
    passages = chunk_file(load_file(path), 700, 1)
    last = passages[-1]
    assert last.section == "Objective 22 › Associated actions"
    assert last.text.startswith("Associated actions")  # the heading itself stays in the text, once


def test_markdown_html_comments_are_not_document_text(tmp_path: Path) -> None:
    path = tmp_path / "fact-sheet_2022_en.md"
    path.write_text(
        "# Fact sheet\n\n- Canada will resettle 4,000 migrants.\n\n<!-- -->\n\n- Mexico will issue visas.\n"
        "<!-- a note\nover two lines -->\nThe end.\n",
        encoding="utf-8",
    )
    text = " ".join(b.text for b in load_file(path).blocks)
    assert "<!--" not in text and "-->" not in text and "a note" not in text
    assert "Canada will resettle 4,000 migrants." in text and "Mexico will issue visas." in text


def test_markdown_front_matter_is_not_document_text(tmp_path: Path) -> None:
    # As the White House fact sheets saved from the web open (../shared/corpus/public/USG_*.md).
    path = tmp_path / "fact-sheet_2024_en.md"
    path.write_text(
        "---\ndate: '2024-09-26'\nmodified_time: 2024-09-27 22:22:53-04:00\nsource_url: https://example.org/fact-sheet\n"
        'title: "Fact sheet: Fourth Ministerial Meeting"\n---\n \nThe United States will resettle 4,000 refugees.\n\n'
        "---\n\nMexico will issue work visas.\n",
        encoding="utf-8",
    )
    text = " ".join(b.text for b in load_file(path).blocks)
    assert "source_url" not in text and "modified_time" not in text and "2024-09-26" not in text
    # A rule further down is text, not front matter.
    assert "The United States will resettle 4,000 refugees." in text and "Mexico will issue work visas." in text


def test_latin1_text_is_decoded_not_mangled(samples: Samples) -> None:
    loaded = load_file(samples.latin1_txt)
    text = " ".join(b.text for b in loaded.blocks)
    assert " ".join(LATIN1_TEXT.split()) == " ".join(text.split())
    assert "España" in text and "niños" in text
    assert loaded.lang == "es"


def test_utf16_with_bom_is_decoded(samples: Samples) -> None:
    loaded = load_file(samples.utf16_txt)
    assert " ".join(b.text for b in loaded.blocks).split() == UTF16_TEXT.split()
    assert loaded.lang == "fr"


WESTERN_SAMPLES = [
    "Café société élève.",
    "El año pasado España recibió más niños migrantes.",
    "“Quoted” text costs 5 € – in Windows-1252.",
]
WESTERN_CASES = [
    (text, encoding)
    for text in WESTERN_SAMPLES
    for encoding in ("latin-1", "cp1252", "utf-8-sig", "utf-16", "utf-32")
    if encoding != "latin-1" or all(ord(c) < 256 for c in text)  # "€" and curly quotes are not in Latin-1
]


@pytest.mark.parametrize(("text", "encoding"), WESTERN_CASES)
def test_decode_western_encodings(text: str, encoding: str) -> None:
    assert decode_text(Path("x.txt"), text.encode(encoding)) == text


def test_undetectable_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "greek.txt"
    path.write_bytes("Κείμενο για τη μετανάστευση και τις συνεργασίες μεταξύ χωρών.".encode("iso8859_7"))
    error = _error(path)
    assert "not UTF-8" in error.reason and "convert it to UTF-8" in error.reason


def test_a_real_public_pdf(public_dir: Path) -> None:
    loaded = load_file(public_dir / "IOM_2023_EU-IOM-JI-HornOfAfrica_Evaluation-Brief_en.pdf")
    assert (loaded.kind, loaded.pages, loaded.paginated) == ("pdf", 2, True)
    assert (loaded.lang, loaded.year) == ("en", 2023)
    assert loaded.title  # from the PDF's metadata or, failing that, the file name
    assert {b.page for b in loaded.blocks} == {1, 2}
    assert sum(len(b.text) for b in loaded.blocks) > 2000
