"""Whole-article data sets as a user gets them, through the ``framing batch`` code path.

* ``loaded_language``: SemEval-2023 subtask-3 dev articles (the trainer's split by article id,
  shared with PTC). Each article is one record; a gold paragraph (a line of the article file) is
  predicted positive when the report has a ``loaded`` or ``name_calling`` span inside that line
  (the spans a user reads in the paragraph's ``loaded_terms``). F1 of the positive class.
* ``frames``: SemEval-2023 frames dev articles (the trainer's split); micro-F1 of the article's
  ``summary.frames.labels`` against the gold frame set.

Title lines are the report's title, not a paragraph; they are left out and counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..train.features import data_dir
from ._cli import binary_f1, half, paragraphs, reports

#: span categories that count as Loaded_Language in a paragraph (as in the trainer's dev rule)
LOADED_LANGUAGE = ("loaded", "name_calling")


def _gold_paragraphs() -> dict[str, dict[int, bool]]:
    from ..train.lexicon import article_is_dev

    root = data_dir() / "propaganda"
    gold: dict[str, dict[int, bool]] = {}
    with open(root / "semeval2023_train_paragraph_labels.tsv", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not article_is_dev(parts[0]):
                continue
            techs = {t for t in (parts[2].split(",") if len(parts) > 2 else []) if t}
            gold.setdefault(parts[0], {})[int(parts[1])] = "Loaded_Language" in techs
    return gold


def _line_ranges(rep: dict[str, Any], lines: list[str]) -> dict[int, tuple[int, int] | None]:
    """Article-offset range of each non-empty line (1-based), found inside the report's paragraphs."""
    out: dict[int, tuple[int, int] | None] = {}
    paras = paragraphs(rep)
    j = 0
    for no, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text:
            continue
        out[no] = None
        for k in range(j, len(paras)):
            at = paras[k]["text"].find(text)
            if at >= 0:
                out[no] = (paras[k]["start"] + at, paras[k]["start"] + at + len(text))
                j = k
                break
    return out


def _spans(rep: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for p in paragraphs(rep):
        yield from p.get("loaded_terms", [])


def loaded_language() -> dict[str, Any]:
    root = data_dir() / "propaganda" / "semeval2023_train_articles"
    gold = _gold_paragraphs()
    ids = sorted(gold)
    texts = {a: (root / f"article{a}.txt").read_text(encoding="utf-8") for a in ids}
    recs = ({"id": a, "text": texts[a], "format": "txt"} for a in ids)
    rows: dict[str, list[tuple[bool, bool]]] = {"tune": [], "report": []}
    unmatched = 0
    for aid, rep in zip(ids, reports(recs, scorers=("loaded_terms",)), strict=True):
        if "error" in rep:
            unmatched += len(gold[aid])
            continue
        ranges = _line_ranges(rep, texts[aid].split("\n"))
        spans = [(s["start"], s["end"]) for s in _spans(rep) if s.get("category") in LOADED_LANGUAGE]
        for no, g in sorted(gold[aid].items()):
            r = ranges.get(no)
            if r is None:
                unmatched += 1
                continue
            pred = any(s < r[1] and e > r[0] for s, e in spans)
            rows[half(aid)].append((g, pred))
    out: dict[str, Any] = {"articles": len(ids), "unmatched_paragraphs": unmatched}
    for part in ("tune", "report", "all"):
        pairs = rows["tune"] + rows["report"] if part == "all" else rows[part]
        out[part] = binary_f1([g for g, _ in pairs], [p for _, p in pairs])
    return out


def frames() -> dict[str, Any]:
    from ..scorers.frames import FRAMES
    from ..train.frames import LABELS_FILE, is_dev

    root = data_dir()
    gold: dict[str, set[str]] = {}
    for line in (root / LABELS_FILE).read_text(encoding="utf-8").splitlines():
        aid, _, fr = line.partition("\t")
        if line.strip() and is_dev(aid.strip()):
            gold[aid.strip()] = {f.strip() for f in fr.split(",") if f.strip()}
    ids = sorted(gold)
    recs = ({"id": a, "text": (root / "frames" / "articles" / f"article{a}.txt").read_text(encoding="utf-8"),
             "format": "txt"} for a in ids)
    counts = {"tune": [0, 0, 0], "report": [0, 0, 0]}  # tp, fp, fn
    failed = 0
    for aid, rep in zip(ids, reports(recs, scorers=("frames",)), strict=True):
        if "error" in rep:
            failed += 1
            pred: set[str] = set()
        else:
            pred = set(rep["summary"]["frames"]["labels"]) & set(FRAMES)
        c = counts[half(aid)]
        c[0] += len(pred & gold[aid])
        c[1] += len(pred - gold[aid])
        c[2] += len(gold[aid] - pred)
    out: dict[str, Any] = {"articles": len(ids), "failed": failed}
    for part in ("tune", "report", "all"):
        tp, fp, fn = ([a + b for a, b in zip(counts["tune"], counts["report"], strict=True)]
                      if part == "all" else counts[part])
        out[f"{part}_micro_f1"] = round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else 0.0
    return out


def run() -> dict[str, Any]:
    return {"loaded_language_semeval": loaded_language(), "frames_semeval": frames()}
