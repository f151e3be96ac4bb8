"""Shared fixtures.

- Every test gets its own index directory (`GFMD_INDEX_DIR`), a fresh settings cache and no cached assistant.
- The network is blocked by pytest-socket (`--allow-hosts` loopback only, in pyproject's addopts).
- Tests not marked `integration` cannot load a real embedding model: they use `fake_embeddings`.
- Small real test files (PDFs, odd encodings, broken files) are generated once per session, not committed.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import gfmd.embeddings
from tests.fakes import HashEmbeddings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_NAME = "fmmd-2020-tema6-alianzas-documento-de-referencia_es.txt"
# Two small real PDFs of the public corpus, for the integration tests (2 pages each, ~25 passages).
PUBLIC_PDFS = (
    "IOM_2023_EU-IOM-JI-HornOfAfrica_Evaluation-Brief_en.pdf",
    "IOM_2025_Meta-Evaluation-2020-2024_Brief_en.pdf",
)


def _clear_gfmd_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("GFMD_"):
            monkeypatch.delenv(key)


def _reset_caches() -> None:
    import assistant.api
    import assistant.shared
    from gfmd.settings import get_settings

    get_settings.cache_clear()
    assistant.api._assistants.clear()
    assistant.shared._indexes.clear()


@pytest.fixture(autouse=True)
def _isolated_gfmd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A private index directory per test; no GFMD_* setting leaks in from the shell running the tests."""
    _clear_gfmd_env(monkeypatch)
    monkeypatch.setenv("GFMD_INDEX_DIR", str(tmp_path / "index"))
    _reset_caches()
    yield
    _reset_caches()


