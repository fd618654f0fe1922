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


def fit(table: Table, console: Console, drop: list[str], inset: int = 0) -> Table:
    """Drop whole columns, in the order ``drop`` names them (least important first), until the
    table's narrowest layout fits the console (less ``inset`` for a surrounding panel), instead
    of letting Rich squeeze every column until words break letter by letter. Dropped columns
    are named in the caption, never hidden silently. A header in ``drop`` may be a prefix
    ("*" at its end) that matches several columns, dropped right to left."""
    width = max(20, console.width - inset)
    hidden: list[str] = []

    def too_wide() -> bool:
        """Rich would squeeze a column below its narrowest readable width, or crop the table."""
        opts = console.options.update_width(width)
        extra = table._extra_width
        widths = table._calculate_column_widths(console, opts.update_width(width - extra))
        mins = [table._measure_column(console, opts, c).minimum for c in table.columns]
        return sum(widths) + extra > width or any(w < m for w, m in zip(widths, mins, strict=True))

    for name in drop:
        while too_wide():
            match = [c for c in table.columns if str(c.header) == name
                     or (name.endswith("*") and str(c.header).startswith(name[:-1]))]
            if not match:
                break
            table.columns.remove(match[-1])
            hidden.append(str(match[-1].header))
            if not name.endswith("*"):
                break
    if hidden:
        for i, c in enumerate(table.columns):
            c._index = i
        note = f"narrow terminal: {', '.join(hidden)} not shown (widen it, or --format json)"
        table.caption = f"{table.caption}\n{note}" if table.caption else note
        table.caption_justify, table.caption_style = "left", "dim"
    return table


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
    """Sentiment by section: paragraphs, mean, spread, most positive / negative paragraph."""
    t = Table(title="Sentiment by section", box=box.SIMPLE_HEAVY, title_justify="left",
              expand=False, pad_edge=False)
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("Section", overflow="fold", ratio=3, min_width=12)
    t.add_column("¶", justify="right", no_wrap=True)
    t.add_column("Sentiment", no_wrap=True)
    t.add_column("Spread", justify="right", no_wrap=True)
    t.add_column("Most + / − ¶", justify="right", no_wrap=True)
    for sec in report["sections"]:
        summ = sec["summary"]
        pos, neg = summ.get("most_positive"), summ.get("most_negative")
        extremes = f"{pos['paragraph'] + 1} / {neg['paragraph'] + 1}" if pos and neg else "–"
        t.add_row(str(sec["index"] + 1), _heading(sec), str(summ.get("paragraphs", 0)),
                  sentiment_cell(sec.get("sentiment")),
                  fmt(summ.get("sentiment_spread"), signed=False), extremes)
    return t


def framing_table(report: Report) -> Table | None:
    """Framing by section: the columns scorers register (bias, loaded terms, frames)."""
    if not SECTION_COLUMNS:
        return None
    t = Table(title="Framing by section", box=box.SIMPLE_HEAVY, title_justify="left",
              expand=True, pad_edge=False)
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("Section", overflow="fold", ratio=2, min_width=10)
    for head, justify, _ in SECTION_COLUMNS:
        wide = head in WIDE_COLUMNS
        t.add_column(head, justify=justify, overflow="fold", ratio=3 if wide else None,  # type: ignore[arg-type]
                     no_wrap=not wide)
    for sec in report["sections"]:
        t.add_row(str(sec["index"] + 1), _heading(sec), *[fn(sec, report) for _, _, fn in SECTION_COLUMNS])
    return t


#: Section columns that wrap and share the spare width (the others keep their natural width).
WIDE_COLUMNS = {"Frames", "Top loaded terms"}


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
    parts: list[RenderableType] = [header(report)]
    if (first := profile_panel(report, console)) is not None:  # issue 5: the first view
        parts.append(first)
    parts.append(fit(section_table(report), console, ["Most + / − ¶", "Spread", "¶"]))
    if (framing := framing_table(report)) is not None:
        parts.append(fit(framing, console, ["Top loaded terms", "Frames", "Ld/100w"]))
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


# ---- stance (issue 4): targets table and target x section matrix ----------------------------
STANCE_TOP = 8  # targets listed
STANCE_MATRIX_TOP = 6  # targets (columns) in the section matrix


