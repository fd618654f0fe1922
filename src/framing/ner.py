"""Named entities from the shared encoder pass (issue 16): a word-level BIO head over token states.

The encoder (all-MiniLM-L6-v2) is uncased, so the head reads, per word, the mean of its word-piece
states plus a few orthographic features of the word and its neighbours computed from the
sentence text at the encoder's char offsets (capitalised, all caps, initialism, sentence start,
...). ``word_features`` is the one place these features are computed, at training time
(``framing.train.ner``) and at inference (``entities``). No second model runs: the head is a
small numpy MLP (``models/ner.v1``).

Words are whitespace/punctuation tokens that keep initialisms whole ("F.B.I.", "U.S.", "E.U."),
so an initialism is never split at its dots. After BIO decoding, rules that the silver labels
cannot be trusted with apply here too (``clean_span``): party-state tags ("D-Mass.", "R-Texas")
are never entities, leading titles ("Sen.", "Mr.", "President") and "the" are cut from a span,
and a trailing possessive is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .names import ABBREVIATIONS, TITLES

#: entity types the head predicts (spaCy/OntoNotes names)
TYPES = ("PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "WORK_OF_ART")
LABELS = ("O", *[f"{p}-{t}" for t in TYPES for p in ("B", "I")])

#: a word: an initialism with its dots ("F.B.I.", "U.S."), else a run of word characters joined
#: by hyphens, apostrophes or "&" ("al-Assad", "O'Rourke", "AT&T"); anything else is punctuation
WORD_RE = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:[-’'&]\w+)*|[^\w\s]")
INITIALISM_RE = re.compile(r"(?:[A-Za-z]\.){2,}$")
#: "(D-Mass.)", "R-Texas", "D-N.Y.", "I-Vt.": party and state after a legislator's name
PARTY_STATE_RE = re.compile(r"\b[DRI]-(?:[A-Z][a-z]*\.?|(?:[A-Z]\.){2,}|[A-Z]{2})(?:\s?[A-Z][a-z]*\.?)?")
N_ORTHO = 10


def words(text: str) -> list[tuple[int, int]]:
    """Char spans of the words of ``text``; "Jr.", "Inc.", "Mr." and initials ("B.") keep their dot."""
    out = []
    for m in WORD_RE.finditer(text):
        s, e = m.span()
        w = text[s:e]
        if e < len(text) and text[e] == "." and (w in ABBREVIATIONS or (len(w) == 1 and w.isupper()
                                                                       and e + 1 < len(text))):
            e += 1  # "Mr.", "Jr.", a middle initial "B." (not a sentence-final capital)
        elif out and s < out[-1][1]:  # the dot already taken by an abbreviation
            continue
        out.append((s, e))
    return out


def _ortho(text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    f = np.zeros((len(spans), N_ORTHO), np.float32)
    for i, (s, e) in enumerate(spans):
        w = text[s:e]
        c = w[0]
        f[i, 0] = c.isupper()
        f[i, 1] = w.isupper() and sum(map(str.isalpha, w)) >= 2  # all its letters, two or more
        f[i, 2] = bool(INITIALISM_RE.match(w))
        f[i, 3] = i == 0 or (i == 1 and not text[spans[0][0]].isalnum())
        f[i, 4] = not c.isalnum()
        f[i, 5] = c.isdigit()
        f[i, 6] = c.islower()
        f[i, 7] = w.rstrip(".") in TITLES
        f[i, 8] = "-" in w
        f[i, 9] = w.endswith(".")
    return f


def word_features(text: str, states: np.ndarray, offsets: np.ndarray
                  ) -> tuple[list[tuple[int, int]], np.ndarray]:
    """(word spans, [n_words, d + 3 * N_ORTHO] features) of one sentence.

    A word's state is the mean of the word pieces overlapping it (words past the encoder's
    truncation get the mean of the last piece). Orthographic features of the word, the previous
    and the next word follow.
    """
    spans = words(text)
    d = states.shape[1]
    if not spans:
        return spans, np.zeros((0, d + 3 * N_ORTHO), np.float32)
    offs = np.asarray(offsets)
    real = ~((offs[:, 0] == 0) & (offs[:, 1] == 0))
    real[0] = False  # [CLS]
    idx = np.nonzero(real)[0]
    st = np.asarray(states, np.float32)
    pooled = np.zeros((len(spans), d), np.float32)
    if len(idx):
        ps, pe = offs[idx, 0], offs[idx, 1]
        sp = np.asarray(spans)
        lo = np.searchsorted(pe, sp[:, 0], side="right")
        hi = np.searchsorted(ps, sp[:, 1], side="left")
        # mean of pieces lo..hi-1 of each word through a cumulative sum (float64: exact enough
        # to match a per-word mean); a word with no piece (past truncation) takes the last one
        cs = np.zeros((len(idx) + 1, d), np.float64)
        np.cumsum(st[idx], axis=0, dtype=np.float64, out=cs[1:])
        n = np.maximum(hi - lo, 1)
        pooled = ((cs[np.maximum(hi, lo + 1).clip(max=len(idx))] - cs[np.minimum(lo, len(idx) - 1)])
                  / n[:, None]).astype(np.float32)
        empty = hi <= lo
        if empty.any():
            pooled[empty] = st[idx[np.minimum(lo[empty], len(idx) - 1)]]
    o = _ortho(text, spans)
    prev = np.vstack([np.zeros((1, N_ORTHO), np.float32), o[:-1]])
    nxt = np.vstack([o[1:], np.zeros((1, N_ORTHO), np.float32)])
    return spans, np.hstack([pooled, o, prev, nxt])


def bio_decode(labels: Sequence[str], spans: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Word BIO labels -> (start, end, type) char spans; a stray I- starts an entity."""
    out: list[tuple[int, int, str]] = []
    cur: list[Any] | None = None
    for lab, (s, e) in zip(labels, spans, strict=True):
        if lab == "O":
            cur = None
            continue
        p, t = lab.split("-", 1)
        if p == "I" and cur is not None and cur[2] == t:
            cur[1] = e
            out[-1] = (cur[0], cur[1], t)
        else:
            cur = [s, e, t]
            out.append((s, e, t))
    return out