@pytest.fixture(autouse=True)
def _no_real_model_in_unit_tests(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests use `fake_embeddings`; loading the real model there is a mistake, reported as such."""
    if request.node.get_closest_marker("integration"):
        return

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a real embedding model was loaded in a unit test: use fake_embeddings or mark it")

    monkeypatch.setattr(gfmd.embeddings.E5Embeddings, "__init__", refuse)
    monkeypatch.setattr(gfmd.embeddings.E5OnnxEmbeddings, "__init__", refuse)
    monkeypatch.setattr(gfmd.embeddings.SentenceTransformerEmbeddings, "__init__", refuse)


@pytest.fixture
def fake_embeddings(monkeypatch: pytest.MonkeyPatch) -> HashEmbeddings:
    """The hashing fake, also returned by `get_embeddings` wherever it was imported (CLI, Index, assistant)."""

    import assistant.api  # noqa: F401  (load the modules that bind get_embeddings before patching them)
    import gfmd.index

    fake = HashEmbeddings()
    original = gfmd.embeddings.get_embeddings

    def get_fake(settings: object) -> HashEmbeddings:
        return fake

    for module in list(sys.modules.values()):
        if module is not None and getattr(module, "get_embeddings", None) is original:
            monkeypatch.setattr(module, "get_embeddings", get_fake)
    return fake


@pytest.fixture
def seed_path() -> Path:
    path = REPO_ROOT / "corpus" / SEED_NAME
    assert path.is_file(), f"the bundled seed document is missing: {path}"
    return path


def _shared_public_dir() -> Path:
    public = SHARED_DIR / "corpus" / "public"
    if not public.is_dir():
        pytest.fail(
            f"{public} is missing: the tests need the shared corpus checked out beside the repository "
            "(../shared/corpus/public), as in CI",
            pytrace=False,
        )
    return public


@pytest.fixture
def public_dir() -> Path:
    return _shared_public_dir()


# --- small real files, generated once per session --------------------------------------------------------------


@dataclass(frozen=True)
class Samples:
    two_page_pdf: Path
    running_header_pdf: Path
    encrypted_pdf: Path
    owner_only_pdf: Path
    corrupt_pdf: Path
    truncated_pdf: Path
    image_only_pdf: Path
    not_a_pdf: Path
    empty_txt: Path
    blank_txt: Path
    latin1_txt: Path
    utf16_txt: Path
    binary_txt: Path
    docx: Path
    csv: Path
    markdown: Path
    plain_txt: Path
    formfeed_txt: Path


TWO_PAGE_TEXT = [
    (
        "1. Introduction",
        [
            "The Global Forum on Migration and Development brings governments together.",
            "Partnerships between countries of origin and destination improve development outcomes.",
        ],
    ),
    (
        "2. Findings",
        [
            "In 2019 there were 272 million international migrants in the world.",
            "Remittances to low and middle income countries reached 554 billion dollars.",
        ],
    ),
]
RUNNING_HEADER = "EU-IOM Joint Initiative Test Evaluation"
RUNNING_PAGES = [
    ("EXECUTIVE SUMMARY", ["The evaluation covered reintegration support for returning migrants in six countries."]),
    ("1. Background", ["The programme started in 2016 and ended in 2022 after several extensions."]),
    (None, ["Partners included national governments, municipalities and civil society organisations."]),
    ("2. Findings", ["Returnees who received business grants reported higher incomes one year later."]),
    ("3. Recommendations", ["Future programmes should plan the handover to national authorities from the start."]),
]
LATIN1_TEXT = (
    "El año pasado España recibió a más niños migrantes que en años anteriores. "
    "La cooperación entre los países de origen, tránsito y destino es esencial para su protección. "
    "Según el informe, la formación profesional mejoró la integración de los jóvenes.\n"
)
UTF16_TEXT = (
    "Les partenariats pour la migration réunissent les États, les villes et la société civile. "
    "Le financement concessionnel soutient les pays d'accueil.\n"
)
FORMFEED_PAGES = [
    "Migration partnerships in practice\n\nThis report reviews partnerships for labour migration.",
    "1. Labour mobility\n\nBilateral labour agreements set quotas for seasonal workers. "
    "Employers pay the recruitment fees.",
    "2. Skills partnerships\n\nGlobal skill partnerships train people before they migrate. "
    "Graduates can work at home or abroad.",
]


def _pdf_canvas(path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    return canvas.Canvas(str(path), pagesize=A4, **kwargs)


def _write_pages(pdf, pages: list[tuple[str | None, list[str]]], header: str = "") -> None:  # type: ignore[no-untyped-def]
    for number, (heading, lines) in enumerate(pages, start=1):
        y = 800
        if header:
            pdf.setFont("Helvetica", 8)
            pdf.drawString(72, y, header)
            y -= 30
        if heading:
            pdf.setFont("Helvetica-Bold", 14)
            pdf.drawString(72, y, heading)
            y -= 24
        pdf.setFont("Helvetica", 10)
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 16
        if header:
            pdf.setFont("Helvetica", 8)
            pdf.drawString(280, 40, f"Page {number} of {len(pages)}")
        pdf.showPage()
    pdf.save()


def build_samples(root: Path) -> Samples:
    from reportlab.lib.pdfencrypt import StandardEncryption

    root.mkdir(parents=True, exist_ok=True)

    two_page = root / "partnerships-report_2021_en.pdf"
    pdf = _pdf_canvas(two_page)
    pdf.setTitle("Partnerships for Migration: A Test Report")
    _write_pages(pdf, TWO_PAGE_TEXT)

    running = root / "joint-initiative-evaluation_2022_en.pdf"
    _write_pages(_pdf_canvas(running), RUNNING_PAGES, header=RUNNING_HEADER)

    encrypted = root / "encrypted.pdf"
    pdf = _pdf_canvas(encrypted, encrypt=StandardEncryption("user-secret", ownerPassword="owner-secret"))
    _write_pages(pdf, [("Secret", ["This text is protected by a user password and must not be read."])])

    owner_only = root / "owner-only.pdf"
    pdf = _pdf_canvas(owner_only, encrypt=StandardEncryption("", ownerPassword="owner-secret", canPrint=0))
    _write_pages(pdf, [(None, ["Owner-only protection: anyone may open and read this migration text."])])

    corrupt = root / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)

    truncated = root / "truncated.pdf"
    raw = two_page.read_bytes()
    truncated.write_bytes(raw[: len(raw) // 3])

    image_only = root / "scanned.pdf"
    pdf = _pdf_canvas(image_only)
    for _ in range(2):
        pdf.rect(100, 100, 200, 300, fill=1)
        pdf.circle(300, 500, 50, fill=0)
        pdf.line(0, 0, 500, 500)
        pdf.showPage()
    pdf.save()

    not_a_pdf = root / "not-a-pdf.pdf"
    not_a_pdf.write_text("This is plain text with a .pdf extension, not a PDF.", encoding="utf-8")

    empty = root / "empty.txt"
    empty.write_bytes(b"")
    blank = root / "blank.txt"
    blank.write_bytes(b"  \n\n\t \n")

    latin1 = root / "latin1_es.txt"
    latin1.write_bytes(LATIN1_TEXT.encode("latin-1"))
    utf16 = root / "utf16_fr.txt"
    utf16.write_bytes(UTF16_TEXT.encode("utf-16"))  # with a byte-order mark, as Windows tools write it
    binary = root / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)

    docx = root / "notes.docx"
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("Partnership notes in a Word document.")
    document.save(str(docx))
    csv = root / "figures.csv"
    csv.write_text("year,migrants\n2019,272000000\n", encoding="utf-8")

    markdown = root / "partnerships-brief_2022_en.md"
    shutil.copy(DATA_DIR / markdown.name, markdown)
    plain = root / "remittances-note_2020_en.txt"
    shutil.copy(DATA_DIR / plain.name, plain)

    formfeed = root / "labour-mobility_2023_en.txt"
    formfeed.write_text("\f".join(FORMFEED_PAGES), encoding="utf-8")

    return Samples(
        two_page_pdf=two_page,
        running_header_pdf=running,
        encrypted_pdf=encrypted,
        owner_only_pdf=owner_only,
        corrupt_pdf=corrupt,
        truncated_pdf=truncated,
        image_only_pdf=image_only,
        not_a_pdf=not_a_pdf,
        empty_txt=empty,
        blank_txt=blank,
        latin1_txt=latin1,
        utf16_txt=utf16,
        binary_txt=binary,
        docx=docx,
        csv=csv,
        markdown=markdown,
        plain_txt=plain,
        formfeed_txt=formfeed,
    )


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Samples:
    """The session's sample files (read-only by convention: copy one before changing it)."""
    return build_samples(tmp_path_factory.mktemp("samples"))


@pytest.fixture
def corpus_dir(tmp_path: Path, samples: Samples, seed_path: Path) -> Path:
    """A folder of good documents to ingest: the seed, a Markdown brief and a text note."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for path in (seed_path, samples.markdown, samples.plain_txt):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def fake_index(tmp_path: Path, fake_embeddings: HashEmbeddings):  # type: ignore[no-untyped-def]
    """An empty index in this test's directory, with the hashing fake as its model."""
    from gfmd.index import Index
    from gfmd.settings import Settings

    return Index(Settings(index_dir=tmp_path / "fake-index"), embeddings=fake_embeddings)


# --- the real model (integration) ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index built once per session with the real e5 model: the seed and two small public PDFs."""
    from gfmd.index import Index
    from gfmd.settings import Settings
    from ingest.pipeline import ingest_paths

    public = _shared_public_dir()
    index_dir = tmp_path_factory.mktemp("real-index")
    with pytest.MonkeyPatch.context() as mp:
        _clear_gfmd_env(mp)
        settings = Settings(index_dir=index_dir)
    paths = [REPO_ROOT / "corpus" / SEED_NAME, *(public / name for name in PUBLIC_PDFS)]
    report = ingest_paths(paths, Index(settings))
    assert report.ok, report.summary()["failed"]
    assert report.count("added") == 3
    return index_dir
