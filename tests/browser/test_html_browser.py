"""The HTML report in a real headless browser (Debian's chromium; `make install` installs it).

Chromium loads the page from a file:// URL with networking features off, dumps the DOM after
scripts ran, takes a screenshot, and logs every console message (errors, CSP violations from any
attempted external load) to stderr, where the test looks for them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_report import enrich
from tinypng import decode, stats

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)
pytestmark = [
    pytest.mark.model,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make install installs "
                       "Debian's chromium as root; or: apt-get install chromium)"),
]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
         "--enable-logging=stderr", "--v=0"]
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]?\s*(.*)")


def chromium(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    env = {**os.environ, "HOME": str(tmp)}  # no writes to the real home
    return subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args,
                           page.resolve().as_uri()],
                          capture_output=True, text=True, timeout=180, env=env, check=False)


def console_messages(stderr: str) -> list[str]:
    return [m.group(1) for line in stderr.splitlines() if (m := CONSOLE.search(line))]


@pytest.fixture(scope="module")
def page(seed_report, tmp_path_factory):  # type: ignore[no-untyped-def]
    from framing.render.html import render_html

    d = tmp_path_factory.mktemp("browser")
    path = d / "report.html"
    real_terms = any(isinstance(s.get("loaded_terms"), list) and s["loaded_terms"]
                     for sec in seed_report["sections"] for p in sec["paragraphs"]
                     for s in p["sentences"])
    report = seed_report if real_terms else enrich(seed_report)  # simulated until the scorer runs
    path.write_text(render_html(report), encoding="utf-8")
    return path, report


def test_browser_renders_dom_without_console_errors(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, report = page
    res = chromium(path, tmp_path, "--dump-dom")
    assert res.returncode == 0, res.stderr[-2000:]
    dom = res.stdout
    assert console_messages(res.stderr) == []
    assert re.search(r"<h1>[^<]*Iran-Iraq solidarity grows amid U\.S\. threats</h1>", dom)
    for h2 in ("h-profile", "h-charts", "h-text"):
        assert f'<h2 id="{h2}">' in dom
    for k in range(len(report["sections"])):
        assert f'id="sec-{k + 1}-h"' in dom
    # every highlight survived parsing, with its tooltip and keyboard focus
    n_terms = sum(len(s.get("loaded_terms") or []) for sec in report["sections"]
                  for p in sec["paragraphs"] for s in p["sentences"]
                  if isinstance(s.get("loaded_terms"), list))
    marks = re.findall(r'<mark class="term cat-[^"]+" tabindex="0"[^>]*data-tip="[^"]+"', dom)
    assert len(marks) == n_terms > 0
    assert dom.count('<svg class="chart') >= 3


def test_browser_screenshot_is_not_blank(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, _ = page
    shot = tmp_path / "report.png"
    res = chromium(path, tmp_path, f"--screenshot={shot}", "--window-size=1200,2000")
    assert res.returncode == 0 and shot.exists(), res.stderr[-2000:]
    assert console_messages(res.stderr) == []
    width, height, _, _ = decode(shot, max_rows=1)
    assert (width, height) == (1200, 2000)
    variance, colours = stats(shot, step=3, max_rows=900)
    assert variance > 200, variance  # a blank page has ~0; text, tables and charts give ~1000+
    assert colours > 50, colours  # anti-aliased text plus the palette


#: Test-only probe appended to a copy of the page: focus the first highlight, record what the
#: keyboard user sees (tooltip text, focus ring) and whether anything overflows the viewport.
PROBE = """<script>(function(){var m=document.querySelector("mark.term[tabindex]");m.focus();
var b=document.body,cs=getComputedStyle(m);
b.setAttribute("data-probe-active",String(document.activeElement===m));
b.setAttribute("data-probe-tip",getComputedStyle(m,"::after").content);
b.setAttribute("data-probe-want",m.getAttribute("data-tip"));
b.setAttribute("data-probe-ring",cs.outlineStyle+" "+cs.outlineWidth);
m.blur();
b.setAttribute("data-probe-overflow",String(document.documentElement.scrollWidth-window.innerWidth));
})();</script>"""


@pytest.mark.parametrize("width", [1200, 420])
def test_browser_keyboard_focus_shows_tooltip_and_page_fits(page, tmp_path: Path, width: int) -> None:  # type: ignore[no-untyped-def]
    path, _ = page
    probe = tmp_path / "probe.html"
    probe.write_text(path.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                     encoding="utf-8")
    res = chromium(probe, tmp_path, "--dump-dom", f"--window-size={width},1000")
    assert console_messages(res.stderr) == []
    body = dict(re.findall(r'data-probe-([a-z]+)="([^"]*)"', res.stdout))
    assert body["active"] == "true"  # a highlight takes keyboard focus
    assert unescape(body["tip"]).strip('"') == unescape(body["want"]) != ""  # focus shows its tooltip
    assert not body["ring"].startswith("none")  # with a visible focus ring
    assert int(body["overflow"]) <= 0  # no sideways scrolling, even on a phone-sized window


def test_console_check_catches_errors(tmp_path: Path) -> None:
    """The console check above can fail: a script error and a blocked external load are seen."""
    from framing.render.html import CSP

    bad = tmp_path / "bad.html"
    bad.write_text(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                   f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>x</title>'
                   f'</head><body><h1>x</h1><img alt="" src="https://example.invalid/x.png">'
                   f"<script>undefinedFunction();</script></body></html>", encoding="utf-8")
    msgs = console_messages(chromium(bad, tmp_path, "--dump-dom").stderr)
    assert any("undefinedFunction" in m for m in msgs), msgs
    assert any("Content Security Policy" in m for m in msgs), msgs


#: Test-only probe for the page layout (issue 17): where the findings and the first chart are,
#: how many findings items there are, which data blocks are collapsed, and, with every <details>
#: opened, whether any table or block is wider than its box (horizontal scrolling).
LAYOUT = """<script>(function(){var b=document.body,top=function(e){return e?String(Math.round(
e.getBoundingClientRect().top+window.scrollY)):"none";};
b.setAttribute("data-probe-findings",top(document.getElementById("h-findings")));
b.setAttribute("data-probe-chart",top(document.querySelector("svg.chart")));
b.setAttribute("data-probe-profile",top(document.getElementById("h-profile")));
b.setAttribute("data-probe-evidence",top(document.getElementById("h-text")));
b.setAttribute("data-probe-items",String(document.querySelectorAll("ol.findings > li").length));
var closed=0;document.querySelectorAll("details").forEach(function(d){if(!d.open)closed++;d.open=true;});
b.setAttribute("data-probe-closed",String(closed));
var wide=[];document.querySelectorAll(".scroll,table,dl,figure").forEach(function(e){
if(e.scrollWidth>e.clientWidth+1)wide.push(e.tagName+":"+e.scrollWidth+">"+e.clientWidth);});
b.setAttribute("data-probe-wide",wide.join(" "));
b.setAttribute("data-probe-overflow",String(document.documentElement.scrollWidth-window.innerWidth));
})();</script>"""


def test_browser_page_opens_with_findings_and_fits_1280(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Findings (a list), then the section table and charts, the evidence last; data blocks
    collapsed; nothing scrolls sideways at 1280 px even with every block open. The screenshot
    of the first screen is kept as tmp_path/first-screen.png for a human look."""
    path, report = page
    findings = report["comparison"]["findings"]
    assert len(findings) >= 2
    probe = tmp_path / "layout.html"
    probe.write_text(path.read_text(encoding="utf-8").replace("</body>", LAYOUT + "</body>"),
                     encoding="utf-8")
    res = chromium(probe, tmp_path, "--dump-dom", "--window-size=1280,1000")
    assert console_messages(res.stderr) == []
    body = dict(re.findall(r'data-probe-([a-z]+)="([^"]*)"', res.stdout))
    at = {k: int(body[k]) for k in ("findings", "profile", "chart", "evidence")}
    assert at["findings"] < at["profile"] < at["chart"] < at["evidence"], at
    assert at["findings"] < 1000  # on the first screen
    assert int(body["items"]) == len(findings)  # a list item per finding, not one joined line
    assert int(body["closed"]) >= len(report["sections"]) + 2  # evidence and data blocks collapsed
    assert body["wide"] == "" and int(body["overflow"]) <= 0, body["wide"]

    shot = tmp_path / "first-screen.png"
    res = chromium(path, tmp_path, f"--screenshot={shot}", "--window-size=1280,1400")
    assert res.returncode == 0 and shot.exists(), res.stderr[-2000:]
    width, height, _, _ = decode(shot, max_rows=1)
    assert (width, height) == (1280, 1400)
    variance, colours = stats(shot, step=3, max_rows=700)
    assert variance > 200 and colours > 50
    keep = os.environ.get("FRAMING_SCREENSHOT_DIR")  # e.g. to look at it: FRAMING_SCREENSHOT_DIR=/tmp
    if keep:
        shutil.copy(shot, Path(keep) / "framing-first-screen.png")
