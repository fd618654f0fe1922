"""Issue 15: the report is a stage with a published contract, and renderers only read it.

* ``framing schema`` prints the schema generated from ``framing.report.model``; the committed
  ``schema/report.v1.json`` equals it; what ``analyze``, ``batch`` and ``compare`` print
  validates against it (jsonschema, draft 2020-12);
* ``framing render`` gives the same page as ``framing analyze`` with ``FRAMING_MODELS`` pointing
  at an empty folder; bad input is one stderr line and exit 3;
* importing the renderers loads no analysis code.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from framing.cli import app
from framing.errors import ExitCode

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "schema" / "report.v1.json"
ARTICLES = sorted((ROOT / "tests" / "fixtures" / "compare").glob("*.txt"))


@pytest.fixture(scope="module")
def validator():  # type: ignore[no-untyped-def]
    import jsonschema

    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_the_generated_one(runner) -> None:  # type: ignore[no-untyped-def]
    from framing.report.schema import schema_text

    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    assert res.stdout == schema_text() == COMMITTED.read_text(encoding="utf-8"), \
        "regenerate it: framing schema > schema/report.v1.json"


def test_schema_follows_the_model() -> None:
    """The schema is generated: every declared field of the report is a property, required
    unless the JSON omits it when absent (outlet, targets, gates)."""
    from framing.report.model import Report
    from framing.report.schema import schema

    rep = schema()["$defs"]["Report"]
    declared = [f.name for f in dataclasses.fields(Report) if not f.metadata.get("flat")]
    assert list(rep["properties"]) == declared
    assert set(declared) - set(rep["required"]) == {"outlet", "targets", "gates"}
    assert rep["properties"]["schema"]["const"] == "framing/report"
    # the default scorers' keys are part of the contract: optional, with their shapes
    defs = schema()["$defs"]
    sec = defs["SectionReport"]["properties"]
    assert sec["frames"] == {"$ref": "#/$defs/UnitFrames"} and "frames" not in defs["SectionReport"]["required"]
    assert defs["UnitFrames"]["properties"]["ranked"]["items"] == {"$ref": "#/$defs/RankedFrame"}
    assert defs["SentenceReport"]["properties"]["stance"]["items"] == {"$ref": "#/$defs/StanceEntry"}
    assert "frames" in defs["Report"]["properties"]["summary"]["properties"]


@pytest.mark.model
def test_seed_report_validates_and_round_trips(seed_report, validator) -> None:  # type: ignore[no-untyped-def]
    from framing.report.model import Report

    validator.validate(seed_report)
    report = Report.from_json(seed_report)
    assert report.to_json() == seed_report and list(report.to_json()) == list(seed_report)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.title = "x"  # type: ignore[misc]
    assert not hasattr(report, "__dict__")  # slotted
    # decision values are in the report: the dominant-frame order with margins, the thresholds
    fr = report.summary["frames"]
    assert [d["frame"] for d in fr["ranked"] if d["label"]] == fr["labels"]
    assert all(d["label"] == (d["margin"] >= 0) for d in fr["ranked"])
    assert set(fr["thresholds"]) == set(fr["scores"])


@pytest.mark.model
def test_minor_versions_only_add_fields(seed_report, validator) -> None:  # type: ignore[no-untyped-def]
    """A later 1.x report with new keys (top level, a section, a sentence) still validates and
    reads back losslessly; a missing contract field does not validate and does not read."""
    from framing.report.model import Report, ReportError

    newer = json.loads(json.dumps(seed_report))
    newer["schema_version"] = "1.99"
    newer["new_top"] = {"x": 1}
    newer["sections"][0]["new_section_key"] = 2
    newer["sections"][0]["paragraphs"][0]["sentences"][0]["new_scorer"] = {"score": 0.1}
    validator.validate(newer)
    assert Report.from_json(newer).to_json() == newer
    broken = json.loads(json.dumps(seed_report))
    del broken["sections"][0]["paragraphs"][0]["sentences"][0]["start"]
    assert not validator.is_valid(broken)
    with pytest.raises(ReportError, match=r"sections\[0\].paragraphs\[0\].sentences\[0\].start is missing"):
        Report.from_json(broken)


@pytest.mark.model
def test_batch_lines_validate(runner, seed_path, tmp_path, validator) -> None:  # type: ignore[no-untyped-def]
    """A few real articles through framing batch (JSONL, gates on, one bad input): every line
    validates, reports and the failed article's line alike."""
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    res = runner.invoke(app, ["batch", str(seed_path), *map(str, ARTICLES[:2]), str(bad), "--no-cache",
                              "--ordered", "-q", "--fail-on", "bias>0.99"])
    assert res.exit_code == ExitCode.PARTIAL, res.stderr
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(lines) == 4 and "error" in lines[3] and all("gates" in x for x in lines[:3])
    for line in lines:
        validator.validate(line)


@pytest.mark.model
def test_compare_json_validates(runner, validator) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["compare", *map(str, ARTICLES), "-f", "json"])
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["schema"] == "framing/compare"
    validator.validate(doc)
    assert not validator.is_valid({**doc, "overview": "x"})


def _framing(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "framing", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=ROOT)


