"""Section profiles: how each section of one article frames its subject, and how it differs.

``profile(report) -> dict`` reads an aggregated JSON report (``report.build.to_dict`` output, or
the same shape) and returns the ``"comparison"`` key of that report:

* ``sections``: per section its sentiment, stance toward the article's top targets, loaded-term
  density, bias and dominant frames, plus ``distinctive``: the metrics on which the section
  deviates most from the rest of the article, each with the evidence behind it;
* ``arc``: one point per paragraph (sentiment, stance toward the top targets, loaded density,
  bias) so the course of the article can be plotted;
* ``findings``: short plain-English sentences a reader can check against the text.

It works with whichever scorers ran: sentiment is always there; stance, loaded terms, bias and
frames add their metrics when their keys are present. Pure function of the report (no models).

Deviation rule: for section ``s`` and metric ``m``, ``rest`` is the weighted mean of ``m`` over
the other sections (weights: words; mentions for stance). For word-weighted means and densities
that is exactly the value of the rest of the article. ``z = (value - rest) / max(sd, FLOOR[m])``
where ``sd`` is the spread of the other sections' values and ``FLOOR`` the smallest difference we
treat as more than noise (so two near-identical sections do not produce a large z).

Findings ("the most X section") are stated by one rule, ``_claim``: the extreme section's sentences
against the rest's, beyond what the extreme of the article's sections reaches when the sentences
are shuffled among them. Frame findings too, on each sentence's probability for the frame (the
report's ``frame_scores``), naming a section only for a frame its section view shows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ..numeric import logit
from .vocab import FRAMES, frame_name
from .weighting import word_weight

Report = dict[str, Any]

#: Loaded-language categories of the ``loaded_terms`` scorer (hedges/boosters are not loaded).
LOADED_CATEGORIES = ("loaded", "name_calling", "exaggeration")
#: Targets profiled per section (ranked by the article's prominence).
TOP_TARGETS = 4
#: Dominant frames listed per section.
TOP_FRAMES = 3
#: Deviations kept per section, and the |z| a deviation needs to be listed.
DEVIATIONS = 3
MIN_Z = 1.0
#: At most this many of a section's deviations are frames (14 frames would crowd out the rest).
MAX_FRAME_DEVIATIONS = 2
#: Sentences / terms of evidence kept per deviation.
EVIDENCE_K = 2
TERMS_K = 4
#: Stance deviations need this many mentions in the section (one mention is an anecdote).
MIN_MENTIONS = 2
#: Frame probabilities are clipped to [CLIP, 1 - CLIP] before the logit: a frame that is near zero
#: everywhere (1e-4 vs 1e-3) must not look distinctive, nor one saturated near 1 everywhere.
FRAME_CLIP = 0.02
#: Smallest spread per metric kind (scale units): sentiment and bias in [-1, 1] / [0, 1] score
#: units, loaded density in terms per 100 words, frames in logits, stance in score units;
#: ``frame_probability`` is the frame claims' smallest difference, in the units they compare (a
#: sentence's probability for the frame, ``_units``): a tenth of the sentences' weight.
FLOOR = {"sentiment": 0.05, "loaded": 0.5, "bias": 0.05, "frame": 0.5, "stance": 0.1,
         "frame_probability": 0.1}
#: How findings refer to the untitled section before the first heading.
OPENING = "the untitled opening section"
#: Frame findings ("the most Economic section"), one per section, strongest first.
FRAME_FINDINGS = 4
#: A frame deviation counts only where the frame is present somewhere: the section or the rest
#: reaches this probability.
FRAME_PRESENT = 0.2
SNIPPET = 90  # characters of a quoted evidence sentence in a finding


# ----------------------------------------------------------------------------- report access
def _heading(sec: dict[str, Any]) -> str | None:
    return sec.get("heading") or None


def section_name(sec: dict[str, Any]) -> str:
    """How a finding names a section: its heading in curly quotes, or the opening section."""
    h = _heading(sec)
    return f"“{h}”" if h else OPENING


def _words(text: str) -> int:
    return word_weight(text)  # the one weighting rule (report.weighting)


def _sentences(sec: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    for p in sec.get("paragraphs", []):
        for s in p.get("sentences", []):
            yield p["index"], s


def _score(d: Any) -> float | None:
    if isinstance(d, dict) and isinstance(d.get("score"), int | float):
        return float(d["score"])
    if isinstance(d, int | float) and not isinstance(d, bool):
        return float(d)
    return None


def _loaded_spans(sentence: dict[str, Any]) -> list[dict[str, Any]]:
    spans = sentence.get("loaded_terms")
    if not isinstance(spans, list):
        return []
    return [s for s in spans if isinstance(s, dict) and s.get("category") in LOADED_CATEGORIES]


def loaded_of(unit: dict[str, Any]) -> tuple[int, float, list[str]]:
    """(loaded terms, per 100 words, top terms) of a paragraph/section/article as report.aggregate
    computed them (``loaded_summary`` / ``loaded_density``): one definition of density."""
    summ = unit.get("loaded_summary") or {}
    top = [str(t.get("text", "")) for t in summ.get("top_terms", []) if isinstance(t, dict)]
    return int(summ.get("count", 0)), float(unit.get("loaded_density") or 0.0), top


def _has(report: Report, key: str) -> bool:
    """Whether a scorer's key is present at sentence level anywhere in the report."""
    return any(key in s for sec in report.get("sections", []) for _, s in _sentences(sec))


