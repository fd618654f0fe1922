"""EXPERIMENT (not shipped): per-frame Platt calibration of the frames head's pooled scores.

Result (issue 14, dev numbers): fitted on dev half A (32 articles), half B (33 articles)
log-loss raw 0.3686 -> calibrated 0.3744, Brier 0.1152 -> 0.1150: no gain, so no calibration
map ships and section views show the head's pooled scores. Run:
``PYTHONPATH=src FRAMING_DATA=../shared/data python scripts/frames_calibration_experiment.py``.

Calibrate the frames head's pooled unit scores, per frame, on one half of the frames dev split.

The frames head (``models/frames.v1``) was trained by multiple-instance learning on article
labels; its pooled scores rank well but are not probabilities one can compare across frames: a
frame common in the training corpus (External_regulation_and_reputation, Political) sits near 1
in almost every unit, a rare one (Economic) rarely passes 0.7 even where it is plainly there.
Section views that rank frames by raw score therefore show the same frames everywhere.

This artifact maps a pooled score ``p`` of frame ``f`` to ``sigmoid(a_f * logit(p) + b_f)``
(Platt scaling), fitted by maximum a posteriori on the article labels of **half A** of the
frames dev split, with a Gaussian prior centred on the identity map (``a_f = 1, b_f = 0``,
precision ``PRIOR``) so frames with two or three dev positives stay close to the head's own scale.
It is reported on **half B** (log-loss and Brier score before and after, per frame and overall).
The head itself is unchanged, so its article labels and micro-F1 are unchanged: the calibrated
score is monotone in the raw one, and the scorer maps the head's thresholds through it.

Split: frames dev articles (``framing.train.frames.is_dev``, never trained on) split by article id,
``sha256("14:" + id)`` below 0.5 -> half A (fit), else half B (report).

    python -m framing.train frames_calibration    # rebuild models/frames_calibration.v1/
    python -m framing.train eval frames_calibration
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from typing import Any

import numpy as np

from framing.scorers.frames import FRAMES

SEED = 14
PRIOR = 4.0  # precision of the Gaussian prior on (a_f - 1, b_f): a few dev positives move it little
_EPS = 1e-6


def in_half_a(article_id: str) -> bool:
    h = hashlib.sha256(f"{SEED}:{article_id}".encode()).hexdigest()
    return int(h[:8], 16) / 0xFFFFFFFF < 0.5


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, np.float64), _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def fit_platt(z: np.ndarray, y: np.ndarray, prior: float = PRIOR, iters: int = 50) -> tuple[float, float]:
    """MAP (a, b) of sigmoid(a*z + b) for labels y, prior N((1, 0), 1/prior) (Newton steps)."""
    a, b = 1.0, 0.0
    for _ in range(iters):
        q = 1 / (1 + np.exp(-(a * z + b)))
        g = np.array([np.sum((q - y) * z) + prior * (a - 1), np.sum(q - y) + prior * b])
        s = q * (1 - q)
        h = np.array([[np.sum(s * z * z) + prior, np.sum(s * z)], [np.sum(s * z), np.sum(s) + prior]])
        step = np.linalg.solve(h, g)
        a, b = a - float(step[0]), b - float(step[1])
        if np.abs(step).max() < 1e-9:
            break
    return a, b


def _logloss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, _EPS, 1 - _EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def _dev_scores() -> tuple[list[str], np.ndarray, np.ndarray]:
    """(dev article ids, labels [A, 14], pooled raw scores [A, 14]) of the shipped frames head."""
    from framing.heads import load_head
    from framing.resources import artifact
    from framing.scorers.frames import pool
    from framing.train.frames import load_corpus, split_rows

    head = load_head(artifact("frames.v1"))
    c = load_corpus()
    _, dev = split_rows(c)
    probs = head(c.x)
    r = float(head.meta["pooling"]["r"])
    p = np.stack([pool(probs[c.owner == row], c.w[c.owner == row], r) for row in dev])
    return [c.ids[row] for row in dev], c.y[dev].astype(np.float64), p


def apply(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(a * _logit(p) + b)))


def _report(y: np.ndarray, raw: np.ndarray, cal: np.ndarray) -> dict[str, Any]:
    return {"articles": int(y.shape[0]),
            "log_loss_raw": round(_logloss(y, raw), 4), "log_loss_calibrated": round(_logloss(y, cal), 4),
            "brier_raw": round(_brier(y, raw), 4), "brier_calibrated": round(_brier(y, cal), 4),
            "per_frame_log_loss": {f: [round(_logloss(y[:, j], raw[:, j]), 4), round(_logloss(y[:, j], cal[:, j]), 4)]
                                   for j, f in enumerate(FRAMES)}}


def main(argv: list[str] | None = None) -> int:
    t0 = time.perf_counter()
    ids, y, p = _dev_scores()
    half = np.array([in_half_a(a) for a in ids])
    z = _logit(p)
    ab = [fit_platt(z[half, j], y[half, j]) for j in range(len(FRAMES))]
    a = np.array([v[0] for v in ab])
    b = np.array([v[1] for v in ab])
    out = {"a": dict(zip(FRAMES, np.round(a, 3).tolist(), strict=True)),
           "b": dict(zip(FRAMES, np.round(b, 3).tolist(), strict=True)),
           "half_a_articles": int(half.sum()), "half_b_articles": int((~half).sum()),
           "half_b": _report(y[~half], p[~half], apply(a, b, p[~half])),
           "seconds": round(time.perf_counter() - t0, 1)}
    sys.stdout.write(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
