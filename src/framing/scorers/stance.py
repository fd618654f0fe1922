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

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from ..language import STOPWORDS
from . import Batch, Mention, ScorerConfig, register

LABELS = ("against", "neutral", "favor")
#: distance scales (in word pieces) of the context pools; chosen on NewsMTSC dev (card.md).
TAUS: tuple[float, ...] = (2.0, 6.0)
#: left/right context window in word pieces.
WINDOW = 8
#: words of evidence reported per mention.
EVIDENCE_WORDS = 3


_PUNCT = "\"'“”‘’.,;:!?()[]{}—–-…"
#: function words never reported as evidence (they carry position, not stance)
_STOP = STOPWORDS  # framing.language: the one English stopword list


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


def pool_weights_many(offsets: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """[n, k, m]: ``pool_weights`` for n mentions of one sentence at once (bit-identical rows).

    Needs at least one real word piece (``pool_weights`` gives fewer rows when there is none).
    """
    m = len(offsets)
    s, e = offsets[:, 0], offsets[:, 1]
    realb = e > s
    real = realb.astype(np.float32)
    starts = np.array([a for a, _ in spans])
    ends = np.array([b for _, b in spans])
    hit = realb & (s < ends[:, None]) & (e > starts[:, None])  # [n, m]
    empty = ~hit.any(1)
    if empty.any():  # truncated away or an empty span: the nearest real piece
        reals = np.flatnonzero(realb)
        for r in np.flatnonzero(empty):
            hit[r, reals[np.argmin(np.abs(s[reals] - starts[r]))]] = True
    lo = hit.argmax(1)[:, None]
    hi = (m - 1 - hit[:, ::-1].argmax(1))[:, None]
    pos = np.arange(m)
    dist = np.where(pos < lo, lo - pos, np.where(pos > hi, pos - hi, 0)).astype(np.float32)
    inside = hit.astype(np.float32)
    outside = real * (1 - inside)
    rows = [inside, np.broadcast_to(real, inside.shape)]
    for tau in TAUS:
        rows.append(outside * np.exp(-dist / tau))
    rows.append(outside * (pos < lo) * (dist <= WINDOW))
    rows.append(outside * (pos > hi) * (dist <= WINDOW))
    w = np.stack(rows, axis=1).astype(np.float32)
    sums = w.sum(2, keepdims=True)
    return np.divide(w, sums, out=np.zeros_like(w), where=sums > 0)


def features_many(states: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """[n, feature_dim]: ``features_from_weights`` for [n, k, m] weights (bit-identical rows:
    a stacked matmul runs one product per mention, as the one-mention function does)."""
    pooled = weights @ states.astype(np.float32)  # [n, k, d]
    n = len(weights)
    return np.concatenate([pooled.reshape(n, -1), pooled[:, 0] * pooled[:, 1]], axis=1).astype(np.float32)


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



# ---- the actor's role in its sentence (issue 14) -------------------------------------------
#: word stems of doing or suffering harm (sanctions, strikes, killings, charges, criticism)
HARM_STEMS = ("attack", "strike", "struck", "sanction", "bomb", "invad", "invasion", "kill", "murder",
              "threat", "blame", "accus", "target", "punish", "occup", "oppress", "arrest", "detain",
              "charg", "sued", "suing", "criticiz", "criticis", "condemn", "hardship", "pressur",
              "aggress", "violen", "crime", "blockade", "embargo", "destr", "damag", "siege", "raid",
              "assault", "shell", "shoot", "shot", "tortur", "abus", "harass", "persecut",
              "discriminat", "exploit", "intimidat", "coerc", "bully", "impos", "isolat", "penaliz",
              "indict", "convict", "prosecut", "investigat", "deport", "expel", "evict", "oust",
              "overthr", "toppl", "defeat", "hurt", "harm", "injur", "wound", "missile", "airstrike",
              "drone", "war", "wars", "hit", "hits", "ban", "bans", "banned", "fine", "fined", "fired",
              "slam", "lambast", "denounc", "attack", "rebuk", "scold", "mock", "ridicul", "insult",
              "smear", "deni", "deny", "reject", "veto", "cut", "cuts", "slash", "seiz", "confiscat",
              "loot", "pirac", "abrogat", "scandal", "subpoena", "probe", "scrutin", "demand",
              "imperialis", "dominat", "hegemon", "colonialis")
#: stems matched as whole words only (as prefixes they would catch "warm", "hitch", "bank")
_EXACT = frozenset(["war", "wars", "hit", "hits", "ban", "bans", "banned", "cut", "cuts", "fine", "fined",
                    "shot", "sued", "suing", "harm", "harms", "harmed", "raid", "raids", "mock", "mocked"])
_PREFIX = tuple(s for s in HARM_STEMS if s not in _EXACT)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z.]*(?:['’][a-z]+)?|[,;:()“”\"—–]")
_BE = frozenset(["is", "are", "was", "were", "be", "been", "being"])
_HAVE = frozenset(["has", "have", "had", "will", "would", "could", "may", "might"])
_SUFFER = frozenset(["suffered", "suffers", "suffer", "faced", "faces", "face", "endured", "endures",
                     "lost", "loses", "bore", "bears", "fell"])
#: prepositions after which a harm word's object follows ("sanctions on Iraq", "killing of X")
_PREP = frozenset(["on", "against", "upon", "into", "toward", "towards", "at", "of", "in", "to", "for",
                   "over", "from"])
_SKIP = frozenset(["the", "a", "an", "that", "its", "their", "his", "her", "our", "all", "both",
                   "fellow", "ordinary", "innocent"])
_IRREGULAR = frozenset(["hit", "shot", "struck", "hurt", "beaten", "taken", "held", "seen", "given",
                        "thrown", "driven", "forced", "caught", "stolen", "slain", "known", "told"])
ROLES = ("agent", "patient", "mentioned")


@lru_cache(maxsize=4096)
def _harm(word: str) -> bool:
    w = word.lower().strip(".")
    return w in _EXACT or w.startswith(_PREFIX)


def _participle(word: str) -> bool:
    w = word.lower()
    return w.endswith(("ed", "en")) or w in _IRREGULAR or _harm(w)


_POSSESSIVE = frozenset(["its", "his", "her", "their"])
#: nouns of what befalls their owner: "Iran's collapse", "his defeat", "Iraq's hardship" are harm
#: the possessor suffers, where "Trump's threats" is harm the possessor does
SUFFERED = frozenset(["collapse", "demise", "downfall", "death", "deaths", "plight", "suffering", "losses",
                      "loss", "defeat", "ruin", "isolation", "hardship", "hardships", "injuries", "wounds",
                      "victims", "casualties", "humiliation", "misery", "ordeal", "troubles", "woes",
                      "struggles", "decline"])


def _owned(text: str, start: int, end: int, n: int) -> list[str] | None:
    """The ``n`` words after the actor's possessive ("its", "his", "Iraq's"), lowercased, or None
    where the mention is not a possessive."""
    right = [m.group(0).lower().rstrip(".") for m in _TOKEN.finditer(text, end)][:n + 1]
    if text[start:end].lower() in _POSSESSIVE:
        return right[:n]
    if right and right[0] in ("’s", "'s", "s") and text[end:end + 1] in "'’":
        return right[1:]
    return None


def _possessor_suffers(text: str, start: int, end: int) -> bool:
    """The actor's possessive before a noun of what befalls it, or one adjective before it
    ("Iran's collapse", "his spectacular defeat", "its economic decline")."""
    right = _owned(text, start, end, 3)
    if not right:
        return False
    k = 0 if right[0] in SUFFERED else 1
    if k and not (len(right) > 1 and right[0].isalpha() and right[0] not in ("and", "or") and right[1] in SUFFERED):
        return False
    return not (len(right) > k + 1 and right[k + 1] == "of")  # "Trump's defeat of Clinton": his doing


#: who acts for an actor: "Karstan's rulers are war criminals who bomb ...", "Iran's forces attacked"
FORCES = frozenset(["forces", "troops", "army", "military", "government", "rulers", "regime", "leaders",
                    "police", "militia", "militias", "soldiers", "jets", "warplanes", "navy", "agents",
                    "guards"])


def _forces_do_harm(text: str, start: int, end: int) -> bool:
    """The actor's possessive before those who act for it (``FORCES``), and a harm word next, past
    auxiliaries and adverbs, or one word later: "its army shelled", "Karstan's rulers are war
    criminals". A passive ("Iran's forces were attacked") is ``_possessor_harmed``'s, read first."""
    right = _owned(text, start, end, 6)
    if not right or right[0] not in FORCES:
        return False
    rest, k = right[1:], 0
    while k < len(rest) and (rest[k] in _HAVE or rest[k] in _BE or rest[k].endswith("ly") or rest[k] in ("not", "also")):
        k += 1
    return any(_harm(w) for w in rest[k:k + 2])


def _possessor_harmed(text: str, start: int, end: int) -> bool:
    """The actor owns what suffers harm: a possessive ("its", "Iraq's") whose noun, one or two
    words on, is the subject of a passive harm verb ("its water supply was cut off", "Iraq's
    oil fields were bombed"). Only harm participles: "its troops were deployed" is not harm,
    "Karstan's rulers are war criminals" is no passive."""
    right = _owned(text, start, end, 6)
    if right is None:
        return False
    for k in (1, 2):  # the owned noun: one or two words
        if len(right) > k and right[k] in _BE and all(w.isalpha() and w not in _BE for w in right[:k]):
            j = k + 1
            while j < len(right) and (right[j].endswith("ly") or right[j] in ("being", "been", "not", "also")):
                j += 1
            w = right[j] if j < len(right) else ""
            return _harm(w) and (w.endswith(("ed", "en")) or w in _IRREGULAR or w == "cut")
    return False


def mention_role(text: str, start: int, end: int) -> str:
    """agent | patient | mentioned: does the actor do harm, suffer it, or only appear?

    Surface proxies of the sentence's syntax (no parser at run time):

    * patient: the subject of a passive or of "suffered"/"faced" ("Iraq was attacked", "Iran and
      China are increasingly targeted by ..."); the object of a harm word, directly or through a
      preposition ("sanctions on Iraq", "the killing of Soleimani", "hardship in Iran",
      "blamed Iran", "threatens that Iraq ..."); the owner of what befalls it ("Iran's collapse",
      "his defeat", ``SUFFERED``);
    * agent: a harm word right after the actor, its possessive, or one word later ("U.S.
      sanctions", "Trump's bellicose threats", "Iran attacked", "the U.S. has imposed", "U.S.
      domination"); those who act for it doing harm ("Karstan's rulers are war criminals",
      ``FORCES``);
    * mentioned: anything else.
    """
    right = [m.group(0) for m in _TOKEN.finditer(text, end)][:8]
    if right and right[0].lower() in ("’s", "'s", "s"):
        right = right[1:]
    if right and right[0] in ("and", "or"):  # "Iran and China, are targeted": the shared verb
        k = 1
        while k < min(len(right), 5) and (right[k][:1].isupper() or right[k] == ","):
            k += 1
        right = right[k:]
    right = right[:4]
    left = [m.group(0) for m in _TOKEN.finditer(text[:start])][-5:]
    r = [w.lower() for w in right]
    # passive or suffering subject: "Iraq was (brutally) attacked", "Iraq has been hit", "suffered"
    k = 0
    while k < len(r) and (r[k] in _HAVE or r[k].endswith("ly") or r[k] in ("not", "also")):
        k += 1
    if k < len(r) and r[k] in _SUFFER:
        return "patient"
    if k < len(r) and r[k] in _BE:
        k += 1
        while k < len(r) and (r[k].endswith("ly") or r[k] in ("being", "been", "not", "also")):
            k += 1
        if k < len(r) and _participle(r[k]) and r[k] not in ("seen", "known"):
            return "patient"
    if _possessor_harmed(text, start, end) or _possessor_suffers(text, start, end):
        return "patient"
    # the actor suffers harm: object of a harm word, possibly through a preposition
    lt = [w.lower() for w in left]
    j = len(lt) - 1
    while j >= 0 and lt[j] in _SKIP:
        j -= 1
    patient = j >= 0 and (_harm(lt[j]) or (lt[j] in _PREP and any(_harm(w) for w in lt[max(0, j - 3):j])))
    # "the bombing of X killed ...": a verb after the object belongs to the harm noun before it
    if patient and (not r or r[0].endswith("ed") or not _harm(r[0])):
        return "patient"
    # the actor does harm: "U.S. sanctions", "Trump's bellicose threats", "Iran attacked"
    if any(_harm(w) for w in right[:2]) or (len(r) > 2 and r[0] in _HAVE and _harm(right[2])):
        return "agent"
    if patient:
        return "patient"
    return "agent" if _forces_do_harm(text, start, end) else "mentioned"
# ---- end role --------------------------------------------------------------------------------

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
    role: str = "mentioned"  # agent | patient | mentioned (``mention_role``)
    #: P(against), P(neutral), P(favor) of the author's slant (BASIL-trained ``stance_slant`` head)
    slant: tuple[float, float, float] = (0.0, 1.0, 0.0)

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "start": self.start, "end": self.end, "text": self.text,
                "score": self.score, "label": self.label, "quoted": self.quoted,
                "speaker": self.speaker, "evidence": list(self.evidence), "role": self.role,
                "slant": self.slant[2] - self.slant[0]}


@dataclass(frozen=True, slots=True)
class StanceResult:
    """All target mentions of one sentence with their stance."""

    mentions: tuple[MentionStance, ...] = field(default_factory=tuple)

    def to_json(self) -> list[dict[str, Any]]:
        """Per-target stance in this sentence (same shape as the aggregated levels) with spans."""
        from ..report.stance import summarize

        return summarize(self.mentions, detail=True)

    def shifted(self, delta: int) -> StanceResult:
        if not delta or not self.mentions:
            return self
        return StanceResult(tuple(replace(m, start=m.start + delta, end=m.end + delta)
                                  for m in self.mentions))

    def select(self, mentions: Sequence[Mention]) -> tuple[StanceResult, int]:
        """This sentence's result for ``mentions``, from a result scored on a superset of spans
        (``targets.candidate_spans``; a long article's windows are scored before its targets are
        known): each mention takes the scores of its span and its own target, quote and speaker.
        Returns the result and how many mentions had no scored span (dropped)."""
        by_span = {(m.start, m.end): m for m in self.mentions}
        out, missing = [], 0
        for m in mentions:
            got = by_span.get((m.start, m.end))
            if got is None:
                missing += 1
                continue
            out.append(replace(got, target=m.target, quoted=m.quoted, speaker=m.speaker))
        return StanceResult(tuple(out)), missing


def label_of(probs: np.ndarray) -> str:
    return LABELS[int(np.argmax(probs))]


class StanceScorer:
    name: ClassVar[str] = "stance"
    version: ClassVar[int] = 2  # 2: mention roles; article-level stance model (issue 14)
    requires: ClassVar[frozenset[str]] = frozenset({"mentions"})

    def __init__(self, head: Any, slant: Any = None) -> None:
        self.head = head
        self.slant = slant  # the BASIL-trained author-slant head on the same features (or None)
        self._slant_order = [list(slant.labels).index(lbl) for lbl in LABELS] if slant is not None else None
        labels = list(head.labels)
        self._order = [labels.index(lbl) for lbl in LABELS]
        first = next(ly for ly in head.config["layers"] if ly["op"] == "linear")
        std = next((ly for ly in head.config["layers"] if ly["op"] == "standardize"), None)
        self._w = head.tensors[first["weight"]]  # [in, hidden_or_classes]
        self._mu = head.tensors[std["mean"]] if std else None
        self._sd = head.tensors[std["std"]] if std else None
        self._linear_only = sum(1 for ly in head.config["layers"] if ly["op"] == "linear") == 1
        self._cols: dict[int, np.ndarray] = {}

    def _col(self, label_idx: int) -> np.ndarray:
        """The evidence direction for a label (see ``_evidence``), computed once per label."""
        key = label_idx if self._linear_only else -1
        if key not in self._cols:
            w = self._w
            if self._sd is not None:
                w = w / self._sd[:, None]
            if self._linear_only:
                self._cols[key] = w[:, label_idx] - w.mean(1)
            else:
                self._cols[key] = w @ np.ones(w.shape[1], np.float32) / w.shape[1]
        return self._cols[key]

    def _evidence(self, text: str, states: np.ndarray, offsets: np.ndarray,
                  weights: np.ndarray, label_idx: int, start: int, end: int,
                  proj: np.ndarray | None = None, space: np.ndarray | None = None) -> tuple[str, ...]:
        """Words whose states pushed hardest toward the predicted label (linear contribution).

        For a linear head the class logit is sum_k sum_j w[k, j] * (x_j . W_k[:, c]) / sd; each
        word piece j contributes sum_k w[k, j] * (x_j . V_k) with V_k the standardized weight
        block k for class c minus the mean over classes. For an MLP head the same is done with
        the first layer projected on the output direction, a first-order approximation.

        ``proj`` (states @ blocks.T for this label) and ``space`` (whether each piece starts at a
        space) may be passed in when several mentions of one sentence share them.
        """
        if proj is None:
            d, k = states.shape[1], weights.shape[0]
            proj = states @ self._col(label_idx)[: k * d].reshape(k, d).T  # product block ignored
        contrib = (weights * proj.T).sum(0)  # [m]
        o0, o1 = offsets[:, 0], offsets[:, 1]
        # word pieces that can be evidence: real ones outside the mention itself
        js = np.flatnonzero((o1 > o0) & ~((start <= o0) & (o0 < end)))
        if not len(js):
            return ()
        if space is None:
            space = _starts_at_space(text, offsets)
        # a piece continues the previous kept piece's word when it starts where that one ended
        # and not at a space
        cont = np.zeros(len(js), bool)
        cont[1:] = (o0[js[1:]] == o1[js[:-1]]) & ~space[js[1:]]
        first = np.flatnonzero(~cont)
        last = np.append(first[1:], len(js)) - 1
        c = np.add.reduceat(contrib[js], first)  # each word's pieces summed
        picked: list[tuple[float, int, str]] = []
        for i in np.flatnonzero(c > 0):
            s, e = int(o0[js[first[i]]]), int(o1[js[last[i]]])
            w = text[s:e].strip(_PUNCT)
            if any(ch.isalpha() for ch in w) and w.lower() not in _STOP:
                picked.append((float(c[i]), s, w))
        picked.sort(key=lambda wd: (-wd[0], wd[1]))
        return tuple(w for _, _, w in picked[:EVIDENCE_WORDS])

    def _features(self, states: np.ndarray, offsets: np.ndarray,
                  spans: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """([n, k, m] pooling weights, [n, feature_dim] head inputs) for one sentence's mentions."""
        if (offsets[:, 1] > offsets[:, 0]).any():
            ws = pool_weights_many(offsets, spans)
            return ws, features_many(states, ws)
        ws = np.stack([pool_weights(offsets, s, e) for s, e in spans])
        return ws, np.stack([features_from_weights(states, w) for w in ws])

    def _mentions(self, text: str, states: np.ndarray, offsets: np.ndarray, mentions: list[Mention],
                  spans: list[tuple[int, int]], ws: np.ndarray,
                  probs: np.ndarray, slants: np.ndarray | None = None) -> tuple[MentionStance, ...]:
        out = []
        projs: dict[int, np.ndarray] = {}
        space = None
        if slants is None:
            slants = np.tile(np.array([0.0, 1.0, 0.0], np.float32), (len(mentions), 1))
        for m, (s, e), w, p, sl in zip(mentions, spans, ws, probs, slants, strict=True):
            li = int(np.argmax(p))
            score = float(np.clip(p[2] - p[0], -1.0, 1.0))
            ev: tuple[str, ...] = ()
            if LABELS[li] != "neutral":
                if li not in projs:
                    d, k = states.shape[1], w.shape[0]
                    projs[li] = states @ self._col(li)[: k * d].reshape(k, d).T
                if space is None:
                    space = _starts_at_space(text, offsets)
                ev = self._evidence(text, states, offsets, w, li, s, e, projs[li], space)
            out.append(MentionStance(m.target, m.start, m.end, text[m.start:m.end], score, LABELS[li],
                                     (float(p[0]), float(p[1]), float(p[2])), m.quoted, m.speaker, ev,
                                     mention_role(text, s, e), (float(sl[0]), float(sl[1]), float(sl[2]))))
        return tuple(out)

    def score_mentions(self, text: str, states: np.ndarray, offsets: np.ndarray,
                       mentions: list[Mention]) -> tuple[MentionStance, ...]:
        if not mentions:
            return ()
        spans = [_trim(text, m.start, m.end) for m in mentions]
        ws, x = self._features(states, offsets, spans)
        probs = self.head(x)[:, self._order]
        return self._mentions(text, states, offsets, mentions, spans, ws, probs, self._slants(x))

    def _slants(self, x: np.ndarray) -> np.ndarray | None:
        """The author-slant head on the same mention features (None without the head)."""
        if self.slant is None:
            return None
        return self.slant(x)[..., self._slant_order]

    def score(self, batch: Batch) -> list[StanceResult]:
        mentions = batch.mentions or [()] * len(batch)
        todo: dict[int, list[tuple[int, list[Mention], list[tuple[int, int]], np.ndarray, np.ndarray]]] = {}
        for i, text in enumerate(batch.texts):
            ms = list(mentions[i]) if i < len(mentions) else []
            if not ms:
                continue
            spans = [_trim(text, m.start, m.end) for m in ms]
            ws, x = self._features(batch.enc.states[i], batch.enc.offsets[i], spans)
            todo.setdefault(len(ms), []).append((i, ms, spans, ws, x))
        found: dict[int, tuple[MentionStance, ...]] = {}
        for group in todo.values():
            # one head call per mention count: a stacked [sentences, mentions, features] input
            # runs the same per-sentence products as one call per sentence (bit-identical)
            xs = np.stack([x for *_, x in group])
            probs = self.head(xs)[..., self._order]
            slants = self._slants(xs)
            for k, ((i, ms, spans, ws, _), p) in enumerate(zip(group, probs, strict=True)):
                found[i] = self._mentions(batch.texts[i], batch.enc.states[i], batch.enc.offsets[i],
                                          ms, spans, ws, p, None if slants is None else slants[k])
        return [StanceResult(found.get(i, ())) for i in range(len(batch.texts))]


def _starts_at_space(text: str, offsets: np.ndarray) -> np.ndarray:
    """Per word piece: whether the text at its start is whitespace."""
    n = len(text)
    return np.array([s < n and text[s].isspace() for s in offsets[:, 0].tolist()], bool)


@register("stance")
def make_stance(config: ScorerConfig) -> StanceScorer:
    from ..heads import load_head
    from ..resources import artifact

    slant = artifact("stance_slant.v1")
    return StanceScorer(load_head(artifact("stance.v1")),
                        load_head(slant) if (slant / "config.json").exists() else None)
