"""In a real browser at phone size (400×850): the chat, then the answer's sources and page, then the actions
and filters; no text cut off; the brief's buttons within reach."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import TIMEOUT_MS, ask, open_tab, pin, question_box

pytestmark = pytest.mark.browser

QUESTION = "How much money did the pilot facility raise?"
WIDTH, HEIGHT = 400, 850


@pytest.fixture
def phone(browser: Any, live_app: tuple[str, Any]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(live_app[0])
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
    for question in (QUESTION, "What are diaspora bonds?", "Who coordinated the pilot projects?"):
        pin(ask(phone, question))
    phone.get_by_text("Added to the brief (3 items)").wait_for()
    open_tab(phone, "Brief")
    phone.locator("#gfmd-brief .gfmd-brief-item").nth(2).wait_for()
    assert box_of(phone, "#gfmd-brief-remove")["bottom"] <= 1.5 * HEIGHT
    assert box_of(phone, "#gfmd-brief-export")["bottom"] <= 2 * HEIGHT