def _stance_cell(d: dict[str, Any] | None, with_bar: bool = True) -> Text:
    if not d or not d.get("mentions"):
        return Text("·", style="dim")
    style = {"against": "red", "favor": "green"}.get(d["label"], "")
    t = bar(d["score"], 3) if with_bar else Text()
    t.append(f" {fmt(d['score'])}" if with_bar else fmt(d["score"]), style=style)
    return t


def _label_cell(st: dict[str, Any], report: Report) -> Text:
    """The label, and what the author's label rests on where it is the label shown
    (``report.stance.label_basis``): "neutral, near against", "against, one sentence"."""
    from ..report.stance import label_basis

    t = Text(st["label"])
    author = st.get("author") or {}
    basis = label_basis(report, author) if author.get("label") == st["label"] else None
    if basis:
        t.append(f", {basis}", style=f"dim {_NEAR_COLOUR.get(basis, '')}".strip())
    return t


_NEAR_COLOUR = {"near against": "red", "near favor": "green"}


def stance_panel(report: Report, console: Console) -> RenderableType | None:
    """Top targets with article stance (all / author / quoted voices) and a section matrix."""
    targets = [t for t in report.get("targets", []) if t.get("stance")]
    if not targets:
        return None
    top = Table(title="Targets (stance: −1 against … +1 favor; author = outside quotations)",
                box=box.SIMPLE_HEAVY, title_justify="left", pad_edge=False)
    top.add_column("Target", overflow="fold", min_width=10)
    top.add_column("Mentions", justify="right", no_wrap=True)
    top.add_column("Stance", no_wrap=True)
    top.add_column("Label", no_wrap=True)
    top.add_column("Author", no_wrap=True)
    top.add_column("Quoted (speakers)", overflow="fold")
    for t in targets[:STANCE_TOP]:
        st = t["stance"]
        q = st.get("quoted") or {}
        who = ", ".join(f"{s['speaker']} {fmt(s['score'])}" for s in q.get("speakers", [])[:2])
        qcell = _stance_cell(q, with_bar=False)
        if who:
            qcell.append(f" ({who})", style="dim")
        top.add_row(t["name"], str(st["mentions"]), _stance_cell(st), _label_cell(st, report),
                    _stance_cell(st.get("author"), with_bar=False), qcell)
    cols = [t["name"] for t in targets[:STANCE_MATRIX_TOP]]
    mx = Table(title="Stance by section (author's voice; · = not mentioned)", box=box.SIMPLE,
               title_justify="left", pad_edge=False)
    mx.add_column("#", justify="right", no_wrap=True)
    mx.add_column("Section", overflow="fold", min_width=12)
    for name in cols:
        mx.add_column(name, justify="right", overflow="fold")
    for sec in report["sections"]:
        by = {d["target"]: d.get("author") for d in sec.get("stance", [])}
        mx.add_row(str(sec["index"] + 1), _heading(sec),
                   *[_stance_cell(by.get(n), with_bar=False) for n in cols])
    from ..report.stance import threshold_note, trust_note

    notes = [n for n in (threshold_note(report), trust_note(report)) if n]
    if notes:
        top.caption, top.caption_justify = ". ".join(notes), "left"
    # narrow terminals: the quoted voices stay (they are what the author's voice is not)
    fit(top, console, ["Label", "Author", "Mentions"])
    fit(mx, console, [cols[-k] for k in range(1, len(cols))])  # least-mentioned targets first
    return Group(top, mx)


def explain_stance(report: Report, console: Console) -> RenderableType | None:
    """Every non-neutral target mention with its score and the words that drove it."""
    t = Table(title="Stance evidence (mention · score · words that drove it)", box=box.SIMPLE,
              title_justify="left", expand=True, pad_edge=False)
    t.add_column("¶", justify="right", no_wrap=True)
    t.add_column("Target", overflow="fold")
    t.add_column("Score", justify="right", no_wrap=True)
    t.add_column("Voice", overflow="fold")
    t.add_column("Words", overflow="fold")
    rows = 0
    for sec in report["sections"]:
        for p in sec["paragraphs"]:
            for s in p["sentences"]:
                for d in s.get("stance") or []:
                    for m in d.get("spans", []):
                        if m["label"] == "neutral":
                            continue
                        voice = f"quoted: {m['speaker'] or '?'}" if m["quoted"] else "author"
                        t.add_row(str(p["index"] + 1), f"{d['target']} ({m['text']})", fmt(m["score"]),
                                  voice, ", ".join(m["evidence"]) or "–")
                        rows += 1
    return t if rows else None


