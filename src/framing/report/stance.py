"""Stance of a unit toward each target: voices, the article rule, evidence sentences.

Moved here from ``framing.scorers.stance`` (issue 15): the scorer gives each mention a stance,
slant and role; grouping mentions by target and the article-level rule are report code.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from typing import Any

import numpy as np

from ..scorers.stance import ROLES, MentionStance, label_of


def _block(ms: list[MentionStance]) -> dict[str, Any]:
    """Score: mean P(favor) - P(against) over the mentions; label: the head's own decision rule
    (argmax) on the mean class probabilities. A band on the score labelled mentions with
    P(neutral) highest as against/favor: 10-16 points of macro-F1 lost through the CLI
    (``python -m framing.evaluation newsmtsc``)."""
    if not ms:
        return {"score": 0.0, "label": "neutral", "mentions": 0}
    score = float(np.mean([m.score for m in ms]))
    return {"score": score, "label": label_of(np.mean([m.probs for m in ms], axis=0)), "mentions": len(ms)}


# ---- the article's stance toward a target (issue 14) ----------------------------------------
#: sentences of evidence reported per target
EVIDENCE_SENTENCES = 3
#: the article rule reads a target whose author mentions span at least this many sentences; a
#: target seen in one sentence keeps the sentence-level reading (NewsMTSC-calibrated mean)
MIN_SENTENCES = 2


def uses_article_rule(ms: list[MentionStance], sentence_ids: list[int]) -> bool:
    """Whether the author's (unquoted) mentions of a target span ``MIN_SENTENCES`` sentences."""
    return len({k for m, k in zip(ms, sentence_ids, strict=True) if not m.quoted}) >= MIN_SENTENCES


def effective_score(score: float, role: str | None) -> float:
    """A mention's score (P(favor) - P(against)) as evidence of the author's stance: a patient's
    negative reading is 0. The section profile reads it from the report's spans, which carry the
    score, not the class probabilities; ``article_evidence`` applies the same principle (harm
    suffered is not stance against the sufferer) to the probabilities: a patient adds no P(against)
    to the against evidence."""
    return max(score, 0.0) if role == "patient" else score


def article_evidence(ms: list[MentionStance], rule: dict[str, Any]) -> tuple[float, float]:
    """(against, favor) evidence of the author's stance toward one target over the unit's
    mentions of it. Against: ``against_weight`` * P(against) of the stance head + (1 -
    ``against_weight``) * P(against) of the slant head, summed over the author's (unquoted)
    mentions where the actor is not the patient and divided by all the author's mentions: harm
    suffered is no evidence against the sufferer, either way ("sanctions on Iraq"), so a patient
    mention adds 0 and dilutes the rest (a victim named five times, once in a grim sentence, is
    not read against; BASIL tune+train macro-F1 0.503 vs 0.505 leaving patients out, report
    events 0.498 vs 0.465). A doer of harm ("U.S. sanctions", "Karstan fired missiles"; role
    ``agent``) adds ``agent_bonus`` to its mention's share (at most 1): doing harm in the author's
    telling is evidence of the author's stance against the doer. Favor: the mean over all the
    author's mentions with ``favor_weight``. (0, 0) without an unquoted mention."""
    author = [m for m in ms if not m.quoted]
    if not author:
        return 0.0, 0.0
    wa, wf = rule["against_weight"], rule["favor_weight"]
    bonus = rule.get("agent_bonus", 0.0)  # rules written before session 7 have none
    doing = [m for m in author if m.role != "patient"]
    against = float(np.sum([min(wa * m.probs[0] + (1 - wa) * m.slant[0] + (bonus if m.role == "agent" else 0.0), 1.0)
                            for m in doing])) / len(author)
    favor = float(np.mean([wf * m.probs[2] + (1 - wf) * m.slant[2] for m in author]))
    return against, favor


def article_score(ms: list[MentionStance], rule: dict[str, Any]) -> float:
    """The author's stance toward one target as one number in [-1, 1]: favor evidence minus
    against evidence (``article_evidence``); the label comes from ``article_label``."""
    against, favor = article_evidence(ms, rule)
    return float(np.clip(favor - against, -1.0, 1.0))


def author_score(m: MentionStance, rule: dict[str, Any]) -> float | None:
    """One mention's share of the author's stance under the article rule: ``article_score`` of
    the mention alone (None for a quoted one, which is no evidence of the author's stance). The
    article rule's score of a unit is the mean of its mentions' author scores (before clipping),
    so the section profile (``framing.report.profile``), which reads the report's spans, rests
    its stance claims on the same numbers as the unit's stance."""
    return None if m.quoted else article_score([m], rule)


