"""The sentiment head on real text through the real encoder."""

from __future__ import annotations

import pytest

from framing.scorers import Batch, get

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def scorer():  # type: ignore[no-untyped-def]
    return get("sentiment")


def run(encoder, scorer, texts: list[str]):  # type: ignore[no-untyped-def]
    return scorer.score(Batch(texts, encoder.encode(texts), [[] for _ in texts]))


def test_sentiment_orders_clear_cases(encoder, scorer) -> None:  # type: ignore[no-untyped-def]
    pos, neu, neg = run(encoder, scorer, [
        "The rescue was a wonderful triumph and the families are overjoyed and grateful.",
        "The committee will meet on Tuesday at the town hall.",
        "The brutal massacre was a horrific, disgusting crime that devastated the town.",
    ])
    assert pos.score > neu.score > neg.score
    assert pos.label == "positive" and neg.label == "negative"
    assert all(-1 <= r.score <= 1 for r in (pos, neu, neg))
    assert neg.lexicon < 0 < pos.lexicon
    assert any(w == "horrific" for _, _, w, _ in neg.evidence)


def test_sentiment_batch_independent(encoder, scorer) -> None:  # type: ignore[no-untyped-def]
    a = "The new U.S. sanctions created enormous hardship in Iran."
    alone = run(encoder, scorer, [a])[0].score
    mixed = run(encoder, scorer, ["Short.", a, "A much longer sentence " * 10])[1].score
    assert alone == pytest.approx(mixed, abs=0.02)  # int8 activations are quantised per batch


def test_sentiment_head_beats_vader_on_dev() -> None:
    import json

    from framing.resources import artifact

    m = json.loads((artifact("sentiment.v1") / "metrics.json").read_text())
    assert m["dev"]["pearson_r"] > m["dev_vader"]["pearson_r"]
