"""Loaded-term spans: lexicon format/matching (no model) and the scorer on real text (model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.errors import ModelError
from framing.lexicon import Entry, Lexicon, load_lexicon, normalize, parse_json, parse_tsv, shipped_lexicon
from framing.scorers import Batch, ScorerConfig, get
from framing.scorers.loaded_terms import LoadedTermsResult, Span

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_2cd8e75922315d1a.txt"


def test_lexicon_normalize_inflections() -> None:
    assert normalize("Crimes") == normalize("crime")
    assert normalize("bullied") == normalize("bully")
    assert normalize("Trump’s") == normalize("trump")
    # inflection only: derived words stay apart (a full stemmer such as Snowball merges these)
    for a, b in (("organization", "organ"), ("university", "universe"), ("radical", "radicalism")):
        assert normalize(a) != normalize(b), (a, b)


def test_lexicon_multiword_longest_match() -> None:
    lex = Lexicon([Entry("crimes", "loaded", 0.3), Entry("war crimes", "loaded", 0.9)])
    text = "They committed War Crimes, and other crimes."
    got = [(text[m.start : m.end], m.entry.term) for m in lex.match(text)]
    assert got == [("War Crimes", "war crimes"), ("crimes", "crimes")]


def test_lexicon_tsv_and_json_formats(tmp_path: Path) -> None:
    tsv = tmp_path / "mine.tsv"
    tsv.write_text(
        "# source: me\nterm\tcategory\tweight\nrogue actions\tname_calling\t0.9\nreportedly\thedge\n"
    )
    lex = load_lexicon(tsv)
    assert lex.header["source"] == "me"
    assert lex.get("rogue action").category == "name_calling"
    assert lex.get("reportedly").weight == 1.0
    js = tmp_path / "mine.json"
    js.write_text(json.dumps({"entries": [{"term": "regime", "category": "name_calling", "weight": 0.7}]}))
    assert load_lexicon(js).get("regimes").weight == pytest.approx(0.7)
    assert len(parse_json('[{"term": "slam", "category": "loaded"}]')) == 1


@pytest.mark.parametrize("bad", ["x\tnot_a_category\t0.5", "x\tloaded\t1.5", "x\tloaded\tmany", "lonely"])
def test_lexicon_rejects_bad_lines(bad: str) -> None:
    with pytest.raises(ModelError):
        parse_tsv(bad)


def test_shipped_lexicon_has_categories_and_header() -> None:
    lex = shipped_lexicon()
    cats = {e.category for e in lex.entries()}
    assert cats == {"loaded", "name_calling", "exaggeration", "hedge", "booster"}
    assert {"source", "licence", "version"} <= set(lex.header)
    assert all(0.0 <= e.weight <= 1.0 for e in lex.entries())
    assert any(" " in e.term for e in lex.entries() if e.category in ("loaded", "name_calling"))
    for neutral in ("largest", "trading partner", "railway", "network"):
        e = lex.get(neutral)
        assert e is None or e.category in ("hedge", "booster"), neutral


def test_result_shift_and_json() -> None:
    r = LoadedTermsResult((Span(3, 9, "rogue!", "loaded", 0.71234, False, "both"),))
    moved = r.shifted(100)
    assert moved.spans[0].start == 103 and moved.spans[0].end == 109
    assert moved.to_json() == [
        {
            "start": 103,
            "end": 109,
            "text": "rogue!",
            "category": "loaded",
            "score": 0.7123,
            "quoted": False,
            "source": "both",
        }
    ]
    assert r.shifted(0) is r


def test_join_listed_joins_a_weak_known_term_across_a_comma_only() -> None:
    from framing.scorers.loaded_terms import join_listed

    text = "built on plunder, looting and occupation, theft"
    kept = [(9, 16, "loaded", 0.5, "lexicon")]  # "plunder"
    looting = (18, 25, "loaded", 0.12, "lexicon")
    theft = (42, 47, "loaded", 0.1, "lexicon")  # listed after "occupation", not after a kept term
    assert text[9:16] == "plunder" and text[18:25] == "looting" and text[42:47] == "theft"
    assert join_listed(text, kept, [looting, theft]) == [(9, 25, "loaded", 0.5, "lexicon")]
    # listed before the reported term joins too; " and " does not join (a list's last item)
    text2 = "looting, plunder and theft"
    assert join_listed(text2, [(9, 16, "loaded", 0.5, "both")], [(0, 7, "loaded", 0.1, "lexicon"),
                                                                 (21, 26, "loaded", 0.1, "lexicon")]
                       ) == [(0, 16, "loaded", 0.5, "both")]
    # an epistemic span never collects neighbours; nothing weak: spans unchanged
    hedge = [(0, 7, "hedge", 1.0, "lexicon")]
    assert join_listed("perhaps, looting", hedge, [(9, 16, "loaded", 0.1, "lexicon")]) == hedge
    assert join_listed(text, kept, []) == kept


@pytest.mark.model
def test_listed_loaded_terms_are_one_span(encoder) -> None:  # type: ignore[no-untyped-def]
    """A known loaded term too weak to report alone ("looting") joins the reported term it is
    comma-listed with; an everyday word (weight 0) in the same list never does."""
    a, b = _run(encoder, ["The old regime was built on plunder, looting and fear.",
                          "The old regime was built on plunder, policy and fear."])
    assert "plunder, looting" in {s.text for s in a.loaded}, a.loaded
    assert {s.text for s in b.loaded} & {"plunder", "plunder, policy"} == {"plunder"}, b.loaded


@pytest.fixture(scope="module")
def encoder():  # type: ignore[no-untyped-def]
    from framing.encoder import load_encoder

    return load_encoder()


def _run(encoder, texts, quotes=None, config=None):  # type: ignore[no-untyped-def]
    scorer = get("loaded_terms", config or ScorerConfig())
    batch = Batch(texts=texts, enc=encoder.encode(texts), quotes=quotes or [[] for _ in texts])
    return scorer.score(batch)


@pytest.mark.model
def test_loaded_terms_flags_seed_terms_not_economics(encoder) -> None:  # type: ignore[no-untyped-def]
    texts = [
        "These reckless and criminal actions by the U.S. imperialists are nothing but piracy, looting and occupation.",
        "China is Iran's largest trading partner, and the two countries plan to link their railway networks.",
    ]
    loaded, neutral = _run(encoder, texts)
    found = " ".join(s.text.lower() for s in loaded.loaded)
    assert len(loaded.loaded) >= 2
    assert any(w in found for w in ("reckless", "criminal", "imperialist", "piracy", "looting"))
    assert not neutral.loaded, neutral.loaded
    for s in loaded.spans:
        assert texts[0][s.start : s.end] == s.text
        assert 0.0 <= s.score <= 1.0
        assert s.source in ("lexicon", "model", "both")


@pytest.mark.model
def test_loaded_terms_quoted_flag_and_epistemic(encoder) -> None:  # type: ignore[no-untyped-def]
    text = 'The minister allegedly called them "ruthless thugs and criminals" on Monday.'
    q0 = text.index('"') + 1
    q1 = text.rindex('"')
    (res,) = _run(encoder, [text], quotes=[[(q0, q1)]])
    inside = [s for s in res.loaded if q0 <= s.start and s.end <= q1]
    assert inside and all(s.quoted for s in inside)
    assert any(s.category == "hedge" and s.text == "allegedly" for s in res.epistemic)
    assert not any(s.quoted for s in res.spans if s.end <= q0)


@pytest.mark.model
def test_loaded_terms_user_lexicon_merges(encoder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "The committee published its quarterly widget report on Tuesday."
    (plain,) = _run(encoder, [text])
    assert not any("widget" in s.text.lower() for s in plain.spans)
    f = tmp_path / "mine.tsv"
    f.write_text("quarterly widget report\tname_calling\t1.0\n")
    (mine,) = _run(encoder, [text], config=ScorerConfig(lexicons=(str(f),)))
    hits = [s for s in mine.spans if s.text == "quarterly widget report"]
    assert hits and hits[0].category == "name_calling" and hits[0].source in ("lexicon", "both")


@pytest.mark.model
def test_loaded_terms_on_seed_article(encoder) -> None:  # type: ignore[no-untyped-def]
    from framing.segment import _sentences_in

    text = SEED.read_text(encoding="utf-8")
    spans = _sentences_in(text, 0, len(text))
    texts = [text[s:e] for s, e in spans]
    res = _run(encoder, texts)
    found = {s.text.lower() for r in res for s in r.loaded}
    assert len(found) >= 8
    assert any("imperialist" in f for f in found)
    assert not any(f in ("largest", "trading", "partner", "railway", "networks") for f in found)
    # issue 14: multiword terms as one span, everyday policy words never name-calling
    for term in ("war crimes", "criminal actions", "rogue actions", "aggressive hostility", "piracy, looting"):
        assert term in found, (term, sorted(found))
    assert not found & {"policy", "position", "crisis", "crises", "sanctions"}, sorted(found)


@pytest.mark.model
def test_loaded_terms_never_flag_a_word_of_a_name(encoder) -> None:  # type: ignore[no-untyped-def]
    """Names are who the article is about: the lexicon's "harrow" is no verdict on Harrow Minerals,
    and a place name ("Harwick") is not loaded language, while the loaded words around them are.
    A lexicon term that is one capitalised word on its own ("Nazis") is still reported; a
    capitalised word the detector alone flags is not (the price: PTC dev span recall 0.192 ->
    0.184, precision 0.413 -> 0.436)."""
    texts = ["Harrow Minerals has spent the spring in shameless denial.",
             "Two years ago, more than 4,000 people in Harwick slept in shelters or cars.",
             "The harrowing raid was led by Nazis."]
    named, place, alone = _run(encoder, texts)
    assert "harrow" not in " ".join(s.text.lower() for s in named.loaded), named.loaded
    assert any("shameless" in s.text for s in named.loaded), named.loaded
    assert not any("Harwick" in s.text for s in place.loaded), place.loaded
    assert any(s.text == "harrowing" for s in alone.loaded), alone.loaded  # no name: the lexicon's word
    from framing.lexicon import words
    from framing.scorers.loaded_terms import combine

    text = "The raid was led by Nazis, not by Harrow Minerals."
    lex = Lexicon([Entry("nazis", "name_calling", 0.9), Entry("harrow", "loaded", 0.9)])
    ws = [(s, e, w, 0.0, "loaded") for s, e, w in words(text)]
    assert [text[s:e] for s, e, *_ in combine(text, lex.match(text), ws, 0.25, 0.7)] == ["Nazis"]
    ws = [(s, e, w, 0.9 if text[s:e] == "Nazis" else 0.0, "loaded") for s, e, w in words(text)]
    assert combine(text, [], ws, 0.25, 0.7) == []  # the detector alone: a capitalised word is a name


@pytest.mark.model
def test_loaded_terms_lie_in_its_everyday_sense_is_not_loaded(encoder) -> None:  # type: ignore[no-untyped-def]
    """The seed's "many crises lie ahead" is the verb to be situated; "lie about" and "a lie" stay
    loaded where the scorer flags them."""
    texts = ["The struggle is far from over and many crises lie ahead.",
             "Its rulers bomb sleeping children and then lie about it.",
             "He told a lie in court."]
    ahead, about, noun = _run(encoder, texts)
    assert not any(s.text.lower() == "lie" for s in ahead.loaded), ahead.loaded
    assert any(s.text.lower() == "lie" for s in about.loaded), about.loaded
    from framing.scorers.loaded_terms import _literal_sense

    assert not _literal_sense(texts[2], texts[2].index("lie"), texts[2].index("lie") + 3)


def _cli_json(*args: str) -> dict:  # type: ignore[type-arg]
    from typer.testing import CliRunner

    from framing.cli import app

    res = CliRunner().invoke(app, ["analyze", *args, "--format", "json"])
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


@pytest.mark.model
def test_loaded_terms_cli_seed_end_to_end(tmp_path: Path) -> None:
    rep = _cli_json(str(SEED), "--scorers", "bias,loaded_terms")
    text = SEED.read_text(encoding="utf-8")
    assert 0.0 <= rep["summary"]["bias"]["score"] <= 1.0
    assert rep["summary"]["loaded_summary"]["count"] >= 5
    assert rep["summary"]["loaded_density"] > 0
    seen = []
    for sec in rep["sections"]:
        assert 0.0 <= sec["bias"]["score"] <= 1.0
        assert "loaded_density" in sec and "epistemic" in sec
        for p in sec["paragraphs"]:
            assert 0.0 <= p["bias"]["score"] <= 1.0
            for s in p["loaded_terms"]:
                # article offsets: the span text is the article text there
                assert rep_text(rep, text)[s["start"] : s["end"]] == s["text"]
                assert set(s) == {"start", "end", "text", "category", "score", "quoted", "source"}
                seen.append(s["text"].lower())
            for sent in p["sentences"]:
                assert isinstance(sent["loaded_terms"], list)
                assert 0.0 <= sent["bias"]["score"] <= 1.0
    assert any("imperialist" in t for t in seen)
    assert not any(t in ("largest", "trading partner", "railway", "networks") for t in seen)
    # a user lexicon adds its term as one multiword span
    f = tmp_path / "mine.tsv"
    f.write_text("railway networks\tloaded\t1.0\n")
    rep2 = _cli_json(str(SEED), "--scorers", "loaded_terms", "--lexicon", str(f))
    spans = [s for sec in rep2["sections"] for p in sec["paragraphs"] for s in p["loaded_terms"]]
    assert any(s["text"] == "railway networks" and s["source"] in ("lexicon", "both") for s in spans)


def rep_text(rep: dict, text: str) -> str:  # type: ignore[type-arg]
    """The article text the report's offsets index (paragraph texts placed at their starts)."""
    buf = [" "] * max((p["end"] for s in rep["sections"] for p in s["paragraphs"]), default=0)
    for sec in rep["sections"]:
        for p in sec["paragraphs"]:
            buf[p["start"] : p["end"]] = list(p["text"])
    return "".join(buf)
