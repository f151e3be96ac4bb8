"""Fit and cross-validate the reranker's weights (assistant/retrieval/rerank.py) on the golden set.

Every answerable golden item goes through the product's retriever once; each pooled candidate becomes a row of
reranker features labelled "holds a gold quote" or not. A logistic regression (scikit-learn, installed with
sentence-transformers) is fit in k folds split by item, and each held-out item is ranked by the fold's model.
Printed side by side, on the same pools: hit@1/hit@5/MRR (all items, and cross-lingual items) of reciprocal rank
fusion alone, of the weights in use, and of the cross-validated fit; then the weights fit on every item, scaled
so `native` has weight 1, ready to paste into `WEIGHTS`.

Two kinds of cross-validation: k folds split by item, and leave-one-family-out (each document family's items ranked
by weights fit on the other families only, so a family's look-alike documents cannot teach the weights that rank
them). The second is the one that says whether the weights carry to documents they were not fit on; it is
printed for every family beside the weights in use.

    python -m bench.tune_rerank --index var/index-full --corpus corpus --corpus ../shared/corpus/public --seed 0 1 2

(`--seed` shuffles the folds; several seeds cross-validate the same pools several ways, collected once.)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.retrieval.rerank import WEIGHTS, features
from assistant.retrieval.retrieve import Retriever
from evals.golden import default_golden_files, in_corpus, load_golden, source_lang
from evals.metrics.base import Passage
from evals.metrics.retrieval import hits
from evals.runner import corpus_files
from gfmd.index import Index
from gfmd.settings import Settings
from gfmd.text.languages import detect_language

NAMES = list(WEIGHTS)


@dataclass
class Pool:
    item_id: str
    family: str
    cross_lingual: bool
    x: np.ndarray  # candidates x features
    y: np.ndarray  # 1 where the candidate holds a gold quote
    fused: np.ndarray  # reciprocal-rank-fusion score


def collect(index: Index, settings: Settings, corpus: list[Path]) -> list[Pool]:
    items, _ = in_corpus(load_golden(default_golden_files()), corpus_files(corpus))
    retriever = Retriever(index, settings)
    pools: list[Pool] = []
    for n, item in enumerate(i for i in items if i.answerable and i.gold):
        retrieval = retriever.retrieve(item.question)
        rows, labels, fused = [], [], []
        for candidate in retrieval.pool:
            values = features(item.question, candidate, retrieval.signals[candidate.chunk.chunk_id])
            rows.append([values[name] for name in NAMES])
            labels.append(hits(Passage.from_chunk(candidate.chunk), item.gold))
            fused.append(candidate.score)
        question_lang = detect_language(item.question, default="en")
        cross = question_lang not in {source_lang(g.source) for g in item.gold}
        pools.append(Pool(item.id, item.family, cross, np.array(rows), np.array(labels, dtype=int), np.array(fused)))
        print(f"\r{n + 1} items", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return pools


def score_ranking(pools: Sequence[Pool], scores: Callable[[Pool], np.ndarray]) -> dict[str, float]:
    ranks: list[tuple[bool, int | None]] = []
    for pool in pools:
        order = np.argsort(-scores(pool), kind="stable")[:10]
        hit = [r for r, i in enumerate(order, start=1) if pool.y[i]]
        ranks.append((pool.cross_lingual, hit[0] if hit else None))
    cross = [r for c, r in ranks if c]

    def share(rs: list[int | None], k: int) -> float:
        return round(sum(1 for r in rs if r is not None and r <= k) / max(1, len(rs)), 3)

    all_ranks = [r for _, r in ranks]
    return {
        "items": len(ranks),
        "hit@1": share(all_ranks, 1),
        "hit@5": share(all_ranks, 5),
        "mrr": round(sum(1 / r for r in all_ranks if r) / max(1, len(ranks)), 3),
        "cross_items": len(cross),
        "cross_hit@5": share(cross, 5),
        "in_pool": round(sum(1 for p in pools if p.y.any()) / max(1, len(pools)), 3),
    }


def fit(pools: Sequence[Pool], c: float = 1.0) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([p.x for p in pools])
    y = np.concatenate([p.y for p in pools])
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(x, y)
    return np.asarray(model.coef_[0])


def cross_validated(pools: Sequence[Pool], folds: int, seed: int) -> dict[str, np.ndarray]:
    order = list(range(len(pools)))
    random.Random(seed).shuffle(order)
    held_out: dict[str, np.ndarray] = {}
    for fold in range(folds):
        test = {pools[i].item_id for i in order[fold::folds]}
        weights = fit([p for p in pools if p.item_id not in test])
        held_out.update({p.item_id: p.x @ weights for p in pools if p.item_id in test})
    return held_out


def leave_one_family_out(pools: Sequence[Pool]) -> dict[str, np.ndarray]:
    """Each item's candidate scores under weights fit on the items of the other families only."""
    held_out: dict[str, np.ndarray] = {}
    for family in sorted({p.family for p in pools}):
        weights = fit([p for p in pools if p.family != family])
        held_out.update({p.item_id: p.x @ weights for p in pools if p.family == family})
    return held_out


def by_family(pools: Sequence[Pool], scores: Callable[[Pool], np.ndarray]) -> dict[str, dict[str, float]]:
    """`score_ranking` of each family's items."""
    families = sorted({p.family for p in pools})
    return {family: score_ranking([p for p in pools if p.family == family], scores) for family in families}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="an index holding the corpus")
    parser.add_argument("--corpus", type=Path, action="append", required=True, help="the corpus's files or folders")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, nargs="+", default=[0], help="fold shuffles: one CV line per seed")
    args = parser.parse_args(argv)

    settings = Settings(index_dir=args.index, chroma_url=None)
    pools = collect(Index(settings), settings, args.corpus)
    current = np.array([WEIGHTS[name] for name in NAMES])
    full = fit(pools)
    result: dict[str, object] = {
        "fusion_only": score_ranking(pools, lambda p: p.fused),
        "weights_in_use": score_ranking(pools, lambda p: p.x @ current),
    }
    for seed in args.seed:
        held_out = cross_validated(pools, args.folds, seed)
        result[f"refit_{args.folds}fold_cv_seed{seed}"] = score_ranking(pools, lambda p, h=held_out: h[p.item_id])
    lofo = leave_one_family_out(pools)

    def left_out(pool: Pool) -> np.ndarray:
        return lofo[pool.item_id]

    result["refit_leave_one_family_out"] = score_ranking(pools, left_out)
    in_use = by_family(pools, lambda p: p.x @ current)
    held = by_family(pools, left_out)
    result["by_family_in_use_vs_left_out"] = {
        family: {metric: [in_use[family][metric], held[family][metric]] for metric in ("items", "hit@5", "mrr")}
        for family in in_use
    }
    result["refit_weights_scaled"] = {n: round(float(w / full[0]), 3) for n, w in zip(NAMES, full, strict=True)}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
