"""Loaded terms of a unit: densities, author vs quoted voices, epistemic markers, top terms.

Moved here from ``framing.scorers.loaded_terms`` (issue 15): the scorer finds spans per sentence;
this counts them per unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..lexicon import LOADED_CATEGORIES
from ..scorers.loaded_terms import LoadedTermsResult
from .weighting import weights

#: Terms listed in a unit's summary.
TOP_TERMS = 8


def _quoted_words(article: Any, start: int, end: int) -> int:
    n = 0
    for qs, qe in article.quotes_in(start, end):  # not every quote of the article per sentence
        a, b = max(qs, start), min(qe, end)
        if a < b:
            n += article.words(a, b)
    return n


def summarize(
    results: Sequence[LoadedTermsResult],
    sentences: Sequence[Any],
    article: Any,
) -> dict[str, Any]:
    """JSON keys for one unit (called by ``aggregate.aggregate_loaded_terms``).

    ``loaded_density*`` are loaded/name_calling/exaggeration spans per 100 words (hedges and
    boosters excluded); ``_author`` counts unquoted spans per 100 unquoted words, ``_quoted``
    quoted spans per 100 quoted words. ``loaded_terms`` (the span list) is given for units that
    are one paragraph; ``loaded_summary`` (counts, top terms) for every unit.
    """
    spans = [s for r in results for s in r.spans]
    loaded = [s for s in spans if s.category in LOADED_CATEGORIES]
    n_words = int(weights(sentences, article).sum())
    n_quoted = sum(_quoted_words(article, s.start, s.end) for s in sentences)
    n_author = max(0, n_words - n_quoted)
    q = [s for s in loaded if s.quoted]

    def per100(n: int, d: int) -> float:
        return 100.0 * n / d if d else 0.0

    top: dict[tuple[str, str], list[float]] = {}
    for s in loaded:
        top.setdefault((s.text.lower(), s.category), []).append(s.score)
    ranked = sorted(top.items(), key=lambda kv: (-len(kv[1]), -max(kv[1]), kv[0]))[:TOP_TERMS]
    out: dict[str, Any] = {
        "loaded_density": per100(len(loaded), n_words),  # loaded terms per 100 words
        "loaded_density_author": per100(len(loaded) - len(q), n_author),  # per 100 unquoted words
        "loaded_density_quoted": per100(len(q), n_quoted),  # per 100 quoted words
        "epistemic": {
            "hedges": sum(s.category == "hedge" for s in spans),
            "boosters": sum(s.category == "booster" for s in spans),
        },
        "loaded_summary": {
            "count": len(loaded),
            "by_category": {c: sum(s.category == c for s in loaded) for c in LOADED_CATEGORIES},
            "quoted": len(q),
            "words": n_words,
            "quoted_words": n_quoted,
            "top_terms": [
                {"text": t, "category": c, "count": len(v), "score": max(v)} for (t, c), v in ranked
            ],
        },
    }
    if len({s.paragraph for s in sentences}) <= 1:
        out["loaded_terms"] = [s.to_json() for s in spans]
    return out