PANELS.append(stance_panel)
EXPLAINERS.append(explain_stance)
# ---- end stance ------------------------------------------------------------------------------


# ---- frames (issue 5): dominant frames per section, article frames with evidence -------------
FRAMES_PER_SECTION = 2  # dominant frames shown per section row
FRAMES_DISTINCTIVE = 2  # plus up to this many labels that rise most above the article's score
FRAMES_ARTICLE_TOP = 5  # frames listed in the article panel


def frames_cell(sec: dict[str, Any], report: Report) -> Text:
    """A section's dominant frames (above threshold bold, below dimmed), then "↑ frame": the
    section's labels that rise most above the article's own score for them."""
    from ..report.vocab import SHORT

    fr = sec.get("frames")
    if not fr or not fr.get("scores"):
        return Text("–")
    t = Text()
    rows = (report.get("comparison") or {}).get("sections") or []
    ranked = next((r.get("frames") for r in rows if r.get("index") == sec.get("index")), None)
    if ranked and all(f.get("lift") is not None for f in ranked):  # relative to the rest (profile.py)
        for i, f in enumerate(ranked[:FRAMES_PER_SECTION + 1]):
            t.append(("" if not i else ", ") + f"{SHORT.get(f['frame'], f['frame'])} {f['score']:.2f}",
                     style="bold" if f["label"] else "dim")
        return t
    top = (fr.get("ranked") or [])[:FRAMES_PER_SECTION]  # the report's dominant-frame order
    for i, d in enumerate(top):
        if i:
            t.append(", ")
        t.append(f"{SHORT.get(d['frame'], d['frame'])} {d['score']:.2f}", style="bold" if d["label"] else "dim")
    shown = {d["frame"] for d in top}
    for d in (fr.get("distinctive") or [])[:FRAMES_DISTINCTIVE]:
        if d["frame"] not in shown:
            t.append(f", ↑{SHORT.get(d['frame'], d['frame'])} {d['score']:.2f}", style="bold")
    return t


def frames_panel(report: Report, console: Console) -> RenderableType | None:
    """The article's frames: pooled score, whether it passes its threshold, top evidence sentence."""
    from ..report.vocab import SHORT

    fr = report.get("summary", {}).get("frames")
    if not fr or not fr.get("scores"):
        return None
    text = {s["start"]: s["text"] for sec in report["sections"] for p in sec["paragraphs"]
            for s in p["sentences"]}
    t = Table(title="Frames (article; score pooled over sentences, ✓ = above the frame's tuned "
              "threshold; strongest sentence)", box=box.SIMPLE, title_justify="left", expand=True,
              pad_edge=False)
    t.add_column("Frame", no_wrap=True)
    t.add_column("Score", justify="right", no_wrap=True)
    t.add_column("", no_wrap=True)
    t.add_column("Evidence", ratio=1, overflow="ellipsis", no_wrap=True)
    for d in (fr.get("ranked") or [])[:FRAMES_ARTICLE_TOP]:  # the report's dominant-frame order
        f = d["frame"]
        ev = (fr.get("evidence") or {}).get(f) or []
        t.add_row(SHORT.get(f, f), f"{d['score']:.2f}", "✓" if d["label"] else "",
                  text.get(ev[0]["start"], "") if ev else "")
    return t


SECTION_COLUMNS.append(("Frames", "left", frames_cell))
PANELS.append(frames_panel)
# ---- end frames ------------------------------------------------------------------------------


# ---- section profiles (issue 5): the first view, before the Sections table -------------------
PROFILE_STANDOUTS = 2  # deviations shown per section row
SPARK = "▁▂▃▄▅▆▇█"


def _short_frame(frame: str) -> str:
    from ..report.vocab import SHORT

    return SHORT.get(frame, frame.replace("_", " "))


