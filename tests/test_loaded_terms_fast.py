"""The vectorised loaded-terms paths give the same numbers as the straightforward ones."""

from __future__ import annotations

import numpy as np
import pytest

from framing.lexicon import words
from framing.scorers import Batch, get
from framing.scorers.loaded_terms import piece_features, word_scores

pytestmark = pytest.mark.model

TEXTS = [
    "The U.S. imperialists are losing their overarching dominant influence in the region.",
    "Wall Street’s ruthless and expanding efforts to starve every country into compliance.",
    "China is already Iraq’s largest trading partner.",
    "A clear, blatant crime that will transform the region — U.S.-imposed sanctions!",
]


def reference_word_scores(text, probs, offsets):  # type: ignore[no-untyped-def]
    """The per-word loop the vectorised version replaced."""
    out = []
    starts, ends = offsets[:, 0], offsets[:, 1]
    real = ends > starts
    for ws, we, norm in words(text):
        sel = real & (starts >= ws) & (ends <= we)
        if not sel.any():
            sel = real & (starts < we) & (ends > ws)
        if not sel.any():
            out.append((ws, we, norm, 0.0, "loaded"))
            continue
        p = probs[sel]
        cat = "name_calling" if p[:, 2].sum() > p[:, 1].sum() else "loaded"
        out.append((ws, we, norm, float((1.0 - p[:, 0]).max()), cat))
    return out


def test_loaded_terms_fast_paths_match_reference(encoder) -> None:  # type: ignore[no-untyped-def]
    scorer = get("loaded_terms")
    enc = encoder.encode(TEXTS)
    batch = Batch(TEXTS, enc, [[] for _ in TEXTS])
    fast = scorer.word_probs(batch)
    slow = scorer.head(np.concatenate([piece_features(st, enc.pooled[i]) for i, st in enumerate(enc.states)]))
    assert scorer._split is not None  # the shipped head takes the folded path
    np.testing.assert_allclose(np.concatenate(fast), slow, atol=2e-5)
    for text, probs, offsets in zip(TEXTS, fast, enc.offsets, strict=True):
        got, want = word_scores(text, probs, offsets), reference_word_scores(text, probs, offsets)
        assert [(*g[:3], g[4]) for g in got] == [(*w[:3], w[4]) for w in want]
        np.testing.assert_allclose([g[3] for g in got], [w[3] for w in want], atol=1e-6)
