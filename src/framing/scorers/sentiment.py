"""Sentence sentiment: a trained head over the shared encoder output, with VADER beside it.

Scale: ``score`` in [-1, 1] (negative .. positive) is the head's predicted NYT-editorial human
mean rating (-4..+4 scale) divided by a scale fitted on dev and clipped (models/README.md); ``lexicon`` is VADER's compound
score in [-1, 1] for the same sentence, shown as the lexicon view. Evidence: the VADER lexicon
words with their valence, so a reader sees which words carry the lexicon score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from ..heads import Head, load_head
from ..resources import artifact
from . import Batch, ScorerConfig, register

#: |score| <= this is "neutral" (a sixth of the scale: a human mean rating within ±0.5 of 0 on
#: the -4..+4 scale when the scale is 3).
NEUTRAL_BAND = 1 / 6


def label_for(score: float) -> str:
    if score > NEUTRAL_BAND:
        return "positive"
    if score < -NEUTRAL_BAND:
        return "negative"
    return "neutral"


@lru_cache(maxsize=1)
def vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_features(texts: list[str]) -> np.ndarray:
    """[n, 4]: compound, pos, neg, neu. Shared by training and inference."""
    sia = vader()
    out = np.zeros((len(texts), 4), np.float32)
    for i, t in enumerate(texts):
        s = sia.polarity_scores(t)
        out[i] = (s["compound"], s["pos"], s["neg"], s["neu"])
    return out


def head_inputs(pooled: np.ndarray, texts: list[str]) -> np.ndarray:
    return np.concatenate([pooled, vader_features(texts)], axis=1)


@dataclass(frozen=True, slots=True)
class SentimentResult:
    score: float  # [-1, 1], negative .. positive (trained head)
    label: str  # negative | neutral | positive
    lexicon: float  # [-1, 1] VADER compound for the same text
    evidence: tuple[tuple[int, int, str, float], ...] = ()  # (start, end, word, VADER valence -4..+4)

    def shifted(self, delta: int) -> SentimentResult:
        return replace(self, evidence=tuple((s + delta, e + delta, w, v) for s, e, w, v in self.evidence))

    def to_json(self) -> dict[str, Any]:
        return {"score": round(self.score, 4), "label": self.label, "lexicon": round(self.lexicon, 4),
                "evidence": [{"start": s, "end": e, "text": w, "valence": round(v, 4)}
                             for s, e, w, v in self.evidence]}


_LEX_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def lexicon_evidence(text: str) -> tuple[tuple[int, int, str, float], ...]:
    lex = vader().lexicon
    out = []
    for m in _LEX_WORD.finditer(text):
        w = m.group().lower().replace("’", "'")
        if w in lex:
            out.append((m.start(), m.end(), m.group(), float(lex[w])))
    return tuple(out)


class SentimentScorer:
    name: ClassVar[str] = "sentiment"
    version: ClassVar[int] = 1
    requires: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, head: Head) -> None:
        self.head = head

    def score(self, batch: Batch) -> list[SentimentResult]:
        texts = list(batch.texts)
        if not texts:
            return []
        feats = head_inputs(batch.enc.pooled, texts)
        scores = self.head(feats)[:, 0]  # [-1, 1]: scaled, clipped predicted rating
        lex = feats[:, batch.enc.dim]
        return [SentimentResult(float(s), label_for(float(s)), float(v), lexicon_evidence(t))
                for s, v, t in zip(scores, lex, texts, strict=True)]


@register("sentiment")
def make_sentiment(config: ScorerConfig) -> SentimentScorer:
    return SentimentScorer(load_head(artifact("sentiment.v1")))
