"""CSV for ``framing batch --format csv``: tidy tables with a fixed, bounded set of columns.

Three shapes (``--per``), each one observation per row, the same columns whatever the articles:

* ``article`` (default): one row per article (or failed input) with the article summary's
  metrics (:data:`METRIC_COLUMNS`);
* ``section``: one row per section with ``section, heading, start, end`` and the same metrics
  read from the section's summary;
* ``target``: the long table of actors, one row per article x target (:data:`TARGET_COLUMNS`).

Frames are the 14 fixed ``frames.<Frame>`` columns (pooled scores) plus ``frames.labels``
(``;``-joined); lists (labels, gate conditions, aliases) are ``;``-joined; an absent value is an
empty cell (NA in R's ``read.csv`` and pandas' ``read_csv``). Because the columns are fixed, the
header is known up front and rows are written as articles finish. See docs/batch.md.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from ..errors import UsageError

PER = ("article", "section", "target")
LEAD = ("id", "title", "error_code", "error")
SECTION_COLUMNS = ("section", "heading", "start", "end")
GATE_COLUMNS = ("gates.tripped", "gates.not_evaluated")


def _frames() -> tuple[str, ...]:
    from ..report.vocab import FRAMES

    return FRAMES


#: The metrics of an article or section row: dotted paths into its ``summary``.
METRIC_COLUMNS: tuple[str, ...] = (
    "words", "sentences", "paragraphs", "sections",
    "sentiment.score", "sentiment.label", "sentiment.lexicon", "sentiment.min", "sentiment.max",
    "sentiment.spread", "sentiment_spread", "most_positive.paragraph", "most_positive.score",
    "most_negative.paragraph", "most_negative.score",
    "bias.score", "bias.max", "bias.share_biased",
    "loaded_density", "loaded_density_author", "loaded_density_quoted",
    "loaded_summary.count", "loaded_summary.quoted", "loaded_summary.by_category.loaded",
    "loaded_summary.by_category.name_calling", "loaded_summary.by_category.exaggeration",
    "epistemic.hedges", "epistemic.boosters",
    "targets", "frames.labels", *(f"frames.{f}" for f in _frames()),
)
#: The long actor table: one row per article x target (the report's ``targets``).
TARGET_COLUMNS: tuple[str, ...] = (
    "target", "kind", "aliases", "mentions", "prominence", "stance.score", "stance.label",
    "stance.author.score", "stance.author.mentions", "stance.quoted.score",
    "stance.quoted.mentions", "stance.quoted.speakers",
)


def columns(per: str) -> tuple[str, ...]:
    """The header of a ``--per`` table."""
    if per == "target":
        return (*LEAD, *TARGET_COLUMNS, *GATE_COLUMNS)
    lead = (*LEAD, *SECTION_COLUMNS) if per == "section" else LEAD
    return (*lead, *METRIC_COLUMNS, *GATE_COLUMNS)


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, Mapping):
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v.get("speaker", v) if isinstance(v, Mapping) else v) for v in value)
    return value


def _get(node: Any, path: str) -> Any:
    for step in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(step)
    return node


def _metrics(summary: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    frames = summary.get("frames") if isinstance(summary.get("frames"), Mapping) else {}
    scores = frames.get("scores", {}) if isinstance(frames, Mapping) else {}
    for col in METRIC_COLUMNS:
        if col == "targets":
            stance = summary.get("stance")
            row[col] = len(stance) if isinstance(stance, list) else None
        elif col == "frames.labels":
            row[col] = frames.get("labels") if frames else None
        elif col.startswith("frames."):
            row[col] = scores.get(col[len("frames."):]) if isinstance(scores, Mapping) else None
        else:
            row[col] = _get(summary, col)
    return row


def rows(outcome: Any, per: str = "article") -> list[dict[str, Any]]:
    """The rows one batch outcome contributes to a ``--per`` table (a failed input: one row)."""
    base: dict[str, Any] = {"id": outcome.id}
    if outcome.report is None:
        err = outcome.error or {}
        return [{**base, "error_code": err.get("code"), "error": err.get("message")}]
    rep = outcome.report
    base["title"] = rep.get("title")
    if outcome.gates is not None:
        base["gates.tripped"] = [c for c, _ in outcome.gates.tripped]
        base["gates.not_evaluated"] = list(outcome.gates.not_evaluated)
    if per == "article":
        return [{**base, **_metrics(rep.get("summary") or {})}]
    if per == "section":
        return [{**base, **_metrics(sec.get("summary") or {}),
                 **{c: sec.get(c if c != "section" else "index") for c in SECTION_COLUMNS}}
                for sec in rep.get("sections", [])]
    out = []
    for t in rep.get("targets") or []:
        row = {**base, "target": t.get("name")}
        row.update({c: _get(t, c) for c in TARGET_COLUMNS if c != "target"})
        out.append(row)
    return out


class CsvWriter:
    """A batch writer (``write(outcome)``, ``close()``): the header first, then each outcome's
    rows as it comes; to a stream, or atomically to a file on ``close``."""

    def __init__(self, target: IO[str] | str | Path, per: str = "article") -> None:
        if per not in PER:
            raise UsageError(f"bad --per {per!r}", f"use {', '.join(PER)}")
        self.target, self.per = target, per
        self.path = Path(target) if isinstance(target, str | Path) else None
        if self.path is not None:
            import io

            self.stream: IO[str] = io.StringIO()
        else:
            self.stream = target  # type: ignore[assignment]
        self.writer = csv.DictWriter(self.stream, fieldnames=list(columns(per)),
                                     lineterminator="\n", extrasaction="raise", restval="")
        self.started = False

    def _start(self) -> None:
        if not self.started:
            self.writer.writeheader()
            self.started = True

    def write(self, outcome: Any) -> None:
        self._start()
        for r in rows(outcome, self.per):
            self.writer.writerow({k: _cell(v) for k, v in r.items()})
        if self.path is None:
            self.stream.flush()

    def close(self) -> None:
        self._start()
        if self.path is not None:
            from ..fsutil import atomic_write

            atomic_write(self.path, self.stream.getvalue())  # type: ignore[attr-defined]
        else:
            self.stream.flush()


def csv_writer(output: Path | None, per: str = "article") -> CsvWriter:
    """``framing batch --format csv`` (framing.render.FORMATS): ``DIR/<per>s.csv`` or stdout."""
    import sys

    return CsvWriter(output / f"{per}s.csv" if output else sys.stdout, per)


def render(outcomes: Sequence[Any], per: str = "article") -> str:
    """A whole table as text (the library and tests)."""
    import io

    buf = io.StringIO()
    w = CsvWriter(buf, per)
    for o in outcomes:
        w.write(o)
    w.close()
    return buf.getvalue()
