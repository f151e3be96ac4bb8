"""The judge's own matching tables: number words, function words, months and languages, and en/es/fr equivalents.

The metrics decide whether an answer states a fact or whether its cited passage supports a name. If they used the
product's glossary and name tables, a wrong row would mislead the product and its judge alike, and tuning the
glossary would move the figures that are meant to check it. These tables are small, written for the judge, and
deliberately independent of `assistant/`, `ingest/` and the product's name and country tables (`gfmd.text.names`,
`gfmd.text.countries`); only the core normalisation (folding, number formats, whitespace) is shared. A row earns
its place by a class of names delegates write in one language about documents in another (institutions,
countries, months), not by one item.
"""

from __future__ import annotations

import re

# Function words that a heading run into its sentence may capitalise mid-sentence ("Effective alliances The
# relationships..."): never names.
FUNCTION_WORDS = frozenset(
    """a an and as at by for from in into of on or the to with what which who how when where why this that these
    those el la los las lo un una uno unos unas y o de del al en con por para sobre que como cual cuando donde este
    esta estos estas le les l un une et ou du des au aux dans par pour sur avec qui quoi quel quelle ce cette ces
    il elle ils elles se su sus son sont est es""".split()
)

# Numbers written as words, folded: a figure of an answer sentence ("11 donors") is in its passage when the passage
# spells it ("eleven donors", "doce donantes"). Words that are also common words in a corpus language are left out
# ("once", "cent", "sept", "seize", "neuf", "tres" (French "très", folded), and "one"/"un"/"une"/"uno").
NUMBER_WORDS: dict[str, str] = {
    **dict.fromkeys(("two", "dos", "deux"), "2"),
    **dict.fromkeys(("three", "trois"), "3"),
    **dict.fromkeys(("four", "cuatro", "quatre"), "4"),
    **dict.fromkeys(("five", "cinco", "cinq"), "5"),
    **dict.fromkeys(("six", "seis"), "6"),
    **dict.fromkeys(("seven", "siete"), "7"),
    **dict.fromkeys(("eight", "ocho", "huit"), "8"),
    **dict.fromkeys(("nine", "nueve"), "9"),
    **dict.fromkeys(("ten", "diez", "dix"), "10"),
    **dict.fromkeys(("eleven", "onze"), "11"),
    **dict.fromkeys(("twelve", "doce", "douze"), "12"),
    **dict.fromkeys(("thirteen", "trece", "treize"), "13"),
    **dict.fromkeys(("fourteen", "catorce", "quatorze"), "14"),
    **dict.fromkeys(("fifteen", "quince", "quinze"), "15"),
    **dict.fromkeys(("sixteen", "dieciseis"), "16"),
    **dict.fromkeys(("seventeen", "diecisiete", "dix-sept"), "17"),
    **dict.fromkeys(("eighteen", "dieciocho", "dix-huit"), "18"),
    **dict.fromkeys(("nineteen", "diecinueve", "dix-neuf"), "19"),
    **dict.fromkeys(("twenty", "veinte", "vingt"), "20"),
    **dict.fromkeys(("thirty", "treinta", "trente"), "30"),
    **dict.fromkeys(("forty", "cuarenta", "quarante"), "40"),
    **dict.fromkeys(("fifty", "cincuenta", "cinquante"), "50"),
    **dict.fromkeys(("hundred", "cien"), "100"),
}

# Month and language names: dates and languages, not names. "June" in an answer is any language's sixth month, and
# only that ("July" is not supported by "junio").
SAME_WORD_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(row.split())
    for row in (
        "january enero janvier", "february febrero fevrier", "march marzo mars", "april abril avril",
        "may mayo mai", "june junio juin", "july julio juillet", "august agosto aout",
        "september septiembre setiembre septembre", "october octubre octobre", "november noviembre novembre",
        "december diciembre decembre",
        "english ingles anglais", "spanish espanol espagnol", "french frances francais",
    )
)  # fmt: skip

# en | es | fr (folded; "," separates variants): institutions, the words of their names, and countries whose names
# differ beyond their first five letters. A capitalised word of an answer is found in a passage written in another
# language when the passage has a term of one of the rows that word belongs to.
EQUIVALENTS_TEXT = """
world bank | banco mundial | banque mondiale
united nations | onu, naciones unidas | onu, nations unies
general assembly | asamblea general | assemblee generale
european union | union europea | union europeenne
global forum | foro mundial | forum mondial
global compact | pacto mundial | pacte mondial
joint initiative | iniciativa conjunta | initiative conjointe
horn of africa | cuerno de africa | corne de l'afrique
trust fund | fondo fiduciario | fonds d'affectation speciale
summit | cumbre | sommet
secretariat | secretaria | secretariat
declaration | declaracion | declaration
report | informe | rapport
world | mundial | mondial
development | desarrollo | developpement
forum | foro | forum
bank | banco | banque
fund | fondo | fonds
assembly | asamblea | assemblee
nations | naciones | nations
united | unidas, unidos | unies, unis
iom | oim | oim
eu | ue | ue
undp | pnud | pnud
unhcr | acnur | hcr, unhcr
ilo | oit | oit
oecd | ocde | ocde
sdg, sdgs | ods | odd
gfmd | fmmd | fmmd
gcm | pmm | pmm
united states, us, usa | estados unidos, eeuu, ee. uu. | etats-unis
dominican republic | republica dominicana | republique dominicaine
mexico | mexico | mexique
turkey, turkiye | turquia | turquie
ethiopia | etiopia | ethiopie
djibouti | yibuti | djibouti
kenya | kenia | kenya
sudan | sudan | soudan
south sudan | sudan del sur | soudan du sud
eritrea | eritrea | erythree
germany | alemania | allemagne
spain | espana | espagne
switzerland | suiza | suisse
ecuador | ecuador | equateur
peru | peru | perou
brazil | brasil | bresil
chile | chile | chili
belize | belice | belize
morocco | marruecos | maroc
egypt | egipto | egypte
jordan | jordania | jordanie
lebanon | libano | liban
greece | grecia | grece
italy | italia | italie
japan | japon | japon
thailand | tailandia | thailande
philippines | filipinas | philippines
qatar | catar | qatar
"""


def _rows(text: str) -> list[tuple[str, ...]]:
    rows = []
    for line in text.strip().splitlines():
        terms = [term.strip() for cell in line.split("|") for term in cell.split(",")]
        rows.append(tuple(dict.fromkeys(t for t in terms if t)))
    return rows


EQUIVALENTS: list[tuple[str, ...]] = _rows(EQUIVALENTS_TEXT)
_WORD = re.compile(r"[\w'-]+")


def _by_word() -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for row in EQUIVALENTS:
        for word in {w for term in row for w in _WORD.findall(term)}:
            index.setdefault(word, []).append(row)
    return index


_BY_WORD = _by_word()


def equivalents_of_word(word: str) -> list[str]:
    """Every term of the rows one of whose terms has the folded `word` as a word ("bank": "world bank", "banco
    mundial", "banque mondiale", "banco", "banque")."""
    out: list[str] = []
    for row in _BY_WORD.get(word, []):
        out += [term for term in row if term not in out]
    return out


def same_word_group(word: str) -> frozenset[str] | None:
    """The month or language group of a folded word; None when it is neither."""
    return next((group for group in SAME_WORD_GROUPS if word in group), None)


# A name written in the answer's language may differ from the passage's after its first letters ("Venezuelans",
# "venezolanos"): a word of more than PREFIX letters is found when a word of the passage starts with its first PREFIX.
PREFIX = 5
