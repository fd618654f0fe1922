"""Segmentation: the seed's structure and tricky inputs (offsets always index the shown text)."""

from __future__ import annotations

import pytest

from framing.load import Document, load, load_text
from framing.segment import segment

SEED_HEADINGS = [None, "NATO pulling out", "Threat of sanctions on Iraq backfires",
                 "U.S. sanctions on Iran", "Iraq-Iran trade expands", "Chinese projects in Iraq",
                 "Chinese projects with Iran", "Attacks breed resistance"]


def sentences(text: str, fmt: str = "txt") -> list[str]:
    art = segment(Document(text, "<t>", fmt))
    return [art.text[s.start:s.end] for s in art.sentences]


def test_segment_seed_structure(seed_path) -> None:
    art = segment(load(str(seed_path)))
    assert art.title == "Iran-Iraq solidarity grows amid U.S. threats"
    assert [s.heading for s in art.sections] == SEED_HEADINGS
    assert len(art.paragraphs) == 44
    assert [len(s.paragraphs) for s in art.sections] == [12, 4, 4, 2, 6, 5, 6, 5]
    # every paragraph is one line of the file, verbatim
    lines = [ln for ln in art.text.splitlines() if ln.strip()]
    heads = {h for h in SEED_HEADINGS if h} | {art.title}
    assert [art.text[p.start:p.end] for p in art.paragraphs] == [ln for ln in lines if ln not in heads]


def test_segment_seed_abbreviations_do_not_split(seed_path) -> None:
    art = segment(load(str(seed_path)))
    texts = [art.text[s.start:s.end] for s in art.sentences]
    assert "Then, on Jan. 7, Iran attacked two vast U.S. bases on Iraqi territory." in texts
    assert any(t.startswith("China’s Hilong Oil Service & Engineering Co. and the Iraqi Drilling Co. agreed")
               for t in texts)
    assert any("Gen. Qassem Soleimani." in t and t.startswith("This open challenge") for t in texts)
    for t in texts:  # no sentence ends on an abbreviation
        assert not t.endswith(("U.S.", "Gen.", "Jan.", "Co.", "Mr."))


