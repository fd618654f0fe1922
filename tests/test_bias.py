"""Sentence bias head on real text through the real encoder."""

from __future__ import annotations

import pytest

from framing.lexicon import Entry, Lexicon
from framing.scorers import Batch, ScorerConfig, get
from framing.scorers.bias import BiasResult, lexicon_features


def test_bias_result_json_and_shift() -> None:
    r = BiasResult(0.123456)
    assert r.to_json() == {"score": 0.1235}
    assert r.shifted(42) is r


def test_bias_lexicon_features_count_categories() -> None:
    lex = Lexicon([Entry("ruthless", "loaded", 0.5), Entry("allegedly", "hedge", 1.0)])
    f = lexicon_features(["A ruthless plan, allegedly.", "A plan."], lex)
    assert f[0, 0] > 0 and f[0, 3] > 0 and f[0, 5] == 1.0
    assert not f[1].any()


@pytest.fixture(scope="module")
def scored():  # type: ignore[no-untyped-def]
    from framing.encoder import load_encoder

    texts = [
        "The radical left's insane, hysterical crusade is destroying our great country.",
        "The bill was approved by the committee on Tuesday and now goes to the full Senate.",
        "Greedy corporate fat cats are shamelessly looting hardworking families.",
        "The company reported quarterly revenue of $2.1 billion, up 3 percent from a year earlier.",
    ]
    enc = load_encoder()
    return get("bias", ScorerConfig()).score(Batch(texts=texts, enc=enc.encode(texts), quotes=[[]] * 4))


@pytest.mark.model
def test_bias_scores_are_probabilities(scored) -> None:  # type: ignore[no-untyped-def]
    assert len(scored) == 4
    assert all(isinstance(r, BiasResult) and 0.0 <= r.score <= 1.0 for r in scored)


@pytest.mark.model
def test_bias_loaded_sentences_above_neutral(scored) -> None:  # type: ignore[no-untyped-def]
    loaded = [scored[0].score, scored[2].score]
    neutral = [scored[1].score, scored[3].score]
    assert min(loaded) > max(neutral)
    assert min(loaded) > 0.5 > max(neutral)
