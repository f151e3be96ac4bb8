"""What the figure a question asks for measures, and whether a sentence's figure measures it.

"How many caseworkers did the initiative employ in Sudan?" is not answered by "65 interviews from Sudan", nor "how
much did the evaluation cost?" by "the evaluation assessed 90 reports": a figure answers a question only when it
counts what the question counts, or is a sum of money when the question asks how much something cost, raised or
gave. Two measures are recognised, in en/es/fr:

- **money**: "how much … cost / fund / pledge / raise / contribute", "what was the budget", "¿cuánto costó…?",
  "quel montant…": a figure with a currency ("$25 million", "3 000 000 USD", "€96 mil millones") or a scale word
  ("25 million") answers it, unless the figure goes on to name people ("3.7 millones de venezolanos");
- **count**: "how many migrants", "¿cuántas entrevistas…?", "combien de pays": a figure next to the counted noun
  in any of the three languages (its stems, cognates and glossary equivalents), or, for "people", next to any
  word for a kind of person; a figure followed by a unit of time or distance counts that unit ("the last 10
  years");
- **duration**: "combien de temps", "¿cuánto tiempo…?", "how much time": a figure followed by a unit of time.

A word that only looks like the counted noun is read past: an adjective before it ("combien de nouvelles mesures"
counts measures) and a verb after "cuántos" ("¿cuántos señalan una mejora?" names nothing counted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.answer.asks import quantity_spans
from assistant.retrieval.glossary import equivalents_of_word
from assistant.retrieval.terms import COGNATE_PREFIX
from gfmd.text.normalize import fold, stem_all

# A money word in a folded question: what is bought, given, raised or spent.
_MONEY = re.compile(
    r"\b(?:budgets?|costs?|costed|costing|fund(?:s|ing|ed)?|financ\w*|money|contribut\w*|pledg\w*|donat\w*|"
    r"invest\w*|spen[dt]\w*|rais(?:e|ed|es|ing)|allocat\w*|grants?|pay|paid|payments?|dollars?|dolares|euros?|"
    r"usd|eur|remittances?|assistance|"
    r"presupuestos?|costo|coste|costos|costaron|cuesta|cuestan|fondos?|dinero|contribu\w*|aport\w*|donaci\w*|dono|"
    r"invirt\w*|inver\w*|gast\w*|recaud\w*|asign\w*|remesas?|asistencia|ayuda|pag(?:o|os|ar|aron)|montos?|importes?|"
    r"recompensas?|couts?|coute|coutent|fonds|argent|allou\w*|vers[ea]\w*|depens\w*|leve[es]?|montants?|"
    r"envois de fonds|aide|recompenses?|salaires?|salari\w*|wages?|fees?|prices?|precios?|prix|rewards?)\b"
)
_HOW_MUCH = re.compile(
    r"\b(?:how much|what (?:amount|sum)|cuanto|cuanta|que (?:monto|cantidad|suma)|combien|quel montant|"
    r"quelle somme)\b|"
    # "What was the total budget of…?": in English the noun must end its phrase ("what financing mechanism" asks
    # for a mechanism, "what funding does it provide" may ask for kinds of funding).
    # A possessive may come before the noun ("what was the EU's total contribution to …").
    r"\b(?:what|which) (?:(?:is|was|were) )?(?:the |its |their )?(?:[\w-]+'s )?"
    r"(?:(?:total|annual|overall|initial|final) )?(?:budget|cost|amount|contribution|funding|financing)"
    r"(?=\s*(?:of|for|in|to|towards)\b|\s*[?,]|\s*$)|"
    # "¿Cuál fue el presupuesto…?", "avec quel budget le projet…": Spanish and French qualify the noun after it.
    r"\b(?:cual|que|quel(?:le)?) (?:(?:es|fue|era|est|etait|a ete) )?(?:el |la |le |l')?"
    r"(?:(?:total|anual|annuel(?:le)?|initial(?:e)?) )?(?:presupuesto|costo|coste|monto|importe|contribucion|"
    r"financiacion|financiamiento|budget|cout|montant|financement)\b"
)
# "How many <noun phrase>", "cuántos/as <noun>", "combien de <noun>", "quel nombre de <noun>".
_COUNT_EN = re.compile(r"\b(?:how many|what number of)\s+((?:[\w'-]+\s+){0,5}[\w'-]+)")
# Adjectives that come before the noun in Spanish and French ("nouvelles mesures", "otros países"), folded.
_PREPOSED = (
    r"(?:nouve(?:aux|lles?|au|l)|autres?|nuev[oa]s?|otr[oa]s?|grand(?:e|s|es)?|petit(?:e|s|es)?|pequen[oa]s|"
    r"premi(?:ers?|eres?)|primer[oa]s|derni(?:ers?|eres?)|ultim[oa]s|principa(?:ux|les)|differente?s|"
    r"diferentes|diversos|diversas|divers(?:es)?|vari[oa]s|plusieurs)"
)
_COUNT_ROMANCE = re.compile(
    r"\b(?P<ask>cuant[oa]s|que (?:numero|cantidad) de|combien (?:de |d')|quel (?:est le )?nombre (?:de |d'))\s*"
    rf"(?:{_PREPOSED}\s+)?([\w-]+)(?:\s+(?:de|del|des|du|d')\s*(?:la |los |las |l')?([\w-]+))?"
)
# "Combien de temps", "¿cuánto tiempo?", "how much time": a length of time, answered by a figure and its unit.
_DURATION = re.compile(r"\b(?:combien de temps|cuanto tiempo|how much time)\b")
# English words that end the counted noun phrase: auxiliaries, prepositions, pronouns.
_PHRASE_END = frozenset(
    "do does did is are was were have has had will would can could should may might of in on at for to from by "
    "with and or per under over across between among during since there they we you it its their the".split()
)
_NOT_NOUNS = frozenset("of de d' ellos ellas them eux elles".split())
# Irregular English plurals that head a noun phrase without a final "s".
_PLURALS = frozenset("people children women men staff personnel police youth".split())

# Words for a kind of person, in en/es/fr (folded stem prefixes): "how many people" is answered by a figure next to
# any of them ("23,000 refugees", "4.000 personas", "60 graduados").
_GENERIC_PERSONS = frozenset("people persons individuals personas personnes individuos individus gens humans".split())
_PERSON_PREFIXES = tuple(
    "people person individ migra emigra inmigr immigr refug return retorn rapatri repatri worker trabaj travail "
    "child nino nina enfant women woman mujer femme men hombre homme youth joven jeune young staff personal "
    "personnel employ emplea particip benefic victim surviv sobrevi nation residen student estudi etudi gradua "
    "diplom asylum asilo asile displac desplaz deplac citizen ciudad citoyen household hogar menage famil adult "
    "minor menor mineur girl boy caseworker officer official funcionari fonctionn respondent encuest interview".split()
)

# A currency next to a figure, or a scale word after it: a sum of money.
_CURRENCY = (
    r"(?:US\$|C\$|A\$|R\$|\$|€|£|¥|USD|EUR|CHF|GBP|CAD|dollars?|d[oó]lares|euros?|francs?|francos|pesos|"
    r"libras?|pounds?|yen)"
)
_SCALE = r"(?:mil millones|millones|millón|mill[oó]n|millions?|billions?|bn|milliards?|trillions?)"
_FIGURE = r"\d[\d.,  ]*\d|\d"
_AMOUNT = re.compile(
    rf"{_CURRENCY}\s?(?:{_FIGURE})|(?:{_FIGURE})\s?(?:{_SCALE}\s+(?:de\s+|of\s+|d')?)?{_CURRENCY}(?!\w)|"
    rf"(?:{_FIGURE})\s?{_SCALE}\b",
    re.IGNORECASE,
)
_CURRENCY_ONLY = re.compile(_CURRENCY, re.IGNORECASE)
_WORD = re.compile(r"[^\W_][\w'’-]*")
# Units of time and distance (folded): a figure followed by one measures it ("10 years", "6 meses", "3 jours").
_UNIT = re.compile(
    r"(?:years?|months?|weeks?|days?|hours?|minutes?|km|kilomet\w*|anos?|mes|meses|semanas?|dias?|horas?|ans?|"
    r"annees?|mois|semaines?|jours?|heures?)"
)
# How far apart a figure and the counted noun may be, in words: the noun a few words after the figure ("26 African
# countries", "272 millones de migrantes"), or a little further before it ("the number of migrants was around 272
# million", "requests: 81"). The little words and scale words between them are not counted.
_NOUN_AFTER = 4
_NOUN_BEFORE = 8
_UNCOUNTED = frozenset(
    "of the a an and or de del la las los el y o d l des du les et ou mil millones millon million millions billion "
    "billions milliard milliards".split()
)
# Cognates of this length or more may part after four letters (employees / empleados).
_LONG_COGNATE = 7
# A people named after a place ("Venezuelans", "haïtiens", "venezolanos"): counted as persons are.
_DEMONYM = re.compile(r"(?:\w{4}an|ien|ienne|ano|ana|eno|ena|ais|aise|ois|oise|ese)s$")


@dataclass(frozen=True)
class Measure:
    """What an asked figure measures: money, or a count of one of `nouns` (folded: the counted noun, and in
    Spanish or French its complement, "guichets de service")."""

    kind: str  # "money" or "count"
    nouns: tuple[str, ...] = ()


def asked_measures(question: str) -> tuple[Measure, ...]:
    """The measures the question's figures must have ("how much funding … and in how many countries?" asks for
    both), or none when it asks for no figure or for none of these."""
    folded = fold(question)
    out: list[Measure] = []
    if _DURATION.search(folded):
        out.append(Measure("duration"))
    counted = [nouns for nouns in _counted_nouns(folded) if nouns[0] not in ("temps", "tiempo")]
    out += [Measure("count", nouns) for nouns in counted if not _MONEY.fullmatch(nouns[0])]
    money_counted = any(_MONEY.fullmatch(nouns[0]) for nouns in counted)  # "combien d'argent"
    asked = _DURATION.sub(" ", folded)  # "combien de temps … l'aide" asks how long, not how much
    if (money_counted or _HOW_MUCH.search(asked)) and _MONEY.search(folded):
        out.append(Measure("money"))
    return tuple(out)


def _counted_nouns(folded: str) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for match in _COUNT_EN.finditer(folded):
        phrase: list[str] = []
        for word in match.group(1).split():
            if word in _PHRASE_END or (phrase and word.endswith("ed")):
                break
            phrase.append(word)
        plural = [w for w in phrase if w.endswith("s") or w in _PLURALS]
        if plural or phrase:
            out.append(((plural or phrase)[-1],))
    for match in _COUNT_ROMANCE.finditer(folded):
        noun = match.group(2)
        if noun in _NOT_NOUNS or (match.group("ask").startswith("cuant") and not noun.endswith("s")):
            continue  # "cuántos señalan…": a verb; the nouns "cuántos" counts are plural
        out.append(tuple(w for w in match.group(2, 3) if w))
    return out


def gives_measure(measure: Measure, text: str, given: tuple[str, ...] = ()) -> bool:
    """Whether `text` has a figure (other than the `given` ones the question states) that is the `measure`."""
    if measure.kind == "money":
        return any(
            not _only_given(match.group(), given) and not _counts_people(match, text)
            for match in _AMOUNT.finditer(text)
        )
    figures = quantity_spans(text, given)
    if not figures:
        return False
    # "1,5 millones de migrantes y refugiados venezolanos": "venezolanos" is three counted words after the figure.
    words = [(word.end(), fold(word.group())) for word in _WORD.finditer(text)]
    words = [(end, word) for end, word in words if word not in _UNCOUNTED]
    if measure.kind == "duration":
        return any(_unit_after(words, end) is not None for _, end in figures)
    places = [i for i, (_, word) in enumerate(words) if any(_counts(n, word) for n in measure.nouns)]
    for start, figure_end in figures:
        at = sum(1 for end, _ in words if end <= start)  # the figure's place among the words
        unit = _unit_after(words, figure_end)
        if unit is not None and unit not in places:
            continue  # "within the last 10 years": the figure counts years, not the Venezuelans named before it
        if any(0 <= i - at <= _NOUN_AFTER or 0 < at - i <= _NOUN_BEFORE for i in places):
            return True
    return False


def _unit_after(words: list[tuple[int, str]], figure_end: int) -> int | None:
    """The place among `words` (end offset, folded word) of the word after a figure when it is a unit of time or
    distance ("6.5 months", "3 semaines"), else None."""
    after = next((i for i, (end, _) in enumerate(words) if end > figure_end), None)
    return after if after is not None and _UNIT.fullmatch(words[after][1]) else None


def _counts_people(amount: re.Match[str], text: str) -> bool:
    """A figure with a scale word and no currency that goes on to name people ("3.7 millones de venezolanos", "272
    million migrants"): a count of people, not a sum of money."""
    if _CURRENCY_ONLY.search(amount.group()):
        return False
    after = [fold(w.group()) for w in _WORD.finditer(text, amount.end(), amount.end() + 40)]
    after = [w for w in after if w not in _UNCOUNTED][:2]
    return any(w.startswith(_PERSON_PREFIXES) or _DEMONYM.search(w) for w in after)


def gives_any(measures: tuple[Measure, ...], texts: list[str], given: tuple[str, ...] = ()) -> bool:
    """Whether one of `texts` gives one of the `measures` (true when none is asked)."""
    return not measures or any(gives_measure(m, t, given) for m in measures for t in texts)


def _only_given(amount: str, given: tuple[str, ...]) -> bool:
    digits = re.sub(r"\D", "", amount)
    return bool(digits) and any(re.sub(r"\D", "", g) == digits for g in given)


@lru_cache(maxsize=1024)
def _counts(noun: str, word: str) -> bool:
    """Whether `word` (folded) names what `noun` (folded) counts, in any of the three languages."""
    if noun in _GENERIC_PERSONS:
        return word.startswith(_PERSON_PREFIXES)
    if word in _GENERIC_PERSONS and (noun.startswith(_PERSON_PREFIXES) or _DEMONYM.search(noun)):
        return True  # "how many employees" is answered by "1,300 people"
    if len(noun) >= _LONG_COGNATE and len(word) >= _LONG_COGNATE and noun[:4] == word[:4]:
        return True  # long cognates that part after four letters: employees / empleados
    return not _forms(noun).isdisjoint(_stems(word))


@lru_cache(maxsize=256)
def _forms(noun: str) -> frozenset[str]:
    """The noun's stems and cognate prefixes in every language, with those of its glossary equivalents: the
    glossary rows that have the noun as a whole term ("countries" -> país, países, pays)."""
    words = {noun}
    for term in equivalents_of_word(noun):
        if " " not in term:
            words.add(term)
    forms: set[str] = set()
    for word in words:
        forms |= _stems(word)
    return frozenset(forms)


@lru_cache(maxsize=4096)
def _stems(word: str) -> frozenset[str]:
    stems = stem_all(word)
    return stems | frozenset(s[:COGNATE_PREFIX] for s in stems if len(s) >= COGNATE_PREFIX)
