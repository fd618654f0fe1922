"""The one weighting rule of the report: a sentence counts its words, at least 1.

Every word-weighted mean (sentiment, bias), every pooled frame score, every density's word count
and every section profile reads these two functions (issue 15: the rule was written four times).
A long sentence counts more than a one-word fragment (VADER's advice: score sentences, then
average).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def word_weight(text: str) -> int:
    """The weight of a sentence (or any span of text): its whitespace-separated words, >= 1."""
    return max(1, len(text.split()))


def weights(sentences: Sequence[Any], article: Any) -> np.ndarray:
    """``word_weight`` of each sentence (article char spans ``start``/``end``)."""
    return np.array([word_weight(article.text[s.start:s.end]) for s in sentences], np.float64)
