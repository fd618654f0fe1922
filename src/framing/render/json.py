"""The JSON output format: the report (``framing.report``) as UTF-8 JSON bytes. It computes
nothing: the report is built by ``framing.report.build``."""

from __future__ import annotations

import json
from typing import Any


def dump_bytes(report: dict[str, Any], indent: bool = True) -> bytes:
    """The report as UTF-8 JSON bytes in one buffer, newline-terminated: indented (``dumps``) or
    one compact line (``dumps_line``). orjson when installed (a base dependency): the stdlib's
    indented encoder is pure Python and costs ~0.1 s on a long report; and a long article's
    JSON runs to tens of MB, so the CLI writes these bytes as they are, with no str copy."""
    try:
        import orjson
    except ImportError:  # pragma: no cover
        text = (json.dumps(report, ensure_ascii=False, indent=2) if indent else
                json.dumps(report, ensure_ascii=False, separators=(",", ":")))
        return (text + "\n").encode("utf-8")
    option = orjson.OPT_APPEND_NEWLINE | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(report, option=option)


def dumps(report: dict[str, Any]) -> str:
    """Indented UTF-8 JSON, byte-identical to ``json.dumps(indent=2, ensure_ascii=False)``."""
    return dump_bytes(report).decode("utf-8")


def dumps_line(report: dict[str, Any]) -> str:
    """One compact line (JSONL)."""
    return dump_bytes(report, indent=False).decode("utf-8")


# ---- the output-format registry's entries (framing.render.FORMATS) ----------------------------
def render_report(report: dict[str, Any], options: Any = None) -> bytes:
    """``--format json``: the report, indented."""
    return dump_bytes(report)


def render_report_line(report: dict[str, Any], options: Any = None) -> bytes:
    """``--format jsonl``: the report on one line."""
    return dump_bytes(report, indent=False)


def render_compare(reports: list[dict[str, Any]], comparison: dict[str, Any], options: Any = None) -> str:
    """``framing compare --format json``: the comparison document (floats to 4 dp)."""
    from ..report.model import Comparison, _round

    return dumps(Comparison.of(_round(comparison)).to_json())


def render_compare_line(reports: list[dict[str, Any]], comparison: dict[str, Any], options: Any = None) -> str:
    """``framing compare --format jsonl``: the same document on one line."""
    from ..report.model import Comparison, _round

    return dumps_line(Comparison.of(_round(comparison)).to_json())
