"""Sentence-level data sets as a user gets them: each sentence is an article of its own, run
through the ``framing batch`` code path, and the score is read from its paragraph's output.

* ``sentiment``: NYT editorial dev sentences (the trainer's split by editorial), Pearson r of the
  paragraph's ``sentiment.score`` with the human mean rating, and 3-class macro-F1 of its label.
* ``bias``: BABE dev rows (the trainer's stratified split), macro-F1 of ``bias.score >= 0.5``.

The heads' own dev numbers (``python -m framing.train eval``) score the same sentences through the
head alone; a gap between the two is what segmentation and aggregation cost a user.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._cli import half, macro_f1, paragraphs, reports


def _first_paragraph(rep: dict[str, Any]) -> dict[str, Any] | None:
    if "error" in rep:
        return None
    paras = paragraphs(rep)
    return paras[0] if paras else None


def sentiment() -> dict[str, Any]:
    from ..scorers.sentiment import label_for
    from ..train.sentiment import GOLD_SCALE, is_dev, load_rows

    texts, y, groups = load_rows()
    rows = [(f"nyt:{i}", t, float(v), g) for i, (t, v, g) in enumerate(zip(texts, y, groups, strict=True)) if is_dev(g)]
    got: dict[str, list[tuple[float, float]]] = {"tune": [], "report": []}
    missing = 0
    recs = ({"id": rid, "text": t} for rid, t, _, _ in rows)
    for (_rid, _t, gold, group), rep in zip(rows, reports(recs, scorers=("sentiment",)), strict=True):
        para = _first_paragraph(rep)
        if para is None:
            missing += 1
            continue
        got[half(group)].append((gold, float(para["sentiment"]["score"])))
    out: dict[str, Any] = {"missing_paragraph": missing}
    for part in ("tune", "report", "all"):
        pairs = got["tune"] + got["report"] if part == "all" else got[part]
        g = np.array([a for a, _ in pairs])
        p = np.array([b for _, b in pairs])
        out[f"{part}_pearson_r"] = round(float(np.corrcoef(g, p)[0, 1]), 4)
        out[f"{part}_macro_f1"] = round(macro_f1([label_for(v / GOLD_SCALE) for v in g],
                                                 [label_for(float(v)) for v in p], ("negative", "neutral", "positive")), 4)
        out[f"{part}_n"] = len(pairs)
    return out


def bias() -> dict[str, Any]:
    from ..train.lexicon import babe_rows

    rows = [(f"babe:{i}", r) for i, r in enumerate(babe_rows()) if r.dev]
    got: dict[str, list[tuple[str, str]]] = {"tune": [], "report": []}
    missing = 0
    recs = ({"id": rid, "text": r.text} for rid, r in rows)
    for (rid, row), rep in zip(rows, reports(recs, scorers=("bias",)), strict=True):
        para = _first_paragraph(rep)
        if para is None:
            missing += 1
            continue
        pred = "biased" if float(para["bias"]["score"]) >= 0.5 else "non-biased"
        got[half(rid)].append(("biased" if row.biased else "non-biased", pred))
    out: dict[str, Any] = {"missing_paragraph": missing}
    for part in ("tune", "report", "all"):
        pairs = got["tune"] + got["report"] if part == "all" else got[part]
        out[f"{part}_macro_f1"] = round(macro_f1([a for a, _ in pairs], [b for _, b in pairs], ("biased", "non-biased")), 4)
        out[f"{part}_n"] = len(pairs)
    return out


def run() -> dict[str, Any]:
    return {"sentiment_nyt": sentiment(), "bias_babe": bias()}
