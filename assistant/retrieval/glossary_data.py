# ruff: noqa: E501  (data: one row per line reads better than wrapped rows)
"""The glossary's rows (assistant.retrieval.glossary): English | Spanish | French, alternatives separated by commas.

DOMAIN holds the vocabulary of migration and development papers, evaluations and resolutions: the first rows
were written for the seed paper's themes; the rest translate the most frequent content words of the public
evaluation reports and resolutions (counted over their passages), and country and institution names that change
across the three languages. A row earns its place by the passages it serves: one found in a single sentence of the
corpus serves an item, not a class of questions, and is left out. QUESTION_WORDS only serve the word-by-word
renderings of a question: as BM25 expansions they would match every passage.
"""

DOMAIN = """migrant, migrants | migrante, migrantes | migrant, migrants
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
whole-of-government | pangubernamental | pangouvernemental
whole-of-society | pansocial | ensemble de la société
sovereignty | soberanía | souveraineté
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
support, supports | apoyo, apoya | appui, soutien, soutient
management | gestión | gestion
case, cases | caso, casos | cas
case management | gestión de casos | gestion des cas
staff | personal | personnel
quality | calidad | qualité
stakeholder, stakeholders | parte interesada, partes interesadas | partie prenante, parties prenantes
report, reports | informe, informes | rapport, rapports
assistance | asistencia | assistance, aide
international | internacional, internacionales | international, internationale, internationaux
activity, activities | actividad, actividades | activité, activités
beneficiary, beneficiaries | beneficiario, beneficiarios | bénéficiaire, bénéficiaires
national | nacional, nacionales | national, nationale, nationaux
information | información | information, informations
interview, interviews, interviewed | entrevista, entrevistas, entrevistados | entretien, entretiens, interrogés
implementation, implemented, implement | implementación, aplicación, aplicar | mise en œuvre, mettre en œuvre
need, needs | necesidad, necesidades | besoin, besoins
approach, approaches | enfoque, enfoques | approche, approches
analysis | análisis | analyse
community, communities | comunidad, comunidades | communauté, communautés
capacity, capacities | capacidad, capacidades | capacité, capacités
capacity-building | creación de capacidad, fortalecimiento de capacidades | renforcement des capacités
process, processes | proceso, procesos | processus
finding, findings | constatación, constataciones, hallazgos, conclusiones | constat, constats, conclusions
level, levels | nivel, niveles | niveau, niveaux
state, states | estado, estados | état, états
member states | estados miembros | états membres
framework, frameworks | marco, marcos | cadre, cadres
resources | recursos | ressources
services | servicios | services
service providers | proveedores de servicios | prestataires de services
results | resultados | résultats
tool, tools | herramienta, herramientas | outil, outils
economic | económico, económica | économique
affected populations | poblaciones afectadas | populations affectées
accountability | rendición de cuentas | redevabilité, responsabilité
guidance, guidelines | orientación, directrices | orientations, lignes directrices
survey, surveys | encuesta, encuestas | enquête, enquêtes
social | social, sociales | social, sociale, sociaux
external | externo, externa | externe
internal | interno, interna | interne
global | mundial, global | mondial, mondiale
research | investigación | recherche
impact | impacto | impact
team | equipo | équipe
criteria | criterios | critères
initiative, initiatives | iniciativa, iniciativas | initiative, initiatives
joint initiative | iniciativa conjunta | initiative conjointe
office, offices | oficina, oficinas | bureau, bureaux
region, regions | región, regiones | région, régions
sustainability | sostenibilidad | durabilité, viabilité
access | acceso | accès
effective, effectiveness | eficaz, eficacia | efficace, efficacité
efficiency | eficiencia | efficience
relevance | pertinencia | pertinence
coherence | coherencia | cohérence
organization, organisation | organización | organisation
study | estudio | étude
good practice, good practices, best practices | buena práctica, buenas prácticas | bonne pratique, bonnes pratiques
practice, practices | práctica, prácticas | pratique, pratiques
evidence | evidencia, pruebas | données probantes, preuves
final | final | final, finale
conducted, carried out | realizado, realizada, realizó, llevado a cabo | réalisé, réalisée, mené, menée
strategy, strategies | estrategia, estrategias | stratégie, stratégies
system, systems | sistema, sistemas | système, systèmes
response | respuesta | réponse
management response | respuesta de la dirección, respuesta de la administración | réponse de la direction
technical | técnico, técnica | technique
engagement | participación, compromiso | engagement, mobilisation
conclusion, conclusions | conclusión, conclusiones | conclusion, conclusions
persons, people | personas | personnes
informants | informantes | informateurs
procedure, procedures | procedimiento, procedimientos | procédure, procédures
standard operating procedures | procedimientos operativos estándar | procédures opérationnelles normalisées
collection | recopilación, recolección | collecte
humanitarian | humanitario, humanitaria | humanitaire
vulnerable | vulnerable, vulnerables | vulnérable, vulnérables
vulnerability, vulnerabilities | vulnerabilidad, vulnerabilidades | vulnérabilité, vulnérabilités
feedback | retroalimentación, comentarios | retour d'information, rétroaction
complaints | quejas, reclamaciones | plaintes
referral | derivación, remisión | orientation, référencement
rating | calificación | notation
scope | alcance | portée, champ
institutional | institucional | institutionnel, institutionnelle
respondents | encuestados | répondants
cross-cutting | transversal, transversales | transversal, transversaux
plan | plan | plan
violence | violencia | violence
voluntary | voluntario, voluntaria | volontaire
participation | participación | participation
host | acogida, receptor | accueil, hôte
psychosocial | psicosocial | psychosocial
gender | género | genre
mission, missions | misión, misiones | mission, missions
methodology, methodological | metodología, metodológico | méthodologie, méthodologique
method, methods | método, métodos | méthode, méthodes
integration | integración | intégration
strengthen, strengthening | fortalecer, fortalecimiento | renforcer, renforcement
improve, improvement | mejorar, mejora | améliorer, amélioration
financial | financiero, financiera | financier, financière
communication | comunicación | communication
intervention, interventions | intervención, intervenciones | intervention, interventions
operational | operacional, operativo | opérationnel
inclusion | inclusión | inclusion
group, groups | grupo, grupos | groupe, groupes
action | acción, medida | action, mesure
role | papel, función | rôle
unit | unidad | unité
measures | medidas | mesures
authorities | autoridades | autorités
reporting | presentación de informes | rapports, établissement de rapports
trafficking, trafficking in persons | trata, trata de personas | traite, traite des personnes
smuggling | tráfico ilícito de migrantes | trafic illicite de migrants
performance | desempeño | performance
principles | principios | principes
gaps | brechas, lagunas, deficiencias | lacunes, écarts
knowledge | conocimiento, conocimientos | connaissances
priorities | prioridades | priorités
agency, agencies | organismo, organismos, agencia, agencias | agence, agences, organisme, organismes
headquarters | sede | siège
documentation | documentación | documentation
background | antecedentes, contexto | contexte
structural | estructural | structurel, structurelle
operations | operaciones | opérations
summary | resumen | résumé
exploitation | explotación | exploitation
learning | aprendizaje | apprentissage
legal | jurídico, legal | juridique, légal
awareness | sensibilización, concienciación | sensibilisation
status | situación, condición | statut, situation
interim | provisional, intermedio | intérimaire, intermédiaire
orderly | ordenada | ordonnée
safe | segura, seguro | sûre, sûr
dignified | digno, digna | digne
families, family | familias, familia | familles, famille
employment | empleo | emploi
progress | progreso, avances | progrès
collaboration | colaboración | collaboration
security | seguridad | sécurité
abuse | abuso, abusos | abus
encourages | alienta | encourage
calls upon | exhorta | demande
establish | establecer | établir
conditions | condiciones | conditions
period | período, periodo | période
sample | muestra | échantillon
prevent, prevention | prevenir, prevención | prévenir, prévention
outcome, outcomes | resultado, resultados | résultat, résultats
society | sociedad | société
disability, disabilities | discapacidad | handicap
number | número | nombre, numéro
horn of africa | cuerno de áfrica | corne de l'afrique
ethiopia | etiopía | éthiopie
somalia | somalia | somalie
sudan | sudán | soudan
djibouti | yibuti | djibouti
egypt | egipto | égypte
morocco, moroccan | marruecos, marroquí | maroc, marocain
turkey, türkiye | turquía | turquie
haiti | haití | haïti
dominican republic | república dominicana | république dominicaine
united states | estados unidos | états-unis
canada | canadá | canada
mexico | méxico | mexique
colombia | colombia | colombie
venezuelans | venezolanos | vénézuéliens
philippines | filipinas | philippines
general assembly | asamblea general | assemblée générale
resolution | resolución | résolution
declaration | declaración | déclaration
commitment, commitments | compromiso, compromisos | engagement, engagements
pathways | vías | voies
temporary | temporal, temporales | temporaire, temporaires
seasonal | temporada, estacional | saisonnier
resettle, resettlement | reasentar, reasentamiento | réinstaller, réinstallation
asylum | asilo | asile
displaced, displacement | desplazados, desplazamiento | déplacés, déplacement
hub | centro | centre
""".strip()

