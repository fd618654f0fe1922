"""Moved to ``framing.report.aggregate`` (issue 15); this name stays for ``cache.code_digest``,
which imports it to hash the code that shapes reports: importing it loads the whole report stage
(``report.build`` and the unit summaries its aggregators import lazily), so editing any of them
invalidates cached reports."""

from .report import build as _build  # noqa: F401
from .report import frames as _frames  # noqa: F401
from .report import loaded_terms as _loaded_terms  # noqa: F401
from .report import profile as _profile  # noqa: F401
from .report import stance as _stance  # noqa: F401
from .report.aggregate import *  # noqa: F403
from .report.aggregate import AGGREGATORS, Summaries, aggregate, weights, wmean  # noqa: F401
