"""Measure, in a real browser, the time from pressing Enter to the first feedback (the question shown with its
progress cue), to the first words of the answer and to the complete answer (its sources shown), for five
questions; prints each and the medians.

    GFMD_INDEX_DIR=/tmp/ui-idx GFMD_ANSWER_MODE=extractive gfmd serve --port 7902 &
    python -m tests.browser.latency http://127.0.0.1:7902/ --repeat 1 [--mode generative]

Times are taken in the page (`performance.now()`), so they include the queue, the websocket/SSE stream and
rendering, as a reader experiences them.
"""

from __future__ import annotations

import argparse
import json
import statistics
from typing import Any

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, choose_mode
from ui.chat import PROGRESS

QUESTIONS = [
    "How many international migrants were there in 2019?",
    "¿Qué propone el documento para financiar las alianzas en materia de migración?",
    "Combien le Fonds fiduciaire de KNOMAD a-t-il recueilli ?",
    "What role can diasporas play in migration partnerships?",
    "¿Qué papel tienen las autoridades locales en las alianzas?",
]

# `cues` are the progress cue's texts: a bubble showing one is feedback, not yet the answer's first words.
WATCH_JS = """([turn, cues]) => {
  const box = document.querySelector('#gfmd-question textarea');
  window.__gfmd = {t0: null, feedback: null, first: null, done: null};
  box.addEventListener('keydown', (e) => { if (e.key === 'Enter' && window.__gfmd.t0 === null)
    window.__gfmd.t0 = performance.now(); }, {capture: true, once: true});
  const observer = new MutationObserver(() => {
    const t = performance.now(), state = window.__gfmd;
    if (state.t0 === null) return;
    const bot = document.querySelectorAll('#gfmd-chat [data-testid="bot"]')[turn];
    const text = bot ? bot.innerText.trim() : '';
    if (state.feedback === null && text) state.feedback = t;
    if (state.first === null && text && !cues.includes(text)) state.first = t;
    if (document.querySelector(`#gfmd-sources [data-turn="${turn}"]`)) {
      state.done = t;
      if (state.first === null) state.first = t;  // the text and its sources arrived together (no streaming)
      if (state.feedback === null) state.feedback = t;
      observer.disconnect();
    }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def measure(
    url: str, questions: list[str], mode: str = "extractive", timeout_ms: int = 180_000
) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    results: list[dict[str, Any]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(timeout_ms)
        page.goto(url)
        box = page.locator("#gfmd-question textarea").first
        box.wait_for()
        choose_mode(page, mode)
        for question in questions:
            page.locator("#gfmd-new").click()  # each question on its own, not as a follow-up
            page.wait_for_function("() => !document.querySelector('#gfmd-chat [data-testid=\"bot\"]')")
            page.evaluate(WATCH_JS, [0, list(PROGRESS.values())])
            box.fill(question)
            box.press("Enter")
            page.locator('#gfmd-sources [data-turn="0"]').wait_for()
            state = page.evaluate("window.__gfmd")
            results.append(
                {
                    "question": question,
                    "first_feedback_ms": round(state["feedback"] - state["t0"]),
                    "first_text_ms": round(state["first"] - state["t0"]),
                    "full_answer_ms": round(state["done"] - state["t0"]),
                }
            )
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", nargs="?", default="http://127.0.0.1:7860/")
    parser.add_argument("--repeat", type=int, default=1, help="Ask the question list this many times.")
    parser.add_argument("--warm-up", action="store_true", help="Leave the first (cold) question out of the medians.")
    parser.add_argument("--mode", choices=["extractive", "generative"], default="extractive", help="The answer mode.")
    args = parser.parse_args()
    results = measure(args.url, QUESTIONS * args.repeat, mode=args.mode)
    if args.warm_up:
        results = results[1:]
    summary = {"mode": args.mode, "questions": len(results)}
    for name in ("first_feedback_ms", "first_text_ms", "full_answer_ms"):
        summary[f"median_{name}"] = statistics.median(r[name] for r in results)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
