"""Browser tests: Playwright for Python driving Debian's Chromium against the live app on 127.0.0.1.

CI installs them with `pip install playwright==1.65.2` and `apt-get install -y chromium` (never
`playwright install`, which downloads browsers). Where either is missing the tests are skipped locally and fail
in CI (CI=true), so a broken install cannot pass unnoticed.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Unpack

import pytest

from gfmd.records import AskOptions, StreamEvent
from tests.ui.conftest import build_tiny_assistant, free_port

CHROMIUM = os.environ.get("GFMD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 60_000


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


class WordByWord:
    """The real assistant, with each streamed sentence split into words a few milliseconds apart, so the
    browser sees the answer grow (extractive answers otherwise arrive as whole sentences)."""

    def __init__(self, assistant: Any, delay: float = 0.03) -> None:
        self.assistant = assistant
        self.index = assistant.index
        self.delay = delay

    def stream(self, question: str, **options: Unpack[AskOptions]) -> Iterator[StreamEvent]:
        for event in self.assistant.stream(question, **options):
            if event.kind != "token":
                yield event
                continue
            for word in event.text.split(" "):
                time.sleep(self.delay)
                yield StreamEvent(kind="token", text=word + " ")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright==1.65.2)")
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """(url, settings) of the web app over a tiny real index (fake embedder), answers streamed word by word."""
    from ui.app import launch

    assistant = build_tiny_assistant(tmp_path_factory.mktemp("browser"))
    demo = launch(
        assistant.settings,
        prevent_thread_lock=True,
        assistant=WordByWord(assistant),
        server_port=free_port(),
        quiet=True,
    )
    yield demo.local_url, assistant.settings
    demo.close()


@pytest.fixture
def page(browser: Any, live_app: tuple[str, Any]) -> Iterator[Any]:
    """A fresh page on the app (its own session), recording every request that leaves 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.external_requests = []
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else page.external_requests.append(r.url)
        ),
    )
    page.goto(live_app[0])
    question_box(page).wait_for()
    yield page
    context.close()


def question_box(page: Any) -> Any:
    return page.locator("#gfmd-question textarea").first


def bot_messages(page: Any) -> Any:
    return page.locator('#gfmd-chat [data-testid="bot"]')


def ask(page: Any, question: str) -> Any:
    """Type a question, press Enter and wait for the finished answer (its sources panel); returns its message."""
    turn = bot_messages(page).count()
    question_box(page).fill(question)
    question_box(page).press("Enter")
    page.locator(f'#gfmd-sources [data-turn="{turn}"]').wait_for()
    return bot_messages(page).nth(turn)


def open_tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def pin(message: Any) -> None:
    """Press an answer's own "add to brief" button."""
    message.locator('a[href^="#gfmd-pin-"]').click()


def choose_mode(page: Any, mode: str) -> None:
    """Pick the answer mode once the page has restored the reader's session (which may set it too)."""
    radio = page.locator(f'#gfmd-mode input[type="radio"][value="{mode}"]')
    for _ in range(10):
        page.wait_for_timeout(500)
        if radio.is_checked():
            page.wait_for_timeout(1500)  # a session restore still under way on a cold server would undo the click
            if radio.is_checked():
                return
        page.locator("#gfmd-mode label", has_text=mode).click()
    raise RuntimeError(f"the answer mode {mode} could not be chosen")
