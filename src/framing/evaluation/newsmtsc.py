"""NewsMTSC target stance as a user gets it: ``framing batch`` records with the targets given.

Each dev sentence becomes a record ``{"id", "text", "targets": {MENTION: []}}`` (the annotated
mention's surface form is the target's name, as a user would type it), and the label is read
from the report's ``targets[].stance.label`` for that name (against / neutral / favor vs the
gold 2.0 / 4.0 / 6.0). A target the report does not list, or lists with no mention found, reads
as the label the report gives it (neutral when absent): that is what the user sees.

Both published dev files (rw, mt) are split in two halves by the sentence id; the ``tune`` half
is where decision rules may be chosen, the ``report`` half is the figure to quote. The stance
head's C was chosen on the whole of both files (models/stance.v1/card.md), so neither half is
untouched by model selection: these are dev figures.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ..train.features import data_dir
from ._cli import half, macro_f1, reports

GOLD = {2.0: "against", 4.0: "neutral", 6.0: "favor"}
LABELS = ("against", "neutral", "favor")
FILES = {"rw": "newsmtsc_rw_dev.jsonl", "mt": "newsmtsc_mt_dev.jsonl"}


def _name(mention: str) -> str:
    return mention.strip(" \"'“”‘’•·-–—")


def records(split: str) -> list[tuple[dict[str, Any], list[tuple[str, str]]]]:
    """(record, [(target name, gold label), ...]) per dev sentence."""
    out = []
    path = data_dir() / "stance" / FILES[split]
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        gold: dict[str, str] = {}
        for t in d["targets"]:
            name = _name(t["mention"]) or t["mention"]
            gold.setdefault(name, GOLD[float(t["polarity"])])  # a name twice in one sentence: first wins
        rec = {"id": d["primary_gid"], "text": d["sentence_normalized"], "targets": {n: [] for n in gold}}
        out.append((rec, list(gold.items())))
    return out


def evaluate_split(split: str) -> dict[str, Any]:
    data = records(split)
    rows: dict[str, list[tuple[str, str]]] = {"tune": [], "report": []}
    found = Counter()
    for (rec, gold), rep in zip(data, reports((r for r, _ in data), scorers=("stance",)), strict=True):
        by_name = {t["name"]: t for t in rep.get("targets", [])} if "error" not in rep else {}
        for name, g in gold:
            t = by_name.get(name)
            found["mentioned" if t and t.get("mentions") else "not_found"] += 1
            label = t["stance"]["label"] if t else "neutral"
            rows[half(rec["id"])].append((g, label))
    out: dict[str, Any] = {}
    for part, pairs in rows.items():
        if pairs:
            gold_l, pred_l = zip(*pairs, strict=True)
            out[f"{part}_macro_f1"] = round(macro_f1(gold_l, pred_l, LABELS), 4)
            out[f"{part}_n"] = len(pairs)
    allp = rows["tune"] + rows["report"]
    g_all, p_all = zip(*allp, strict=True)
    out["all_macro_f1"] = round(macro_f1(g_all, p_all, LABELS), 4)
    out["targets_not_found"] = found["not_found"]
    out["predicted"] = dict(Counter(p_all))
    return out


def run() -> dict[str, Any]:
    return {split: evaluate_split(split) for split in FILES}
