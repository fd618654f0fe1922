"""The frames scorer: 14 policy-frame probabilities per sentence, MIL pooling per unit."""

from __future__ import annotations

import numpy as np
import pytest

from framing.report.weighting import word_weight
from framing.scorers import Batch
from framing.scorers.frames import FRAMES, FrameScores, pool

ECONOMIC = [
    "China is Iraq's largest trading partner, and the relationship exceeds $30 billion in annual two-way trade.",
    "The tariffs will raise prices for consumers and cut exports, economists warned, costing the economy billions.",
]
CRIME = [
    "Police arrested the suspect on Tuesday and charged him with murder and armed robbery.",
    "The gang members were sentenced to 20 years in prison for trafficking drugs.",
]
HEALTH = [
    "The outbreak of bubonic plague has infected more than 2,000 people and killed 207, health officials said.",
]


@pytest.fixture(scope="module")
def encoder():  # type: ignore[no-untyped-def]
    from framing.encoder import load_encoder

    return load_encoder()


@pytest.fixture(scope="module")
def scorer():  # type: ignore[no-untyped-def]
    from framing import scorers

    return scorers.get("frames")


def _score(scorer, encoder, texts: list[str]) -> list[FrameScores]:  # type: ignore[no-untyped-def]
    return scorer.score(Batch(texts=texts, enc=encoder.encode(texts), quotes=[[] for _ in texts]))


def test_frames_pool_single_sentence_is_identity() -> None:
    p = np.linspace(0.05, 0.95, len(FRAMES))[None, :]
    assert pool(p, [7.0], r=2.0) == pytest.approx(p[0], abs=1e-6)


def test_frames_pool_lies_between_min_and_max_and_tends_to_max() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(0.01, 0.99, size=(6, len(FRAMES)))
    w = rng.integers(3, 30, size=6).astype(float)
    for r in (0.5, 2.0, 8.0):
        out = pool(p, w, r=r)
        assert np.all(out >= p.min(0) - 1e-9)
        assert np.all(out <= p.max(0) + 1e-9)
    assert pool(p, w, r=200.0) == pytest.approx(p.max(0), abs=0.02)


def test_frames_pool_is_order_invariant_and_length_invariant() -> None:
    p = np.array([[0.2] * len(FRAMES), [0.8] * len(FRAMES)])
    assert pool(p, [3, 5], r=2.0) == pytest.approx(pool(p[::-1], [5, 3], r=2.0))
    # A mean, not a noisy-OR: repeating the same sentences does not push the score up.
    assert pool(np.vstack([p] * 10), [3, 5] * 10, r=2.0) == pytest.approx(pool(p, [3, 5], r=2.0))


def test_frames_result_json_and_shift() -> None:
    fs = FrameScores(tuple(np.linspace(0.0, 0.65, len(FRAMES)).tolist()))
    js = fs.to_json()
    assert set(js) <= set(FRAMES)
    assert len(js) >= 3
    assert all(0 <= v <= 1 for v in js.values())
    assert list(js.values()) == sorted(js.values(), reverse=True)
    assert FRAMES[-1] in js
    assert fs.shifted(17) is fs


def test_frames_section_key_gap_is_a_probability_difference() -> None:
    from framing.report.frames import section_key

    # both frames present (robust above threshold): a frame near saturation everywhere (0.97 here,
    # 0.80 in the rest) gains less than one the rest of the article barely has (0.45 vs 0.20),
    # although its logit gap (2.1) is larger (1.2)
    key = section_key(np.array([0.97, 0.45]), np.array([0.96, 0.44]), np.array([0.80, 0.20]),
                      np.array([0.40, 0.40]), 2.0)
    assert key[1] > key[0]
    assert key == pytest.approx([0.17, 0.25])


def test_frames_section_key_penalises_a_frame_below_its_threshold() -> None:
    from framing.report.frames import section_key

    # the larger gap (0.30) belongs to a frame whose robust score (one sentence left out) is below
    # its threshold: it ranks after a present frame with a smaller gap; no bonus above threshold
    key = section_key(np.array([0.35, 0.60]), np.array([0.20, 0.55]), np.array([0.05, 0.45]),
                      np.array([0.40, 0.40]), 2.0)
    assert key[1] > key[0]
    assert key[1] == pytest.approx(0.15)
    assert section_key(np.array([0.35]), np.array([0.20]), np.array([0.05]), np.array([0.40]), 0.0) == \
        pytest.approx([0.30])


@pytest.mark.model
def test_frames_head_meta_has_pooling_rule_and_thresholds() -> None:
    from framing.scorers.frames import pooling

    rule = pooling()
    assert rule["rule"] == "weighted_log_mean_exp"
    assert rule["r"] > 0
    assert list(rule["thresholds"]) == list(FRAMES)
    assert all(0 < t < 1 for t in rule["thresholds"].values())
    assert rule["section_penalty"] > 0  # chosen with the head (meta.section_rule)
    assert 0 < rule["section_rest_weight"] <= 1


def test_frames_section_key_weighs_what_the_section_is_about_against_what_sets_it_apart() -> None:
    """A frame the section is mostly about (0.9, shared: 0.6 elsewhere) against one it alone has,
    weakly (0.45 vs 0.1): the pure gap (rest weight 1) leads with the second; a smaller rest weight
    lets the section's own subject count."""
    import numpy as np

    from framing.report.frames import section_key

    score, rest = np.array([0.9, 0.45]), np.array([0.6, 0.1])
    th = np.array([0.4, 0.4])
    gap = section_key(score, score, rest, th, 2.0, 1.0)
    mixed = section_key(score, score, rest, th, 2.0, 0.75)
    assert gap[1] > gap[0] and mixed[0] > mixed[1]


