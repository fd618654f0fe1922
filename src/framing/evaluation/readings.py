"""``readings``: how many of a careful reader's readings of our own articles the report supports.

``tests/readings/*.md`` are short articles written for this check (no model was trained on
them), and ``tests/readings/readings.json`` holds, per article, the targets (name -> aliases, as
``--target`` takes them) and the readings a careful reader would expect, written before the
report was looked at. Each article goes through the CLI's code path (``load`` -> ``Pipeline``
-> ``Pipeline.analyze``, the report ``framing analyze`` prints); each reading is then checked
against that report:

* ``{"type": "against", "target": T}``: T's author-voice stance label is ``against``;
* ``{"type": "not_against", "target": T}``: it is not ``against``;
* ``{"type": "above", "target": T, "than": U}``: T's author-voice stance score exceeds U's by at
  least ABOVE_MARGIN;
* ``{"type": "most_loaded", "section": H}``: H has the highest loaded terms per 100 words;
* ``{"type": "frame", "section": H, "frame": F}``: F is among the first FRAME_TOP frames the
  report shows for section H (``comparison.sections[].frames``).

No threshold here is tuned on these articles; the figure is reported as is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ABOVE_MARGIN = 0.1
FRAME_TOP = 2


def readings_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "tests" / "readings"


def _stance(report: dict[str, Any], target: str) -> dict[str, Any] | None:
    for t in report.get("targets") or []:
        if t.get("name") == target and isinstance(t.get("stance"), dict):
            st = t["stance"]
            return st.get("author") if (st.get("author") or {}).get("mentions") else st
    return None


def check(report: dict[str, Any], reading: dict[str, Any]) -> tuple[bool, str]:
    """(holds, what the report says) for one reading."""
    kind = reading["type"]
    if kind in ("against", "not_against"):
        st = _stance(report, reading["target"])
        label = (st or {}).get("label")
        ok = label == "against" if kind == "against" else (st is not None and label != "against")
        return ok, f"{reading['target']}: {label} {(st or {}).get('score')}"
    if kind == "above":
        a, b = _stance(report, reading["target"]), _stance(report, reading["than"])
        if not a or not b:
            return False, "target not found"
        return a["score"] - b["score"] >= ABOVE_MARGIN, f"{a['score']:+.2f} vs {b['score']:+.2f}"
    rows = (report.get("comparison") or {}).get("sections") or []
    if kind == "most_loaded":
        best = max(rows, key=lambda r: r.get("loaded_per_100_words") or 0.0) if rows else {}
        return best.get("heading") == reading["section"], f"most loaded: {best.get('heading')}"
    if kind == "frame":
        row = next((r for r in rows if r.get("heading") == reading["section"]), None)
        shown = [f["frame"] for f in (row or {}).get("frames", [])][:FRAME_TOP]
        return reading["frame"] in shown, f"shown: {shown}"
    raise ValueError(f"unknown reading type {kind!r}")


def run() -> dict[str, Any]:
    from ..load import load
    from ..pipeline import Pipeline
    from ._cli import MODEL

    spec = json.loads((readings_dir() / "readings.json").read_text(encoding="utf-8"))
    pipe = Pipeline(model=MODEL)
    held, total, by_type, misses = 0, 0, {}, []
    per_article = {}
    for name, art in sorted(spec["articles"].items()):
        report = pipe.analyze(load(str(readings_dir() / name)), art.get("targets") or None).to_json()
        ok_here = 0
        for r in art["readings"]:
            ok, said = check(report, r)
            total += 1
            held += ok
            ok_here += ok
            t = by_type.setdefault(r["type"], [0, 0])
            t[0] += ok
            t[1] += 1
            if not ok:
                misses.append({"article": name, "reading": r, "report": said})
        per_article[name] = f"{ok_here}/{len(art['readings'])}"
    return {"held": held, "readings": total, "share": round(held / max(total, 1), 3),
            "by_type": {k: f"{a}/{b}" for k, (a, b) in sorted(by_type.items())},
            "per_article": per_article, "misses": misses,
            "note": "our own articles, readings written before looking at outputs; nothing tuned on them"}
