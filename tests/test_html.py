"""The HTML report (render/html.py, render/svg.py) and the 80-column Rich report.

Reports come from the real pipeline on the seed; the optional keys other scorers add are
simulated from the report's own text (tests/browser/fake_report.py) so their views are tested
whether or not those scorers are installed.
"""

from __future__ import annotations

import copy
import io
import json
import re
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from browser.fake_report import enrich
from framing.render import svg
from framing.render.html import highlight, render_compare_html, render_html, render_index_html

pytestmark = pytest.mark.model

VOID = {"meta", "br", "img", "input", "link", "hr", "col", "wbr", "source", "area", "base"}
SVG_VOID = {"rect", "line", "circle", "polygon", "polyline", "path"}
OPTIONAL = ("loaded_terms", "loaded_density", "stance", "frames", "bias")


class Checker(HTMLParser):
    """Balanced tags, unique ids, and every element's attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        self.elements.append((tag, d))
        if d.get("id"):
            self.ids.append(d["id"] or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID | SVG_VOID:
            self.errors.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check(page: str) -> Checker:
    c = Checker()
    c.feed(page)
    c.close()
    assert not c.errors, c.errors[:5]
    assert not c.stack, c.stack
    assert len(c.ids) == len(set(c.ids)), [i for i in c.ids if c.ids.count(i) > 1][:5]
    return c


def strip_optional(report: dict[str, Any]) -> dict[str, Any]:
    """The report with only the spine's keys (sentiment), whatever scorers ran."""
    r = copy.deepcopy(report)

    def drop(d: dict[str, Any]) -> None:
        for k in OPTIONAL:
            d.pop(k, None)

    for k in ("targets", "comparison"):
        r.pop(k, None)
    drop(r["summary"])
    for sec in r["sections"]:
        drop(sec)
        drop(sec["summary"])
        for p in sec["paragraphs"]:
            drop(p)
            for s in p["sentences"]:
                drop(s)
    return r


@pytest.fixture(scope="module")
def full(seed_report):  # type: ignore[no-untyped-def]
    return enrich(strip_optional(seed_report))


def test_html_self_contained_offline_and_well_formed(seed_report) -> None:  # type: ignore[no-untyped-def]
    page = render_html(seed_report)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page
    # nothing is fetched: no URL at all, no external stylesheet, font or script
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:[a-z]+:)?//""", page, re.I)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # the CSP makes any external load fail loudly
    c = check(page)
    tags = [t for t, _ in c.elements]
    assert tags.count("h1") == 1 and tags.count("h2") >= 3 and "h3" in tags
    assert "@media print" in page
    # every section of the article and every paragraph is there, in order
    text = "".join(c.text)
    for sec in seed_report["sections"]:
        for p in sec["paragraphs"]:
            assert p["text"] in text
    assert [d["id"] for t, d in c.elements if t == "section" and d.get("id", "").startswith("sec-")] \
        == [f"sec-{k + 1}" for k in range(len(seed_report["sections"]))]
    # every chart is labelled for screen readers
    charts = [d for t, d in c.elements if t == "svg" and d.get("role") == "img"]
    assert charts
    for d in charts:
        a, b = (d.get("aria-labelledby") or "").split()
        assert a in c.ids and b in c.ids
    assert page.count("<svg") == page.count("</svg>")
    # tables have header cells with scope
    assert all(d.get("scope") == "col" for t, d in c.elements if t == "th")
    assert render_html(seed_report) == page  # deterministic


def test_html_spine_only_report_has_no_optional_views(seed_report) -> None:  # type: ignore[no-untyped-def]
    page = render_html(strip_optional(seed_report))
    check(page)
    assert "Sentiment arc" in page
    for absent in ("Stance arc", "Targets × sections", "Frames × sections", 'class="term',
                   "Loaded density", 'class="mention'):
        assert absent not in page, absent


