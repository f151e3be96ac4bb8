from __future__ import annotations

import pytest

from gfmd.text.sentences import is_preambular, sentence_spans, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The rate was 3.5 per cent. It rose in 2019.", ["The rate was 3.5 per cent.", "It rose in 2019."]),
        (
            "Partners (e.g. cities and NGOs) joined. Others did not.",
            ["Partners (e.g. cities and NGOs) joined.", "Others did not."],
        ),
        (
            "Actores importantes (p.ej. La sociedad civil) se sumaron. Otra frase.",
            ["Actores importantes (p.ej. La sociedad civil) se sumaron.", "Otra frase."],
        ),
        (
            "Actores importantes (p.ej.: la sociedad civil, ciudades) o abiertas. Otra frase.",
            ["Actores importantes (p.ej.: la sociedad civil, ciudades) o abiertas.", "Otra frase."],
        ),
        (
            "Los migrantes en EE.UU. envían remesas. Otra frase aquí.",
            ["Los migrantes en EE.UU. envían remesas.", "Otra frase aquí."],
        ),
        (
            "The U.S. government funded it. Then Dr. Smith left.",
            ["The U.S. government funded it.", "Then Dr. Smith left."],
        ),
        ("See Fig. 3 for details. Done here.", ["See Fig. 3 for details.", "Done here."]),
        ("Version 10.7.1 shipped. It works.", ["Version 10.7.1 shipped.", "It works."]),
        ("¿Qué es? ¡Nada! Así es.", ["¿Qué es?", "¡Nada!", "Así es."]),
        ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
        ("No terminal punctuation here", ["No terminal punctuation here"]),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_footnote_digits_stay_with_their_sentence() -> None:
    text = "Las remesas crecieron mucho.12 El siguiente párrafo empieza aquí."
    assert split_sentences(text) == ["Las remesas crecieron mucho.12", "El siguiente párrafo empieza aquí."]


def test_lowercase_after_period_is_not_a_boundary() -> None:
    assert split_sentences("Approx. five people came. Fine.") == ["Approx. five people came.", "Fine."]
    assert len(split_sentences("It cost 3. and then more came.")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "  Leading space. Two  spaces   between words.\nA new line. ",
        "En 2019, el número de migrantes giraba en torno a los 272 millones.1 Nueve de cada diez son “económicos”.",
        "¿Cómo? Así.  (Véase p.ej. el anexo.) Fin.",
    ],
)
def test_spans_are_verbatim_offsets(text: str) -> None:
    spans = sentence_spans(text)
    assert spans, text
    previous_end = 0
    for start, end in spans:
        sentence = text[start:end]
        assert sentence == sentence.strip() and sentence
        assert start >= previous_end
        assert text[previous_end:start].strip() == ""  # nothing but whitespace is dropped between sentences
        previous_end = end
    assert text[previous_end:].strip() == ""
    assert split_sentences(text) == [text[a:b] for a, b in spans]


def test_empty_text() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n ") == []


def test_resolution_preambular_paragraphs_are_sentences_of_their_own() -> None:
    text = (
        "Reaffirming its resolution 78/217 of 19 December 2023, "
        "Welcoming the fifteenth summit meeting of the Global Forum, held in Riohacha, Colombia, 17 "
        "Recognizing the positive contribution of migrants, 1. Calls upon States to protect migrants."
    )
    sentences = split_sentences(text)
    assert sentences[0] == "Reaffirming its resolution 78/217 of 19 December 2023,"
    assert sentences[1] == "Welcoming the fifteenth summit meeting of the Global Forum, held in Riohacha, Colombia, 17"
    assert sentences[2].startswith("Recognizing the positive contribution of migrants,")
    assert [is_preambular(s) for s in sentences[:2]] == [True, True]
    # A comma before any other capitalised word is no boundary.
    assert split_sentences("The fund supports Colombia, Ecuador and Peru.") == [
        "The fund supports Colombia, Ecuador and Peru."
    ]
    assert not is_preambular("Welcoming remarks were made by the chair.")
