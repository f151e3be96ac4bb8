"""In a real browser: a question shows with a progress cue in its language within 200 ms of pressing Enter,
even while the server is busy answering someone else; the answer then streams in the cue's place, and a
generated answer word by word as the model writes it."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any, Unpack

import pytest

from gfmd.records import AskOptions, StreamEvent
from tests.browser.conftest import TIMEOUT_MS, WordByWord, ask, bot_messages, question_box
from tests.fakes import ScriptedChatModel
from tests.ui.conftest import build_tiny_assistant, free_port
from ui.chat import PROGRESS

pytestmark = pytest.mark.browser

QUESTION = "How much money did the pilot facility raise?"
SPANISH = "¿Cuánto dinero recaudó el pilot facility?"
CUE_WITHIN_MS = 200
# Times the moment Enter is pressed, and the first time the question's answer bubble shows any text.
WATCH_JS = """(turn) => {
  window.__gfmdCue = {pressed: null, shown: null, text: null};
  const box = document.querySelector('#gfmd-question textarea');
  box.addEventListener('keydown', (e) => { if (e.key === 'Enter') window.__gfmdCue.pressed = performance.now(); },
                       {capture: true, once: true});
  const observer = new MutationObserver(() => {
    const bot = document.querySelectorAll('#gfmd-chat [data-testid="bot"]')[turn];
    if (window.__gfmdCue.pressed !== null && bot && bot.innerText.trim()) {
      window.__gfmdCue.shown = performance.now();
      window.__gfmdCue.text = bot.innerText.trim();
      observer.disconnect();
    }
  });
  observer.observe(document.querySelector('#gfmd-chat'), {subtree: true, childList: true, characterData: true});
}"""


class Thinking(WordByWord):
    """The real assistant, taking two seconds before its first word (as retrieval on a loaded server may)."""

    def stream(self, question: str, **options: Unpack[AskOptions]) -> Iterator[StreamEvent]:
        time.sleep(2.0)
        yield from super().stream(question, **options)


@pytest.fixture(scope="module")
def busy_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One answer at a time, so a second reader's question waits in the queue."""
    from ui.app import launch

    tiny = build_tiny_assistant(tmp_path_factory.mktemp("progress"), ui_concurrency=1)
    demo = launch(tiny.settings, prevent_thread_lock=True, assistant=Thinking(tiny), server_port=free_port())
    yield demo.local_url
    demo.close()


def open_page(browser: Any, url: str) -> Any:
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    question_box(page).wait_for()
    return page


def test_the_cue_shows_within_200_ms_while_another_answer_runs(browser: Any, busy_app: str) -> None:
    from playwright.sync_api import expect

    other, page = open_page(browser, busy_app), open_page(browser, busy_app)
    try:
        question_box(other).fill(QUESTION)
        question_box(other).press("Enter")  # takes the server's one answering slot for two seconds
        expect(bot_messages(other)).to_have_count(1)
        page.evaluate(WATCH_JS, 0)
        question_box(page).fill(SPANISH)
        question_box(page).press("Enter")
        page.wait_for_function("() => window.__gfmdCue.shown !== null")
        cue = page.evaluate("window.__gfmdCue")
        assert cue["text"] == PROGRESS["es"]
        assert cue["shown"] - cue["pressed"] < CUE_WITHIN_MS
        assert question_box(page).input_value() == ""
        # The answer replaces the cue once the server gets to it.
        page.locator('#gfmd-sources [data-turn="0"]').wait_for()
        assert "60 million" in bot_messages(page).first.inner_text()
        assert PROGRESS["es"] not in bot_messages(page).first.inner_text()
    finally:
        other.context.close()
        page.context.close()


GENERATED = "The pilot facility collected 60 million dollars from eleven donors in its first year"
PASSAGE = re.compile(r"\[(\d+)\] [^\n]*\n<<<\n(.*?)\n>>>", re.DOTALL)  # a numbered passage of the prompt
GROWTH_JS = """() => {
  window.__gfmdSeen = [];
  new MutationObserver(() => {
    const bot = document.querySelector('#gfmd-chat [data-testid="bot"]');
    if (bot) window.__gfmdSeen.push(bot.innerText.trim());
  }).observe(document.querySelector('#gfmd-chat'), {subtree: true, childList: true, characterData: true});
}"""


class SlowModel(ScriptedChatModel):
    """The scripted fake model, a word every 50 ms (as a model on a CPU writes)."""

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for chunk in super()._stream(*args, **kwargs):
            time.sleep(0.05)
            yield chunk


def restate(prompt: str) -> str:
    """The model's answer, citing the prompt's passage that holds the figure."""
    number = next((n for n, body in PASSAGE.findall(prompt) if "60 million" in body), "1")
    return f"{GENERATED} [{number}]."


@pytest.fixture(scope="module")
def generative_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Generative answers from the slow fake model, verified at the fake embedder's similarities."""
    from assistant.api import Assistant
    from ui.app import launch

    tiny = build_tiny_assistant(tmp_path_factory.mktemp("generated"))
    update = {"answer_mode": "generative", "llm_backend": "local", "llm_same_language": "restate"}
    settings = tiny.settings.model_copy(update={**update, "support_threshold": 0.0})
    assistant = Assistant(settings, index=tiny.index, llm=SlowModel(script=restate))
    demo = launch(settings, prevent_thread_lock=True, assistant=assistant, server_port=free_port())
    yield demo.local_url
    demo.close()


def test_a_generated_answer_streams_as_the_model_writes_it(browser: Any, generative_app: str) -> None:
    page = open_page(browser, generative_app)
    try:
        page.evaluate(GROWTH_JS)
        message = ask(page, QUESTION)
        assert message.inner_text().startswith(GENERATED)
        seen = [text for text in page.evaluate("window.__gfmdSeen") if text and text not in PROGRESS.values()]
        partial = {text for text in seen if GENERATED.startswith(text)}
        assert len(partial) >= 5, seen  # the words showed as they came, before the verified answer
    finally:
        page.context.close()
