"""framing batch: inputs, keep-going error capture, shared encoder batches, writers, CLI exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from framing import batch as b
from framing.errors import ExitCode

ARTICLES = {
    "calm.txt": "The city council met on Tuesday to review the annual budget.\n\n"
                "Members discussed road repairs and library hours. The vote is expected next week.\n",
    "angry.md": "# Outrage\n\nThe reckless plan is a disgrace and a betrayal of every voter.\n\n"
                "Furious residents said the corrupt officials had lied to them again.\n",
    "happy.txt": "Volunteers celebrated the wonderful new park with music and laughter.\n\n"
                 "Families said it was a delightful, generous gift to the whole town.\n",
}


def write_corpus(root: Path) -> dict[str, Path]:
    """Three good articles and the usual corrupt files (binary, invalid UTF-8, empty, blank)."""
    root.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in ARTICLES.items():
        paths[name] = root / name
        paths[name].write_text(text, encoding="utf-8")
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / "latin1.txt").write_bytes("Caf\xe9 owners protested the new tax.".encode("latin-1"))
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.md").write_text("   \n\n  \n", encoding="utf-8")
    (root / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # not an article suffix
    (root / ".hidden.txt").write_text("hidden", encoding="utf-8")
    return paths


def run(items, pipeline, **kw):  # type: ignore[no-untyped-def]
    return list(b.process(items, b.BatchOptions(**kw), pipeline))


# -- inputs ----------------------------------------------------------------------------------
def test_batch_expand_inputs_dirs_globs_missing(tmp_path: Path) -> None:
    write_corpus(tmp_path / "news")
    (tmp_path / "news" / "sub").mkdir()
    (tmp_path / "news" / "sub" / "deep.html").write_text("<p>x</p>", encoding="utf-8")
    items = b.expand_inputs([str(tmp_path / "news"), str(tmp_path / "news" / "calm.txt"),
                             str(tmp_path / "gone.txt"), str(tmp_path / "*.nothing"),
                             str(tmp_path / "news" / "h*.txt")])
    ids = [i.id for i in items]
    news = tmp_path / "news"
    assert ids[:7] == [str(news / n) for n in ["angry.md", "binary.txt", "blank.md", "calm.txt",
                                               "empty.txt", "happy.txt", "latin1.txt"]]
    assert ids[7] == str(news / "sub" / "deep.html")
    # calm.txt again is deduplicated; the missing file stays (it fails when loaded); the empty glob
    # becomes an error item; h*.txt adds nothing new
    assert ids[8:] == [str(tmp_path / "gone.txt"), str(tmp_path / "*.nothing")]
    assert items[8].error is None
    assert items[9].error == {"code": 3, "message": f"no files match: {tmp_path / '*.nothing'}"}


def test_batch_expand_empty_directory_is_named(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    [item] = b.expand_inputs([str(tmp_path / "empty")])
    assert item.error is not None and item.error["message"].startswith("no article files")


def test_batch_read_records() -> None:
    lines = [
        '{"id": "r1", "text": "Hello there.", "title": "T", "targets": {"Acme": ["Acme Corp"]}}\n',
        "\n",
        "not json\n",
        '{"id": "r4", "title": "no text"}\n',
        "[1, 2]\n",
        '{"id": 5, "text": "x", "targets": 3}\n',
        '{"text": "anonymous", "targets": ["Acme=ACME,Acme Inc."]}\n',
    ]
    items = list(b.read_records(lines, "in.jsonl"))
    assert [i.id for i in items] == ["r1", "in.jsonl:3", "r4", "in.jsonl:5", "5", "in.jsonl:7"]
    as_bytes = list(b.read_records([ln.encode() for ln in lines] + [b'{"id": "z", "text": "\xff"}\n'],
                                   "in.jsonl"))
    assert as_bytes[:-1] == items
    assert as_bytes[-1].error == {"code": 3, "message": "not valid utf-8: in.jsonl:8 (byte 21)"}
    assert items[0].title == "T" and items[0].targets == {"Acme": ["Acme Corp"]} and items[0].error is None
    assert items[1].error["message"].startswith("not a JSON record")
    assert items[2].error == {"code": 3, "message": 'record has no "text" string: r4'}
    assert items[3].error["message"] == "record is not an object: in.jsonl:5"
    assert items[4].error["code"] == 2 and "bad targets in record 5" in items[4].error["message"]
    assert items[5].targets == {"Acme": ["ACME", "Acme Inc."]} and items[5].text == "anonymous"


# -- processing (real encoder) ----------------------------------------------------------------
@pytest.mark.model
def test_batch_keeps_going_past_corrupt_files(tmp_path: Path, pipeline) -> None:  # type: ignore[no-untyped-def]
    write_corpus(tmp_path)
    items = b.expand_inputs([str(tmp_path), str(tmp_path / "missing.txt")])
    out = run(items, pipeline)
    assert [o.id for o in out] == [i.id for i in items]  # input order, nothing lost
    ok = {Path(o.id).name: o for o in out if o.ok}
    bad = {Path(o.id).name: o.error for o in out if not o.ok}
    assert set(ok) == set(ARTICLES)
    assert set(bad) == {"binary.txt", "latin1.txt", "empty.txt", "blank.md", "missing.txt"}
    assert all(e["code"] == int(ExitCode.INPUT) for e in bad.values())
    assert bad["binary.txt"]["message"] == f"binary file: {tmp_path / 'binary.txt'}"
    assert bad["latin1.txt"]["message"].startswith(f"not valid utf-8: {tmp_path / 'latin1.txt'}")
    assert bad["missing.txt"]["message"] == f"no such file: {tmp_path / 'missing.txt'}"
    for name, o in ok.items():
        assert o.report["id"] == str(tmp_path / name)
        assert o.report["summary"]["sentences"] >= 2
    assert ok["angry.md"].report["summary"]["sentiment"]["score"] < \
        ok["happy.txt"].report["summary"]["sentiment"]["score"]


@pytest.mark.model
def test_batch_shares_encoder_batches_and_isolates_a_failing_chunk(pipeline, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []
    real = pipeline.analyze_articles

    def spy(articles, deadline=None):  # type: ignore[no-untyped-def]
        calls.append(len(articles))
        if any("POISON" in a.text for a, _ in articles):
            raise RuntimeError("scorer crashed")
        return real(articles, deadline)

    monkeypatch.setattr(pipeline, "analyze_articles", spy)
    items = [b.Item(id=f"r{i}", text=t) for i, t in enumerate(ARTICLES.values())]
    out = run(items, pipeline)
    assert calls == [3] and all(o.ok for o in out)  # one encoder pass for the three articles

    calls.clear()
    items.insert(1, b.Item(id="poison", text="This sentence carries POISON for the scorer."))
    out = run(items, pipeline)
    assert calls == [4, 1, 1, 1, 1]  # the chunk failed, then each article alone
    assert [o.id for o in out] == ["r0", "poison", "r1", "r2"]
    assert [o.ok for o in out] == [True, False, True, True]
    assert out[1].error == {"code": 1, "message": "unexpected RuntimeError: scorer crashed"}


@pytest.mark.model
def test_batch_chunks_bound_the_encoder_batch(pipeline, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []
    real = pipeline.analyze_articles
    monkeypatch.setattr(pipeline, "analyze_articles",
                        lambda a, deadline=None: calls.append(len(a)) or real(a, deadline))
    items = [b.Item(id=f"r{i}", text=t) for i, t in enumerate(list(ARTICLES.values()) * 2)]
    out = run(items, pipeline, chunk_sentences=4)  # each article has 2-3 sentences
    assert [o.id for o in out] == [i.id for i in items]
    assert sum(calls) == 6 and max(calls) == 2


@pytest.mark.model
def test_batch_record_targets_reach_the_pipeline(pipeline, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[object] = []
    real = pipeline.analyze_articles
    monkeypatch.setattr(pipeline, "analyze_articles",
                        lambda arts, deadline=None: seen.extend(t for _, t in arts) or real(arts, deadline))
    lines = [json.dumps({"id": "a", "text": "Acme Corp fired workers. Acme denied it.",
                         "targets": {"Acme": ["Acme Corp"]}}),
             json.dumps({"id": "b", "text": "The mayor opened a park. She was cheered."})]
    out = list(b.process(b.read_records(lines), b.BatchOptions(targets={"Mayor": ["the mayor"]}),
                         pipeline))
    assert [o.ok for o in out] == [True, True]
    assert seen == [{"Mayor": ["the mayor"], "Acme": ["Acme Corp"]}, {"Mayor": ["the mayor"]}]


@pytest.mark.model
def test_batch_record_title_and_id(pipeline) -> None:  # type: ignore[no-untyped-def]
    [o] = run([b.Item(id="rec-1", text=ARTICLES["calm.txt"], title="Budget night")], pipeline)
    assert o.report["id"] == "rec-1" and o.report["title"] == "Budget night"


@pytest.mark.model
def test_batch_stance_per_record_targets() -> None:
    from framing.scorers import available

    if "stance" not in available():
        pytest.skip("stance scorer not registered yet")
    from framing.pipeline import Pipeline

    pipe = Pipeline(["stance"])
    lines = [json.dumps({"id": "acme", "targets": {"Acme": ["Acme Corp"]},
                         "text": "Acme Corp cheated its workers and lied to regulators.\n\n"
                                 "Critics said Acme had betrayed the town.\n"}),
             json.dumps({"id": "zed", "targets": ["Zed Party=Zed"],
                         "text": "The Zed Party won praise for its generous plan.\n\n"
                                 "Voters said Zed had kept every promise.\n"})]
    out = list(b.process(b.read_records(lines), b.BatchOptions(scorers=("stance",)), pipe))
    assert all(o.ok for o in out), [o.error for o in out]
    stance = {o.id: {e["target"]: e for e in o.report["summary"]["stance"]} for o in out}
    assert "Acme" in stance["acme"] and "Zed Party" not in stance["acme"]
    assert "Zed Party" in stance["zed"] and "Acme" not in stance["zed"]
    assert stance["acme"]["Acme"]["mentions"] >= 2
    assert stance["acme"]["Acme"]["score"] < stance["zed"]["Zed Party"]["score"]
    # gates read per-target stance, by name or by the record's alias
    from framing.gates import parse

    gate = parse("stance[Zed]>-2")
    assert gate.evaluate(out[1].report).tripped and gate.evaluate(out[0].report).not_evaluated


# -- writers ---------------------------------------------------------------------------------
def _outcomes() -> list[b.Outcome]:
    rep = {"id": "a/x.txt", "title": "X", "summary": {"sentiment": {"score": -0.5, "label": "negative"},
                                                       "words": 10, "most_positive": {"paragraph": 0}},
           "sections": [{"index": 0, "heading": None, "start": 0, "end": 5,
                         "summary": {"sentiment": {"score": -0.5}}},
                        {"index": 1, "heading": "Two", "start": 6, "end": 9,
                         "summary": {"sentiment": {"score": 0.1}}}]}
    return [b.Outcome("a/x.txt", report=rep), b.Outcome("b/x.txt", report={**rep, "id": "b/x.txt"}),
            b.Outcome("bad.txt", error={"code": 3, "message": "empty input: bad.txt"})]


def test_batch_dir_writer_names_are_unique_and_atomic(tmp_path: Path) -> None:
    w = b.DirWriter(tmp_path / "out")
    for o in _outcomes():
        w.write(o)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(names) == 3 and "a_x.txt.json" in names and "bad.txt.json" in names
    assert not [n for n in names if n.endswith(".tmp")]
    assert json.loads((tmp_path / "out" / "bad.txt.json").read_text()) == \
        {"id": "bad.txt", "error": {"code": 3, "message": "empty input: bad.txt"}}


def test_batch_csv_writer_per_article_and_section() -> None:
    buf = io.StringIO()
    w = b.CsvWriter(buf, "article")
    for o in _outcomes():
        w.write(o)
    w.close()
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert list(rows[0])[:4] == ["id", "title", "error_code", "error"]
    assert rows[0]["sentiment.score"] == "-0.5" and rows[0]["most_positive.paragraph"] == "0"
    assert rows[2] == {**dict.fromkeys(rows[0], ""), "id": "bad.txt", "error_code": "3",
                       "error": "empty input: bad.txt"}
    buf = io.StringIO()
    w = b.CsvWriter(buf, "section")
    for o in _outcomes():
        w.write(o)
    w.close()
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert [(r["id"], r["section"], r["heading"]) for r in rows] == [
        ("a/x.txt", "0", ""), ("a/x.txt", "1", "Two"), ("b/x.txt", "0", ""), ("b/x.txt", "1", "Two"),
        ("bad.txt", "", "")]


def test_batch_summary_exit_codes() -> None:
    from framing.gates import GateResult

    s = b.Summary()
    s.add(b.Outcome("a", report={}))
    assert s.exit_code() == ExitCode.OK
    s.add(b.Outcome("b", error={"code": 3, "message": "x"}))
    assert s.exit_code() == ExitCode.PARTIAL
    s.add(b.Outcome("c", report={}, gates=GateResult(tripped=[("bias>0.6", 0.7)])))
    assert s.exit_code() == ExitCode.THRESHOLD  # a tripped gate wins over failed articles
    assert s.to_json()["failed"] == [{"id": "b", "message": "x"}]


# -- CLI -------------------------------------------------------------------------------------
def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.model
def test_batch_cli_partial_run(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    from framing.cli import app

    write_corpus(tmp_path / "in")
    res = runner.invoke(app, ["batch", str(tmp_path / "in"), str(tmp_path / "gone.txt"),
                              "--cache-dir", str(tmp_path / "cache")])
    assert res.exit_code == ExitCode.PARTIAL, res.output
    lines = _jsonl(res.stdout)
    assert len(lines) == 8
    good = [r for r in lines if "error" not in r]
    assert sorted(Path(r["id"]).name for r in good) == sorted(ARTICLES)
    assert all(r["schema"] == "framing/report" for r in good)
    errors = {Path(r["id"]).name: r["error"] for r in lines if "error" in r}
    assert errors["empty.txt"] == {"code": 3, "message": f"empty input: {tmp_path / 'in' / 'empty.txt'}"}
    err_lines = [ln for ln in res.stderr.splitlines() if ln.startswith("framing: error:")]
    assert f"framing: error: no such file: {tmp_path / 'gone.txt'}" in err_lines
    assert f"framing: error: binary file: {tmp_path / 'in' / 'binary.txt'}" in err_lines
    assert len(err_lines) == 5
    assert "{" not in res.stderr  # the reports never go to stderr

    # -q keeps the error lines; a re-run reads every good article from the cache
    res2 = runner.invoke(app, ["batch", str(tmp_path / "in"), str(tmp_path / "gone.txt"), "-q",
                               "--cache-dir", str(tmp_path / "cache")])
    assert res2.exit_code == ExitCode.PARTIAL
    # the same records; errors and cache hits stream out as soon as they are known, so the
    # order may differ without --ordered
    assert sorted(res2.stdout.splitlines()) == sorted(res.stdout.splitlines())
    assert len(res2.stderr.splitlines()) == 5


@pytest.mark.model
def test_batch_cli_gates_and_outputs(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    from framing.cli import app

    paths = write_corpus(tmp_path / "in")
    good = [str(paths[n]) for n in ARTICLES]
    common = ["--no-cache", "-q"]
    res = runner.invoke(app, ["batch", *good, *common, "--fail-on", "sentiment<-0.2"])
    assert res.exit_code == ExitCode.THRESHOLD, res.output
    lines = _jsonl(res.stdout)
    tripped = [r["id"] for r in lines if r["gates"]["tripped"]]
    assert tripped == [str(paths["angry.md"])]
    assert res.stderr.startswith("framing: threshold: sentiment<-0.2 (")
    assert res.stderr.rstrip().endswith(f": {paths['angry.md']}")

    # a gate that never trips: exit 0; a gate on an absent target is not evaluated (warned)
    res = runner.invoke(app, ["batch", *good, "--no-cache", "--fail-on",
                              "sentiment<-0.99,stance[Vladimir Putin]>1"])
    assert res.exit_code == ExitCode.OK
    assert "--fail-on stance[Vladimir Putin]>1 not evaluated for 3 article(s), metric absent" in res.stderr

    # errors and a tripped gate together: THRESHOLD wins, the error is still named
    res = runner.invoke(app, ["batch", *good, str(paths["calm.txt"].parent / "empty.txt"), *common,
                              "--fail-on", "sentiment<-0.2"])
    assert res.exit_code == ExitCode.THRESHOLD
    assert "framing: error: empty input: " in res.stderr and "framing: threshold: " in res.stderr

    # -o DIR: one JSON file each
    res = runner.invoke(app, ["batch", *good, *common, "-o", str(tmp_path / "out")])
    assert res.exit_code == 0 and res.stdout == ""
    files = sorted((tmp_path / "out").glob("*.json"))
    assert len(files) == 3 and json.loads(files[0].read_text())["schema"] == "framing/report"

    # CSV per section on stdout
    res = runner.invoke(app, ["batch", *good, *common, "--format", "csv", "--per", "section"])
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["id"] for r in rows].count(str(paths["angry.md"])) == 1  # one "# Outrage" section
    assert {"sentiment.score", "section", "heading"} <= set(rows[0])

    # --fail-fast stops at the first bad input with its own exit code: in input order with
    # --ordered; else at once, before the article read ahead of it is finished
    res = runner.invoke(app, ["batch", str(paths["calm.txt"]), str(tmp_path / "gone.txt"),
                              str(paths["happy.txt"]), *common, "--fail-fast", "--ordered"])
    assert res.exit_code == ExitCode.INPUT
    assert [r["id"] for r in _jsonl(res.stdout)] == [str(paths["calm.txt"]), str(tmp_path / "gone.txt")]
    res = runner.invoke(app, ["batch", str(paths["calm.txt"]), str(tmp_path / "gone.txt"),
                              str(paths["happy.txt"]), *common, "--fail-fast"])
    assert res.exit_code == ExitCode.INPUT
    assert [r["id"] for r in _jsonl(res.stdout)] == [str(tmp_path / "gone.txt")]


@pytest.mark.model
def test_batch_cli_jsonl_stdin(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from framing.cli import app

    stdin = "\n".join([json.dumps({"id": "r1", "text": ARTICLES["calm.txt"], "title": "Budget"}),
                       "{broken", json.dumps({"id": "r3", "text": ""})]) + "\n"
    res = runner.invoke(app, ["batch", "--input", "-", "--no-cache", "--ordered"], input=stdin)
    assert res.exit_code == ExitCode.PARTIAL, res.output
    lines = _jsonl(res.stdout)
    assert [r["id"] for r in lines] == ["r1", "<stdin>:2", "r3"]  # --ordered: input order
    assert lines[0]["title"] == "Budget"
    assert lines[2]["error"] == {"code": 3, "message": "empty input: r3"}
    # by default each result is written as soon as it is known: the two bad records do not
    # wait for r1's analysis
    res = runner.invoke(app, ["batch", "--input", "-", "--no-cache"], input=stdin)
    assert res.exit_code == ExitCode.PARTIAL, res.output
    unordered = _jsonl(res.stdout)
    assert [r["id"] for r in unordered] == ["<stdin>:2", "r3", "r1"]
    assert sorted(map(json.dumps, unordered)) == sorted(map(json.dumps, lines))


def test_batch_cli_usage_errors(runner) -> None:  # type: ignore[no-untyped-def]
    from framing.cli import app

    res = runner.invoke(app, ["batch"])
    assert res.exit_code == ExitCode.USAGE
    assert res.stderr.startswith("framing: error: nothing to analyse")
    res = runner.invoke(app, ["batch", "x.txt", "--fail-on", "bias>>1"])
    assert res.exit_code == ExitCode.USAGE
    assert res.stderr == ("framing: error: bad --fail-on 'bias>>1': expected a number at column 6 "
                          '(write e.g. "bias>0.6,loaded_density>5,stance[Trump]<-0.5")\n')
    assert res.stdout == ""


def test_batch_html_writes_pages_and_index(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from framing.cli import app

    good = tmp_path / "good.txt"
    good.write_text("Officials praised the new bridge.\nCritics called the deal a reckless waste.\n")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00binary")
    out = tmp_path / "site"
    res = CliRunner().invoke(app, ["batch", str(good), str(bad), "-f", "html", "-o", str(out), "--no-cache"])
    assert res.exit_code == 5, res.stderr
    index = (out / "index.html").read_text()
    page = next(p for p in out.glob("*.html") if p.name != "index.html")
    assert f'href="{page.name}"' in index
    assert "bad.txt" in index  # the failed article is listed, not lost
    assert "Officials praised the new bridge." in page.read_text()
