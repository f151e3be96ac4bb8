"""In a real browser at phone size (400×850): the chat, then the answer's sources and page, then the actions
and filters; no text cut off; the brief's buttons within reach."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Unpack

import pytest

from gfmd.records import AskOptions, StreamEvent
from tests.browser.conftest import TIMEOUT_MS, WordByWord, ask, open_tab, pin, question_box
from tests.ui.conftest import build_tiny_assistant, free_port

pytestmark = pytest.mark.browser

QUESTION = "How much money did the pilot facility raise?"
WIDTH, HEIGHT = 400, 850


class LongAnswers(WordByWord):
    """The real assistant, each complete answer five times as long (as a real answer of several quotes is)."""

    def stream(self, question: str, **options: Unpack[AskOptions]) -> Iterator[StreamEvent]:
        for event in super().stream(question, **options):
            if event.answer is not None and not event.answer.refused:
                longer = " ".join([event.answer.answer] * 5)
                event = StreamEvent(kind="answer", answer=event.answer.model_copy(update={"answer": longer}))
            yield event


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from ui.app import launch

    tiny = build_tiny_assistant(tmp_path_factory.mktemp("phone"))
    demo = launch(tiny.settings, prevent_thread_lock=True, assistant=LongAnswers(tiny), server_port=free_port())
    yield demo.local_url
    demo.close()


@pytest.fixture
def phone(browser: Any, app: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app)
    question_box(page).wait_for()
    yield page
    context.close()


def box_of(page: Any, selector: str) -> dict[str, float]:
    """The element's box on the page (not the window)."""
    return dict(
        page.evaluate(
            """(s) => { const r = document.querySelector(s).getBoundingClientRect();
                        return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right}; }""",
            selector,
        )
    )


def test_the_chat_comes_first_then_the_sources_then_the_actions(phone: Any) -> None:
    message = ask(phone, QUESTION)
    message.locator('a[href^="#gfmd-source-"]').first.click()
    phone.locator("#gfmd-viewer .gfmd-page-text").wait_for()
    chat, question = box_of(phone, "#gfmd-chat"), box_of(phone, "#gfmd-ask-row")
    sources, viewer = box_of(phone, "#gfmd-sources"), box_of(phone, "#gfmd-viewer")
    actions, filters = box_of(phone, "#gfmd-actions"), box_of(phone, "#gfmd-filters")
    assert chat["top"] < HEIGHT / 3  # the chat opens the page
    assert chat["bottom"] <= question["top"] < question["bottom"] <= sources["top"]
    assert sources["top"] - question["bottom"] < 60  # right below the question box, not a screen further
    assert sources["bottom"] <= viewer["top"] < actions["top"] < filters["top"]
    for selector in ("#gfmd-chat", "#gfmd-sources", "#gfmd-viewer", "#gfmd-actions", "#gfmd-filters"):
        edges = box_of(phone, selector)
        assert edges["left"] >= 0 and edges["right"] <= WIDTH, selector  # nothing wider than the phone


def test_no_text_is_cut_off(phone: Any) -> None:
    cut = phone.evaluate(
        """() => {
          const cut = [];
          const box = document.querySelector('#gfmd-question textarea'), style = getComputedStyle(box);
          const context = document.createElement('canvas').getContext('2d');
          context.font = style.font;
          const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          if (context.measureText(box.placeholder).width > room) cut.push('placeholder: ' + box.placeholder);
          for (const button of document.querySelectorAll('#gfmd-ask, #gfmd-actions button')) {
            if (button.scrollWidth > button.clientWidth + 1) cut.push('button: ' + button.innerText);
          }
          return cut;
        }"""
    )
    assert cut == []


def test_the_briefs_buttons_are_within_reach(phone: Any) -> None:
    questions = (QUESTION, "What are diaspora bonds?", "Who coordinated the pilot projects?", QUESTION)
    for n, question in enumerate(questions, start=1):
        pin(ask(phone, question))
        phone.get_by_text(f"Added to the brief ({n} item").first.wait_for()
    open_tab(phone, "Brief")
    phone.locator("#gfmd-brief .gfmd-brief-item").nth(3).wait_for()
    assert box_of(phone, "#gfmd-brief-remove")["bottom"] <= 1.5 * HEIGHT
    assert box_of(phone, "#gfmd-brief-export")["bottom"] <= 2 * HEIGHT
