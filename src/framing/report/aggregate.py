"""Sentence results -> paragraph, section and article summaries.

``AGGREGATORS[name](results, sentences, article)`` gets the per-sentence results of one unit and
returns JSON-ready keys to merge into that unit. Weights are sentence word counts, the one rule
of ``report.weighting``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import Article, Sentence
from ..scorers.sentiment import label_for
from .weighting import weights

Aggregator = Callable[[Sequence[Any], Sequence[Sentence], Article], dict[str, Any]]
AGGREGATORS: dict[str, Aggregator] = {}


def aggregator(name: str) -> Callable[[Aggregator], Aggregator]:
    def add(fn: Aggregator) -> Aggregator:
        AGGREGATORS[name] = fn
        return fn

    return add


def wmean(values: Sequence[float], w: np.ndarray) -> float:
    if len(values) == 0:
        return 0.0
    return float(np.average(np.asarray(values, np.float64), weights=w))


@aggregator("sentiment")
def aggregate_sentiment(results: Sequence[Any], sentences: Sequence[Sentence],
                        article: Article) -> dict[str, Any]:
    w = weights(sentences, article)
    scores = [r.score for r in results]
    score = wmean(scores, w)  # [-1, 1] word-weighted mean of sentence scores
    return {"sentiment": {
        "score": score,
        "label": label_for(score),
        "lexicon": wmean([r.lexicon for r in results], w),  # [-1, 1] VADER compound, same weights
        "min": min(scores) if scores else 0.0,
        "max": max(scores) if scores else 0.0,
        "spread": float(np.std(scores)) if scores else 0.0,  # std of sentence scores
        "sentences": len(scores),
    }}


@dataclass
class Summaries:
    """JSON-ready keys per unit, computed once and shared by every renderer."""

    paragraphs: list[dict[str, Any]]  # aggregator keys per paragraph
    sections: list[dict[str, Any]]  # aggregator keys per section
    section_stats: list[dict[str, Any]]  # table statistics per section (counts, extremes)
    article: dict[str, Any]  # aggregator keys and statistics for the whole article


def _unit(analysis: Any, idx: Sequence[int]) -> dict[str, Any]:
    article: Article = analysis.article
    sents = [article.sentences[i] for i in idx]
    out: dict[str, Any] = {}
    for name, results in analysis.results.items():
        fn = AGGREGATORS.get(name)
        if fn is not None:
            out.update(fn([results[i] for i in idx], sents, article))
    return out


def _extremes(paragraph_keys: list[dict[str, Any]], pids: Sequence[int]) -> dict[str, Any]:
    """Per-section table statistics over paragraph sentiment."""
    if not pids or "sentiment" not in paragraph_keys[pids[0]]:
        return {"paragraphs": len(pids)}
    scores = [(paragraph_keys[p]["sentiment"]["score"], p) for p in pids]
    hi = max(scores, key=lambda t: (t[0], -t[1]))
    lo = min(scores, key=lambda t: (t[0], t[1]))
    return {"paragraphs": len(pids),
            "sentiment_spread": float(np.std([s for s, _ in scores])),  # std of paragraph scores
            "most_positive": {"paragraph": hi[1], "score": hi[0]},
            "most_negative": {"paragraph": lo[1], "score": lo[0]}}


def aggregate(analysis: Any) -> Summaries:
    """Summaries for every paragraph, section and the article."""
    article: Article = analysis.article
    paragraphs = [_unit(analysis, p.sentences) for p in article.paragraphs]
    sections, stats = [], []
    for sec in article.sections:
        idx = [i for p in sec.paragraphs for i in article.paragraphs[p].sentences]
        sections.append(_unit(analysis, idx) if idx else {})
        stats.append(_extremes(paragraphs, sec.paragraphs))
    whole = _unit(analysis, range(len(article.sentences)))
    whole.update(_extremes(paragraphs, range(len(article.paragraphs))))
    whole["words"] = article.words(0, len(article.text))
    whole["sentences"] = len(article.sentences)
    whole["sections"] = len(article.sections)
    return Summaries(paragraphs, sections, stats, whole)


# ---- stance (issue 4) ------------------------------------------------------------------------
@aggregator("stance")
def aggregate_stance(results: Sequence[Any], sentences: Sequence[Sentence],
                     article: Article) -> dict[str, Any]:
    """Per-target stance of the unit: the article-level model over author and quoted voices
    (scorers.stance.summarize), the quoted voices' mean."""
    from .stance import summarize

    return {"stance": summarize((m for r in results for m in r.mentions), context=(sentences, article))}
# ---- end stance ------------------------------------------------------------------------------


# ---- frames (issue 5) ------------------------------------------------------------------------
@aggregator("frames")
def aggregate_frames(results: Sequence[Any], sentences: Sequence[Sentence],
                     article: Article) -> dict[str, Any]:
    """Frame scores pooled with the training rule, labels above tuned thresholds, evidence."""
    from .frames import summarize

    return summarize(results, sentences, article)
# ---- end frames ------------------------------------------------------------------------------


# ---- bias and loaded terms (issue 3) ---------------------------------------------------------
@aggregator("bias")
def aggregate_bias(results: Sequence[Any], sentences: Sequence[Sentence],
                   article: Article) -> dict[str, Any]:
    """P(biased): word-weighted mean, max, and the share of sentences above 0.5."""
    scores = [r.score for r in results]
    return {"bias": {
        "score": wmean(scores, weights(sentences, article)),  # [0, 1] word-weighted mean P(biased)
        "max": max(scores) if scores else 0.0,  # [0, 1] most biased sentence
        "share_biased": float(np.mean([s > 0.5 for s in scores])) if scores else 0.0,  # [0, 1]
        "sentences": len(scores),
    }}


@aggregator("loaded_terms")
def aggregate_loaded_terms(results: Sequence[Any], sentences: Sequence[Sentence],
                           article: Article) -> dict[str, Any]:
    """Loaded-term spans (paragraph), densities per 100 words, author vs quoted voices, epistemic
    marker counts, and a summary with top terms (every level)."""
    from .loaded_terms import summarize

    return summarize(results, sentences, article)
# ---- end bias and loaded terms ---------------------------------------------------------------
