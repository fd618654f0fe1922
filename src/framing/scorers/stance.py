"""Stance toward targets: per-mention against/neutral/favor from the shared token states.

The head (``models/stance.v1``, trained on NewsMTSC by ``framing.train.stance``) reads a feature
vector built from the encoder's token states around ONE mention, never the sentence's overall
sentiment alone, so two targets in one sentence can get opposite stances:

* the mean of the word pieces overlapping the mention's char span,
* the sentence mean (word pieces only, no [CLS]/[SEP]),
* distance-weighted means of the other word pieces (``exp(-d / tau)`` for each ``tau`` in
  ``TAUS``, d = word-piece distance to the mention): the mention's local context,
* the left and right context means within ``WINDOW`` word pieces,
* mention * sentence (element-wise).

Evidence is the head's linear contribution per word piece, which is cheap: the first linear
layer is applied to each word piece's state through the pooling weights it received.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np

from . import Batch, Mention, ScorerConfig, register

LABELS = ("against", "neutral", "favor")
#: distance scales (in word pieces) of the context pools; chosen on NewsMTSC dev (card.md).
TAUS: tuple[float, ...] = (2.0, 6.0)
#: left/right context window in word pieces.
WINDOW = 8
#: an aggregated score (mean over mentions) within +-AGG_BAND is labelled neutral.
AGG_BAND = 0.15
#: words of evidence reported per mention.
EVIDENCE_WORDS = 3


_PUNCT = "\"'“”‘’.,;:!?()[]{}—–-…"
#: function words never reported as evidence (they carry position, not stance)
_STOP = frozenset(["a", "an", "the", "and", "or", "but", "nor", "so", "yet", "for", "of", "to", "in", "on", "at", "by", "from", "with", "without", "as", "into", "onto", "over", "under", "than", "then", "that", "this", "these", "those", "there", "here", "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "do", "does", "did", "will", "would", "shall", "should", "can", "could", "may", "might", "must", "it", "its", "it's", "he", "him", "his", "she", "her", "they", "them", "their", "we", "us", "our", "you", "your", "i", "me", "my", "not", "no", "also", "just", "only", "even", "still", "now", "very", "more", "most", "much", "many", "some", "any", "all", "both", "each", "either", "neither", "such", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "if", "while", "although", "though", "because", "since", "until", "unless", "about", "after", "before", "between", "through", "during", "against", "among", "per", "via", "’s", "'s", "s"])


def mention_span_pieces(offsets: np.ndarray, start: int, end: int) -> np.ndarray:
    """Indices of the word pieces whose char span overlaps [start, end) (specials excluded)."""
    s, e = offsets[:, 0], offsets[:, 1]
    real = e > s
    return np.flatnonzero(real & (s < end) & (e > start))


def pool_weights(offsets: np.ndarray, start: int, end: int,
                 taus: tuple[float, ...] = TAUS, window: int = WINDOW) -> np.ndarray:
    """[k, m] pooling weights over the m word pieces, one row per feature block before products.

    Rows: mention, sentence, one per tau, left window, right window. Each row sums to 1 (or 0
    where the block is empty, e.g. no left context).
    """
    m = len(offsets)
    real = (offsets[:, 1] > offsets[:, 0]).astype(np.float32)
    idx = mention_span_pieces(offsets, start, end)
    if len(idx) == 0:  # truncated away or an empty span: fall back to the nearest real piece
        reals = np.flatnonzero(real)
        if len(reals) == 0:
            return np.zeros((3 + len(taus), m), np.float32)
        nearest = reals[np.argmin(np.abs(offsets[reals, 0] - start))]
        idx = np.array([nearest])
    lo, hi = int(idx.min()), int(idx.max())
    pos = np.arange(m)
    dist = np.where(pos < lo, lo - pos, np.where(pos > hi, pos - hi, 0)).astype(np.float32)
    inside = np.zeros(m, np.float32)
    inside[idx] = 1
    outside = real * (1 - inside)
    rows = [inside, real]
    for tau in taus:
        rows.append(outside * np.exp(-dist / tau))
    rows.append(outside * (pos < lo) * (dist <= window))
    rows.append(outside * (pos > hi) * (dist <= window))
    w = np.stack(rows).astype(np.float32)
    sums = w.sum(1, keepdims=True)
    return np.divide(w, sums, out=np.zeros_like(w), where=sums > 0)


def features_from_weights(states: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Pooled blocks plus mention * sentence, flattened to one vector."""
    pooled = weights @ states.astype(np.float32)  # [k, d]
    return np.concatenate([pooled.reshape(-1), pooled[0] * pooled[1]]).astype(np.float32)


