"""Renderers: one per output format, each reading only the report (``framing.report.model``).

``FORMATS`` is the one registry of output formats: ``framing analyze``, ``framing compare``,
``framing render`` and the ``framing batch`` writers look a format up here instead of each
keeping an if/elif chain. Entries name their functions as ``"module:attribute"`` and are imported
on use, so importing this package loads no renderer, and no renderer loads analysis code (no
scorer, head, encoder, onnxruntime or torch: ``tests/test_render.py`` checks ``sys.modules``).

Adding a format: write ``render/<name>.py`` with the functions it supports and add one entry.

* ``report(report_json, options) -> str | bytes`` renders one report (``console=True``:
  ``report(report_json, console, options) -> None`` prints onto a rich console);
* ``compare(reports_json, comparison, options)`` renders ``framing compare`` (``comparison`` is
  ``framing.compare.compare`` output, floats unrounded);
* ``batch(output, per) -> writer`` makes a ``framing batch`` writer (``write(outcome)``, ``close()``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RenderOptions:
    explain: bool = False  # table: the evidence behind each score


@dataclass(frozen=True, slots=True)
class OutputFormat:
    name: str
    report: str | None = None
    compare: str | None = None
    batch: str | None = None
    console: bool = False  # renders onto a rich Console (colour, width) instead of returning text

    def get(self, kind: str) -> Any:
        spec = getattr(self, kind)
        if spec is None:
            from ..errors import UsageError

            raise UsageError(f"--format {self.name} is not available here",
                             f"use one of: {', '.join(names(kind))}")
        module, attr = spec.split(":")
        return getattr(importlib.import_module(module), attr)


FORMATS: dict[str, OutputFormat] = {f.name: f for f in (
    OutputFormat("table", report="framing.render.table:render_report",
                 compare="framing.render.compare_table:render_compare", console=True),
    OutputFormat("json", report="framing.render.json:render_report",
                 compare="framing.render.json:render_compare"),
    OutputFormat("jsonl", report="framing.render.json:render_report_line",
                 compare="framing.render.json:render_compare_line", batch="framing.batch:jsonl_writer"),
    OutputFormat("csv", batch="framing.render.csv:csv_writer"),
    OutputFormat("html", report="framing.render.html:render_report",
                 compare="framing.render.html:render_compare", batch="framing.batch:html_writer"),
)}


def names(kind: str) -> list[str]:
    """The formats that can render ``kind`` (report, compare, batch)."""
    return [n for n, f in FORMATS.items() if getattr(f, kind) is not None]


def get(name: str) -> OutputFormat:
    return FORMATS[name]
