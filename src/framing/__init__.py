"""framing: media-bias and framing analysis of news articles.

Nothing heavy is imported here; ``analyze`` imports the pipeline on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .report.model import Report

__version__ = "0.1.0"
SCHEMA_VERSION = "1.6"  # 1.1: "comparison", "targets", "warnings", scorer keys; 1.2: frames.robust, comparison.findings_detail, comparison.sections[].frames lift/rest; 1.3: frames.ranked (the dominant-frame order with margins), sections[].frames.distinctive, summary.frames.thresholds; 1.4: stance spans carry author_score (the mention's share of the author's stance under the article rule), comparison.findings_detail[] value/rest/sentences/p of a "most" claim, models.scorers.stance.author_label_precision; 1.5: sentences carry frame_scores (every frame's probability; frames keeps the top ones), comparison.findings_detail[] value/rest/sentences/p of a frame claim too; 1.6: the author block of an aggregated unit carries against_evidence, favor_evidence and near (a neutral reading within one threshold step of against/favor), models.scorers.stance.author_thresholds

__all__ = ["SCHEMA_VERSION", "__version__", "analyze", "analyze_text"]


def analyze_text(text: str, *, source: str = "<text>", fmt: str | None = None,
                 scorers: list[str] | None = None, targets: Any = None) -> Report:
    """Analyse an article given as text and return its typed ``Report`` (``.to_json()``: the
    JSON report as a dict)."""
    from .load import load_text
    from .pipeline import Pipeline

    return Pipeline(scorers).analyze(load_text(text, source, fmt), targets)


def analyze(path: str, *, scorers: list[str] | None = None, targets: Any = None) -> Report:
    """Analyse the article at ``path`` ("-" for stdin) and return its typed ``Report``
    (``.to_json()``: the JSON report as a dict)."""
    from .load import load
    from .pipeline import Pipeline

    return Pipeline(scorers).analyze(load(path), targets)