@pytest.fixture(scope="module")
def analyzed(seed_path, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The seed through framing analyze as json, html and table (files, as a CI job keeps them)."""
    from typer.testing import CliRunner

    out = tmp_path_factory.mktemp("analyze")
    runner = CliRunner()
    for fmt, name in (("json", "report.json"), ("html", "report.html"), ("table", "report.txt")):
        res = runner.invoke(app, ["analyze", str(seed_path), "-f", fmt, "-o", str(out / name), "--width", "100"])
        assert res.exit_code == 0, res.stderr
    return out


@pytest.mark.model
def test_render_gives_the_analyze_page_without_models(analyzed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "no-models"
    empty.mkdir()
    env = {"FRAMING_MODELS": str(empty)}
    assert _framing("analyze", str(ROOT / "seeds" / "000_2cd8e75922315d1a.txt"), "-f", "json",
                    env=env).returncode == ExitCode.MODEL  # the folder really has no models
    for fmt, name in (("json", "report.json"), ("html", "report.html"), ("table", "report.txt")):
        got = tmp_path / name
        res = _framing("render", str(analyzed / "report.json"), "--format", fmt, "-o", str(got),
                       "--width", "100", env=env)
        assert res.returncode == 0, res.stderr
        if fmt == "table":
            assert got.read_text(encoding="utf-8") == (analyzed / name).read_text(encoding="utf-8")
        else:
            assert got.read_bytes() == (analyzed / name).read_bytes(), fmt


@pytest.mark.model
def test_render_batch_jsonl(runner, seed_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """JSONL from framing batch: json gives the same lines back, html one page per report plus
    index.html, with models out of reach; a failed article's line is skipped with a warning."""
    res = runner.invoke(app, ["batch", str(seed_path), str(ARTICLES[0]), "--no-cache", "--ordered", "-q"])
    assert res.exit_code == 0, res.stderr
    src = tmp_path / "out.jsonl"
    src.write_text(res.stdout + json.dumps({"id": "x.txt", "error": {"code": 3, "message": "empty input"}}) + "\n")
    empty = tmp_path / "no-models"
    empty.mkdir()
    env = {"FRAMING_MODELS": str(empty)}
    out = _framing("render", str(src), "-f", "json", env=env)
    assert out.returncode == 0 and out.stdout == res.stdout
    assert "skipped x.txt" in out.stderr
    pages = tmp_path / "pages"
    out = _framing("render", str(src), "-f", "html", "-o", str(pages), env=env)
    assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in pages.iterdir())
    assert len(names) == 3 and "index.html" in names
    assert any(n.endswith("000_2cd8e75922315d1a.txt.html") for n in names)
    assert any(n.endswith(f"{ARTICLES[0].name}.html") for n in names)


def test_render_bad_input_is_one_line_and_exit_3(tmp_path) -> None:
    not_json = tmp_path / "a.json"
    not_json.write_text("this is not json\n")
    not_report = tmp_path / "b.json"
    not_report.write_text(json.dumps({"schema": "something/else", "id": "x"}))
    wrong_type = tmp_path / "c.json"
    wrong_type.write_text(json.dumps({"schema": "framing/report", "schema_version": "1.3", "sections": 3}))
    old_major = tmp_path / "d.json"
    old_major.write_text(json.dumps({"schema": "framing/report", "schema_version": "0.9"}))
    cases = {tmp_path / "missing.json": "no such file", not_json: "not JSON or JSONL",
             not_report: "not a framing report", wrong_type: "not a framing report",
             old_major: "unsupported report schema_version"}
    for path, message in cases.items():
        res = _framing("render", str(path), "-f", "json")
        assert res.returncode == ExitCode.INPUT == 3, (path, res.stderr)
        assert res.stderr.startswith(f"framing: error: {message}") and len(res.stderr.splitlines()) == 1
        assert res.stdout == ""


def test_renderers_load_no_analysis_code() -> None:
    """Importing every renderer (and what framing render reads with) loads no scorer, head,
    encoder, report builder, onnxruntime or torch."""
    code = (
        "import sys, pkgutil, importlib, framing.render as r\n"
        "for m in pkgutil.iter_modules(r.__path__): importlib.import_module('framing.render.' + m.name)\n"
        "import framing.report.model, framing.report.io, framing.report.schema, framing.report.vocab\n"
        "bad = ('framing.scorers', 'framing.heads', 'framing.encoder', 'framing.pipeline', 'framing.targets',\n"
        "       'framing.report.build', 'framing.report.aggregate', 'framing.report.frames', 'onnxruntime', 'torch')\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(bad))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_one_registry_of_output_formats() -> None:
    from framing.render import FORMATS, names

    assert names("report") == ["table", "json", "jsonl", "html"]
    assert names("compare") == ["table", "json", "jsonl", "html"]
    assert names("batch") == ["jsonl", "csv", "html"]
    for spec in FORMATS.values():
        for kind in ("report", "compare", "batch"):
            if getattr(spec, kind) is not None:
                assert callable(spec.get(kind))


@pytest.mark.model
def test_library_analyze_returns_a_typed_report() -> None:
    import framing
    from framing.report.model import Report, SectionReport

    text = ("Officials praised the new bridge.\n\n## Costs\n\n"
            "Critics called the overruns a disgrace and a scandal for the city.\n")
    report = framing.analyze_text(text, source="t.md", fmt="md", scorers=["sentiment", "frames"])
    assert isinstance(report, Report) and all(isinstance(s, SectionReport) for s in report.sections)
    assert [s.heading for s in report.sections] == [None, "Costs"]
    data = report.to_json()
    assert data["schema"] == "framing/report" and Report.from_json(data) == report
    sentence = report.sections[1].paragraphs[0].sentences[0]
    assert set(sentence.scores) == {"sentiment", "frames", "frame_scores"} and sentence.scores["sentiment"]["label"] == "negative"
