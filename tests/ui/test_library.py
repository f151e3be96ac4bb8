"""The document library (assistant/library/documents.py, pages.py and ui/library.py) on a tiny real index with the
fake embedder."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from assistant.library import documents as library
from assistant.library import pages
from tests.ui.conftest import citation, make_answer
from tests.ui.pdfs import write_pdf
from ui.library import document_rows, filter_choices, ingest_uploads, open_citation, outcomes_html, remove


def yellow_pixels(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.getdata() if r > 200 and g > 180 and b < 150)


def state(assistant: Any) -> tuple[list[str], int]:
    docs = library.list_documents(assistant.settings, index=assistant.index)
    return [d.source for d in docs], assistant.index.store.count()


def test_documents_are_listed_by_title(tiny_assistant: Any) -> None:
    docs = library.list_documents(tiny_assistant.settings, index=tiny_assistant.index)
    titles = [d.title for d in docs]
    assert titles == sorted(titles, key=str.lower)
    assert "partnerships-brief_2022_en.md" in [d.source for d in docs]
    rows = document_rows(docs)
    assert rows[0][:5] == [docs[0].title, docs[0].source, docs[0].lang, docs[0].year, docs[0].pages]
    sources, langs, years = filter_choices(docs)
    assert ("Migration Partnerships Brief (partnerships-brief_2022_en.md)", "partnerships-brief_2022_en.md") in sources
    assert langs == ["en"] and years[0] >= years[-1]


def test_files_are_found_only_for_registered_unchanged_documents(tiny_assistant: Any, tmp_path: Path) -> None:
    settings, index = tiny_assistant.settings, tiny_assistant.index
    found = library.source_path("remittances-note_2020_en.txt", settings, index=index)
    assert found is not None and found.name == "remittances-note_2020_en.txt"
    mapping = json.loads((Path(settings.index_dir) / "sources.json").read_text(encoding="utf-8"))
    assert mapping["remittances-note_2020_en.txt"] == str(found.resolve())
    for bad in ("../corpus/remittances-note_2020_en.txt", "/etc/passwd", "not-indexed.txt", ""):
        assert library.source_path(bad, settings, index=index) is None
        assert pages.page_text(bad, 1, settings, index=index) is None
    # A file edited after it was indexed is no longer the document the answers quote: it is not served.
    edited = tmp_path / "edited-note_2024_en.txt"
    edited.write_text("An edited note about seasonal workers and their visas.\n", encoding="utf-8")
    assert library.add_files([edited], settings, index=index).ok
    assert library.source_path(edited.name, settings, index=index) == edited.resolve()
    edited.write_text("Changed on disk later.\n", encoding="utf-8")
    assert library.source_path(edited.name, settings, index=index) is None
    assert pages.page_text(edited.name, 1, settings, index=index) is None
    assert library.remove_document(edited.name, settings, index=index)


def test_text_pages_are_read_as_the_loader_reads_them(tiny_assistant: Any) -> None:
    settings, index = tiny_assistant.settings, tiny_assistant.index
    text = pages.page_text("remittances-note_2020_en.txt", 1, settings, index=index)
    assert text is not None and "554 billion dollars" in text
    assert pages.page_text("remittances-note_2020_en.txt", 2, settings, index=index) is None
    assert pages.page_image("remittances-note_2020_en.txt", 1, settings, index=index) is None  # not a PDF


def test_pdf_upload_page_image_viewer_and_removal(tiny_assistant: Any, tmp_path: Path) -> None:
    settings, index = tiny_assistant.settings, tiny_assistant.index
    pdf = write_pdf(
        tmp_path / "seasonal-work_2023_en.pdf",
        [
            "Seasonal work schemes between partner countries were reviewed by the joint committee in detail.",
            "The joint committee approved 4000 seasonal work visas for farm workers in the second year.",
        ],
    )
    progress: list[tuple[float, str]] = []
    outcomes = ingest_uploads([pdf], settings, index=index, progress=lambda f, name: progress.append((f, name)))
    assert [(o.name, o.ok) for o in outcomes] == [("seasonal-work_2023_en.pdf", True)]
    assert outcomes[0].message == "added: 2 pages, 2 passages"
    assert progress[0] == (0.0, "seasonal-work_2023_en.pdf") and progress[-1] == (1.0, "done")
    stored = library.uploads_dir(settings) / pdf.name
    assert library.source_path(pdf.name, settings, index=index) == stored.resolve()
    assert not any((library.uploads_dir(settings) / ".incoming").iterdir())  # staging cleaned up

    png = pages.page_image(pdf.name, 2, settings, index=index)
    assert png is not None and png.startswith(b"\x89PNG")
    assert pages.page_image(pdf.name, 3, settings, index=index) is None
    assert pages.page_image(pdf.name, 0, settings, index=index) is None

    quote = "The joint committee approved 4000 seasonal work visas for farm workers in the second year."
    marked = pages.page_image(pdf.name, 2, settings, index=index, quote=quote)
    assert marked is not None and yellow_pixels(marked) > 1000 and yellow_pixels(png) == 0
    answer = make_answer(citations=[citation(1, quote, source=pdf.name, page=2, title="Seasonal work")])
    view = open_citation(answer, 1, settings, index=index)
    assert view is not None and view.image is not None and view.image.startswith(b"\x89PNG")
    assert "<mark>" in view.html and "page 2 of 2" in view.html
    assert view.file is not None and view.file.read_bytes() == pdf.read_bytes()
    assert open_citation(answer, 7, settings, index=index) is None
    assert open_citation(None, 1, settings, index=index) is None

    assert "Removed" in remove(pdf.name, settings, index=index)
    assert not stored.exists()
    assert pdf.name not in state(tiny_assistant)[0]
    assert pages.page_image(pdf.name, 2, settings, index=index) is None
    assert "no longer in the index" in open_citation(answer, 1, settings, index=index).html  # type: ignore[union-attr]
    assert "not in the index" in remove(pdf.name, settings, index=index)


def test_bad_uploads_never_change_the_index(tiny_assistant: Any, tmp_path: Path) -> None:
    settings, index = tiny_assistant.settings, tiny_assistant.index
    before = state(tiny_assistant)
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf", encoding="utf-8")
    scanned = write_pdf(tmp_path / "scanned.pdf", ["", ""])  # valid PDF, no text layer: fails at ingest
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    outcomes = ingest_uploads([fake, scanned, binary], settings, index=index)
    assert [o.ok for o in outcomes] == [False, False, False]
    reasons = {o.name: o.message for o in outcomes}
    assert reasons["fake.pdf"].startswith("not a PDF")
    assert "no text layer" in reasons["scanned.pdf"]
    assert reasons["photo.txt"].startswith("binary content")
    assert state(tiny_assistant) == before
    assert not (library.uploads_dir(settings) / "scanned.pdf").exists()
    assert not any((library.uploads_dir(settings) / ".incoming").iterdir())
    html = outcomes_html(outcomes)
    assert html.count('class="gfmd-error"') == 3


def test_reuploading_a_changed_file_replaces_the_document(tiny_assistant: Any, tmp_path: Path) -> None:
    settings, index = tiny_assistant.settings, tiny_assistant.index
    path = tmp_path / "visa-note_2022_en.md"
    path.write_text("# Visa note\n\nShort stay visas were issued within ten days.\n", encoding="utf-8")
    assert ingest_uploads([path], settings, index=index)[0].message.startswith("added")
    path.write_text("# Visa note\n\nShort stay visas were issued within five days.\n", encoding="utf-8")
    assert ingest_uploads([path], settings, index=index)[0].message.startswith("updated")
    text = pages.page_text(path.name, 1, settings, index=index)
    assert text is not None and "five days" in text
    assert library.remove_document(path.name, settings, index=index)


def test_empty_removal_request() -> None:
    assert "Choose a document" in remove(None, None, index=None)  # type: ignore[arg-type]


def test_an_unavailable_index_shows_the_documents_last_seen(tiny_assistant: Any, monkeypatch: Any) -> None:
    from assistant.library.feedback import FeedbackStore
    from gfmd.errors import IndexUnavailableError
    from ui.context import AppContext

    ctx = AppContext(
        tiny_assistant.settings, tiny_assistant, FeedbackStore(tiny_assistant.settings.index_dir / "fb.db")
    )
    seen = [d.source for d in ctx.documents()]
    assert seen

    def down(*args: Any, **kwargs: Any) -> Any:
        raise IndexUnavailableError("the Chroma server at http://127.0.0.1:9 did not answer")

    monkeypatch.setattr(tiny_assistant.index.store, "documents", down)
    assert [d.source for d in ctx.documents()] == seen  # a page load renders instead of raising into Gradio
