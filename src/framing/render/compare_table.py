"""The Rich view of ``framing compare``: articles side by side (from ``framing.compare``)."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..report.vocab import frame_name
from .table import fmt

#: Targets and frames listed in the side-by-side tables.
TARGETS_SHOWN = 8
FRAMES_SHOWN = 8


def _articles(comparison: dict[str, Any]) -> Table:
    t = Table(title="Articles", box=box.SIMPLE, title_justify="left", pad_edge=False, expand=True)
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("Title", overflow="fold", ratio=3)
    t.add_column("Words", justify="right", no_wrap=True)
    t.add_column("Sent.", justify="right", no_wrap=True)
    rows = comparison["overview"]
    loaded = any(o.get("loaded_per_100_words") is not None for o in rows)
    bias = any(o.get("bias") is not None for o in rows)
    if loaded:
        t.add_column("Ld/100w", justify="right", no_wrap=True)
    if bias:
        t.add_column("Bias", justify="right", no_wrap=True)
    if loaded:
        t.add_column("Top loaded terms", overflow="fold", ratio=2)
    for o in rows:
        ld = o.get("loaded_per_100_words")
        title = str(o.get("title") or o.get("id") or "(untitled)")
        cells = [str(o["index"] + 1), f"{o['outlet']}: {title}" if o.get("outlet") else title,
                 str(o.get("words", "–")), fmt(o.get("sentiment"))]
        if loaded:
            cells.append("–" if ld is None else f"{ld:.1f}")
        if bias:
            cells.append(fmt(o.get("bias"), signed=False))
        if loaded:
            cells.append(", ".join(x["text"] for x in o.get("top_loaded_terms", [])[:3]) or "–")
        t.add_row(*cells)
    return t


def _stance_text(s: dict[str, Any] | None) -> Text:
    if not s or not s.get("mentions"):
        return Text("·", style="dim")
    style = {"against": "red", "favor": "green"}.get(str(s.get("label")), "")
    t = Text(fmt(s.get("score")), style=style)
    t.append(f" ({s['mentions']})", style="dim")
    return t


def _targets(comparison: dict[str, Any], n: int) -> Table | None:
    rows = comparison.get("targets") or []
    if not rows:
        return None
    t = Table(title="Stance per target (−1 against … +1 favor; (mentions); · = not mentioned)",
              box=box.SIMPLE, title_justify="left", pad_edge=False, expand=True)
    t.add_column("Target (aliases)", overflow="fold", ratio=2)
    for k in range(n):
        t.add_column(f"#{k + 1}", justify="right", no_wrap=True)
    for g in rows[:TARGETS_SHOWN]:
        name = Text(g["name"])
        if g.get("aliases"):
            name.append(" (" + ", ".join(g["aliases"][:3]) + ")", style="dim")
        t.add_row(name, *[_stance_text(s) if s else Text(str(m) if m else "·", style="dim")
                          for s, m in zip(g["stance"], g["mentions"], strict=True)])
    return t


def _frames(comparison: dict[str, Any], n: int) -> Table | None:
    rows = [r for r in comparison.get("frames") or [] if any(r["labels"])]
    if not rows:
        return None
    t = Table(title="Frames (article score; ✓ = above the frame's threshold)", box=box.SIMPLE,
              title_justify="left", pad_edge=False, expand=True)
    t.add_column("Frame", overflow="fold", ratio=2)
    for k in range(n):
        t.add_column(f"#{k + 1}", justify="right", no_wrap=True)
    for r in rows[:FRAMES_SHOWN]:
        t.add_row(frame_name(r["frame"]),
                  *[Text("–") if s is None else Text(f"{s:.2f}{' ✓' if lab else '  '}",
                                                     style="bold" if lab else "dim")
                    for s, lab in zip(r["scores"], r["labels"], strict=True)])
    return t


def _findings(comparison: dict[str, Any]) -> RenderableType | None:
    lines = comparison.get("findings") or []
    if not lines:
        return None
    t = Text()
    t.append("Findings\n", style="bold")
    for k, line in enumerate(lines):
        if k:
            t.append("\n")
        t.append("• " + line)
    return t


def render_compare_table(comparison: dict[str, Any], console: Console) -> None:
    """Print the comparison (``framing.compare.compare`` output) to ``console``."""
    n = len(comparison.get("overview") or [])
    parts = [p for p in (_articles(comparison), _targets(comparison, n), _frames(comparison, n),
                         _findings(comparison)) if p is not None]
    console.print(Group(*parts))


def render_compare(reports: list[dict[str, Any]], comparison: dict[str, Any], console: Console,
                   options: Any = None) -> None:
    """``framing compare --format table`` (the registry's entry, framing.render.FORMATS)."""
    render_compare_table(comparison, console)


__all__ = ["render_compare", "render_compare_table"]
