"""Is a sentence prose that can answer a question, or a piece of a form, a contents page or a questionnaire?

PDF reports flatten their title pages, project-information boxes, tables of contents, interview guides and
survey forms into text that the sentence splitter cuts into "sentences". They hold many of a question's names
("Project information: Geographical coverage: … Evaluation objective: To evaluate IOM …"), so they score well
against it, and quoted they answer nothing. A heading printed in capitals and run into the sentence after it
("EVALUATION CRITERIA AND QUESTIONS The evaluation will utilize …") is left out of the quote; what is left is
prose or not on its own.
"""

from __future__ import annotations

import re
from functools import lru_cache

from gfmd.text.sentences import split_sentences

_CAPS_WORD = r"[A-ZÀ-Ý][A-ZÀ-Ý’'/&-]+"
# A heading in capitals at the start of a sentence, then the sentence itself (a capital, then a lower-case letter).
# Three words at least: "IOM Ethiopia …" or "UN DESA estimates …" open real sentences.
_RUN_IN_HEADING = re.compile(
    rf"^(?:{_CAPS_WORD}(?:\s+|\s*[,:–-]\s*)){{2,}}{_CAPS_WORD}\s*[,:–-]?\s+(?=[A-ZÀ-Ý][a-zà-ÿ])"
)
# Four words in capitals in a row anywhere: a heading, a table's column titles or a form's field names.
_CAPS_RUN = re.compile(rf"(?:\b{_CAPS_WORD}\b[\s,:–-]+){{3,}}\b{_CAPS_WORD}\b")
# A form's field: up to four words, the first capitalised, then a colon ("Project type:", "Final report date:",
# "Statut d'immigration :"). One colon introduces a list in prose; two fields in one "sentence" are a form.
_FIELD = re.compile(r"(?:^|(?<=[\s)]))[A-ZÀ-Ý][\w’'-]*(?:\s+[\w’'()-]+){0,3}\s?:(?=\s|$)")
FORM_FIELDS = 2
# The dot leaders of a table of contents, a questionnaire's answer box "|__|" or blank line "_____".
_LEADERS = re.compile(r"\.{5,}|…{3,}|\|__\||_{5,}")
# A passage is a contents page or a form box when at least this share of its text is.
MOSTLY = 0.5


def without_run_in_heading(sentence: str) -> str:
    """The sentence without a heading in capitals that the splitter ran into it."""
    match = _RUN_IN_HEADING.match(sentence)
    return sentence[match.end() :] if match else sentence


@lru_cache(maxsize=8192)  # retrieval asks it of every pooled passage, and the same passages come back query after query
def mostly_form(text: str) -> bool:
    """Whether most of a passage (by characters) is forms, contents lines, questionnaire items or capitalised
    headings: a contents page or a form box, which can answer nothing since none of it is quoted."""
    sentences = split_sentences(text)
    total = sum(len(s) for s in sentences)
    form = sum(len(s) for s in sentences if reads_as_form(without_run_in_heading(s)))
    return total > 0 and form >= MOSTLY * total


def reads_as_form(sentence: str) -> bool:
    """Whether a "sentence" is a form's fields, a contents line, a questionnaire item or capitalised headings
    rather than prose."""
    return bool(len(_FIELD.findall(sentence)) >= FORM_FIELDS or _CAPS_RUN.search(sentence) or _LEADERS.search(sentence))
