"""Issue 17 through the CLI: strict gates, errors as documented (exit codes, hints, messages)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from framing.cli import app
from framing.errors import ExitCode

ROOT = Path(__file__).resolve().parents[1]


# -- strict gates ------------------------------------------------------------------------------
@pytest.mark.parametrize("quiet", [[], ["-q"]])
@pytest.mark.parametrize(("gate", "suggestion"), [
    ("loaded_densty>5", "did you mean loaded_density?"),
    ("frames[Econmic]>0.5", "did you mean Economic?"),
    ("bogus>1", "choose from article, bias, "),
])
def test_misspelt_gate_exits_2_before_analysis(runner, seed_path, quiet, gate, suggestion) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["batch", str(seed_path), "--no-cache", "--fail-on", gate, *quiet])
    assert res.exit_code == ExitCode.USAGE
    assert res.stdout == ""  # nothing was analysed
    assert res.stderr.startswith("framing: error: unknown ") and suggestion in res.stderr
    assert len(res.stderr.splitlines()) == 1


@pytest.mark.model
@pytest.mark.parametrize("quiet", [[], ["-q"]])
def test_gate_on_targets_after_the_run(runner, seed_path, tmp_path, quiet) -> None:  # type: ignore[no-untyped-def]
    common = ["batch", str(seed_path), "--cache-dir", str(tmp_path), *quiet]
    # a near-miss of a target the article names: a misspelling, exit 2 (after the output)
    res = runner.invoke(app, [*common, "--fail-on", "stance[Trmp]<0"])
    assert res.exit_code == ExitCode.USAGE
    assert res.stderr.splitlines()[-1] == ("framing: error: unknown target 'Trmp' in --fail-on "
                                           "'stance[Trmp]<0': no article mentions it (did you mean Trump?)")
    # an actor the article does not name: reported (even with -q), the run passes by default...
    res = runner.invoke(app, [*common, "--fail-on", "stance[Joe Biden]<0"])
    assert res.exit_code == ExitCode.OK
    assert "framing: warning: --fail-on stance[Joe Biden]<0 not evaluated for 1 article(s)" in res.stderr
    assert json.loads(res.stdout)["gates"]["not_evaluated"] == ["stance[Joe Biden]<0"]
    # ...and fails it with --gate-missing fail
    res = runner.invoke(app, [*common, "--fail-on", "stance[Joe Biden]<0", "--gate-missing", "fail"])
    assert res.exit_code == ExitCode.THRESHOLD
    # a target that is there is evaluated
    res = runner.invoke(app, [*common, "--fail-on", "stance[Trump]<0"])
    assert res.exit_code == ExitCode.THRESHOLD
    assert re.match(r"framing: threshold: stance\[Trump\]<0 \(-0\.\d+\)", res.stderr)


# -- errors as documented ----------------------------------------------------------------------
def test_exit_codes_table_is_the_readme_table() -> None:
    from framing.errors import EXIT_CODES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", section, re.M))
    assert {int(c): m for c, m in rows.items()} == {int(c): m for c, m in EXIT_CODES.items()}
    assert set(EXIT_CODES) == set(ExitCode)
    # docs/batch.md names only codes from the table
    batch_doc = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    batch_doc = batch_doc.split("## Keep going, and exit codes", 1)[1].split("\n## ", 1)[0]
    for code in re.findall(r"^\| (\d+)(?: / (\d+))? \|", batch_doc, re.M):
        assert {int(c) for c in code if c} <= {int(c) for c in ExitCode}


def _options() -> set[str]:
    from typer.main import get_command

    opts: set[str] = {"--help"}

    def walk(cmd) -> None:  # type: ignore[no-untyped-def]
        for p in cmd.params:
            opts.update(o for o in [*p.opts, *p.secondary_opts] if o.startswith("--"))
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(get_command(app))
    return opts


def test_every_hint_names_only_options_that_exist() -> None:
    """Every ``--option`` named in a string of the package (hints, messages, help) exists.
    The training and evaluation scripts (their own argv) and CSS custom properties are not CLI options."""
    import io
    import tokenize

    opts = _options()
    bad = []
    for f in sorted((ROOT / "src" / "framing").rglob("*.py")):
        if "train" in f.parts or "evaluation" in f.parts or f.name in ("encoder_ft.py", "quantize.py"):
            continue  # developer tools with their own argv
        for tok in tokenize.generate_tokens(io.StringIO(f.read_text(encoding="utf-8")).readline):
            if tok.type == tokenize.STRING:
                for name in re.findall(r"(?<![\w(-])--[a-z][a-z0-9-]*(?![\w:-])", tok.string):
                    if name not in opts:
                        bad.append(f"{f.relative_to(ROOT)}:{tok.start[0]}: {name}")
    assert bad == []


def test_oversized_input_hint(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from framing.load import MAX_BYTES

    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (MAX_BYTES // 5 + 1))
    res = runner.invoke(app, ["analyze", str(big), "-f", "json"])
    assert res.exit_code == ExitCode.INPUT
    assert res.stderr == (f"framing: error: input too large: {big} is over 8 MiB "
                          "(split it into parts under the limit)\n")


def test_missing_lexicon_is_a_model_error(runner, seed_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["analyze", str(seed_path), "-f", "json", "--lexicon", str(tmp_path / "no.tsv")])
    assert res.exit_code == ExitCode.MODEL == 4  # README: "lexicon (shipped or --lexicon) ... missing"
    assert res.stderr == f"framing: error: lexicon file not found: {tmp_path / 'no.tsv'}\n"
    bad = tmp_path / "bad.tsv"
    bad.write_text("slam\tnot_a_category\t0.5\n")
    res = runner.invoke(app, ["analyze", str(seed_path), "-f", "json", "--lexicon", str(bad)])
    assert res.exit_code == ExitCode.MODEL and len(res.stderr.splitlines()) == 1


@pytest.mark.parametrize("model", ["/missing/dir", "./no/such/model"])
def test_missing_model_directory_is_one_plain_line(runner, seed_path, model) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["analyze", str(seed_path), "-f", "json", "--model", model])
    assert res.exit_code == ExitCode.MODEL
    assert res.stderr.startswith(f"framing: error: model directory not found: {model} (pass a directory")
    assert len(res.stderr.splitlines()) == 1 and "Repo id" not in res.stderr


def test_model_path_that_is_a_file(runner, seed_path) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["analyze", str(seed_path), "-f", "json", "--model", str(seed_path)])
    assert res.exit_code == ExitCode.MODEL
    assert res.stderr.startswith(f"framing: error: --model {seed_path} is a file, not a model directory")


def _unshare_works() -> bool:
    exe = shutil.which("unshare")
    return bool(exe) and subprocess.run([exe, "-rn", "true"], capture_output=True).returncode == 0


@pytest.mark.model
@pytest.mark.skipif(not _unshare_works(), reason="needs unshare -rn (a network namespace)")
def test_workers_without_network_fall_back_to_this_process(seed_path, tmp_path) -> None:
    """In a network namespace with no interfaces a LocalCluster cannot start: the batch runs
    here, with one warning, and gives the same report as a plain run."""
    env_cmd = [sys.executable, "-m", "framing", "batch", str(seed_path), "--no-cache"]
    res = subprocess.run(["unshare", "-rn", *env_cmd, "--workers", "2"], capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    assert res.returncode == ExitCode.OK, res.stderr
    assert res.stderr.startswith("framing: WARNING: cannot start a local Dask cluster (this machine "
                                 "refuses local TCP connections (no network)); running the batch in "
                                 "this process instead\n")
    assert "unexpected" not in res.stderr
    plain = subprocess.run(env_cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    drop = ("models",)
    a, b = json.loads(res.stdout), json.loads(plain.stdout)
    assert {k: v for k, v in a.items() if k not in drop} == {k: v for k, v in b.items() if k not in drop}


# -- tidy CSV ----------------------------------------------------------------------------------
@pytest.mark.model
def test_batch_csv_has_fixed_bounded_columns(runner, seed_text, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Six articles naming different actors, and a bad record: every table has exactly its fixed
    header (no column per actor), one row per article / section / article x target."""
    import csv
    import io

    from framing.render.csv import columns

    paras = [p for p in seed_text.splitlines() if p.strip()]
    recs = [{"id": f"a{i}", "text": "\n\n".join(paras[i * 7:i * 7 + 9])} for i in range(6)]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in recs) + "\n{\"id\": \"broken\"}\n")
    common = ["batch", "--input", str(src), "--cache-dir", str(tmp_path / "c"), "-q", "--ordered"]
    res = runner.invoke(app, common)
    reports = [json.loads(line) for line in res.stdout.splitlines()]
    assert res.exit_code == ExitCode.PARTIAL and len(reports) == 7
    n_targets = sum(len(r.get("targets", [])) for r in reports)
    assert n_targets > 20  # many actors: the old CSV had a column per actor and metric
    assert all("error" not in r for r in reports[:6])

    for per, n_rows in [("article", 7), ("section", sum(len(r.get("sections", [1])) for r in reports)),
                        ("target", n_targets + 1)]:
        res = runner.invoke(app, [*common, "--format", "csv", "--per", per])
        assert res.exit_code == ExitCode.PARTIAL, res.stderr
        table = list(csv.reader(io.StringIO(res.stdout)))
        assert tuple(table[0]) == columns(per) and len(table[0]) <= 60
        assert {len(r) for r in table} == {len(table[0])}
        assert len(table) - 1 == n_rows
        rows = list(csv.DictReader(io.StringIO(res.stdout)))
        assert rows[-1]["id"] == "broken" and rows[-1]["error_code"] == "3"
        if per == "article":
            assert float(rows[0]["sentiment.score"]) == reports[0]["summary"]["sentiment"]["score"]
            assert float(rows[0]["frames.Economic"]) == reports[0]["summary"]["frames"]["scores"]["Economic"]
        if per == "target":
            t = reports[0]["targets"][0]
            assert (rows[0]["id"], rows[0]["target"], float(rows[0]["stance.score"])) == \
                ("a0", t["name"], t["stance"]["score"])

    res = runner.invoke(app, [*common, "--format", "csv", "--per", "target", "-o", str(tmp_path / "o")])
    assert (tmp_path / "o" / "targets.csv").read_text().splitlines()[0] == ",".join(columns("target"))


