"""The HTML report: one self-contained, offline, printable page rendered from the report dict.

Inline CSS (``CSS``), inline SVG charts (``render/svg.py``), one tiny inline script (open every
``<details>`` before printing) and a Content-Security-Policy that forbids every external load.
Every piece of article text is escaped. Optional report keys (``loaded_terms``, ``stance``,
``targets``, ``frames``, ``bias``, ``comparison`` ...) are rendered only when present, and read
defensively: their shapes belong to their scorers and aggregators.

``render_html(report)`` renders one article, ``render_index_html(entries)`` a batch index page
linking per-article reports, and ``render_compare_html(comparison)`` articles side by side.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from html import escape
from typing import Any

from .. import __version__
from . import svg

Report = dict[str, Any]

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'")
#: Loaded-language and epistemic categories, in legend order, with their human names.
CATEGORY_NAMES = {"loaded": "loaded", "name_calling": "name-calling", "exaggeration": "exaggeration",
                  "hedge": "hedge", "booster": "booster"}
MAX_TARGETS = 12  # heat-map rows
ARC_TARGETS = 4  # stance-arc lines
MAX_FRAMES = 8  # frames heat-map rows

CSS = """
:root{--fg:#1b1b1b;--muted:#555;--line:#d9d9d9;--soft:#f5f5f5;--pos:#2166AC;--neg:#E66101;
--focus:#0072B2}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:#fff;
font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",sans-serif}
.wrap{max-width:1120px;margin:0 auto;padding:0 1.25rem 3rem}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
h1{font-size:1.9rem;line-height:1.2;margin:1.5rem 0 .25rem}
h2{font-size:1.4rem;border-bottom:2px solid var(--line);padding-bottom:.2rem;margin:2.5rem 0 .75rem}
h3{font-size:1.15rem;margin:1.75rem 0 .4rem}
a{color:#0b5394}
.muted,figcaption,.note{color:var(--muted)}
.note{font-size:.9rem}
dl.facts{display:flex;flex-wrap:wrap;gap:.4rem 1.75rem;margin:.75rem 0}
dl.facts div{min-width:7rem}
dl.facts dt{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
dl.facts dd{margin:0;font-size:1.15rem;font-weight:600;font-variant-numeric:tabular-nums}
ol.findings{margin:.5rem 0 1rem;padding-left:1.6rem;font-size:1.05rem}
ol.findings li{margin:.35rem 0;padding-left:.2rem}
nav.toc ol{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;padding:0;list-style:none;margin:.5rem 0}
table{border-collapse:collapse;width:100%;font-size:.92rem;margin:.5rem 0}
th,td{padding:.35rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--soft);font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.scroll{overflow-x:auto}
.fit table{table-layout:fixed}.fit th,.fit td{overflow-wrap:anywhere;font-size:.85rem;padding:.25rem .3rem}
.nw{white-space:nowrap}
figure{margin:1rem 0 1.5rem}
figcaption{font-size:.9rem;margin-top:.35rem}
.chart{display:block;width:100%;height:auto;max-width:960px}
.chart.bars{max-width:560px}.chart.heat{max-width:880px}
.chart .lbl{font:12px system-ui,sans-serif;fill:#333}
.chart .num{font-variant-numeric:tabular-nums}
.chart .on-dark{fill:#fff}
svg.mini{vertical-align:middle;margin-right:.35rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(440px,100%),1fr));gap:.5rem 2rem}
details{margin:.5rem 0 1rem;border:1px solid var(--line);border-radius:6px;padding:.2rem .75rem}
summary{cursor:pointer;font-weight:600;padding:.2rem 0}
.lab{font-weight:600;white-space:nowrap}
.lab.positive,.lab.favor{color:var(--pos)}
.lab.negative,.lab.against{color:#B34700}
.legend{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;font-size:.9rem;margin:.5rem 0 1rem;padding:0;
list-style:none}
.para{display:grid;grid-template-columns:4.75rem 1fr;gap:.75rem;margin:.6rem 0}
.para p{margin:0}
.gut{font-size:.8rem;color:var(--muted);text-align:right;font-variant-numeric:tabular-nums;
padding-top:.2rem}
mark{color:inherit;background:none;position:relative;text-underline-offset:3px;
text-decoration-skip-ink:none;border-radius:2px}
mark.term{cursor:help;padding:0 .08em}
.cat-loaded{background:#FCE4C4;text-decoration:underline solid #C77700 2px}
.cat-name_calling{background:#F8D5C2;text-decoration:underline wavy #D55E00 2px}
.cat-exaggeration{background:#F4DDEB;text-decoration:underline double #B0508C 3px}
.cat-hedge{background:#DCEFFA;text-decoration:underline dotted #1F78B4 3px}
.cat-booster{background:#D3E3F1;text-decoration:underline dashed #0072B2 2px}
mark.mention{cursor:help;border:2px dotted #767676;padding:0 .1em}
mark.stance-favor{border:2px solid var(--pos)}
mark.stance-against{border:2px dashed var(--neg)}
mark[data-tip]:hover::after,mark[data-tip]:focus::after{content:attr(data-tip);position:absolute;
left:0;top:calc(100% + 4px);z-index:5;background:#1b1b1b;color:#fff;font-size:.8rem;
font-weight:400;line-height:1.3;padding:.3rem .5rem;border-radius:4px;width:max-content;
max-width:min(24rem,80vw);white-space:normal;text-align:left}
.swatch{padding:0 .3em}
footer{border-top:1px solid var(--line);margin-top:3rem;padding-top:.75rem;font-size:.85rem}
@media print{
 body{font-size:10.5pt}.wrap{max-width:none;padding:0}
 .skip,nav.toc{display:none}
 mark[data-tip]::after{display:none!important}
 h2,h3{break-after:avoid}
 figure,tr,.para{break-inside:avoid}
 details{border:none;padding:0}
 details::details-content{content-visibility:visible;display:block}
 a{color:inherit;text-decoration:none}
 *{print-color-adjust:exact;-webkit-print-color-adjust:exact}
}
"""
#: Print every piece of evidence: open the <details> blocks before printing.
SCRIPT = ('window.addEventListener("beforeprint",function(){'
          'document.querySelectorAll("details").forEach(function(d){d.open=true;});});')


# ----------------------------------------------------------------------------- small helpers

def _e(text: Any) -> str:
    return escape("" if text is None else str(text), quote=True)


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _score(v: Any) -> float | None:
    """A number, or a result's ``score`` (sentiment, bias, a stance entry; the schema's names)."""
    if (x := _num(v)) is not None:
        return x
    return _num(v.get("score")) if isinstance(v, dict) else None


def _fmt(x: float | None, signed: bool = True, nd: int = 2) -> str:
    if x is None:
        return "–"
    return f"{x:+.{nd}f}" if signed else f"{x:.{nd}f}"


def _slug(text: Any) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", str(text).lower()).strip("-") or "x"


def _heading(sec: dict[str, Any]) -> str:
    return sec.get("heading") or "(intro)"


def _label(label: Any) -> str:
    sym = {"positive": "▲", "favor": "▲", "negative": "▼", "against": "▼"}.get(str(label), "●")
    return f'<span class="lab {_slug(label)}">{sym} {_e(label)}</span>' if label else ""


def _frame_name(name: str) -> str:
    return str(name).replace("_", " ")


class _Ids:
    """Deterministic element ids for one page."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"


def _table(headers: list[str], rows: Iterable[list[str]], *, numeric: Iterable[int] = (),
           caption: str = "") -> str:
    """A table; ``rows`` hold ready (escaped) HTML; ``numeric`` columns are right-aligned."""
    num = set(numeric)
    head = "".join(f'<th scope="col"{" class=num" if i in num else ""}>{h}</th>'
                   for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{" class=num" if i in num else ""}>{c}</td>'
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    cap = f"<caption class=note>{caption}</caption>" if caption else ""
    return f'<div class="scroll"><table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _generic(value: Any, depth: int = 0) -> str:
    """Any JSON value as HTML: dicts as definition lists, lists of dicts as tables."""
    if isinstance(value, bool) or value is None:
        return _e(json.dumps(value))
    if isinstance(value, float):
        return _e(f"{value:.4g}")
    if not isinstance(value, dict | list):
        return _e(value)
    if depth >= 4:
        return f"<code>{_e(json.dumps(value, ensure_ascii=False)[:400])}</code>"
    if isinstance(value, dict):
        items = "".join(f"<div><dt>{_e(k)}</dt><dd>{_generic(v, depth + 1)}</dd></div>"
                        for k, v in value.items())
        return f'<dl class="generic">{items}</dl>'
    if value and all(isinstance(v, dict) for v in value) and depth >= 2:
        # inside a table cell: one compact line per entry, not a table squeezed into the cell
        return "".join('<div class="compact">' + " · ".join(
            f"{_e(k)} {_generic(x, depth + 1)}" for k, x in v.items() if not isinstance(x, dict | list))
            + "</div>" for v in value[:50])
    if value and all(isinstance(v, dict) for v in value):
        keys: list[str] = []
        for v in value:
            keys += [k for k in v if k not in keys]
        keys = keys[:12]
        table = _table([_e(k) for k in keys],
                       ([_generic(v.get(k), depth + 1) for k in keys] for v in value[:200]))
        return f'<div class="fit">{table}</div>'  # fixed layout: fits the page, never scrolls
    return ", ".join(_generic(v, depth + 1) for v in value[:200]) or "–"


def _document(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="generator" content="framing {_e(__version__)}">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head>\n"
            f'<body><a class="skip" href="#main">Skip to the report</a>\n'
            f'<div class="wrap">{body}</div>\n<script>{SCRIPT}</script></body></html>\n')


# ----------------------------------------------------------------------------- report access

def _paragraphs(report: Report) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for sec in report.get("sections", []):
        for p in sec.get("paragraphs", []):
            yield sec, p


def _sentences(unit: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "sentences" in unit:
        yield from unit["sentences"]
    else:
        for p in unit.get("paragraphs", []):
            yield from p.get("sentences", [])


def _unwrap_list(v: Any) -> list[dict[str, Any]]:
    """The objects of a list-valued key (loaded-term spans, stance entries, evidence)."""
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _terms(sentence: dict[str, Any]) -> list[dict[str, Any]]:
    """Loaded-term spans of one sentence (article offsets)."""
    return [t for t in _unwrap_list(sentence.get("loaded_terms"))
            if isinstance(t.get("start"), int) and isinstance(t.get("end"), int)]


def _mentions(sentence: dict[str, Any]) -> list[dict[str, Any]]:
    """Stance mentions of one sentence (article offsets): its per-target entries' ``spans``."""
    out: list[dict[str, Any]] = []
    for e in _unwrap_list(sentence.get("stance")):
        out += [{"target": e.get("target"), **m} for m in _unwrap_list(e.get("spans"))]
    return [m for m in out if m.get("target")]


def _voices(v: Any) -> dict[str, str]:
    """{target: "author +0.10 ×3 · quoted −0.20 ×1"} where a stance summary splits the voices."""
    out = {}
    for e in _unwrap_list(v):
        parts = [f"{name} {_fmt(_score(b))} ×{b.get('mentions', '?')}"
                 for name in ("author", "quoted") if isinstance(b := e.get(name), dict) and b.get("mentions")]
        if e.get("target") and parts:
            out[str(e["target"])] = " · ".join(parts)
    return out


def _frame_scores(v: Any) -> dict[str, float]:
    """{frame: probability}: a sentence's ``frames`` (frame -> p) or a unit's ``frames.scores``."""
    if not isinstance(v, dict):
        return {}
    scores = v["scores"] if isinstance(v.get("scores"), dict) else v
    return {k: float(x) for k, x in scores.items() if _num(x) is not None}


def _frame_labels(v: Any) -> list[str]:
    """Frames a unit's summary labels as present (above their tuned thresholds), if it says."""
    labels = v.get("labels") if isinstance(v, dict) else None
    return [str(x) for x in labels] if isinstance(labels, list) else []


def _main_frame(v: Any) -> tuple[str, float] | None:
    """The unit's main frame: the first of the report's dominant-frame order (``ranked``)."""
    ranked = v.get("ranked") if isinstance(v, dict) else None
    if not ranked:
        return None
    return str(ranked[0]["frame"]), float(ranked[0]["score"])


def _target_scores(v: Any) -> dict[str, float]:
    """{target: stance score} from a unit's ``stance`` entries."""
    out = {}
    for item in _unwrap_list(v):
        name = item.get("target") or item.get("name")
        if name and (s := _score(item)) is not None:
            out[str(name)] = s
    return out


def _stance_units(units: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, float]],
                                                         list[dict[str, int]]]:
    """Targets (most mentioned first), per-unit stance score and mention count per target.

    Scores are the unit's aggregated ``stance`` (the report's); mentions are counted from the
    sentences' spans.
    """
    counts = [defaultdict(int) for _ in units]
    for k, unit in enumerate(units):
        for s in _sentences(unit):
            for m in _mentions(s):
                counts[k][m["target"]] += 1
    scores = [_target_scores(unit.get("stance")) for unit in units]
    total: dict[str, int] = defaultdict(int)
    for c in counts:
        for t, n in c.items():
            total[t] += n
    for sc in scores:
        for t in sc:
            total.setdefault(t, 0)
    order = sorted(total, key=lambda t: (-total[t], t))
    return order, scores, [dict(c) for c in counts]


# ----------------------------------------------------------------------------- article text

def _term_mark(t: dict[str, Any], text: str) -> str:
    cat = str(t.get("category") or "term")
    score = _num(t.get("score"))
    quoted = bool(t.get("quoted"))
    tip = (f"{CATEGORY_NAMES.get(cat, cat)} · score {_fmt(score, False)} · "
           f"{'inside a quote' if quoted else 'not quoted'}"
           + (f" · {t['source']}" if t.get("source") else ""))
    return (f'<mark class="term cat-{_slug(cat)}" tabindex="0" data-category="{_e(cat)}" '
            f'data-score="{_fmt(score, False)}" data-quoted="{str(quoted).lower()}" '
            f'title="{_e(tip)}" data-tip="{_e(tip)}">{_e(text)}</mark>')


def _mention_mark(m: dict[str, Any], text: str) -> str:
    label = str(m.get("label") or "")
    quoted = (f"quoted{' (' + str(m['speaker']) + ')' if m.get('speaker') else ''}"
              if m.get("quoted") else "not quoted")
    ev = m.get("evidence")
    cues = f" · cues: {', '.join(map(str, ev[:5]))}" if isinstance(ev, list) and ev else ""
    tip = f"{m['target']} · stance {label} {_fmt(_num(m.get('score')))} · {quoted}{cues}"
    return (f'<mark class="mention stance-{_slug(label)}" tabindex="0" data-target="{_e(m["target"])}" '
            f'data-score="{_fmt(_num(m.get("score")))}" title="{_e(tip)}" data-tip="{_e(tip)}">'
            f"{_e(text)}</mark>")


def highlight(text: str, base: int, spans: list[tuple[int, int, Callable[[str], str]]]) -> str:
    """Escape ``text`` (starting at article offset ``base``), wrapping each non-overlapping span.

    ``spans`` are (article start, article end, wrap(escaped-free text) -> html); earlier and
    longer spans win over the spans they overlap.
    """
    out, pos = [], 0
    for start, end, wrap in sorted(spans, key=lambda s: (s[0], s[0] - s[1])):
        a, b = max(start - base, 0), min(end - base, len(text))
        if a < pos or b <= a:
            continue
        out.append(_e(text[pos:a]))
        out.append(wrap(text[a:b]))
        pos = b
    out.append(_e(text[pos:]))
    return "".join(out)


def _paragraph_html(p: dict[str, Any]) -> str:
    spans: list[tuple[int, int, Callable[[str], str]]] = []
    for s in p.get("sentences", []):
        spans += [(t["start"], t["end"], lambda x, t=t: _term_mark(t, x)) for t in _terms(s)]
        spans += [(m["start"], m["end"], lambda x, m=m: _mention_mark(m, x)) for m in _mentions(s)
                  if isinstance(m.get("start"), int) and isinstance(m.get("end"), int)]
    se = _score(p.get("sentiment"))
    n = p.get("index", 0) + 1
    return (f'<div class="para" id="p-{n}"><div class="gut"><a href="#p-{n}">¶&nbsp;{n}</a><br>'
            f'<span title="paragraph sentiment">{_fmt(se)}</span></div>'
            f'<p>{highlight(p.get("text", ""), p.get("start", 0), spans)}</p></div>')


def _mention_evidence(m: dict[str, Any]) -> str:
    said = m.get("text") if m.get("text") and m.get("text") != m["target"] else None
    ev = m.get("evidence")
    voice = (f"quoted{': ' + str(m['speaker']) if m.get('speaker') else ''}" if m.get("quoted")
             else "")
    extra = "; ".join(x for x in (voice, ", ".join(map(str, ev[:5])) if isinstance(ev, list) else "") if x)
    return (f"{_e(m['target'])}{f' <span class=muted>“{_e(said)}”</span>' if said else ''} "
            f"<span class=nw>{_fmt(_num(m.get('score')))} {_label(m.get('label'))}</span>"
            f"{f' <span class=muted>({_e(extra)})</span>' if extra else ''}")


def _evidence_rows(unit: dict[str, Any]) -> str:
    """Every sentence of a section with the evidence behind each of its scores."""
    sents = [(p.get("index", 0) + 1, s) for p in unit.get("paragraphs", []) for s in p.get("sentences", [])]
    cols: list[tuple[str, Callable[[dict[str, Any]], str], bool]] = [
        ("Sentiment", lambda s: _fmt(_score(s.get("sentiment"))), True),
        ("Sentiment words (VADER valence)", lambda s: _e(", ".join(
            f"{w.get('text')} ({_fmt(_num(w.get('valence')), nd=1)})"
            for w in _unwrap_list((s.get("sentiment") or {}).get("evidence")))) or "–", False),
    ]
    if any(_terms(s) for _, s in sents):
        cols.append(("Loaded terms and markers", lambda s: "<br>".join(
            f"{_e(t.get('text'))} <span class=muted>({_e(CATEGORY_NAMES.get(str(t.get('category')), t.get('category')))}, "
            f"{_fmt(_num(t.get('score')), False)}{', quoted' if t.get('quoted') else ''})</span>"
            for t in _terms(s)) or "–", False))
    if any(_mentions(s) for _, s in sents):
        cols.append(("Stance toward targets", lambda s: "<br>".join(
            _mention_evidence(m) for m in _mentions(s)) or "–", False))
    if any(_score(s.get("bias")) is not None for _, s in sents):
        cols.append(("Bias", lambda s: _fmt(_score(s.get("bias")), False), True))
    if any(_frame_scores(s.get("frames")) for _, s in sents):
        cols.append(("Frames", lambda s: _e(", ".join(
            f"{_frame_name(f)} {v:.2f}" for f, v in sorted(
                _frame_scores(s.get("frames")).items(), key=lambda kv: -kv[1])[:3])) or "–", False))
    headers = ["¶", "Sentence", *(c[0] for c in cols)]
    numeric = [0] + [i + 2 for i, c in enumerate(cols) if c[2]]
    rows = ([str(n), _e(s.get("text", "")), *(fn(s) for _, fn, _ in cols)] for n, s in sents)
    return _table(headers, rows, numeric=numeric)


def _legend(report: Report) -> str:
    cats: dict[str, int] = defaultdict(int)
    stances: set[str] = set()
    for _, p in _paragraphs(report):
        for s in p.get("sentences", []):
            for t in _terms(s):
                cats[str(t.get("category"))] += 1
            stances |= {str(m.get("label")) for m in _mentions(s)}
    if not cats and not stances:
        return ""
    order = [c for c in CATEGORY_NAMES if c in cats] + sorted(c for c in cats if c not in CATEGORY_NAMES)
    items = [f'<li><mark class="term swatch cat-{_slug(c)}">{_e(CATEGORY_NAMES.get(c, c))}</mark> '
             f'{cats[c]}</li>' for c in order]
    items += [f'<li><mark class="mention swatch stance-{_slug(lbl)}">target: {_e(lbl)}</mark></li>'
              for lbl in ("favor", "neutral", "against") if lbl in stances]
    return (f'<ul class="legend" aria-label="Highlight legend">{"".join(items)}</ul>'
            '<p class="note">Tab to a highlighted word (or point at it) to see its category, score '
            'and whether it sits inside a quotation. Categories differ by underline style as well '
            'as colour; targets are boxed: solid = favourable, dashed = against, dotted = neutral.</p>')


# ----------------------------------------------------------------------------- report parts

def _header(report: Report) -> str:
    s = report.get("summary", {})
    art = report.get("article", {})
    se = s.get("sentiment") or {}
    facts = [("Sections", len(report.get("sections", []))), ("Paragraphs", art.get("paragraphs")),
             ("Sentences", art.get("sentences")), ("Words", s.get("words")),
             ("Quotes", len(art.get("quotes", [])) if isinstance(art.get("quotes"), list) else None)]
    items = [f"<div><dt>{k}</dt><dd>{_e(v)}</dd></div>" for k, v in facts if v is not None]
    if se:
        items.append(f'<div><dt>Sentiment</dt><dd>{svg.mini_bar(_score(se))}{_fmt(_score(se))} '
                     f'{_label(se.get("label"))}</dd></div>')
        if _num(se.get("lexicon")) is not None:
            items.append(f"<div><dt>Lexicon (VADER)</dt><dd>{_fmt(_num(se['lexicon']))}</dd></div>")
    if _num(s.get("loaded_density")) is not None:
        items.append(f"<div><dt>Loaded density</dt><dd>{_fmt(s['loaded_density'], False, 3)}</dd></div>")
    lt = _unwrap_list(s.get("loaded_terms"))
    if lt:
        items.append(f"<div><dt>Loaded terms</dt><dd>{len(lt)}</dd></div>")
    if (b := _score(s.get("bias"))) is not None:
        items.append(f"<div><dt>Bias</dt><dd>{_fmt(b, False)}</dd></div>")
    if top := _main_frame(s.get("frames")):
        items.append(f"<div><dt>Main frame</dt><dd>{_e(_frame_name(top[0]))} {top[1]:.2f}</dd></div>")
    return (f'<header><h1>{_e(report.get("title") or "(untitled)")}</h1>'
            f'<p class="muted">{_e(report.get("source"))}</p>'
            f'<dl class="facts">{"".join(items)}</dl></header>')


def _profile(report: Report, stance: tuple[list[str], list[dict[str, float]], list[dict[str, int]]]) -> str:
    secs = report.get("sections", [])
    cols: list[tuple[str, Callable[[dict[str, Any]], str], bool]] = [
        ("#", lambda x: str(x.get("index", 0) + 1), True),
        ("Section", lambda x: f'<a href="#sec-{x.get("index", 0) + 1}">{_e(_heading(x))}</a>', False),
        ("¶", lambda x: _e((x.get("summary") or {}).get("paragraphs", len(x.get("paragraphs", [])))), True),
        ("Sentiment", lambda x: (f'<span class=nw>{svg.mini_bar(_score(x.get("sentiment")))}'
                                 f'{_fmt(_score(x.get("sentiment")))} '
                                 f'{_label((x.get("sentiment") or {}).get("label"))}</span>')
         if x.get("sentiment") else "–", False),
        ("Spread", lambda x: _fmt(_num((x.get("summary") or {}).get("sentiment_spread")), False), True),
        ("Most + / − ¶", lambda x: _extremes(x.get("summary") or {}), True),
    ]
    if any("loaded_density" in x for x in secs):
        cols.append(("Loaded density", lambda x: _fmt(_num(x.get("loaded_density")), False, 3), True))
    if any(_unwrap_list(x.get("loaded_terms")) for x in secs):
        cols.append(("Loaded terms", lambda x: str(len(_unwrap_list(x.get("loaded_terms")))), True))
    if any(_score(x.get("bias")) is not None for x in secs):
        cols.append(("Bias", lambda x: _fmt(_score(x.get("bias")), False), True))
    if any(_frame_scores(x.get("frames")) for x in secs):
        def top_frame(x: dict[str, Any]) -> str:
            top = _main_frame(x.get("frames"))
            return f"{_e(_frame_name(top[0]))} {top[1]:.2f}" if top else "–"
        cols.append(("Main frame", top_frame, False))
    targets, scores, counts = stance
    if targets:
        def most_mentioned(x: dict[str, Any]) -> str:
            k = secs.index(x)
            ts = sorted(scores[k], key=lambda t: (-counts[k].get(t, 0), t))[:2]
            return "<br>".join(f"<span class=nw>{_e(t)} {_fmt(scores[k][t])} "
                               f"<span class=muted>×{counts[k].get(t, 0)}</span></span>"
                               for t in ts) or "–"
        cols.append(("Stance (most mentioned)", most_mentioned, False))
    table = _table([c[0] for c in cols], ([fn(x) for _, fn, _ in cols] for x in secs),
                   numeric=[i for i, c in enumerate(cols) if c[2]])
    return (f'<section aria-labelledby="h-profile"><h2 id="h-profile">Section by section</h2>{table}'
            '<p class="note">Scores are word-weighted means of sentence scores, in [−1, 1] for '
            'sentiment and stance (negative = unfavourable) and [0, 1] for bias and frames. Spread is '
            'the standard deviation of paragraph sentiment. Open “Evidence” under each section of the '
            'article for the sentences behind every figure.</p></section>')


def _extremes(summ: dict[str, Any]) -> str:
    pos, neg = summ.get("most_positive"), summ.get("most_negative")
    if not (isinstance(pos, dict) and isinstance(neg, dict)):
        return "–"
    a, b = pos.get("paragraph", 0) + 1, neg.get("paragraph", 0) + 1
    return f'<a href="#p-{a}">{a}</a> / <a href="#p-{b}">{b}</a>'


def _figure(chart: str, caption: str, data: str = "") -> str:
    details = f"<details><summary>Data</summary>{data}</details>" if data else ""
    return f"<figure>{chart}<figcaption>{caption}</figcaption>{details}</figure>"


def _section_key(report: Report) -> str:
    return "; ".join(f"§{s.get('index', 0) + 1} {_e(_heading(s))}" for s in report.get("sections", []))


def _charts(report: Report, ids: _Ids,
            stance: tuple[list[str], list[dict[str, float]], list[dict[str, int]]]) -> str:
    secs = report.get("sections", [])
    paras = [p for _, p in _paragraphs(report)]
    n = len(paras)
    starts = [(min((p.get("index", 0) for p in s.get("paragraphs", [])), default=0), _heading(s))
              for s in secs if s.get("paragraphs")]
    out = ['<section aria-labelledby="h-charts"><h2 id="h-charts">Through the article</h2>']
    key = f"Sections: {_section_key(report)}."
    sent = [_score(p.get("sentiment")) for p in paras]
    if any(v is not None for v in sent):
        chart = svg.arc_chart(ids("c"), "Sentiment arc: sentiment of each paragraph",
                              f"{n} paragraphs in {len(secs)} sections; bars above the line are "
                              "positive, below negative.", n, starts, bars=sent, y_label="sentiment")
        data = _table(["¶", "Section", "Sentiment"],
                      ([str(p.get("index", 0) + 1), _e(_heading(s)), _fmt(_score(p.get("sentiment")))]
                       for s, p in _paragraphs(report)), numeric=[0, 2])
        out.append("<h3>Sentiment arc</h3>" + _figure(
            chart, f"Paragraph sentiment in [−1, 1] (blue above the line = positive, orange below = "
                   f"negative); dashed lines mark section starts. {key}", data))
    # stance arc: the most mentioned targets, per paragraph
    p_targets, p_scores, _ = _stance_units(paras)
    if p_targets:
        top = p_targets[:ARC_TARGETS]
        series = [svg.Series(t, [sc.get(t) for sc in p_scores], k) for k, t in enumerate(top)]
        chart = svg.arc_chart(ids("c"), "Stance arc: stance toward the most mentioned targets per "
                              "paragraph", f"Lines for {', '.join(top)}; points only where a target "
                              "is mentioned.", n, starts, series=series, y_label="stance")
        data = _table(["¶", *map(_e, top)],
                      ([str(i + 1), *(_fmt(sc.get(t)) for t in top)]
                       for i, sc in enumerate(p_scores)), numeric=range(len(top) + 1))
        out.append("<h3>Stance arc</h3>" + _figure(
            chart, "Stance toward each target per paragraph, in [−1, 1] (P(favour) − P(against)); "
                   "each target has its own colour, dash pattern and marker shape.", data))
    # per-section bars
    bars = []
    rows = [(f"§{s.get('index', 0) + 1} {_heading(s)}", _score(s.get("sentiment"))) for s in secs]
    if any(v is not None for _, v in rows):
        bars.append(_figure(svg.bar_chart(ids("c"), "Sentiment per section", "Word-weighted mean "
                                          "sentiment of each section.", rows, vmax=1.0),
                            "Sentiment per section (blue = positive, orange = negative)."))
    rows = [(f"§{s.get('index', 0) + 1} {_heading(s)}", _num(s.get("loaded_density"))) for s in secs]
    if any(v is not None for _, v in rows):
        bars.append(_figure(svg.bar_chart(ids("c"), "Loaded-language density per section",
                                          "Loaded-language density of each section.", rows,
                                          signed=False, fmt="{:.3f}"),
                            "Loaded-language density per section."))
    rows = [(f"§{s.get('index', 0) + 1} {_heading(s)}", _score(s.get("bias"))) for s in secs]
    if any(v is not None for _, v in rows):
        bars.append(_figure(svg.bar_chart(ids("c"), "Bias per section", "Mean probability that a "
                                          "sentence is biased, per section.", rows, signed=False,
                                          vmax=1.0, fmt="{:.2f}"),
                            "Bias per section (probability a sentence is biased, [0, 1])."))
    if bars:
        out.append(f'<h3>Per section</h3><div class="grid">{"".join(bars)}</div>')
    # target x section heat map
    targets, scores, counts = stance
    if targets:
        rows_t = targets[:MAX_TARGETS]
        values = [[scores[k].get(t) for k in range(len(secs))] for t in rows_t]
        voices = [_voices(s.get("stance")) for s in secs]
        notes = [[f"{counts[k].get(t, 0)} mention(s)" + (f"; {voices[k][t]}" if t in voices[k] else "")
                  for k in range(len(secs))] for t in rows_t]
        cols = [_heading(s) for s in secs]
        chart = svg.heat_map(ids("c"), "Stance toward each target in each section",
                             f"{len(rows_t)} targets by {len(secs)} sections; blue = favourable, "
                             "orange = unfavourable, – = not mentioned.", rows_t, cols, values,
                             notes=notes)
        data = _table(["Target", *(f"§{k + 1}" for k in range(len(secs)))],
                      ([_e(t), *(f"{_fmt(v)} <span class=muted>×{counts[k].get(t, 0)}</span>"
                                 if v is not None else "–" for k, v in enumerate(vals))]
                       for t, vals in zip(rows_t, values, strict=True)),
                      numeric=range(1, len(secs) + 1))
        out.append('<h3 id="h-heat">Targets × sections</h3>' + _figure(
            chart, f"Stance per target and section in [−1, 1] (blue = favourable, orange = "
                   f"unfavourable; every cell prints its value). {key}", data))
    # frames x section heat map
    frames = [_frame_scores(s.get("frames")) for s in secs]
    if any(frames):
        names = sorted({f for fr in frames for f in fr},
                       key=lambda f: (-max(fr.get(f, 0.0) for fr in frames), f))[:MAX_FRAMES]
        values = [[fr.get(f) for fr in frames] for f in names]
        labels = [set(_frame_labels(s.get("frames"))) for s in secs]
        marks = [[f in lab for lab in labels] for f in names]
        vmax = max((v for row in values for v in row if v is not None), default=1.0) or 1.0
        chart = svg.heat_map(ids("c"), "Frames in each section",
                             f"The {len(names)} strongest frames by {len(secs)} sections; darker = "
                             "stronger; ✓ = above the frame's threshold.",
                             [_frame_name(f) for f in names], [_heading(s) for s in secs], values,
                             signed=False, vmax=vmax, fmt="{:.2f}", marks=marks)
        data = _table(["Frame", *(f"§{k + 1}" for k in range(len(secs)))],
                      ([_e(_frame_name(f)), *(_fmt(v, False) + (" ✓" if m else "")
                                              for v, m in zip(vals, mk, strict=True))]
                       for f, vals, mk in zip(names, values, marks, strict=True)),
                      numeric=range(1, len(secs) + 1)) + _frame_evidence(report)
        out.append('<h3 id="h-frames">Frames × sections</h3>' + _figure(
            chart, "Frame scores per section (darker = stronger; every cell prints its value; "
                   f"✓ = the section is labelled with that frame). {key}", data))
    out.append("</section>")
    return "".join(out)


def _frame_evidence(report: Report) -> str:
    """The sentences behind each section's frames, where the frames summary lists them."""
    text = {s.get("start"): s.get("text", "") for _, p in _paragraphs(report) for s in p.get("sentences", [])}
    rows = []
    for sec in report.get("sections", []):
        ev = (sec.get("frames") or {}).get("evidence") if isinstance(sec.get("frames"), dict) else None
        if not isinstance(ev, dict):
            continue
        for frame, sents in ev.items():
            cites = [f"{_e(text.get(x.get('start'), ''))} <span class=muted>({_fmt(_num(x.get('p')), False)})</span>"
                     for x in _unwrap_list(sents) if text.get(x.get("start"))]
            if cites:
                rows.append([f"§{sec.get('index', 0) + 1}", _e(_frame_name(frame)), "<br>".join(cites)])
    if not rows:
        return ""
    return ("<p class=note>The sentences most typical of each frame in each section "
            "(probability of the frame):</p>" + _table(["Section", "Frame", "Sentences"], rows))


def _article(report: Report) -> str:
    out = ['<section aria-labelledby="h-text"><h2 id="h-text">The article</h2>', _legend(report)]
    for sec in report.get("sections", []):
        k = sec.get("index", 0) + 1
        se = sec.get("sentiment") or {}
        facts = [f"sentiment {_fmt(_score(se))} {_label(se.get('label'))}" if se else ""]
        if _num(sec.get("loaded_density")) is not None:
            facts.append(f"loaded density {_fmt(sec['loaded_density'], False, 3)}")
        if (b := _score(sec.get("bias"))) is not None:
            facts.append(f"bias {_fmt(b, False)}")
        out.append(f'<section id="sec-{k}" aria-labelledby="sec-{k}-h">'
                   f'<h3 id="sec-{k}-h">§{k} {_e(_heading(sec))}</h3>'
                   f'<p class="note">{" · ".join(f for f in facts if f)}</p>')
        out += [_paragraph_html(p) for p in sec.get("paragraphs", [])]
        nsent = sum(len(p.get("sentences", [])) for p in sec.get("paragraphs", []))
        out.append(f"<details><summary>Evidence for §{k}: {nsent} sentence(s) and their scores"
                   f"</summary>{_evidence_rows(sec)}</details></section>")
    out.append("</section>")
    return "".join(out)


_KNOWN = {"schema", "schema_version", "framing", "id", "source", "models", "title", "title_span",
          "article", "sections", "summary"}


def _voice_cell(b: Any, basis: str | None = None) -> str:
    """A voice's score, label and mentions, and for the author's voice what the label rests on
    (``report.stance.label_basis``: a near miss, or one sentence)."""
    if not isinstance(b, dict) or not b.get("mentions"):
        return "–"
    cell = (f'{_fmt(_score(b))} {_label(b.get("label"))}'
            + (f' <span class=muted>{_e(basis)}</span>' if basis else "")
            + f' <span class=muted>×{_e(b["mentions"])}</span>')
    speakers = [sp for sp in _unwrap_list(b.get("speakers")) if sp.get("speaker")][:3]
    if speakers:
        cell += "<br>" + "<br>".join(f'<span class=muted>{_e(sp["speaker"])}</span> {_fmt(_score(sp))}'
                                     for sp in speakers)
    return cell


def _targets_table(value: Any, trust: str | None = None, report: Report | None = None) -> str | None:
    """The stance scorer's top-level ``targets`` (name, aliases, mentions, stance by voice), and
    how often each author label was right (``report.stance.trust_note``) where the report says."""
    from ..report.stance import label_basis

    rows = _unwrap_list(value)
    if not rows or not all(r.get("name") for r in rows):
        return None
    has = {k: any(r.get(k) for r in rows) for k in ("kind", "aliases", "stance")}
    headers = ["Target", *(["Kind"] if has["kind"] else []), *(["Aliases"] if has["aliases"] else []),
               "Mentions", *(["Stance", "Author's voice", "Quoted voices"] if has["stance"] else [])]
    body = []
    for r in rows:
        st = r.get("stance") if isinstance(r.get("stance"), dict) else {}
        aliases = r.get("aliases") if isinstance(r.get("aliases"), list) else []
        body.append([_e(r["name"]), *([_e(r.get("kind") or "–")] if has["kind"] else []),
                     *([_e(", ".join(map(str, aliases))) or "–"] if has["aliases"] else []),
                     _e(r.get("mentions", st.get("mentions", "–"))),
                     *([(f'<span class=nw>{svg.mini_bar(_score(st))}{_fmt(_score(st))} '
                         f'{_label(st.get("label"))}</span>') if st else "–",
                        _voice_cell(st.get("author"), label_basis(report or {}, st.get("author"))),
                        _voice_cell(st.get("quoted"))]
                       if has["stance"] else [])])
    n = len(headers)
    numeric = [headers.index("Mentions")] + ([n - 3] if has["stance"] else [])
    return (_table(headers, body, numeric=numeric)
            + '<p class="note">Stance in [−1, 1] (P(favour) − P(against), mean over mentions); the '
              "author's voice counts mentions outside quotations, quoted voices those inside."
            + (f" {_e(trust)}." if trust else "") + "</p>")


def _findings_of(report: Report) -> list[str]:
    """The report's findings (``comparison.findings``): plain sentences, in the report's order."""
    comp = report.get("comparison")
    found = comp.get("findings") if isinstance(comp, dict) else None
    return [str(f) for f in found if isinstance(f, str | int | float)] if isinstance(found, list) else []


def _findings(report: Report) -> str:
    """What the page opens with: the findings as a list, one claim per item."""
    found = _findings_of(report)
    if not found:
        return ""
    items = "".join(f"<li>{_e(f)}</li>" for f in found)
    return (f'<section aria-labelledby="h-findings"><h2 id="h-findings">Findings</h2>'
            f'<ol class="findings">{items}</ol><p class="note">Each finding compares a section with '
            "the rest of the article; the section table, the charts and the evidence under each "
            "section of the article below show the figures behind it.</p></section>")


def _extras(report: Report) -> str:
    """Top-level keys added by report hooks (``targets``, ``comparison`` ...), each a collapsed
    data block (the findings are shown at the top, not repeated); unknown shapes are rendered
    generically."""
    out = []
    for key, value in report.items():
        if key == "comparison" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k != "findings"}
        if key in _KNOWN or value in (None, [], {}):
            continue
        hid = f"h-x-{_slug(key)}"
        if key == "targets":
            from ..report.stance import threshold_note, trust_note

            notes = [n for n in (threshold_note(report), trust_note(report)) if n]
            content = _targets_table(value, ". ".join(notes) or None, report) or _generic(value)
        else:
            content = _generic(value)
        title = _e(key.replace("_", " ").capitalize())
        out.append(f'<section aria-labelledby="{hid}"><h2 id="{hid}">{title}</h2>'
                   f"<details><summary>Data: {title.lower()}</summary>{content}</details></section>")
    return "".join(out)


def _footer(report: Report) -> str:
    models = report.get("models") or {}
    scorers = models.get("scorers") if isinstance(models, dict) else None
    used = ", ".join(f"{_e(k)} v{_e((v or {}).get('version', '?'))}" for k, v in scorers.items()) \
        if isinstance(scorers, dict) else ""
    return (f'<footer><p>framing {_e(report.get("framing", __version__))} · report schema '
            f'{_e(report.get("schema_version", "?"))} · encoder {_e(models.get("encoder", "?") if isinstance(models, dict) else "?")}'
            f'{" · scorers: " + used if used else ""}. Machine estimates: read them with the '
            "evidence, not instead of it.</p></footer>")


def _toc(items: list[tuple[str, str]]) -> str:
    links = "".join(f'<li><a href="#{i}">{_e(t)}</a></li>' for i, t in items)
    return f'<nav class="toc" aria-label="Contents"><ol>{links}</ol></nav>'


def render_html(report: Report) -> str:
    """The whole report for one article as one self-contained HTML page."""
    ids = _Ids()
    stance = _stance_units(report.get("sections", []))
    findings, extras = _findings(report), _extras(report)
    toc = [("h-findings", "Findings")] if findings else []
    toc += [("h-profile", "Sections"), ("h-charts", "Charts")]
    if extras:
        toc += [(m, t) for m, t in re.findall(r'<h2 id="(h-x-[^"]+)">([^<]+)</h2>', extras)]
    toc.append(("h-text", "Article and evidence"))
    # findings first, then the section table and charts, the data, and the evidence last
    body = (_header(report) + _toc(toc) + '<main id="main">' + findings + _profile(report, stance)
            + _charts(report, ids, stance) + extras + _article(report) + "</main>" + _footer(report))
    return _document(f"{report.get('title') or '(untitled)'} · framing report", body)


# ----------------------------------------------------------------------------- batch and compare

def _metrics(entry: dict[str, Any]) -> dict[str, Any]:
    """Headline figures of a batch entry: a full report, or a flat dict of figures."""
    s = entry.get("summary") if isinstance(entry.get("summary"), dict) else entry
    art = entry.get("article") if isinstance(entry.get("article"), dict) else {}
    top = _main_frame(s.get("frames"))
    return {
        "sections": s.get("sections", art.get("sections")),
        "sentences": s.get("sentences", art.get("sentences")),
        "words": s.get("words"),
        "sentiment": _score(s.get("sentiment")),
        "label": (s.get("sentiment") or {}).get("label") if isinstance(s.get("sentiment"), dict) else None,
        "loaded_density": _num(s.get("loaded_density")),
        "bias": _score(s.get("bias")),
        "frame": top[0] if top else None,
    }


def _href(entry: dict[str, Any]) -> str | None:
    for key in ("href", "html", "report", "path", "file", "output"):
        v = entry.get(key)
        if isinstance(v, str) and v:
            return v
    return None


def _status(entry: dict[str, Any]) -> str:
    """"ok", the error message, or the ``--fail-on`` gates an article tripped."""
    err = entry.get("error")
    if err:
        msg = err.get("message", err) if isinstance(err, dict) else err
        return f'<span class="lab against">✗ error: {_e(msg)}</span>'
    gates = entry.get("gates")
    tripped = gates.get("tripped") if isinstance(gates, dict) else None
    if tripped:
        conds = ", ".join(str(t.get("condition", t)) if isinstance(t, dict) else str(t) for t in tripped)
        return f'<span class="lab against">▼ tripped: {_e(conds)}</span>'
    return "✓ ok"


def render_index_html(entries: list[dict[str, Any]], title: str = "framing batch report") -> str:
    """An index page for a batch: one row per article, linking its own report file.

    Each entry is a report dict or a flat dict with ``id``, ``title``, a link (``href``, ``html``,
    ``report`` or ``path``, relative to the index), the headline figures and optionally ``error``.
    """
    ms = [_metrics(e) for e in entries]
    optional = [("loaded_density", "Loaded density", "{:.3f}"), ("bias", "Bias", "{:.2f}")]
    opt = [o for o in optional if any(m[o[0]] is not None for m in ms)]
    has_frame = any(m["frame"] for m in ms)
    headers = ["#", "Article", "Sections", "Sentences", "Words", "Sentiment",
               *(o[1] for o in opt), *(["Main frame"] if has_frame else []), "Status"]
    rows = []
    for k, (e, m) in enumerate(zip(entries, ms, strict=True)):
        name = _e(e.get("title") or e.get("id") or e.get("source") or f"article {k + 1}")
        href = _href(e)
        link = f'<a href="{_e(href)}">{name}</a>' if href else name
        ident = e.get("id") or e.get("source")
        cell = link + (f'<br><span class="muted">{_e(ident)}</span>' if ident and ident != e.get("title") else "")
        sent = (f"{svg.mini_bar(m['sentiment'])}{_fmt(m['sentiment'])} {_label(m['label'])}"
                if m["sentiment"] is not None else "–")
        status = _status(e)
        rows.append([str(k + 1), cell, _e(m["sections"] if m["sections"] is not None else "–"),
                     _e(m["sentences"] if m["sentences"] is not None else "–"),
                     _e(m["words"] if m["words"] is not None else "–"), sent,
                     *(fmt.format(m[key]) if m[key] is not None else "–" for key, _, fmt in opt),
                     *([_e(_frame_name(m["frame"])) if m["frame"] else "–"] if has_frame else []),
                     status])
    scored = [m["sentiment"] for m in ms if m["sentiment"] is not None]
    failed = sum(1 for e in entries if e.get("error"))
    facts = [("Articles", len(entries)), ("Failed", failed)]
    if scored:
        facts.append(("Mean sentiment", _fmt(sum(scored) / len(scored))))
    dl = "".join(f"<div><dt>{k}</dt><dd>{_e(v)}</dd></div>" for k, v in facts)
    body = (f'<header><h1>{_e(title)}</h1><dl class="facts">{dl}</dl></header>'
            f'<main id="main"><section aria-labelledby="h-articles"><h2 id="h-articles">Articles</h2>'
            f'{_table(headers, rows, numeric=[0, 2, 3, 4, *range(6, 6 + len(opt))])}'
            f"</section></main>"
            f"<footer><p>framing {_e(__version__)} · each link opens that article's own report.</p></footer>")
    return _document(title, body)


def _reports_of(comparison: Any) -> list[dict[str, Any]]:
    if isinstance(comparison, list):
        return [r for r in comparison if isinstance(r, dict)]
    if isinstance(comparison, dict):
        for key in ("articles", "reports", "documents"):
            if isinstance(comparison.get(key), list):
                return [r for r in comparison[key] if isinstance(r, dict)]
    return []


def render_compare_html(comparison: dict[str, Any] | list[dict[str, Any]],
                        title: str = "framing comparison") -> str:
    """Articles side by side: headline figures, sentiment arcs on one scale, per-section profiles,
    stance per target and article; any other keys of ``comparison`` are rendered generically."""
    ids = _Ids()
    reports = _reports_of(comparison)
    names = [str(r.get("title") or r.get("id") or r.get("source") or f"article {k + 1}")
             for k, r in enumerate(reports)]
    out = []
    if reports:
        ms = [_metrics(r) for r in reports]
        rows = [("Source", [_e(r.get("source") or r.get("id") or "–") for r in reports]),
                ("Sections", [_e(m["sections"] if m["sections"] is not None else "–") for m in ms]),
                ("Sentences", [_e(m["sentences"] if m["sentences"] is not None else "–") for m in ms]),
                ("Words", [_e(m["words"] if m["words"] is not None else "–") for m in ms]),
                ("Sentiment", [f"{svg.mini_bar(m['sentiment'])}{_fmt(m['sentiment'])} {_label(m['label'])}"
                               if m["sentiment"] is not None else "–" for m in ms])]
        if any(m["loaded_density"] is not None for m in ms):
            rows.append(("Loaded density", [_fmt(m["loaded_density"], False, 3) for m in ms]))
        if any(m["bias"] is not None for m in ms):
            rows.append(("Bias", [_fmt(m["bias"], False) for m in ms]))
        if any(m["frame"] for m in ms):
            rows.append(("Main frame", [_e(_frame_name(m["frame"])) if m["frame"] else "–" for m in ms]))
        table = _table(["", *(f"{k + 1}. {_e(n)}" for k, n in enumerate(names))],
                       ([f"<strong>{h}</strong>", *cells] for h, cells in rows))
        out.append(f'<section aria-labelledby="h-side"><h2 id="h-side">Side by side</h2>{table}</section>')
        arcs = []
        for k, r in enumerate(reports):
            paras = [p for _, p in _paragraphs(r)]
            starts = [(min((p.get("index", 0) for p in s.get("paragraphs", [])), default=0), _heading(s))
                      for s in r.get("sections", []) if s.get("paragraphs")]
            sent = [_score(p.get("sentiment")) for p in paras]
            if any(v is not None for v in sent):
                chart = svg.arc_chart(ids("c"), f"Sentiment arc of {names[k]}",
                                      f"{len(paras)} paragraphs; bars above the line are positive.",
                                      len(paras), starts, bars=sent, y_label="sentiment", height=220)
                secs = [(f"§{s.get('index', 0) + 1} {_heading(s)}", _score(s.get("sentiment")))
                        for s in r.get("sections", [])]
                bars = svg.bar_chart(ids("c"), f"Sentiment per section of {names[k]}",
                                     "Word-weighted mean sentiment per section.", secs, vmax=1.0)
                arcs.append(f"<h3>{k + 1}. {_e(names[k])}</h3>"
                            + _figure(chart, "Paragraph sentiment, [−1, 1], same scale for every article.")
                            + _figure(bars, "Sentiment per section."))
        if arcs:
            out.append('<section aria-labelledby="h-arcs"><h2 id="h-arcs">Through each article</h2>'
                       + "".join(arcs) + "</section>")
        st = [_stance_units([{"paragraphs": [p for _, p in _paragraphs(r)],
                              "stance": (r.get("summary") or {}).get("stance")}]) for r in reports]
        targets = sorted({t for s in st for t in s[0]},
                         key=lambda t: (-sum(s[2][0].get(t, 0) for s in st), t))[:MAX_TARGETS]
        if targets:
            values = [[s[1][0].get(t) for s in st] for t in targets]
            notes = [[f"{s[2][0].get(t, 0)} mention(s)" for s in st] for t in targets]
            chart = svg.heat_map(ids("c"), "Stance toward each target in each article",
                                 f"{len(targets)} targets by {len(reports)} articles.", targets,
                                 names, values, notes=notes)
            out.append('<section aria-labelledby="h-stance"><h2 id="h-stance">Targets × articles</h2>'
                       + _figure(chart, "Stance per target in each article, [−1, 1] (blue = favourable, "
                                        "orange = unfavourable; columns are numbered as in the table above).")
                       + "</section>")
    rest = {k: v for k, v in comparison.items() if k not in ("articles", "reports", "documents")} \
        if isinstance(comparison, dict) else {}
    for key, value in rest.items():
        if value in (None, [], {}):
            continue
        hid = f"h-x-{_slug(key)}"
        out.append(f'<section aria-labelledby="{hid}"><h2 id="{hid}">'
                   f'{_e(str(key).replace("_", " ").capitalize())}</h2>{_generic(value)}</section>')
    body = (f'<header><h1>{_e(title)}</h1><p class="muted">{len(reports)} article(s)</p></header>'
            f'<main id="main">{"".join(out)}</main>'
            f"<footer><p>framing {_e(__version__)}. Machine estimates: read them with the evidence, "
            "not instead of it.</p></footer>")
    return _document(title, body)


__all__ = ["CSS", "highlight", "render_compare_html", "render_html", "render_index_html"]


# ---- the output-format registry's entries (framing.render.FORMATS) ----------------------------
def render_report(report: Report, options: Any = None) -> str:
    """``--format html``: one self-contained page."""
    return render_html(report)


def render_compare(reports: list[dict[str, Any]], comparison: dict[str, Any], options: Any = None) -> str:
    """``framing compare --format html``: one self-contained page."""
    from ..report.model import _round

    return render_compare_html({"articles": reports, **_round(comparison)})
