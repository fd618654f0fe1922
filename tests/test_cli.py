"""The CLI through CliRunner: JSON contract, stdin, errors as one line + exit code."""

from __future__ import annotations

import json

import pytest

from framing.cli import app
from framing.errors import ExitCode

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seed_json(seed_path) -> dict:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    res = CliRunner().invoke(app, ["analyze", str(seed_path), "--format", "json"])
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def test_cli_json_contract(seed_json: dict) -> None:
    r = seed_json
    assert r["schema_version"].startswith("1.")
    assert r["title"] == "Iran-Iraq solidarity grows amid U.S. threats"
    assert len(r["sections"]) == 8
    assert sum(len(s["paragraphs"]) for s in r["sections"]) == 44
    assert r["sections"][0]["heading"] is None
    assert r["sections"][7]["heading"] == "Attacks breed resistance"
    for sec in r["sections"]:
        assert {"index", "heading", "start", "end", "paragraphs", "summary"} <= sec.keys()
        for p in sec["paragraphs"]:
            assert {"index", "start", "end", "text", "sentiment", "sentences"} <= p.keys()
            assert -1 <= p["sentiment"]["score"] <= 1
            assert p["sentiment"]["label"] in {"negative", "neutral", "positive"}
            for s in p["sentences"]:
                assert {"start", "end", "text", "sentiment"} <= s.keys()
                assert p["start"] <= s["start"] < s["end"] <= p["end"]
                assert -1 <= s["sentiment"]["score"] <= 1
    assert "sentiment" in r["summary"]


def test_cli_offsets_index_the_article(seed_json: dict, seed_text: str) -> None:
    for sec in seed_json["sections"]:
        for p in sec["paragraphs"]:
            assert seed_text[p["start"]:p["end"]] == p["text"]
            for s in p["sentences"]:
                assert seed_text[s["start"]:s["end"]] == s["text"]
                for ev in s["sentiment"]["evidence"]:
                    assert seed_text[ev["start"]:ev["end"]] == ev["text"]


def test_cli_stdin_gives_the_same_report(runner, seed_path, seed_json: dict) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["analyze", "-", "--format", "json"], input=seed_path.read_bytes())
    assert res.exit_code == 0, res.stderr
    r = json.loads(res.stdout)
    for key in ("id", "source"):
        r.pop(key)
        seed_json = {k: v for k, v in seed_json.items() if k != key}
    assert r == seed_json


def test_cli_table_shows_every_heading(runner, seed_path) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["analyze", str(seed_path), "--format", "table", "--width", "120"])
    assert res.exit_code == 0, res.stderr
    for h in ["NATO pulling out", "Threat of sanctions on Iraq backfires", "U.S. sanctions on Iran",
              "Iraq-Iran trade expands", "Chinese projects in Iraq", "Chinese projects with Iran",
              "Attacks breed resistance"]:
        assert h in res.stdout
    assert "\x1b[" not in res.stdout  # not a terminal: no ANSI codes
    assert res.stderr == ""


@pytest.mark.parametrize(("args", "code", "line"), [
    (["analyze", "no/such/file.txt"], ExitCode.INPUT, "framing: error: no such file: no/such/file.txt\n"),
    (["analyze", "tests"], ExitCode.INPUT,
     "framing: error: is a directory: tests (pass a file, or use `framing batch`)\n"),
    (["analyze", "x.txt", "--scorers", "nope"], ExitCode.USAGE, None),
])
def test_cli_errors_are_one_line(runner, args, code, line, tmp_path) -> None:  # type: ignore[no-untyped-def]
    if args[1] == "x.txt":
        (tmp_path / "x.txt").write_text("A sentence here.")
        args = ["analyze", str(tmp_path / "x.txt"), *args[2:]]
    res = runner.invoke(app, args)
    assert res.exit_code == code
    assert res.stdout == ""
    if line:
        assert res.stderr == line
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("framing: error: ")


def test_cli_output_file_is_written(runner, seed_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.json"
    res = runner.invoke(app, ["analyze", str(seed_path), "-o", str(out)])
    assert res.exit_code == 0
    assert res.stdout == ""
    assert json.loads(out.read_text())["title"].startswith("Iran-Iraq")


def test_cli_help_has_examples(runner) -> None:  # type: ignore[no-untyped-def]
    for cmd in ["analyze", "scorers", "train"]:
        res = runner.invoke(app, [cmd, "--help"])
        assert res.exit_code == 0
        assert "Example" in res.stdout


def test_cli_output_file_respects_umask(runner, seed_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = tmp_path / "r.json"
        assert runner.invoke(app, ["analyze", str(seed_path), "-o", str(out)]).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temp file left behind
