"""Loaded-term spans per sentence: the project's lexicon plus a contextual token detector.

Two sources, one span list:

* the lexicon (``models/lexicon.v1.tsv`` plus any ``--lexicon FILE``): whole-word, multiword,
  inflection-normalised matches with a category and a weight in [0, 1];
* the detector (``models/loaded_terms.v1/``): a small head over the encoder's token states that
  gives every word piece P(none | loaded | name_calling), trained on PTC Loaded_Language /
  Name_Calling,Labeling spans and BABE biased words, so the context decides.

A lexicon match of a loaded category is kept when ``LEXICON_MIX * weight + (1 - LEXICON_MIX) *
detector`` reaches the emission threshold; words the detector alone flags are kept when their
detector score, discounted by the word's training evidence (``WordEvidence``: a word the labelled
corpus holds often and rarely inside a loaded span, "died", "extensive", loses detector odds), reaches
the detector-only threshold. Adjacent flagged words merge into one span ("rogue" + "actions"), and so do
flagged words listed with a comma; a known loaded term too weak to be reported alone joins a
reported one it is comma-listed with ("piracy, looting": ``join_listed``). A lexicon entry of weight 0 marks an
everyday word (``policy``, ``crisis``) that is never flagged, by the detector either. A word of
a proper name is never loaded language (``name_words``: "Harrow" of "Harrow Minerals"), and a
lexicon word in its everyday sense is not either (``LITERAL_BEFORE``: "crises lie ahead"). Hedges
and boosters come from the lexicon only and are never loaded language.

Scale: every span's ``score`` is in [0, 1] (higher = more clearly loaded / a stronger marker).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from ..heads import Head, load_head
from ..language import STOPWORDS
from ..lexicon import EPISTEMIC_CATEGORIES, LOADED_CATEGORIES, Lexicon, lexicon_with, words
from ..numeric import logit
from ..resources import artifact
from . import Batch, ScorerConfig, register

HEAD = "loaded_terms.v1"
#: Detector output classes, in the head's label order.
CLASSES = ("none", "loaded", "name_calling")
#: Defaults used when the head's meta has no tuned values (these are the tuned values' ballpark).
DEFAULT_THRESHOLD = 0.5
DEFAULT_LEXICON_MIX = 0.5
#: Words that never start or end a detector-only span (function words inside long PTC spans).
_EDGE_STOP = STOPWORDS  # framing.language: the one English stopword list
#: Per-word training evidence beside the head (written by ``framing.train.loaded_terms``).
EVIDENCE_FILE = "word_evidence.json"


@dataclass(frozen=True, slots=True)
class WordEvidence:
    """How often each word of the detector's training corpus lies inside a labelled loaded span.

    ``counts`` maps a normalized word to (occurrences, hits) over the TRAIN sentences (PTC
    Loaded_Language / Name_Calling spans, BABE biased words: the detector's own labels); only
    words that lie in a span less often than ``base_rate`` (the corpus-wide share of words inside
    a span) are stored, since only they are discounted. A detector-only word's score becomes::

        sigmoid(logit(detector) + weight * min(0, logit(rate) - logit(base_rate)))
        rate = (hits + strength * base_rate) / (occurrences + strength)

    i.e. the detector's odds times the word's smoothed likelihood ratio (weight 1: naive Bayes),
    one-sided: evidence only lowers a score, and an unseen word keeps the detector's. "died"
    (49 train occurrences, never inside a span) falls far; a rare word barely moves.
    """

    base_rate: float
    counts: Mapping[str, tuple[int, int]]
    strength: float = 1.0  # pseudo-occurrences of the base rate (tuned on the dev tune half)
    weight: float = 1.0

    def rate(self, occurrences: int, hits: int) -> float:
        """The word's smoothed rate of lying inside a span: ``strength`` pseudo-occurrences at the
        base rate."""
        return (hits + self.strength * self.base_rate) / (occurrences + self.strength)

    def adjust(self, norm: str, score: float) -> float:
        c = self.counts.get(norm)
        if c is None or score <= 0.0 or self.weight <= 0.0:
            return score
        shift = self.weight * (logit(self.rate(*c)) - logit(self.base_rate))
        if shift >= 0.0:
            return score
        return 1.0 / (1.0 + math.exp(-(logit(score) + shift)))

    def to_json(self) -> dict[str, Any]:
        return {"base_rate": self.base_rate, "counts": {w: list(c) for w, c in sorted(self.counts.items())}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], strength: float = 1.0, weight: float = 1.0) -> WordEvidence:
        counts = {w: (int(c[0]), int(c[1])) for w, c in data["counts"].items()}
        return cls(float(data["base_rate"]), counts, strength, weight)


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # char offset (relative to the sentence until the pipeline shifts it)
    end: int  # exclusive
    text: str
    category: str  # loaded | name_calling | exaggeration | hedge | booster
    score: float  # [0, 1]: strength (lexicon weight / detector probability, see module doc)
    quoted: bool  # inside quoted speech
    source: str  # lexicon | model | both

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "category": self.category,
            "score": round(self.score, 4),
            "quoted": self.quoted,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class LoadedTermsResult:
    spans: tuple[Span, ...]  # loaded terms and epistemic markers, in text order

    @property
    def loaded(self) -> tuple[Span, ...]:
        return tuple(s for s in self.spans if s.category in LOADED_CATEGORIES)

    @property
    def epistemic(self) -> tuple[Span, ...]:
        return tuple(s for s in self.spans if s.category in EPISTEMIC_CATEGORIES)

    def shifted(self, delta: int) -> LoadedTermsResult:
        if delta == 0:
            return self
        return LoadedTermsResult(
            tuple(replace(s, start=s.start + delta, end=s.end + delta) for s in self.spans)
        )

    def to_json(self) -> list[dict[str, Any]]:
        return [s.to_json() for s in self.spans]


def piece_features(states: np.ndarray, pooled: np.ndarray) -> np.ndarray:
    """[m, 2d]: each word piece's state beside the sentence's pooled vector (shared with training)."""
    return np.concatenate([states, np.broadcast_to(pooled, states.shape)], axis=1)


def word_scores(
    text: str,
    probs: np.ndarray,
    offsets: np.ndarray,
) -> list[tuple[int, int, str, float, str]]:
    """Per word of ``text``: (start, end, normalized, P(loaded or name_calling), category).

    A word's score is the max over its pieces of 1 - P(none); its category is whichever of
    loaded / name_calling has more mass over those pieces. A word's pieces are those inside it;
    a word with none (a piece straddling a word boundary) takes the pieces overlapping it.
    Vectorised: each piece is assigned to the word its start falls in.
    """
    toks = words(text)
    if not toks:
        return []
    ws = np.array([t[0] for t in toks])
    we = np.array([t[1] for t in toks])
    starts, ends = offsets[:, 0], offsets[:, 1]
    real = np.flatnonzero(ends > starts)
    widx = np.searchsorted(ws, starts[real], side="right") - 1
    inside = (widx >= 0) & (ends[real] <= we[np.maximum(widx, 0)])
    pieces, owner = real[inside], widx[inside]
    n = len(toks)
    best = np.full(n, -1.0)
    mass = np.zeros((n, 2))
    if len(pieces):
        np.maximum.at(best, owner, 1.0 - probs[pieces, 0])
        np.add.at(mass, owner, probs[pieces, 1:3])
    out = []
    for (s, e, norm), score, (nl, nc) in zip(toks, best.tolist(), mass.tolist(), strict=True):
        if score < 0:  # no piece inside the word: overlapping pieces, or truncated away
            sel = real[(starts[real] < e) & (ends[real] > s)]
            if not len(sel):
                out.append((s, e, norm, 0.0, "loaded"))
                continue
            p = probs[sel]
            score, nl, nc = float((1.0 - p[:, 0]).max()), p[:, 1].sum(), p[:, 2].sum()
        out.append((s, e, norm, score, "name_calling" if nc > nl else "loaded"))
    return out


def name_words(text: str, wscores: Sequence[tuple[int, int, str, float, str]]) -> list[bool]:
    """Per word of ``wscores``: is it part of a proper name? A capitalised word after the
    sentence's first word ("families in Harwick slept"), or one next to another capitalised word
    ("Harrow Minerals has spent"). Names are who the article is about, not loaded language: the
    lexicon's "harrow" is no verdict on Harrow Minerals, nor the detector's reading of a place name."""
    caps = [text[s:s + 1].isupper() for s, *_ in wscores]
    out = []
    for i, cap in enumerate(caps):
        run = (i > 0 and caps[i - 1]) or (i + 1 < len(caps) and caps[i + 1])
        out.append(cap and (i > 0 or run) and text[wscores[i][0]:wscores[i][1]] != "I")
    return out


def combine(
    text: str,
    matches: Sequence[Any],
    wscores: Sequence[tuple[int, int, str, float, str]],
    threshold: float,
    mix: float,
    evidence: WordEvidence | None = None,
    model_threshold: float | None = None,
) -> list[tuple[int, int, str, float, str]]:
    """Spans (start, end, category, score, source) from lexicon matches and detector word scores.

    A lexicon match scores ``mix * weight + (1 - mix) * detector`` against ``threshold``. A word no
    match covers is scored on the detector alone, discounted by ``evidence``: it is reported on its
    own when that reaches ``model_threshold`` (default ``threshold``), and where it only reaches
    ``threshold`` it extends a reported span it is adjacent to ("bellicose" + "threats"), never
    standing alone (two-bar decoding: a span needs one confident word)."""
    model_bar = threshold if model_threshold is None else model_threshold
    # (start, end, category, score, source, anchors: may stand alone)
    cands: list[tuple[int, int, str, float, str, bool]] = []
    weak: list[tuple[int, int, str, float, str]] = []  # known loaded terms below the bar
    covered: set[int] = set()
    named = name_words(text, wscores)
    for m in matches:
        cat, w = m.entry.category, m.entry.weight
        if cat in EPISTEMIC_CATEGORIES:
            if w > 0:
                cands.append((m.start, m.end, cat, w, "lexicon", True))
            continue
        det = max((sc for s, e, _, sc, _ in wscores if s >= m.start and e <= m.end), default=None)
        if det is None:
            score, source = w, "lexicon"
        else:
            score = mix * w + (1 - mix) * det
            source = "both" if det >= threshold else "lexicon"
        inside = [i for i, (s, e, *_rest) in enumerate(wscores) if s >= m.start and e <= m.end]
        covered.update(inside)
        if not m.entry.user and (_part_of_name(inside, named) or _literal_sense(text, m.start, m.end)):
            continue  # "Harrow" of "Harrow Minerals"; "crises lie ahead"
        if m.entry.user:  # the user asked for this term: report it unless weight is 0
            if w > 0:
                cands.append((m.start, m.end, cat, max(score, w), source, True))
        elif w > 0 and score >= threshold:  # weight 0: a neutral word, never loaded
            cands.append((m.start, m.end, cat, score, source, True))
        elif w > 0 and cat in LOADED_CATEGORIES:
            weak.append((m.start, m.end, cat, score, source))
    for i, (s, e, norm, sc, cat) in enumerate(wscores):
        if i in covered or norm in _EDGE_STOP or named[i]:
            continue
        if evidence is not None:
            sc = evidence.adjust(norm, sc)
        if sc >= min(threshold, model_bar):
            cands.append((s, e, cat, sc, "model", sc >= model_bar))
    cands.sort()
    merged: list[tuple[int, int, str, float, str, bool]] = []
    for c in cands:
        if merged and c[2] in LOADED_CATEGORIES and merged[-1][2] in LOADED_CATEGORIES:
            p = merged[-1]
            gap = text[p[1] : c[0]]
            # adjacent, hyphenated or listed ("piracy, looting"): one span
            if p[1] <= c[0] and gap.strip(" -") in ("", ",") and len(gap) <= 2:
                cat = p[2] if p[3] >= c[3] else c[2]
                src = p[4] if p[4] == c[4] else "both"
                merged[-1] = (p[0], c[1], cat, max(p[3], c[3]), src, p[5] or c[5])
                continue
        if merged and c[0] < merged[-1][1]:
            continue  # overlaps a kept span (lexicon matches never overlap each other)
        merged.append(c)
    spans = [c[:5] for c in merged if c[5]]
    return join_listed(text, spans, weak)


#: Lexicon words with an everyday sense the next word gives away: "lies" (falsehoods) is loaded,
#: "many crises lie ahead" (to be situated) is not.
LITERAL_BEFORE: dict[str, frozenset[str]] = {
    "lie": frozenset(["ahead", "behind", "beneath", "within", "dormant", "idle", "low", "in", "at", "on",
                      "there", "here", "elsewhere", "outside", "beyond", "between", "along", "across", "near"]),
}


_NOUN_BEFORE = frozenset(["a", "the", "that", "this", "another", "big", "outright", "blatant", "such", "his",
                          "her", "their", "its", "our", "your", "my"])


def _literal_sense(text: str, start: int, end: int) -> bool:
    """A one-word lexicon match in its everyday sense (``LITERAL_BEFORE``): the word is followed by
    one of the words that mark that sense."""
    ws = words(text[start:end])
    if len(ws) != 1 or ws[0][2] not in LITERAL_BEFORE:
        return False
    prev = words(text[max(0, start - 24):start])
    if prev and prev[-1][2] in _NOUN_BEFORE:  # "told a lie in court": the noun
        return False
    nxt = words(text[end:end + 24])
    return bool(nxt) and text[end:end + 1] == " " and nxt[0][2] in LITERAL_BEFORE[ws[0][2]]


def _part_of_name(inside: list[int], named: list[bool]) -> bool:
    """A lexicon match whose words are all name words and that leaves a name word beside it
    uncovered: one word of a longer name ("Harrow" in "Harrow Minerals"), not a capitalised
    loaded term on its own ("Nazis") or a whole capitalised term ("Deep State")."""
    if not inside or not all(named[i] for i in inside):
        return False
    lo, hi = inside[0], inside[-1]
    return (lo > 0 and named[lo - 1]) or (hi + 1 < len(named) and named[hi + 1])


def join_listed(text: str, spans: list[tuple[int, int, str, float, str]],
                weak: list[tuple[int, int, str, float, str]]) -> list[tuple[int, int, str, float, str]]:
    """Known loaded terms too weak to report alone (a lexicon entry of a loaded category whose
    score is under the emission threshold) join a reported loaded span they are listed with by a
    comma, on either side: "piracy, looting" is one span where "piracy" is reported and
    "looting" alone is not (a list of charges reads as one charge). The joined span keeps the
    reported term's category and score. Works outward, so a longer list joins term by term."""
    if not weak:
        return spans
    out = list(spans)
    changed = True
    while changed:
        changed = False
        for k, (s, e, cat, sc, src) in enumerate(out):
            if cat not in LOADED_CATEGORIES:
                continue
            for ws, we, *_ in weak:
                after = e <= ws and text[e:ws].strip() == "," and len(text[e:ws]) <= 2
                before = we <= s and text[we:s].strip() == "," and len(text[we:s]) <= 2
                if after or before:
                    s, e = min(s, ws), max(e, we)
                    out[k] = (s, e, cat, sc, src)
                    changed = True
    return out


class LoadedTermsScorer:
    name: ClassVar[str] = "loaded_terms"
    version: ClassVar[int] = 1
    requires: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, lexicon: Lexicon, head: Head | None, evidence: Mapping[str, Any] | None = None) -> None:
        self.lexicon = lexicon
        self.head = head
        meta = head.meta if head is not None else {}
        self.threshold = float(meta.get("threshold", DEFAULT_THRESHOLD))
        self._split = self._split_first_layer()
        self.mix = float(meta.get("lexicon_mix", DEFAULT_LEXICON_MIX))
        #: detector-only words: their own bar and the training-evidence discount (None: none)
        mt = meta.get("model_threshold")
        self.model_threshold: float | None = float(mt) if mt is not None else None  # None: ``threshold``
        self.evidence = (
            WordEvidence.from_json(evidence, float(meta.get("evidence_strength", 1.0)),
                                   float(meta.get("evidence_weight", 1.0)))
            if evidence is not None else None
        )

    def word_probs(self, batch: Batch) -> list[np.ndarray]:
        """Per sentence, [m_i, 3] detector probabilities for each word piece."""
        if self.head is None or len(batch) == 0:
            return [np.zeros((len(o), 3), np.float32) for o in batch.enc.offsets]
        lens = [len(st) for st in batch.enc.states]
        bounds = np.concatenate([[0], np.cumsum(lens)])
        if not bounds[-1]:
            return [np.zeros((0, 3), np.float32) for _ in lens]
        if self._split is not None:
            allp = self._split_forward(batch, lens)
        else:
            feats = [piece_features(st, batch.enc.pooled[i]) for i, st in enumerate(batch.enc.states)]
            allp = self.head(np.concatenate(feats))
        return [allp[bounds[i] : bounds[i + 1]] for i in range(len(lens))]

    def _split_first_layer(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """For a standardize -> linear -> ... head over [piece state; sentence vector], the first
        layer folded into (W_piece, W_sentence, b), so the sentence half is computed once per
        sentence instead of once per word piece (same result, half the multiply-adds)."""
        if self.head is None:
            return None
        layers = self.head.config["layers"]
        if [ly["op"] for ly in layers[:2]] != ["standardize", "linear"]:
            return None
        t = self.head.tensors
        mu, sd = t[layers[0]["mean"]], t[layers[0]["std"]]
        w = t[layers[1]["weight"]] / sd[:, None]
        b = (t[layers[1]["bias"]] if layers[1].get("bias") else 0) - (mu / sd) @ t[layers[1]["weight"]]
        d = w.shape[0] // 2
        return w[:d].astype(np.float32), w[d:].astype(np.float32), np.asarray(b, np.float32)

    def _split_forward(self, batch: Batch, lens: list[int]) -> np.ndarray:
        assert self._split is not None and self.head is not None
        w_piece, w_sent, b = self._split
        per_sentence = batch.enc.pooled @ w_sent + b  # [n, hidden]
        flat = batch.enc.token_states
        h = (flat if flat is not None else np.concatenate(batch.enc.states)) @ w_piece
        at = 0
        for i, k in enumerate(lens):  # each word piece gets its sentence's half (no [pieces, hidden] copy)
            h[at : at + k] += per_sentence[i]
            at += k
        rest = dict(self.head.config)
        rest["layers"] = self.head.config["layers"][2:]
        rest.pop("input_dim", None)
        from ..heads import Head

        return Head(self.head.name, rest, self.head.tensors)(h)

    def score(self, batch: Batch) -> list[LoadedTermsResult]:
        probs = self.word_probs(batch)
        out = []
        for i, text in enumerate(batch.texts):
            ws = word_scores(text, probs[i], batch.enc.offsets[i]) if self.head is not None else []
            spans = combine(text, self.lexicon.match(text), ws, self.threshold, self.mix,
                            self.evidence, self.model_threshold)
            out.append(
                LoadedTermsResult(
                    tuple(
                        Span(
                            s, e, text[s:e], cat, float(min(1.0, max(0.0, sc))), batch.in_quote(i, s, e), src
                        )
                        for s, e, cat, sc, src in spans
                    )
                )
            )
        return out


@lru_cache(maxsize=2)
def _head() -> Head:
    return load_head(artifact(HEAD))


def read_evidence(head_dir: Any) -> dict[str, Any] | None:
    """The word evidence beside a detector head (``EVIDENCE_FILE``), or None where there is none."""
    path = head_dir / EVIDENCE_FILE if head_dir is not None else None
    return json.loads(path.read_text(encoding="utf-8")) if path is not None and path.is_file() else None


@lru_cache(maxsize=2)
def _evidence() -> dict[str, Any] | None:
    return read_evidence(artifact(HEAD))


@register("loaded_terms")
def make_loaded_terms(config: ScorerConfig) -> LoadedTermsScorer:
    return LoadedTermsScorer(lexicon_with(config.lexicons), _head(), _evidence())
