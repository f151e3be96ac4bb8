"""Stop and retry in a real browser, against an assistant that writes slowly enough to be interrupted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Unpack

import pytest

from gfmd.records import AskOptions, StreamEvent
from tests.browser.conftest import TIMEOUT_MS, WordByWord, ask, bot_messages, question_box
from tests.ui.conftest import build_tiny_assistant, free_port
from ui.chat import STOPPED

pytestmark = pytest.mark.browser

QUESTION = "How much money did the pilot facility raise?"


class Recording(WordByWord):
    """Word by word, a quarter of a second apart, recording each question asked."""

    def __init__(self, assistant: Any) -> None:
        super().__init__(assistant, delay=0.25)
        self.questions: list[str] = []

    def stream(self, question: str, **options: Unpack[AskOptions]) -> Iterator[StreamEvent]:
        self.questions.append(question)
        yield from super().stream(question, **options)


@pytest.fixture(scope="module")
def slow_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Recording]]:
    from ui.app import launch

    slow = Recording(build_tiny_assistant(tmp_path_factory.mktemp("stop")))
    demo = launch(
        slow.assistant.settings, prevent_thread_lock=True, assistant=slow, server_port=free_port(), quiet=True
    )
    yield demo.local_url, slow
    demo.close()


@pytest.fixture
def slow_page(browser: Any, slow_app: tuple[str, Recording]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(slow_app[0])
    question_box(page).wait_for()
    yield page
    context.close()


def test_stop_ends_the_answer_and_keeps_none_of_its_text(slow_page: Any) -> None:
    page = slow_page
    question_box(page).fill(QUESTION)
    question_box(page).press("Enter")
    bot = bot_messages(page).first
    page.wait_for_function(
        "() => { const b = document.querySelector('#gfmd-chat [data-testid=\"bot\"]'); "
        "return b && b.innerText.trim().split(/\\s+/).length >= 2; }"
    )
    page.locator("#gfmd-stop").click()
    page.wait_for_function(
        "(text) => document.querySelector('#gfmd-chat [data-testid=\"bot\"]').innerText.includes(text)",
        arg=STOPPED["en"][:20],
    )
    page.wait_for_timeout(1500)  # time for more words, had the answer not been stopped
    assert bot.inner_text().strip() == STOPPED["en"]
    assert bot_messages(page).count() == 1
    # The chat goes on: the next question is answered in full.
    answer = ask(page, "Who coordinated the pilot projects?")
    assert "IOM" in answer.inner_text() or "International Organization for Migration" in answer.inner_text()


def test_retry_asks_the_last_question_again_in_its_place(slow_page: Any, slow_app: tuple[str, Recording]) -> None:
    page = slow_page
    first = ask(page, QUESTION).inner_text()
    asked = len(slow_app[1].questions)
    page.locator("#gfmd-retry").click()
    page.wait_for_function("() => document.querySelectorAll('#gfmd-chat [data-testid=\"bot\"]').length === 1")
    page.locator('#gfmd-sources [data-turn="0"]').wait_for()
    page.wait_for_function(
        "(text) => document.querySelector('#gfmd-chat [data-testid=\"bot\"]').innerText.trim() === text",
        arg=first.strip(),
    )
    assert slow_app[1].questions[asked:] == [QUESTION]
    assert page.locator('#gfmd-chat [data-testid="user"]').count() == 1
