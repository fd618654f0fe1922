"""framing: media-bias and framing analysis of news articles.

Nothing heavy is imported here; ``analyze`` imports the pipeline on first use.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
SCHEMA_VERSION = "1.2"  # 1.1: "comparison", "targets", "warnings", scorer keys; 1.2: frames.robust, comparison.findings_detail, comparison.sections[].frames lift/rest

__all__ = ["SCHEMA_VERSION", "__version__", "analyze", "analyze_text"]


def analyze_text(text: str, *, source: str = "<text>", fmt: str | None = None,
                 scorers: list[str] | None = None, targets: Any = None) -> dict[str, Any]:
    """Analyse an article given as text and return the JSON report as a dict."""
    from .load import load_text
    from .pipeline import Pipeline
    from .report.build import to_dict

    pipe = Pipeline(scorers)
    return to_dict(pipe.analyze(load_text(text, source, fmt), targets))


def analyze(path: str, *, scorers: list[str] | None = None, targets: Any = None) -> dict[str, Any]:
    """Analyse the article at ``path`` ("-" for stdin) and return the JSON report as a dict."""
    from .load import load
    from .pipeline import Pipeline
    from .report.build import to_dict

    pipe = Pipeline(scorers)
    return to_dict(pipe.analyze(load(path), targets))
