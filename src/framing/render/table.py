"""The Rich terminal report, rendered from the JSON-ready report dict.

Scorers extend it without touching the base layout: ``SECTION_COLUMNS`` adds columns to the
per-section table, ``PANELS`` adds views after it, ``PARAGRAPH_STYLERS`` style paragraph text
(e.g. highlight loaded terms). Everything fits the console width; NO_COLOR is honoured by Rich.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

Report = dict[str, Any]
#: (header, justify, fn(section_dict, report) -> str | Text)
SECTION_COLUMNS: list[tuple[str, str, Callable[[dict[str, Any], Report], Any]]] = []
#: fn(report, console) -> renderable or None, shown after the section table, in order.
PANELS: list[Callable[[Report, Console], RenderableType | None]] = []
#: fn(paragraph_dict, text: Text, offset) -> None: style spans of a paragraph's Text in place.
PARAGRAPH_STYLERS: list[Callable[[dict[str, Any], Text, int], None]] = []
#: fn(report, console) -> renderable or None, shown by --explain after the paragraph rows.
EXPLAINERS: list[Callable[[Report, Console], RenderableType | None]] = []

BAR_HALF = 5


def bar(score: float | None, half: int = BAR_HALF) -> Text:
    """A diverging bar for a score in [-1, 1]: red cells left of the centre, green right."""
    t = Text()
    if score is None:
        return Text(" " * (2 * half + 1))
    n = min(half, round(abs(score) * half))
    left = " " * (half - n) + ("█" * n if score < 0 else "")
    right = ("█" * n if score > 0 else "") + " " * (half - (n if score > 0 else 0))
    t.append(left.rjust(half), style="red")
    t.append("│", style="dim")
    t.append(right.ljust(half), style="green")
    return t


def fmt(x: float | None, signed: bool = True) -> str:
    if x is None:
        return "–"
    return f"{x:+.2f}" if signed else f"{x:.2f}"


def sentiment_cell(d: dict[str, Any] | None) -> Text:
    if not d:
        return Text("–")
    t = bar(d["score"])
    t.append(f" {fmt(d['score'])}")
    return t


def header(report: Report) -> RenderableType:
    s = report["summary"]
    art = report["article"]
    title = report.get("title") or "(untitled)"
    lines = Text()
    lines.append(f"{report['source']}\n", style="dim")
    lines.append(f"{len(report['sections'])} sections · {art['paragraphs']} paragraphs · "
                 f"{art['sentences']} sentences · {s.get('words', 0)} words\n")
    if "sentiment" in s:
        se = s["sentiment"]
        lines.append("Sentiment ")
        lines.append_text(bar(se["score"]))
        lines.append(f" {fmt(se['score'])} {se['label']}   (lexicon/VADER {fmt(se['lexicon'])})")
    return Panel(lines, title=Text(title, style="bold"), title_align="left", box=box.ROUNDED)


def _heading(sec: dict[str, Any]) -> str:
    return sec["heading"] or "(intro)"


def section_table(report: Report) -> Table:
    t = Table(title="Sections", box=box.SIMPLE_HEAVY, title_justify="left", expand=False,
              pad_edge=False)
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("Section", overflow="fold", ratio=3, min_width=12)
    t.add_column("¶", justify="right", no_wrap=True)
    t.add_column("Sentiment", no_wrap=True)
    t.add_column("Spread", justify="right", no_wrap=True)
    t.add_column("Most + / − ¶", justify="right", no_wrap=True)
    for head, justify, _ in SECTION_COLUMNS:
        t.add_column(head, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for sec in report["sections"]:
        summ = sec["summary"]
        pos, neg = summ.get("most_positive"), summ.get("most_negative")
        extremes = f"{pos['paragraph'] + 1} / {neg['paragraph'] + 1}" if pos and neg else "–"
        row: list[Any] = [str(sec["index"] + 1), _heading(sec), str(summ.get("paragraphs", 0)),
                          sentiment_cell(sec.get("sentiment")),
                          fmt(summ.get("sentiment_spread"), signed=False), extremes]
        row += [fn(sec, report) for _, _, fn in SECTION_COLUMNS]
        t.add_row(*row)
    return t


def paragraph_table(report: Report, console: Console) -> Table:
    t = Table(title="Paragraphs", box=box.SIMPLE, title_justify="left", expand=True, pad_edge=False)
    t.add_column("¶", justify="right", no_wrap=True)
    t.add_column("Sentiment", no_wrap=True)
    t.add_column("Text", ratio=1, overflow="ellipsis", no_wrap=True)
    for sec in report["sections"]:
        t.add_row("", "", Text(_heading(sec), style="bold"))
        for p in sec["paragraphs"]:
            text = Text(p["text"])
            for styler in PARAGRAPH_STYLERS:
                styler(p, text, p["start"])
            t.add_row(str(p["index"] + 1), sentiment_cell(p.get("sentiment")), text)
    return t


def render_table(report: Report, console: Console, explain: bool = False) -> None:
    """Print the whole report to ``console`` (stdout)."""
    parts: list[RenderableType] = [header(report), section_table(report)]
    for panel in PANELS:
        r = panel(report, console)
        if r is not None:
            parts.append(r)
    parts.append(paragraph_table(report, console))
    if explain:
        parts.append(explain_sentiment(report))
        for ex in EXPLAINERS:
            r = ex(report, console)
            if r is not None:
                parts.append(r)
    console.print(Group(*parts))


def explain_sentiment(report: Report) -> RenderableType:
    """Evidence behind every paragraph's sentiment: sentence scores and the lexicon words."""
    t = Table(title="Sentiment evidence (sentence score · lexicon words with VADER valence)",
              box=box.SIMPLE, title_justify="left", expand=True, pad_edge=False)
    t.add_column("¶", justify="right", no_wrap=True)
    t.add_column("Score", justify="right", no_wrap=True)
    t.add_column("Sentence", ratio=3, overflow="fold")
    t.add_column("Words", ratio=2, overflow="fold")
    for sec in report["sections"]:
        for p in sec["paragraphs"]:
            for s in p["sentences"]:
                se = s.get("sentiment")
                if not se:
                    continue
                words = ", ".join(f"{e['text']} ({e['valence']:+.1f})" for e in se.get("evidence", []))
                t.add_row(str(p["index"] + 1), fmt(se["score"]), s["text"], words or "–")
    return t
