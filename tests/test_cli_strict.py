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
    assert res.stderr.startswith("framing: threshold: stance[Trump]<0 (-0.49")
