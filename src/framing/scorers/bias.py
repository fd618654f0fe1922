"""Sentence bias: P(biased) in [0, 1] from a head trained on BABE (expert labels).

Features (shared with training, ``bias_features``): the encoder's mean-pooled sentence vector
and loaded-language lexicon features (per category: matched weight per 10 words, any-match
flag). Max-pooled token states were tried and lowered BABE dev macro-F1 (0.758 -> 0.738 with
logistic regression), so they are not used. Scale: ``score`` is the
head's probability that an expert would label the sentence biased (BABE ``label_bias``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from ..encoder import Encoded
from ..heads import Head, load_head
from ..lexicon import CATEGORIES, Lexicon, shipped_lexicon
from ..resources import artifact
from . import Batch, ScorerConfig, register

HEAD = "bias.v1"
#: Lexicon features: per category, the sum of matched weights per 10 words, then any-match flags.
N_LEX = 2 * len(CATEGORIES)


def lexicon_features(texts: Sequence[str], lexicon: Lexicon) -> np.ndarray:
    out = np.zeros((len(texts), N_LEX), np.float32)
    for i, t in enumerate(texts):
        n = max(1, len(t.split()))
        for m in lexicon.match(t):
            if m.entry.weight <= 0:  # a silenced / neutral entry is no evidence of bias
                continue
            c = CATEGORIES.index(m.entry.category)
            out[i, c] += m.entry.weight * 10.0 / n
            out[i, len(CATEGORIES) + c] = 1.0
    return out


def bias_features(texts: Sequence[str], enc: Encoded, lexicon: Lexicon) -> np.ndarray:
    return np.concatenate([enc.pooled, lexicon_features(texts, lexicon)], axis=1)


@dataclass(frozen=True, slots=True)
class BiasResult:
    score: float  # [0, 1]: P(sentence is biased), BABE-trained head

    def shifted(self, delta: int) -> BiasResult:
        return self

    def to_json(self) -> dict[str, Any]:
        return {"score": round(self.score, 4)}


class BiasScorer:
    name: ClassVar[str] = "bias"
    version: ClassVar[int] = 1
    requires: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, head: Head, lexicon: Lexicon) -> None:
        self.head = head
        self.lexicon = lexicon

    def probabilities(self, texts: Sequence[str], enc: Encoded) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros(0, np.float32)
        p = self.head(bias_features(texts, enc, self.lexicon))
        return np.clip(p.reshape(len(texts), -1)[:, -1], 0.0, 1.0)

    def score(self, batch: Batch) -> list[BiasResult]:
        return [BiasResult(float(p)) for p in self.probabilities(batch.texts, batch.enc)]


@lru_cache(maxsize=1)
def _head() -> Head:
    return load_head(artifact(HEAD))


@register("bias")
def make_bias(config: ScorerConfig) -> BiasScorer:
    # the shipped lexicon only: user lexicons change what is "loaded", not the trained features
    return BiasScorer(_head(), shipped_lexicon())
