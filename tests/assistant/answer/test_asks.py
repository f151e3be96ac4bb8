import pytest

from assistant.answer.asks import after_document, asked, gives, has_place, has_quantity, missing


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("How much did the trust fund raise?", ["figure"]),
        ("What was the unemployment rate of returnees?", ["rate"]),
        ("When was the Global Forum on Migration and Development founded?", ["date"]),
        ("¿Cuándo y bajo qué marco se creó la Asociación para la Inclusión?", ["date"]),
        ("Quand le Processus de Quito a-t-il été lancé ?", ["date"]),
        ("En quelle année le Processus de Quito a-t-il été lancé ?", ["date"]),
        ("In which city will the second International Migration Review Forum be held?", ["place"]),
        ("¿Dónde tiene su sede el Centro Regional de Datos?", ["place"]),
        ("Où s'est tenu le quinzième sommet du Forum mondial ?", ["place"]),
        ("Where is the secretariat hosted?", ["place"]),
        ("¿Dónde está alojada la secretaría de la red?", ["place"]),
        ("Où le secrétariat du réseau est-il hébergé ?", ["place"]),
        ("Where was the summit organised?", ["place"]),
        # "On what date" asks for a day (a year is a date, but not a day).
        ("On what date was resolution 78/217 adopted?", ["day"]),
        ("¿En qué fecha aprobó el Consejo de Ministros los procedimientos operativos?", ["day"]),
        ("À quelle date exacte de 2021 la frontière a-t-elle été fermée ?", ["day"]),
        # A bare "when" or "where" asks for a stage or a passage, not a date or a place.
        ("When should reintegration support at the structural level start?", []),
        ("When should partnerships with local authorities be established?", []),
        ("¿Cuándo suelen celebrarse las consultas regionales?", []),
        ("Where does the paper discuss remittances?", []),
        ("Ou bien les partenariats échouent-ils ?", []),  # "ou" (or) is not "où" (where)
        # An amount asked for by its noun is a figure: a budget, a cost, a reward, a salary.
        ("What was the total cost of the final evaluation?", ["figure"]),
        ("Quel était le budget annuel du centre régional de données ?", ["figure"]),
        ("¿Cuál fue el presupuesto de la segunda fase del proyecto?", ["figure"]),
        ("What reward has the government offered for the capture of the smugglers?", ["figure"]),
        # The same nouns in other questions ask for no amount.
        ("What is the budget structure of the facility?", []),
        ("What value does the partnership add?", []),
    ],
)
def test_asked(question: str, kinds: list[str]) -> None:
    assert asked(question) == kinds


def test_gives_a_date_as_a_year_or_a_month() -> None:
    assert gives("date", "The Regional Conference on Migration was established in 1996.")
    assert gives("date", "La reunión se celebró en septiembre.")
    assert not gives("date", "Las negociaciones culminaron en el Foro de la Juventud celebrado antes de la Cumbre.")


def test_a_day_is_a_month_beside_its_day_or_year_that_the_question_does_not_name() -> None:
    question = "On what date did the Dominican Republic reopen its border after closing it in September 2023?"
    assert missing(question, ["Adopted at the 50th plenary meeting, 19 December 2023."]) is None
    assert missing(question, ["La frontière a rouvert le 11/10/2023."]) is None
    # The question's own month, in another language, is not the day it asks for; nor is a year, nor "may".
    closed = "la République dominicaine a fermé ses frontières avec Haïti en septembre 2023."
    assert missing(question, [closed]) == "day"
    assert missing(question, ["The border may reopen in 2024."]) == "day"


@pytest.mark.parametrize(
    "text",
    [
        # Invented names: the rule reads the preposition and the capital, not a list of places.
        "Welcoming the summit, held in Quuxhaven from 2 to 4 September 2025,",
        "The forum was hosted in the city of Quuxhaven.",
        "The Hub is based at the Quuxfield Regional Office.",
        "La reunión se celebró en la ciudad de Villaquux.",
        "El CFF se expandió en la Cumbre de Líderes en Nueva Quuxia.",
        "Le sommet se tiendra à Quuxville.",
        "L'atelier a eu lieu dans la ville de Quuxbourg.",
        # A place noun with its modifiers, before or after it, in the three languages.
        "The secretariat is hosted in the port city of Quuxhaven.",
        "La secretaría está alojada en la ciudad portuaria de Villaquux.",
        "Le secrétariat est hébergé dans la ville portuaire de Quuxbourg.",
        "The office is located in the small coastal town of Quuxport.",
        # A preposition of place opening the sentence.
        "In Quuxhaven, the partners agreed on a joint plan.",
        "En Quuxtenango se reunieron los socios del proceso.",
        "Au Quuxland, le programme a été étendu.",
    ],
)
def test_has_place(text: str) -> None:
    assert has_place(text)