#: words that end an organisation named after a person ("Trump Organization"): never joined
_ORG_TAIL = frozenset({"Administration", "Foundation", "Organization", "Tower", "Campaign", "Group",
                       "University", "Institute", "Center", "Centre", "Party", "Inc.", "Corp.", "Co."})


#: U.S. states: a one-word GPE that is one of these is a place, never the tail of a name
#: ("President Trump Oregon cattle ranchers" is Trump, then Oregon)
US_STATES = frozenset(["Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington", "Wisconsin", "Wyoming"])


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """One-word place names: U.S. states and the gazetteer's countries, their aliases and metonyms."""
    from .targets import gazetteer

    words = set(US_STATES)
    for a in gazetteer().get("actors", []):
        if a.get("kind") in ("country", "territory"):
            words.update(f for f in [a["name"], *a.get("aliases", []), *a.get("metonyms", [])] if " " not in f)
    return frozenset(words)


def join_names(text: str, ents: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join a person's name the head split in two ("James B." + "Comey", "Rod" + "Rosenstein"):
    entities separated by one space where the first is a PERSON and the second a PERSON, or a
    one-word ORG/GPE after a one-word PERSON (not an organisation's tail word, not a place)."""
    out: list[tuple[int, int, str]] = []
    for s, e, t in ents:
        if out and out[-1][2] == "PERSON" and text[out[-1][1]:s] == " " and text[s:s + 1].isupper():
            ps, _, _ = out[-1]
            one = " " not in text[ps:out[-1][1]] and " " not in text[s:e]
            if t == "PERSON" or (one and t in ("ORG", "GPE") and text[s:e] not in _ORG_TAIL
                                 and text[s:e] not in _places()):
                out[-1] = (ps, e, "PERSON")
                continue
        out.append((s, e, t))
    return out


def clean_span(text: str, s: int, e: int, kind: str) -> tuple[int, int] | None:
    """Apply the explicit rules to one entity span of ``text``; None when nothing is left.

    * leading "the"/"The" and titles ("Sen.", "Mr.", "President", "Director") are cut;
    * a trailing possessive ("’s") and trailing punctuation other than an initialism's or
      abbreviation's dot are cut;
    * a party-state tag ("D-Mass.", "R-Texas") is no entity;
    * single letters ("F.", "A") are no entity.
    """
    while True:
        span = text[s:e]
        m = re.match(r"(?:the|The)\s+|([A-Z][A-Za-z]*)\.?\s+", span)
        if m and (m.group(1) is None or m.group(1) in TITLES) and len(span) > m.end():
            if kind != "PERSON" and m.group(1) not in (None, "Mr", "Mrs", "Ms"):
                break  # "General Motors", "Director of National Intelligence": titles cut only from people
            s += m.end()
            continue
        break
    span = text[s:e]
    for suf in ("’s", "'s", "’", "'"):
        if span.endswith(suf) and len(span) > len(suf) + 1:
            e -= len(suf)
            span = text[s:e]
            break
    while (span and span[-1] in ",;:!?)]}\"“”‘’-–—") or (span.endswith(".") and not _keeps_dot(span)):
        e -= 1
        span = text[s:e]
    while span and span[0] in "([{\"“”‘’-–—,":
        s += 1
        span = text[s:e]
    if not span or PARTY_STATE_RE.fullmatch(span):
        return None
    letters = span.replace(".", "").replace(" ", "")
    if len(letters) <= 1:
        return None
    return s, e


def _keeps_dot(span: str) -> bool:
    last = span.split()[-1]
    return bool(INITIALISM_RE.search(last)) or last[:-1] in ABBREVIATIONS


@lru_cache(maxsize=1)
def load_ner() -> Any:
    from .heads import load_head
    from .resources import artifact

    return load_head(artifact("ner.v1"))


def predict_words(head: Any, feats: np.ndarray) -> list[str]:
    if not len(feats):
        return []
    labels = head.labels
    return [labels[i] for i in head(feats).argmax(1)]


def entities(texts: Sequence[str], enc: Any, rows: Sequence[int] | None = None
             ) -> list[list[tuple[int, int, str]]]:
    """Entities (start, end, TYPE) per sentence, offsets relative to each sentence.

    Args:
        texts: the sentence texts given to the encoder.
        enc: its ``Encoded`` output (token states and char offsets; nothing is re-encoded).
        rows: which sentences of ``enc`` the texts are (default: all, in order).
    """
    head = load_ner()
    rows = list(range(len(texts))) if rows is None else list(rows)
    per: list[tuple[list[tuple[int, int]], np.ndarray]] = []
    for text, r in zip(texts, rows, strict=True):
        per.append(word_features(text, enc.states[r], enc.offsets[r]))
    feats = [f for _, f in per if len(f)]
    probs = head(np.vstack(feats)) if feats else np.zeros((0, len(head.labels)), np.float32)
    labels = head.labels
    out: list[list[tuple[int, int, str]]] = []
    pos = 0
    for text, (spans, f) in zip(texts, per, strict=True):
        n = len(f)
        labs = [labels[i] for i in probs[pos:pos + n].argmax(1)] if n else []
        pos += n
        ents = []
        for s, e, t in join_names(text, bio_decode(labs, spans)):
            c = clean_span(text, s, e, t)
            if c is not None:
                ents.append((c[0], c[1], t))
        out.append(ents)
    return out
