"""In a real browser: a reader's answer mode and brief survive a reload and a server restart, and the
generative model's status banner follows the model as it gets ready, or is disabled."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gfmd.records import ModelStatus
from tests.browser.conftest import TIMEOUT_MS, WordByWord, ask, open_tab, pin, question_box
from tests.ui.conftest import build_tiny_assistant, free_port

pytestmark = pytest.mark.browser

QUESTION = "How much money did the pilot facility raise?"
PREPARING = "Generative answers are being prepared: the local model is still being set up."
DISABLED = "Generative mode is off: the model worker crashed three times."


class ChangingModel(WordByWord):
    """The real assistant, with a model status the test sets as it goes."""

    def __init__(self, assistant: Any, status: ModelStatus) -> None:
        super().__init__(assistant)
        self.status = status

    def model_status(self) -> ModelStatus:
        return self.status


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_tiny_assistant(tmp_path_factory.mktemp("sessions"))


def serve(settings: Any, assistant: Any, port: int) -> Any:
    from ui.app import launch

    return launch(settings, prevent_thread_lock=True, assistant=assistant, server_port=port, quiet=True)


@pytest.fixture
def reader(browser: Any) -> Iterator[Any]:
    """A new browser profile (its own localStorage, so its own client id)."""
    contexts: list[Any] = []

    def open_page(url: str, login: tuple[str, str] | None = None) -> Any:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        if login:
            answer = context.request.post(f"{url}login", form={"username": login[0], "password": login[1]})
            assert answer.ok, answer.status
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        question_box(page).wait_for()
        return page

    yield open_page
    for context in contexts:
        context.close()


def saved_rows(settings: Any) -> list[tuple[str, str, str]]:
    """(key, mode, title) of every saved session."""
    path = Path(settings.index_dir) / "sessions.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return db.execute("SELECT key, mode, title FROM sessions ORDER BY key").fetchall()


def wait_until(check: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def mode_of(page: Any, mode: str) -> Any:
    return page.locator(f'#gfmd-mode input[type="radio"][value="{mode}"]')


def choose_mode(page: Any, mode: str) -> None:
    page.locator("#gfmd-mode label", has_text=mode).click()


def expect_brief(page: Any, headings: list[str], title: str) -> None:
    from playwright.sync_api import expect

    open_tab(page, "Brief")
    brief = page.locator("#gfmd-brief")
    expect(brief.locator(".gfmd-brief-title")).to_have_text(title)
    expect(brief.locator(".gfmd-brief-item h3")).to_have_text([f"{n}. {h}" for n, h in enumerate(headings, 1)])
    open_tab(page, "Chat")


def test_mode_and_brief_survive_a_reload_and_a_server_restart(tiny: Any, reader: Any) -> None:
    from playwright.sync_api import expect

    port = free_port()
    demo = serve(tiny.settings, WordByWord(tiny), port)
    try:
        page = reader(demo.local_url)
        expect(mode_of(page, "extractive")).to_be_checked()
        pin(ask(page, QUESTION))
        page.get_by_text("Added to the brief (1 item)").wait_for()
        choose_mode(page, "generative")
        expect(mode_of(page, "generative")).to_be_checked()
        open_tab(page, "Brief")
        page.locator("#gfmd-brief-title input, #gfmd-brief-title textarea").first.fill("Pilot notes")
        expect(page.locator("#gfmd-brief .gfmd-brief-title")).to_have_text("Pilot notes")
        wait_until(lambda: [row[1:] for row in saved_rows(tiny.settings)] == [("generative", "Pilot notes")])

        page.reload()
        question_box(page).wait_for()
        expect(mode_of(page, "generative")).to_be_checked()
        expect_brief(page, [QUESTION], "Pilot notes")
        # Another browser has its own (empty) session; opening the page writes nothing.
        other = reader(demo.local_url)
        expect(mode_of(other, "extractive")).to_be_checked()
        open_tab(other, "Brief")
        expect(other.locator("#gfmd-brief")).to_contain_text("The brief is empty")
        other.wait_for_timeout(1000)
        assert len(saved_rows(tiny.settings)) == 1
    finally:
        demo.close()

    demo = serve(tiny.settings, WordByWord(tiny), port)  # a new server on the same index dir and address
    try:
        page.reload()
        question_box(page).wait_for()
        expect(mode_of(page, "generative")).to_be_checked()
        expect_brief(page, [QUESTION], "Pilot notes")
        # Editing the restored brief is saved too.
        open_tab(page, "Brief")
        page.locator("#gfmd-brief-remove").click()
        expect(page.locator("#gfmd-brief")).to_contain_text("The brief is empty")
        wait_until(lambda: "[]" in saved_briefs(tiny.settings))
        page.reload()
        question_box(page).wait_for()
        open_tab(page, "Brief")
        expect(page.locator("#gfmd-brief")).to_contain_text("The brief is empty")
    finally:
        demo.close()


def saved_briefs(settings: Any) -> list[str]:
    with sqlite3.connect(Path(settings.index_dir) / "sessions.sqlite3") as db:
        return [row[0] for row in db.execute("SELECT brief FROM sessions")]


def test_with_a_login_the_brief_follows_the_reader_to_another_browser(
    tiny: Any, reader: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setenv("GFMD_AUTH", "ana:s3cret,ben:pw2")
    settings = tiny.settings.model_copy(update={"index_dir": tmp_path / "index"})
    demo = serve(settings, WordByWord(tiny), free_port())
    try:
        laptop = reader(demo.local_url, login=("ana", "s3cret"))
        pin(ask(laptop, QUESTION))
        laptop.get_by_text("Added to the brief (1 item)").wait_for()
        wait_until(lambda: [row[0] for row in saved_rows(settings)] == ["user:ana"])
        desktop = reader(demo.local_url, login=("ana", "s3cret"))  # another browser, the same login
        expect_brief(desktop, [QUESTION], "Brief")
        colleague = reader(demo.local_url, login=("ben", "pw2"))
        open_tab(colleague, "Brief")
        expect(colleague.locator("#gfmd-brief")).to_contain_text("The brief is empty")
    finally:
        demo.close()


def test_the_banner_follows_the_model_and_only_unchosen_modes_follow_it(tiny: Any, reader: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    settings = tiny.settings.model_copy(update={"answer_mode": "generative", "index_dir": tmp_path / "index"})
    model = ChangingModel(tiny, ModelStatus(state="preparing", message=PREPARING))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("ui.session_wiring.STATUS_EVERY_S", 1.0)
        patch.setattr("ui.model_status.NOTICE_SECONDS", 4.0)
        demo = serve(settings, model, free_port())
    try:
        follower = reader(demo.local_url)  # never picks a mode
        banner = follower.locator("#gfmd-model-status")
        expect(banner).to_have_text(PREPARING)
        expect(mode_of(follower, "extractive")).to_be_checked()
        chooser = reader(demo.local_url)
        expect(chooser.locator("#gfmd-model-status")).to_have_text(PREPARING)
        choose_mode(chooser, "generative")
        expect(mode_of(chooser, "generative")).to_be_checked()
        choose_mode(chooser, "extractive")  # changes its mind: an explicit choice of the default
        expect(mode_of(chooser, "extractive")).to_be_checked()
        chooser.wait_for_timeout(500)

        model.status = ModelStatus(state="ready")
        expect(mode_of(follower, "generative")).to_be_checked()
        expect(banner).to_have_text("Generative answers are now available.")
        expect(chooser.locator("#gfmd-model-status")).to_contain_text("choose “generative” under Answer mode")
        expect(mode_of(chooser, "extractive")).to_be_checked()
        expect(banner).to_be_hidden(timeout=15_000)  # the notice is brief
        # A page opened now starts in generative mode without a banner.
        late = reader(demo.local_url)
        expect(mode_of(late, "generative")).to_be_checked()
        expect(late.locator("#gfmd-model-status")).to_be_hidden()

        model.status = ModelStatus(state="disabled", message=DISABLED, crashes=3)
        expect(mode_of(follower, "extractive")).to_be_checked()
        expect(banner).to_have_text(f"{DISABLED} The answer mode was switched to extractive.")
        expect(chooser.locator("#gfmd-model-status")).to_have_text(DISABLED)
        follower.wait_for_timeout(2500)  # later polls leave the mode and the reason alone
        expect(mode_of(follower, "extractive")).to_be_checked()
        expect(banner).to_contain_text(DISABLED)
    finally:
        demo.close()
