"""Issue 16: actors named right (NER head on the shared encoder pass, name coreference,
canonical names, compare's alias-checked claims, outlet names). Real encoder and heads."""

from __future__ import annotations

import json

import pytest

from framing.compare import compare, text_mentions
from framing.load import load_text
from framing.ner import clean_span, words

FBI = """F.B.I. Director James B. Comey told Congress on Tuesday that the F.B.I. had found no evidence for the claim.

President Trump and Melania Trump attended the dinner on Monday. Mr. Trump said the F.B.I. was "a disgrace" in an interview with Fox & Friends, and Mrs. Trump did not comment.

Comey said he stood by the bureau. "We follow the facts," Mr. Comey said. Senator Elizabeth Warren (D-Mass.) and Senator Ted Cruz (R-Texas) both asked about the FBI.
"""

CLINTONS = """Hillary Clinton and Bill Clinton appeared together in New York on Sunday.

Mrs. Clinton said the inquiry was closed. Mr. Clinton praised the U.N. and the E.U. for their support, and Mrs. Clinton thanked the crowd.
"""


@pytest.fixture(scope="module")
def analyse(pipeline):  # type: ignore[no-untyped-def]
    from framing.pipeline import Pipeline

    pipe = Pipeline(["stance"])

    def run(text: str, targets=None):  # type: ignore[no-untyped-def]
        return pipe.score(load_text(text, "t.txt"), targets)

    return run


