"""The golden set: questions with the facts a right answer states and the passages it should cite.

One JSON object per line:
    {"id", "question", "lang", "answerable", "category", "facts": [[alternatives...], ...],
     "gold": [{"source", "page", "quote"}],
     optional: "split": "dev"|"test", "family": "<topic family>", "names_document": true|false}
A `facts` group is met when any one of its alternatives appears in the answer. `source` is a file name,
resolved against the corpus folders given to the evaluation. Every error names the file, the line and the field.

Splits: evals/golden/*.jsonl is the dev split (what changes are tried on), evals/golden/test/*.jsonl the frozen
test split (what a change is finally measured on, rarely). An item without "split" belongs to its file's split.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gfmd.text.languages import LANGUAGES

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
TEST_DIR = GOLDEN_DIR / "test"
SPLITS = ("dev", "test")
_LANG_SUFFIX = re.compile(rf"_({'|'.join(LANGUAGES)})$")


class GoldenError(ValueError):
    """A golden file cannot be used: the message names file:line and the field at fault."""


@dataclass(frozen=True)
class GoldPassage:
    source: str
    page: int
    quote: str


@dataclass(frozen=True)
class GoldenItem:
    id: str
    question: str
    lang: str
    answerable: bool
    category: str
    facts: tuple[tuple[str, ...], ...]
    gold: tuple[GoldPassage, ...]
    origin: str = ""  # "file:line", for messages
    split: str = "dev"
    family: str = ""  # topic family ("hoa-ji", "off-topic"...); "" when the file does not say
    names_document: bool | None = None  # whether the question names its document; None when the file does not say

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g.source for g in self.gold))


def default_golden_files(split: str = "dev") -> list[Path]:
    """The golden files that may hold items of `split` ("dev", "test" or "all"). Test files are read only when
    the test split is asked for, so a dev run never depends on them; the folder may not exist."""
    if split not in (*SPLITS, "all"):
        raise GoldenError(f"unknown split {split!r}: use dev, test or all")
    files = sorted(GOLDEN_DIR.glob("*.jsonl"))  # dev files; an item in them may still say "split": "test"
    if split != "dev" and TEST_DIR.is_dir():
        files += sorted(TEST_DIR.glob("*.jsonl"))
    return files


def file_split(path: Path) -> str:
    """The split of an item that does not say: "test" inside a folder named test, else "dev"."""
    return "test" if Path(path).parent.name == "test" else "dev"


def load_golden(paths: Iterable[Path]) -> list[GoldenItem]:
    """All items of the given files, in file then line order; ids must be unique across files."""
    items: list[GoldenItem] = []
    seen: dict[str, str] = {}
    for path in paths:
        for item in load_file(Path(path)):
            if item.id in seen:
                raise GoldenError(f"{item.origin}: field 'id': duplicate id {item.id!r} (first at {seen[item.id]})")
            seen[item.id] = item.origin
            items.append(item)
    return items


def load_file(path: Path) -> list[GoldenItem]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldenError(f"{path}: cannot read ({exc})") from exc
    items: list[GoldenItem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            raw = json.loads(line)
        except ValueError as exc:
            raise GoldenError(f"{where}: invalid JSON ({exc})") from exc
        items.append(parse_item(raw, where, file_split(path)))
    return items


def parse_item(raw: Any, where: str, default_split: str = "dev") -> GoldenItem:
    """Validate one decoded line. Unknown keys (notes, authors...) are allowed and ignored."""
    if not isinstance(raw, dict):
        raise GoldenError(f"{where}: expected a JSON object, got {type(raw).__name__}")
    field = _field_reader(raw, where)
    # 1. Scalar fields.
    item_id = field("id", str).strip()
    question = field("question", str).strip()
    lang = field("lang", str).strip()
    answerable = field("answerable", bool)
    category = field("category", str).strip()
    for name, value in (("id", item_id), ("question", question), ("category", category)):
        if not value:
            raise GoldenError(f"{where}: field {name!r} is empty")
    if lang not in LANGUAGES:
        raise GoldenError(f"{where}: field 'lang' must be one of {sorted(LANGUAGES)}, got {lang!r}")
    # 2. Facts and gold passages.
    facts = _facts(field("facts", list), where)
    gold = _gold(field("gold", list), where)
    # 3. Consistency between answerability and evidence.
    if answerable and not gold:
        raise GoldenError(f"{where}: field 'gold' is empty, but an answerable item needs at least one passage")
    if not answerable and facts:
        raise GoldenError(f"{where}: field 'facts' must be empty for an unanswerable item")
    # 4. Optional labels: split, family, whether the question names its document.
    split, family, names_document = _labels(raw, where, default_split)
    return GoldenItem(item_id, question, lang, answerable, category, facts, gold, where, split, family, names_document)


def _field_reader(raw: dict[str, Any], where: str) -> Callable[[str, type | tuple[type, ...]], Any]:
    """A reader of required fields of `raw` that checks their type (a bool is no int)."""

    def field(name: str, kind: type | tuple[type, ...]) -> Any:
        if name not in raw:
            raise GoldenError(f"{where}: field {name!r} is missing")
        value = raw[name]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise GoldenError(f"{where}: field {name!r} must be {expected}, got {type(value).__name__}")
        return value

    return field


def _facts(facts_raw: list[Any], where: str) -> tuple[tuple[str, ...], ...]:
    """A list of non-empty groups of non-empty strings."""
    facts: list[tuple[str, ...]] = []
    for i, group in enumerate(facts_raw):
        if not isinstance(group, list) or not group:
            raise GoldenError(f"{where}: field 'facts[{i}]' must be a non-empty list of alternatives")
        if not all(isinstance(alt, str) and alt.strip() for alt in group):
            raise GoldenError(f"{where}: field 'facts[{i}]' must hold non-empty strings")
        facts.append(tuple(alt.strip() for alt in group))
    return tuple(facts)


def _gold(gold_raw: list[Any], where: str) -> tuple[GoldPassage, ...]:
    gold: list[GoldPassage] = []
    for i, entry in enumerate(gold_raw):
        name = f"gold[{i}]"
        if not isinstance(entry, dict):
            raise GoldenError(f"{where}: field {name!r} must be an object")
        source, page, quote = entry.get("source"), entry.get("page"), entry.get("quote")
        if not isinstance(source, str) or not source.strip() or "/" in source:
            raise GoldenError(f"{where}: field '{name}.source' must be a file name (no folder)")
        if not isinstance(page, int) or isinstance(page, bool) or page < 1:
            raise GoldenError(f"{where}: field '{name}.page' must be an integer >= 1")
        if not isinstance(quote, str) or not quote.strip():
            raise GoldenError(f"{where}: field '{name}.quote' must be a non-empty string")
        gold.append(GoldPassage(source.strip(), page, quote.strip()))
    return tuple(gold)


def _labels(raw: dict[str, Any], where: str, default_split: str) -> tuple[str, str, bool | None]:
    """The optional labels: (split, family, names_document)."""
    split = raw.get("split", default_split)
    if split not in SPLITS:
        raise GoldenError(f"{where}: field 'split' must be one of {list(SPLITS)}, got {split!r}")
    family = raw.get("family", "")
    if not isinstance(family, str) or ("family" in raw and not family.strip()):
        raise GoldenError(f"{where}: field 'family' must be a non-empty string")
    names_document = raw.get("names_document")
    if names_document is not None and not isinstance(names_document, bool):
        raise GoldenError(f"{where}: field 'names_document' must be bool, got {type(names_document).__name__}")
    return split, family.strip(), names_document


def select(items: Sequence[GoldenItem], split: str = "dev", families: Iterable[str] = ()) -> list[GoldenItem]:
    """Items of `split` ("dev", "test" or "all"), and of the given families when some are given. A family no item
    has is an error (a typo would otherwise evaluate nothing of it, silently)."""
    if split not in (*SPLITS, "all"):
        raise GoldenError(f"unknown split {split!r}: use dev, test or all")
    wanted = set(families)
    known = {item.family for item in items if item.family}
    unknown = sorted(wanted - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none: the golden files give no family"
        raise GoldenError(f"unknown family {', '.join(unknown)} (families: {listed})")
    return [item for item in items if (split == "all" or item.split == split) and (not wanted or item.family in wanted)]


def in_corpus(items: Iterable[GoldenItem], corpus: Mapping[str, Path]) -> tuple[list[GoldenItem], list[GoldenItem]]:
    """(kept, skipped): items whose gold sources are all in the corpus; unanswerable items are always kept."""
    kept: list[GoldenItem] = []
    skipped: list[GoldenItem] = []
    for item in items:
        (kept if all(source in corpus for source in item.sources) else skipped).append(item)
    return kept, skipped


def round_robin(groups: list[list[GoldenItem]], limit: int | None) -> list[GoldenItem]:
    """At most `limit` items taken in turn from each group (file), so a small limit still covers every file."""
    if limit is None:
        return [item for group in groups for item in group]
    out: list[GoldenItem] = []
    queues = [list(g) for g in groups]
    while len(out) < limit and any(queues):
        for queue in queues:
            if queue and len(out) < limit:
                out.append(queue.pop(0))
    return out


def source_lang(source: str) -> str | None:
    """Language from a file-name suffix: 'report_es.pdf' -> 'es'; None without one."""
    stem = source
    while Path(stem).suffix.lower() in {".pdf", ".txt", ".md", ".markdown"}:
        stem = Path(stem).stem
    match = _LANG_SUFFIX.search(stem)
    return match.group(1) if match else None