#: The step of the threshold grid the article rule is tuned on (``framing.train.stance_article``):
#: evidence within one step under a threshold is as close to it as the tuning can tell apart
#: (the chosen against threshold moved between neighbouring steps across refits).
THRESHOLD_STEP = 0.025


def near_label(evidence: tuple[float, float], rule: dict[str, Any]) -> str | None:
    """For a neutral reading, the label whose threshold the evidence misses by at most
    ``THRESHOLD_STEP`` ("neutral, near against"), the closer one where both are; None otherwise,
    and for a reading that is already against or favor."""
    if article_label(evidence, rule) != "neutral":
        return None
    gaps = {"against": rule["against"] - evidence[0], "favor": rule["favor"] - evidence[1]}
    near = [k for k, g in sorted(gaps.items(), key=lambda kv: kv[1]) if g <= THRESHOLD_STEP + 1e-9]
    return near[0] if near else None


def article_label(evidence: tuple[float, float], rule: dict[str, Any]) -> str:
    """against when the against evidence reaches its threshold and beats the favor evidence's
    margin over its own; favor when the favor evidence reaches its threshold; else neutral."""
    against, favor = evidence[0] - rule["against"], evidence[1] - rule["favor"]
    if against >= 0 and against >= favor:
        return "against"
    if favor >= 0:
        return "favor"
    return "neutral"


@lru_cache(maxsize=1)
def _article_config() -> dict[str, Any] | None:
    """``models/stance_article.v1/config.json``, read once; None before it is built."""
    import json

    from ..resources import artifact

    path = artifact("stance_article.v1") / "config.json"
    return json.loads(path.read_text()) if path.exists() else None


def article_rule() -> dict[str, Any] | None:
    """The shipped rule, or None before it is built."""
    cfg = _article_config()
    return None if cfg is None else cfg["rule"]


def thresholds() -> dict[str, float] | None:
    """The shipped rule's thresholds on the against and favor evidence, and the step within which
    a neutral reading is reported as near one (schema 1.6), or None before the rule is built."""
    rule = article_rule()
    return None if rule is None else {"against": float(rule["against"]), "favor": float(rule["favor"]),
                                      "near": THRESHOLD_STEP}


def label_precision() -> dict[str, Any] | None:
    """How often each article-level author label was right on BASIL's dev events through
    ``framing batch`` (written by ``framing.train.stance_article``), or None before it is measured."""
    cfg = _article_config()
    return None if cfg is None else cfg.get("meta", {}).get("label_precision")


def stance_provenance(report: dict[str, Any]) -> dict[str, Any]:
    """The report's ``models.scorers.stance`` ({} where absent)."""
    got = ((report.get("models") or {}).get("scorers") or {}).get("stance")
    return got if isinstance(got, dict) else {}


def provenance_numbers(report: dict[str, Any], key: str, names: tuple[str, ...]) -> dict[str, Any] | None:
    """``models.scorers.stance[key]`` of the report where it holds a number under each of
    ``names`` (a report written before that key was added has none), else None."""
    got = stance_provenance(report).get(key)
    return got if isinstance(got, dict) and all(isinstance(got.get(k), int | float) for k in names) else None


def trust_note(report: dict[str, Any]) -> str | None:
    """The sentence the renderers print under the targets: how often each author label was right
    (the report's ``models.scorers.stance.author_label_precision``), or None without it."""
    if (lp := provenance_numbers(report, "author_label_precision", ("against", "favor", "neutral"))) is None:
        return None
    return (f"How often an author label was right on BASIL dev: against {lp['against']:.0%}, "
            f"favor {lp['favor']:.0%}, neutral {lp['neutral']:.0%}; read against/favor as pointers to "
            "the evidence, not verdicts")


def threshold_note(report: dict[str, Any]) -> str | None:
    """The sentence the renderers print under the targets on how an author label is decided (the
    report's ``models.scorers.stance.author_thresholds``), or None without them."""
    if (th := provenance_numbers(report, "author_thresholds", ("against", "favor", "near"))) is None:
        return None
    return (f"An author label is against when the against evidence reaches {th['against']:.3g}, favor when "
            f"the favor evidence reaches {th['favor']:.3g}; near: a neutral reading within {th['near']:.3g} of one; "
            "one sentence: the tone of the one sentence that names the target, not the article's stance")


def label_basis(report: dict[str, Any], author: Any) -> str | None:
    """What an author label rests on, where a reader should know, for the renderers: "near
    against"/"near favor" for a neutral reading within a threshold step (``near``, schema 1.6);
    "one sentence" for an against/favor read from the author's mentions in one sentence (no
    article-rule evidence although the report has the rule: the stance head's reading of that
    sentence's tone toward the target, not the article's stance); None otherwise."""
    if not isinstance(author, dict) or not author.get("mentions"):
        return None
    label = author.get("label")
    if label == "neutral" and author.get("near") in ("against", "favor"):
        return f"near {author['near']}"
    if (label in ("against", "favor") and "against_evidence" not in author
            and provenance_numbers(report, "author_thresholds", ("against", "favor")) is not None):
        return "one sentence"
    return None


