"""A cross-lingual answer in the browser: an English or French question answered from a Spanish source shows the
verbatim quote with a key-points line in the asker's language, at desktop and phone width, and in the brief."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import TIMEOUT_MS, ask, open_tab, pin, question_box
from tests.ui.conftest import build_tiny_assistant, free_port

pytestmark = pytest.mark.browser

# A paragraph of the seed paper (GFMD 2020 background paper, p. 18).
SPANISH_SOURCE = (
    "Financiación de las alianzas\n\nEl presupuesto de la UE para la crisis de refugiados y mejora de la gestión de la "
    "migración durante 2015- 2017 totalizó € 17.7 mil millones. Este presupuesto se destinó sobre todo a los países "
    "vecinos de Europa.\n"
)
QUOTE = "totalizó € 17.7 mil millones"
ENGLISH = "How much did the EU budget for the refugee crisis total in 2015-2017?"
FRENCH = "À combien s'est élevé le budget de l'UE pour la crise des réfugiés ?"


@pytest.fixture(scope="module")
def spanish_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from assistant.library import documents as library
    from ui.app import launch

    root = tmp_path_factory.mktemp("crosslingual")
    assistant = build_tiny_assistant(root)
    source = root / "alianzas-extracto_2020_es.txt"
    source.write_text(SPANISH_SOURCE, encoding="utf-8")
    assert library.add_files([source], assistant.settings, index=assistant.index).ok
    port = free_port()
    demo = launch(assistant.settings, prevent_thread_lock=True, assistant=assistant, server_port=port, quiet=True)
    yield demo.local_url
    demo.close()


def _open(browser: Any, url: str, width: int, height: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    question_box(page).wait_for()
    return page


def test_an_english_question_gets_the_spanish_quote_and_key_points_in_english(browser: Any, spanish_app: str) -> None:
    page = _open(browser, spanish_app, 1400, 1000)
    message = ask(page, ENGLISH)
    assert QUOTE in message.inner_text()  # the verbatim quote stays
    gloss = message.locator(".gfmd-gloss")
    assert gloss.count() == 1
    line = gloss.inner_text()
    assert line.startswith("↳ In brief (Spanish quote, not a translation): gives")
    assert "€ 17.7 billion" in line and "mil millones" not in line
    box = gloss.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 1000  # within the first screen
    page.context.close()


def test_a_french_question_gets_french_key_points_on_a_phone_and_in_the_brief(
    browser: Any, spanish_app: str, tmp_path: Path
) -> None:
    page = _open(browser, spanish_app, 400, 850)
    message = ask(page, FRENCH)
    gloss = message.locator(".gfmd-gloss")
    line = gloss.inner_text()
    assert line.startswith("↳ En bref (citation en espagnol, pas une traduction) : donne")
    assert "€ 17.7 milliards" in line
    box = gloss.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 400  # not cut off at phone width
    pin(message)
    page.get_by_text("Added to the brief (1 item)").wait_for()
    open_tab(page, "Brief")
    item = page.locator("#gfmd-brief .gfmd-brief-item").first
    assert "€ 17.7 milliards" in item.inner_text()  # the brief keeps the key points with the quote
    page.context.close()