QUESTION_WORDS = """
what | qué, cuál, cuáles | quel, quelle, quels, quelles
who | quién, quiénes | qui
when | cuándo | quand
where | dónde | où
why | por qué | pourquoi
how many | cuántos, cuántas | combien
how much | cuánto, cuánta | combien
how | cómo | comment
according to | según | selon
""".strip()

# Acronyms of the domain and what they stand for: acronyms | English | Spanish | French, alternatives separated by
# ";" (names hold commas). A file named "GCM_..." is about the Global Compact for Migration even where its
# passages never spell the name out.
ACRONYMS = """
GCM, PMM | global compact for safe, orderly and regular migration; global compact for migration | pacto mundial para una migración segura, ordenada y regular; pacto mundial sobre migración | pacte mondial pour des migrations sûres, ordonnées et régulières; pacte mondial sur les migrations
GFMD, FMMD | global forum on migration and development | foro mundial sobre migración y desarrollo | forum mondial sur la migration et le développement
IOM, OIM | international organization for migration | organización internacional para las migraciones | organisation internationale pour les migrations
UNGA | united nations general assembly; general assembly | asamblea general de las naciones unidas; asamblea general | assemblée générale des nations unies; assemblée générale
AAP | accountability to affected populations | rendición de cuentas a las poblaciones afectadas | redevabilité envers les populations affectées
JI | joint initiative | iniciativa conjunta | initiative conjointe
EU, UE | european union | unión europea | union européenne
USG | united states government | gobierno de los estados unidos | gouvernement des états-unis
RD | dominican republic | república dominicana | république dominicaine
IMRF | international migration review forum | foro de examen de la migración internacional | forum d'examen des migrations internationales
KNOMAD | global knowledge partnership on migration and development | alianza mundial para el conocimiento sobre migración y desarrollo | partenariat mondial pour le savoir sur les migrations et le développement
GCFF | global concessional financing facility | mecanismo mundial de financiamiento concesional | mécanisme mondial de financement concessionnel
""".strip()
