"""Loading: HTML through trafilatura keeps headings and paragraphs; offsets index the shown text."""

from __future__ import annotations

import pytest

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
    assert doc.format == "html"  # issue 17: the input format, not the extractor's output
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
    assert doc.format == "html" and doc.title == "Council approves budget"


def test_load_normalises_line_endings_and_bom(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "w.txt"
    p.write_bytes(b"\xef\xbb\xbfTitle line\r\nFirst paragraph here.\r\nSecond one.\r\n")
    doc = load(str(p))
    assert doc.text == "Title line\nFirst paragraph here.\nSecond one.\n"


# -- Markdown cleaning (issue 17): the article text is the prose a reader sees ------------------
@pytest.mark.parametrize(("md", "clean"), [
    ("*Draft — not for publication*", "Draft — not for publication"),
    ("a **bold** and __strong__ word, an *em* and _em_ one", "a bold and strong word, an em and em one"),
    ("see [the minutes](https://x.org/m \"Minutes\") and ![chart](c.png)", "see the minutes and chart"),
    ("the [Harbour Authority][ha] said\n\n[ha]: https://x.org/ha\n", "the Harbour Authority said\n\n"),
    ("mail <mailto:desk@x.org> or <https://x.org>", "mail mailto:desk@x.org or https://x.org"),
    ("run `framing batch` now", "run framing batch now"),
    # not emphasis: snake_case, arithmetic, a bullet, brackets that are not links
    ("snake_case_name, 2 * 3 * 4, [sic] and (a) [b]", "snake_case_name, 2 * 3 * 4, [sic] and (a) [b]"),
    ("* a bullet item\n* another", "* a bullet item\n* another"),
    ("# A heading\n\nText.", "# A heading\n\nText."),
])
def test_clean_markdown(md: str, clean: str) -> None:
    from framing.load import clean_markdown

    assert clean_markdown(md) == clean


def test_markdown_input_is_cleaned_in_load_and_offsets_point_into_it() -> None:
    doc = load_text("# Title\n\n*Draft — not for publication*\n\nThe [council](https://x.org) met "
                    "on **Tuesday**.\n", "d.md")
    assert doc.format == "md" and "*" not in doc.text and "https" not in doc.text
    art = segment(doc)
    assert [art.text[s.start:s.end] for s in art.sentences][-1] == "The council met on Tuesday."
    assert load_text("*stays*", "d.txt").text == "*stays*"  # plain text is not Markdown
