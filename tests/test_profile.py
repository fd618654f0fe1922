"""Section profiles ("comparison"): the seed through the real pipeline, plus the rule on a tiny report."""

from __future__ import annotations

import io
import json
import re
import statistics

import pytest

from framing.report.profile import OPENING, profile

#: The scorers profiled on the seed: every one of these that is installed.
PROFILE_SCORERS = ("sentiment", "stance", "loaded_terms", "bias", "frames")
TRADE = ("Iraq-Iran trade expands", "Chinese projects in Iraq", "Chinese projects with Iran")
ATTACKS = "Attacks breed resistance"


@pytest.fixture(scope="module")
def scorers() -> list[str]:
    from framing.scorers import available

    return [n for n in PROFILE_SCORERS if n in available()]


@pytest.fixture(scope="module")
def report(seed_path, scorers):  # type: ignore[no-untyped-def]
    from framing.load import load
    from framing.pipeline import Pipeline

    return Pipeline(scorers).analyze(load(str(seed_path))).to_json()


def _names(report: dict) -> list[str]:
    return [s["heading"] for s in report["sections"] if s["heading"]]


@pytest.mark.model
def test_profile_comparison_key_has_one_profile_per_section(report) -> None:  # type: ignore[no-untyped-def]
    comp = report["comparison"]
    assert [r["heading"] for r in comp["sections"]] == [s["heading"] for s in report["sections"]]
    assert len(comp["sections"]) == 8
    for row, sec in zip(comp["sections"], report["sections"], strict=True):
        assert row["sentiment"] == pytest.approx(sec["sentiment"]["score"], abs=1e-4)
        assert row["words"] > 0
        for d in row["distinctive"]:
            assert abs(d["z"]) >= 1.0 and d["direction"] in ("higher", "lower")
            assert d["evidence"], d  # every deviation comes with the sentences behind it
            for ev in d["evidence"]:
                assert report["sections"][row["index"]]["start"] <= ev["start"] < ev["end"]
    json.dumps(comp)  # JSON-ready


@pytest.mark.model
def test_profile_arc_has_one_point_per_paragraph(report) -> None:  # type: ignore[no-untyped-def]
    arc = report["comparison"]["arc"]
    assert len(arc) == 44 == report["article"]["paragraphs"]
    assert [p["paragraph"] for p in arc] == list(range(44))
    assert [p["section"] for p in arc] == sorted(p["section"] for p in arc)
    assert all(-1.0 <= p["sentiment"] <= 1.0 for p in arc)
    for target in report["comparison"]["targets"]:  # stance series where stance ran
        assert any(p["stance"][target] is not None for p in arc)


@pytest.mark.model
def test_profile_findings_name_real_sections(report) -> None:  # type: ignore[no-untyped-def]
    findings = report["comparison"]["findings"]
    headings = _names(report)
    assert len(findings) >= 3
    for f in findings:
        assert isinstance(f, str) and f.strip()
        assert any(f"“{h}”" in f for h in headings) or OPENING in f.lower(), f
    # The sentiment extremes it names are the real extremes of the section table.
    secs = report["sections"]
    lowest = min(secs, key=lambda s: s["sentiment"]["score"])
    name = f"“{lowest['heading']}”" if lowest["heading"] else OPENING
    assert all(name in f for f in findings if "most negative section" in f)


@pytest.mark.model
def test_profile_findings_never_contradict_and_name_their_evidence(report) -> None:  # type: ignore[no-untyped-def]
    detail = report["comparison"]["findings_detail"]
    assert [d["text"] for d in detail] == report["comparison"]["findings"]
    claims: dict[tuple[str, str], set[int]] = {}
    for d in detail:
        if d["section"] is None:
            continue
        claims.setdefault((d["metric"], d["direction"]), set()).add(d["section"])
        sec = report["sections"][d["section"]]
        assert d["evidence"], d["text"]  # every claim about a section names its sentences
        for e in d["evidence"]:
            assert sec["start"] <= e["start"] < e["end"] <= sec["end"]
            assert report_text(report, e["start"], e["end"]) == e["text"]
    for (metric, direction), secs in claims.items():
        assert len(secs) == 1, (metric, direction, secs)  # one "most" per metric and direction
        other = claims.get((metric, "lower" if direction == "higher" else "higher"), set())
        assert not (secs & other), metric  # never the most and the least of the same thing
    # The seed's wrong claims of issue 14 are not made.
    texts = " ".join(report["comparison"]["findings"])
    assert "“Chinese projects in Iraq” is the most Health and safety section" not in texts
    assert "“Iraq-Iran trade expands” is the most favourable to United States" not in texts


