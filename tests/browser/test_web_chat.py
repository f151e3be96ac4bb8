"""The web chat in a real browser: streamed answers, sources, the brief, the library, feedback, escaping."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from docx import Document as Docx

from tests.browser.conftest import ask, bot_messages, open_tab, pin, question_box
from tests.ui.pdfs import write_pdf

pytestmark = pytest.mark.browser

QUESTION = "How much money did the pilot facility raise?"
ANSWER_START = "The pilot facility raised 60 million dollars"
GROWTH_JS = """() => {
  window.__gfmdSeen = [];
  new MutationObserver(() => {
    const bots = document.querySelectorAll('#gfmd-chat [data-testid="bot"]');
    if (bots.length) window.__gfmdSeen.push(bots[bots.length - 1].innerText.length);
  }).observe(document.querySelector('#gfmd-chat'), {subtree: true, childList: true, characterData: true});
}"""


def feedback_rows(settings: Any) -> list[tuple[str, str]]:
    with sqlite3.connect(Path(settings.index_dir) / "feedback.sqlite3") as db:
        return db.execute("SELECT rating, question FROM feedback ORDER BY id").fetchall()


def test_welcome_screen_offers_examples_in_three_languages(page: Any) -> None:
    chat = page.locator("#gfmd-chat")
    assert "Welcome · Bienvenido · Bienvenue" in chat.inner_text()
    for example in ("How many international migrants", "¿Qué propone el documento", "Combien le Fonds"):
        assert chat.get_by_text(example).count() >= 1
    chat.get_by_text("How many international migrants").first.click()
    page.locator('#gfmd-sources [data-turn="0"]').wait_for()
    assert "How many international migrants were there in 2019?" in chat.inner_text()


def test_answer_streams_and_its_sources_open_the_page(page: Any) -> None:
    page.evaluate(GROWTH_JS)
    message = ask(page, QUESTION)
    assert message.inner_text().startswith(ANSWER_START)
    lengths = [n for n in page.evaluate("window.__gfmdSeen") if n > 0]
    assert len(set(lengths)) >= 3, lengths  # the answer grew word by word before it was complete
    card = page.locator("#gfmd-sources .gfmd-source").first
    assert "Migration Partnerships Brief" in card.inner_text()
    assert card.locator("mark").inner_text().startswith(ANSWER_START)
    # The [1] marker in the answer opens the cited page, the quote highlighted.
    message.locator('a[href^="#gfmd-source-0-"]').first.click()
    viewer = page.locator("#gfmd-viewer .gfmd-page-text")
    viewer.wait_for()
    assert viewer.locator("mark").inner_text().replace("\n", " ").startswith(ANSWER_START)
    assert page.url.endswith("/")  # the link was handled in the page, not followed
    assert "partnerships-brief_2022_en.md" in page.locator("#gfmd-document").inner_text().replace("\n", "")


def test_follow_up_markers_open_their_own_sources(page: Any) -> None:
    first = ask(page, QUESTION)
    ask(page, "What are diaspora bonds?")
    assert "diaspora" in page.locator("#gfmd-sources").inner_text().lower()
    first.locator('a[href^="#gfmd-source-0-"]').first.click()  # the first answer's marker
    page.locator('#gfmd-sources [data-turn="0"]').wait_for()
    assert QUESTION in page.locator("#gfmd-sources .gfmd-asked").inner_text()
    page.locator("#gfmd-viewer .gfmd-page-text mark").wait_for()


def test_document_markup_is_shown_as_text_never_run(page: Any) -> None:
    message = ask(page, "What is the escaping partnership fund?")
    assert "<script>window.__gfmd_xss = 1</script>" in message.inner_text()
    sources = page.locator("#gfmd-sources")
    assert '<img src=x onerror="window.__gfmd_xss = 2">' in sources.inner_text()
    assert (
        page.locator("#gfmd-chat script, #gfmd-sources script, #gfmd-chat img[src=x], #gfmd-sources img").count() == 0
    )
    sources.locator("button.gfmd-open").first.click()
    page.locator("#gfmd-viewer .gfmd-page-text").wait_for()
    assert "<script>" in page.locator("#gfmd-viewer").inner_text()
    assert page.evaluate("window.__gfmd_xss") is None


def test_feedback_is_stored_once_per_rating(page: Any, live_app: tuple[str, Any]) -> None:
    settings = live_app[1]
    before = len(feedback_rows(settings)) if (Path(settings.index_dir) / "feedback.sqlite3").exists() else 0
    ask(page, "What are diaspora bonds?")
    page.locator('#gfmd-chat button[aria-label="Like"]').last.click()
    page.get_by_text("your feedback was recorded").first.wait_for()
    page.locator('#gfmd-chat button[aria-label="Feedback"]').last.click()
    page.locator("#gfmd-chat").get_by_text("The evidence is wrong").click()
    deadline = time.monotonic() + 20
    while len(feedback_rows(settings)) < before + 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # a duplicated browser event would be stored by now
    rows = feedback_rows(settings)[before:]
    assert rows == [("up", "What are diaspora bonds?"), ("wrong_evidence", "What are diaspora bonds?")]


def test_pin_answers_edit_the_brief_and_export_it(page: Any, tmp_path: Path) -> None:
    pin(ask(page, QUESTION))
    page.get_by_text("Added to the brief (1 item)").wait_for()
    pin(ask(page, "What are diaspora bonds?"))
    page.get_by_text("Added to the brief (2 items)").wait_for()
    open_tab(page, "Brief")
    brief = page.locator("#gfmd-brief")
    assert brief.locator(".gfmd-brief-item").count() == 2
    page.locator("#gfmd-brief-heading input, #gfmd-brief-heading textarea").first.fill("Diaspora bonds")
    page.locator("#gfmd-brief-save").click()
    page.get_by_text("2. Diaspora bonds").wait_for()
    page.locator("#gfmd-brief-up").click()
    page.get_by_text("1. Diaspora bonds").wait_for()
    page.locator("#gfmd-brief-title input, #gfmd-brief-title textarea").first.fill("Partnership notes")
    page.locator("#gfmd-brief-export").click()
    markdown = download(page, "#gfmd-brief-md", tmp_path)
    text = markdown.read_text(encoding="utf-8")
    assert text.startswith("# Partnership notes")
    assert text.index("## Diaspora bonds") < text.index(f"## {QUESTION}") < text.index("## References")
    docx = download(page, "#gfmd-brief-docx", tmp_path)
    paragraphs = [p.text for p in Docx(str(docx)).paragraphs]
    assert paragraphs[0] == "Partnership notes" and paragraphs.index("References") > 2
    assert paragraphs[-1].startswith("[2] ")


def download(page: Any, selector: str, folder: Path) -> Path:
    link = page.locator(f"{selector} a").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_upload_shows_progress_errors_and_the_new_document(page: Any, tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "harbour-pilot_2024_en.pdf",
        [
            "Cover page of the harbour pilot evaluation.",
            "The harbour pilot trained 45 inspectors in labour rights during its first year.",
        ],
    )
    fake = tmp_path / "fake.pdf"
    fake.write_text("no pdf here", encoding="utf-8")
    open_tab(page, "Library")
    page.locator("#gfmd-upload input[type=file]").set_input_files([str(pdf), str(fake)])
    page.locator("#gfmd-upload .file-preview, #gfmd-upload table").first.wait_for()
    page.locator("#gfmd-upload-add").click()
    report = page.locator("#gfmd-upload-status .gfmd-upload-report")
    report.wait_for()
    assert "harbour-pilot_2024_en.pdf: added: 2 pages, 2 passages" in report.inner_text()
    assert "fake.pdf: not a PDF" in report.inner_text()
    page.locator("#gfmd-library").get_by_text("harbour-pilot_2024_en.pdf").wait_for()
    assert page.locator("#gfmd-library").get_by_text("fake.pdf").count() == 0
    # The new PDF answers questions, and its page opens as an image.
    open_tab(page, "Chat")
    message = ask(page, "How many inspectors did the harbour pilot train?")
    assert "45 inspectors" in message.inner_text()
    message.locator('a[href^="#gfmd-source-"]').first.click()
    image = page.locator("#gfmd-page-image img")
    image.wait_for()
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) > 400
    # Removal asks for confirmation, then the document is gone from the library and the filters.
    open_tab(page, "Library")
    page.locator("#gfmd-remove-pick input").click()
    page.get_by_role("option", name="harbour-pilot_2024_en.pdf").first.click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#gfmd-remove").click()
    page.locator("#gfmd-remove-status").get_by_text("Removed").wait_for()
    assert page.locator("#gfmd-library").get_by_text("harbour-pilot_2024_en.pdf").count() == 0


def test_nothing_is_fetched_from_outside_the_server(page: Any) -> None:
    ask(page, QUESTION)
    open_tab(page, "Library")
    open_tab(page, "Brief")
    assert page.external_requests == []


def test_question_box_enforces_the_length_limit(page: Any, live_app: tuple[str, Any]) -> None:
    limit = live_app[1].max_question_chars
    question_box(page).fill("x" * (limit + 50))
    assert len(question_box(page).input_value()) == limit
    assert bot_messages(page).count() == 0
