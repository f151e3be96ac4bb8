"""In a real browser at 1400×1000: the sources panel and page viewer follow the conversation. They show the
selected answer's sources, the opened page within the first screen, nothing of an earlier answer or of a
document removed in the library, and no label covers the chat's messages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Unpack

import pytest

from gfmd.records import AskOptions, StreamEvent
from tests.browser.conftest import TIMEOUT_MS, WordByWord, ask, bot_messages, open_tab, question_box
from tests.ui.conftest import build_tiny_assistant, free_port

pytestmark = pytest.mark.browser

QUESTION = "How much money did the pilot facility raise?"
OTHER = "Who coordinated the pilot projects?"
BRIEF = "partnerships-brief_2022_en.md"
SCREEN = 1000


class FourSources(WordByWord):
    """The real assistant, each answer citing its first source four times over (as n = 1..4), as a real answer
    with four sources fills the panel."""

    def stream(self, question: str, **options: Unpack[AskOptions]) -> Iterator[StreamEvent]:
        for event in super().stream(question, **options):
            answer = event.answer
            if answer is None or not answer.citations:
                yield event
                continue
            first = answer.citations[0]
            cited = [first.model_copy(update={"n": n}) for n in range(1, 5)]
            text = f"{answer.answer} [2] [3] [4]"
            yield StreamEvent(kind="answer", answer=answer.model_copy(update={"citations": cited, "answer": text}))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Its own index, since a test removes a document from it."""
    from ui.app import launch

    tiny = build_tiny_assistant(tmp_path_factory.mktemp("panel"))
    demo = launch(tiny.settings, prevent_thread_lock=True, assistant=FourSources(tiny), server_port=free_port())
    yield demo.local_url
    demo.close()


@pytest.fixture
def desk(browser: Any, app: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": SCREEN})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app)
    question_box(page).wait_for()
    yield page
    context.close()


def bottom_in_page(page: Any, selector: str) -> float:
    """Where the element's bottom edge is on the page (not the window), in CSS pixels."""
    return float(page.evaluate("(s) => document.querySelector(s).getBoundingClientRect().bottom + scrollY", selector))


def open_first_source(message: Any) -> None:
    message.locator('a[href^="#gfmd-source-"]').first.click()
    message.page.locator("#gfmd-viewer .gfmd-page-text mark").wait_for()


def test_an_opened_page_shows_within_the_first_screen(desk: Any) -> None:
    message = ask(desk, QUESTION)
    assert desk.locator("#gfmd-sources .gfmd-source").count() == 4
    open_first_source(message)
    assert bottom_in_page(desk, "#gfmd-viewer .gfmd-page-text") <= SCREEN
    assert bottom_in_page(desk, "#gfmd-viewer .gfmd-page-text mark") <= SCREEN


def test_a_new_question_or_another_answer_clears_the_page_an_answer_opened(desk: Any) -> None:
    from playwright.sync_api import expect

    first = ask(desk, QUESTION)
    open_first_source(first)
    expect(desk.locator("#gfmd-document")).to_be_visible()
    question_box(desk).fill(OTHER)
    question_box(desk).press("Enter")
    # Cleared as soon as the question shows, while its answer is still being written.
    expect(desk.locator("#gfmd-viewer .gfmd-page-text")).to_have_count(0)
    expect(desk.locator("#gfmd-document")).to_be_hidden()
    expect(desk.locator("#gfmd-sources .gfmd-source")).to_have_count(0)
    second = bot_messages(desk).nth(1)
    desk.locator('#gfmd-sources [data-turn="1"]').wait_for()
    expect(desk.locator("#gfmd-viewer .gfmd-page-text")).to_have_count(0)
    # The second answer's page, then a click on the first answer: its sources, and no page of the second.
    open_first_source(second)
    first.click(position={"x": 20, "y": 10})
    desk.locator('#gfmd-sources [data-turn="0"]').wait_for()
    expect(desk.locator("#gfmd-sources .gfmd-asked")).to_have_text(QUESTION)
    expect(desk.locator("#gfmd-viewer .gfmd-page-text")).to_have_count(0)
    expect(desk.locator("#gfmd-document")).to_be_hidden()


def test_a_removed_document_leaves_no_page_or_download_in_the_chat(desk: Any) -> None:
    from playwright.sync_api import expect

    open_first_source(ask(desk, QUESTION))
    expect(desk.locator("#gfmd-document")).to_contain_text(BRIEF[:10])
    open_tab(desk, "Library")
    desk.locator("#gfmd-remove-pick input").click()
    desk.get_by_role("option", name=BRIEF).first.click()
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.locator("#gfmd-remove").click()
    desk.locator("#gfmd-remove-status").get_by_text("Removed").wait_for()
    open_tab(desk, "Chat")
    expect(desk.locator("#gfmd-viewer .gfmd-page-text")).to_have_count(0)
    expect(desk.locator("#gfmd-document")).to_be_hidden()
    cards = desk.locator("#gfmd-sources .gfmd-source")
    expect(cards.first).to_contain_text("Removed from the library")
    expect(desk.locator("#gfmd-sources button.gfmd-open")).to_have_count(0)


def test_no_label_covers_the_messages_as_the_chat_scrolls(desk: Any) -> None:
    for question in (QUESTION, OTHER, QUESTION, OTHER):
        ask(desk, question)
    # Each message in turn scrolled to the top of the chat: no floating label or button of the chat's own may lie
    # over it.
    covered = desk.evaluate(
        """() => {
          const chat = document.querySelector('#gfmd-chat');
          const messages = chat.querySelectorAll('[data-testid="bot"], [data-testid="user"]');
          const floating = [...chat.querySelectorAll('*')].filter((e) =>
            ['absolute', 'fixed', 'sticky'].includes(getComputedStyle(e).position) &&
            (e.innerText.trim() || e.querySelector('button')) &&
            !e.closest('[data-testid="bot"], [data-testid="user"]') && e.getBoundingClientRect().width > 0);
          const covered = [];
          for (const message of messages) {
            message.scrollIntoView({block: 'start'});
            const m = message.getBoundingClientRect();
            for (const f of floating) {
              const r = f.getBoundingClientRect();
              if (r.left < m.right && m.left < r.right && r.top < m.bottom && m.top < r.bottom)
                covered.push(message.innerText.slice(0, 30) + ' / ' + f.outerHTML.slice(0, 120));
            }
          }
          return covered;
        }"""
    )
    assert covered == []