def test_html_highlights_every_term_and_mention(full) -> None:  # type: ignore[no-untyped-def]
    page = render_html(full)
    c = check(page)
    marks = [d for t, d in c.elements if t == "mark" and "swatch" not in (d.get("class") or "")]
    terms = [t for _, p in _paras(full) for s in p["sentences"] for t in s["loaded_terms"]]
    mentions = [m for _, p in _paras(full) for s in p["sentences"] for e in s["stance"] for m in e["spans"]]
    term_marks = [d for d in marks if "term" in (d.get("class") or "").split()]
    assert len(term_marks) == len(terms) > 0
    assert len([d for d in marks if "mention" in (d.get("class") or "").split()]) == len(mentions)
    for d, t in zip(term_marks, terms, strict=True):
        assert d["tabindex"] == "0"  # keyboard reachable
        assert f"cat-{t['category']}" in (d.get("class") or "")
        assert d["data-category"] == t["category"]
        assert d["data-quoted"] == str(t["quoted"]).lower()
        assert float(d["data-score"] or "nan") == pytest.approx(t["score"], abs=0.005)
        assert d["title"] == d["data-tip"] and "score" in (d["title"] or "")
        assert ("inside a quote" if t["quoted"] else "not quoted") in (d["title"] or "")
    # the marked text is exactly the span's text
    marked = [unescape(m) for m in re.findall(r'<mark class="term cat-[^>]*>([^<]*)</mark>', page)]
    assert marked == [t["text"] for t in terms]
    # the optional views appear, and the CSS styles every category by pattern, not colour alone
    for view in ("Stance arc", "Targets × sections", "Frames × sections", "Loaded density", "Bias"):
        assert view in page, view
    for cat, pattern in (("loaded", "solid"), ("name_calling", "wavy"), ("exaggeration", "double"),
                         ("hedge", "dotted"), ("booster", "dashed")):
        assert re.search(rf"\.cat-{cat}\{{[^}}]*underline {pattern}", page), cat
    assert ":focus-visible" in page and "mark[data-tip]:hover::after,mark[data-tip]:focus::after" in page
    # frames: labelled frames are ticked, the sentences behind them cited
    labelled = full["sections"][0]["frames"]["labels"][0]
    assert f"{full['sections'][0]['frames']['scores'][labelled]:.2f}✓" in page
    ev = full["sections"][0]["frames"]["evidence"][labelled][0]
    assert escape(next(s["text"] for _, p in _paras(full) for s in p["sentences"]
                       if s["start"] == ev["start"])) in page
    # top-level hook keys are rendered generically
    assert 'id="h-x-targets"' in page and 'id="h-x-comparison"' in page
    # the heat map prints every value (not colour alone)
    heat = page[page.index("Stance toward each target in each section"):]
    heat = heat[:heat.index("</svg>")]
    us = next(e["score"] for e in full["sections"][0]["stance"] if e["target"] == "United States")
    assert f"{us:+.2f}" in heat


def _paras(report):  # type: ignore[no-untyped-def]
    for sec in report["sections"]:
        for p in sec["paragraphs"]:
            yield sec, p


def test_html_escapes_article_text(pipeline) -> None:  # type: ignore[no-untyped-def]
    from framing.load import load_text

    text = ('# <img src=x onerror=alert(1)> & "Co"\n\n'
            'The minister said <script>alert("x")</script> was fine & dandy.\n\n'
            "## A <b>bold</b> heading\n\nCritics called the plan a disaster for everyone involved.\n")
    report = pipeline.analyze(load_text(text, source="evil<>.md", fmt="md")).to_json()
    page = render_html(report)
    check(page)
    assert page.count("<script>") == 1  # ours only
    assert "<script>alert" not in page and "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "evil&lt;&gt;.md" in page
    assert "&amp; dandy" in page


def test_highlight_escapes_clips_and_skips_overlaps() -> None:
    def wrap(tag: str):  # type: ignore[no-untyped-def]
        return lambda x: f"<{tag}>{x.replace('<', '&lt;')}</{tag}>"

    text = "a <b> & c d e"
    out = highlight(text, 100, [(102, 105, wrap("m")), (103, 108, wrap("x")), (110, 130, wrap("y")),
                                (90, 101, wrap("z"))])
    # the first span wins over the one it overlaps; spans are clipped to the paragraph
    assert out == "<z>a</z> <m>&lt;b></m> &amp; c <y>d e</y>"
    assert highlight("x<y", 0, []) == "x&lt;y"


def test_html_reads_the_schema_names_and_guesses_none(full) -> None:  # type: ignore[no-untyped-def]
    """The page reads the report's fixed names (schema/report.v1.json): unit ``frames.scores``,
    ``stance`` entries, sentence ``loaded_terms`` spans. A summary in another shape is not guessed
    at (issue 15): the page still renders, without that chart."""
    page = render_html(full)
    check(page)
    assert "Targets × sections" in page and "Frames × sections" in page
    assert 'class="term' in page and 'class="mention' in page
    r = copy.deepcopy(full)
    for sec in r["sections"]:
        sec["frames"] = {"mean": sec["frames"]["scores"]}  # not the schema's shape
    page = render_html(r)
    check(page)
    assert "Frames × sections" not in page and "Targets × sections" in page


