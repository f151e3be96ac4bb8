"""In a real browser: each answer pins itself to the brief from its own button, a follow-up under its
standalone form; a refusal is not pinned and the reader is told why; the empty brief names the real button.
(That the brief survives a reload and a restart is test_sessions.py's.)"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import ask, open_tab, pin
from ui.brief import NOT_PINNABLE

pytestmark = pytest.mark.browser

QUESTION = "How much money did the pilot facility raise?"


def brief_headings(page: Any) -> list[str]:
    open_tab(page, "Brief")
    headings = page.locator("#gfmd-brief .gfmd-brief-item h3").all_inner_texts()
    open_tab(page, "Chat")
    return headings


def test_an_earlier_answer_is_pinned_from_its_own_button(page: Any) -> None:
    first = ask(page, QUESTION)
    ask(page, "What are diaspora bonds?")
    pin(first)  # no click on the answer first: its own button says which
    page.get_by_text("Added to the brief (1 item)").wait_for()
    assert brief_headings(page) == [f"1. {QUESTION}"]


def test_a_follow_up_is_pinned_under_its_standalone_form(page: Any) -> None:
    ask(page, "What did the IOM coordinate?")
    follow_up = ask(page, "And who funded it?")
    pin(follow_up)
    page.get_by_text("Added to the brief (1 item)").wait_for()
    assert brief_headings(page) == ["1. And who funded it? (IOM)"]


def test_a_refusal_is_not_pinned_and_the_reader_is_told_why(page: Any) -> None:
    from playwright.sync_api import expect

    refusal = ask(page, "What did the XQZW fund raise?")
    assert "The documents don't say" in refusal.inner_text()
    assert refusal.locator("a.gfmd-pin-off").count() == 1  # its button is dimmed
    pin(refusal)
    expect(page.get_by_text(NOT_PINNABLE["en"])).to_be_visible()
    open_tab(page, "Brief")
    empty = page.locator("#gfmd-brief .gfmd-hint")
    expect(empty).to_contain_text("The brief is empty")
    # The hint names the button an answer really has.
    named = empty.locator("strong").inner_text()
    open_tab(page, "Chat")
    assert refusal.locator('a[href^="#gfmd-pin-"]').inner_text() == named
