"""A small en/es/fr glossary of the domain's vocabulary, for cross-lingual query expansion without an LLM.

An English question about Spanish papers shares figures and acronyms with its answer, but rarely words:
"remittances" is "remesas", "partnership" is "alianza" or "asociación". Expanding the lexical query with the
glossary's equivalents lets BM25 meet passages in the other languages; `translate_words` gives the dense
retriever a rough word-by-word rendering of the question in each corpus language.
"""

from __future__ import annotations

import re

from gfmd.textnorm import fold

# Each row: English | Spanish | French; alternatives separated by commas. Multi-word terms allowed.
_ROWS = """
migrant, migrants | migrante, migrantes | migrant, migrants
migration | migración | migration
international migrants | migrantes internacionales | migrants internationaux
refugee, refugees | refugiado, refugiados | réfugié, réfugiés
remittance, remittances | remesa, remesas | transfert de fonds, transferts de fonds, envois de fonds
partnership, partnerships | alianza, alianzas, asociación, asociaciones | partenariat, partenariats
partner, partners | socio, socios, asociado, asociados | partenaire, partenaires
funding, financing, finance | financiación, financiamiento, financiar | financement, financer
fund, funds | fondo, fondos | fonds
trust fund | fondo fiduciario | fonds fiduciaire
facility, mechanism | mecanismo, instrumento | mécanisme, facilité
concessional | concesional | concessionnel
budget | presupuesto | budget
raised, raise | recaudado, recaudó, recaudar | collecté, recueilli, levé
donor, donors | donante, donantes | donateur, donateurs, bailleur, bailleurs
grant, grants | subvención, subvenciones | subvention, subventions
loan, loans | préstamo, préstamos | prêt, prêts
bond, bonds | bono, bonos | obligation, obligations
diaspora | diáspora, diásporas | diaspora
savings | ahorros | épargne
investment, investments | inversión, inversiones | investissement, investissements
foreign direct investment | inversión extranjera directa | investissement étranger direct
development | desarrollo | développement
official development assistance, aid | ayuda oficial, ayuda al desarrollo | aide publique au développement, aide
country, countries | país, países | pays
origin | origen | origine
destination | destino | destination
transit | tránsito | transit
city, cities | ciudad, ciudades | ville, villes
mayor, mayors | alcalde, alcaldes | maire, maires
local authorities | autoridades locales | autorités locales
government, governments | gobierno, gobiernos | gouvernement, gouvernements
civil society | sociedad civil | société civile
private sector | sector privado | secteur privé
employer, employers | empleador, empleadores | employeur, employeurs
business | empresas, empresarial | entreprises
worker, workers | trabajador, trabajadores | travailleur, travailleurs
labour, labor | laboral, mano de obra, trabajo | travail, main-d'œuvre
skill, skills | competencia, competencias, aptitudes | compétence, compétences
recognition | reconocimiento | reconnaissance
certification | certificación | certification
training | formación | formation
graduates | graduados | diplômés
wage, wages, salary | salario, salarios, sueldo | salaire, salaires
wage theft | robo de salarios | vol de salaires
social security | seguridad social | sécurité sociale
social protection | protección social | protection sociale
health | salud, sanitaria | santé
education | educación | éducation
return | retorno, regreso | retour
returnees | retornados | rapatriés, personnes de retour
reintegration | reintegración | réintégration
irregular migration | migración irregular | migration irrégulière
regular migration | migración regular | migration régulière
detention | detención | détention
children | niños, niñas, infancia | enfants
unaccompanied | no acompañados | non accompagnés
youth, young people | jóvenes, juventud | jeunes, jeunesse
women | mujeres | femmes
human rights | derechos humanos | droits de l'homme, droits humains
protection | protección | protection
cooperation | cooperación | coopération
coordination | coordinación | coordination
platform | plataforma | plateforme
lessons learned, lessons | lecciones aprendidas, lecciones | leçons apprises, enseignements
challenge, challenges | desafío, desafíos, reto, retos | défi, défis
recommendation, recommendations | recomendación, recomendaciones | recommandation, recommandations
evaluation, assessment | evaluación | évaluation
monitoring | seguimiento, supervisión | suivi
data | datos | données
indicator, indicators | indicador, indicadores | indicateur, indicateurs
target | meta | cible
goal, goals, objective, objectives | objetivo, objetivos | objectif, objectifs
sustainable development goals | objetivos de desarrollo sostenible | objectifs de développement durable
global compact | pacto mundial | pacte mondial
forum | foro | forum
summit | cumbre | sommet
dialogue | diálogo | dialogue
consultation, consultations | consulta, consultas | consultation, consultations
crisis | crisis | crise
pandemic | pandemia | pandémie
climate change | cambio climático | changement climatique
poverty | pobreza | pauvreté
unemployment | desempleo | chômage
population | población | population
percent, per cent, percentage, share | por ciento, porcentaje | pour cent, pourcentage
million, millions | millón, millones | million, millions
billion, billions | mil millones | milliard, milliards
year, years | año, años | année, années, an, ans
annual | anual | annuel
growth, increase | aumento, crecimiento | augmentation, croissance
decline, decrease, fall | disminución, caída, reducción | baisse, diminution
cost, costs | costo, costos, coste, costes | coût, coûts
recruitment | contratación | recrutement
visa, visas | visado, visados | visa, visas
border, borders | frontera, fronteras | frontière, frontières
mobility | movilidad | mobilité
mobility partnership | asociación de movilidad | partenariat pour la mobilité
whole-of-government | pangubernamental | pangouvernemental
whole-of-society | pansocial | ensemble de la société
sovereignty | soberanía | souveraineté
voting power, vote | poder de voto, voto | droit de vote, vote
peer learning | aprendizaje entre pares | apprentissage entre pairs
review | examen | examen
governance | gobernanza | gouvernance
policy, policies | política, políticas | politique, politiques
program, programme, programs, programmes | programa, programas | programme, programmes
project, projects | proyecto, proyectos | projet, projets
pilot | piloto | pilote
bilateral | bilateral | bilatéral
regional | regional | régional
world bank | banco mundial | banque mondiale
united nations | naciones unidas | nations unies
european union | unión europea | union européenne
binational | binacional | binational
""".strip()


