"""Inline SVG charts for the HTML report: an arc through the article, bars per section, a heat map.

Every chart is a self-contained ``<svg role="img">`` string with a ``<title>`` and ``<desc>``
(read by screen readers) and no external reference. Colours come from colour-blind-safe palettes
(Okabe-Ito for series, an orange-blue diverging scale for signed values, a single-hue blue scale
for shares); every series also differs by dash pattern and marker shape, and every heat-map cell
prints its value, so no figure depends on colour alone. All text is escaped here.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

#: Okabe-Ito (Okabe & Ito 2008): distinguishable under the common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
MARKERS = ("circle", "square", "triangle", "diamond")
NEG, MID, POS = (230, 97, 1), (247, 247, 247), (33, 102, 172)  # orange -> grey -> blue (PuOr/RdBu kin)
SEQ_LO, SEQ_HI = (247, 251, 255), (8, 81, 156)  # ColorBrewer Blues ends
POS_FILL, NEG_FILL = "#2166AC", "#E66101"  # bars: positive blue, negative orange


def _esc(text: object) -> str:
    return escape(str(text), quote=True)


def _f(x: float) -> str:
    """Compact, deterministic coordinates."""
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    t = min(1.0, max(0.0, t))
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t),
            round(a[2] + (b[2] - a[2]) * t))


def _hex(c: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*c)


def diverging(value: float, vmax: float = 1.0) -> str:
    """A colour for ``value`` in [-vmax, vmax]: orange (negative), light grey (0), blue (positive)."""
    t = value / vmax if vmax else 0.0
    return _hex(_mix(MID, POS, t) if t >= 0 else _mix(MID, NEG, -t))


def sequential(value: float, vmax: float = 1.0) -> str:
    """A colour for ``value`` in [0, vmax] on a light-to-dark blue scale."""
    return _hex(_mix(SEQ_LO, SEQ_HI, value / vmax if vmax else 0.0))


def ink_on(fill: str) -> str:
    """Black or white text, whichever reads better on ``fill`` (#RRGGBB)."""
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#FFF"


def _open(uid: str, width: int, height: int, title: str, desc: str, cls: str) -> str:
    return (f'<svg class="chart {cls}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{uid}-t {uid}-d" preserveAspectRatio="xMinYMin meet">'
            f'<title id="{uid}-t">{_esc(title)}</title><desc id="{uid}-d">{_esc(desc)}</desc>')


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _marker(kind: str, x: float, y: float, colour: str, label: str) -> str:
    tip = f"<title>{_esc(label)}</title>"
    if kind == "square":
        return (f'<rect x="{_f(x - 3.5)}" y="{_f(y - 3.5)}" width="7" height="7" '
                f'fill="{colour}">{tip}</rect>')
    if kind == "triangle":
        pts = f"{_f(x)},{_f(y - 4.5)} {_f(x - 4.5)},{_f(y + 3.5)} {_f(x + 4.5)},{_f(y + 3.5)}"
        return f'<polygon points="{pts}" fill="{colour}">{tip}</polygon>'
    if kind == "diamond":
        pts = f"{_f(x)},{_f(y - 5)} {_f(x - 4.5)},{_f(y)} {_f(x)},{_f(y + 5)} {_f(x + 4.5)},{_f(y)}"
        return f'<polygon points="{pts}" fill="{colour}">{tip}</polygon>'
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4" fill="{colour}">{tip}</circle>'


@dataclass(frozen=True)
class Series:
    """One line through the article: a value per position (None where there is nothing)."""

    name: str
    values: Sequence[float | None]
    style: int = 0  # index into the palette, dash patterns and marker shapes


def arc_chart(uid: str, title: str, desc: str, n: int, sections: Sequence[tuple[int, str]], *,
              bars: Sequence[float | None] = (), series: Sequence[Series] = (),
              y_range: tuple[float, float] = (-1.0, 1.0), y_label: str = "",
              point_label: str = "¶", width: int = 960, height: int = 300) -> str:
    """Values per paragraph (``n`` positions) as diverging bars and/or lines with markers.

    ``sections`` are (first position, heading) pairs: each section gets an alternating band and a
    numbered label (§2, ...) whose full heading is its tooltip.
    """
    left, right, top, bottom = 58, 12, 28, 34
    pw, ph = width - left - right, height - top - bottom
    lo, hi = y_range
    step = pw / max(n, 1)

    def xc(i: float) -> float:
        return left + (i + 0.5) * step

    def yc(v: float) -> float:
        v = min(hi, max(lo, v))
        return top + (hi - v) / (hi - lo) * ph

    out = [_open(uid, width, height, title, desc, "arc")]
    bounds = [*sorted(sections), (n, "")]
    for k, ((start, head), (end, _)) in enumerate(itertools.pairwise(bounds)):
        x0, x1 = left + start * step, left + end * step
        shade = "#F2F2F2" if k % 2 else "#FFFFFF"
        out.append(f'<g class="band"><title>§{k + 1} {_esc(head)}</title>'
                   f'<rect x="{_f(x0)}" y="{top}" width="{_f(max(x1 - x0, 0))}" height="{ph}" '
                   f'fill="{shade}"/>'
                   f'<line x1="{_f(x0)}" y1="{top - 14}" x2="{_f(x0)}" y2="{top + ph}" '
                   f'stroke="#767676" stroke-dasharray="3 3"/>'
                   f'<text x="{_f(x0 + 3)}" y="{top - 4}" class="lbl">§{k + 1}</text></g>')
    for v in (lo, (lo + hi) / 2, hi):
        y = yc(v)
        axis = v == 0
        tick = "0" if axis else f"{v:+.1f}" if lo < 0 else f"{v:.1f}"
        out.append(f'<line x1="{left}" y1="{_f(y)}" x2="{left + pw}" y2="{_f(y)}" '
                   f'stroke="{"#555" if axis else "#CCC"}" stroke-width="{1 if axis else 0.7}"/>'
                   f'<text x="{left - 5}" y="{_f(y + 4)}" class="lbl" text-anchor="end">{tick}</text>')
    base = yc(max(lo, min(hi, 0.0)))
    bw = max(1.0, step * 0.7)
    for i, v in enumerate(bars):
        if v is None:
            continue
        y = yc(v)
        fill = POS_FILL if v >= 0 else NEG_FILL
        out.append(f'<rect class="bar" x="{_f(xc(i) - bw / 2)}" y="{_f(min(y, base))}" '
                   f'width="{_f(bw)}" height="{_f(max(abs(base - y), 0.5))}" fill="{fill}">'
                   f'<title>{point_label} {i + 1}: {v:+.2f}</title></rect>')
    for s in series:
        colour = OKABE_ITO[s.style % len(OKABE_ITO)]
        dash = DASHES[s.style % len(DASHES)]
        pts = [(xc(i), yc(v), v, i) for i, v in enumerate(s.values) if v is not None]
        if len(pts) > 1:
            d = " ".join(f"{_f(x)},{_f(y)}" for x, y, _, _ in pts)
            out.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2"'
                       + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        kind = MARKERS[s.style % len(MARKERS)]
        out.extend(_marker(kind, x, y, colour, f"{s.name}, {point_label} {i + 1}: {v:+.2f}")
                   for x, y, v, i in pts)
    out.append(f'<text x="{left}" y="{height - 8}" class="lbl">{_esc(point_label)} 1</text>'
               f'<text x="{left + pw}" y="{height - 8}" class="lbl" text-anchor="end">'
               f'{_esc(point_label)} {n}</text>')
    if y_label:
        out.append(f'<text x="12" y="{_f(top + ph / 2)}" class="lbl" text-anchor="middle" '
                   f'transform="rotate(-90 12 {_f(top + ph / 2)})">{_esc(y_label)}</text>')
    if series:
        x = left + 60
        for s in series:
            colour = OKABE_ITO[s.style % len(OKABE_ITO)]
            dash = DASHES[s.style % len(DASHES)]
            out.append(f'<line x1="{_f(x)}" y1="{height - 12}" x2="{_f(x + 22)}" y2="{height - 12}" '
                       f'stroke="{colour}" stroke-width="2"'
                       + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
                       + _marker(MARKERS[s.style % len(MARKERS)], x + 11, height - 12, colour, s.name)
                       + f'<text x="{_f(x + 26)}" y="{height - 8}" class="lbl">'
                       f'{_esc(_clip(s.name, 24))}</text>')
            x += 40 + 7 * min(len(s.name), 24)
    out.append("</svg>")
    return "".join(out)


def bar_chart(uid: str, title: str, desc: str, rows: Sequence[tuple[str, float | None]], *,
              signed: bool = True, vmax: float | None = None, fmt: str = "{:+.2f}",
              width: int = 520, row_h: int = 22) -> str:
    """One horizontal bar per row; signed values diverge from a centre line."""
    label_w, value_w, top = 200, 52, 8
    height = top * 2 + row_h * max(len(rows), 1)
    pw = width - label_w - value_w
    finite = [abs(v) for _, v in rows if v is not None]
    vmax = vmax or max(finite, default=0.0) or 1.0
    zero = label_w + (pw / 2 if signed else 0)
    scale = (pw / 2 if signed else pw) / vmax
    out = [_open(uid, width, height, title, desc, "bars")]
    out.append(f'<line x1="{_f(zero)}" y1="{top - 4}" x2="{_f(zero)}" y2="{height - top + 4}" '
               f'stroke="#555"/>')
    for k, (label, v) in enumerate(rows):
        y = top + k * row_h
        text = "–" if v is None else fmt.format(v)
        out.append(f'<g><title>{_esc(label)}: {_esc(text)}</title>'
                   f'<text x="{label_w - 8}" y="{_f(y + row_h * 0.68)}" class="lbl" '
                   f'text-anchor="end">{_esc(_clip(label, 30))}</text>')
        if v is not None:
            w = min(abs(v), vmax) * scale
            x = zero if v >= 0 else zero - w
            fill = (POS_FILL if v >= 0 else NEG_FILL) if signed else _hex(SEQ_HI)
            out.append(f'<rect x="{_f(x)}" y="{_f(y + 3)}" width="{_f(max(w, 0.5))}" '
                       f'height="{row_h - 6}" fill="{fill}"/>')
        out.append(f'<text x="{width - 4}" y="{_f(y + row_h * 0.68)}" class="lbl num" '
                   f'text-anchor="end">{_esc(text)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def heat_map(uid: str, title: str, desc: str, rows: Sequence[str], cols: Sequence[str],
             values: Sequence[Sequence[float | None]], *, notes: Sequence[Sequence[str]] = (),
             signed: bool = True, vmax: float = 1.0, fmt: str = "{:+.2f}",
             marks: Sequence[Sequence[bool]] = (), cell_w: int = 64, cell_h: int = 30) -> str:
    """Rows x columns of coloured cells, each printing its value ('–' where there is none).

    Columns are numbered (§1, §2 ...) with the full name as tooltip; ``notes[r][c]`` is extra
    tooltip text for a cell (e.g. the number of mentions behind it); ``marks[r][c]`` adds a ✓.
    """
    label_w, top = 200, 26
    width = label_w + cell_w * max(len(cols), 1) + 8
    height = top + cell_h * max(len(rows), 1) + 6
    out = [_open(uid, width, height, title, desc, "heat")]
    for c, name in enumerate(cols):
        x = label_w + c * cell_w + cell_w / 2
        out.append(f'<text x="{_f(x)}" y="{top - 8}" class="lbl" text-anchor="middle">'
                   f'<title>{_esc(name)}</title>§{c + 1}</text>')
    for r, name in enumerate(rows):
        y = top + r * cell_h
        out.append(f'<text x="{label_w - 8}" y="{_f(y + cell_h * 0.64)}" class="lbl" '
                   f'text-anchor="end"><title>{_esc(name)}</title>{_esc(_clip(name, 28))}</text>')
        for c, v in enumerate(values[r]):
            x = label_w + c * cell_w
            note = notes[r][c] if notes and r < len(notes) and c < len(notes[r]) else ""
            if v is None:
                fill, text = "#FFFFFF", "–"
            else:
                fill = diverging(v, vmax) if signed else sequential(v, vmax)
                text = fmt.format(v)
                if marks and r < len(marks) and c < len(marks[r]) and marks[r][c]:
                    text += "✓"
            tip = f"{name} · §{c + 1} {cols[c]}: {text}" + (f" ({note})" if note else "")
            out.append(f'<g><title>{_esc(tip)}</title><rect x="{x + 1}" y="{y + 1}" '
                       f'width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}" stroke="#BBB"/>'
                       f'<text x="{_f(x + cell_w / 2)}" y="{_f(y + cell_h * 0.64)}" '
                       f'class="lbl num{" on-dark" if ink_on(fill) == "#FFF" else ""}" '
                       f'text-anchor="middle">{_esc(text)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def mini_bar(value: float | None, width: int = 60, height: int = 12) -> str:
    """A tiny decorative diverging bar for a score in [-1, 1] (the number is printed beside it)."""
    out = (f'<svg class="mini" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'aria-hidden="true" focusable="false">'
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#F2F2F2"/>'
           f'<line x1="{width / 2}" y1="0" x2="{width / 2}" y2="{height}" stroke="#555"/>')
    if value is not None:
        w = min(abs(value), 1.0) * width / 2
        x = width / 2 if value >= 0 else width / 2 - w
        out += (f'<rect x="{_f(x)}" y="2" width="{_f(max(w, 0.5))}" height="{height - 4}" '
                f'fill="{POS_FILL if value >= 0 else NEG_FILL}"/>')
    return out + "</svg>"
