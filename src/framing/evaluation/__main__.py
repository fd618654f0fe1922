"""``python -m framing.evaluation [NAME ...]``: run end-to-end evaluations, print JSON."""

from __future__ import annotations

import importlib
import json
import sys

from . import EVALUATIONS


def run(argv: list[str]) -> int:
    if argv and argv[0] in {"-h", "--help"}:
        sys.stderr.write(f"usage: python -m framing.evaluation [NAME ...]\nevaluations: {', '.join(EVALUATIONS)}\n")
        return 0
    names = argv or list(EVALUATIONS)
    unknown = [n for n in names if n not in EVALUATIONS]
    if unknown:
        sys.stderr.write(f"unknown evaluation {unknown[0]}; choose from {', '.join(EVALUATIONS) or '(none)'}\n")
        return 2
    results = {}
    for name in names:
        sys.stderr.write(f"== {name}\n")
        results[name] = importlib.import_module(EVALUATIONS[name]).run()
    sys.stdout.write(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
