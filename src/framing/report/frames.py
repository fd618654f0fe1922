"""Frames of a unit (paragraph, section, article): pooled scores, labels, the dominant-frame rule.

Moved here from ``framing.scorers.frames`` (issue 15): the scorer gives each sentence its 14
probabilities; everything that pools, ranks or compares units is report code. The pooling rule and
the tuned thresholds stay with the head (``scorers.frames.pooling``/``pool``); ``rank`` is the
one dominant-frame rule (largest logit margin over the frame's threshold, ties in ``FRAMES`` order),
written into every unit as ``frames.ranked``; readers take its first k.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..numeric import logit, logits
from ..scorers.frames import _EPS, FRAMES, TOP_K, FrameScores, pool, pooling
from .weighting import weights

#: Evidence: this many top sentences per frame, for the unit's labels and its TOP_K frames.
EVIDENCE_K = 2


def _margins(p: Any, t: Any) -> np.ndarray:
    """How far pooled scores are above their thresholds, in logits (frames differ in base rate)."""
    return logits(p, _EPS) - logits(t, _EPS)


def _margin(p: float, t: float) -> float:
    """``_margins`` of one score."""
    return float(_margins(p, t))


def summarize(results: Sequence[FrameScores], sentences: Sequence[Any], article: Any) -> dict[str, Any]:
    """One unit's frames: pooled scores, labels above the tuned thresholds, evidence sentences.

    ``scores`` uses the training pooling rule (word-weighted log-mean-exp); ``labels`` are the
    frames whose pooled score reaches its threshold, ordered by their margin over it (a rare
    frame such as Economic clearing its low threshold ranks by that, not by its raw score);
    ``evidence[frame]`` are the unit's sentences with the highest probability for that frame
    (article char spans), for each label and for the TOP_K frames by margin. ``ranked`` (schema
    1.3) writes the decision down: every frame in the dominant-frame order (``rank``) with its
    score, margin and label, so no reader needs the head's thresholds (the article's
    ``summary.frames.thresholds`` lists them, ``add_distinctive``).
    """
    if not results:
        return {"frames": {"scores": {}, "labels": [], "evidence": {}, "ranked": []}}
    probs = np.array([r.probs for r in results], np.float64)
    w = weights(sentences, article)
    rule = pooling()
    pooled = pool(probs, w, rule["r"])
    th = rule["thresholds"]
    ranked = rank({f: float(pooled[j]) for j, f in enumerate(FRAMES)}, th)
    labels = [d["frame"] for d in ranked if d["label"]]
    shown = list(dict.fromkeys(labels + [d["frame"] for d in ranked[:TOP_K]]))
    evidence = {}
    for f in shown:
        j = FRAMES.index(f)
        best = sorted(range(len(results)), key=lambda i: (-probs[i, j], i))[:EVIDENCE_K]
        evidence[f] = [{"start": sentences[i].start, "end": sentences[i].end, "p": float(probs[i, j])}
                       for i in best]
    robust = pool_without_top(probs, w, rule["r"])
    return {"frames": {"scores": {f: float(pooled[j]) for j, f in enumerate(FRAMES)},
                       "labels": labels, "evidence": evidence,
                       "robust": {f: float(robust[j]) for j, f in enumerate(FRAMES)},
                       "ranked": ranked}}


def rank(scores: dict[str, float], thresholds: dict[str, float]) -> list[dict[str, Any]]:
    """The one dominant-frame rule: a unit's frames by their margin over the frame's tuned
    threshold (in logits: a rare frame clearing its low threshold outranks a common one near its
    own), ties in ``FRAMES`` order; ``label`` is margin >= 0 (the frame is present)."""
    rows = [{"frame": f, "score": float(scores[f]), "margin": _margin(scores[f], thresholds[f])}
            for f in FRAMES if f in scores]
    rows.sort(key=lambda d: (-d["margin"], FRAMES.index(d["frame"])))
    for d in rows:
        d["label"] = d["margin"] >= 0
    return rows


def pool_without_top(probs: np.ndarray, weights: Sequence[float] | np.ndarray, r: float | None = None) -> np.ndarray:
    """Per frame, the unit's pooled score with its single strongest sentence left out.

    The smallest leave-one-sentence-out pooled score (linear time: the log-mean-exp sums minus
    one term). A frame that one sentence carries (a section about railways that mentions "health
    clinics" once) drops; a frame spread over the unit keeps its score. A one-sentence unit keeps
    its pooled score (nothing to leave out; findings need more sentences anyway).
    """
    p = np.asarray(probs, np.float64).reshape(-1, len(FRAMES))
    if p.shape[0] < 2:
        return pool(p, weights, r)
    r = pooling()["r"] if r is None else r
    w = np.maximum(np.asarray(weights, np.float64).reshape(-1), 1e-9)
    z = r * logits(p, _EPS)
    m = z.max(0)
    e = w[:, None] * np.exp(z - m)
    loo = np.maximum(e.sum(0) - e, 1e-300) / (w.sum() - w)[:, None]
    zp = (m + np.log(loo.min(0))) / r
    return 1 / (1 + np.exp(-zp))


#: Section frames are compared with the rest of the article on logits of scores clipped to
#: [LIFT_CLIP, 1 - LIFT_CLIP]: 0.999 vs 0.99 is no difference a reader sees.
LIFT_CLIP = 0.02


def rest_scores(units: Sequence[dict[str, Any]], words: Sequence[float]) -> list[dict[str, float]]:
    """For every unit, the pooled frame scores of all the OTHER units (the rest of the article).

    Exact for the training pooling rule: a word-weighted log-mean-exp of units pooled with the
    same rule equals the pooling of their sentences (``words`` are the units' word counts).
    Linear in the number of units (prefix and suffix log-sum-exps), never all pairs.
    """
    r = pooling()["r"]
    n = len(units)
    ok = np.array([bool(u.get("scores")) and w > 0 for u, w in zip(units, words, strict=True)])
    if n < 2 or ok.sum() < 2:
        return [{} for _ in units]
    w = np.where(ok, np.asarray(words, np.float64), 0.0)
    z = r * logits([[(u.get("scores") or {}).get(f, 0.5) for f in FRAMES] for u in units], _EPS)
    lz = np.where(ok[:, None], z + np.log(np.maximum(w, 1e-300))[:, None], -np.inf)  # log(w_i e^{z_i})
    pre = np.vstack([np.full((1, len(FRAMES)), -np.inf), np.logaddexp.accumulate(lz, axis=0)[:-1]])
    suf = np.vstack([np.logaddexp.accumulate(lz[::-1], axis=0)[::-1][1:], np.full((1, len(FRAMES)), -np.inf)])
    rest_lse = np.logaddexp(pre, suf)
    rest_w = w.sum() - w
    out: list[dict[str, float]] = []
    for i in range(n):
        if rest_w[i] <= 0 or not np.isfinite(rest_lse[i]).all():
            out.append({})
            continue
        zp = (rest_lse[i] - np.log(rest_w[i])) / r
        out.append({f: float(1 / (1 + np.exp(-zp[j]))) for j, f in enumerate(FRAMES)})
    return out


def section_key(score: np.ndarray, robust: np.ndarray, rest: np.ndarray, threshold: np.ndarray,
                penalty: float, rest_weight: float = 1.0) -> np.ndarray:
    """The section ranking key (vectorised): ``(score - rest_weight * rest) + penalty * min(margin, 0)``.

    ``score - rest`` is the *probability* difference between the section's pooled score and the
    rest of the article's: the head's pooled scores are trained as article-level probabilities, so
    the difference is how much more likely the frame is here than elsewhere. A logit difference
    would inflate gaps near 0 and 1 (0.95 against 0.83 weighs as much as 0.30 against 0.10), which
    let a frame near saturation everywhere (External_regulation_and_reputation on the seed) lead
    section after section. ``margin`` is the logit distance of the section's robust score (its
    strongest sentence for the frame left out, ``pool_without_top``) to the frame's tuned threshold:
    no bonus above it, a penalty below, so a frame the section does not have, or that one sentence
    carries, cannot lead. ``rest_weight`` is how much of the rest's score is taken off: 1 ranks by
    the gap alone (what sets the section apart), 0 by the section's own score (what it is about); a
    reader picks between the two, as a section's main frame is often shared with the article.
    ``penalty`` and ``rest_weight`` are chosen with the head on pseudo-articles of the training split
    (``framing.train.frames.choose_section_rule``) and stored in its meta.
    """
    margin = _margins(robust, threshold)
    return ((np.asarray(score, np.float64) - rest_weight * np.asarray(rest, np.float64))
            + penalty * np.minimum(margin, 0.0))


def section_frames(unit: dict[str, Any], rest: dict[str, float] | None, k: int = TOP_K) -> list[dict[str, Any]]:
    """A section's frames as a reader would pick them: what the section does that the rest of
    the article does not, and does on more than one sentence.

    Ranked by ``section_key`` (probability gap to a share of the rest of the article's score plus a
    penalty below the frame's threshold). Without a rest (one-section article) the key is the margin of the pooled
    score, as ``rank``. Returns dicts ``frame, score (pooled), robust, rest, lift, label (pooled >=
    threshold), key``; ``lift`` stays the logit difference to the rest (scores clipped to
    [LIFT_CLIP, 1 - LIFT_CLIP]), as the section view shows it.
    """
    scores = unit.get("scores") or {}
    if not scores:
        return []
    robust = unit.get("robust") or scores
    rule = pooling()
    th = rule["thresholds"]
    rows = []
    for f in FRAMES:
        if f not in scores:
            continue
        rb = float(robust.get(f, scores[f]))
        if rest and f in rest:
            lift = logit(scores[f], LIFT_CLIP) - logit(rest[f], LIFT_CLIP)
            key = float(section_key(np.array(scores[f]), np.array(rb), np.array(rest[f]), np.array(th[f]),
                                    rule["section_penalty"], rule["section_rest_weight"]))
        else:
            lift, key = None, _margin(scores[f], th[f])
        rows.append({"frame": f, "score": float(scores[f]), "robust": rb,
                     "rest": None if not rest or f not in rest else float(rest[f]),
                     "lift": lift, "label": _margin(scores[f], th[f]) >= 0, "key": key})
    rows.sort(key=lambda d: (-d["key"], FRAMES.index(d["frame"])))
    return rows[:k]


def distinctive(unit: dict[str, Any], whole: dict[str, Any], k: int = 1) -> list[tuple[str, float, float]]:
    """(frame, score, lift) for the unit's labels that most exceed the whole article's score.

    Lift is the logit difference between the unit's pooled score and the article's, so a section
    that talks about trade stands out on Economic even where Political dominates every section.
    """
    scores, base = unit.get("scores") or {}, (whole.get("scores") or {})
    out = []
    for f in unit.get("labels") or []:
        if f in base:
            lift = _margin(scores[f], base[f])
            if lift > 0:
                out.append((f, scores[f], lift))
    return sorted(out, key=lambda t: (-t[2], FRAMES.index(t[0])))[:k]


def add_distinctive(sections: Sequence[dict[str, Any]], whole: dict[str, Any]) -> None:
    """Decision values for readers (schema 1.3): each section's ``frames`` gains ``distinctive``,
    its labels that rise above the article's own score, ``{frame, score, lift}``, largest lift
    first (``distinctive``); the article's ``frames`` gains ``thresholds`` (the head's tuned
    per-frame thresholds every ``margin`` and ``label`` is measured against)."""
    base = whole.get("frames")
    if isinstance(base, dict):
        base["thresholds"] = dict(pooling()["thresholds"])
    for unit in sections:
        fr = unit.get("frames")
        if isinstance(fr, dict) and isinstance(base, dict) and fr.get("scores"):
            fr["distinctive"] = [{"frame": f, "score": p, "lift": lift}
                                 for f, p, lift in distinctive(fr, base, len(FRAMES))]


