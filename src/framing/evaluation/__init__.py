"""End-to-end evaluations: metrics measured on what a user reads, through the CLI's own code path.

``python -m framing.evaluation [NAME ...]`` (``make eval``) runs the registered evaluations and
prints one JSON object keyed by name. Each evaluation is a module in this package exposing
``run() -> dict``; it must go through the same code as the CLI (``framing.pipeline.Pipeline`` /
``framing.batch`` with JSONL records, the report the renderers read), never call a head directly
on gold spans. Where an evaluation tunes a decision rule, it tunes on one part of its dev data
(split by article or event) and reports the other, and says which is which in its output.

Adding an evaluation: a module here with ``run()`` and one line in ``EVALUATIONS``.
"""

from __future__ import annotations

#: name -> module exposing run() -> dict (dev figures, with the split they were measured on)
EVALUATIONS: dict[str, str] = {
    "sentences": "framing.evaluation.sentences",
    "newsmtsc": "framing.evaluation.newsmtsc",
    "articles": "framing.evaluation.articles",
    "readings": "framing.evaluation.readings",
    "actors": "framing.evaluation.actors",
    "basil": "framing.evaluation.basil",
}

#: The summary table of ``make eval``: (task, evaluation, key of the report-part figure, key of the
#: tune-part figure or None, last round's held-out figure as published in the issue, target).
TABLE: list[tuple[str, str, str, str | None, str, str]] = [
    ("sentence sentiment, NYT editorials, Pearson r", "sentences", "sentiment_nyt.report_pearson_r",
     "sentiment_nyt.tune_pearson_r", "0.648", ">= 0.72"),
    ("sentence bias, BABE, macro-F1", "sentences", "bias_babe.report_macro_f1", "bias_babe.tune_macro_f1",
     "0.751", ">= 0.80"),
    ("target stance, NewsMTSC rw, macro-F1", "newsmtsc", "rw.report_macro_f1", "rw.tune_macro_f1", "0.655", ">= 0.78"),
    ("target stance, NewsMTSC mt, macro-F1", "newsmtsc", "mt.report_macro_f1", "mt.tune_macro_f1", "0.603", ">= 0.75"),
    ("paragraph Loaded_Language F1", "articles", "loaded_language_semeval.report.f1",
     "loaded_language_semeval.tune.f1", "0.484", ">= 0.55"),
    ("article frames, micro-F1", "articles", "frames_semeval.report_micro_f1", "frames_semeval.tune_micro_f1",
     "0.703", ">= 0.70"),
    ("author's stance per main entity, BASIL, macro-F1", "basil", "report.macro_f1", "tune.macro_f1",
     "~0.34", ">= 0.50"),
    ("hand-written articles: readings that hold (share)", "readings", "share", None, "–", "all"),
    ("target names that are junk (share, dev articles)", "actors", "junk_rate", None, "~0.06", "<= 0.01"),
    ("false \"never mentions\" claims in compare (BASIL dev events)", "actors", "compare_never_mentions.false",
     None, "8 of 43", "0"),
]