@pytest.mark.parametrize(("text", "expected"), [
    ("He met Gen. Smith on Jan. 7 in Washington. It rained.",
     ["He met Gen. Smith on Jan. 7 in Washington.", "It rained."]),
    ("The troops left the U.S. The next day they returned.",
     ["The troops left the U.S.", "The next day they returned."]),
    ("Mr. Jones paid $2.5 billion. Dr. Lee agreed!", ["Mr. Jones paid $2.5 billion.", "Dr. Lee agreed!"]),
    ("He said “no.” Then he left.", ["He said “no.”", "Then he left."]),
    ("Is it over? Not yet.", ["Is it over?", "Not yet."]),
])
def test_segment_sentences_tricky(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_segment_markdown_headings_and_blank_line_paragraphs() -> None:
    text = ("# The Title\n\nFirst paragraph, line one\ncontinues here. Second sentence.\n\n"
            "## Part two\n\nAnother paragraph.\n\n## Part three\n\nLast one.\n")
    art = segment(load_text(text, "x.md"))
    assert art.title == "The Title"
    assert [s.heading for s in art.sections] == [None, "Part two", "Part three"]
    assert len(art.paragraphs) == 3
    first = art.paragraphs[0]
    assert art.text[first.start:first.end] == "First paragraph, line one\ncontinues here. Second sentence."
    assert len(first.sentences) == 2


def test_segment_quotes_found(seed_path) -> None:
    art = segment(load(str(seed_path)))
    quoted = [art.text[a:b] for a, b in art.quotes]
    assert "bad advice" in quoted
    assert "clear, blatant crime that will transform the region." in quoted


def test_segment_run_on_text_is_cut_and_covered() -> None:
    words = " ".join(f"word{i}" for i in range(5000))
    art = segment(Document(words, "<t>", "txt"))
    assert len(art.sentences) > 1
    assert all(s.end - s.start <= 1500 for s in art.sentences)
    covered = "".join(art.text[s.start:s.end] for s in art.sentences).replace(" ", "")
    assert covered == words.replace(" ", "")


def test_segment_is_deterministic(seed_path) -> None:
    doc = load(str(seed_path))
    assert segment(doc) == segment(doc)


def test_segment_one_paragraph_per_line_survives_blank_lines(seed_text: str) -> None:
    """The seed's layout with a blank line after the title and before each heading."""
    lines = seed_text.splitlines()
    heads = {"NATO pulling out", "Threat of sanctions on Iraq backfires", "U.S. sanctions on Iran",
             "Iraq-Iran trade expands", "Chinese projects in Iraq", "Chinese projects with Iran",
             "Attacks breed resistance"}
    spaced = "\n".join(("\n" + ln + "\n" if ln in heads else ln) for ln in lines)
    spaced = spaced.replace(lines[0] + "\n", lines[0] + "\n\n", 1)
    art = segment(Document(spaced, "<t>", "txt"))
    assert len(art.paragraphs) == 44
    assert [s.heading for s in art.sections] == SEED_HEADINGS


def test_segment_hard_wrapped_paragraph_is_one_paragraph() -> None:
    text = ("The minister said on Tuesday that the\nnew budget would cut spending on roads and\n"
            "schools by a tenth.\n\nCritics disagreed.\n")
    art = segment(Document(text, "<t>", "txt"))
    assert len(art.paragraphs) == 2
    assert len(art.paragraphs[0].sentences) == 1


def _pysbd_spans(para: str) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph straight from pysbd (the path the fast path skips)."""
    from framing.segment import _segmenter

    spans, cursor = [], 0
    flat = para.replace("\n", " ")
    for piece in _segmenter().segment(flat) if flat.strip() else []:
        piece = piece.strip()
        at = flat.find(piece, cursor) if piece else -1
        if at < 0:
            break
        spans.append((at, at + len(piece)))
        cursor = at + len(piece)
    rest = flat[cursor:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        spans.append((cursor + lead, cursor + len(rest.rstrip())))
    return spans


FAST_PATH_PARAS = [
    "Iran attacked two vast bases on Iraqi territory on Tuesday.",
    "This was the second time U.S. weapons didn’t achieve what Washington wanted.",
    "Then, on Jan. 7, Iran attacked two vast U.S. bases. The U.S. has no answer.",
    "Gen. Soleimani was killed in Baghdad, officials said",
    "Trump called it “a clear crime” and “a grave mistake”",
    "He said “no.” Then he left.",
    "America must never accept it.”",
    "A report called it a 'great American patriot.'",
    "“Stronger” Trump said.",
    "Prices rose 1.8 percent to $63.40 a barrel in London trading.",
    "Why now? Nobody knows… yet.",
    "He listed (a) sanctions, (b) tariffs and (c) troops",
    "The options are: 1) leave 2) stay 3) negotiate",
    "Plans include the Dakota Access Pipeline (DAPL) Protests in the north",
    "The deal - \" Trump said - was off",
    "Wait... what?",
    "They asked: who pays for this?",
    "Yahoo!",
    "It grew by 5 percent, the ministry said — and would grow again next year.",
    "The vote, 52-48, was close; the Senate passed it anyway!",
    "Café owners in Zürich & São Paulo protested #1 on the list",
    "He chose option a.",
    "The rally drew 10,000 people.\nIt was the largest in years.",
    "Hard-wrapped lines\nof one sentence end here.",
]


@pytest.mark.parametrize("para", FAST_PATH_PARAS)
def test_segment_single_sentence_fast_path_agrees_with_pysbd(para: str) -> None:
    from framing.segment import _sentences_in

    assert _sentences_in(para, 0, len(para)) == _pysbd_spans(para)


def test_segment_fast_path_is_taken_only_without_boundary_characters() -> None:
    from framing.segment import _single_sentence

    assert _single_sentence("Iran attacked two vast bases on Iraqi territory on Tuesday.")
    assert _single_sentence("Trump called it “a clear crime” and “a grave mistake”")
    for body in ["U.S. weapons failed.", "Why now? Nobody knows.", "America must never accept it.”",
                 "“Stronger” Trump said.", "Pipeline (DAPL) Protests", "Wait...", "Prices rose 1.8 percent",
                 "the deal -\" Trump said", "line\rbreak", "tab\there", ""]:
        assert not _single_sentence(body), body


def test_segment_sentence_quotes_match_a_full_scan(seed_path) -> None:
    from dataclasses import replace

    art = segment(load(seed_path))
    assert art.quotes
    def brute(a):  # type: ignore[no-untyped-def]
        return [[q for q in a.quotes if q[0] < s.end and q[1] > s.start] for s in a.sentences]
    assert art.sentence_quotes() == brute(art)
    odd = replace(art, quotes=((0, 10_000), (5, 9), *art.quotes[::-1]))  # unsorted, overlapping
    assert odd.sentence_quotes() == brute(odd)
    wide = replace(art, quotes=((0, 10_000), *art.quotes))  # one quote spanning everything
    assert wide.sentence_quotes() == brute(wide)