def _entries() -> list[list[list[str]]]:
    rows = []
    for line in _ROWS.splitlines():
        cells = [[fold(t.strip()) for t in cell.split(",") if t.strip()] for cell in line.split("|")]
        if len(cells) == 3:
            rows.append(cells)
    return rows


_TABLE = _entries()
_TERMS = sorted(((t, row) for row in _TABLE for cell in row for t in cell), key=lambda x: -len(x[0]))  # longest first
LANG_INDEX = {"en": 0, "es": 1, "fr": 2}


def _find(folded: str) -> list[tuple[int, int, list[list[str]]]]:
    """(start, end, row) of glossary terms found in a folded text, longest terms first, no overlaps."""
    found: list[tuple[int, int, list[list[str]]]] = []
    taken: list[tuple[int, int]] = []
    for term, row in _TERMS:
        for match in re.finditer(rf"\b{re.escape(term)}\b", folded):
            span = (match.start(), match.end())
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            taken.append(span)
            found.append((span[0], span[1], row))
    return sorted(found, key=lambda f: f[0])


def expansions(question: str) -> list[str]:
    """Equivalent terms, in all three languages, of the glossary terms a question uses."""
    out: list[str] = []
    for _, _, row in _find(fold(question)):
        for cell in row:
            for term in cell:
                if term not in out:
                    out.append(term)
    return out


def translate_words(question: str, lang: str) -> str:
    """A rough rendering of the question in `lang`: glossary terms replaced, everything else kept."""
    folded = fold(question)
    column = LANG_INDEX[lang]
    pieces: list[str] = []
    cursor = 0
    for start, end, row in _find(folded):
        pieces.append(folded[cursor:start])
        pieces.append(row[column][0])
        cursor = end
    pieces.append(folded[cursor:])
    return "".join(pieces)