def mention_features(states: np.ndarray, offsets: np.ndarray, start: int, end: int) -> np.ndarray:
    """The head's input for one mention in one sentence (see the module docstring)."""
    return features_from_weights(states, pool_weights(offsets, start, end))


def feature_dim(d: int) -> int:
    return d * (3 + len(TAUS) + 2)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past surrounding whitespace and punctuation (NewsMTSC has '" Mann')."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


@dataclass(frozen=True, slots=True)
class MentionStance:
    target: str
    start: int
    end: int
    text: str
    score: float  # P(favor) - P(against), in [-1, 1]
    label: str  # against | neutral | favor
    probs: tuple[float, float, float]
    quoted: bool = False
    speaker: str | None = None
    evidence: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "start": self.start, "end": self.end, "text": self.text,
                "score": self.score, "label": self.label, "quoted": self.quoted,
                "speaker": self.speaker, "evidence": list(self.evidence)}


def label_for(score: float) -> str:
    """Label of an aggregated score (mean of P(favor) - P(against) over mentions)."""
    if score <= -AGG_BAND:
        return "against"
    if score >= AGG_BAND:
        return "favor"
    return "neutral"


def _block(ms: list[MentionStance]) -> dict[str, Any]:
    score = float(np.mean([m.score for m in ms])) if ms else 0.0
    return {"score": score, "label": label_for(score), "mentions": len(ms)}