def report_text(report: dict, start: int, end: int) -> str:
    for sec in report["sections"]:
        for p in sec["paragraphs"]:
            for s in p["sentences"]:
                if s["start"] == start and s["end"] == end:
                    return s["text"]
    return ""


@pytest.mark.model
def test_profile_seed_section_frames_are_what_sets_the_section_apart(report, scorers) -> None:  # type: ignore[no-untyped-def]
    if "frames" not in scorers:
        pytest.skip("frames scorer not installed")
    rows = {r["heading"]: [f["frame"] for f in r["frames"]] for r in report["comparison"]["sections"]}
    assert "Economic" in rows["Iraq-Iran trade expands"][:2], rows
    assert rows["Chinese projects in Iraq"][0] == "Economic", rows
    # the frame near 1 everywhere does not top every section
    assert sum(r[0] == "External_regulation_and_reputation" for r in rows.values()) <= 1, rows


@pytest.mark.model
def test_profile_seed_attacks_section_among_most_loaded(report, scorers) -> None:  # type: ignore[no-untyped-def]
    if "loaded_terms" not in scorers:
        pytest.skip("loaded_terms scorer not installed")
    rows = report["comparison"]["sections"]
    ranked = [r["heading"] for r in sorted(rows, key=lambda r: -r["loaded_per_100_words"])]
    assert ATTACKS in ranked[:3], ranked
    dens = {r["heading"]: r["loaded_per_100_words"] for r in rows}
    for h in TRADE:  # the trade / Chinese-projects sections carry well under half the attacks' density
        assert dens[h] < 0.5 * dens[ATTACKS], (h, dens)
    claims = [f for f in report["comparison"]["findings"] if "is the most loaded section" in f]
    top = f"“{ranked[0]}”" if ranked[0] else "The untitled opening section"
    assert all(f.startswith(top) for f in claims)  # only ever the real maximum


@pytest.mark.model
def test_profile_seed_trade_sections_are_economic(report, scorers) -> None:  # type: ignore[no-untyped-def]
    if "frames" not in scorers:
        pytest.skip("frames scorer not installed")
    secs = {s["heading"]: s["frames"]["scores"]["Economic"] for s in report["sections"]}
    others = [v for h, v in secs.items() if h not in TRADE]
    for h in TRADE:
        assert secs[h] > statistics.median(others), (h, secs)


@pytest.mark.model
def test_profile_panel_is_the_first_view_and_fits_80_columns(report) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    from framing.render.table import render_table

    buf = io.StringIO()
    render_table(report, Console(file=buf, width=80, color_system=None))
    out = buf.getvalue()
    assert max(len(line) for line in out.splitlines()) <= 80
    sections_table = re.search(r"^Sentiment by section\s*$", out, re.M)
    assert sections_table is not None
    assert out.index("Section profiles") < sections_table.start()
    assert "Findings" in out


# ---- the deviation rule on a hand-made report (no model) -------------------------------------
def _sentence(start: int, text: str, score: float, loaded: list[str]) -> dict:
    spans = [{"start": start, "end": start + len(w), "text": w, "category": "loaded", "score": 0.9}
             for w in loaded]
    return {"start": start, "end": start + len(text), "text": text,
            "sentiment": {"score": score, "evidence": []}, "loaded_terms": spans}


