"""Loaded terms on opinion writing (issue 14): the detector alone must not flag everyday words.

The detector-only rule (``scorers.loaded_terms.WordEvidence`` and the two-bar decoding in
``combine``) is checked on its own, then on the seed opinion piece through the real pipeline.
"""

from __future__ import annotations

from typing import Any

import pytest

from framing.lexicon import Entry, Lexicon, normalize
from framing.scorers.loaded_terms import WordEvidence, _evidence, combine

LOADED = ("loaded", "name_calling", "exaggeration")


def _shipped_evidence() -> WordEvidence:
    from framing.scorers.loaded_terms import _head

    data = _evidence()
    assert data is not None, "models/loaded_terms.v1/word_evidence.json is missing"
    meta = _head().meta
    return WordEvidence.from_json(data, meta["evidence_strength"], meta["evidence_weight"])


def test_word_evidence_lowers_common_unmarked_words_only() -> None:
    ev = _shipped_evidence()
    assert 0.0 < ev.base_rate < 0.2
    # the file holds only words seen inside a span less often than the base rate
    assert all(h < n * ev.base_rate for n, h in ev.counts.values())
    # the most frequent never-marked words of the training text are discounted hard ...
    common = sorted((n, w) for w, (n, h) in ev.counts.items() if h == 0)[-20:]
    for n, w in common:
        assert n >= 20 and ev.adjust(w, 0.9) < 0.5, (w, n, ev.adjust(w, 0.9))
    # ... a word seen once barely moves, an unseen one not at all, and nothing is ever raised
    once = next(w for w, (n, h) in ev.counts.items() if n == 1)
    assert 0.8 < ev.adjust(once, 0.9) < 0.9
    assert ev.adjust("zzzunseenword", 0.9) == 0.9
    for w in list(ev.counts)[:500]:
        lo, hi = ev.adjust(w, 0.3), ev.adjust(w, 0.6)
        assert lo <= 0.3 and hi <= 0.6 and lo < hi


def _wscores(text: str, scores: dict[str, float]) -> list[tuple[int, int, str, float, str]]:
    from framing.lexicon import words

    return [(s, e, w, scores.get(text[s:e], 0.0), "loaded") for s, e, w in words(text)]


def test_two_bar_decoding_weak_word_extends_but_never_stands_alone() -> None:
    text = "Their bellicose threats and the threats of rivals."
    lex = Lexicon([Entry("bellicose", "loaded", 0.9)])
    ws = _wscores(text, {"bellicose": 0.7, "threats": 0.4})
    spans = combine(text, lex.match(text), ws, threshold=0.25, mix=0.7, model_threshold=0.65)
    assert [text[s:e] for s, e, *_ in spans] == ["bellicose threats"]  # the second "threats": alone, weak
    # a strong detector word stands alone; with no second bar every word above the first does
    strong = combine(text, [], _wscores(text, {"rivals": 0.8, "threats": 0.4}), 0.25, 0.7, model_threshold=0.65)
    assert [text[s:e] for s, e, *_ in strong] == ["rivals"]
    legacy = combine(text, [], _wscores(text, {"rivals": 0.8, "threats": 0.4}), 0.25, 0.7)
    assert [text[s:e] for s, e, *_ in legacy] == ["threats", "threats", "rivals"]


def test_two_bar_decoding_applies_the_evidence_to_detector_words_only() -> None:
    ev = WordEvidence(0.05, {normalize("died"): (200, 0), normalize("crime"): (200, 0)}, strength=10.0)
    text = "Children died because of a crime."
    lex = Lexicon([Entry("crime", "loaded", 0.9)])
    ws = _wscores(text, {"died": 0.9, "crime": 0.9})
    spans = combine(text, lex.match(text), ws, 0.25, 0.7, evidence=ev, model_threshold=0.65)
    # "died": the detector alone, discounted below the bar; "crime": a lexicon match, unchanged
    assert [(text[s:e], src) for s, e, _, _, src in spans] == [("crime", "both")]


def _seed_spans(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for sec in report["sections"] for p in sec["paragraphs"] for s in p["loaded_terms"]
            if s["category"] in LOADED]


@pytest.mark.model
def test_seed_loaded_terms_as_a_reader_marks_them(seed_report) -> None:  # type: ignore[no-untyped-def]
    """Issue 14 seed target: the loaded terms a reader marks, as whole spans, and none of the
    everyday words the token detector used to flag on its own."""
    spans = _seed_spans(seed_report)
    texts = {s["text"].lower() for s in spans}
    for term in ("war crimes", "piracy, looting", "blatant crime", "howling blunders", "bellicose threats"):
        assert term in texts, (term, sorted(texts))
    assert any("imperialists" in t for t in texts), sorted(texts)
    flagged_words = {w for t in texts for w in t.replace(",", " ").split()}
    neutral = {"died", "diseases", "circles", "slipping", "built", "overarching", "low-flying", "lie"}
    assert not flagged_words & neutral, sorted(flagged_words & neutral)


@pytest.mark.model
@pytest.mark.xfail(reason="'Meanwhile, extensive signed agreements': the detector gives 'extensive' 0.82; "
                          "13 train occurrences never in a span discount it to 0.650, at the tuned bar 0.65",
                   strict=True)
def test_seed_extensive_is_not_loaded(seed_report) -> None:  # type: ignore[no-untyped-def]
    assert "extensive" not in {s["text"].lower() for s in _seed_spans(seed_report)}
