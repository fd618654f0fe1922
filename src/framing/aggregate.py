"""Moved to ``framing.report.aggregate`` (issue 15); this name stays for ``cache.code_digest``,
which imports it to hash the report-building code (``report.build`` and what it imports)."""

from .report import build as _build  # noqa: F401  (the digest hashes every report module)
from .report.aggregate import *  # noqa: F403
from .report.aggregate import AGGREGATORS, Summaries, aggregate, weights, wmean  # noqa: F401
