"""``frames``: the 14 policy frames of the Media Frames Corpus family, per sentence.

The head (``models/frames.v1``) was trained by multiple-instance learning on article-level labels
(SemEval-2023 Task 3 subtask 2; see ``framing.train.frames``): a sentence gets 14 probabilities
``sigmoid(z_i)``, and a unit (paragraph, section, article) gets the *same pooling rule the head was
trained with*, a word-weighted log-mean-exp of the sentence logits (``pool``). The per-frame
decision thresholds in the head's meta were tuned for that pooled article-level score.

A sentence's frame probability is not a sentence label (no sentence was ever labelled); it says
how much that sentence pushes its unit toward the frame, so the sentences with the highest
probability for a frame are the evidence for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from ..heads import Head, load_head
from ..numeric import logits
from ..report.vocab import FRAMES  # the head's label order, fixed by the report contract
from ..resources import artifact
from . import Batch, ScorerConfig, register

#: Sentence JSON lists the TOP_K frames, plus any other frame at or above FLOOR, under ``frames``;
#: ``frame_scores`` (schema 1.5) carries all 14 (``FrameScores.extra_json``).
TOP_K = 3
FLOOR = 0.5
#: Probabilities are clipped before taking logits so float32 saturation cannot give +-inf.
_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class FrameScores:
    """14 frame probabilities for one sentence, in ``FRAMES`` order."""

    probs: tuple[float, ...]

    def as_dict(self) -> dict[str, float]:
        return dict(zip(FRAMES, self.probs, strict=True))

    def top(self, k: int = TOP_K) -> list[tuple[str, float]]:
        order = sorted(range(len(FRAMES)), key=lambda j: (-self.probs[j], j))
        return [(FRAMES[j], self.probs[j]) for j in order[:k]]

    def to_json(self) -> dict[str, float]:
        keep = {f for f, _ in self.top(TOP_K)} | {f for f, p in self.as_dict().items() if p >= FLOOR}
        return {f: round(float(p), 4) for f, p in self.top(len(FRAMES)) if f in keep}

    def extra_json(self) -> dict[str, Any]:
        """Further sentence keys (schema 1.5): ``frame_scores``, every frame's probability in
        ``FRAMES`` order, so a reader of the report (the section findings' claim rule,
        ``report.profile``) sees each sentence's score for every frame, not its top ones only."""
        return {"frame_scores": self.as_dict()}

    def shifted(self, delta: int) -> FrameScores:
        return self  # no offsets: the sentence itself is the evidence


@lru_cache(maxsize=1)
def _head() -> Head:
    head = load_head(artifact("frames.v1"))
    if tuple(head.labels) != FRAMES:
        from ..errors import ModelError

        raise ModelError("models/frames.v1 has an unexpected label order",
                         "rebuild it with `python -m framing.train frames`")
    return head


def pooling() -> dict[str, Any]:
    """The pooling rule and thresholds stored in the head's meta."""
    meta = _head().meta
    return {"rule": meta["pooling"]["rule"], "r": float(meta["pooling"]["r"]),
            "thresholds": dict(zip(FRAMES, meta["thresholds"], strict=True)),
            # the section rule's penalty and rest weights, chosen with the head (``framing.train.frames``)
            "section_penalty": float((meta.get("section_rule") or {}).get("penalty", 1.0)),
            "section_rest_weight": float((meta.get("section_rule") or {}).get("rest_weight", 1.0))}


def pool(probs: np.ndarray, weights: Sequence[float] | np.ndarray, r: float | None = None) -> np.ndarray:
    """Pool sentence probabilities [n, 14] into one unit's [14] probabilities.

    Word-weighted log-mean-exp of the sentence logits, the rule the head was trained with:
    ``sigmoid((1/r) * log(sum_i w_i exp(r * logit(p_i)) / sum_i w_i))``.
    """
    p = np.asarray(probs, np.float64).reshape(-1, len(FRAMES))
    if p.shape[0] == 0:
        return np.zeros(len(FRAMES))
    r = pooling()["r"] if r is None else r
    w = np.maximum(np.asarray(weights, np.float64).reshape(-1), 1e-9)
    z = r * logits(p, _EPS) + np.log(w / w.sum())[:, None]
    m = z.max(0)
    zp = (m + np.log(np.exp(z - m).sum(0))) / r
    return 1 / (1 + np.exp(-zp))


class FramesScorer:
    name: ClassVar[str] = "frames"
    version: ClassVar[int] = 1
    requires: ClassVar[frozenset[str]] = frozenset()

    def __init__(self) -> None:
        self.head = _head()

    def score(self, batch: Batch) -> list[FrameScores]:
        if len(batch) == 0:
            return []
        probs = self.head(batch.enc.pooled)
        return [FrameScores(tuple(float(v) for v in row)) for row in probs]


@register("frames")
def make_frames(config: ScorerConfig) -> FramesScorer:
    return FramesScorer()
