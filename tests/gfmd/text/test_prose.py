"""Prose or form: real "sentences" the splitter cuts from the public PDFs, and real prose that must stay quotable."""

from __future__ import annotations

import pytest

from gfmd.text.prose import mostly_form, reads_as_form, without_run_in_heading

FORMS = [
    # The AAP evaluation brief's project-information box.
    "Project information: Geographical coverage: Global (with case studies on Ethiopia and Türkiye) Project type: "
    "IOM policy on AAP Project period: From 2020 onwards (introduction of IOM AAP Framework) Evaluation objective: "
    "To evaluate IOM strategic, institutional and operational work on AAP.",
    # The case management study's list of standard operating procedures, "Supported by:" and a French title.
    "Supported by: EU-IOM Joint Initiative for Migrant Protection and Reintegration in the Horn of Africa Guinea- "
    "Procédures Opérationnelles Standard Pour L’aide au Retour Volontaire et à la Réintégration : Renforcement de la "
    "Gouvernance des Migrations.",
    # A table of contents line (Horn of Africa evaluation) and a questionnaire item (Haiti–DR inception report).
    "Evaluation questions for the effectiveness criterion........................................................",
    "Statut d’immigration : 1 = National, 2 = Réfugié, 3 = Migrant régulier, 4 = Migrant irrégulier |__| Q1.6",
    # A meta-evaluation recommendation's fields.
    "Linked to: Conclusions 11 and 12 Priority: Very high Resource implication: Staff time or budget for external "
    "support Timeline: Short term Responsibility: Central Evaluation Division.",
    # An interview guide's title in capitals, with its introduction (Haiti–DR inception report).
    "Évaluation finale indépendante du projet GUIDE D’ENTRETIEN POUR LES RESPONSABLES DU PROJET (OIM et PNUD) "
    "Introduction Bonjour et merci de participer à cet entretien.",
]

PROSE = [
    "The case of IOM Ethiopia stood out as an important at- tempt at “institutionalizing” AAP in the country office "
    "structure.",
    "Recommendation 1: Establish a cross-regional Standard Operating Procedure for case transfer in order to improve "
    "continuity of assistance.",
    "These objectives focus on leadership; information-sharing and transparency; participation; complaints and "
    "feedback mechanisms; and partner coordination.",
    "Se recibieron valiosas aportaciones de Bélgica, Canadá, El Salvador, Georgia, Nigeria, Suiza, Los Emiratos "
    "Árabes Unidos, el Reino Unido y los Estados Unidos.",
    "The Asia-Pacific Regional Data Hub, based in the Regional Office for Asia and the Pacific (Bangkok), was "
    "established in 2020 as part of the MDS initiative.",
    "UN DESA estimates that the IOM, UNHCR and ILO programmes reached 3 million people.",
    "Laura BOUCSEIN, Programme Coordinator, with direct coordination by Olta Ndoja.",
]


@pytest.mark.parametrize("sentence", FORMS)
def test_forms_contents_lines_and_questionnaires_are_not_prose(sentence: str) -> None:
    assert reads_as_form(without_run_in_heading(sentence))


@pytest.mark.parametrize("sentence", PROSE)
def test_prose_with_names_acronyms_and_one_colon_is_prose(sentence: str) -> None:
    assert without_run_in_heading(sentence) == sentence
    assert not reads_as_form(sentence)


def test_a_heading_in_capitals_run_into_its_sentence_is_left_out() -> None:
    sentence = (
        "EVALUATION CRITERIA AND QUESTIONS The evaluation will utilize the standard OECD/DAC criteria and integrate "
        "an analysis of IOM cross cutting themes."
    )
    kept = without_run_in_heading(sentence)
    assert kept.startswith("The evaluation will utilize") and sentence.endswith(kept)
    assert not reads_as_form(kept)
    # Two words in capitals open real sentences ("IOM ETHIOPIA reported …" is rare, "UN DESA estimates …" is not).
    assert without_run_in_heading("UN DESA estimates that 281 million people migrated.").startswith("UN DESA")


def test_a_contents_page_is_mostly_form_and_a_paragraph_with_one_field_is_not() -> None:
    contents = "\n".join([*FORMS[2:4], "Annex 3. Indicators, targets and achievements.......................125"])
    assert mostly_form(contents)
    paragraph = " ".join(PROSE[:4])
    assert not mostly_form(paragraph)
    # Half prose, half a form box: the box is the smaller part, so the passage stays.
    assert not mostly_form(f"{FORMS[0][:80]}. {paragraph}")
