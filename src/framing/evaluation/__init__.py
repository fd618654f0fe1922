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
    "basil": "framing.evaluation.basil",  # issue 14: author stance per main entity
}