def _standout(d: dict[str, Any]) -> Text:
    """One deviation: what, which way, the section's value against the rest of the article."""
    arrow = "↑" if d["direction"] == "higher" else "↓"
    kind, metric = d["kind"], d["metric"]
    if kind == "frame":
        name, v, r = _short_frame(metric.split(":", 1)[1]), f"{d['value']:.2f}", f"{d['rest']:.2f}"
    elif kind == "stance":
        name, v, r = f"stance {metric.split(':', 1)[1]}", fmt(d["value"]), fmt(d["rest"])
    elif kind == "loaded":
        name, v, r = "loaded/100w", f"{d['value']:.1f}", f"{d['rest']:.1f}"
    else:
        signed = kind == "sentiment"
        name, v, r = kind, fmt(d["value"], signed), fmt(d["rest"], signed)
    style = "green" if d["direction"] == "higher" else "red"
    t = Text(f"{name} ")
    t.append(arrow, style=style)
    t.append(f" {v} (vs {r})")
    return t


def spark(values: list[float | None], lo: float | None = None, hi: float | None = None) -> Text:
    """A one-character-per-point sparkline; ``·`` where a point has no value."""
    vals = [v for v in values if v is not None]
    if not vals:
        return Text("·" * len(values), style="dim")
    lo = min(vals) if lo is None else lo
    hi = max(vals) if hi is None else hi
    t = Text()
    for v in values:
        if v is None:
            t.append("·", style="dim")
            continue
        k = 0 if hi <= lo else round((v - lo) / (hi - lo) * (len(SPARK) - 1))
        t.append(SPARK[max(0, min(len(SPARK) - 1, k))], style="green" if v > 0 else "red" if v < 0 else "")
    return t


def profile_panel(report: Report, console: Console) -> RenderableType | None:
    """Section profiles (the ``comparison`` key): per section sentiment, loaded density, bias,
    dominant frames and what sets it apart; the arc through the article; plain findings."""
    prof = report.get("comparison")
    if not isinstance(prof, dict) or not prof.get("sections"):
        return None
    rows = prof["sections"]
    has_loaded = any("loaded_per_100_words" in r for r in rows)
    has_bias = any(r.get("bias") is not None for r in rows)
    has_frames = any(r.get("frames") for r in rows)
    t = Table(box=box.SIMPLE, pad_edge=False, expand=True, show_edge=False)
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("Section", overflow="fold", ratio=2, min_width=10)
    t.add_column("Sent.", justify="right", no_wrap=True)
    if has_loaded:
        t.add_column("Ld/100w", justify="right", no_wrap=True)
    if has_bias:
        t.add_column("Bias", justify="right", no_wrap=True)
    if has_frames:
        t.add_column("Top frame", overflow="ellipsis", no_wrap=True, max_width=12)
    t.add_column("Sets it apart (vs rest)", overflow="fold", ratio=3, min_width=16)
    for r in rows:
        cells: list[Any] = [str(r["index"] + 1), r.get("heading") or "(intro)", fmt(r.get("sentiment"))]
        if has_loaded:
            v = r.get("loaded_per_100_words")
            cells.append("–" if v is None else f"{v:.1f}")
        if has_bias:
            cells.append(fmt(r.get("bias"), signed=False))
        if has_frames:
            top = [f for f in r.get("frames") or [] if f.get("label")][:1]
            cells.append(_short_frame(top[0]["frame"]) if top else "–")
        stand = Text()
        for k, d in enumerate((r.get("distinctive") or [])[:PROFILE_STANDOUTS]):
            if k:
                stand.append("; ")
            stand.append_text(_standout(d))
        cells.append(stand if stand.plain else Text("–", style="dim"))
        t.add_row(*cells)
    parts: list[RenderableType] = [t]
    arc = prof.get("arc") or []
    if arc:
        a = Table.grid(padding=(0, 1))
        a.add_column(no_wrap=True, style="dim")
        a.add_column(overflow="fold")
        marks = Text()
        for k, p in enumerate(arc):
            first = k == 0 or arc[k - 1]["section"] != p["section"]
            marks.append(str((p["section"] + 1) % 10) if first else " ", style="dim")
        a.add_row("section", marks)
        a.add_row("sentiment", spark([p.get("sentiment") for p in arc]))
        if has_loaded:
            a.add_row("loaded", spark([p.get("loaded_per_100_words") for p in arc], lo=0.0))
        for target in prof.get("targets", [])[:2]:
            a.add_row(f"{target[:14]}", spark([(p.get("stance") or {}).get(target) for p in arc], -1.0, 1.0))
        parts.append(Text(f"Arc through the article: one mark per paragraph ({len(arc)}); sentiment "
                          "scaled to its own range, stance to −1…+1, · = not mentioned", style="dim"))
        parts.append(a)
    findings = prof.get("findings") or []
    if findings:
        f = Text()
        for k, line in enumerate(findings):
            if k:
                f.append("\n")
            f.append("• ")
            f.append(line)
        parts.append(Text("Findings", style="bold"))
        parts.append(f)
    fit(t, console, ["Top frame", "Bias", "Ld/100w"], inset=4)  # the panel's border and padding
    return Panel(Group(*parts), title=Text("Section profiles", style="bold"), title_align="left",
                 box=box.ROUNDED)
