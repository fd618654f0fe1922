"""``python -m framing.train [all|eval|NAME ...]``: rebuild or re-measure shipped artifacts."""

from __future__ import annotations

import importlib
import json
import sys

#: name -> module with main(argv) (rebuild models/<name>.v1/) and evaluate() -> dict (dev metrics)
TRAINERS: dict[str, str] = {
    "sentiment": "framing.train.sentiment",
}


def run(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        sys.stderr.write("usage: python -m framing.train all|eval|NAME [NAME ...]\n"
                         f"trainers: {', '.join(TRAINERS)}\n")
        return 0 if argv else 2
    if argv[0] == "eval":
        names = argv[1:] or list(TRAINERS)
        results = {n: importlib.import_module(TRAINERS[n]).evaluate() for n in names}
        sys.stdout.write(json.dumps(results, indent=2, sort_keys=True) + "\n")
        return 0
    names = list(TRAINERS) if argv[0] == "all" else argv
    for name in names:
        if name not in TRAINERS:
            sys.stderr.write(f"unknown trainer {name}; choose from {', '.join(TRAINERS)}\n")
            return 2
        sys.stderr.write(f"== training {name}\n")
        importlib.import_module(TRAINERS[name]).main([])
    return 0


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
