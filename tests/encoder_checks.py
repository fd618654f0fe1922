"""Shared measurements for the tests that compare two encoders (``test_encoder``, ``test_encoder_s8``)."""

from __future__ import annotations

from typing import Any

import numpy as np


def cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(-1) / np.linalg.norm(a, axis=-1) / np.linalg.norm(b, axis=-1)


def agreement(enc_a: Any, enc_b: Any, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """How far two encoders' outputs agree on ``texts``: per-sentence pooled cosine, per-sentence
    mean token-state cosine, and the sentiment scorer's scores on each."""
    from framing.scorers import Batch, get

    a, b = enc_a.encode(texts), enc_b.encode(texts)
    pooled = cos(a.pooled, b.pooled)
    states = np.array([cos(sa, sb).mean() for sa, sb in zip(a.states, b.states, strict=True)])
    sent = get("sentiment")
    quotes: list[list[Any]] = [[] for _ in texts]
    score_a = np.array([r.score for r in sent.score(Batch(texts, a, quotes))])
    score_b = np.array([r.score for r in sent.score(Batch(texts, b, quotes))])
    return pooled, states, score_a, score_b