def _tiny_report(n: int = 3) -> dict:
    """Three sections of ``n`` copies of one sentence each (``n`` sentences per section)."""
    texts = [("Calm", ["The council met on Monday and approved the budget for roads."], 0.1, []),
             ("Angry", ["The ruthless regime unleashed a brutal, savage crackdown on everyone."],
              -0.6, ["ruthless", "brutal", "savage"]),
             ("Plain", ["Officials said the talks would continue next week in the capital."], 0.0, [])]
    secs, pos = [], 0
    for k, (head, sents, score, loaded) in enumerate(texts):
        start, sentences = pos, []
        for _ in range(n):
            sentences.append(_sentence(pos, sents[0], score, loaded))
            pos = sentences[-1]["end"] + 1
        # the aggregated loaded-terms keys, as aggregate.py writes them at every level
        agg = {"loaded_density": 100.0 * len(loaded) / len(sents[0].split()),
               "loaded_summary": {"count": n * len(loaded), "top_terms": [
                   {"text": t, "category": "loaded", "count": n, "score": 0.9} for t in loaded]}}
        para = {"index": k, "start": start, "end": pos - 1, "sentiment": {"score": score},
                "sentences": sentences, **agg}
        secs.append({"index": k, "heading": head, "start": start, "end": pos - 1,
                     "sentiment": {"score": score}, "paragraphs": [para], **agg})
    return {"title": "t", "sections": secs, "summary": {}}


def test_profile_says_less_on_one_sentence_sections() -> None:
    prof = profile(_tiny_report(1))  # one sentence per section: no difference is clear
    assert not [f for f in prof["findings"] if "most" in f]


def test_profile_rule_flags_the_loaded_section_with_its_terms() -> None:
    prof = profile(_tiny_report())
    angry = prof["sections"][1]
    assert angry["loaded_terms"] == 9
    assert angry["loaded_per_100_words"] == pytest.approx(300 / 10)
    top = angry["distinctive"][0]
    assert top["metric"] in ("loaded", "sentiment") and top["direction"] in ("higher", "lower")
    loaded = next(d for d in angry["distinctive"] if d["metric"] == "loaded")
    assert loaded["rest"] == pytest.approx(0.0)  # leave-one-out: the other two sections have none
    assert set(loaded["evidence"][0]["terms"]) == {"ruthless", "brutal", "savage"}
    assert any(f.startswith("“Angry” is the most loaded section (30.0 loaded terms per 100 words "
                            "vs 0.0 elsewhere") for f in prof["findings"])
    assert any("“Angry” is the most negative section" in f for f in prof["findings"])
    assert len(prof["arc"]) == 3 and "stance" not in prof["arc"][0]  # stance did not run


def test_profile_without_optional_scorers_has_no_their_keys() -> None:
    rep = _tiny_report()
    for sec in rep["sections"]:
        for p in sec["paragraphs"]:
            for s in p["sentences"]:
                del s["loaded_terms"]
    prof = profile(rep)
    assert prof["metrics"] == ["sentiment"]
    assert all("loaded_per_100_words" not in r and "bias" not in r for r in prof["sections"])


@pytest.mark.model
def test_profile_stance_sets_a_section_apart_only_on_enough_sentences(report) -> None:  # type: ignore[no-untyped-def]
    """The seed's trade section names the U.S. in one sentence ("U.S.-sanctioned Iran ...
    U.S.-sanctioned Syria"): two mentions, one sentence, too little to say the section is warmer
    toward the U.S. Every stance deviation shown rests on the claim rule's minimum of sentences."""
    from framing.report.profile import MIN_UNITS

    for row in report["comparison"]["sections"]:
        by = {t["target"]: t for t in row.get("stance", [])}
        for d in row["distinctive"]:
            if d["kind"] == "stance":
                assert by[d["metric"].split(":", 1)[1]]["sentences"] >= MIN_UNITS
    trade = next(r for r in report["comparison"]["sections"] if r["heading"] == "Iraq-Iran trade expands")
    assert not [d for d in trade["distinctive"] if d["metric"] == "stance:United States"]


def _scored_report(scores: list[list[float]]) -> dict:
    """Sections of plain sentences with the given sentence sentiment scores (no loaded terms)."""
    text = "Officials said the talks would continue next week in the capital."
    secs, pos = [], 0
    for k, section in enumerate(scores):
        start, sentences = pos, []
        for v in section:
            sentences.append(_sentence(pos, text, v, []))
            pos = sentences[-1]["end"] + 1
        mean = sum(section) / len(section)
        para = {"index": k, "start": start, "end": pos - 1, "sentiment": {"score": mean}, "sentences": sentences}
        secs.append({"index": k, "heading": f"Part {k}", "start": start, "end": pos - 1,
                     "sentiment": {"score": mean}, "paragraphs": [para]})
    return {"title": "t", "sections": secs, "summary": {}}


def _sentiment_claims(prof: dict) -> list[str]:
    return [f for f in prof["findings"] if "most negative section" in f or "most positive section" in f]