@pytest.mark.model
def test_frames_scores_are_aligned_probabilities(scorer, encoder) -> None:  # type: ignore[no-untyped-def]
    texts = ECONOMIC + CRIME
    out = _score(scorer, encoder, texts)
    assert len(out) == len(texts)
    for r in out:
        assert len(r.probs) == len(FRAMES)
        assert all(0.0 <= p <= 1.0 for p in r.probs)
    assert scorer.score(Batch(texts=[], enc=encoder.encode([]), quotes=[])) == []


@pytest.mark.model
def test_frames_economic_sentences_outscore_crime_sentences_on_economic(scorer, encoder) -> None:  # type: ignore[no-untyped-def]
    econ = [r.as_dict() for r in _score(scorer, encoder, ECONOMIC)]
    crime = [r.as_dict() for r in _score(scorer, encoder, CRIME)]
    assert min(e["Economic"] for e in econ) > max(c["Economic"] for c in crime)
    assert min(c["Crime_and_punishment"] for c in crime) > max(e["Crime_and_punishment"] for e in econ)


@pytest.mark.model
def test_frames_health_sentence_leans_health(scorer, encoder) -> None:  # type: ignore[no-untyped-def]
    health = _score(scorer, encoder, HEALTH)[0].as_dict()
    crime = _score(scorer, encoder, CRIME[:1])[0].as_dict()
    assert health["Health_and_safety"] > crime["Health_and_safety"]


# ---- end to end through the CLI (seed article) ----------------------------------------------
@pytest.fixture(scope="module")
def seed_frames_report(seed_path):  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from framing.cli import app

    res = CliRunner().invoke(app, ["analyze", str(seed_path), "--format", "json",
                                   "--scorers", "sentiment,frames"])
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def _check_unit(fr: dict, spans: set[tuple[int, int]]) -> None:  # type: ignore[type-arg]
    from framing.scorers.frames import pooling

    th = pooling()["thresholds"]
    assert list(fr["scores"]) == list(FRAMES)
    assert all(0.0 <= p <= 1.0 for p in fr["scores"].values())
    assert set(fr["labels"]) <= set(FRAMES)
    assert all(fr["scores"][f] >= th[f] - 1e-4 for f in fr["labels"])  # 4 dp rounding
    assert all(fr["scores"][f] < th[f] + 1e-4 for f in FRAMES if f not in fr["labels"])
    assert set(fr["labels"]) <= set(fr["evidence"])
    for ev in fr["evidence"].values():
        assert ev
        assert all((e["start"], e["end"]) in spans for e in ev)


@pytest.mark.model
def test_frames_cli_json_has_frames_at_every_level(seed_frames_report) -> None:  # type: ignore[no-untyped-def]
    rep = seed_frames_report
    sents = [s for sec in rep["sections"] for p in sec["paragraphs"] for s in p["sentences"]]
    all_spans = {(s["start"], s["end"]) for s in sents}
    assert all(len(s["frames"]) >= 3 and set(s["frames"]) <= set(FRAMES) for s in sents)
    # frame_scores (1.5): every frame, in FRAMES order, the same numbers as the top ones in frames
    assert all(list(s["frame_scores"]) == list(FRAMES) for s in sents)
    assert all(s["frame_scores"][f] == p for s in sents for f, p in s["frames"].items())
    _check_unit(rep["summary"]["frames"], all_spans)
    for sec in rep["sections"]:
        sec_spans = {(s["start"], s["end"]) for p in sec["paragraphs"] for s in p["sentences"]}
        _check_unit(sec["frames"], sec_spans)
        assert sec["summary"]["frames"] == sec["frames"]
        # they are what the section pooled: the training rule over them gives its scores back
        ss = [s for p in sec["paragraphs"] for s in p["sentences"]]
        pooled = pool(np.array([list(s["frame_scores"].values()) for s in ss]), [word_weight(s["text"]) for s in ss])
        assert np.allclose(pooled, list(sec["frames"]["scores"].values()), atol=2e-3)
        for p in sec["paragraphs"]:
            _check_unit(p["frames"], {(s["start"], s["end"]) for s in p["sentences"]})


@pytest.mark.model
def test_frames_cli_trade_sections_more_economic_than_attacks(seed_frames_report) -> None:  # type: ignore[no-untyped-def]
    by = {sec["heading"]: sec["frames"]["scores"] for sec in seed_frames_report["sections"]}
    trade = by["Iraq-Iran trade expands"]["Economic"]
    china_iran = by["Chinese projects with Iran"]["Economic"]
    attacks = by["Attacks breed resistance"]["Economic"]
    assert trade > attacks
    assert china_iran > attacks


@pytest.mark.model
def test_frames_cli_table_shows_frames(seed_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from framing.cli import app

    res = CliRunner().invoke(app, ["analyze", str(seed_path), "--format", "table", "--width", "140",
                                   "--scorers", "sentiment,frames"])
    assert res.exit_code == 0, res.stderr
    assert "Frames" in res.stdout
    assert "Security" in res.stdout or "Political" in res.stdout
