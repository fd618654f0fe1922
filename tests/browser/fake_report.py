"""Add the optional report keys (loaded terms, stance, targets, frames, bias, comparison) to a real
report, deterministically from its own text, so the HTML renderer's optional views can be tested
whether or not those scorers are installed. Shapes follow the scorers' ``to_json()``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

TERMS = {"imperialists": ("loaded", 0.91), "criminal": ("name_calling", 0.84),
         "desperate": ("exaggeration", 0.62), "ruthless": ("loaded", 0.77),
         "blunders": ("loaded", 0.7), "likely": ("hedge", 0.55), "vast": ("booster", 0.48),
         "piracy": ("name_calling", 0.66), "bad advice": ("loaded", 0.58)}
TARGETS = {"United States": ("United States", "U.S.", "Washington", "Trump"),
           "Iran": ("Iran",), "Iraq": ("Iraq",), "China": ("China", "Chinese")}
FRAME_CUES = {"Security_and_defense": ("attack", "military", "bases", "war", "troops", "drone"),
              "Economic": ("trade", "oil", "sanctions", "projects", "billion"),
              "Political": ("Trump", "parliament", "Democratic", "policy", "government")}


def _in_quote(report: dict[str, Any], start: int, end: int) -> bool:
    return any(q["start"] <= start and end <= q["end"] for q in report["article"]["quotes"])


def enrich(report: dict[str, Any]) -> dict[str, Any]:
    r = copy.deepcopy(report)
    mentions_total: dict[str, int] = {}
    for sec in r["sections"]:
        sec_terms, sec_mentions, sec_frames, sec_bias = [], [], [], []
        for p in sec["paragraphs"]:
            p_terms, p_mentions, p_frames, p_bias = [], [], [], []
            for s in p["sentences"]:
                text, base = s["text"], s["start"]
                terms = []
                for word, (cat, score) in TERMS.items():
                    for m in re.finditer(rf"\b{re.escape(word)}\b", text):
                        a, b = base + m.start(), base + m.end()
                        terms.append({"start": a, "end": b, "text": m.group(), "category": cat,
                                      "score": score, "quoted": _in_quote(r, a, b),
                                      "source": "lexicon"})
                s["loaded_terms"] = sorted(terms, key=lambda t: t["start"])
                senti = s["sentiment"]["score"]
                ments = []
                for target, aliases in TARGETS.items():
                    for alias in aliases:
                        for m in re.finditer(rf"(?<!\w){re.escape(alias)}(?!\w)", text):
                            a, b = base + m.start(), base + m.end()
                            score = max(-1.0, min(1.0, round(2 * senti + 0.1 * len(target) % 0.3, 4)))
                            label = "favor" if score > 0.15 else "against" if score < -0.15 else "neutral"
                            ments.append({"target": target, "start": a, "end": b, "text": m.group(),
                                          "score": score, "label": label,
                                          "quoted": _in_quote(r, a, b), "speaker": None,
                                          "evidence": ["threats"] if label == "against" else []})
                            mentions_total[target] = mentions_total.get(target, 0) + 1
                s["stance"] = _per_target(ments, detail=True)
                counts = {f: sum(text.count(c) for c in cues) for f, cues in FRAME_CUES.items()}
                tot = sum(counts.values()) + 1
                s["frames"] = {f: round(0.1 + 0.8 * c / tot, 4) for f, c in counts.items()}
                s["bias"] = {"score": round(min(1.0, 0.2 + 0.2 * len(terms)), 4)}
                p_terms += s["loaded_terms"]
                p_mentions += ments
                p_frames.append(s["frames"])
                p_bias.append(s["bias"]["score"])
            _summarise(p, p_terms, p_mentions, p_frames, p_bias)
            sec_terms += p_terms
            sec_mentions += p_mentions
            sec_frames += p_frames
            sec_bias += p_bias
        _summarise(sec, sec_terms, sec_mentions, sec_frames, sec_bias)
    everything = [m for sec in r["sections"] for p in sec["paragraphs"] for s in p["sentences"]
                  for e in s["stance"] for m in e["spans"]]
    whole = {e["target"]: {k: v for k, v in e.items() if k != "target"} for e in _per_target(everything)}
    r["targets"] = [{"name": t, "aliases": list(a), "kind": "place", "mentions": mentions_total.get(t, 0),
                     "stance": whole.get(t)} for t, a in TARGETS.items()]
    r["comparison"] = {"most_negative_section": 8, "sentiment_range": 0.19}
    r["summary"]["loaded_density"] = 0.0123
    r["summary"]["bias"] = {"score": 0.31}
    r["summary"]["frames"] = {"scores": {"Security_and_defense": 0.4, "Economic": 0.3},
                              "labels": ["Security_and_defense"], "evidence": {}}
    return r


def _summarise(unit: dict[str, Any], terms: list[dict[str, Any]], mentions: list[dict[str, Any]],
               frames: list[dict[str, float]], bias: list[float]) -> None:
    words = max(1, len(" ".join(s["text"] for s in _sentences(unit)).split()))
    unit["loaded_terms"] = [t for t in terms if t["category"] in ("loaded", "name_calling", "exaggeration")]
    unit["loaded_density"] = round(len(unit["loaded_terms"]) / words, 4)
    unit["stance"] = _per_target(mentions)
    scores = {f: round(sum(fr[f] for fr in frames) / len(frames), 4) for f in frames[0]} if frames else {}
    sents = _sentences(unit)
    unit["frames"] = {  # frames.summarize(): pooled scores, labels over threshold, evidence
        "scores": scores, "labels": sorted((f for f, v in scores.items() if v >= 0.25), key=lambda f: -scores[f]),
        "evidence": {f: [{"start": s["start"], "end": s["end"], "p": s["frames"][f]}
                         for s in sorted(sents, key=lambda s: -s["frames"][f])[:2]] for f in scores}}
    unit["bias"] = {"score": round(sum(bias) / len(bias), 4) if bias else 0.0}


def _sentences(unit: dict[str, Any]) -> list[dict[str, Any]]:
    if "sentences" in unit:
        return unit["sentences"]
    return [s for p in unit["paragraphs"] for s in p["sentences"]]


def _block(ms: list[dict[str, Any]]) -> dict[str, Any]:
    score = round(sum(m["score"] for m in ms) / len(ms), 4) if ms else 0.0
    return {"score": score, "label": "favor" if score >= 0.15 else "against" if score <= -0.15
            else "neutral", "mentions": len(ms)}


def _per_target(mentions: list[dict[str, Any]], detail: bool = False) -> list[dict[str, Any]]:
    """The stance scorer's summarize(): per target, overall / author / quoted (by speaker)."""
    by: dict[str, list[dict[str, Any]]] = {}
    for m in mentions:
        by.setdefault(m["target"], []).append(m)
    out = []
    for target, ms in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        q = [m for m in ms if m["quoted"]]
        quoted = {**_block(q), "speakers": [{"speaker": "a spokesman", **_block(q)}] if q else []}
        entry = {"target": target, **_block(ms), "author": _block([m for m in ms if not m["quoted"]]),
                 "quoted": quoted}
        if detail:
            entry["spans"] = list(ms)  # mention dicts, target included (MentionStance.to_json)
        out.append(entry)
    return out