def _snippet(text: str, n: int = SNIPPET) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _wmean(pairs: Sequence[tuple[float, float]]) -> float | None:
    tot = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / tot if tot > 0 else None


def _wstd(pairs: Sequence[tuple[float, float]]) -> float:
    m = _wmean(pairs)
    if m is None or len(pairs) < 2:
        return 0.0
    tot = sum(w for _, w in pairs)
    return math.sqrt(sum(w * (v - m) ** 2 for v, w in pairs) / tot)


def top_targets(report: Report, k: int = TOP_TARGETS) -> list[str]:
    """The article's top targets with a stance: by prominence (``targets``), else by mentions."""
    names: list[str] = []
    for t in report.get("targets") or []:
        st = t.get("stance") if isinstance(t, dict) else None
        if isinstance(st, dict) and st.get("mentions"):
            names.append(str(t["name"]))
    if not names:
        for d in (report.get("summary") or {}).get("stance") or []:
            if isinstance(d, dict) and d.get("mentions"):
                names.append(str(d["target"]))
    return names[:k]


def _stance_by_target(unit: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for d in unit.get("stance") or []:
        if isinstance(d, dict) and "target" in d:
            out[str(d["target"])] = d
    return out


def dominant_frames(frames: Any, k: int = TOP_FRAMES) -> list[dict[str, Any]]:
    """A unit's k dominant frames as the report ranks them (``frames.ranked``, written by
    ``report.frames.rank``, the one dominant-frame rule): labels first, by margin."""
    if not isinstance(frames, dict) or not frames.get("scores"):
        return []
    return [{"frame": d["frame"], "score": float(d["score"]), "label": bool(d["label"])}
            for d in (frames.get("ranked") or [])[:k]]


# ----------------------------------------------------------------------------- per section
def _stance_vs_rest(report: Report, rows: list[dict[str, Any]], targets: Sequence[str]) -> None:
    """Each row's stance entries gain ``rest``: the author-voice stance toward the target in the
    rest of the article (mean over the other sections' sentences that mention it, the units of
    ``_claim``), so a section's stance reads relative to the article. Linear (totals minus own)."""
    for k, t in enumerate(targets):
        units = _units(report, "stance", t)
        sums = [(sum(v for v, _, _, _ in us), len(us)) for us in units]
        tot, n = sum(a for a, _ in sums), sum(b for _, b in sums)
        for row, (a, b) in zip(rows, sums, strict=True):
            if "stance" in row and k < len(row["stance"]):
                row["stance"][k]["rest"] = (tot - a) / (n - b) if n - b > 0 else None
                row["stance"][k]["sentences"] = b  # the author's sentences naming it (claim units)


def _rank_frames(secs: Sequence[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    """Each row's ``frames``: the section's frames relative to the rest of the article
    (``framing.report.frames.section_frames``), when the article has more than one section."""
    if len(secs) < 2 or not all(isinstance(s.get("frames"), dict) and s["frames"].get("scores") for s in secs):
        return
    from .frames import rest_scores, section_frames

    units = [s["frames"] for s in secs]
    rests = rest_scores(units, [float(r["words"]) for r in rows])
    for i, row in enumerate(rows):
        row["frames"] = section_frames(units[i], rests[i], TOP_FRAMES)


def _section_row(
    sec: dict[str, Any], targets: Sequence[str], has_loaded: bool, has_bias: bool
) -> dict[str, Any]:
    sents = list(_sentences(sec))
    words = sum(_words(s.get("text", "")) for _, s in sents)
    pids = [p["index"] for p in sec.get("paragraphs", [])]
    row: dict[str, Any] = {
        "index": sec["index"],
        "heading": _heading(sec),
        "paragraphs": [min(pids), max(pids)] if pids else [],  # first, last (0-based)
        "words": words,
        "sentiment": _score(sec.get("sentiment")),  # [-1, 1] word-weighted mean
    }
    if targets:
        by = _stance_by_target(sec)
        row["stance"] = [
            {
                "target": t,
                "score": _score(by[t]),
                "label": by[t].get("label"),
                "mentions": int(by[t].get("mentions", 0)),
                "author": _score(by[t].get("author"))
                if (by[t].get("author") or {}).get("mentions")
                else None,
            }
            if t in by and by[t].get("mentions")
            else {"target": t, "score": None, "label": None, "mentions": 0, "author": None}
            for t in targets
        ]
    if has_loaded:
        n, density, top = loaded_of(sec)
        row["loaded_terms"] = n
        row["loaded_per_100_words"] = density
        row["top_loaded_terms"] = top[:TERMS_K]
    if has_bias:
        b = _score(sec.get("bias"))
        if b is None:  # no aggregated bias: word-weighted mean of sentence P(biased)
            b = _wmean(
                [(v, _words(s.get("text", ""))) for _, s in sents if (v := _score(s.get("bias"))) is not None]
            )
        row["bias"] = b  # [0, 1]
    if isinstance(sec.get("frames"), dict):
        row["frames"] = dominant_frames(sec["frames"])
    return row


def _metrics(report: Report, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every metric the deviation rule compares: key, kind, per-section (value, weight)."""
    secs = report["sections"]
    out: list[dict[str, Any]] = []

    def add(key: str, kind: str, label: str, vals: list[tuple[float | None, float]]) -> None:
        out.append({"key": key, "kind": kind, "label": label, "values": vals})

    add("sentiment", "sentiment", "sentiment", [(r["sentiment"], r["words"]) for r in rows])
    if rows and "loaded_per_100_words" in rows[0]:
        add(
            "loaded",
            "loaded",
            "loaded terms per 100 words",
            [(r["loaded_per_100_words"], r["words"]) for r in rows],
        )
    if rows and "bias" in rows[0]:
        add("bias", "bias", "bias", [(r["bias"], r["words"]) for r in rows])
    frames = sorted({f for s in secs for f in ((s.get("frames") or {}).get("scores") or {})})
    for f in frames:
        add(
            f"frame:{f}",
            "frame",
            frame_name(f),
            [
                (
                    logit(v, FRAME_CLIP)
                    # robust score (strongest sentence left out) where the scorer gives it
                    if (v := ((s.get("frames") or {}).get("robust")
                              or (s.get("frames") or {}).get("scores") or {}).get(f)) is not None
                    else None,
                    r["words"],
                )
                for s, r in zip(secs, rows, strict=True)
            ],
        )
    for i, t in enumerate(rows[0].get("stance", []) if rows else []):
        name = t["target"]
        add(
            f"stance:{name}",
            "stance",
            f"stance toward {name}",
            [(r["stance"][i]["score"], r["stance"][i]["mentions"]) for r in rows],
        )
        out[-1]["units"] = [r["stance"][i].get("sentences", MIN_UNITS) for r in rows]
    return out


def _display(metric: dict[str, Any], v: float) -> float:
    """Frames are compared in logits but shown as probabilities."""
    return 1 / (1 + math.exp(-v)) if metric["kind"] == "frame" else v


@dataclass(frozen=True, slots=True)
class _Totals:
    """One metric's sums over every section with a value and a positive weight, so that the
    "rest of the article" of any one section is the totals less that section: O(1) per
    section instead of a pass over all the others (a 2,000-section article would otherwise
    compare every section with every other). Sums are ``math.fsum`` (correctly rounded) and
    squares are taken about the overall mean (``center``), so the leave-one-out mean and spread
    agree with a direct pass over the other sections to a few units in the last place."""

    count: int
    w: float  # sum of weights
    wv: float  # sum of w * (v - center)
    wvv: float  # sum of w * (v - center) ** 2
    wd: float  # sum of w * display(v) (frames: the mean probability shown as "rest")
    center: float


def _totals(metric: dict[str, Any]) -> _Totals:
    t = metric.get("_totals")
    if t is None:
        used = [(v, w) for v, w in metric["values"] if v is not None and w > 0]
        w_all = math.fsum(w for _, w in used)
        c = math.fsum(v * w for v, w in used) / w_all if w_all > 0 else 0.0
        t = metric["_totals"] = _Totals(
            len(used), w_all, math.fsum(w * (v - c) for v, w in used),
            math.fsum(w * (v - c) ** 2 for v, w in used),
            math.fsum(w * _display(metric, v) for v, w in used), c)
    return t


def _deviation(metric: dict[str, Any], s: int) -> dict[str, Any] | None:
    v, w = metric["values"][s]
    if v is None or w <= 0:
        return None
    if metric["kind"] == "stance" and (w < MIN_MENTIONS or metric["units"][s] < MIN_UNITS):
        return None  # too little to set a section apart: the claim rule's minimum (sentences)
    t = _totals(metric)  # the other sections = every used section less this one
    count, w_rest = t.count - 1, t.w - w
    if count < 1 or w_rest <= 0:
        return None
    d = v - t.center
    mean_c = (t.wv - w * d) / w_rest  # mean of the others, about the center
    rest = t.center + mean_c
    var = (t.wvv - w * d * d) / w_rest - mean_c * mean_c if count >= 2 else 0.0
    sd = max(math.sqrt(var) if var > 0 else 0.0, FLOOR[metric["kind"]])
    z = (v - rest) / sd
    # frames: rest shown as the mean probability elsewhere
    rest_shown = (t.wd - w * _display(metric, v)) / w_rest if metric["kind"] == "frame" else rest
    if metric["kind"] == "frame" and max(_display(metric, v), rest_shown) < FRAME_PRESENT:
        return None
    return {
        "metric": metric["key"],
        "label": metric["label"],
        "kind": metric["kind"],
        "value": _display(metric, v),
        "rest": rest_shown,
        "z": z,
        "direction": "higher" if z > 0 else "lower",
    }


# ----------------------------------------------------------------------------- evidence
def _ev(pidx: int, s: dict[str, Any], value: float | None, terms: Sequence[str] = ()) -> dict[str, Any]:
    return {
        "paragraph": pidx,
        "start": s.get("start"),
        "end": s.get("end"),
        "text": s.get("text", ""),
        "value": value,
        "terms": list(terms),
    }


def _evidence(sec: dict[str, Any], dev: dict[str, Any]) -> list[dict[str, Any]]:
    """The sentences (and words) of ``sec`` that drive deviation ``dev``."""
    sign = 1.0 if dev["direction"] == "higher" else -1.0
    sents = list(_sentences(sec))
    kind, key = dev["kind"], dev["metric"]
    if kind == "sentiment":
        cand = [
            (
                sign * v,
                p,
                s,
                v,
                [
                    str(e.get("text"))
                    for e in (s.get("sentiment") or {}).get("evidence", [])
                    if isinstance(e, dict)
                ],
            )
            for p, s in sents
            if (v := _score(s.get("sentiment"))) is not None
        ]
    elif kind == "loaded":
        cand = []
        for p, s in sents:
            spans = _loaded_spans(s)
            if sign > 0 and not spans:
                continue
            cand.append(
                (
                    sign * len(spans) / _words(s.get("text", "")),
                    p,
                    s,
                    float(len(spans)),
                    [str(sp.get("text")) for sp in spans],
                )
            )
    elif kind == "bias":
        cand = [(sign * v, p, s, v, []) for p, s in sents if (v := _score(s.get("bias"))) is not None]
    elif kind == "frame":
        frame = key.split(":", 1)[1]
        cand = [
            (sign * float(v), p, s, float(v), [])
            for p, s in sents
            if isinstance(s.get("frames"), dict) and (v := s["frames"].get(frame)) is not None
        ]
        if not cand:  # sentence JSON lists only a sentence's top frames
            fr = sec.get("frames") or {}
            ev = fr.get("evidence") or {}
            # higher: the section's own evidence for the frame; lower: what it frames instead
            keys = [frame] if sign > 0 and frame in ev else [f for f in fr.get("labels") or [] if f in ev][:1]
            starts = {e.get("start") for k in keys for e in ev.get(k, [])}
            note = [] if sign > 0 else [f"instead: {frame_name(k)}" for k in keys]
            cand = [(0.0, p, s, None, note) for p, s in sents if s.get("start") in starts]
    elif kind == "stance":
        target = key.split(":", 1)[1]
        cand = []
        for p, s in sents:
            d = _stance_by_target({"stance": s.get("stance")}).get(target)
            for m in (d or {}).get("spans", []) or []:
                if isinstance(m, dict) and _score(m) is not None:
                    words = [f"{m.get('text')}"] + [str(x) for x in m.get("evidence", []) or []]
                    cand.append((sign * float(m["score"]), p, s, float(m["score"]), words))
            if d is not None and not d.get("spans") and _score(d) is not None:
                cand.append((sign * float(d["score"]), p, s, float(d["score"]), []))
    else:
        cand = []
    cand.sort(key=lambda c: (-c[0], c[2].get("start", 0)))
    out, seen = [], set()
    for _, p, s, v, terms in cand:
        if s.get("start") in seen:
            continue
        seen.add(s.get("start"))
        out.append(_ev(p, s, v, terms))
        if len(out) == EVIDENCE_K:
            break
    return out


# ----------------------------------------------------------------------------- arc
def _arc(report: Report, targets: Sequence[str], has_loaded: bool, has_bias: bool) -> list[dict[str, Any]]:
    points = []
    for sec in report.get("sections", []):
        for p in sec.get("paragraphs", []):
            pt: dict[str, Any] = {
                "paragraph": p["index"],
                "section": sec["index"],
                "sentiment": _score(p.get("sentiment")),
            }
            if targets:
                by = _stance_by_target(p)
                pt["stance"] = {
                    t: _score(by[t]) if t in by and by[t].get("mentions") else None for t in targets
                }
            if has_loaded:
                pt["loaded_per_100_words"] = loaded_of(p)[1]
            if has_bias:
                b = _score(p.get("bias"))
                if b is None:
                    b = _wmean(
                        [
                            (v, _words(s.get("text", "")))
                            for s in p.get("sentences", [])
                            if (v := _score(s.get("bias"))) is not None
                        ]
                    )
                pt["bias"] = b
            points.append(pt)
    return points


# ----------------------------------------------------------------------------- findings
def _quote_terms(terms: Sequence[str], k: int = 3) -> str:
    seen = list(dict.fromkeys(t for t in terms if t))[:k]
    return ", ".join(f"“{t}”" for t in seen)


# ----------------------------------------------------------------------------- the claim rule
#: A "most/least" claim needs, in the section and in the rest of the article, at least this many
#: units (sentences), a difference from the rest of at least FLOOR[kind], and
#: a difference beyond the noise of the scores: its standardized difference (difference over its
#: standard error) must beat what the most extreme section reaches by chance, at level
#: CLAIM_ALPHA, over CLAIM_PERMUTATIONS shuffles of the units among the sections (a max-statistic
#: permutation test: the claim names the extreme section out of many, so the bar is the chance
#: extreme, not one pre-chosen section's). One rule (``_claim``) decides every such claim.
MIN_UNITS = 3
CLAIM_ALPHA = 0.05  # one-sided: a "most" claim has a direction
CLAIM_PERMUTATIONS = 999
#: The permutations are drawn from a fixed seed: one article gives one report.
CLAIM_SEED = 13
#: The arc compares two stretches fixed in advance (the opening and the close), one test: one-sided 95 %.
ARC_Z = 1.645
#: A section's frame claim is ``_claim``'s on the sentences' probabilities for the frame, and the
#: section it names must rank the frame among its top SECTION_FRAME_CLAIM frames
#: (``framing.report.frames.section_frames``, the ranking the section view shows) with its robust
#: score (strongest sentence left out) at or above the frame's threshold: the frame is there.
SECTION_FRAME_CLAIM = 2
#: A stance claim needs the section itself to lean that way by at least this much (score units).
STANCE_LEANING = 0.1


def _wstats(units: Sequence[tuple[float, float]]) -> tuple[float, float, float] | None:
    """(weighted mean, standard error, effective n) of (value, weight) units."""
    tot = sum(w for _, w in units)
    if tot <= 0:
        return None
    m = sum(v * w for v, w in units) / tot
    n_eff = tot**2 / sum(w * w for _, w in units)
    var = sum(w * (v - m) ** 2 for v, w in units) / tot
    var *= n_eff / (n_eff - 1) if n_eff > 1 else 1.0
    return m, math.sqrt(var / n_eff), n_eff


def _author_score(span: dict[str, Any]) -> float | None:
    """A stance span's share of the author's stance: its ``author_score`` (the article rule's
    reading of that mention, ``framing.report.stance.author_score``; a section's mean of them is the
    section's stance), or for a report written without the rule its score with harm suffered
    not read as stance against the sufferer (``effective_score``)."""
    from .stance import effective_score

    v = span.get("author_score")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    s = _score(span)
    return None if s is None else effective_score(s, span.get("role"))


def _units(report: Report, kind: str, target: str | None = None) -> list[list[tuple[float, float, int, dict[str, Any]]]]:
    """Per section, the units a claim about ``kind`` rests on: (value, weight, paragraph, sentence).

    ``target`` is the stance target, or for ``kind="frame"`` the frame: a sentence's unit is its
    probability for the frame (``frame_scores``, every frame; 1.5), weighing its words. The
    probability, not its logit: the head's sentence probabilities spread over [0, 1], and the mean
    is the share of the section's words that carry the frame; a logit would make 0.001 against
    0.05 (no difference a reader sees) weigh as much as 0.3 against 0.7, the reason the section
    ranking (``report.frames.section_key``) compares probabilities too."""
    out = []
    for sec in report.get("sections", []):
        us: list[tuple[float, float, int, dict[str, Any]]] = []
        for p, s in _sentences(sec):
            w = float(_words(s.get("text", "")))
            if kind in ("sentiment", "bias") and (v := _score(s.get(kind))) is not None:
                us.append((v, w, p, s))
            elif kind == "loaded" and isinstance(s.get("loaded_terms"), list):
                us.append((100.0 * len(_loaded_spans(s)) / w, w, p, s))
            elif kind == "stance":  # author's voice: a sentence is one unit weighing its mentions
                d = _stance_by_target({"stance": s.get("stance")}).get(str(target))
                vs = [v for m in (d or {}).get("spans", []) or []
                      if isinstance(m, dict) and not m.get("quoted") and (v := _author_score(m)) is not None]
                if vs:
                    us.append((sum(vs) / len(vs), float(len(vs)), p, s))
            elif (kind == "frame" and isinstance(fs := s.get("frame_scores"), dict)
                  and (v := _score(fs.get(str(target)))) is not None):
                us.append((v, w, p, s))
        out.append(us)
    return out


def _standardized(v: np.ndarray, w: np.ndarray, groups: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per permutation row of ``groups`` ([b, n] section of each unit), per section: the weighted
    mean's difference from the rest of the article over its standard error (``_wstats`` for each
    side, vectorised), and whether both sides have MIN_UNITS units. Returns ([b, k], [b, k])."""
    b, n = groups.shape
    idx = (groups + k * np.arange(b)[:, None]).ravel()

    def sums(x: np.ndarray) -> np.ndarray:
        return np.bincount(idx, weights=np.broadcast_to(x, (b, n)).ravel(), minlength=b * k).reshape(b, k)

    cnt = sums(np.ones(n))
    sw, swv, sw2, swv2 = sums(w), sums(w * v), sums(w * w), sums(w * v * v)
    out = []
    for W, WV, W2, WV2 in ((sw, swv, sw2, swv2),
                           (w.sum() - sw, (w * v).sum() - swv, (w * w).sum() - sw2, (w * v * v).sum() - swv2)):
        with np.errstate(invalid="ignore", divide="ignore"):
            m = WV / W
            n_eff = W * W / W2
            var = np.maximum(WV2 / W - m * m, 0.0)
            var = np.where(n_eff > 1, var * n_eff / (n_eff - 1), var)
            out.append((m, var / n_eff))
    (m, v1), (r, v2) = out
    ok = (cnt >= MIN_UNITS) & (len(v) - cnt >= MIN_UNITS)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (m - r) / np.sqrt(v1 + v2)
    t = np.where(ok, np.nan_to_num(t, nan=0.0, posinf=1e9, neginf=-1e9), np.nan)
    return t, ok


@lru_cache(maxsize=4)
def _shuffles(sizes: tuple[int, ...]) -> np.ndarray:
    """The section of each unit ([n], units in section order) and below it the CLAIM_PERMUTATIONS
    seeded shuffles of it ([1 + CLAIM_PERMUTATIONS, n], read-only): the same for every claim whose
    sections have these unit counts (sentiment, bias, loaded terms and the 14 frames share them).
    ``profile`` clears the cache when it returns: an article's shuffles are not kept after it."""
    g = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
    perms = np.random.default_rng(CLAIM_SEED).permuted(np.tile(g, (CLAIM_PERMUTATIONS, 1)), axis=1)
    out = np.vstack([g, perms])
    out.flags.writeable = False
    return out


def _standardized_and_chance(units: list[list[tuple[float, float, int, dict[str, Any]]]],
                             sign: float) -> tuple[np.ndarray, np.ndarray]:
    """(each section's standardized difference from the rest, [k]; the most extreme one over the
    eligible sections, times ``sign``, in each of CLAIM_PERMUTATIONS seeded shuffles of the units
    among the sections, [CLAIM_PERMUTATIONS]): one computation (``_standardized``) for both."""
    v = np.array([u[0] for us in units for u in us], np.float64)
    w = np.array([u[1] for us in units for u in us], np.float64)
    t, ok = _standardized(v, w, _shuffles(tuple(len(us) for us in units)), len(units))
    chance = np.where(ok[1:].any(1), np.nanmax(np.where(ok[1:], sign * t[1:], -np.inf), axis=1), -np.inf)
    return t[0], chance


def _claim(units: list[list[tuple[float, float, int, dict[str, Any]]]], kind: str,
           direction: str, named: Callable[[int], bool] | None = None) -> dict[str, Any] | None:
    """THE rule for "most"/"least" claims: the section with the highest (``direction="higher"``)
    or lowest mean, if its difference from the rest of the article is clear.

    Clear: the section and the rest each have MIN_UNITS units, ``|mean - rest| >= FLOOR[kind]``,
    and the difference in standard errors (of the difference of two weighted means, effective
    sample sizes from the weights) is reached by the most extreme section in under CLAIM_ALPHA of
    the shuffles of the units among the sections (``_standardized_and_chance``): picking the extreme of
    eight sections finds a "difference" in noise alone, and a one-section test at 95 % would
    state it. The extreme section is the only candidate, so "most X" and "least X" can never name
    the same section, and two claims about one metric can never disagree. ``named(section)``,
    where given, is what else the extreme section must be for the claim to be stated (frames: the
    frame is among the ones its section view shows); checked before the shuffles.
    """
    stats = [(_wstats([(v, w) for v, w, _, _ in us]) if len(us) >= MIN_UNITS else None) for us in units]
    eligible = [(st[0], i) for i, st in enumerate(stats) if st is not None]
    if len(eligible) < 2:
        return None
    sign = 1.0 if direction == "higher" else -1.0
    _, i = max(eligible, key=lambda t: (sign * t[0], -t[1]))
    if named is not None and not named(i):
        return None
    rest_units = [(v, w) for j, us in enumerate(units) if j != i for v, w, _, _ in us]
    if len(rest_units) < MIN_UNITS:
        return None
    mean, se, _ = stats[i]  # type: ignore[misc]
    rest, rse, _ = _wstats(rest_units)  # type: ignore[misc]
    diff = mean - rest
    se_d = math.sqrt(se**2 + rse**2)
    if sign * diff <= 0 or abs(diff) < FLOOR[kind]:
        return None
    observed, chance = _standardized_and_chance(units, sign)
    z = sign * float(observed[i])
    p = (1 + int(np.sum(chance >= z - 1e-9))) / (1 + len(chance))
    if p >= CLAIM_ALPHA:
        return None
    ev = sorted(units[i], key=lambda u: (-sign * u[0], u[3].get("start", 0)))
    seen: set[Any] = set()
    evidence = []
    for v, _, p_, s in ev:
        if s.get("start") in seen:
            continue
        seen.add(s.get("start"))
        evidence.append(_ev(p_, s, v))
        if len(evidence) == EVIDENCE_K:
            break
    return {"section": i, "value": mean, "rest": rest, "se": se_d, "n": len(units[i]),
            "direction": direction, "p": p, "evidence": evidence}


def _frame_claims(report: Report, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """"X is the most F section": per frame, ``_claim`` on the sentences' probabilities for F
    (``_units``), naming the section only where its section view shows F (among its first
    SECTION_FRAME_CLAIM frames, ``report.frames.section_frames``) with F's robust score at its
    threshold. One claim per section (a section picked by two frames keeps the one with the
    smaller p, then the larger standardized difference), FRAME_FINDINGS at most."""
    from ..scorers.frames import pooling

    th = pooling()["thresholds"]

    def shown(f: str) -> Callable[[int], bool]:
        def named(i: int) -> bool:
            top = (rows[i].get("frames") or [])[:SECTION_FRAME_CLAIM]
            return any(d["frame"] == f and d.get("robust") is not None and d["robust"] >= th.get(f, 0.5)
                       for d in top)
        return named

    cands = [{**c, "frame": f} for f in FRAMES
             if (c := _claim(_units(report, "frame", f), "frame_probability", "higher", shown(f)))]
    cands.sort(key=lambda c: (c["p"], -(c["value"] - c["rest"]) / max(c["se"], 1e-12), c["section"]))
    out, used = [], set()
    for c in cands:
        if c["section"] in used or len(out) == FRAME_FINDINGS:
            continue
        used.add(c["section"])
        out.append(c)
    return out


def _eg(evidence: Sequence[dict[str, Any]]) -> str:
    return f"; e.g. “{_snippet(evidence[0]['text'])}”" if evidence else ""


def _findings(
    report: Report,
    rows: list[dict[str, Any]],
    metrics: list[dict[str, Any]],
    devs: list[list[dict[str, Any]]],
    arc: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Findings as ``{"text", "kind", "metric", "section", "direction", "evidence"}``; every
    most/least claim comes from ``_claim`` (frames too, on the sentences' probabilities) and names
    the sentences it rests on (article char offsets)."""
    secs = report["sections"]
    out: list[dict[str, Any]] = []
    if len(rows) < 2:
        return out
    by_metric = {m["key"] for m in metrics}

    def add(text: str, kind: str, metric: str, section: int | None, direction: str | None,
            evidence: Sequence[dict[str, Any]], claim: dict[str, Any] | None = None) -> None:
        d = {"text": text, "kind": kind, "metric": metric, "section": section, "direction": direction,
             "evidence": [{"start": e["start"], "end": e["end"], "text": e["text"]} for e in evidence]}
        if claim is not None:  # a "most" claim of ``_claim``: its numbers and its chance level (1.4)
            d.update({"value": round(claim["value"], 4), "rest": round(claim["rest"], 4),
                      "sentences": claim["n"], "p": round(claim["p"], 4)})
        out.append(d)

    # Loaded language: the most loaded section; sections with none at all.
    if "loaded" in by_metric:
        c = _claim(_units(report, "loaded"), "loaded", "higher")
        if c:
            i = c["section"]
            terms = _quote_terms(rows[i]["top_loaded_terms"])
            ev = [e for e in c["evidence"] if e["value"]]
            add(f"{_cap(section_name(secs[i]))} is the most loaded section ({rows[i]['loaded_per_100_words']:.1f} "
                f"loaded terms per 100 words vs {c['rest']:.1f} elsewhere" + (f": {terms})" if terms else ")"),
                "loaded", "loaded", i, "higher", ev, c)
        zero = [i for i, r in enumerate(rows) if r["loaded_terms"] == 0 and len(list(_sentences(secs[i]))) >= MIN_UNITS]
        total = sum(r["loaded_terms"] for r in rows)
        if len(zero) >= 2 and total:
            overall = 100.0 * total / max(sum(r["words"] for r in rows), 1)
            add(f"{_cap(_join([section_name(secs[i]) for i in zero]))} have no loaded terms at all; the article "
                f"as a whole has {overall:.1f} per 100 words", "loaded", "loaded", None, "lower", [])
    # Frames: the section whose sentences carry a frame most.
    for c in _frame_claims(report, rows):
        i, f = c["section"], c["frame"]
        add(f"{_cap(section_name(secs[i]))} is the most {frame_name(f)} section (its sentences score "
            f"{c['value']:.2f} on the frame vs {c['rest']:.2f} elsewhere{_eg(c['evidence'])})",
            "frame", f"frame:{f}", i, "higher", c["evidence"], c)
    # Sentiment: the most negative and most positive sections.
    for word, direction in (("negative", "lower"), ("positive", "higher")):
        c = _claim(_units(report, "sentiment"), "sentiment", direction)
        if c:
            i = c["section"]
            if (c["value"] < 0) == (direction == "higher"):  # a negative section is not "most positive"
                word = "least negative" if direction == "higher" else "least positive"
            else:
                word = f"most {word}"
            add(f"{_cap(section_name(secs[i]))} is the {word} section (sentiment {c['value']:+.2f} vs "
                f"{c['rest']:+.2f} elsewhere{_eg(c['evidence'])})", "sentiment", "sentiment", i, direction,
                c["evidence"], c)
    # Bias: the section with the highest mean P(biased).
    if "bias" in by_metric:
        c = _claim(_units(report, "bias"), "bias", "higher")
        if c:
            i = c["section"]
            add(f"{_cap(section_name(secs[i]))} reads as the most biased section (bias {c['value']:.2f} vs "
                f"{c['rest']:.2f} elsewhere{_eg(c['evidence'])})", "bias", "bias", i, "higher", c["evidence"], c)
    # Stance, author's voice: per top target, the most favourable / most hostile section.
    for m in metrics:
        if m["kind"] != "stance":
            continue
        target = m["key"].split(":", 1)[1]
        units = _units(report, "stance", target)
        for how, direction in (("most favourable to", "higher"), ("most hostile toward", "lower")):
            c = _claim(units, "stance", direction)
            if not c or (c["value"] if direction == "higher" else -c["value"]) < STANCE_LEANING:
                continue  # "most hostile" of a section that is not hostile at all says nothing
            i = c["section"]
            add(f"{_cap(section_name(secs[i]))} is the {how} {target} in the author's voice (stance "
                f"{c['value']:+.2f} over {c['n']} sentences vs {c['rest']:+.2f} elsewhere{_eg(c['evidence'])})",
                "stance", m["key"], i, direction, c["evidence"], c)
    # Arc: how sentiment moves from the opening to the close.
    pts = [(p["sentiment"], p["section"]) for p in arc if p.get("sentiment") is not None]
    if len(pts) >= 6:
        k = max(2, len(pts) // 4)
        a = [v for v, _ in pts[:k]]
        b = [v for v, _ in pts[-k:]]
        sa, sb = _wstats([(v, 1.0) for v in a]), _wstats([(v, 1.0) for v in b])
        ma, mb = sa[0], sb[0]  # type: ignore[index]
        se = math.sqrt(sa[1] ** 2 + sb[1] ** 2)  # type: ignore[index]
        where = (f"{ma:+.2f} over the first {k} paragraphs ({section_name(secs[pts[0][1]])}) and {mb:+.2f} "
                 f"over the last {k} ({section_name(secs[pts[-1][1]])})")
        if abs(ma - mb) >= max(FLOOR["sentiment"], ARC_Z * se):
            add(f"Sentiment turns {'more negative' if mb < ma else 'more positive'} through the article: {where}",
                "arc", "sentiment", None, "lower" if mb < ma else "higher", [])
    return out


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


# ----------------------------------------------------------------------------- public API
def profile(report: Report) -> dict[str, Any]:
    """The section profiles of one aggregated report (the report's ``"comparison"`` key).

    Args:
        report: a report dict as written by ``framing.report.build.to_dict`` (sections with
            paragraphs and sentences, scorer keys at every level; ``targets`` when stance ran).

    Returns:
        ``{"targets", "metrics", "sections": [...], "arc": [...], "findings": [...]}``; see the
        module docstring. Floats are unrounded (the JSON renderer rounds them).
    """
    secs = report.get("sections") or []
    targets = top_targets(report)
    has_loaded, has_bias = _has(report, "loaded_terms"), _has(report, "bias")
    rows = [_section_row(s, targets, has_loaded, has_bias) for s in secs]
    _rank_frames(secs, rows)
    _stance_vs_rest(report, rows, targets)
    metrics = _metrics(report, rows) if rows else []
    devs: list[list[dict[str, Any]]] = []
    for i, (sec, row) in enumerate(zip(secs, rows, strict=True)):
        ds = [d for m in metrics if (d := _deviation(m, i)) is not None and abs(d["z"]) >= MIN_Z]
        ds.sort(key=lambda d: (-abs(d["z"]), d["metric"]))
        kept: list[dict[str, Any]] = []
        for d in ds:
            if len(kept) == DEVIATIONS:
                break
            if d["kind"] == "frame" and sum(k["kind"] == "frame" for k in kept) == MAX_FRAME_DEVIATIONS:
                continue  # leave room for sentiment, loaded language, bias and stance
            kept.append({**d, "evidence": _evidence(sec, d)})
        row["distinctive"] = kept
        devs.append(kept)
    arc = _arc(report, targets, has_loaded, has_bias)
    try:
        findings = _findings(report, rows, metrics, devs, arc)
    finally:
        _shuffles.cache_clear()
    return {
        "targets": targets,
        "metrics": [m["key"] for m in metrics],
        "sections": rows,
        "arc": arc,
        "findings": [f["text"] for f in findings],
        "findings_detail": findings,
    }


__all__ = [
    "dominant_frames",
    "frame_name",
    "profile",
    "section_name",
    "top_targets",
]