def _mentioned(an, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for i, ms in enumerate(an.targets.mentions):
        text = an.article.sentence_text(i)
        out.extend(text[m.start:m.end] for m in ms if m.target == name)
    return out


def test_words_keep_initialisms_and_abbreviations_whole() -> None:
    t = "F.B.I. Director Mr. Comey met U.S. officials (D-Mass.) today."
    got = [t[s:e] for s, e in words(t)]
    assert "F.B.I." in got and "U.S." in got and "Mr." in got
    assert "F" not in got and "B" not in got


def test_clean_span_rules() -> None:
    t = "Sen. Elizabeth Warren’s plan"
    s, e = clean_span(t, 0, len("Sen. Elizabeth Warren’s"), "PERSON")  # type: ignore[misc]
    assert t[s:e] == "Elizabeth Warren"
    assert clean_span("(D-Mass.)", 1, 8, "ORG") is None
    assert clean_span("F. and", 0, 2, "ORG") is None
    t2 = "the F.B.I. said"
    s2, e2 = clean_span(t2, 0, 10, "ORG")  # type: ignore[misc]
    assert t2[s2:e2] == "F.B.I."


@pytest.mark.model
def test_fbi_text_one_fbi_one_comey_trumps_apart(analyse) -> None:  # type: ignore[no-untyped-def]
    an = analyse(FBI)
    names = an.targets.names()
    # one F.B.I., whatever the spelling; no initial on its own
    assert "FBI" in names
    assert not [n for n in names if n.replace(".", "").strip() in {"F", "B", "I"}]
    assert len(_mentioned(an, "FBI")) == 4
    # one Comey: the later "Comey" and "Mr. Comey" join James B. Comey, under the canonical name
    comeys = [n for n in names if "Comey" in n]
    assert comeys == ["James Comey"]
    named = [m for m in _mentioned(an, "James Comey") if m[0].isupper() and m != "He"]
    assert named == ["James B. Comey", "Comey", "Comey"]  # the last one is "Mr. Comey", title cut
    assert "Mr. Comey" in an.targets.get("James Comey").aliases
    # Donald and Melania Trump stay apart
    assert "Donald Trump" in names and "Melania Trump" in names
    assert "Mr. Trump" in _mentioned(an, "Donald Trump") or "Trump" in _mentioned(an, "Donald Trump")
    assert all(m != "Melania Trump" for m in _mentioned(an, "Donald Trump"))
    assert "Mrs. Trump" not in " ".join(_mentioned(an, "Donald Trump"))
    # no party-state tag, no name running across "and"
    assert not [n for n in names if "Mass" in n or "Texas" in n]
    assert not [n for n in names if " and " in n]
    assert {"Elizabeth Warren", "Ted Cruz"} <= set(names)


@pytest.mark.model
def test_hillary_and_bill_clinton_apart(analyse) -> None:  # type: ignore[no-untyped-def]
    an = analyse(CLINTONS)
    names = an.targets.names()
    assert "Hillary Clinton" in names and "Bill Clinton" in names
    assert _mentioned(an, "Hillary Clinton").count("Clinton") == 2  # both "Mrs. Clinton"
    assert _mentioned(an, "Bill Clinton").count("Clinton") == 1  # "Mr. Clinton"
    assert "United Nations" in names and "European Union" in names
    assert not [n for n in names if " and " in n]


@pytest.mark.model
def test_canonical_name_across_articles(analyse) -> None:  # type: ignore[no-untyped-def]
    a = analyse("Donald J. Trump signed the order on Friday. Critics said Mr. Trump acted alone.")
    b = analyse("President Trump signed the order on Friday. Trump said it was overdue.")
    assert "Donald Trump" in a.targets.names() and "Donald Trump" in b.targets.names()
    assert not [n for n in [*a.targets.names(), *b.targets.names()] if "Trump" in n and n != "Donald Trump"]


@pytest.mark.model
def test_user_target_name_is_the_name_reported(analyse) -> None:  # type: ignore[no-untyped-def]
    an = analyse(FBI, {"Bureau": ["F.B.I.", "FBI"]})
    names = an.targets.names()
    assert "Bureau" in names and "FBI" not in names
    assert len(_mentioned(an, "Bureau")) == 4


@pytest.mark.model
def test_pronouns_stay_conservative(analyse) -> None:  # type: ignore[no-untyped-def]
    an = analyse("James B. Comey spoke on Tuesday. He said the inquiry was over.")
    assert _mentioned(an, "James Comey") == ["James B. Comey", "He"]
    an2 = analyse("The weather was cold. He said the inquiry was over.")
    assert not any(an2.targets.mentions)


# ---- compare: alias-checked claims and outlet names (hand-made reports, no model) ---------------
def _rep(title: str, text: str, targets: list[tuple[str, list[str], int]], outlet: str | None = None) -> dict:
    rep = {"title": title, "summary": {"words": 100},
           "sections": [{"heading": None, "paragraphs": [{"text": text}]}],
           "targets": [{"name": n, "aliases": a, "mentions": m,
                        "stance": {"score": 0.0, "label": "neutral", "mentions": m}} for n, a, m in targets]}
    if outlet:
        rep["outlet"] = outlet
    return rep


def test_text_mentions_checks_every_surface_form() -> None:
    assert text_mentions("The F.B.I. said so.", ["FBI"]) == 1
    assert text_mentions("James B. Comey spoke.", ["James Comey"]) == 0  # only the other way round
    assert text_mentions("James Comey spoke.", ["James B. Comey"]) == 1
    assert text_mentions("Democrats objected.", ["Democratic Party", "Democrats"]) == 1
    assert text_mentions("The FBIS archive", ["FBI"]) == 0


def test_compare_never_claims_an_absence_the_text_contradicts() -> None:
    a = _rep("a", "The FBI said the FBI and FBI agents were right.", [("FBI", [], 3)], "Fox News")
    b = _rep("b", "The F.B.I. said nothing more.", [], "The New York Times")
    c = _rep("c", "Nobody said anything.", [], None)
    out = compare([a, b, c])
    left_out = {e["article"]: [x["name"] for x in e["leaves_out"]] for e in out["emphasis"]}
    assert "FBI" not in left_out[1]  # writes F.B.I.
    assert "FBI" in left_out[2]  # really never mentions it
    text = " ".join(out["findings"])
    assert "The New York Times" in text or "Fox News" in text
    assert "#3" in text  # no outlet known: its position
    assert out["overview"][0]["label"] == "Fox News"


def test_compare_keeps_two_people_with_one_surname_apart() -> None:
    from framing.compare import align_targets

    a = _rep("a", "", [("Donald Trump", ["Trump", "Mr. Trump"], 3)])
    b = _rep("b", "", [("Melania Trump", ["Trump", "Mrs. Trump"], 2), ("Donald Trump", ["President Trump"], 1)])
    groups = align_targets([a, b])
    assert sorted(g["name"] for g in groups) == ["Donald Trump", "Melania Trump"]


@pytest.mark.model
def test_cli_compare_labels_and_jsonl_outlet(runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from framing.cli import app

    p1, p2 = tmp_path / "a.txt", tmp_path / "b.txt"
    p1.write_text(FBI, encoding="utf-8")
    p2.write_text(CLINTONS, encoding="utf-8")
    result = runner.invoke(app, ["compare", str(p1), str(p2), "--format", "json", "--label", "Fox News",
                                 "--label", "NYT"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [o["label"] for o in doc["overview"]] == ["Fox News", "NYT"]
    assert not any("#1" in f or "#2" in f for f in doc["findings"])
    rec = tmp_path / "r.jsonl"
    rec.write_text(json.dumps({"id": "x", "text": FBI, "outlet": "Fox News"}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", "--input", str(rec), "--format", "jsonl", "--scorers", "stance"])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout.splitlines()[0])
    assert out["outlet"] == "Fox News"
    assert "James Comey" in [t["name"] for t in out["targets"]]


def test_html_site_name_is_the_outlet() -> None:
    html = ("<html><head><title>Story</title><meta property='og:site_name' content='Daily Planet'></head>"
            "<body><article><h1>Story</h1><p>" + "The council met on Tuesday and voted. " * 20
            + "</p></article></body></html>")
    doc = load_text(html, "x.html")
    assert doc.outlet == "Daily Planet"


@pytest.mark.model
def test_a_place_is_not_the_tail_of_a_name(analyse) -> None:  # type: ignore[no-untyped-def]
    """A one-word place after a one-word person is not joined into a name (a dropped verb in a
    real article read "President Trump Oregon cattle ranchers ..."), a split name still is."""
    from framing.ner import join_names

    text = "President Trump Oregon cattle ranchers who were jailed for arson got pardons on Tuesday."
    s = text.index("Trump")
    o = text.index("Oregon")
    assert join_names(text, [(s, s + 5, "PERSON"), (o, o + 6, "GPE")]) == [(s, s + 5, "PERSON"), (o, o + 6, "GPE")]
    t2 = "Rod Rosenstein spoke."
    assert join_names(t2, [(0, 3, "PERSON"), (4, 14, "GPE")]) == [(0, 14, "PERSON")]
    names = analyse(text + " Trump said the ranchers were treated unfairly.").targets.names()
    assert "Trump Oregon" not in names and "Donald Trump" in names
