"""framing compare: three slanted articles on one event (tests/fixtures/compare) and the alignment rule."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from framing.compare import align_targets, compare

FIX = Path(__file__).parent / "fixtures" / "compare"
ARTICLES = [FIX / "critical.txt", FIX / "favourable.txt", FIX / "neutral.txt"]
CRITICAL, FAVOURABLE, NEUTRAL = 0, 1, 2


@pytest.fixture(scope="module")
def scorers() -> list[str]:
    from framing.compare import default_scorers

    return default_scorers()


@pytest.fixture(scope="module")
def reports(scorers):  # type: ignore[no-untyped-def]
    from framing.load import load
    from framing.pipeline import Pipeline
    from framing.report.build import to_dict

    pipe = Pipeline(scorers)
    return [to_dict(a) for a in pipe.analyze_many([(load(str(p)), None) for p in ARTICLES])]


@pytest.fixture(scope="module")
def comparison(reports):  # type: ignore[no-untyped-def]
    return compare(reports)


def _us(comparison: dict) -> dict:
    return next(g for g in comparison["targets"] if {"U.S.", "United States"} & {g["name"], *g["aliases"]})


@pytest.mark.model
def test_compare_aligns_us_and_united_states(comparison) -> None:  # type: ignore[no-untyped-def]
    us = _us(comparison)
    forms = {us["name"], *us["aliases"]}
    assert {"U.S.", "United States"} <= forms
    assert all(m > 0 for m in us["mentions"]), us  # one row, mentioned in all three
    assert sum(1 for g in comparison["targets"] if {"U.S.", "United States"} & {g["name"], *g["aliases"]}) == 1


@pytest.mark.model
def test_compare_stance_toward_us_follows_the_slant(comparison, scorers) -> None:  # type: ignore[no-untyped-def]
    if "stance" not in scorers:
        pytest.skip("stance scorer not installed")
    st = _us(comparison)["stance"]
    assert st[CRITICAL]["score"] < st[FAVOURABLE]["score"]
    assert st[CRITICAL]["score"] < 0 < st[FAVOURABLE]["score"]
    assert any("most negative toward United States" in f and "#1" in f for f in comparison["findings"])


@pytest.mark.model
def test_compare_loaded_density_follows_the_slant(comparison, scorers) -> None:  # type: ignore[no-untyped-def]
    if "loaded_terms" not in scorers:
        pytest.skip("loaded_terms scorer not installed")
    d = [o["loaded_per_100_words"] for o in comparison["overview"]]
    assert d[CRITICAL] > d[NEUTRAL] and d[CRITICAL] > d[FAVOURABLE], d
    assert comparison["overview"][CRITICAL]["top_loaded_terms"]


@pytest.mark.model
def test_compare_side_by_side_shapes(comparison, reports) -> None:  # type: ignore[no-untyped-def]
    n = len(reports)
    assert [o["title"] for o in comparison["overview"]] == [r["title"] for r in reports]
    assert comparison["overview"][CRITICAL]["sentiment"] < comparison["overview"][FAVOURABLE]["sentiment"]
    for g in comparison["targets"]:
        assert len(g["mentions"]) == len(g["stance"]) == len(g["per_1000_words"]) == n
    for f in comparison["frames"]:
        assert len(f["scores"]) == len(f["labels"]) == n
    assert [e["article"] for e in comparison["emphasis"]] == list(range(n))
    assert all(isinstance(f, str) and f for f in comparison["findings"])


@pytest.mark.model
def test_compare_renders_table_and_html(comparison, reports) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    from framing.render.compare_table import render_compare_table
    from framing.render.html import render_compare_html

    buf = io.StringIO()
    render_compare_table(comparison, Console(file=buf, width=80, color_system=None))
    out = buf.getvalue()
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "Stance per target" in out and "United States" in out
    page = render_compare_html({"articles": reports, **comparison})
    assert page.startswith("<!DOCTYPE html>") or page.lstrip().lower().startswith("<!doctype html>")
    assert 'id="h-side"' in page and 'id="h-x-findings"' in page


@pytest.mark.model
def test_cli_compare_json(runner) -> None:  # type: ignore[no-untyped-def]
    from framing.cli import app

    result = runner.invoke(app, ["compare", str(ARTICLES[0]), str(ARTICLES[1]), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["schema"] == "framing/compare"
    assert len(doc["overview"]) == 2
    assert any(g["name"] == "United States" for g in doc["targets"])
    # jsonl: the same document on one line (a pipeline appends one comparison per run)
    line = runner.invoke(app, ["compare", str(ARTICLES[0]), str(ARTICLES[1]), "--format", "jsonl"])
    assert line.exit_code == 0, line.stderr
    assert line.stdout.count("\n") == 1 and json.loads(line.stdout) == doc


def test_cli_compare_needs_two_articles(runner) -> None:  # type: ignore[no-untyped-def]
    from framing.cli import app

    result = runner.invoke(app, ["compare", str(ARTICLES[0]), "--format", "json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "framing: error: compare needs at least two articles (pass two or more files)\n"


# ---- the alignment rule on hand-made reports (no model) --------------------------------------
def _rep(title: str, targets: list[tuple[str, list[str], int, float]]) -> dict:
    return {"title": title, "summary": {"words": 100}, "sections": [],
            "targets": [{"name": n, "aliases": a, "mentions": m,
                         "stance": {"score": s, "label": "neutral", "mentions": m}}
                        for n, a, m, s in targets]}


def test_align_targets_merges_aliases_case_insensitively() -> None:
    reps = [_rep("a", [("U.S.", ["Washington"], 4, -0.5), ("Iran", [], 2, 0.1)]),
            _rep("b", [("United States", ["U.S.", "America"], 3, 0.4)]),
            _rep("c", [("US", [], 1, 0.0), ("the united states", [], 1, 0.2), ("Iraq", [], 2, 0.0)])]
    groups = align_targets(reps)
    us = [g for g in groups if "Washington" in g["aliases"] or g["name"] == "Washington"]
    assert len(us) == 1
    g = us[0]
    assert g["mentions"] == [4, 3, 2]
    assert g["stance"][0]["score"] == pytest.approx(-0.5)
    assert g["stance"][2]["score"] == pytest.approx(0.1)  # two targets of article c, mention-weighted
    assert {x["name"] for x in groups} >= {"Iran", "Iraq"}
    assert next(x for x in groups if x["name"] == "Iran")["mentions"] == [2, 0, 0]


def test_align_targets_merges_author_evidence_under_the_reports_own_rule() -> None:
    """Two targets of one article aligned to one actor ("Obama", "Barack Obama"): where the
    report carries the article rule's evidence and thresholds (schema 1.6), the merged label is
    that rule's on the mention-weighted evidence, not a band on the score; older reports keep
    the band."""
    from framing.report.stance import article_label

    th = {"against": 0.4, "favor": 0.275, "near": 0.025}

    def block(score: float, a: float, f: float, m: int) -> dict:
        author = {"score": score, "label": article_label((a, f), th), "mentions": m,
                  "against_evidence": a, "favor_evidence": f}
        return {"score": score, "label": author["label"], "mentions": m, "author": author}

    rep = {"title": "a", "summary": {"words": 100}, "sections": [],
           "models": {"scorers": {"stance": {"author_thresholds": th}}},
           "targets": [{"name": "Obama", "aliases": ["Barack Obama"], "mentions": 3, "stance": block(-0.3, 0.45, 0.15, 3)},
                       {"name": "Barack Obama", "aliases": [], "mentions": 1, "stance": block(0.0, 0.2, 0.2, 1)}]}
    other = _rep("b", [("Barack Obama", [], 2, 0.0)])
    g = next(x for x in align_targets([rep, other]) if x["name"] in ("Obama", "Barack Obama"))
    # pooled against evidence (3 * 0.45 + 0.2) / 4 = 0.3875 < 0.4: neutral, though the
    # mention-weighted score (-0.225) is past the old band's -0.1
    assert g["stance"][0]["label"] == "neutral" and g["stance"][0]["score"] == pytest.approx(-0.225)
    rep["targets"][1]["stance"] = block(-0.2, 0.5, 0.1, 1)  # (1.35 + 0.5) / 4 = 0.4625: against
    g = next(x for x in align_targets([rep, other]) if x["name"] in ("Obama", "Barack Obama"))
    assert g["stance"][0]["label"] == "against"
    del rep["models"]  # an older report: the band on the score
    rep["targets"][1]["stance"] = block(0.0, 0.2, 0.2, 1)
    g = next(x for x in align_targets([rep, other]) if x["name"] in ("Obama", "Barack Obama"))
    assert g["stance"][0]["label"] == "against"


def test_compare_emphasis_and_omission_of_a_target() -> None:
    reps = [_rep("a", [("Iran", [], 6, -0.5)]), _rep("b", [("Iraq", [], 3, 0.0)])]
    c = compare(reps)
    assert any(x["name"] == "Iran" for x in c["emphasis"][0]["emphasises"])
    assert any(x["name"] == "Iran" for x in c["emphasis"][1]["leaves_out"])