def test_html_minimal_report_renders() -> None:
    page = render_html({"title": None, "sections": [], "summary": {}, "article": {}})
    check(page)
    assert "(untitled)" in page


def test_index_page_links_reports_and_shows_errors(seed_report, full) -> None:  # type: ignore[no-untyped-def]
    entries = [{**full, "href": "reports/seed.html", "title": "A <tricky> & title"},
               {**seed_report, "html": "b.html", "gates": {"tripped": [{"condition": "bias>0.1"}]}},
               {"id": "broken.txt", "error": {"code": 3, "message": "empty input: broken.txt"}}]
    page = render_index_html(entries)
    c = check(page)
    hrefs = [d["href"] for t, d in c.elements if t == "a" and not (d.get("href") or "").startswith("#")]
    assert hrefs == ["reports/seed.html", "b.html"]
    assert "A &lt;tricky&gt; &amp; title" in page
    assert "empty input: broken.txt" in page and "bias&gt;0.1" in page
    assert "Loaded density" in page and "http://" not in page and "https://" not in page
    assert f"{seed_report['summary']['sentiment']['score']:+.2f}" in page


def test_compare_page_side_by_side(seed_report, full) -> None:  # type: ignore[no-untyped-def]
    other = copy.deepcopy(full)
    other["title"] = "Second <article>"
    page = render_compare_html({"articles": [full, other], "differences": {"sentiment": 0.0}})
    c = check(page)
    assert "Second &lt;article&gt;" in page and full["title"] in page
    assert "Targets × articles" in page and 'id="h-x-differences"' in page
    assert sum(1 for t, d in c.elements if t == "svg" and d.get("role") == "img") >= 5
    assert "http://" not in page and "https://" not in page
    check(render_compare_html([seed_report]))  # a bare list of reports works too


def test_svg_palettes_are_colour_blind_safe_and_text_is_escaped() -> None:
    assert svg.diverging(-1) == "#E66101" and svg.diverging(1) == "#2166AC"  # orange/blue, not red/green
    assert svg.ink_on(svg.sequential(1.0)) == "#FFF" and svg.ink_on(svg.sequential(0.0)) == "#000"
    chart = svg.heat_map("h", "t<", "d&", ["<x>"], ["c\"1"], [[0.5]], notes=[["n>"]])
    assert "<x>" not in chart and "&lt;x&gt;" in chart and 'c"1' not in chart
    arc = svg.arc_chart("a", "T", "D", 3, [(0, "<h>")], bars=[0.5, None, -0.5],
                        series=[svg.Series("S<", [None, 0.2, 0.1])])
    assert "&lt;h&gt;" in arc and "S&lt;" in arc and arc.count("<rect class=\"bar\"") == 2


def test_cli_writes_html(runner, seed_path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from framing.cli import app

    out = tmp_path / "report.html"
    res = runner.invoke(app, ["analyze", str(seed_path), "-o", str(out)])  # format from suffix
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    page = out.read_text(encoding="utf-8")
    check(page)
    assert "Iran-Iraq solidarity grows amid U.S. threats" in page


# ----------------------------------------------------------------------------- the Rich report

def _lines_fit(text: str, width: int) -> list[str]:
    from rich.cells import cell_len

    return [ln for ln in text.splitlines() if len(ln) > width or cell_len(ln) > width]


def test_table_fits_80_columns_with_explain(seed_report) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    from framing.render.table import render_table

    buf = io.StringIO()
    render_table(seed_report, Console(file=buf, width=80, color_system=None, highlight=False), True)
    out = buf.getvalue()
    assert not _lines_fit(out, 80), _lines_fit(out, 80)[:3]
    assert "Sentiment evidence" in out
    # the evidence names the lexicon words behind the sentence scores
    ev = seed_report["sections"][0]["paragraphs"][0]["sentences"][0]["sentiment"]["evidence"]
    assert ev and f"{ev[0]['text']} ({ev[0]['valence']:+.1f})" in out


def test_cli_table_width_80_explain(runner, seed_path) -> None:  # type: ignore[no-untyped-def]
    from framing.cli import app

    res = runner.invoke(app, ["analyze", str(seed_path), "--width", "80", "-f", "table",
                              "--explain", "--color", "never"])
    assert res.exit_code == 0, res.output
    assert not _lines_fit(res.stdout, 80), _lines_fit(res.stdout, 80)[:3]
    assert "Sentiment evidence" in res.stdout and "Sentiment by section" in res.stdout
    assert "\x1b[" not in res.stdout
    json.dumps(res.stdout)  # plain text