# -- input cleaning and format ---------------------------------------------------------------
DRAFT = """# Council approves the harbour budget

*Draft — not for publication*

The city council approved the **harbour budget** on Tuesday after a long debate, according to
[the minutes](https://example.org/minutes). Mayor Anna Berg said the plan was "a fair deal".

## Opposition

Councillor Tom Reed called the vote a _reckless gamble_ and said the [Harbour Authority][ha]
had ignored the residents.

[ha]: https://example.org/ha
"""


@pytest.mark.model
def test_markdown_draft_emphasis_is_not_an_actor(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "draft.md"
    p.write_text(DRAFT, encoding="utf-8")
    res = runner.invoke(app, ["analyze", str(p), "-f", "json"])
    assert res.exit_code == 0, res.stderr
    rep = json.loads(res.stdout)
    names = [t["name"] for t in rep["targets"]]
    assert "Draft" not in names and "Anna Berg" in names and "Harbour Authority" in names
    assert rep["article"]["format"] == "md"
    for sec in rep["sections"]:
        for para in sec["paragraphs"]:
            assert not re.search(r"\*|\]\(|https?://", para["text"])
            for s in para["sentences"]:  # offsets point into the cleaned text the report shows
                assert para["start"] <= s["start"] < s["end"] <= para["end"]
                assert s["text"] == para["text"][s["start"] - para["start"]:s["end"] - para["start"]]


@pytest.mark.model
def test_html_input_is_reported_as_html(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "page.html"
    p.write_text("<html><head><title>Harbour budget</title></head><body><article><h1>Harbour "
                 "budget</h1><p>The council approved the <b>harbour budget</b> on Tuesday after a "
                 "long debate about the port.</p><p>Mayor Anna Berg said the plan was fair to the "
                 "residents of the city.</p></article></body></html>", encoding="utf-8")
    res = runner.invoke(app, ["analyze", str(p), "-f", "json"])
    assert res.exit_code == 0, res.stderr
    rep = json.loads(res.stdout)
    assert rep["article"]["format"] == "html" and "**" not in res.stdout


# -- the HTML page opens with its findings -----------------------------------------------------
@pytest.mark.model
def test_html_page_shows_findings_before_its_first_chart(runner, seed_path) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["analyze", str(seed_path), "-f", "json"])
    findings = json.loads(res.stdout)["comparison"]["findings"]
    res = runner.invoke(app, ["analyze", str(seed_path), "-f", "html"])
    assert res.exit_code == 0, res.stderr
    page = res.stdout
    order = [page.index(m) for m in ('<h2 id="h-findings">', '<h2 id="h-profile">', '<svg class="chart',
                                     '<h2 id="h-x-targets">', '<h2 id="h-text">')]
    assert order == sorted(order)
    block = page[page.index('<ol class="findings">'):page.index("</ol>", page.index('<ol class="findings">'))]
    assert block.count("<li>") == len(findings) >= 2
    from html import escape

    assert escape(findings[0], quote=False) in block
    assert escape(findings[0], quote=False) + ", " not in page  # not one comma-joined line
    # the data blocks (targets, comparison) are collapsed
    for key in ("targets", "comparison"):
        sec = page[page.index(f'<h2 id="h-x-{key}">'):]
        assert sec.index("<details><summary>Data: ") < 80


# -- narrow terminals --------------------------------------------------------------------------
@pytest.mark.model
def test_table_at_60_columns_drops_columns_not_words(runner, seed_path) -> None:  # type: ignore[no-untyped-def]
    from rich.cells import cell_len

    res = runner.invoke(app, ["analyze", str(seed_path), "-f", "table", "--color", "never"],
                        env={"COLUMNS": "60"})
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    assert max(cell_len(line) for line in out.splitlines()) <= 60
    headings = ["NATO pulling out", "Threat of sanctions on Iraq backfires", "Attacks breed resistance"]
    for block_start, block_end in [("Section profiles", "Arc through"),
                                   ("Sentiment by section", "Framing by section"),
                                   ("Stance by section", "Frames (article")]:
        block = out[out.index(block_start):out.index(block_end)]
        for h in headings:  # section names wrap between words, never inside one
            for word in h.split():
                assert re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", block), (block_start, word)
    targets = out[out.index("Targets (stance"):out.index("Stance by section")]
    assert "Quoted" in targets and "(speakers)" in targets  # the quoted voices are kept
    hidden = re.findall(r"narrow terminal: (.+?) not shown", out.replace("\n", " "))
    assert hidden and all(h.strip() for h in hidden)  # what is dropped is named
    assert "Label" in " ".join(hidden)

    wide = runner.invoke(app, ["analyze", str(seed_path), "-f", "table", "--color", "never"],
                         env={"COLUMNS": "140"})
    assert "narrow terminal" not in wide.stdout and "Most + / − ¶" in wide.stdout
