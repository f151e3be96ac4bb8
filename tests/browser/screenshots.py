"""Take the README's screenshots of the web chat: a cross-lingual answer with its source page on a desktop and on a
phone, the brief, the library, a PDF page.

    GFMD_INDEX_DIR=/tmp/ui-idx gfmd ingest corpus
    GFMD_INDEX_DIR=/tmp/ui-idx GFMD_ANSWER_MODE=extractive gfmd serve --port 7902 &
    python -m tests.browser.screenshots http://127.0.0.1:7902/ docs [--mode generative] \
        --upload ../shared/corpus/public/IOM_2023_EU-IOM-JI-HornOfAfrica_Evaluation-Brief_en.pdf

`--upload` adds that document through the library tab (so the index gains it) and shows one of its PDF pages.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, choose_mode

SPANISH = "¿Qué propone el documento para financiar las alianzas en materia de migración?"
ENGLISH = "How many international migrants were there in 2019?"
PDF_QUESTION = "Which countries did the EU-IOM Joint Initiative in the Horn of Africa cover?"


def ask(page: Any, question: str) -> Any:
    turn = page.locator('#gfmd-chat [data-testid="bot"]').count()
    box = page.locator("#gfmd-question textarea").first
    box.fill(question)
    box.press("Enter")
    page.locator(f'#gfmd-sources [data-turn="{turn}"]').wait_for()
    return page.locator('#gfmd-chat [data-testid="bot"]').nth(turn)


def pin(message: Any) -> None:
    message.locator('a[href^="#gfmd-pin-"]').click()


def settle(page: Any) -> None:
    """Let toasts fade and scrolling end before a screenshot."""
    page.mouse.move(5, 5)
    page.wait_for_timeout(4500)


def take(url: str, out: Path, upload: Path | None, mode: str = "extractive") -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
        page.set_default_timeout(300_000)
        page.goto(url)
        page.locator("#gfmd-question textarea").first.wait_for()
        choose_mode(page, mode)
        settle(page)
        page.screenshot(path=str(out / "ui-welcome.png"))
        shots.append(out / "ui-welcome.png")

        pin(ask(page, SPANISH))
        message = ask(page, ENGLISH)  # answered from the Spanish paper: a cross-lingual answer
        pin(message)
        message.locator('a[href^="#gfmd-source-"]').first.click()
        page.locator("#gfmd-viewer .gfmd-page-text mark").wait_for()
        settle(page)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(out / "ui-chat.png"))  # the first screen: the answer, its sources and its page
        shots.append(out / "ui-chat.png")
        shots.append(phone_view(browser, url, out / "ui-phone.png", mode))

        page.get_by_role("tab", name="Brief").click()
        page.locator("#gfmd-brief .gfmd-brief-item").first.wait_for()
        page.locator("#gfmd-brief-title input, #gfmd-brief-title textarea").first.fill("Partnerships for migration")
        page.locator("#gfmd-brief-export").click()
        page.locator("#gfmd-brief-docx a").first.wait_for()
        settle(page)
        page.screenshot(path=str(out / "ui-brief.png"), full_page=True)
        shots.append(out / "ui-brief.png")

        page.get_by_role("tab", name="Library").click()
        if upload is not None:
            page.locator("#gfmd-upload input[type=file]").set_input_files([str(upload)])
            page.locator("#gfmd-upload-add").click()
            page.locator("#gfmd-upload-status .gfmd-upload-report").wait_for()
        settle(page)
        page.screenshot(path=str(out / "ui-library.png"), full_page=True)
        shots.append(out / "ui-library.png")

        if upload is not None:
            page.get_by_role("tab", name="Chat").click()
            page.locator("#gfmd-new").click()
            page.wait_for_function("() => !document.querySelector('#gfmd-chat [data-testid=\"bot\"]')")
            message = ask(page, PDF_QUESTION)
            message.locator('a[href^="#gfmd-source-"]').first.click()
            page.locator("#gfmd-page-image img").wait_for()
            settle(page)
            page.screenshot(path=str(out / "ui-pdf-page.png"), full_page=True)
            shots.append(out / "ui-pdf-page.png")
        browser.close()
    return shots


def phone_view(browser: Any, url: str, path: Path, mode: str) -> Path:
    """The same cross-lingual answer at phone size (400×850), the whole page: chat, sources and page, actions."""
    page = browser.new_page(viewport={"width": 400, "height": 850}, device_scale_factor=1, is_mobile=True)
    page.set_default_timeout(300_000)
    page.goto(url)
    page.locator("#gfmd-question textarea").first.wait_for()
    choose_mode(page, mode)
    message = ask(page, ENGLISH)
    message.locator('a[href^="#gfmd-source-"]').first.click()
    page.locator("#gfmd-viewer .gfmd-page-text mark").wait_for()
    settle(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    page.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", nargs="?", default="http://127.0.0.1:7860/")
    parser.add_argument("out", nargs="?", type=Path, default=Path("docs"))
    parser.add_argument("--upload", type=Path, help="A PDF to add through the library tab.")
    parser.add_argument("--mode", choices=["extractive", "generative"], default="extractive", help="The answer mode.")
    args = parser.parse_args()
    for shot in take(args.url, args.out, args.upload, args.mode):
        print(shot)


if __name__ == "__main__":
    main()
