"""How well question languages are detected: every golden question, whole and cut down to its key terms.

    python -m evals.langid                 # the product's detector, dev and test questions
    python -m evals.langid --compare       # also function words alone (the detector before lingua), side by side

A delegate often types only keywords ("Remesas Nigeria 2019", "transferts de fonds Sénégal"); the detected
language picks the answer's language, the per-language pools and the stemmer. The short form of a question keeps
its first content words (no stop words, no question words, no figures), two to four of them, in their order.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evals.golden import GoldenItem, default_golden_files, load_golden
from evals.stats import wilson
from gfmd.text.languages import LANGUAGES, detect_language, function_word_language, stop_words
from gfmd.text.normalize import STOP, fold

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Words that name the source rather than the subject ("according to the GFMD 2020 paper ..."): a keyword query
# would not carry them.
_FRAME = frozenset(
    fold(w)
    for w in "according según selon document documento paper report informe rapport background referencia "
    "référence gfmd fmmd".split()
)
KEYWORDS_MIN, KEYWORDS_MAX = 2, 4


def keywords(question: str, n: int) -> str | None:
    """The first `n` content words of a question, or None when it has fewer than KEYWORDS_MIN."""
    stops = STOP | frozenset().union(*(stop_words(lang) for lang in LANGUAGES))
    content = [w for w in _WORD.findall(question) if fold(w) not in stops and fold(w) not in _FRAME and len(w) > 2]
    return " ".join(content[:n]) if len(content) >= KEYWORDS_MIN else None


@dataclass(frozen=True)
class Row:
    name: str
    right: int
    total: int

    def line(self) -> str:
        lo, hi = wilson(self.right, self.total)
        share = self.right / self.total if self.total else 0.0
        return f"  {self.name:<32} {share:.3f}  [{lo:.2f}, {hi:.2f}]  ({self.right}/{self.total})"


def score(detect: Callable[[str], str], cases: Sequence[tuple[str, str]], name: str) -> Row:
    return Row(name, sum(1 for text, lang in cases if detect(text) == lang), len(cases))


def cases_of(items: Sequence[GoldenItem]) -> dict[str, list[tuple[str, str]]]:
    sets: dict[str, list[tuple[str, str]]] = {"whole questions": [(i.question, i.lang) for i in items]}
    for n in range(KEYWORDS_MIN, KEYWORDS_MAX + 1):
        short = [(k, i.lang) for i in items if (k := keywords(i.question, n)) is not None]
        sets[f"first {n} key terms"] = short
    return sets


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also score function words alone")
    args = parser.parse_args(argv)
    # As the assistant reads a question: undecided means English.
    detectors: dict[str, Callable[[str], str]] = {"product": lambda t: detect_language(t, default="en")}
    if args.compare:
        detectors["function words only"] = lambda t: function_word_language(t) or "en"
    for split in ("dev", "test"):
        items = [i for i in load_golden(default_golden_files(split)) if i.split == split]
        print(f"{split} split: {len(items)} questions")
        for set_name, cases in cases_of(items).items():
            print(f" {set_name}")
            for name, detect in detectors.items():
                print(score(detect, cases, name).line())


if __name__ == "__main__":
    main()
