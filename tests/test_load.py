"""Loading: HTML through trafilatura keeps headings and paragraphs; offsets index the shown text."""

from __future__ import annotations

from framing.load import load, load_text
from framing.segment import segment

HTML = """<!doctype html><html><head><title>Council approves budget</title></head><body>
<nav>Home | World | Sport | Login</nav>
<article><h1>Council approves budget</h1>
<p>The city council on Tuesday approved a $2.1 billion budget after a <b>heated</b> debate.
Mayor Jane Smith called the vote "a victory for working families."</p>
<h2>Opposition</h2>
<p>Critics said the plan was a <em>reckless</em> giveaway to developers. Councilman Bob Lee
warned that taxes would soar.</p>
<p>The budget takes effect on Jan. 1, according to the U.S. Conference of Mayors.</p>
</article><footer>Copyright 2026 Example News</footer></body></html>
"""


def test_load_html_keeps_structure_and_drops_boilerplate(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "a.html"
    p.write_text(HTML)
    doc = load(str(p))
    assert doc.format == "md"
    art = segment(doc)
    assert art.title == "Council approves budget"
    assert [s.heading for s in art.sections] == [None, "Opposition"]
    paras = [art.text[q.start:q.end] for q in art.paragraphs]
    assert len(paras) == 3
    assert "heated debate" in paras[0] and "**" not in art.text and "*reckless*" not in art.text
    assert "Copyright" not in art.text and "Login" not in art.text
    assert art.text[art.sentences[-1].start:art.sentences[-1].end] == (
        "The budget takes effect on Jan. 1, according to the U.S. Conference of Mayors.")


def test_load_html_is_sniffed_from_content() -> None:
    doc = load_text(HTML, "-")
    assert doc.format == "md" and doc.title == "Council approves budget"


def test_load_normalises_line_endings_and_bom(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "w.txt"
    p.write_bytes(b"\xef\xbb\xbfTitle line\r\nFirst paragraph here.\r\nSecond one.\r\n")
    doc = load(str(p))
    assert doc.text == "Title line\nFirst paragraph here.\nSecond one.\n"
