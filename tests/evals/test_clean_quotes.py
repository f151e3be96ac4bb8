"""The evaluation accepts a clean quote of the seed paper (footnote markers, a footnote's number or a heading
left out) and still rejects an altered one; footnote markers are no figures in its support check."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.golden import GoldenItem, GoldPassage
from evals.metrics.base import ItemRun
from evals.metrics.citation_support import lexical_gaps
from evals.metrics.citation_validity import PageTexts, score_citation_validity
from gfmd.records import Answer, AnswerSentence, Citation
from tests.conftest import SEED_NAME

# The seed paper, page segment 7 and 8, as written ("descoordinada.13", "voluntaria.14", "14 El mecanismo").
FUNDS = (
    "Los fondos no son necesariamente escasos, pero sí que se gastan actualmente de manera fragmentada y "
    "descoordinada. Por un lado, los recursos deben canalizarse de manera más eficiente y coherente."
)
NOTE = "El mecanismo de financiación en este contexto se refiere a una financiación destinada directamente a los"
KNOMAD = (
    "Fondo Fiduciario General de Múltiples Donantes para la Migración de KNOMAD establecido por el Banco Mundial en "
    "junio de 2020."
)


def _run(quote: str, page: int) -> ItemRun:
    gold = (GoldPassage(SEED_NAME, page, quote),)
    golden = GoldenItem(id="q", question="q", lang="es", answerable=True, category="figure", facts=(), gold=gold)
    citation = Citation(
        n=1, chunk_id="c", doc_id="d", title="t", source=SEED_NAME, page=page, lang="es", quote=quote, text=quote,
        score=1.0,
    )  # fmt: skip
    answer = Answer(
        question="q", answer=f"{quote} [1]", refused=False, mode="extractive", lang="es", citations=[citation],
        sentences=[AnswerSentence(text=quote, citations=[1])],
    )  # fmt: skip
    return ItemRun(golden, answer, [], {}, "es")


@pytest.mark.parametrize(("quote", "page"), [(FUNDS, 7), (NOTE, 7), (KNOMAD, 8)])
def test_a_clean_quote_is_valid_on_its_page(seed_path: Path, quote: str, page: int) -> None:
    assert score_citation_validity([_run(quote, page)], PageTexts({SEED_NAME: seed_path})).value == 1.0


@pytest.mark.parametrize(
    ("quote", "page"),
    [
        (FUNDS.replace("fragmentada", "coordinada"), 7),  # a word changed
        (FUNDS.replace("descoordinada.", "descoordinada.15"), 7),  # another footnote's number
        (KNOMAD.replace("2020", "2021"), 8),  # a figure changed
        (FUNDS, 8),  # the right words, another page
    ],
)
def test_an_altered_quote_is_still_invalid(seed_path: Path, quote: str, page: int) -> None:
    result = score_citation_validity([_run(quote, page)], PageTexts({SEED_NAME: seed_path}))
    assert result.value == 0.0 and "quote not on p." in result.verdicts[0].detail


def test_a_footnote_marker_is_no_figure_in_the_support_check() -> None:
    passage = "establecido por el Banco Mundial en junio de 2020.17 El Fondo Fiduciario"
    assert lexical_gaps("El fondo fue establecido en junio de 2020.", [passage]) == []
    assert lexical_gaps("El fondo fue establecido en junio de 2021.", [passage]) == ["2021"]
