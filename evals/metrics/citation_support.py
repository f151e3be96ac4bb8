"""Citation support: does each answer sentence say only what the passages it cites say?

A sentence is supported when both checks pass:
  (a) lexical: every figure or date, and every capitalised name or acronym of the sentence, appears in the
      text of its cited passages (number formats normalised: 3,5 = 3.5, 5,500 = 5500; a figure may be spelled
      out in the passage: 11 = "eleven"; names allowing for translation, `evals.textmatch.has_name`: a generated
      answer may be written in another language than its sources);
  (b) semantic: the e5 similarity (passage role for both, cosine) between the sentence and its best cited
      passage reaches `threshold` (default 0.80; `calibrate_threshold` derives one from true vs shuffled pairs).
A sentence without a citation, or citing a number with no citation behind it, is unsupported.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from evals.metrics.base import Embedder, ItemRun, MetricResult, Verdict, aggregate
from evals.metrics.retrieval import hits
from evals.textmatch import canonical, has_name, names, numbers, spelled_numbers
from gfmd.text.quotes import strip_markers

DEFAULT_THRESHOLD = 0.80


@dataclass
class SupportResult:
    support: MetricResult  # both checks
    lexical: MetricResult
    semantic: MetricResult
    threshold: float

    def metrics(self) -> dict[str, MetricResult]:
        return {
            "citation_support": self.support,
            "citation_support_lexical": self.lexical,
            "citation_support_semantic": self.semantic,
        }


class Similarity:
    """Cosine similarity of e5 passage vectors, each text embedded once."""

    def __init__(self, embed: Embedder) -> None:
        self.embed = embed
        self._cache: dict[str, np.ndarray] = {}

    def prepare(self, texts: Sequence[str]) -> None:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = np.asarray(self.embed(missing), dtype=np.float32)
            for text, vector in zip(missing, vectors, strict=True):
                norm = float(np.linalg.norm(vector)) or 1.0
                self._cache[text] = vector / norm

    def __call__(self, a: str, b: str) -> float:
        self.prepare([a, b])
        return float(self._cache[a] @ self._cache[b])


def lexical_gaps(sentence: str, passages: Sequence[str]) -> list[str]:
    """Figures and names of the sentence that none of its cited passages contains (`gfmd.text.quotes`' footnote
    markers aside)."""
    # Footnote markers read out of the passages ("de 2020.17" states 2020), as clean quotes leave them out.
    context = canonical(" ".join(strip_markers(p) for p in passages))
    context_numbers = numbers(context) | spelled_numbers(context)
    missing = sorted(n for n in numbers(sentence) if n not in context_numbers)
    missing += sorted(name for name in names(sentence) if not has_name(context, name))
    return missing


def score_citation_support(
    runs: Sequence[ItemRun], similarity: Similarity, threshold: float = DEFAULT_THRESHOLD
) -> SupportResult:
    both: list[Verdict] = []
    lexical: list[Verdict] = []
    semantic: list[Verdict] = []
    # 1. Embed every sentence and cited passage in one batch.
    similarity.prepare(
        [s.text for run in runs for s in run.answer.sentences] + [c.text for run in runs for c in run.answer.citations]
    )
    for run in runs:
        item_id, answer = run.item.id, run.answer
        # Sentences the answerer itself dropped as unsupported are reported in `sentences` but never shown.
        shown = [s for s in answer.sentences if s.supported is not False]
        if answer.refused or not shown:
            reason = "refused" if answer.refused else "no sentence"
            for out in (both, lexical, semantic):
                out.append(Verdict(item_id, None, 0, reason))
            continue
        by_n = {c.n: c.text for c in answer.citations}
        n_lex = n_sem = n_both = 0
        problems: list[str] = []
        for i, sentence in enumerate(shown, start=1):
            # 2. The passages this sentence cites; a sentence citing nothing (or a missing [n]) is unsupported.
            cited = [by_n[n] for n in sentence.citations if n in by_n]
            if not cited:
                problems.append(f"sentence {i}: no valid citation")
                continue
            # 3. Lexical check: figures and names must be in the cited passages.
            gaps = lexical_gaps(sentence.text, cited)
            # 4. Semantic check: best similarity to a cited passage.
            best = max(similarity(sentence.text, passage) for passage in cited)
            ok_lex, ok_sem = not gaps, best >= threshold
            n_lex += ok_lex
            n_sem += ok_sem
            n_both += ok_lex and ok_sem
            if gaps:
                problems.append(f"sentence {i}: not in cited passage: {', '.join(gaps[:5])}")
            if not ok_sem:
                problems.append(f"sentence {i}: similarity {best:.3f} < {threshold:.2f}")
        # 5. Item scores: share of its sentences supported, weighted by its number of sentences.
        n = len(shown)
        detail = "; ".join(problems) or f"{n}/{n} sentences supported"
        both.append(Verdict(item_id, n_both / n, n, detail))
        lexical.append(Verdict(item_id, n_lex / n, n, detail))
        semantic.append(Verdict(item_id, n_sem / n, n, detail))
    empty = "no answered item with sentences"
    return SupportResult(
        aggregate("citation_support", both, unit="sentences", empty_reason=empty),
        aggregate("citation_support_lexical", lexical, unit="sentences", empty_reason=empty),
        aggregate("citation_support_semantic", semantic, unit="sentences", empty_reason=empty),
        threshold,
    )


# --- calibration of the semantic threshold


@dataclass
class Calibration:
    """A threshold that separates true (quote, its passage) pairs from shuffled (quote, another passage) pairs."""

    threshold: float | None
    true_scores: list[float]
    shuffled_scores: list[float]
    tpr: float | None = None  # share of true pairs at or above the threshold
    fpr: float | None = None  # share of shuffled pairs at or above it
    reason: str = ""

    def quantiles(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for name, scores in (("true", self.true_scores), ("shuffled", self.shuffled_scores)):
            if scores:
                q = np.percentile(scores, [5, 50, 95])
                out[name] = {"p5": round(float(q[0]), 4), "p50": round(float(q[1]), 4), "p95": round(float(q[2]), 4)}
        return out


def calibrate_threshold(true_scores: Sequence[float], shuffled_scores: Sequence[float]) -> Calibration:
    """The threshold maximising TPR - FPR (Youden's J); ties go to the middle of the best range."""
    true_s, shuf_s = sorted(true_scores), sorted(shuffled_scores)
    if len(true_s) < 3 or len(shuf_s) < 3:
        return Calibration(None, true_s, shuf_s, reason="fewer than 3 true or shuffled pairs")
    t_arr, s_arr = np.asarray(true_s), np.asarray(shuf_s)
    candidates = sorted(set(true_s) | set(shuf_s))
    j = [float((t_arr >= c).mean() - (s_arr >= c).mean()) for c in candidates]
    best = max(j)
    tied = [c for c, value in zip(candidates, j, strict=True) if value == best]
    # Between the best candidate and the next score below it, the middle is the most robust cut.
    top = tied[len(tied) // 2]
    below = [c for c in candidates if c < top]
    threshold = round((top + below[-1]) / 2 if below else top, 4)
    return Calibration(
        threshold,
        true_s,
        shuf_s,
        tpr=float((t_arr >= threshold).mean()),
        fpr=float((s_arr >= threshold).mean()),
    )


def calibration_pairs(runs: Sequence[ItemRun], seed: int = 0) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """True pairs: each gold quote with the retrieved passage that holds it. Shuffled pairs: the same quotes
    with a passage that holds another item's quote (from another source or page)."""
    true_pairs: list[tuple[str, str, str]] = []  # (item id, quote, passage)
    for run in runs:
        for gold in run.item.gold:
            passage = next((p for p in run.passages if hits(p, [gold])), None)
            if passage is not None:
                true_pairs.append((run.item.id, gold.quote, passage.text))
    rng = random.Random(seed)
    shuffled: list[tuple[str, str]] = []
    for item_id, quote, own in true_pairs:
        others = [p for i, _, p in true_pairs if i != item_id and p != own]
        if others:
            shuffled.append((quote, rng.choice(others)))
    return [(q, p) for _, q, p in true_pairs], shuffled


def calibrate(runs: Sequence[ItemRun], similarity: Similarity) -> Calibration:
    true_pairs, shuffled = calibration_pairs(runs)
    similarity.prepare([t for pair in true_pairs + shuffled for t in pair])
    return calibrate_threshold([similarity(q, p) for q, p in true_pairs], [similarity(q, p) for q, p in shuffled])
