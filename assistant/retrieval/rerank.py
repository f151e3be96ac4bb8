"""Rerank pooled candidates with a linear scorer over signals retrieval has already computed.

Signals of one candidate passage:
- `native`: e5 similarity with the question, or with the question rendered word by word into the passage's
  language (glossary) when that is higher: cross-lingual similarities run lower than same-language ones;
- `coverage`: share of the question's content words found in the passage, across languages: a glossary term by
  any of its equivalents, another word by its stem in any corpus language or by a cognate (`assistant.retrieval.terms.
  translated_coverage`);
- `length`: log of the passage's characters (headings and footnote scraps rarely hold an answer);
- the passage's rank in three lists, as 10 / (10 + rank), 0 when absent: the unfiltered dense search, the BM25
  search (question plus glossary expansions), and the dense search of the rendering in the passage's language;
- `doc_match`: how strongly the question names the passage's document by its title or file name (1 for the best
  named document; `assistant.retrieval.docmatch`).

The weights were fit by logistic regression (gold passage or not) on the full-corpus golden set and
cross-validated by `python -m bench.tune_rerank` (docs/experiments.md has what each signal gained). They are
divided by the `native` weight so a score reads in similarity units: the extractive answerer compares passage
scores with sentence similarities. The names, not the fitted values, are the interface: rerun the tuner after
changing a signal.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.retrieval.terms import coverage_units, passage_stems, stem_prefixes, translated_coverage
from gfmd.lexical import index_text
from gfmd.records import Chunk, ScoredChunk

# A rank r counts RANK_SCALE / (RANK_SCALE + r): the first few ranks differ much, the tail of a list little.
RANK_SCALE = 10

# Logistic-regression weights (bench/tune_rerank.py), scaled so `native` has weight 1.
WEIGHTS: Mapping[str, float] = {
    "native": 1.0,
    "coverage": 0.556,
    "length": 0.102,
    "dense_rank": 0.156,
    "lexical_rank": 0.44,
    "rendered_rank": 0.46,
    "doc_match": 0.172,
}


@dataclass(frozen=True)
class Signals:
    """What retrieval knows about one candidate, besides its text."""

    native: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    rendered_rank: int | None = None
    doc_match: float = 0.0  # how strongly the question names the passage's document (assistant.retrieval.docmatch)


def rank_feature(rank: int | None) -> float:
    return RANK_SCALE / (RANK_SCALE + rank) if rank else 0.0


_STEMS: OrderedDict[tuple[str, str], tuple[frozenset[str], frozenset[str]]] = OrderedDict()
# Passages whose stems are kept, the oldest dropped first: enough for the candidates of many questions, bounded so
# a large index does not grow the cache without end.
_STEMS_MAX = 20_000
_stems_lock = threading.Lock()


def _stems(chunk: Chunk) -> tuple[frozenset[str], frozenset[str]]:
    """A passage's stems and their cognate prefixes, computed once per passage (ids are content hashes): stemming
    ~100 candidates on every question was most of the reranker's time."""
    key = (chunk.chunk_id, chunk.text)  # the text too: an id is a content hash only if the caller made it one
    with _stems_lock:
        found = _STEMS.get(key)
    if found is None:
        stems = passage_stems(index_text(chunk), chunk.lang)
        found = (stems, stem_prefixes(stems))
        with _stems_lock:
            _STEMS[key] = found
            if len(_STEMS) > _STEMS_MAX:
                _STEMS.popitem(last=False)
    return found


def features(question: str, candidate: ScoredChunk, signals: Signals) -> dict[str, float]:
    chunk = candidate.chunk
    return {
        "native": signals.native,
        "coverage": translated_coverage(coverage_units(question), *_stems(chunk)),
        "length": math.log(len(chunk.text) + 1),
        "dense_rank": rank_feature(signals.dense_rank),
        "lexical_rank": rank_feature(signals.lexical_rank),
        "rendered_rank": rank_feature(signals.rendered_rank),
        "doc_match": signals.doc_match,
    }


def rerank_score(question: str, candidate: ScoredChunk, signals: Signals) -> float:
    values = features(question, candidate, signals)
    return sum(WEIGHTS[name] * value for name, value in values.items())


def rerank(question: str, candidates: list[ScoredChunk], signals: Mapping[str, Signals]) -> list[ScoredChunk]:
    """Rescored copies, best first. A candidate without signals is scored on its dense similarity alone."""
    rescored = []
    for candidate in candidates:
        own = signals.get(candidate.chunk.chunk_id) or Signals(native=candidate.dense or 0.0)
        rescored.append(candidate.model_copy(update={"score": rerank_score(question, candidate, own)}))
    return sorted(rescored, key=lambda c: -c.score)