def test_profile_names_no_extreme_section_in_noise() -> None:
    """Eight sections whose sentences all come from one distribution: the most negative of them
    differs from the rest by chance alone, and a one-section test at 95 % would call it "the
    most negative section" in most such articles. The claim rule tests the extreme
    against the chance extreme, so it stays near its 5 % per direction."""
    import random

    claimed = 0
    for seed in range(200):
        rng = random.Random(seed)
        prof = profile(_scored_report([[rng.gauss(-0.1, 0.3) for _ in range(4)] for _ in range(8)]))
        claimed += bool(_sentiment_claims(prof))
    assert claimed <= 30, claimed  # two directions at 5 %: ~20 of 200 expected (the old rule: ~150)


def test_profile_names_a_section_that_really_differs() -> None:
    import random

    rng = random.Random(7)
    scores = [[rng.gauss(-0.1, 0.3) for _ in range(4)] for _ in range(8)]
    scores[5] = [rng.gauss(-0.8, 0.1) for _ in range(4)]
    claims = _sentiment_claims(profile(_scored_report(scores)))
    assert any(c.startswith("“Part 5” is the most negative section") for c in claims), claims


@pytest.mark.model
def test_profile_stance_units_are_the_sections_own_stance(report) -> None:  # type: ignore[no-untyped-def]
    """One rule, one home: a section's author stance (the article rule over its mentions) is the
    mean of its spans' ``author_score``, the numbers the profile's stance claims rest on."""
    from framing.report.profile import _units

    checked = 0
    for k, sec in enumerate(report["sections"]):
        for t in sec.get("stance") or []:
            author = t["author"]
            spans = [sp for p in sec["paragraphs"] for s in p["sentences"] for tt in (s.get("stance") or [])
                     if tt["target"] == t["target"] for sp in tt.get("spans", []) if not sp["quoted"]]
            if "roles" not in author or not spans:  # one sentence: the plain mean, not the rule
                continue
            assert statistics.mean(sp["author_score"] for sp in spans) == pytest.approx(author["score"], abs=1e-3)
            units = _units(report, "stance", t["target"])[k]
            mean = sum(v * w for v, w, _, _ in units) / sum(w for _, w, _, _ in units)
            assert mean == pytest.approx(author["score"], abs=1e-3), (sec["heading"], t["target"])
            checked += 1
    assert checked >= 10


def test_profile_claim_details_carry_their_chance_level() -> None:
    import random

    rng = random.Random(7)
    scores = [[rng.gauss(-0.1, 0.3) for _ in range(4)] for _ in range(8)]
    scores[5] = [rng.gauss(-0.8, 0.1) for _ in range(4)]
    detail = [d for d in profile(_scored_report(scores))["findings_detail"] if d["kind"] == "sentiment"]
    neg = next(d for d in detail if d["direction"] == "lower")
    assert neg["section"] == 5 and neg["sentences"] == 4 and 0 < neg["p"] < 0.05
    assert neg["value"] < neg["rest"]


def test_profile_claim_statistic_is_the_weighted_means_difference_in_standard_errors() -> None:
    """The vectorised statistic the shuffles use is the difference of the two weighted means
    (``_wstats``: the section and the rest) over its standard error, section by section."""
    import math
    import random

    import numpy as np

    from framing.report.profile import MIN_UNITS, _standardized, _wstats

    rng = random.Random(3)
    units = [[(rng.gauss(0.3 if j == 2 else 0.0, 1.0), rng.uniform(5, 30)) for _ in range(rng.randint(2, 8))]
             for j in range(6)]
    v = np.array([a for us in units for a, _ in us])
    w = np.array([b for us in units for _, b in us])
    g = np.repeat(np.arange(len(units)), [len(us) for us in units])
    t, ok = _standardized(v, w, g[None, :], len(units))
    for j, us in enumerate(units):
        rest = [u for k, uu in enumerate(units) if k != j for u in uu]
        assert ok[0, j] == (len(us) >= MIN_UNITS and len(rest) >= MIN_UNITS)
        if ok[0, j]:
            (m, se, _), (r, rse, _) = _wstats(us), _wstats(rest)
            assert t[0, j] == pytest.approx((m - r) / math.sqrt(se**2 + rse**2), rel=1e-9)


