"""Run records through the code path of ``framing batch --input records.jsonl`` and read reports.

``reports(records, scorers)`` serialises each record to a JSONL line, parses it back with
:func:`framing.batch.read_records` (so a record the CLI would reject is rejected here too) and
analyses it with :func:`framing.batch.process`, the library call behind the ``batch`` command.
The reports are the JSON a user reads; evaluations score those, never a head on gold spans.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

_PIPES: dict[tuple[str, ...] | None, Any] = {}
#: the encoder every evaluation's pipeline runs (``--model``; None: the default, as the CLI's)
MODEL: str | None = None


def pipeline(scorers: Sequence[str] | None = None) -> Any:
    """One loaded Pipeline per scorer set for the whole evaluation run."""
    from ..batch import BatchOptions

    key = tuple(scorers) if scorers else None
    if key not in _PIPES:
        _PIPES[key] = BatchOptions(scorers=key, model=MODEL).pipeline()
    return _PIPES[key]


def reports(records: Iterable[Mapping[str, Any]], scorers: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
    """Batch outputs (a report, or ``{"id", "error"}``) in record order."""
    from ..batch import BatchOptions, process, read_records

    lines = (json.dumps(r, ensure_ascii=False) for r in records)
    options = BatchOptions(scorers=tuple(scorers) if scorers else None, model=MODEL)
    for outcome in process(read_records(lines, "eval"), options, pipe=pipeline(scorers)):
        yield outcome.to_json()


def paragraphs(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every paragraph of a report, in article order."""
    return [p for s in report.get("sections", []) for p in s.get("paragraphs", [])]


def half(key: str, salt: str = "framing-eval") -> str:
    """Deterministic two-way split of dev items: ``"tune"`` or ``"report"`` (sha256 of the key)."""
    return "tune" if int(hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()[:8], 16) % 2 == 0 else "report"


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] | None = None) -> float:
    labels = list(labels or sorted(set(gold)))
    f1s = []
    for c in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p != c)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return sum(f1s) / len(f1s) if f1s else 0.0


def binary_f1(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if p and not g)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "n": len(gold)}
