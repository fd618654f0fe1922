"""Small numeric helpers shared by the stages (one home for each formula)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def logit(p: float, clip: float = 1e-6) -> float:
    """log(p / (1 - p)) with p clipped to [clip, 1 - clip] (callers choose how much near-0 and
    near-1 differences should count: frames clip at 0.02, probabilities of words at 1e-6)."""
    p = min(max(float(p), clip), 1.0 - clip)
    return math.log(p / (1.0 - p))


def logits(p: Any, clip: float) -> np.ndarray:
    """``logit`` of an array, elementwise (float64): the pooled frame scores, their margins to the
    thresholds and the sentence logits the pooling rule averages."""
    p = np.clip(np.asarray(p, np.float64), clip, 1.0 - clip)
    return np.log(p / (1 - p))
