"""``python -m framing.evaluation [--json] [--model ENCODER] [NAME ...]``: run end-to-end evaluations.

Prints the summary table (task, last round's held-out figure, this dev figure, target) after the
JSON of every evaluation; ``--json`` prints the JSON alone.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

from ..train.__main__ import _get  # the dotted-key reader of the model card summary
from . import EVALUATIONS, TABLE


def _fmt(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return "–"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def table(results: dict[str, Any]) -> str:
    rows = ["| task | held-out, last round | dev now (report part) | dev now (tune part) | target |",
            "|---|---|---|---|---|"]
    for task, name, report_key, tune_key, held_out, target in TABLE:
        if name not in results:
            continue
        rep, tune = _get(results[name], report_key), _get(results[name], tune_key) if tune_key else None
        rows.append(f"| {task} | {held_out} | **{_fmt(rep)}** | {_fmt(tune)} | {target} |")
    return "\n".join(rows) + "\n"


def run(argv: list[str]) -> int:
    if argv and argv[0] in {"-h", "--help"}:
        sys.stderr.write("usage: python -m framing.evaluation [--json] [--model ENCODER] [NAME ...]\n"
                         f"evaluations: {', '.join(EVALUATIONS)}\n")
        return 0
    argv = list(argv)
    if "--model" in argv:  # every evaluation's pipeline runs this encoder (as `framing --model`)
        at = argv.index("--model")
        from . import _cli

        _cli.MODEL = argv[at + 1]
        del argv[at:at + 2]
    as_json = "--json" in argv
    names = [a for a in argv if a != "--json"] or list(EVALUATIONS)
    unknown = [n for n in names if n not in EVALUATIONS]
    if unknown:
        sys.stderr.write(f"unknown evaluation {unknown[0]}; choose from {', '.join(EVALUATIONS) or '(none)'}\n")
        return 2
    results = {}
    for name in names:
        sys.stderr.write(f"== {name}\n")
        results[name] = importlib.import_module(EVALUATIONS[name]).run()
    sys.stdout.write(json.dumps(results, indent=2, sort_keys=True) + "\n")
    if not as_json:
        sys.stdout.write("\nDev figures through the CLI's code path (a hidden test split judges the project):\n\n"
                         + table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
