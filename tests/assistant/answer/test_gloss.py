"""The key-points line of a quote in another language (assistant/answer/gloss.py), on sentences of the seed paper
and of the public documents, asked about in the other two languages."""

from __future__ import annotations

from assistant.answer.gloss import key_points, with_key_points
from gfmd.records import AnswerSentence, Citation
from gfmd.text.languages import detect_language

# Seed paper (Spanish), pages 5 and 18.
REMITTANCES = (
    "En el 2019, los flujos de remesas a los países de ingresos medios y bajos ascendió a los $554 mil millones, "
    "a saber, tres veces más que la ayuda total al desarrollo y más que los flujos de inversión extranjera directa "
    "(IED) (Banco Mundial 2020)."
)
EU_BUDGET = (
    "El presupuesto de la UE para la crisis de refugiados y mejora de la gestión de la migración durante 2015- 2017 "
    "totalizó € 17.7 mil millones."
)
SESSION = (
    "Cuarenta y seis organizaciones, incluidos 19 gobiernos, ocho organizaciones de la sociedad civil, ocho alcaldes "
    "y autoridades locales y dos representantes de las empresas participaron en la sesión."
)
# Migration Data Strategy case study (English).
DATA_HUB = (
    "The Asia-Pacific Regional Data Hub, based in the Regional Office for Asia and the Pacific (Bangkok), was "
    "established in 2020 as part of the MDS."
)


def test_a_magnitude_is_written_as_the_asker_writes_it() -> None:
    line = key_points(REMITTANCES, "es", "How much did remittance flows reach in 2019?", "en")
    assert line.startswith("In brief (Spanish quote, not a translation): gives 2019, $ 554 billion")
    assert "mil millones" not in line and "names “IED”, “Banco Mundial”;" in line
    assert "remittance" in line  # the asker's word for what the quote is about ("remesas")
    french = key_points(EU_BUDGET, "es", "À combien s'est élevé le budget de l'UE pour la crise des réfugiés ?", "fr")
    assert "€ 17.7 milliards" in french and "2015- 2017" in french
    assert french.startswith("En bref (citation en espagnol, pas une traduction) : ")


def test_number_words_are_figures_and_the_line_is_in_the_askers_language() -> None:
    question = "Combien d'organisations, dont combien de gouvernements, ont participé à la session de travail ?"
    line = key_points(SESSION, "es", question, "fr")
    assert "donne 46, 19, 8" in line and "organisations" in line and "gouvernements" in line
    assert detect_language(line) == "fr"


def test_an_english_quote_for_a_spanish_question() -> None:
    question = "¿Dónde tiene su sede el Centro Regional de Datos de la OIM para Asia y el Pacífico y cuándo se creó?"
    line = key_points(DATA_HUB, "en", question, "es")
    assert line.startswith("En breve (cita en inglés, no es una traducción): da 2020")
    assert "nombra “Regional Data Hub”, “Regional Office for Asia”, “MDS”;" in line  # names as the quote has them
    assert "Centro Regional" in line and "Pacífico" in line  # the question's own words, matched across languages


def test_a_quote_with_nothing_to_extract_points_to_the_source() -> None:
    line = key_points("Es importante.", "es", "Why does it matter?", "en")
    assert line == "In brief (Spanish quote, not a translation): see the highlighted passage in the sources."


def _citation(n: int, lang: str, quote: str) -> Citation:
    return Citation(
        n=n, chunk_id=f"c{n}", doc_id="d", title="t", source="s", page=1, lang=lang, quote=quote, text=quote, score=1
    )


def test_only_sentences_in_another_language_get_a_line() -> None:
    english = "In 2019 there were 272 million international migrants."
    sentences = [AnswerSentence(text=REMITTANCES, citations=[1]), AnswerSentence(text=english, citations=[2])]
    citations = [_citation(1, "es", REMITTANCES), _citation(2, "en", english)]
    glossed = with_key_points(sentences, citations, "How much did remittances reach in 2019?", "en")
    assert glossed[0].gloss.startswith("In brief (Spanish quote") and glossed[1].gloss == ""
    same = with_key_points(sentences[:1], citations[:1], "¿Cuánto alcanzaron las remesas?", "es")
    assert same[0].gloss == ""


def test_a_percentage_in_words_is_one_figure() -> None:
    quote = (
        "En 2019, el número de migrantes internacionales giraba en torno a los 272 millones, a saber, "
        "aproximadamente el 3.5 por ciento de la población mundial (ONU DAES 2019)."
    )
    line = key_points(quote, "es", "How many international migrants were there in 2019?", "en")
    assert "gives 2019, 272 million, 3.5 %;" in line and "100" not in line
