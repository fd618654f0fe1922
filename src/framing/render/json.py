"""The JSON report (schema 1.x). Field names in the contract are fixed; minors add fields."""

from __future__ import annotations

import json
import math
from typing import Any

from .. import SCHEMA_VERSION, __version__
from ..aggregate import aggregate


def _round(value: Any, nd: int = 4) -> Any:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        r = round(value, nd)
        return 0.0 if r == 0 else r  # no "-0.0": byte-identical output
    if isinstance(value, dict):
        return {k: _round(v, nd) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_round(v, nd) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return _round(value.item(), nd)
    return value


def to_dict(analysis: Any) -> dict[str, Any]:
    """The whole report for one article as plain JSON-ready data."""
    article = analysis.article
    summ = aggregate(analysis)
    sentence_json: list[dict[str, Any]] = []
    for s in article.sentences:
        d: dict[str, Any] = {"index": s.index, "start": s.start, "end": s.end,
                             "text": article.text[s.start:s.end]}
        for name, results in analysis.results.items():
            r = results[s.index]
            d[name] = r.to_json() if hasattr(r, "to_json") else r
        sentence_json.append(d)
    sections = []
    for sec in article.sections:
        paragraphs = []
        for pid in sec.paragraphs:
            p = article.paragraphs[pid]
            pd: dict[str, Any] = {"index": p.index, "start": p.start, "end": p.end,
                                  "text": article.text[p.start:p.end]}
            pd.update(summ.paragraphs[pid])
            pd["sentences"] = [sentence_json[i] for i in p.sentences]
            paragraphs.append(pd)
        sd: dict[str, Any] = {"index": sec.index, "heading": sec.heading, "start": sec.start,
                              "end": sec.end}
        sd.update(summ.sections[sec.index])
        sd["paragraphs"] = paragraphs
        sd["summary"] = {**summ.sections[sec.index], **summ.section_stats[sec.index]}
        sections.append(sd)
    report: dict[str, Any] = {
        "schema": "framing/report",
        "schema_version": SCHEMA_VERSION,
        "framing": __version__,
        "id": analysis.id if analysis.id is not None else article.source,
        "source": article.source,
        "models": analysis.provenance,
        "title": article.title,
        "title_span": list(article.title_span) if article.title_span else None,
        "article": {"chars": len(article.text), "format": article.format,
                    "paragraphs": len(article.paragraphs), "sentences": len(article.sentences),
                    "sections": len(article.sections),
                    "quotes": [{"start": a, "end": b} for a, b in article.quotes]},
    }
    if article.meta.get("outlet"):  # schema 1.x, added by issue 16: who published it
        report["outlet"] = article.meta["outlet"]
    report["warnings"] = list(getattr(analysis, "warnings", []))
    report["sections"] = sections
    report["summary"] = summ.article
    for hook in REPORT_HOOKS:  # in order: a later hook sees the keys an earlier one added
        report.update(hook(analysis, report))
    return _round(report)


#: Functions (analysis, report) -> dict of extra top-level keys (e.g. "targets", "comparison");
#: ``report`` is the report built so far (sections and summary included).
REPORT_HOOKS: list[Any] = []


def dump_bytes(report: dict[str, Any], indent: bool = True) -> bytes:
    """The report as UTF-8 JSON bytes in one buffer, newline-terminated: indented (``dumps``) or
    one compact line (``dumps_line``). orjson when installed (a base dependency): the stdlib's
    indented encoder is pure Python and costs ~0.1 s on a long report; and a long article's
    JSON runs to tens of MB, so the CLI writes these bytes as they are, with no str copy."""
    try:
        import orjson
    except ImportError:  # pragma: no cover
        text = (json.dumps(report, ensure_ascii=False, indent=2) if indent else
                json.dumps(report, ensure_ascii=False, separators=(",", ":")))
        return (text + "\n").encode("utf-8")
    option = orjson.OPT_APPEND_NEWLINE | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(report, option=option)


def dumps(report: dict[str, Any]) -> str:
    """Indented UTF-8 JSON, byte-identical to ``json.dumps(indent=2, ensure_ascii=False)``."""
    return dump_bytes(report).decode("utf-8")


def dumps_line(report: dict[str, Any]) -> str:
    """One compact line (JSONL)."""
    return dump_bytes(report, indent=False).decode("utf-8")


# ---- stance (issue 4): top-level "targets" ---------------------------------------------------
def targets_report(analysis: Any, report: dict[str, Any]) -> dict[str, Any]:
    """``"targets": [{name, aliases, kind, mentions, prominence, stance}]`` ranked by prominence;
    ``stance`` is the article-level stance of that target (null when no mention was scored)."""
    ts = getattr(analysis, "targets", None)
    if ts is None:
        return {}
    by = {d["target"]: {k: v for k, v in d.items() if k != "target"}
          for d in report["summary"].get("stance", [])}
    return {"targets": [{**t.to_json(), "stance": by.get(t.name)} for t in ts.targets]}


REPORT_HOOKS.append(targets_report)
# ---- end stance ------------------------------------------------------------------------------


# ---- section profiles (issue 5): top-level "comparison" --------------------------------------
def comparison_report(analysis: Any, report: dict[str, Any]) -> dict[str, Any]:
    """``"comparison"``: section profiles, deviations with evidence, arc, findings (profile.py)."""
    from ..profile import profile

    return {"comparison": profile(report)}


REPORT_HOOKS.append(comparison_report)
# ---- end section profiles --------------------------------------------------------------------
