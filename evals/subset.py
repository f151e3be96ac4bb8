"""Named subsets of the golden set, for evaluations that must be quick (CI) yet cover every family.

A subset is a list file, evals/golden/<name>_subset.txt: one item id per line, plus `distractor: <file name>` lines
naming corpus files no listed item cites (they compete with the gold documents in retrieval, as the rest of the
corpus would). `#` starts a comment. An evaluation of a subset puts exactly its items to the assistant, over an
index of only the files those items cite plus the distractors, so it fits a CI budget; a listed id missing from
the golden set, or a needed file missing from the corpus, is an error rather than a quietly smaller gate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from evals.golden import GOLDEN_DIR, GoldenError, GoldenItem


@dataclass(frozen=True)
class Subset:
    name: str
    path: Path
    ids: tuple[str, ...]
    distractors: tuple[str, ...] = ()

    def pick(self, items: Sequence[GoldenItem]) -> list[GoldenItem]:
        """The listed items, in golden-file order; every listed id must be among `items`."""
        by_id = {item.id: item for item in items}
        missing = [i for i in self.ids if i not in by_id]
        if missing:
            raise GoldenError(
                f"{self.path}: {len(missing)} listed items are not in the selected golden items (wrong split or "
                f"family, or removed?): {', '.join(missing[:10])}"
            )
        wanted = set(self.ids)
        return [item for item in items if item.id in wanted]

    def documents(self, items: Sequence[GoldenItem]) -> list[str]:
        """File names the subset needs: every gold source of its items, then its distractors."""
        sources = [source for item in items for source in item.sources]
        return list(dict.fromkeys([*sources, *self.distractors]))

    def narrow(self, corpus: Mapping[str, Path], items: Sequence[GoldenItem]) -> dict[str, Path]:
        """The corpus restricted to the files the subset needs; each of them must be in it."""
        needed = self.documents(items)
        missing = [name for name in needed if name not in corpus]
        if missing:
            raise GoldenError(f"{self.path}: files not in the corpus given: {', '.join(missing)}")
        return {name: corpus[name] for name in needed}


def subset_path(name: str) -> Path:
    """evals/golden/<name>_subset.txt for a bare name; a path with a folder or suffix is taken as it is."""
    path = Path(name)
    return path if path.suffix or len(path.parts) > 1 else GOLDEN_DIR / f"{name}_subset.txt"


def load_subset(name: str) -> Subset:
    path = subset_path(name)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldenError(f"subset {name!r}: cannot read {path} ({exc})") from exc
    ids: list[str] = []
    distractors: list[str] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("distractor:"):
            distractors.append(line.removeprefix("distractor:").strip())
        elif " " in line or ":" in line:
            raise GoldenError(f"{path}:{number}: expected an item id or 'distractor: <file name>', got {line!r}")
        elif line in ids:
            raise GoldenError(f"{path}:{number}: id {line!r} listed twice")
        else:
            ids.append(line)
    if not ids:
        raise GoldenError(f"{path}: lists no item")
    return Subset(path.stem.removesuffix("_subset"), path, tuple(ids), tuple(distractors))
