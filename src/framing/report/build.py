"""Analysis -> the report of one article (schema 1.x): sections, paragraphs and sentences with
every scorer's keys, the summaries (``aggregate``), the targets and the section profiles
(``profile``). Moved here from ``render/json.py`` (issue 15): the JSON renderer only writes.

Field names in the contract are fixed; minor versions only add fields. Floats are rounded to
4 dp here, once, so every renderer reads the same numbers.
"""

from __future__ import annotations

from typing import Any

from .. import SCHEMA_VERSION, __version__
from .aggregate import aggregate
from .model import Report, _round


def build_report(analysis: Any) -> Report:
    """The typed report of one analysed article (``Pipeline.analyze`` returns it)."""
    return Report.from_json(to_dict(analysis), check=False)  # built here: its shapes are ours


def to_dict(analysis: Any) -> dict[str, Any]:
    """The whole report for one article as plain JSON-ready data (``build_report(a).to_json()``)."""
    article = analysis.article
    summ = aggregate(analysis)
    if "frames" in summ.article:  # decision values the renderers read (no thresholds there)
        from .frames import add_distinctive

        add_distinctive(summ.sections, summ.article)
    sentence_json: list[dict[str, Any]] = []
    for s in article.sentences:
        d: dict[str, Any] = {"index": s.index, "start": s.start, "end": s.end,
                             "text": article.text[s.start:s.end]}
        for name, results in analysis.results.items():
            r = results[s.index]
            d[name] = r.to_json() if hasattr(r, "to_json") else r
            if hasattr(r, "extra_json"):  # a scorer's further sentence keys (frames: frame_scores, 1.5)
                d.update(r.extra_json())
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
    report.update(targets_report(analysis, report))  # needs the summary's stance
    report.update(comparison_report(analysis, report))  # reads sections, summary and targets
    return _round(report)


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


# ---- end stance ------------------------------------------------------------------------------


# ---- section profiles (issue 5): top-level "comparison" --------------------------------------
def comparison_report(analysis: Any, report: dict[str, Any]) -> dict[str, Any]:
    """``"comparison"``: section profiles, deviations with evidence, arc, findings (profile.py)."""
    from .profile import profile

    return {"comparison": profile(report)}


# ---- end section profiles --------------------------------------------------------------------
