"""Property tests: offsets cover the text, units nest, arbitrary Unicode never crashes."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.load import Document, normalise
from framing.segment import segment

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400) | st.lists(
    st.sampled_from(["Gen. Smith", "U.S.", "Jan. 7", "“Quote.”", "\n", "\n\n", "# Head", "Word.",
                     "Why?", " ", "Co.", "é", "中文。", "—"]), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_segment_props_offsets_cover_and_nest(raw: str) -> None:
    text = normalise(raw)
    art = segment(Document(text, "<t>", "md"))
    sents = art.sentences
    assert all(0 <= s.start < s.end <= len(text) for s in sents)
    assert all(a.end <= b.start for a, b in pairwise(sents))
    for p in art.paragraphs:
        assert all(p.start <= sents[i].start and sents[i].end <= p.end for i in p.sentences)
        sec = art.sections[p.section]
        assert p.index in sec.paragraphs
    for a, b in pairwise(art.paragraphs):
        assert a.end <= b.start
    # every non-space character is in a sentence, a heading or the title
    covered = set()
    for s in sents:
        covered.update(range(s.start, s.end))
    for sec in art.sections:
        if sec.heading_span:
            covered.update(range(*sec.heading_span))
    if art.title_span:
        covered.update(range(*art.title_span))
    missing = [i for i, c in enumerate(text) if not c.isspace() and i not in covered]
    # markdown heading markers ("#") are syntax, not prose
    assert all(text[i] == "#" for i in missing)


_fast_words = st.sampled_from(["Iran", "attacked", "the", "bases", "a", "i", "b", "ii", "1", "12", "No", "Inc",
                               "Gen", "U", "S", "“Yes”", '"no"', "'s", "’", "—", "-", "--", ":", ";", ",", "&",
                               "$5", "100%", "#1", "@user", "é", "Zürich", "2:30", "vs", "am", "pm", "etc"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_fast_words, min_size=1, max_size=25), st.sampled_from(["", ".", "!", "?"]),
       st.sampled_from([" ", "", "  ", "\n"]))
def test_segment_props_single_sentence_fast_path_matches_pysbd(ws: list[str], end: str, sep: str) -> None:
    """Whenever the fast path skips pysbd, pysbd would have returned the paragraph whole."""
    from framing.segment import _segmenter, _single_sentence

    flat = (sep.join(ws) + end).replace("\n", " ")
    if _single_sentence(flat.strip()):
        pieces = [p.strip() for p in _segmenter().segment(flat) if p.strip()]
        assert pieces in ([], [flat.strip()])