# ---- end section profiles --------------------------------------------------------------------


# ---- bias and loaded terms (issue 3): section columns, inline highlights, top terms ---------
#: Inline styles per loaded-term category (epistemic markers are underlined, not coloured).
LOADED_STYLES = {"loaded": "bold red", "name_calling": "bold magenta", "exaggeration": "bold yellow",
                 "hedge": "underline cyan", "booster": "underline blue"}


def bias_cell(sec: dict[str, Any], report: Report) -> Text:
    b = sec.get("bias")
    if not b:
        return Text("–")
    style = "red" if b["score"] > 0.5 else ("yellow" if b["score"] > 0.35 else "green")
    return Text(f"{b['score']:.2f}", style=style)


def loaded_density_cell(sec: dict[str, Any], report: Report) -> Text:
    if "loaded_density" not in sec:
        return Text("–")
    t = Text(f"{sec['loaded_density']:.1f}")
    if sec.get("loaded_density_quoted"):
        t.append(f" (q {sec['loaded_density_quoted']:.1f})", style="dim")
    return t


def loaded_top_cell(sec: dict[str, Any], report: Report) -> Text:
    top = sec.get("loaded_summary", {}).get("top_terms", [])[:4]
    t = Text()
    for i, term in enumerate(top):
        if i:
            t.append(", ")
        t.append(term["text"], style=LOADED_STYLES.get(term["category"], ""))
        if term["count"] > 1:
            t.append(f"×{term['count']}", style="dim")
    return t if top else Text("–")


def highlight_loaded(paragraph: dict[str, Any], text: Text, offset: int) -> None:
    for s in paragraph.get("loaded_terms", []):
        a, b = s["start"] - offset, s["end"] - offset
        if 0 <= a < b <= len(text.plain):
            text.stylize(LOADED_STYLES.get(s["category"], "bold"), a, b)


def loaded_panel(report: Report, console: Console) -> RenderableType | None:
    s = report.get("summary", {})
    if "loaded_summary" not in s and "bias" not in s:
        return None
    line = Text()
    if "bias" in s:
        b = s["bias"]
        line.append(f"Bias P(biased) {b['score']:.2f} (max {b['max']:.2f}, "
                    f"{100 * b['share_biased']:.0f}% of sentences > 0.5)   ")
    if "loaded_summary" in s:
        ls = s["loaded_summary"]
        line.append(f"Loaded terms {ls['count']} · {s['loaded_density']:.1f}/100 words "
                    f"(author {s['loaded_density_author']:.1f}, quoted {s['loaded_density_quoted']:.1f}) · "
                    f"hedges {s['epistemic']['hedges']} · boosters {s['epistemic']['boosters']}\n")
        line.append("Top: ")
        for i, term in enumerate(ls["top_terms"]):
            if i:
                line.append(", ")
            line.append(term["text"], style=LOADED_STYLES.get(term["category"], ""))
            if term["count"] > 1:
                line.append(f" ×{term['count']}", style="dim")
        line.append("\nKey: ")
        for cat, style in LOADED_STYLES.items():
            line.append(cat.replace("_", "-"), style=style)
            line.append(" ")
    return Panel(line, title="Loaded language and bias", title_align="left", box=box.ROUNDED)


SECTION_COLUMNS.append(("Bias", "right", bias_cell))
SECTION_COLUMNS.append(("Ld/100w", "right", loaded_density_cell))
SECTION_COLUMNS.append(("Top loaded terms", "left", loaded_top_cell))
PARAGRAPH_STYLERS.append(highlight_loaded)
PANELS.append(loaded_panel)
# ---- end bias and loaded terms ---------------------------------------------------------------


# ---- the output-format registry's entry (framing.render.FORMATS) ------------------------------
def render_report(report: Report, console: Console, options: Any = None) -> None:
    """``--format table``: the report onto ``console``."""
    render_table(report, console, bool(getattr(options, "explain", False)))
