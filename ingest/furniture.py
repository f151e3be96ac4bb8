"""Document furniture: the lines of a page that describe the document rather than say anything in it.

A UN document opens with a masthead: the organisation and the document symbol ("United Nations A/RES/78/217"),
the organ ("General Assembly"), the distribution line and its date ("Distr.: General", "22 December 2023"), the
session ("Seventy-eighth session"), the agenda item and its title, a job number and a bar code ("23-25999 (E)",
"*2325999*"). Its pages carry running headers that differ only by their numbers ("23-25999 2/14"). None of these
answers a question; quoted, they read as noise. They are kept as blocks of kind "furniture" (searchable, never
quoted), as is the resolution's numbered title ("78/217. Protection of migrants"). The adoption line ("Resolution
adopted by the General Assembly on 19 December 2023 [on the report of the Third Committee ...]") and the closing
"50th plenary meeting / 19 December 2023" are not furniture: they date the
resolution.
"""

from __future__ import annotations

import re

from gfmd.text.dates import MONTH_ALTERNATION

_ORGANISATION = r"(?:United Nations|Nations Unies|Naciones Unidas)"
# "A/RES/78/217", "A/78/L.45", "E/CN.6/2024/3", "A/HRC/RES/53/24". Its last part holds a figure: "N/A" in a table
# is no symbol.
_SYMBOL = r"(?:[A-Z]{1,2}(?:/[A-Z0-9][\w.()-]*)*/[A-Z.]*\d[\w.()-]*)"
# "71 (b)", "60", "71 b)", "14 and 15".
_ITEMS = r"\d{1,3}(?:\s*\(?[a-z]\))?(?:\s*(?:,|and|et|y)\s*\d{1,3}(?:\s*\(?[a-z]\))?)*"
_LINE_PATTERNS = [
    rf"{_ORGANISATION}(?:\s+{_SYMBOL})?",
    rf"{_SYMBOL}(?:\s+{_ORGANISATION})?",
    r"(?:General Assembly|Security Council|Economic and Social Council|Human Rights Council|Assemblée générale|"
    r"Conseil de sécurité|Conseil économique et social|Conseil des droits de l['’]homme|Asamblea General|"
    r"Consejo de Seguridad|Consejo Económico y Social|Consejo de Derechos Humanos)",
    r"Distr\.?\s*:?\s*(?:General|Limited|Restricted|générale|limitée|restreinte|general|limitada|reservada)\.?",
    r"(?:Original|Originale?)\s*:\s*\w+(?:\s*/\s*\w+)*",
    # "Seventy-eighth session", "Soixante-dix-huitième session", "Septuagésimo octavo período de sesiones": the
    # first word an ordinal, so that a wrapped line like "Welcomes the first session" is not one.
    r"[A-ZÀ-Ý][\w-]*(?:th|st|nd|rd|ième|mo|ma|vo|va)(?:\s+[\w-]+)?\s+(?:(?:regular|special|resumed)\s+)?"
    r"(?:session|période de sessions|período de sesiones)",
    rf"Agenda items?\s+{_ITEMS}|Points?\s+{_ITEMS}\s+de l['’]ordre du jour|Temas?\s+{_ITEMS}\s+del programa",
    # The resolution's number and title, printed under the adoption line ("78/217. Protection of migrants"): a
    # heading that names the document, not a sentence (quoted, it reads as an answer to any question on its topic).
    r"\d{2,3}/\d{1,4}\.\s+[A-ZÀ-Ý][^.;:]{0,150}",
    # Job number, bar code, and the running header that pairs the job number with the page ("23-25999 2/14").
    r"\d{2}-\d{5}\s*(?:\([A-Z]\))?(?:\s+\d{6}){0,2}",
    r"\*\d{6,}\*",
    r"\d{2}-\d{5}\s+\d{1,3}/\d{1,3}|\d{1,3}/\d{1,3}\s+\d{2}-\d{5}",
]
_FURNITURE_LINE = re.compile(rf"^(?:{'|'.join(_LINE_PATTERNS)})$")
_DISTRIBUTION = re.compile(r"^Distr\.?\s*:?", re.IGNORECASE)
_DATE_ONLY = re.compile(rf"^\d{{1,2}}\s+(?:de\s+)?(?:{MONTH_ALTERNATION})\s+(?:de\s+)?\d{{4}}$", re.IGNORECASE)
_AGENDA = re.compile(r"^(?:Agenda items?|Points?|Temas?)\s+\d", re.IGNORECASE)
# Where the agenda item's title ends: the adoption line, or the resolution's own number and title ("78/217. ...").
_AFTER_AGENDA_TITLE = re.compile(
    r"^(?:Resolution adopted|Résolution adoptée|Resolución aprobada|\d{1,3}/\d{1,4}\.\s|The General Assembly|"
    r"L['’]Assemblée générale|La Asamblea General)",
    re.IGNORECASE,
)
MAX_AGENDA_TITLE_LINES = 8


def is_furniture_line(line: str) -> bool:
    """A masthead, distribution, symbol, session, agenda, job-number or bar-code line (whitespace-normalised)."""
    return bool(_FURNITURE_LINE.match(line.strip()))


def furniture_indexes(lines: list[str]) -> set[int]:
    """The indexes of a page's furniture lines: every line `is_furniture_line` knows, the date printed under the
    distribution line, and an agenda item's title (the lines between "Agenda item 71 (b)" and the adoption line)."""
    found: set[int] = set()
    filled = [i for i, line in enumerate(lines) if line.strip()]  # blank lines neither count nor separate
    n = 0
    while n < len(filled):
        i = filled[n]
        line = lines[i].strip()
        if not is_furniture_line(line):
            n += 1
            continue
        found.add(i)
        following = filled[n + 1 : n + 1 + MAX_AGENDA_TITLE_LINES]
        if _DISTRIBUTION.match(line) and following and _DATE_ONLY.match(lines[following[0]].strip()):
            found.add(following[0])
        if _AGENDA.match(line):
            # Only up to a line that plainly ends the masthead; without one, the title may be the text itself.
            ends = [k for k, j in enumerate(following) if _AFTER_AGENDA_TITLE.match(lines[j].strip())]
            if ends:
                found.update(following[: ends[0]])
                n += 1 + ends[0]
                continue
        n += 1
    return found