def _evidence_sentences(ms: list[MentionStance], label: str, context: Any,
                        rule: dict[str, Any]) -> list[dict[str, Any]]:
    """The sentences that weigh most toward ``label`` (for neutral: the strongest either way):
    each author mention weighs its favor minus against evidence under the rule."""
    sentences, article = context
    starts = [s.start for s in sentences]
    sign = {"against": -1.0, "favor": 1.0}.get(label)
    by_sentence: dict[int, tuple[float, MentionStance]] = {}
    for m in ms:
        if m.quoted:
            continue
        e = article_score([m], rule)
        w = sign * e if sign is not None else abs(e)
        if w <= 0:
            continue
        k = max(0, bisect.bisect_right(starts, m.start) - 1)
        if k not in by_sentence or w > by_sentence[k][0]:
            by_sentence[k] = (w, m)
    top = sorted(by_sentence.items(), key=lambda kv: (-kv[1][0], kv[0]))[:EVIDENCE_SENTENCES]
    out = []
    for k, (w, m) in sorted(top, key=lambda kv: kv[0]):
        s = sentences[k]
        out.append({"start": s.start, "end": s.end, "text": article.text[s.start:s.end],
                    "mention": m.text, "role": m.role, "score": m.score,
                    "slant": m.slant[2] - m.slant[0], "weight": w})
    return out


def _article_block(ms: list[MentionStance], context: Any) -> dict[str, Any] | None:
    """Author-voice stance of the unit from the article rule; None before the rule is built or
    when the author's mentions sit in one sentence (``uses_article_rule``)."""
    rule = article_rule()
    if rule is None:
        return None
    starts = [s.start for s in context[0]]
    if not uses_article_rule(ms, [bisect.bisect_right(starts, m.start) for m in ms]):
        return None
    score = article_score(ms, rule)
    evidence = article_evidence(ms, rule)
    label = article_label(evidence, rule)
    author = [m for m in ms if not m.quoted]
    return {"score": score, "label": label, "mentions": len(author),
            "mean": float(np.mean([m.score for m in author])) if author else 0.0,
            "roles": {r: sum(m.role == r for m in author) for r in ROLES},
            # what the label is decided on (schema 1.6): each side's evidence against the rule's
            # thresholds (models.scorers.stance.author_thresholds), and a neutral reading's near miss
            "against_evidence": round(evidence[0], 4), "favor_evidence": round(evidence[1], 4),
            "near": near_label(evidence, rule),
            "evidence": _evidence_sentences(ms, label, context, rule) if context is not None else []}
# ---- end article stance ----------------------------------------------------------------------


def summarize(mentions: Any, detail: bool = False, context: Any = None) -> list[dict[str, Any]]:
    """Per-target stance over some mentions: overall, the author's (unquoted mentions only) and
    the quoted voices (by speaker where identifiable). Ordered by mentions, then name.

    ``detail`` adds the mentions themselves (sentence level). ``context`` (the unit's sentences
    and the article) marks an aggregated unit: there the author's stance and the overall one
    come from the article-level model (``_article_block``: roles, voices, how the evidence adds
    up), with ``mean`` (the plain mean of mention scores), ``probs``, ``roles`` and ``evidence``
    (the sentences that weigh most) added; at the sentence level they stay plain means.
    """
    by: dict[str, list[MentionStance]] = {}
    for m in mentions:
        by.setdefault(m.target, []).append(m)
    out = []
    for target, ms in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        unq = [m for m in ms if not m.quoted]
        q = [m for m in ms if m.quoted]
        author = _block(unq)
        overall = _block(ms)
        art = _article_block(ms, context) if context is not None else None
        if art is not None:
            author = art
            overall = {"score": art["score"], "label": art["label"], "mentions": len(ms),
                       "mean": overall["score"]}
        entry: dict[str, Any] = {"target": target, **overall, "author": author}
        quoted = _block(q)
        speakers: dict[str, list[MentionStance]] = {}
        for m in q:
            speakers.setdefault(m.speaker or "(unattributed)", []).append(m)
        quoted["speakers"] = [{"speaker": sp, **_block(v)} for sp, v in
                              sorted(speakers.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        entry["quoted"] = quoted
        if detail:
            rule = article_rule()
            entry["spans"] = [m.to_json() if rule is None else {**m.to_json(), "author_score": author_score(m, rule)}
                              for m in ms]
        out.append(entry)
    return out