# ----------------------------------------------------------------------------- frame claims
FRAME_SCORERS = ("sentiment", "frames")


def _frame_findings(rep: dict) -> list[dict]:
    return [d for d in rep["comparison"]["findings_detail"] if d["kind"] == "frame"]


@pytest.mark.model
def test_profile_frame_claims_are_the_claim_rules_on_the_sentences(report) -> None:  # type: ignore[no-untyped-def]
    """A frame finding is ``_claim``'s: the section whose sentences carry the frame most (mean of
    their ``frame_scores``, word-weighted), beyond the chance extreme (p < 0.05), and a frame its
    section view shows (first two); its evidence is the section's strongest sentences for it."""
    from framing.report.profile import _units

    found = _frame_findings(report)
    assert found  # the seed has sections that clearly differ
    assert len({d["section"] for d in found}) == len(found)  # one per section
    for d in found:
        frame = d["metric"].split(":", 1)[1]
        units = _units(report, "frame", frame)
        means = [sum(v * w for v, w, _, _ in us) / sum(w for _, w, _, _ in us) for us in units]
        assert max(range(len(means)), key=means.__getitem__) == d["section"]
        assert d["value"] == pytest.approx(means[d["section"]], abs=1e-3) and d["value"] - d["rest"] >= 0.1
        assert 0 < d["p"] < 0.05 and d["sentences"] == len(units[d["section"]]) >= 3
        row = report["comparison"]["sections"][d["section"]]
        assert frame in [f["frame"] for f in row["frames"][:2]]
        sec = report["sections"][d["section"]]
        best = sorted((s["frame_scores"][frame] for p in sec["paragraphs"] for s in p["sentences"]), reverse=True)
        shown = [s["frame_scores"][frame] for p in sec["paragraphs"] for s in p["sentences"]
                 if s["start"] in {e["start"] for e in d["evidence"]}]
        assert sorted(shown, reverse=True) == best[: len(shown)] and shown


@pytest.mark.model
def test_profile_frame_difference_from_noise_is_not_claimed(seed_path) -> None:  # type: ignore[no-untyped-def]
    """The seed's real sentence frame probabilities shuffled among its sentences: no section
    differs from another but by chance. The old rule (lift over the rest and the threshold, no
    test) stated a frame finding in 19 of these 20 articles; the claim rule, per frame at 5 %
    and 14 frames, in 4."""
    import dataclasses

    import numpy as np

    from framing.load import load
    from framing.pipeline import Pipeline
    from framing.report.build import to_dict

    a = Pipeline(FRAME_SCORERS).score(load(str(seed_path)))
    fr = a.results["frames"]
    claimed = 0
    for k in range(20):
        perm = np.random.default_rng(1000 + k).permutation(len(fr))
        rep = to_dict(dataclasses.replace(a, results={**a.results, "frames": [fr[i] for i in perm]}))
        claimed += bool(_frame_findings(rep))
    assert claimed <= 6, claimed


@pytest.mark.model
def test_profile_clear_frame_difference_is_claimed() -> None:
    """A section that is about money in an article that is not (tests/readings/01_river_mine.md,
    its reader's reading) is the most Economic section, on four sentences, p < 0.05; shuffled
    among the sections, its sentences make no such claim."""
    import dataclasses

    import numpy as np

    from framing.evaluation.readings import readings_dir
    from framing.load import load
    from framing.pipeline import Pipeline
    from framing.report.build import to_dict

    a = Pipeline(FRAME_SCORERS).score(load(str(readings_dir() / "01_river_mine.md")))
    rep = to_dict(a)
    eco = [d for d in _frame_findings(rep) if d["metric"] == "frame:Economic"]
    assert len(eco) == 1 and rep["sections"][eco[0]["section"]]["heading"] == "The money behind the mine"
    assert eco[0]["p"] < 0.05 and eco[0]["value"] > 0.5 > 0.2 > eco[0]["rest"]
    assert eco[0]["text"].startswith("“The money behind the mine” is the most Economic section (its sentences score")
    fr = a.results["frames"]
    perm = np.random.default_rng(0).permutation(len(fr))
    noise = to_dict(dataclasses.replace(a, results={**a.results, "frames": [fr[i] for i in perm]}))
    assert not [d for d in _frame_findings(noise) if d["metric"] == "frame:Economic"]
