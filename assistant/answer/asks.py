"""What a question asks for, and whether the evidence gives it.

A sentence can be close to a question in meaning and still not answer it: "how much did the fund raise?" is not
answered by the fund's purpose, "in which city will the forum meet?" not by a sentence that looks forward to the
forum, "when was the Forum founded?" not by one on its youth forum. The extractive answerer refuses when none of
its quoted sentences gives the kind of thing asked for: a figure, a rate, a date, a day ("on what date…?" is not
answered by a year, nor by the month the question itself names), a place. And a document cannot
report what happened after it was written: a 2020 paper may give a target for 2023, never the 2023 outcome.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

from gfmd.text.countries import countries_in
from gfmd.text.dates import MONTH_ALTERNATION, MONTH_WORD, months_in
from gfmd.text.numbers import has_year
from gfmd.text.quantities import quantity_spans as figure_spans

Kind = Literal["figure", "rate", "date", "day", "place"]

# "What was the budget of…", "¿cuál fue el costo…", "quel était le montant…": an amount is a figure too.
_AMOUNT = (
    r"(?:budget|cost|amount|price|salary|wage|fee|reward|presupuesto|costo|coste|monto|importe|precio|salario|"
    r"recompensa|co[uû]t|montant|prix|salaire|r[ée]compense)(?=\s*(?:(?:annuel(?:le)?|anual|total(?:e)?|global(?:e)?)\s+)?"
    r"(?:of|for|de|del|du|des|pour|para|in|en|has|have|had|did|does|was|were|is|will|would|ha|fue|est|a|\?|,|$))"
)
QUANTITY = re.compile(
    r"\b(how (many|much)|what (share|percentage|proportion|amount)|cu[aá]nt[oa]s?|qu[eé] (porcentaje|cantidad)|"
    r"combien|montant|quel (pourcentage|nombre)|quelle (part|proportion))\b|"
    rf"\b(?:what|which|cu[aá]l|qu[eé]|quel(?:le)?)\s+(?:(?:is|was|were|are|es|fue|era|est|[ée]tait|a [ée]t[ée])\s+)?"
    rf"(?:the\s+|el\s+|la\s+|le\s+|l['’])?(?:(?:total|annual|overall|anual|annuel(?:le)?)\s+)?{_AMOUNT}",
    re.IGNORECASE,
)
# Questions for a rate or a share: only a percentage answers them ("what interest rate" is not "$330 million").
RATE = re.compile(
    r"\b((interest|unemployment|employment|exchange|growth|return|poverty|mortality) rate|what (share|percentage|"
    r"proportion)|tasa|porcentaje|qu[eé] proporci[oó]n|taux|pourcentage|quelle (part|proportion))\b",
    re.IGNORECASE,
)
# "When was it founded / launched / held?", "in what year ...": the date of an event. A bare "when" is not
# enough ("when should support start?" is answered by a stage, not a date).
_WHEN = r"(?:\bwhen\b|\bcu[aá]ndo\b|\bquand\b)"
_EVENT = (
    r"(?:found(?:ed)?|establish(?:ed)?|creat(?:ed|e)|launch(?:ed)?|set up|inaugurat(?:ed|e)|held|adopt(?:ed)?|"
    r"sign(?:ed)?|cre[oó]|cread[oa]s?|fund[oó]|fundad[oa]s?|establec\w*|lanz[oó]|lanzad[oa]s?|puso en marcha|"
    r"puesto en marcha|inaugur\w*|celebr[oó]|firm[oó]|firmad[oa]s?|constitu\w*|cr[ée][ée]e?s?|fond[ée]e?s?|"
    r"[ée]tabli[es]?|lanc[ée]e?s?|mise? en place|tenue?s?|sign[ée]e?s?)"
)
DATE_QUESTION = re.compile(
    rf"{_WHEN}.*\b{_EVENT}\b|\b{_EVENT}\b.*{_WHEN}|\b(?:in )?(?:what|which) year\b|\ben qu[eé] a[nñ]o\b|"
    r"\ben quelle ann[ée]e\b|\bdepuis quand\b|\bdesde cu[aá]ndo\b",
    re.IGNORECASE,
)
# "On what date…?", "¿en qué fecha…?", "à quelle date…?": the question asks for a day, and a year alone does not
# give one (the year is often the question's own: "on what date in 2021 …").
DAY_QUESTION = re.compile(
    r"\b(?:what|which) (?:exact )?date\b|\bwhat (?:is|was|were|will be) the (?:exact )?date\b|"
    r"\bqu[eé] fecha\b|\bcu[aá]l (?:es|fue|era|ser[aá]) la fecha\b|"
    r"\bquelle date\b|\bquelle (?:est|[ée]tait|a [ée]t[ée]|sera) la date\b",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")
# A month with its day or year beside it ("19 December", "December 2023", "15 de septiembre", "1er mai 2024"): a
# month name alone may be a word ("States may …").
_DATED_MONTH = re.compile(
    rf"\b\d{{1,2}}(?:er|st|nd|rd|th|º)?\s+(?:de\s+)?(?P<a>{MONTH_ALTERNATION})\b|"
    rf"\b(?P<b>{MONTH_ALTERNATION})\s+(?:de\s+|del\s+)?\d{{1,4}}\b",
    re.IGNORECASE,
)
# "When should support start?", "when are consultations usually held?": a stage or a habit, not the date of one event.
_NOT_ONE_EVENT = re.compile(
    r"\b(should|must|ought|debe|deben|deber[ií]an?|doit|doivent|devrait|devraient|usually|generally|typically|"
    r"normally|suel[ea]n?|normalmente|generalmente|habituellement|g[ée]n[ée]ralement|normalement)\b",
    re.IGNORECASE,
)
# "Where is it held / based?", "in which city ...": a place. A bare "where" is not enough ("where does the paper
# discuss X?" asks for a passage, not a place).
PLACE_QUESTION = re.compile(
    r"\b(?:which|what) (?:city|town|country|venue|capital|location)\b|\bwhere\b.*\b(?:held|hosted|housed|located|"
    r"situated|based|headquartered|seated|organi[sz]ed|take place|took place|convened?|meet|met)\b|"
    r"\b(?:qu[eé]|cu[aá]l) (?:ciudad|pa[ií]s|lugar|sede)\b|\bd[oó]nde\b.*\b(?:sede|celebr\w*|ubica\w*|"
    r"encuentra|tiene lugar|tuvo lugar|reuni\w*|aloja\w*|acog\w*|hosped\w*|radica\w*|situad\w*|organiz\w*)\b|"
    r"\b(?:quelle|dans quelle) (?:ville|capitale)\b|\bquel (?:pays|lieu)\b|(?<!\w)où\b.*\b(?:tenu\w*|tiendra|"
    r"si[èe]ge|situ\w*|trouve|lieu|r[ée]uni\w*|h[ée]berg\w*|accueill\w*|bas[ée]\w*|install[ée]\w*|organis\w*)\b",
    re.IGNORECASE,
)
# A question about what will or could be, or about a target: a document may well answer it about a later year.
FORWARD = re.compile(
    r"\b(will|would|could|might|may|shall|expect\w*|target\w*|goals?|aim\w*|plan\w*|project(?:ed|ions?)|forecast\w*|"
    r"pledg\w*|commit\w*|intend\w*|objectives?|estimat\w*|podr\w+|deber\w+|habr[aá]n?|ser[aá]n?|tendr[aá]n?|"
    r"prev[eé]\w*|previst\w*|metas?|objetivos?|proyectad\w*|proyecci\w+|estim\w*|pretend\w*|aspira\w*|compromet\w*|espera\w*|"
    r"pourr\w+|devr\w+|sera|seront|aura|auront|pr[ée]vu\w*|pr[ée]vision\w*|objectifs?|cibles?|vis(?:e|ent|ait|aient|er|[ée]e?s?)|projet[ée]\w*|projection\w*|"
    r"attendu\w*|engag\w*|promesse\w*|d'ici)\b",
    re.IGNORECASE,
)

# A place in a sentence: a country, or a capitalised name after a preposition of place in en/es/fr ("held in X",
# "hosted at the X", "in the port city of X", "en la ciudad portuaria de X", "à X", "dans la ville de X"), whatever
# the name: no list of places is needed.
_PLACE_NOUN = (
    r"(?:city|town|village|capital|municipality|province|region|district|state|island|ciudad|localidad|capital|"
    r"municipio|provincia|regi[oó]n|departamento|estado|isla|ville|commune|capitale|province|r[ée]gion|"
    r"d[ée]partement|[îi]le)"
)
_MODIFIER = r"[a-zà-ÿ][a-zà-ÿ-]+"  # "port city", "ciudad portuaria", "ville portuaire"
_AT_NAME = re.compile(
    r"(?<!\w)(?:[Ii]n|[Aa]t|[Ee]n|[Àà]|[Aa]ux?|[Dd]ans)\s+(?:(?:the|la|el|le|les|los|las)\s+|l['’])?"
    rf"(?:(?:{_MODIFIER}\s+){{0,2}}{_PLACE_NOUN}(?:\s+{_MODIFIER}){{0,2}}?\s+(?:of|de|d['’])\s*)?"
    r"(?P<name>[A-ZÀ-Ý][\w'-]+)"
)
# Capitalised words after "in" that name a part of a document, a language or a month, not a place ("in Annex 2",
# "in English", "en el Anexo", "in May").
_NOT_A_PLACE = re.compile(
    r"(?:Annex|Annexe|Anexo|Appendix|Ap[ée]ndice|Article|Art[ií]culo|Section|Secci[oó]n|Chapter|Chapitre|"
    r"Cap[ií]tulo|Paragraph|Paragraphe|P[áa]rrafo|Table|Tableau|Cuadro|Figure|Figura|Objective|Objectif|Objetivo|"
    r"Resolution|R[ée]solution|Resoluci[oó]n|Part|Partie|Parte|English|Spanish|French|Arabic|Chinese|Russian|"
    r"Portuguese)"
)
PERCENT = re.compile(r"%|\b(?:per ?cent|percent|por ciento|pour ?cent|porcentaje|pourcentage)\b", re.IGNORECASE)
FRACTION = re.compile(
    r"\b(?:(?:one|two|three|four|five|six|seven|eight|nine)[\s-]+(?:in|out of)[\s-]+\w+|half|(?:one|two)[\s-]+thirds?|"
    r"(?:one|three)[\s-]+quarters?|(?:un[oa]?|dos|tres|cuatro|cinco|seis|siete|ocho|nueve)\s+de\s+cada\s+\w+|"
    r"la\s+mitad|(?:un|dos)\s+tercios?|(?:un|tres)\s+cuartos?|(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf)\s+"
    r"sur\s+\w+|la\s+moiti[eé]|(?:un|deux)\s+tiers|(?:un|trois)\s+quarts?)\b",
    re.IGNORECASE,
)
_ARTICLE_BEFORE = re.compile(r"\b(the|these|those|les|ces|los|las|estos|estas|ambos)\s+$", re.IGNORECASE)
_NUMBER_WORDS = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred|dos|tres|cuatro|cinco|"
    r"seis|siete|ocho|nueve|diez|veinte|treinta|cuarenta|cincuenta|cien|mil|deux|trois|quatre|cinq|sept|huit|"
    r"neuf|dix|vingt|trente|quarante|cinquante|cent|mille|millones|millions|billion)\b",
    re.IGNORECASE,
)


def asked(question: str) -> list[Kind]:
    """The kinds of thing the question asks for, each of which its answer must give."""
    kinds: list[Kind] = []
    if QUANTITY.search(question):
        kinds.append("figure")
    if RATE.search(question):
        kinds.append("rate")
    if DATE_QUESTION.search(question) and not _NOT_ONE_EVENT.search(question):
        kinds.append("date")
    if DAY_QUESTION.search(question):
        kinds.append("day")
    if PLACE_QUESTION.search(question):
        kinds.append("place")
    return kinds


def gives(kind: Kind, text: str, given: Sequence[str] = (), given_months: frozenset[int] = frozenset()) -> bool:
    """Whether `text` gives a `kind`: a figure other than the `given` ones the question already states; a day, as a
    month other than the `given_months` the question names, or a date in figures."""
    if kind == "figure":
        return has_quantity(text, given)
    if kind == "rate":
        return has_share(text)
    if kind == "date":
        return has_year(text) or MONTH_WORD.search(text) is not None
    if kind == "day":
        dated = " ".join(m.group("a") or m.group("b") for m in _DATED_MONTH.finditer(text))
        return bool(months_in(dated) - given_months or _NUMERIC_DATE.search(text))
    return has_place(text)


def missing(question: str, texts: Iterable[str], given: Sequence[str] = ()) -> Kind | None:
    """The first kind the question asks for that none of `texts` gives, or None."""
    texts = list(texts)
    months = months_in(question)
    for kind in asked(question):
        if not any(gives(kind, text, given, months) for text in texts):
            return kind
    return None


def has_quantity(text: str, given: Sequence[str] = ()) -> bool:
    """A figure that states a quantity (`gfmd.text.quantities`: not a year, a day, a note marker or a reference),
    other than the `given` ones already in the question, or a number word."""
    return bool(quantity_spans(text, given))


def quantity_spans(text: str, given: Sequence[str] = ()) -> list[tuple[int, int]]:
    """(start, end) of each figure or number word of `text` that `has_quantity` counts, in order."""
    spans = [(start, end) for start, end, figure in figure_spans(text) if figure not in given]
    # "six service windows" counts; "the two countries" / "les deux pays" refers back, it does not count.
    spans += [
        (m.start(), m.end()) for m in _NUMBER_WORDS.finditer(text) if not _ARTICLE_BEFORE.search(text[: m.start()])
    ]
    return sorted(spans)


def has_share(text: str) -> bool:
    """A percentage or a share in words ("two thirds", "nueve de cada diez", "la moitié")."""
    return bool(PERCENT.search(text) or FRACTION.search(text))


def has_place(text: str) -> bool:
    """A country, or a capitalised name after a preposition of place (not a month, "in May", nor a part of a
    document or a language, "in Annex 2", "in English")."""
    if countries_in(text):
        return True
    return any(_names_a_place(match.group("name")) for match in _AT_NAME.finditer(text))


def _names_a_place(name: str) -> bool:
    return not (MONTH_WORD.fullmatch(name) or _NOT_A_PLACE.fullmatch(name))


def after_document(dated: Sequence[str], year: int | None, question: str) -> bool:
    """The question dates a past fact (`dated`: "raised by the end of 2023") later than the document's `year`: the
    document can only have forecast it. Questions on targets, plans or what could be are exempt."""
    if year is None or not dated or FORWARD.search(question):
        return False
    return max(int(y) for y in dated) > year