def summarize(mentions: Any, detail: bool = False) -> list[dict[str, Any]]:
    """Per-target stance over some mentions: overall, the author's (unquoted mentions only) and
    the quoted voices (by speaker where identifiable). Ordered by mentions, then name.

    ``detail`` adds the mentions themselves (sentence level).
    """
    by: dict[str, list[MentionStance]] = {}
    for m in mentions:
        by.setdefault(m.target, []).append(m)
    out = []
    for target, ms in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        unq = [m for m in ms if not m.quoted]
        q = [m for m in ms if m.quoted]
        entry: dict[str, Any] = {"target": target, **_block(ms), "author": _block(unq)}
        quoted = _block(q)
        speakers: dict[str, list[MentionStance]] = {}
        for m in q:
            speakers.setdefault(m.speaker or "(unattributed)", []).append(m)
        quoted["speakers"] = [{"speaker": sp, **_block(v)} for sp, v in
                              sorted(speakers.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        entry["quoted"] = quoted
        if detail:
            entry["spans"] = [m.to_json() for m in ms]
        out.append(entry)
    return out


@dataclass(frozen=True, slots=True)
class StanceResult:
    """All target mentions of one sentence with their stance."""

    mentions: tuple[MentionStance, ...] = field(default_factory=tuple)

    def to_json(self) -> list[dict[str, Any]]:
        """Per-target stance in this sentence (same shape as the aggregated levels) with spans."""
        return summarize(self.mentions, detail=True)

    def shifted(self, delta: int) -> StanceResult:
        if not delta or not self.mentions:
            return self
        return StanceResult(tuple(replace(m, start=m.start + delta, end=m.end + delta)
                                  for m in self.mentions))


def label_of(probs: np.ndarray) -> str:
    return LABELS[int(np.argmax(probs))]


class StanceScorer:
    name: ClassVar[str] = "stance"
    version: ClassVar[int] = 1
    requires: ClassVar[frozenset[str]] = frozenset({"mentions"})

    def __init__(self, head: Any) -> None:
        self.head = head
        labels = list(head.labels)
        self._order = [labels.index(lbl) for lbl in LABELS]
        first = next(ly for ly in head.config["layers"] if ly["op"] == "linear")
        std = next((ly for ly in head.config["layers"] if ly["op"] == "standardize"), None)
        self._w = head.tensors[first["weight"]]  # [in, hidden_or_classes]
        self._mu = head.tensors[std["mean"]] if std else None
        self._sd = head.tensors[std["std"]] if std else None
        self._linear_only = sum(1 for ly in head.config["layers"] if ly["op"] == "linear") == 1

    def _evidence(self, text: str, states: np.ndarray, offsets: np.ndarray,
                  weights: np.ndarray, label_idx: int, start: int, end: int) -> tuple[str, ...]:
        """Words whose states pushed hardest toward the predicted label (linear contribution).

        For a linear head the class logit is sum_k sum_j w[k, j] * (x_j . W_k[:, c]) / sd; each
        word piece j contributes sum_k w[k, j] * (x_j . V_k) with V_k the standardized weight
        block k for class c minus the mean over classes. For an MLP head the same is done with
        the first layer projected on the output direction, a first-order approximation.
        """
        d = states.shape[1]
        k = weights.shape[0]
        w = self._w
        if self._sd is not None:
            w = w / self._sd[:, None]
        if self._linear_only:
            col = w[:, label_idx] - w.mean(1)
        else:
            col = w @ np.ones(w.shape[1], np.float32) / w.shape[1]
        blocks = col[: k * d].reshape(k, d)  # product block ignored (second order)
        contrib = (weights * (states @ blocks.T).T).sum(0)  # [m]
        words: list[tuple[float, int, int]] = []
        cur: list[int] = []
        for j in range(len(offsets)):
            if offsets[j, 1] <= offsets[j, 0]:
                continue
            if start <= offsets[j, 0] < end:  # the mention itself is not evidence
                continue
            if cur and offsets[j, 0] == offsets[cur[-1], 1] and not text[offsets[j, 0]].isspace():
                cur.append(j)  # continuation piece of the same word
                continue
            if cur:
                words.append((float(contrib[cur].sum()), int(offsets[cur[0], 0]), int(offsets[cur[-1], 1])))
            cur = [j]
        if cur:
            words.append((float(contrib[cur].sum()), int(offsets[cur[0], 0]), int(offsets[cur[-1], 1])))
        picked: list[tuple[float, int, str]] = []
        for c, s, e in words:
            w = text[s:e].strip(_PUNCT)
            if c > 0 and any(ch.isalpha() for ch in w) and w.lower() not in _STOP:
                picked.append((c, s, w))
        picked.sort(key=lambda wd: (-wd[0], wd[1]))
        return tuple(w for _, _, w in picked[:EVIDENCE_WORDS])

    def score_mentions(self, text: str, states: np.ndarray, offsets: np.ndarray,
                       mentions: list[Mention]) -> tuple[MentionStance, ...]:
        if not mentions:
            return ()
        spans = [_trim(text, m.start, m.end) for m in mentions]
        ws = [pool_weights(offsets, s, e) for s, e in spans]
        x = np.stack([features_from_weights(states, w) for w in ws])
        probs = self.head(x)[:, self._order]
        out = []
        for m, (s, e), w, p in zip(mentions, spans, ws, probs, strict=True):
            li = int(np.argmax(p))
            score = float(np.clip(p[2] - p[0], -1.0, 1.0))
            ev = self._evidence(text, states, offsets, w, li, s, e) if LABELS[li] != "neutral" else ()
            out.append(MentionStance(m.target, m.start, m.end, text[m.start:m.end], score, LABELS[li],
                                     (float(p[0]), float(p[1]), float(p[2])), m.quoted, m.speaker, ev))
        return tuple(out)

    def score(self, batch: Batch) -> list[StanceResult]:
        results = []
        mentions = batch.mentions or [()] * len(batch)
        for i, text in enumerate(batch.texts):
            ms = list(mentions[i]) if i < len(mentions) else []
            results.append(StanceResult(self.score_mentions(text, batch.enc.states[i],
                                                            batch.enc.offsets[i], ms)))
        return results


@register("stance")
def make_stance(config: ScorerConfig) -> StanceScorer:
    from ..heads import load_head
    from ..resources import artifact

    return StanceScorer(load_head(artifact("stance.v1")))