@pytest.mark.parametrize(
    "text",
    [
        "The meeting was held in the city of the future.",
        "The programme (Quuxhaven) ended.",  # a name in brackets, with no preposition of place, is not a place
        "The fund was created in March 2016.",
        # A part of a document or a language after "in" is no place.
        "The guidance on referrals is set out in Annex 2 of the handbook.",
        "Las directrices figuran en el Anexo del informe.",
        "The survey was run in English and in French by the team.",
    ],
)
def test_a_name_without_a_preposition_of_place_is_not_a_place(text: str) -> None:
    assert not has_place(text)


def test_a_date_or_a_resolution_is_not_a_place() -> None:
    sentence = (
        "Welcoming the first International Migration Review Forum, held from 17 to 20 May 2022, endorsed by the "
        "General Assembly in its resolution 76/266 of 7 June 2022, and looking forward to the second Forum in 2026,"
    )
    assert not has_place(sentence)
    assert not has_place("The report was published in May 2023.")


def test_missing_names_the_first_kind_no_text_gives() -> None:
    question = "When and where was the Concessional Financing Facility created, and how much was pledged?"
    created = "The facility was created in April 2016 in Washington, D.C."
    assert missing(question, [created]) == "figure"
    assert missing(question, [created, "More than US$140 million was pledged."]) is None
    # A figure the question already states is not news.
    assert (
        missing("How many migrants lived there in 2019?", ["In 2019 many migrants lived there."], ["2019"]) == "figure"
    )


def test_a_document_cannot_report_what_came_after_it() -> None:
    question = "How much money had the Trust Fund raised by the end of 2023?"
    assert after_document(("2023",), 2020, question)
    assert not after_document(("2023",), 2024, question)
    assert not after_document(("2023",), None, question)
    assert not after_document((), 2020, question)


@pytest.mark.parametrize(
    "question",
    [
        "How much does the KNOMAD fund aim to raise by the end of 2023?",
        "Combien de personnes pourraient souffrir de la faim fin 2021 ?",
        "¿De cuánto podría disponer el Instrumento de Vecindad durante 2021?",
        "What target did the paper set for 2030?",
    ],
)
def test_questions_on_targets_and_forecasts_may_be_later_than_the_document(question: str) -> None:
    assert not after_document(("2030", "2021", "2023"), 2020, question)


def test_a_figure_question_is_not_answered_by_dates_notes_or_references() -> None:
    """Days of dates, note markers, paragraph numbers and document symbols state no quantity
    (`gfmd.text.quantities`): a "how many" question needs a figure that counts something."""
    asks_for_votes = "How many States voted against the Global Compact in December 2018?"
    dated = "The Compact was adopted in Marrakech on 10 and 11 December 2018, and endorsed in resolution 73/195."
    noted = "3 Las negociaciones del Pacto Mundial fueron pioneras al movilizar la participación de los jóvenes."
    counted = "The Compact was adopted by 152 States, with 5 votes against."
    assert missing(asks_for_votes, [dated]) == "figure"
    assert missing("¿Cuántos jóvenes participaron en el Foro?", [noted]) == "figure"
    assert missing(asks_for_votes, [counted]) is None
    assert gives("figure", "Se ofreció formación a 60 graduados marroquíes.")


def test_a_footnote_marker_is_not_the_figure_a_how_many_question_asks_for() -> None:
    # The seed paper: the only number of this sentence is footnote 14's marker.
    marked = (
        "Mecanismo de Financiamiento Concesional para la Migración con una estructura de gobernanza meticulosamente "
        "diseñada para garantizar una participación equitativa y voluntaria.14"
    )
    assert not has_quantity(marked)
    assert missing("¿Cuántos países participan en el Mecanismo?", [marked]) == "figure"
    assert has_quantity("Nigeria recaudó $330 millones con su primer bono de la diáspora.")
