"""Reading saved reports back (``framing render``): a report JSON file, or ``framing batch``
JSONL output (one report per line; the lines of articles that failed are skipped). No models."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from ..errors import InputError
from .model import Report, ReportError

log = logging.getLogger("framing")


def read_reports(path: str) -> list[Report]:
    """The reports in ``path`` (``-``: stdin). ``InputError`` (exit 3): missing or unreadable
    file, not JSON; ``ReportError`` (exit 3): JSON that is not a framing report."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file: {path}", "pass a report that `framing analyze --format json` "
                         "or `framing batch` wrote") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"not a JSON report (not UTF-8 text): {path}") from None
    try:
        docs = [json.loads(text)]
    except json.JSONDecodeError:
        docs = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                docs.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON or JSONL: {path} line {n}: {exc.msg}",
                                 "pass a report that `framing analyze --format json` or `framing batch` wrote") from None
    reports = []
    for doc in docs:
        if isinstance(doc, dict) and "schema" not in doc and "error" in doc and "id" in doc:
            log.warning("%s: skipped %s: it failed in the batch (%s)", path, doc["id"],
                        (doc.get("error") or {}).get("message", "error"))
            continue
        reports.append(Report.from_json(doc))
    if not reports:
        raise ReportError(f"no report in {path}", "every record in it is a failed article")
    return reports
