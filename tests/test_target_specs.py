"""User targets: one parser for analyze, batch (flags and per-record targets) and compare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.cli import app
from framing.errors import ExitCode, UsageError
from framing.target_specs import combine, merge, normalize, parse_spec, read_file

TEXT = ("Acme Corp announced a plan on Monday.\n\n"
        "Critics said ACME Inc. had misled investors, and Acme denied it.\n")


def test_parse_spec_and_forms() -> None:
    assert parse_spec("United States=U.S., Washington") == ("United States", ["U.S.", "Washington"])
    assert parse_spec("Trump") == ("Trump", [])
    with pytest.raises(UsageError):
        parse_spec("=U.S.")
    assert normalize([{"name": "Iran", "aliases": ["Tehran"]}, "Iraq=Baghdad"]) == {
        "Iran": ["Tehran"], "Iraq": ["Baghdad"]}
    assert normalize({"targets": {"A": "a, b", "B": None}}) == {"A": ["a", "b"], "B": []}
    assert normalize(None) == {}
    for bad in (3, [3], {"A": [1]}, {"": ["a"]}, [{"name": " ", "aliases": []}]):
        with pytest.raises(UsageError):
            normalize(bad, "record r")


def test_duplicate_names_merge_their_aliases_everywhere() -> None:
    assert normalize(["A=a", "A=b,a", {"name": "A", "aliases": ["c"]}]) == {"A": ["a", "b", "c"]}
    assert merge({"A": ["a"], "B": []}, None, {"A": ["x", "a"]}) == {"A": ["a", "x"], "B": []}
    assert merge(None, {}) is None


def test_read_file_toml_and_json(tmp_path: Path) -> None:
    j = tmp_path / "t.json"
    j.write_text(json.dumps({"United States": ["U.S.", "Washington"]}))
    assert read_file(j) == {"United States": ["U.S.", "Washington"]}
    t = tmp_path / "t.toml"
    t.write_text('[targets]\n"United States" = ["U.S.", "Washington"]\nIran = []\n')
    assert read_file(t) == {"United States": ["U.S.", "Washington"], "Iran": []}
    assert combine(["Iran=Tehran", "Iran=Persia"], t) == {
        "United States": ["U.S.", "Washington"], "Iran": ["Tehran", "Persia"]}


@pytest.mark.parametrize("content,name", [(None, "gone.json"), ("{not json", "bad.json"),
                                          ('[targets]\nA = 3\n', "bad.toml"), (b"\xff\xfe", "bin.json")])
@pytest.mark.parametrize("command", ["analyze", "batch", "compare"])
def test_a_bad_targets_file_exits_2_in_every_command(runner, tmp_path: Path, command: str,  # type: ignore[no-untyped-def]
                                                      content: str | bytes | None, name: str) -> None:
    art = tmp_path / "a.txt"
    art.write_text(TEXT)
    tf = tmp_path / name
    if isinstance(content, bytes):
        tf.write_bytes(content)
    elif content is not None:
        tf.write_text(content)
    args = [command, str(art)] + ([str(art)] if command == "compare" else []) + [
        "--targets-file", str(tf), "--format", "jsonl" if command == "batch" else "json", "--scorers", "stance"]
    res = runner.invoke(app, args)
    assert res.exit_code == ExitCode.USAGE, (res.stdout, res.stderr)
    assert res.stderr.count("\n") == 1 and str(tf) in res.stderr and res.stderr.startswith("framing: error:")
    assert res.stdout == ""


def _aliases(report: dict, name: str) -> set[str]:
    return set(next(t for t in report["targets"] if t["name"] == name)["aliases"])


@pytest.mark.model
def test_file_and_flags_merge_in_analyze_batch_and_compare(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    art = tmp_path / "a.txt"
    art.write_text(TEXT)
    tf = tmp_path / "t.json"
    tf.write_text(json.dumps({"Acme Corp": ["Acme"]}))
    flags = ["--targets-file", str(tf), "--target", "Acme Corp=ACME Inc.", "--scorers", "stance",
             "--format", "json"]
    want = {"Acme", "ACME Inc."}

    res = runner.invoke(app, ["analyze", str(art), *flags])
    assert res.exit_code == 0, res.stderr
    assert want <= _aliases(json.loads(res.stdout), "Acme Corp")

    res = runner.invoke(app, ["compare", str(art), str(art), *flags])
    assert res.exit_code == 0, res.stderr
    group = _aliases(json.loads(res.stdout), "Acme Corp")  # the aligned target of both articles
    assert want <= group

    # a record's own targets merge with the run-wide ones (the same rule, not "the record wins")
    rec = tmp_path / "r.jsonl"
    rec.write_text(json.dumps({"id": "r1", "text": TEXT, "targets": {"Acme Corp": ["Acme Corp."]}}) + "\n"
                   + json.dumps({"id": "r2", "text": TEXT, "targets": 3}) + "\n")
    res = runner.invoke(app, ["batch", "--input", str(rec), "--no-cache", *flags[:-2], "--format", "jsonl"])
    assert res.exit_code == ExitCode.PARTIAL, res.stderr  # r2's targets are bad: that record fails
    out = {r["id"]: r for r in map(json.loads, res.stdout.splitlines())}
    assert want <= _aliases(out["r1"], "Acme Corp")
    assert out["r2"]["error"]["code"] == ExitCode.USAGE and "record r2" in out["r2"]["error"]["message"]
