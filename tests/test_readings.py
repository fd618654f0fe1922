"""The readings check (framing.evaluation.readings): its rules, and a robust subset on real articles.

The full count of readings that hold is a `make eval` figure, not a test; here only readings that
are plain on the page (the name-calling section is the most loaded one; a war report's strike
section is framed as security) are asserted, through the CLI's code path.
"""

from __future__ import annotations

import json

import pytest

from framing.evaluation import EVALUATIONS
from framing.evaluation.readings import check, readings_dir


def test_readings_file_matches_its_articles() -> None:
    spec = json.loads((readings_dir() / "readings.json").read_text(encoding="utf-8"))
    assert 8 <= len(spec["articles"]) <= 10
    assert EVALUATIONS["readings"] == "framing.evaluation.readings"
    for name, art in spec["articles"].items():
        text = (readings_dir() / name).read_text(encoding="utf-8")
        headings = {ln[3:].strip() for ln in text.splitlines() if ln.startswith("## ")}
        for r in art["readings"]:
            if "section" in r:
                assert r["section"] in headings, (name, r)
            if "target" in r:
                assert r["target"] in art["targets"], (name, r)


def test_check_rules_on_a_hand_made_report() -> None:
    rep = {"targets": [{"name": "A", "stance": {"score": 0.2, "label": "favor", "mentions": 3,
                                                "author": {"score": 0.2, "label": "favor", "mentions": 3}}},
                       {"name": "B", "stance": {"score": -0.4, "label": "against", "mentions": 2}}],
           "comparison": {"sections": [{"heading": "x", "loaded_per_100_words": 1.0,
                                        "frames": [{"frame": "Economic"}, {"frame": "Political"}]},
                                       {"heading": "y", "loaded_per_100_words": 3.0, "frames": []}]}}
    assert check(rep, {"type": "against", "target": "B"})[0]
    assert not check(rep, {"type": "against", "target": "A"})[0]
    assert check(rep, {"type": "not_against", "target": "A"})[0]
    assert not check(rep, {"type": "not_against", "target": "missing"})[0]
    assert check(rep, {"type": "above", "target": "A", "than": "B"})[0]
    assert not check(rep, {"type": "above", "target": "B", "than": "A"})[0]
    assert check(rep, {"type": "most_loaded", "section": "y"})[0]
    assert check(rep, {"type": "frame", "section": "x", "frame": "Political"})[0]
    assert not check(rep, {"type": "frame", "section": "y", "frame": "Political"})[0]


@pytest.mark.model
def test_plain_readings_hold_through_the_cli() -> None:
    from typer.testing import CliRunner

    from framing.cli import app

    path = readings_dir() / "03_veloria_attack.md"
    res = CliRunner().invoke(app, ["analyze", str(path), "--format", "json", "--target", "Karstan",
                                   "--target", "Veloria"])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert check(rep, {"type": "most_loaded", "section": "A regime that knows no shame"})[0]
    assert check(rep, {"type": "frame", "section": "The night of the strikes", "frame": "Security_and_defense"})[0]
